"""The accounts page ("Comptes"): see each account's state, connect and disconnect.

Views only translate between HTTP and the services (:mod:`parvis.networks.connecting`,
:mod:`parvis.networks.services`); what differs between networks comes from their providers.
Leaving for a network's sign-in page cannot be a redirect answering a form: the Content
Security Policy's ``form-action 'self'`` blocks it. With HTMX the answer is an ``HX-Redirect``
(a plain navigation); without JavaScript, a page with a link to follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.instance_admin import is_instance_admin
from parvis.accounts.roles import Role
from parvis.accounts.selectors import default_organisation
from parvis.core.public_url import public_base_url
from parvis.core.scoping import get_scoped_or_404
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks import connecting, selectors, services
from parvis.networks.app_guides import GUIDES
from parvis.networks.connecting import ConnectFailed
from parvis.networks.forms import ChooseAccountsForm, OAuthConnectForm
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.provider import ConnectMethod, ConnectorUnavailable, Provider
from parvis.networks.registry import provider, providers


def connect_url_name(kind: Network) -> str:
    """The URL name of a network's own connection form (``networks:connect_bluesky``)."""
    return f"networks:connect_{kind.value}"


def _base_url(request: HttpRequest) -> str:
    """Parvis' address for the networks (redirect URIs): the configured public address, the
    one the app assistant shows to paste, never the Host a browser sent."""
    return public_base_url()


@dataclass(frozen=True)
class ConnectCard:
    """One network's card under « Connect an account »; ``form`` when it asks for more than a
    sign-in (a server, an app password)."""

    option: selectors.NetworkOption
    form: forms.Form | None

    @property
    def url_name(self) -> str:
        return connect_url_name(self.option.kind)


def _reconnect_initial(request: OrgRequest, network: Provider) -> dict[str, Any]:
    """« Reconnect » on an app-password account fills its handle and server in again."""
    reconnect = request.GET.get("reconnect", "")
    if network.connect_method is not ConnectMethod.APP_PASSWORD or not reconnect.isdigit():
        return {}
    again = (
        SocialAccount.objects.for_organisation(request.organisation)
        .filter(pk=int(reconnect), kind=network.kind.value)
        .first()
    )
    return {"handle": again.handle, "server": again.api_base_url} if again is not None else {}


def _page(
    request: OrgRequest,
    *,
    submitted: forms.Form | None = None,
    submitted_kind: Network | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = request.organisation
    cards = []
    for option in selectors.network_options():
        form_class = option.provider.connect_form
        form = None
        if option.kind is submitted_kind:
            form = submitted
        elif form_class is not None:
            form = form_class(initial=_reconnect_initial(request, option.provider) or None)
        cards.append(ConnectCard(option, form))
    base_url = _base_url(request)
    context = {
        "states": selectors.account_states(organisation),
        "cards": cards,
        "can_manage": request.membership.can(Role.MANAGER),
        "is_instance_admin": is_instance_admin(request.user),
        "app_setup_kinds": {kind.value for kind in GUIDES},
        "callback_urls": {
            network.kind.value: connecting.oauth_callback_url(network.kind, base_url)
            for network in providers()
            if network.connect_method is not ConnectMethod.APP_PASSWORD
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
        url = connecting.account_connect_oauth_start(
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
def connect_network(request: OrgRequest, kind: str) -> HttpResponse:
    """The form of a network that asks for more than a sign-in: its server (then its sign-in
    page), or a handle and an app password."""
    try:
        network = provider(kind)
    except ConnectorUnavailable as exc:
        raise Http404 from exc
    if network.connect_form is None:
        raise Http404
    form = network.connect_form(request.POST)
    if network.connect_method is ConnectMethod.INSTANCE:
        return _connect_instance(request, network, form)
    return _connect_app_password(request, network, form)


def _connect_instance(request: OrgRequest, network: Provider, form: forms.Form) -> HttpResponse:
    if form.is_valid():
        try:
            url = connecting.account_connect_instance(
                membership=request.membership,
                kind=network.kind,
                instance_url=form.cleaned_data["instance_url"],
                base_url=_base_url(request),
            )
        except ConnectFailed as exc:
            form.add_error("instance_url", str(exc))
        else:
            return _to_network(request, url)
    # HTMX swaps only successful answers: it gets the page (its form with errors) with 200.
    status = 200 if getattr(request, "htmx", False) else 400
    return _page(request, submitted=form, submitted_kind=network.kind, status=status)


def _connect_app_password(request: OrgRequest, network: Provider, form: forms.Form) -> HttpResponse:
    if form.is_valid():
        try:
            account = connecting.account_connect_app_password(
                membership=request.membership,
                kind=network.kind,
                handle=form.cleaned_data["handle"],
                app_password=form.cleaned_data["app_password"],
                server_url=form.cleaned_data["server"],
            )
        except ConnectFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(handle)s is connected.") % {"handle": account.handle})
            return redirect("networks:accounts", org=request.organisation.slug)
    return _page(request, submitted=form, submitted_kind=network.kind, status=400)


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
        outcome = connecting.account_connect_oauth_finish(
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
            connecting.account_connect_abandon(membership=request.membership, attempt=attempt)
            messages.info(request, _("Nothing was connected."))
            return redirect(back)
        if form.is_valid():
            try:
                accounts = connecting.account_connect_choose(
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
