"""The app assistant: one page per network that needs a developer app of Parvis' own, reached
from the « Comptes » page's cards. An instance administrator follows the steps, pastes this
instance's addresses on the network's site, types the id and the secret, clicks « Vérifier »
(a real call to the network) and saves. Anyone else learns who to ask.

Secrets typed are never written back into the page: « Vérifier » answers through HTMX with only
the verdict, so the fields keep what was typed; a blank secret on saving keeps the saved one.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.instance_admin import is_instance_admin
from parvis.networks import app_guides, app_settings, app_setup, public_address
from parvis.networks.app_check import AppCheck, Outcome
from parvis.networks.provider import Provider


class AppForm(forms.Form):
    client_id = forms.CharField(max_length=200, strip=True)
    client_secret = forms.CharField(
        max_length=500, required=False, strip=True, widget=forms.PasswordInput
    )
    webhook_secret = forms.CharField(max_length=500, required=False, strip=True)

    def __init__(self, *args: Any, guide: app_guides.Guide, has_secret: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].label = str(guide.id_label)
        secret = self.fields["client_secret"]
        secret.label = str(guide.secret_label)
        secret.widget.attrs["autocomplete"] = "off"
        if has_secret:
            secret.help_text = _("Leave empty to keep the saved secret.")
        if guide.webhook_secret_label is None:
            del self.fields["webhook_secret"]
        else:
            field = self.fields["webhook_secret"]
            field.label = str(guide.webhook_secret_label)
            field.help_text = str(guide.webhook_secret_help or "")
            if not guide.webhook_secret_generated:  # a secret, not a token we show to copy
                field.widget = forms.PasswordInput(attrs={"autocomplete": "off"})


def _network(kind: str) -> tuple[Provider, app_guides.Guide]:
    network = app_setup.app_network(kind)
    guide = app_guides.guide(network.kind) if network is not None else None
    if network is None or guide is None:
        raise Http404
    return network, guide


def _context(
    request: OrgRequest,
    network: Provider,
    guide: app_guides.Guide,
    form: AppForm | None,
    check: AppCheck | None,
) -> dict[str, Any]:
    saved = app_setup.saved_app(network.kind)
    report = public_address.assess(app_setup.addresses(network).base_url)
    return {
        "network": network,
        "guide": guide,
        "form": form,
        "check": check,
        "saved": saved,
        "saved_unreadable": saved is not None
        and app_settings.stored_apps().get(network.kind.value, None) is not None
        and app_settings.stored_apps()[network.kind.value].unreadable,
        "source": app_settings.source(network.kind.value),
        "addresses": app_setup.addresses(network),
        "scopes": app_setup.scopes(network),
        "report": report,
        "is_admin": is_instance_admin(request.user),
    }


def _form(
    request: OrgRequest, network: Provider, guide: app_guides.Guide, *, bound: bool
) -> AppForm:
    saved = app_setup.saved_app(network.kind)
    has_secret = saved is not None and bool(saved.client_secret)
    if bound:
        return AppForm(request.POST, guide=guide, has_secret=has_secret)
    initial: dict[str, str] = {}
    if saved is not None:
        initial["client_id"] = saved.client_id
    if guide.webhook_secret_generated:
        # The verify token is shown to be copied: propose a fresh one until one is saved.
        stored = str(saved.webhook_secret or "") if saved is not None else ""
        initial["webhook_secret"] = stored or secrets.token_urlsafe(24)
    return AppForm(initial=initial, guide=guide, has_secret=has_secret)


@require_http_methods(["GET", "POST"])
@org_view()
def app_setup_page(request: OrgRequest, kind: str) -> HttpResponse:
    network, guide = _network(kind)
    if not is_instance_admin(request.user):
        context = _context(request, network, guide, None, None)
        return render(request, "networks/app_setup.html", context, status=403)
    if request.method == "GET":
        form = _form(request, network, guide, bound=False)
        context = _context(request, network, guide, form, None)
        return render(request, "networks/app_setup.html", context)
    if app_settings.source(network.kind.value) is app_settings.Source.ENVIRONMENT:
        messages.error(request, _("The environment sets this app: change it there."))
        return redirect("networks:app_setup_" + network.kind.value, org=request.organisation.slug)
    action = request.POST.get("action", "")
    if action == "delete":
        if app_setup.network_app_delete(
            user=request.user,  # type: ignore[arg-type]
            organisation=request.organisation,
            network=network,
        ):
            messages.success(
                request, _("The %(network)s app was removed.") % {"network": network.label}
            )
        return redirect("networks:app_setup_" + network.kind.value, org=request.organisation.slug)
    form = _form(request, network, guide, bound=True)
    if not form.is_valid():
        return _answer(request, network, guide, form, None, status=400)
    app = app_setup.credentials_for(
        network, form.cleaned_data["client_id"], form.cleaned_data["client_secret"]
    )
    if not app.client_secret:
        form.add_error("client_secret", _("Enter the secret."))
        return _answer(request, network, guide, form, None, status=400)
    check = app_setup.app_check(network, app)
    if action != "save" or check.outcome is Outcome.REFUSED:
        status = 400 if check.outcome is Outcome.REFUSED and action == "save" else 200
        return _answer(request, network, guide, form, check, status=status)
    app_setup.network_app_save(
        user=request.user,  # type: ignore[arg-type]
        organisation=request.organisation,
        network=network,
        app=app,
        webhook_secret=form.cleaned_data.get("webhook_secret", ""),
        check=check,
    )
    messages.success(request, _("The %(network)s app is saved.") % {"network": network.label})
    return redirect("networks:app_setup_" + network.kind.value, org=request.organisation.slug)


def _answer(
    request: OrgRequest,
    network: Provider,
    guide: app_guides.Guide,
    form: AppForm,
    check: AppCheck | None,
    *,
    status: int,
) -> HttpResponse:
    context = _context(request, network, guide, form, check)
    # HTMX swaps only successful answers: the verdict comes with 200 and replaces itself.
    if getattr(request, "htmx", False):
        status = 200
    return render(request, "networks/app_setup.html", context, status=status)
