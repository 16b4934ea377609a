"""The composer's « Assistant » panel: htmx fragments, loaded into the composer by its
``publishing/ui/_assistant.html`` include.

Three steps, each a person's click: prepare (the exact request is shown), send (only the
request shown, checked by its digest), apply (a proposal goes into the draft in the browser,
or an alt text onto a picture). It lives in the strategy app because it writes in the plan's
tone and sector; it reads the composer's fields, never saves or schedules the post.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role, at_least
from parvis.core.scoping import get_scoped_or_404
from parvis.core.vocabulary import Network
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.llm import LlmUnavailable
from parvis.networks.models import SocialAccount
from parvis.publishing.capabilities import capabilities_for
from parvis.publishing.models import MediaAsset
from parvis.publishing.services.media import media_alt_text_set
from parvis.strategy import assistant
from parvis.strategy.assistant import AssistantRequest, Picture, Target
from parvis.strategy.drafting import company_style
from parvis.strategy.texts import current_language

PANEL = "strategy/assistant/_panel.html"
PREVIEW = "strategy/assistant/_preview.html"
PROPOSAL = "strategy/assistant/_proposal.html"
ALT_SAVED = "strategy/assistant/_alt_saved.html"


def _ids(request: OrgRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()][:50]


def _targets(request: OrgRequest) -> list[Target]:
    """The post's networks, from the accounts ticked in the composer, with the tightest limit
    among each network's accounts (a Mastodon server may allow more than another)."""
    accounts = SocialAccount.objects.for_organisation(request.organisation).filter(
        pk__in=_ids(request, "accounts")
    )
    grouped: dict[Network, tuple[int, list[int]]] = {}
    for account in accounts.order_by("kind", "pk"):
        caps = capabilities_for(account)
        if caps is None:
            continue
        limit, ids = grouped.get(caps.network, (caps.text_limit, []))
        grouped[caps.network] = (min(limit, caps.text_limit), [*ids, account.pk])
    return [Target(network, limit, tuple(ids)) for network, (limit, ids) in grouped.items()]


def _pictures(request: OrgRequest) -> list[Picture]:
    assets = (
        MediaAsset.objects.for_organisation(request.organisation)
        .filter(pk__in=_ids(request, "media"), mime__startswith="image/")
        .order_by("pk")
    )
    return [Picture(a.pk, a.original_name or str(a), a.alt_text) for a in assets]


def _request(request: OrgRequest) -> AssistantRequest:
    return assistant.build_request(
        company=request.organisation.name,
        style=company_style(request.organisation),
        draft=request.POST.get("body", ""),
        targets=_targets(request),
        pictures=_pictures(request),
        language=current_language(),
    )


def _preview(request: OrgRequest, built: AssistantRequest, notice: str = "") -> HttpResponse:
    settings = inbox_settings_for(request.organisation.pk)
    return render(
        request,
        PREVIEW,
        {
            "built": built,
            "vals": json.dumps({"digest": built.digest}),
            "notice": notice,
            "model": settings.llm_model,
            "host": urlsplit(settings.llm_base_url).hostname or "",
        },
    )


def _error(request: OrgRequest, message: str) -> HttpResponse:
    return render(request, PANEL, {"configured": True, "error": message})


def _panel(request: OrgRequest, *, configured: bool) -> HttpResponse:
    """The starting point, or how to enable the assistant (managers configure the model)."""
    can_configure = at_least(request.membership.role, Role.MANAGER)
    return render(request, PANEL, {"configured": configured, "can_configure": can_configure})


@require_GET
@org_view(Role.CONTRIBUTOR)
def panel(request: OrgRequest) -> HttpResponse:
    return _panel(request, configured=inbox_settings_for(request.organisation.pk).llm_configured)


@require_POST
@org_view(Role.CONTRIBUTOR)
def preview(request: OrgRequest) -> HttpResponse:
    """Step one: the exact request, shown; nothing is sent."""
    if not inbox_settings_for(request.organisation.pk).llm_configured:
        return _panel(request, configured=False)
    if not request.POST.get("body", "").strip():
        return _error(request, _("Write a draft first: the assistant starts from your text."))
    return _preview(request, _request(request))


@require_POST
@org_view(Role.CONTRIBUTOR)
def send(request: OrgRequest) -> HttpResponse:
    """Step two: send the request shown, and only it; show what the model proposes."""
    settings = inbox_settings_for(request.organisation.pk)
    if not settings.llm_configured:
        return _panel(request, configured=False)
    if not request.POST.get("body", "").strip():
        return _error(request, _("Write a draft first: the assistant starts from your text."))
    built = _request(request)
    if request.POST.get("digest") != built.digest:
        notice = _("Your draft changed since the preview: here is the request to send now.")
        return _preview(request, built, notice)
    try:
        proposal = assistant.ask(settings, built)
    except LlmUnavailable as exc:
        return _error(request, _("No proposal: %(reason)s.") % {"reason": exc})
    alt_texts = [
        {"picture": picture, "text": text, "vals": json.dumps({"alt_text": text})}
        for picture, text in proposal.alt_texts
    ]
    return render(request, PROPOSAL, {"proposal": proposal, "alt_texts": alt_texts})


@require_POST
@org_view(Role.CONTRIBUTOR)
def alt_text(request: OrgRequest, media_id: int) -> HttpResponse:
    """Apply a proposed alternative text to a picture (the person clicked « Apply »)."""
    asset = get_scoped_or_404(MediaAsset, request.organisation, pk=media_id)
    text = request.POST.get("alt_text", "").strip()
    if not text:
        return render(request, ALT_SAVED, {"error": _("The alternative text is empty.")})
    try:
        media_alt_text_set(actor=Actor.of(request.membership), asset=asset, alt_text=text)
    except PermissionDenied:
        return render(request, ALT_SAVED, {"error": _("You cannot change this picture.")})
    return render(request, ALT_SAVED, {"asset": asset})
