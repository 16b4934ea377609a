"""The accounts page ("Comptes"): see each account's state, connect and disconnect.

Views only translate between HTTP and :mod:`parvis.networks.services`. Leaving for a network's
sign-in page cannot be a redirect answering a form: the Content Security Policy's
``form-action 'self'`` blocks it. With HTMX the answer is an ``HX-Redirect`` (a plain
navigation); without JavaScript, a page with a link to follow.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.accounts.selectors import default_organisation
from parvis.core.scoping import get_scoped_or_404
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks import selectors, services
from parvis.networks.forms import (
    BlueskyConnectForm,
    ChooseAccountsForm,
    MastodonConnectForm,
    OAuthConnectForm,
)
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.services import ConnectFailed


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _page(
    request: OrgRequest,
    *,
    bluesky_form: BlueskyConnectForm | None = None,
    mastodon_form: MastodonConnectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = request.organisation
    states = selectors.account_states(organisation)
    if bluesky_form is None:
        initial: dict[str, Any] = {}
        reconnect = request.GET.get("reconnect", "")
        if reconnect.isdigit():
            again = (
                SocialAccount.objects.for_organisation(organisation)
                .filter(pk=int(reconnect), kind=Network.BLUESKY.value)
                .first()
            )
            if again is not None:
                initial = {"handle": again.handle, "server": again.api_base_url}
        bluesky_form = BlueskyConnectForm(initial=initial or None)
    base_url = _base_url(request)
    context = {
        "states": states,
        "options": selectors.network_options(),
        "can_manage": request.membership.can(Role.MANAGER),
        "bluesky_form": bluesky_form,
        "mastodon_form": mastodon_form or MastodonConnectForm(),
        "callback_urls": {
            kind.value: services.oauth_callback_url(kind, base_url)
            for kind in (*services.OAUTH_NETWORKS, Network.MASTODON)
        },
    }
    return render(request, "networks/accounts.html", context, status=status)


@require_GET
@org_view()
def accounts(request: OrgRequest) -> HttpResponse:
    return _page(request)


def _to_network(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return render(request, "networks/continue.html", {"url": url})


def _back(request: OrgRequest) -> HttpResponse:
    url = reverse("networks:accounts", kwargs={"org": request.organisation.slug})
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@org_view(Role.MANAGER)
def connect_oauth(request: OrgRequest) -> HttpResponse:
    form = OAuthConnectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a network to connect."))
        return _back(request)
    try:
        url = services.account_connect_oauth_start(
            membership=request.membership,
            kind=Network(form.cleaned_data["network"]),
            base_url=_base_url(request),
        )
    except ConnectFailed as exc:
        messages.error(request, str(exc))
        return _back(request)
    return _to_network(request, url)


@require_POST
@org_view(Role.MANAGER)
def connect_mastodon(request: OrgRequest) -> HttpResponse:
    form = MastodonConnectForm(request.POST)
    if form.is_valid():
        try:
            url = services.account_connect_mastodon(
                membership=request.membership,
                instance_url=form.cleaned_data["instance_url"],
                base_url=_base_url(request),
            )
        except ConnectFailed as exc:
            form.add_error("instance_url", str(exc))
        else:
            return _to_network(request, url)
    # HTMX swaps only successful answers: it gets the page (its form with errors) with 200.
    status = 200 if getattr(request, "htmx", False) else 400
    return _page(request, mastodon_form=form, status=status)


@require_POST
@org_view(Role.MANAGER)
def connect_bluesky(request: OrgRequest) -> HttpResponse:
    form = BlueskyConnectForm(request.POST)
    if form.is_valid():
        try:
            account = services.account_connect_bluesky(
                membership=request.membership,
                handle=form.cleaned_data["handle"],
                app_password=form.cleaned_data["app_password"],
                server_url=form.cleaned_data["server"],
            )
        except ConnectFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(handle)s is connected.") % {"handle": account.handle})
            return redirect("networks:accounts", org=request.organisation.slug)
    return _page(request, bluesky_form=form, status=400)


@require_POST
@org_view(Role.MANAGER)
def disconnect(request: OrgRequest, account_id: int) -> HttpResponse:
    account = get_scoped_or_404(SocialAccount, request.organisation, pk=account_id)
    services.account_disconnect(membership=request.membership, account=account)
    messages.success(request, _("%(handle)s is disconnected.") % {"handle": account.handle})
    return redirect("networks:accounts", org=request.organisation.slug)


@require_GET
@login_required
def oauth_callback(request: HttpRequest, kind: str) -> HttpResponse:
    """Where every network sends the user back. The organisation comes from the ``state``."""
    try:
        network = Network(kind)
    except ValueError as exc:
        raise Http404 from exc
    try:
        outcome = services.account_connect_oauth_finish(
            user=request.user,  # type: ignore[arg-type]
            kind=network,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except (ConnectFailed, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("Your role does not allow this."))
        organisation = default_organisation(request.user)  # type: ignore[arg-type]
        if organisation is None:
            return redirect("web:home")
        return redirect("networks:accounts", org=organisation.slug)
    if outcome.choice is not None:
        return redirect(
            "networks:choose",
            org=outcome.choice.organisation.slug,
            attempt_id=outcome.choice.pk,
        )
    account = outcome.accounts[0]
    messages.success(
        request,
        _("%(network)s account %(handle)s is connected.")
        % {"network": NETWORK_LABELS[network], "handle": account.handle},
    )
    return redirect("networks:accounts", org=account.organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def choose(request: OrgRequest, attempt_id: int) -> HttpResponse:
    """After a sign-in that gave several accounts (Facebook Pages and their Instagram
    accounts, LinkedIn pages): tick the ones to connect. Only the user who signed in sees it."""
    attempt = get_scoped_or_404(OAuthState, request.organisation, pk=attempt_id, user=request.user)
    back = reverse("networks:accounts", kwargs={"org": request.organisation.slug})
    if not attempt.is_choosable():
        messages.error(request, _("This connection attempt has expired: start again."))
        return redirect(back)
    rows = selectors.connection_choice(attempt)
    keys = [row.candidate.key for row in rows] + [row.linked.key for row in rows if row.linked]
    form = ChooseAccountsForm(request.POST if request.method == "POST" else None, keys=keys)
    if request.method == "POST":
        if "abandon" in request.POST:
            services.account_connect_abandon(membership=request.membership, attempt=attempt)
            messages.info(request, _("Nothing was connected."))
            return redirect(back)
        if form.is_valid():
            try:
                accounts = services.account_connect_choose(
                    membership=request.membership,
                    attempt=attempt,
                    keys=form.cleaned_data["chosen"],
                )
            except ConnectFailed as exc:
                messages.error(request, str(exc))
                return redirect(back)
            handles = ", ".join(account.handle for account in accounts)
            messages.success(request, _("Connected: %(handles)s.") % {"handles": handles})
            return redirect(back)
    context = {
        "attempt": attempt,
        "network": NETWORK_LABELS[Network(attempt.kind)],
        "rows": rows,
        "form": form,
        "ticked": set(request.POST.getlist("chosen")) if form.is_bound else _publishable(rows),
    }
    return render(request, "networks/choose.html", context, status=400 if form.is_bound else 200)


def _publishable(rows: list[selectors.ChoiceRow]) -> set[str]:
    """Ticked at first: every account the user can publish on."""
    found = set()
    for row in rows:
        for candidate in (row.candidate, row.linked):
            if candidate is not None and candidate.can_publish:
                found.add(candidate.key)
    return found
