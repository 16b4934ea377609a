"""Pages that manage an organisation: creation, switching, settings, members, API keys, audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts import selectors, services
from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.forms import (
    ApiKeyForm,
    InvitationForm,
    OrganisationForm,
    OrganisationSettingsForm,
    RoleForm,
)
from parvis.accounts.models import ApiKey, Invitation, Membership
from parvis.accounts.roles import ROLE_HELP, Role
from parvis.core.models import AuditEvent
from parvis.core.scoping import get_scoped_or_404


def _apply_errors(
    form: OrganisationForm | InvitationForm | ApiKeyForm, exc: ValidationError
) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            name=form.cleaned_data["name"],
            owner=request.user,  # type: ignore[arg-type]
            timezone_name=form.cleaned_data["timezone"],
        )
        return redirect("web:dashboard", org=organisation.slug)
    return render(request, "accounts/organisation_create.html", {"form": form})


@require_POST
@org_view()
def organisation_switch(request: OrgRequest) -> HttpResponse:
    services.user_switch_organisation(
        user=request.membership.user, organisation=request.organisation
    )
    return redirect("web:dashboard", org=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def organisation_settings(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "timezone": organisation.timezone,
            "approval_required": organisation.approval_required,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            membership=request.membership,
            name=form.cleaned_data["name"],
            timezone_name=form.cleaned_data["timezone"],
            approval_required=form.cleaned_data["approval_required"],
        )
        messages.success(request, _("Settings saved."))
        return redirect("accounts:organisation_settings", org=organisation.slug)
    return render(request, "accounts/organisation_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@org_view()
def members(request: OrgRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    invitation_url = None
    if request.method == "POST":
        if not request.membership.can(Role.MANAGER):
            raise PermissionDenied
        if form.is_valid():
            try:
                issued = services.invitation_create(
                    membership=request.membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": issued.invitation.email},
                )
                invitation_url = issued.url
                form = InvitationForm()
    context = {
        "form": form,
        "members": selectors.members_of(request.organisation),
        "invitations": selectors.pending_invitations(request.organisation),
        "role_help": ROLE_HELP,
        "roles": Role.choices,
        "invitation_url": invitation_url,
    }
    return render(request, "accounts/members.html", context)


@require_POST
@org_view(Role.MANAGER)
def member_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    target = _member(request, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                acting=request.membership, target=target, role=form.cleaned_data["role"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Role updated."))
    return redirect("accounts:members", org=request.organisation.slug)


@require_POST
@org_view()
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    target = _member(request, membership_id)
    leaving = target.pk == request.membership.pk
    try:
        services.membership_remove(acting=request.membership, target=target)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("accounts:members", org=request.organisation.slug)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": request.organisation.name})
        return redirect("web:home")
    messages.success(request, _("Member removed."))
    return redirect("accounts:members", org=request.organisation.slug)


def _member(request: OrgRequest, membership_id: int) -> Membership:
    # Memberships are scoped through the organisation they join (they are not
    # OrganisationOwned because the user side matters as much).
    target = (
        Membership.objects.filter(organisation=request.organisation, pk=membership_id)
        .select_related("user", "organisation")
        .first()
    )
    if target is None:
        raise Http404
    return target


@require_POST
@org_view(Role.MANAGER)
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    invitation = get_scoped_or_404(Invitation, request.organisation, pk=invitation_id)
    services.invitation_revoke(membership=request.membership, invitation=invitation)
    messages.success(request, _("Invitation cancelled."))
    return redirect("accounts:members", org=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def api_keys(request: OrgRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_key_create(
                membership=request.membership,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                expires_at=form.cleaned_data["valid_until"],
            )
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            new_secret = issued.secret
            form = ApiKeyForm()
    context = {
        "form": form,
        "keys": selectors.api_keys_of(request.organisation),
        "new_secret": new_secret,
    }
    return render(request, "accounts/api_keys.html", context)


@require_POST
@org_view(Role.MANAGER)
def api_key_revoke(request: OrgRequest, key_id: int) -> HttpResponse:
    api_key = get_scoped_or_404(ApiKey, request.organisation, pk=key_id)
    services.api_key_revoke(membership=request.membership, api_key=api_key)
    messages.success(request, _("Key revoked: it no longer works."))
    return redirect("accounts:api_keys", org=request.organisation.slug)


@org_view(Role.MANAGER)
def audit_log(request: OrgRequest) -> HttpResponse:
    events = AuditEvent.objects.for_organisation(request.organisation).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page})
