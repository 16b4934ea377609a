"""The benchmark's own arithmetic and a tiny end-to-end run (the benchmark is not a test:
these check that it measures correctly, not what it measures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import insight as bench


def test_macro_f1_and_confusion() -> None:
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "b"]
    # a: P=1 R=.5 F=.667 ; b: P=.667 R=1 F=.8
    assert bench.macro_f1(gold, predicted, ["a", "b"]) == pytest.approx((2 / 3 + 0.8) / 2)
    assert bench.confusion(gold, predicted, ["a", "b"]) == [[1, 1], [0, 2]]
    assert bench.macro_f1(gold, gold, ["a", "b", "c"]) == 1.0


def test_baseline_rules() -> None:
    assert bench.baseline_intent("Je voudrais un devis") == "purchase_intent"
    assert bench.baseline_intent("Voici mon CV") == "job_application"
    assert bench.baseline_intent("Le salon ouvre jeudi") == "other"
    assert bench.baseline_sentiments(["Très déçu, colis cassé"]) == ["negative"]


def test_small_run_prints_one_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "sample.tsv"
    sample.write_text(
        "text\tsentiment\tintent\n"
        "Je voudrais un devis pour une cuisine\tneutral\tpurchase_intent\n"
        "Merci pour tout, équipe au top !\tpositive\tpraise\n"
        "Toujours pas reçu ma commande, c'est inadmissible\tnegative\tcomplaint\n",
        encoding="utf-8",
    )
    args = [
        "--json",
        "--messages",
        "60",
        "--workers",
        "1",
        "--batch-size",
        "16",
        "--heldout",
        str(sample),
        "--dev",
        str(tmp_path / "none"),
        "--posts",
        str(tmp_path / "none"),
    ]
    bench.main(args)
    report = json.loads(capsys.readouterr().out)
    assert report["speed"]["messages"] == 60
    assert report["speed"]["peak_rss_mb"] > 0
    assert report["evaluations"][0]["size"] == 3
    assert set(report["targets_met"]) == set(bench.TARGETS)
