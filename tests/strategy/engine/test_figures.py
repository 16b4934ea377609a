from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from parvis.strategy.engine.figures import (
    BENCHMARKS_CSV,
    Unit,
    default_figures,
    figure,
    format_value,
    parse_figures,
)
from parvis.strategy.engine.text import Text, format_number

HEADER = (
    "id,metric,value,unit,population,geo,data_year,pub_year,method,source_title,publisher,url,"
    "conf,shippable,notes,wording_fr,wording_en"
)
ENGINE_DIR = Path(__file__).resolve().parents[2] / "parvis" / "strategy" / "engine"


def _row(
    fid: str,
    conf: str,
    shippable: str,
    wording: str = "{value} des cas",
    wording_en: str = "{value} of cases",
    population: str = "SME/ETI",
) -> str:
    return (
        f"{fid},m,42,pct,{population},FR,2018,2018,survey,Titre,Éditeur,https://e.fr,{conf},"
        f"{shippable},,"
        f"{wording},{wording_en}"
    )


def test_packaged_figures_load_and_are_all_shippable() -> None:
    book = default_figures()
    assert len(book) == 48
    for fig in book.values():
        assert fig.confidence in {"A", "B", "C"}
        assert fig.publisher and fig.source_title and fig.url.startswith("http")
        assert "{value}" in fig.wording_fr and "{value}" in fig.wording_en


def test_packaged_csv_has_no_low_confidence_row() -> None:
    with BENCHMARKS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "the CSV must not be empty"
    assert {r["shippable"] for r in rows} == {"yes"}
    assert "D" not in {r["conf"] for r in rows}


@pytest.mark.parametrize(
    ("conf", "shippable", "kept"),
    [
        ("A", "yes", True),
        ("B", "yes", True),
        ("C", "yes", True),
        ("D", "yes", False),  # a grade-D row wrongly marked shippable stays hidden
        ("A", "no", False),
        ("D", "no", False),
    ],
)
def test_parse_filters_on_shippable_and_grade(conf: str, shippable: str, kept: bool) -> None:
    book = parse_figures([HEADER, _row("x1", conf, shippable)])
    assert ("x1" in book) is kept


def test_parse_rejects_row_without_french_wording() -> None:
    with pytest.raises(ValueError, match="x2"):
        parse_figures([HEADER, _row("x2", "A", "yes", wording="sans valeur")])


def test_parse_rejects_row_without_english_wording() -> None:
    with pytest.raises(ValueError, match="x2.*wording_en"):
        parse_figures([HEADER, _row("x2", "A", "yes", wording_en="no value")])


def test_parse_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        parse_figures([HEADER, _row("x3", "A", "yes"), _row("x3", "B", "yes")])


def test_unknown_figure_id_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="riq_ig_er_2024"):
        figure("riq_ig_er_2024")  # grade D in the reference: never shippable


@pytest.mark.parametrize(
    ("value", "expected"),
    [(70, "70"), (10000, "10\u202f000"), (60.9, "60,9"), (0.035, "0,035"), (1657.0, "1\u202f657")],
)
def test_format_number_french(value: float, expected: str) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "fr", "en"),
    [
        (70, Unit.PERCENT, "70\u00a0%", "70%"),
        (10000, Unit.EUR_PER_YEAR, "10\u202f000\u00a0€ par an", "€10,000 a year"),
        (4, Unit.HOURS, "4\u00a0heures", "4 hours"),
        (1, Unit.HOURS, "1\u00a0heure", "1 hour"),
        (108, Unit.MINUTES, "108\u00a0minutes", "108 minutes"),
        (4.69, Unit.POSTS_PER_WEEK, "4,69\u00a0publications par semaine", "4.69 posts a week"),
    ],
)
def test_format_value(value: float, unit: Unit, fr: str, en: str) -> None:
    assert format_value(value, unit) == Text(fr, en)


def test_sentence_and_source_label() -> None:
    fig = figure("bpi_present_any")
    assert fig.sentence.fr.startswith("70\u00a0% des PME-ETI interrogées")
    assert fig.sentence.en.startswith("70% of the SMEs and mid-caps surveyed")
    assert fig.source_label == Text(
        "Bpifrance Le Lab, «\u00a0PME-ETI et réseaux sociaux\u00a0» — 1\u202f657 dirigeants de "
        "PME et ETI françaises interrogés, 2018",
        "Bpifrance Le Lab, “PME-ETI et réseaux sociaux” — 1,657 leaders of French SMEs and "
        "mid-caps surveyed, 2018",
    )


def test_every_citation_names_its_population_and_year() -> None:
    for fig in default_figures().values():
        label = fig.source_label
        assert fig.population_label.fr in label.fr and fig.population_label.en in label.en
        assert label.fr.endswith(f", {fig.data_year}") and label.en.endswith(f", {fig.data_year}")


def test_a_row_whose_population_has_no_label_is_refused() -> None:
    with pytest.raises(ValueError, match="population"):
        parse_figures([HEADER, _row("x", "A", "yes", population="somebody")])


def _string_literals(source: str) -> list[tuple[int, str]]:
    """String constants of a module, docstrings excluded."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


# Answer options (budget bands of the questionnaire) are choices offered, not facts about
# other companies; every other module must take its numbers from figures.
ANSWER_OPTION_MODULES = {"choices.py"}


def test_engine_code_has_no_benchmark_literal() -> None:
    """Percentages and euro amounts shown to users come from figures, never from code."""
    pattern = re.compile(r"\d\s*(%|€)")
    offenders = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        if path.name in ANSWER_OPTION_MODULES:
            continue
        for line, text in _string_literals(path.read_text(encoding="utf-8")):
            if pattern.search(text):
                offenders.append(f"{path.name}:{line}: {text}")
    assert offenders == []


def test_literal_scanner_catches_a_planted_number() -> None:
    planted = (
        'def f() -> str:\n    """Docstring with 70 % is fine."""\n    return "Comme 70 % des PME"\n'
    )
    hits = [text for _, text in _string_literals(planted) if re.search(r"\d\s*%", text)]
    assert hits == ["Comme 70 % des PME"]
