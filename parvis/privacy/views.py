"""« Données personnelles »: what Parvis stores, deleting the organisation, a person's data;
and the account deletion page. Views only translate between HTTP and ``privacy.services``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.vocabulary import NETWORK_LABELS
from parvis.privacy import inventory, registry, selectors, services
from parvis.privacy.deletion import network_revoke_supported
from parvis.privacy.forms import (
    AccountDeleteForm,
    DeletionRequestForm,
    PersonEraseForm,
    PersonSearchForm,
)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _overview(
    request: OrgRequest, *, deletion_form: DeletionRequestForm | None = None, status: int = 200
) -> HttpResponse:
    organisation = request.organisation
    context = {
        "stored": inventory.stored_data(),
        "deletion": selectors.organisation_deletion_live(organisation),
        "deletion_form": deletion_form or DeletionRequestForm(),
        "delay_days": settings.ORGANISATION_DELETION_DELAY_DAYS,
        "is_owner": request.membership.can(Role.OWNER),
        "is_manager": request.membership.can(Role.MANAGER),
        "revoking_networks": [
            label for kind, label in _network_labels() if network_revoke_supported(kind)
        ],
    }
    return render(request, "privacy/overview.html", context, status=status)


def _network_labels() -> list[tuple[str, str]]:
    return [(network.value, str(label)) for network, label in NETWORK_LABELS.items()]


@require_GET
@org_view()
def overview(request: OrgRequest) -> HttpResponse:
    return _overview(request)


@require_POST
@org_view(Role.OWNER)
def deletion_request(request: OrgRequest) -> HttpResponse:
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        return _overview(request, deletion_form=form, status=400)
    try:
        deletion = services.organisation_deletion_request(
            membership=request.membership,
            confirmation=form.cleaned_data["confirmation"],
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):  # about the organisation, not the form
            messages.error(request, _errors(exc))
            return redirect("privacy:overview", org=request.organisation.slug)
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _overview(request, deletion_form=form, status=400)
    messages.warning(
        request,
        _("%(name)s will be deleted on %(date)s. Every owner was told by e-mail.")
        % {
            "name": request.organisation.name,
            "date": date_format(timezone.localtime(deletion.due_at), "SHORT_DATETIME_FORMAT"),
        },
    )
    return redirect("privacy:overview", org=request.organisation.slug)


@require_POST
@org_view(Role.OWNER)
def deletion_cancel(request: OrgRequest) -> HttpResponse:
    try:
        services.organisation_deletion_cancel(membership=request.membership)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The deletion is cancelled: nothing will be deleted."))
    return redirect("privacy:overview", org=request.organisation.slug)


@require_GET
@org_view(Role.MANAGER)
def people(request: OrgRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    matches: list[registry.PersonMatch] = []
    searched = False
    if request.GET and form.is_valid():
        searched = True
        try:
            matches = services.person_find(
                membership=request.membership, query=form.cleaned_data["q"]
            )
        except ValidationError as exc:
            form.add_error("q", exc.messages)
    context = {
        "form": form,
        "matches": matches,
        "searched": searched,
        "erase_form": PersonEraseForm(),
        "source_labels": [str(source.label) for source in registry.sources()],
    }
    return render(request, "privacy/people.html", context, status=400 if form.errors else 200)


def _back_to_people(request: OrgRequest) -> HttpResponse:
    response = redirect("privacy:people", org=request.organisation.slug)
    query = request.POST.get("q", "")[:200]
    if query:
        response["Location"] += "?" + urlencode({"q": query})
    return response


@require_POST
@org_view(Role.MANAGER)
def people_export(request: OrgRequest) -> HttpResponse:
    try:
        archive = services.person_export(
            membership=request.membership, references=request.POST.getlist("person")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back_to_people(request)
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="parvis-personal-data-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_view(Role.MANAGER)
def people_erase(request: OrgRequest) -> HttpResponse:
    if not PersonEraseForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm the erasure."))
        return _back_to_people(request)
    try:
        totals = services.person_erase(
            membership=request.membership, references=request.POST.getlist("person")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back_to_people(request)
    messages.success(
        request,
        _("Erased: %(messages)s message(s); %(conversations)s conversation(s) made anonymous.")
        % {
            "messages": totals.get("inbox.messages", 0),
            "conversations": totals.get("inbox.conversations", 0),
        },
    )
    return redirect("privacy:people", org=request.organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    plan = selectors.account_deletion_plan(user)  # type: ignore[arg-type]
    form = AccountDeleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.user_delete(
                    user=user,  # type: ignore[arg-type]
                    password=form.cleaned_data["password"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                logout(request)
                messages.success(request, _("Your account is deleted."))
                return redirect("accounts:login")
    return render(
        request, "privacy/account_delete.html", {"form": form, "plan": plan}, status=status
    )
