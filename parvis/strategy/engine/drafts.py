"""First drafts of posts, written offline from Parvis's own templates.

« Rédiger à partir de cette idée » must give the owner a post to edit, not the idea's
instruction to follow: a hook, a body and a call to action in the company's words, with the
facts only the owner knows left as visible placeholders (``[nom du produit]``). The templates
live in ``engine/data/drafts.json`` (one per sector × content category, ``generic`` as the
fallback that covers every category) and are read once per process.

The markup of a template, resolved here and nowhere else:

* ``[words]`` are left as they are: what the owner fills in;
* ``{company}`` is the organisation's name;
* ``{emoji}`` is the sector's emoji where the tone and the network allow one, else nothing;
* ``{vous form|tu form}`` picks the French form of address of the editorial tone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.editorial import Address, Tone
from parvis.strategy.engine.text import LANGUAGES, Language
from parvis.strategy.engine.typography import french

DRAFTS_JSON = Path(__file__).resolve().parent / "data" / "drafts.json"
GENERIC = "generic"
SLOTS = frozenset({"company", "emoji"})
# What stands for the company when the organisation has no name (never the case in practice).
COMPANY_PLACEHOLDER: Mapping[Language, str] = {
    "fr": "[nom de l’entreprise]",
    "en": "[company name]",
}
# The call used when the task has no objective: every company wants to be seen.
DEFAULT_OBJECTIVE = Objective.VISIBILITY
_MARKUP = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_END = re.compile(r" +(\n|$)")


@dataclass(frozen=True, slots=True)
class Wording:
    """One template in one language, markup unresolved. ``call`` None: the objective's call."""

    hook: str
    body: str
    call: str | None = None


@dataclass(frozen=True, slots=True)
class DraftTemplate:
    sector: str  # a Sector value, or "generic"
    category: ContentCategory
    wordings: Mapping[Language, Wording]


@dataclass(frozen=True, slots=True)
class Voice:
    """Who speaks, to whom, where: what turns a template into a draft."""

    company: str
    tone: Tone
    language: Language
    network: Network | None = None

    @property
    def emoji_allowed(self) -> bool:
        return self.network is not None and self.tone.emoji_on(self.network)


class DraftBook:
    """The templates by (sector, category), the sectors' emoji and the objectives' calls."""

    def __init__(
        self,
        templates: list[DraftTemplate],
        emoji: Mapping[str, str],
        calls: Mapping[Objective, Mapping[Language, str]],
    ) -> None:
        self._templates = {(t.sector, t.category): t for t in templates}
        self._emoji = dict(emoji)
        self._calls = dict(calls)

    def __len__(self) -> int:
        return len(self._templates)

    def template(self, sector: Sector, category: ContentCategory) -> DraftTemplate:
        """The sector's template for ``category``, else the generic one (which always exists)."""
        found = self._templates.get((sector.value, category))
        return found or self._templates[(GENERIC, category)]

    def emoji(self, sector: Sector) -> str:
        return self._emoji.get(sector.value) or self._emoji.get(GENERIC, "")

    def call(self, objective: Objective | None, language: Language) -> str:
        return self._calls[objective or DEFAULT_OBJECTIVE][language]

    def paragraphs(
        self,
        sector: Sector,
        category: ContentCategory,
        objective: Objective | None,
        voice: Voice,
    ) -> tuple[str, str, str]:
        """The hook, the body and the call, resolved for ``voice``."""
        wording = self.template(sector, category).wordings[voice.language]
        call = wording.call or self.call(objective, voice.language)
        emoji = self.emoji(sector) if voice.emoji_allowed else ""
        hook, body, call = (
            resolve(part, voice, emoji) for part in (wording.hook, wording.body, call)
        )
        return hook, body, call

    def write(
        self,
        sector: Sector,
        category: ContentCategory,
        objective: Objective | None,
        voice: Voice,
        *,
        limit: int | None = None,
        measure: Callable[[str], int] = len,
    ) -> str:
        """A first draft; within ``limit`` as ``measure`` counts (the network's own counting).

        A short network gets the hook and the call, the body going first; a hook alone that
        still does not fit is cut at a word, so the draft is never refused for its length.
        """
        hook, body, call = self.paragraphs(sector, category, objective, voice)
        for parts in ((hook, body, call), (hook, call), (hook,)):
            text = "\n\n".join(p for p in parts if p)
            if limit is None or measure(text) <= limit:
                return text
        assert limit is not None
        return _cut(hook, limit, measure)


def resolve(template: str, voice: Voice, emoji: str) -> str:
    """``template`` with its markup resolved; placeholders in brackets stay for the owner."""

    def replace(match: re.Match[str]) -> str:
        inside = match.group(1)
        if "|" in inside:
            vous, tu = inside.split("|")
            return tu if voice.language == "fr" and voice.tone.address is Address.TU else vous
        if inside == "company":
            return voice.company.strip() or COMPANY_PLACEHOLDER[voice.language]
        return emoji  # the only other slot, checked when loaded

    text = _MARKUP.sub(replace, template)
    text = _SPACE_BEFORE_END.sub(r"\1", _SPACES.sub(" ", text)).strip()
    return french(text) if voice.language == "fr" else text


def _cut(text: str, limit: int, measure: Callable[[str], int]) -> str:
    words = text.split(" ")
    while len(words) > 1 and measure(" ".join(words) + "…") > limit:
        words.pop()
    cut = " ".join(words) + "…"
    return cut if measure(cut) <= limit else ""


def _check_markup(text: str, where: str) -> None:
    for inside in _MARKUP.findall(text):
        if "|" in inside:
            if inside.count("|") != 1 or not all(inside.split("|")):
                raise ValueError(f"{where}: a form of address needs two forms: {{{inside}}}")
        elif inside not in SLOTS:
            raise ValueError(f"{where}: unknown slot {{{inside}}}")
    if text.count("[") != text.count("]"):
        raise ValueError(f"{where}: unbalanced placeholder brackets")


def _wording(data: object, where: str) -> Wording:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object with hook and body")
    hook, body, call = data.get("hook"), data.get("body"), data.get("call")
    if not (isinstance(hook, str) and hook.strip() and isinstance(body, str)):
        raise ValueError(f"{where}: a hook and a body are required")
    if call is not None and not (isinstance(call, str) and call.strip()):
        raise ValueError(f"{where}: the call, when given, is a text")
    for text in (hook, body, call or ""):
        _check_markup(text, where)
    return Wording(hook, body, call)


def parse_drafts(data: Mapping[str, object]) -> DraftBook:
    """Build a :class:`DraftBook` from the JSON document; raise ``ValueError`` if malformed."""
    sectors = {s.value for s in Sector} | {GENERIC}
    raw, emoji, raw_calls = data.get("drafts"), data.get("emoji"), data.get("calls")
    if not (isinstance(raw, list) and isinstance(emoji, dict) and isinstance(raw_calls, dict)):
        raise ValueError("drafts.json needs 'drafts' (a list), 'emoji' and 'calls' (objects)")
    templates: list[DraftTemplate] = []
    seen: set[tuple[str, ContentCategory]] = set()
    for index, item in enumerate(raw):
        where = f"drafts[{index}]"
        if not isinstance(item, dict) or item.get("sector") not in sectors:
            raise ValueError(f"{where}: a sector of {sorted(sectors)} is required")
        try:
            category = ContentCategory(str(item.get("category")))
        except ValueError as exc:
            raise ValueError(f"{where}: unknown category") from exc
        key = (str(item["sector"]), category)
        if key in seen:
            raise ValueError(f"{where}: a second template for {key}")
        seen.add(key)
        wordings = {lang: _wording(item.get(lang), f"{where}.{lang}") for lang in LANGUAGES}
        templates.append(DraftTemplate(key[0], category, wordings))
    missing = [c.value for c in ContentCategory if (GENERIC, c) not in seen]
    if missing:
        raise ValueError(f"the generic drafts must cover every category; missing {missing}")
    calls: dict[Objective, dict[Language, str]] = {}
    for objective in Objective:
        texts = raw_calls.get(objective.value)
        if not isinstance(texts, dict) or not all(
            isinstance(texts.get(lang), str) for lang in LANGUAGES
        ):
            raise ValueError(f"calls.{objective.value}: a French and an English call are required")
        for lang in LANGUAGES:
            _check_markup(str(texts[lang]), f"calls.{objective.value}.{lang}")
        calls[objective] = {lang: str(texts[lang]) for lang in LANGUAGES}
    return DraftBook(templates, {str(k): str(v) for k, v in emoji.items()}, calls)


def load_drafts(path: Path = DRAFTS_JSON) -> DraftBook:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError("drafts.json must hold an object")
    return parse_drafts(data)


@cache
def default_drafts() -> DraftBook:
    """The packaged templates, loaded once per process."""
    return load_drafts()
