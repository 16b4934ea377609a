"""What the engine says to people, in every language of the interface: French and English.

The engine never chooses a language. Each text it produces is a :class:`Text` holding both, so
what is stored (a plan, a week, a score) can be shown to each member in their own language;
the Django layer picks one when it renders (``parvis.strategy.texts.local``).

There is one way to write a text:

* ``Text("Coulisses", "Behind the scenes")`` for fixed words;
* ``msg("{n} de vos posts", "{n} of your posts", n=percent(0.8))`` when numbers or other
  texts go in. A parameter is a :class:`Text` (each language takes its own words) or a plain
  ``str`` written alike in both (a network's name). Numbers go through :func:`number`,
  :func:`percent` or :func:`counted`, so that each language writes them its own way
  (``10 000`` and ``0,5`` in French, ``10,000`` and ``0.5`` in English).

French is the default language and gets its typography (``typography.french``) when the text
is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from parvis.strategy.engine.typography import NBSP, NNBSP, french

Language = Literal["fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fr", "en")
DEFAULT_LANGUAGE: Final[Language] = "fr"


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing text, in French and in English."""

    fr: str
    en: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "fr", french(self.fr))

    def get(self, language: str) -> str:
        """The text in ``language``; French, the default, for any other language."""
        return self.en if language == "en" else self.fr

    def lower(self) -> Text:
        return Text(self.fr.lower(), self.en.lower())

    def __add__(self, other: Text) -> Text:
        return Text(self.fr + other.fr, self.en + other.en)


EMPTY: Final = Text("", "")


def same(words: str) -> Text:
    """Words both languages write alike: a network's name, a study's title."""
    return Text(words, words)


Param = Text | str


def _fill(template: str, language: Language, params: dict[str, Param]) -> str:
    values = {k: v.get(language) if isinstance(v, Text) else v for k, v in params.items()}
    return template.format(**values)


def msg(fr: str, en: str, /, **params: Param) -> Text:
    """Fill the French and the English template (``str.format`` fields) with ``params``."""
    return Text(_fill(fr, "fr", params), _fill(en, "en", params))


def format_number(value: float, language: str = DEFAULT_LANGUAGE) -> str:
    """A number as ``language`` writes it: ``10 000`` / ``10,000``, ``60,9`` / ``60.9``.

    Whole numbers lose their decimals; others keep what they need, up to three places.
    """
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
    if language == "en":
        return text
    return text.replace(",", NNBSP).replace(".", ",")


def number(value: float) -> Text:
    return Text(format_number(value, "fr"), format_number(value, "en"))


def percent(share: float) -> Text:
    """A 0–1 share as a whole percentage: ``0.8`` → ``80 %`` / ``80%``."""
    value = round(share * 100)
    return Text(f"{format_number(value, 'fr')}{NBSP}%", f"{format_number(value, 'en')}%")


def counted(count: float, fr: tuple[str, str], en: tuple[str, str]) -> Text:
    """A number and its noun, each language with its own agreement.

    French takes the singular below 2 (``0,5 publication``, ``1 publication``); English only
    for exactly one (``0.5 posts``, ``1 post``).
    """
    fr_word = fr[0] if abs(count) < 2 else fr[1]
    en_word = en[0] if count == 1 else en[1]
    return Text(
        f"{format_number(count, 'fr')} {fr_word}", f"{format_number(count, 'en')} {en_word}"
    )


def per_week(minutes: int) -> Text:
    """``90 minutes par semaine`` / ``90 minutes a week``."""
    return msg(
        "{m} par semaine",
        "{m} a week",
        m=counted(minutes, ("minute", "minutes"), ("minute", "minutes")),
    )


def join(items: Sequence[Text]) -> Text:
    """``a``, ``a et b``, ``a, b et c`` / ``a, b and c``; empty for no item."""
    if len(items) <= 1:
        return items[0] if items else EMPTY
    head = items[0]
    for item in items[1:-1]:
        head = head + same(", ") + item
    return head + Text(" et ", " and ") + items[-1]


def quote(words: Text) -> Text:
    """Quotation marks: « … » with their no-break spaces in French, “…” in English."""
    return Text(f"«{NBSP}{words.fr}{NBSP}»", f"“{words.en}”")
