"""Sourced figures: the only place the engine takes a benchmark number from.

The figures live in ``parvis/strategy/data/benchmarks.csv``, a copy of the shippable rows of
the reference table (see the README beside it). A row is loaded only when its ``shippable``
column says ``yes`` and its confidence grade is A, B or C: grade-D rows are unverified and
never reach a user, even if someone copies one into the file by mistake.

Every sentence the engine shows that contains a benchmark is a :class:`Statement` carrying the
:class:`Figure` records it quotes, so the page can print the source beside it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from parvis.strategy.engine.text import Text, format_number, msg, quote, same
from parvis.strategy.engine.typography import NBSP

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BENCHMARKS_CSV = DATA_DIR / "benchmarks.csv"

SHOWN_GRADES = frozenset({"A", "B", "C"})


class Unit(StrEnum):
    PERCENT = "pct"
    EUR_PER_YEAR = "EUR_per_year"
    MINUTES = "minutes"
    HOURS = "hours"
    POSTS_PER_WEEK = "posts_per_week"


def format_value(value: float, unit: Unit) -> Text:
    """The number with its unit, as a reader of each language expects it."""
    fr, en = format_number(value, "fr"), format_number(value, "en")
    if unit is Unit.PERCENT:
        return Text(f"{fr}{NBSP}%", f"{en}%")
    if unit is Unit.EUR_PER_YEAR:
        return Text(f"{fr}{NBSP}€ par an", f"€{en} a year")
    if unit is Unit.MINUTES:
        return Text(f"{fr}{NBSP}minutes", f"{en} minutes")
    if unit is Unit.HOURS:
        return Text(
            f"{fr}{NBSP}heure" if abs(value) < 2 else f"{fr}{NBSP}heures",
            f"{en} hour" if value == 1 else f"{en} hours",
        )
    return Text(f"{fr}{NBSP}publications par semaine", f"{en} posts a week")


# Who each figure counts, in words a reader understands, keyed by the CSV's ``population`` and
# ``geo`` columns. A shippable row whose population is not here is refused when loading: every
# comparison must say which companies (or people) it compares with.
POPULATION_LABELS: dict[tuple[str, str], Text] = {
    ("SME/ETI leaders (n=1657)", "FR"): Text(
        "1\u202f657 dirigeants de PME et ETI françaises interrogés",
        "1,657 leaders of French SMEs and mid-caps surveyed",
    ),
    ("SME/ETI leaders", "FR"): Text(
        "dirigeants de PME et ETI françaises interrogés",
        "leaders of French SMEs and mid-caps surveyed",
    ),
    ("SME/ETI", "FR"): Text(
        "PME et ETI françaises interrogées", "French SMEs and mid-caps surveyed"
    ),
    ("SME/ETI with account", "FR"): Text(
        "PME et ETI françaises interrogées ayant un compte sur les réseaux",
        "French SMEs and mid-caps surveyed that have a social media account",
    ),
    ("enterprises 10+", "FR"): Text(
        "entreprises françaises de 10 salariés ou plus",
        "French businesses with 10 or more employees",
    ),
    ("enterprises 10+", "EU27"): Text(
        "entreprises de l’UE de 10 salariés ou plus", "EU businesses with 10 or more employees"
    ),
    ("enterprises <10", "FR"): Text(
        "microentreprises françaises (moins de 10 salariés) connectées à internet",
        "French micro-businesses (fewer than 10 employees) connected to the internet",
    ),
    ("enterprises <10 HCR", "FR"): Text(
        "microentreprises françaises de l’hôtellerie-restauration connectées à internet",
        "French hotel and restaurant micro-businesses connected to the internet",
    ),
    ("internet users 16-64", "FR"): Text(
        "internautes français de 16 à 64 ans", "French internet users aged 16 to 64"
    ),
    ("internet users 16+", "FR"): Text(
        "internautes français de 16 ans et plus", "French internet users aged 16 and over"
    ),
    ("brands (150/industry)", "global"): Text(
        "marques du monde entier, 150 par secteur", "brands worldwide, 150 per industry"
    ),
    ("brand profiles", "global"): Text(
        "profils de marques sur les réseaux, dans le monde",
        "brand profiles on social networks, worldwide",
    ),
    ("social media users (n>1000)", "US"): Text(
        "plus de 1\u202f000 utilisateurs des réseaux sociaux aux États-Unis",
        "over 1,000 social media users in the United States",
    ),
    ("Twitter users", "US"): Text(
        "utilisateurs de Twitter aux États-Unis", "Twitter users in the United States"
    ),
    ("consumers", "global"): Text("consommateurs, dans le monde", "consumers worldwide"),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One sourced benchmark value, as shipped in ``benchmarks.csv``."""

    id: str
    metric: str
    value: float
    unit: Unit
    population: str
    geo: str
    data_year: int
    pub_year: int
    method: str
    source_title: str
    publisher: str
    url: str
    confidence: str
    notes: str
    wording_fr: str
    wording_en: str

    @property
    def formatted(self) -> Text:
        """The value with its unit (``70 %``, ``10 000 € par an`` / ``70%``, ``€10,000 a year``)."""
        return format_value(self.value, self.unit)

    @property
    def sentence(self) -> Text:
        """The figure as a sentence fragment, value included, no final full stop."""
        return msg(self.wording_fr, self.wording_en, value=self.formatted)

    @property
    def population_label(self) -> Text:
        """Who the figure counts (« microentreprises françaises… »), see ``POPULATION_LABELS``."""
        return POPULATION_LABELS[(self.population, self.geo)]

    @property
    def source_label(self) -> Text:
        """The citation shown beside the figure: publisher, title, population, year of the
        data, so that every comparison says whom it compares with and when."""
        return msg(
            "{publisher}, {title} — {population}, {year}",
            "{publisher}, {title} — {population}, {year}",
            publisher=self.publisher,
            title=quote(same(self.source_title)),
            population=self.population_label,
            year=str(self.data_year),
        )


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence for the user, with the figures it quotes (possibly none).

    ``text`` may contain numbers computed from the company's own answers or activity; every
    benchmark number in it comes from one of ``figures``.
    """

    text: Text
    figures: tuple[Figure, ...] = ()

    @property
    def sources(self) -> tuple[Text, ...]:
        """Citations to print beside the text, in order, without repeats."""
        return tuple(dict.fromkeys(figure.source_label for figure in self.figures))


class FigureBook(Mapping[str, Figure]):
    """Read-only collection of the figures that may be shown, keyed by id."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        self._by_id: dict[str, Figure] = {}
        for figure in figures:
            if figure.id in self._by_id:
                raise ValueError(f"duplicate figure id {figure.id!r}")
            self._by_id[figure.id] = figure

    def __getitem__(self, figure_id: str) -> Figure:
        try:
            return self._by_id[figure_id]
        except KeyError:
            raise KeyError(f"no shippable figure with id {figure_id!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def _parse_row(row: Mapping[str, str]) -> Figure:
    return Figure(
        id=row["id"],
        metric=row["metric"],
        value=float(row["value"]),
        unit=Unit(row["unit"]),
        population=row["population"],
        geo=row["geo"],
        data_year=int(row["data_year"]),
        pub_year=int(row["pub_year"]),
        method=row["method"],
        source_title=row["source_title"],
        publisher=row["publisher"],
        url=row["url"],
        confidence=row["conf"],
        notes=row["notes"],
        wording_fr=row["wording_fr"],
        wording_en=row["wording_en"],
    )


def parse_figures(lines: Iterable[str]) -> FigureBook:
    """Parse CSV text (header included) into the figures that may be shown.

    Rows not marked ``shippable == "yes"`` or graded outside A–C are skipped; a row without a
    French and an English wording containing ``{value}`` is an error, because it could not be
    shown honestly in that language.
    """
    figures = []
    for row in csv.DictReader(lines):
        if row["shippable"].strip() != "yes" or row["conf"].strip() not in SHOWN_GRADES:
            continue
        for column in ("wording_fr", "wording_en"):
            if "{value}" not in (row.get(column) or ""):
                raise ValueError(f"figure {row['id']!r} has no {column} with {{value}}")
        if (row["population"], row["geo"]) not in POPULATION_LABELS:
            raise ValueError(f"figure {row['id']!r}: no label for its population and geo")
        figures.append(_parse_row(row))
    return FigureBook(figures)


def load_figures(path: Path = BENCHMARKS_CSV) -> FigureBook:
    """Load the shippable figures from ``path`` (the packaged CSV by default)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_figures(handle)


@cache
def default_figures() -> FigureBook:
    """The packaged figures, loaded once per process."""
    return load_figures()


def figure(figure_id: str) -> Figure:
    """Shortcut for ``default_figures()[figure_id]``; raises ``KeyError`` for unknown ids."""
    return default_figures()[figure_id]
