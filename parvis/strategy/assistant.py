"""The composer's assistant: variants per network, hashtags and alt text from the organisation's
own language model (the optional endpoint of the inbox settings).

Nothing leaves Parvis before the person has seen it: :func:`build_request` makes the exact
messages, the page shows them, and :func:`ask` sends only a request whose digest is the one
shown. What comes back is a proposal the person applies with a click; nothing here saves,
schedules or publishes a post.

The call is the inbox's (``inbox.llm.chat``, through the guarded client): no loopback or
private address unless the operator allowed it, a capped answer, a deadline for the whole call.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from django.utils.translation import gettext as _

from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.inbox.llm import LlmUnavailable, chat
from parvis.inbox.models import InboxSettings
from parvis.strategy.drafting import CompanyStyle
from parvis.strategy.engine.choices import SECTOR_LABELS, Sector
from parvis.strategy.engine.text import format_number
from parvis.strategy.engine.typography import french

MAX_DRAFT_CHARS = 5000  # what is sent of the draft; the composer refuses longer texts anyway
MAX_HASHTAGS = 10
MAX_ALT_CHARS = 1000
MAX_VARIANT_CHARS = 5000
_HASHTAG = re.compile(r"^#?([\w]{2,60})$")
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)

# French templates get French typography (they are shown to the person before sending); what
# the person typed is sent as typed.
SYSTEM_PROMPT = {
    "fr": french(
        "Tu aides {company} ({sector}) à préparer ses publications sur les réseaux sociaux. "
        "{tone} À partir du brouillon fourni, propose : une variante par réseau demandé, "
        "adaptée à ses usages et sans dépasser la limite de caractères indiquée ; jusqu’à "
        "{hashtags} hashtags pertinents ; pour chaque image listée, un texte alternatif court "
        "et factuel tiré du brouillon et du nom du fichier. Garde tels quels les passages entre "
        "crochets : l’entreprise les complétera. N’invente ni prix, ni date, ni promesse. "
        "Réponds uniquement par un objet JSON de la forme "
        '{{"variants": {{"<réseau>": "<texte>"}}, "hashtags": ["#mot"], '
        '"alt_texts": {{"<numéro de l’image>": "<texte>"}}}}.'
    ),
    "en": (
        "You help {company} ({sector}) prepare its social media posts. {tone} From the draft "
        "given, propose: one variant per network asked for, suited to its customs and within "
        "the character limit stated; up to {hashtags} relevant hashtags; for each picture "
        "listed, a short, factual alternative text drawn from the draft and the file name. "
        "Keep the passages in square brackets as they are: the company will fill them in. Make "
        "up no price, date or promise. Answer only with a JSON object of the form "
        '{{"variants": {{"<network>": "<text>"}}, "hashtags": ["#word"], '
        '"alt_texts": {{"<picture number>": "<text>"}}}}.'
    ),
}
USER_PROMPT = {
    "fr": french("Brouillon :\n{draft}\n\nRéseaux :\n{networks}\n\nImages :\n{pictures}"),
    "en": ("Draft:\n{draft}\n\nNetworks:\n{networks}\n\nPictures:\n{pictures}"),
}
NETWORK_LINE = {
    "fr": french("- {key} : {limit} caractères au plus"),
    "en": "- {key}: {limit} characters at most",
}
PICTURE_LINE = {"fr": french("- {id} : « {name} »{alt}"), "en": "- {id}: “{name}”{alt}"}
CURRENT_ALT = {
    "fr": french(" (texte alternatif actuel : {alt})"),
    "en": " (current alternative text: {alt})",
}
NONE_LINE = {"fr": "(aucune)", "en": "(none)"}
NO_SECTOR = {"fr": "secteur non précisé", "en": "sector not stated"}


@dataclass(frozen=True, slots=True)
class Target:
    """One network of the post, with its accounts (a variant per network fills them all)."""

    network: Network
    limit: int
    account_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self.network]


@dataclass(frozen=True, slots=True)
class Picture:
    id: int
    name: str
    alt_text: str


@dataclass(frozen=True, slots=True)
class AssistantRequest:
    """The exact messages for the model, and what the answer will be read against."""

    messages: tuple[tuple[str, str], ...]  # (role, content)
    targets: tuple[Target, ...]
    pictures: tuple[Picture, ...]

    @property
    def payload(self) -> list[dict[str, str]]:
        return [{"role": role, "content": content} for role, content in self.messages]

    @property
    def digest(self) -> str:
        """What ties the request sent to the one shown: the same messages give the same."""
        data = json.dumps(self.payload, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Proposal:
    variants: tuple[tuple[Target, str], ...]
    hashtags: tuple[str, ...]
    alt_texts: tuple[tuple[Picture, str], ...]

    @property
    def is_empty(self) -> bool:
        return not (self.variants or self.hashtags or self.alt_texts)


def _lang(language: str) -> str:
    return "en" if language == "en" else "fr"


def build_request(
    *,
    company: str,
    style: CompanyStyle,
    draft: str,
    targets: Sequence[Target],
    pictures: Sequence[Picture],
    language: str,
) -> AssistantRequest:
    """The messages the model will get; the composer shows them before anything is sent."""
    lang = _lang(language)
    known = style.sector is not Sector.OTHER
    sector = SECTOR_LABELS[style.sector].get(lang) if known else NO_SECTOR[lang]
    system = SYSTEM_PROMPT[lang].format(
        company=company.strip() or "?",
        sector=sector,
        tone=style.tone.description.get(lang),
        hashtags=MAX_HASHTAGS,
    )
    networks = "\n".join(
        NETWORK_LINE[lang].format(key=t.network.value, limit=format_number(t.limit, lang))
        for t in targets
    )
    lines = [
        PICTURE_LINE[lang].format(
            id=p.id,
            name=p.name,
            alt=CURRENT_ALT[lang].format(alt=p.alt_text) if p.alt_text else "",
        )
        for p in pictures
    ]
    user = USER_PROMPT[lang].format(
        draft=draft.strip()[:MAX_DRAFT_CHARS],
        networks=networks or NONE_LINE[lang],
        pictures="\n".join(lines) or NONE_LINE[lang],
    )
    return AssistantRequest(
        messages=(("system", system), ("user", user)),
        targets=tuple(targets),
        pictures=tuple(pictures),
    )


def parse_answer(text: str, request: AssistantRequest) -> Proposal:
    """The model's JSON answer read against the request: only the networks and pictures asked
    about, texts trimmed to sane sizes; :class:`LlmUnavailable` when nothing can be read."""
    found = _JSON_OBJECT.search(text)  # models like to wrap JSON in a code fence
    try:
        data: Any = json.loads(found.group(0) if found else text)
    except ValueError as exc:
        raise LlmUnavailable(_("the endpoint's answer was not understood")) from exc
    if not isinstance(data, dict):
        raise LlmUnavailable(_("the endpoint's answer was not understood"))
    raw_variants = data.get("variants")
    variants = raw_variants if isinstance(raw_variants, dict) else {}
    proposal_variants = tuple(
        (target, value.strip()[:MAX_VARIANT_CHARS])
        for target in request.targets
        if isinstance(value := variants.get(target.network.value), str) and value.strip()
    )
    hashtags: list[str] = []
    raw_tags = data.get("hashtags")
    for tag in raw_tags if isinstance(raw_tags, list) else []:
        match = _HASHTAG.match(tag.strip()) if isinstance(tag, str) else None
        if match and f"#{match.group(1)}" not in hashtags:
            hashtags.append(f"#{match.group(1)}")
    raw_alts = data.get("alt_texts")
    alts = raw_alts if isinstance(raw_alts, dict) else {}
    alt_texts = tuple(
        (picture, value.strip()[:MAX_ALT_CHARS])
        for picture in request.pictures
        if isinstance(value := alts.get(str(picture.id)), str) and value.strip()
    )
    proposal = Proposal(proposal_variants, tuple(hashtags[:MAX_HASHTAGS]), alt_texts)
    if proposal.is_empty:
        raise LlmUnavailable(_("the endpoint gave an empty answer"))
    return proposal


def ask(
    settings: InboxSettings, request: AssistantRequest, *, http: httpx.Client | None = None
) -> Proposal:
    """Send ``request`` to the organisation's model; raises :class:`LlmUnavailable` (worded as
    the inbox's suggestions word it, nothing of what answered)."""
    content = chat(settings, request.payload, temperature=0.4, http=http)
    return parse_answer(content, request)
