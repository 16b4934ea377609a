"""Training data and models rebuild deterministically from the committed scripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from parvis import cli
from parvis.core.vocabulary import Intent
from parvis.insight.language import detect_language
from parvis.insight.model import MESSAGES_MODEL, POSTS_MODEL, LinearModel
from parvis.insight.text import fold
from training.insight import generate, generate_posts
from training.insight.datasets import read_tsv
from training.insight.train import MESSAGE_HEADS, MESSAGE_SOURCES, load_examples, train
from training.insight.train import main as train_main

DATA = generate.DATA_DIR


def test_generated_messages_match_the_committed_file(tmp_path: Path) -> None:
    output = tmp_path / "messages.tsv"
    generate.main(["--output", str(output)])
    assert output.read_bytes() == (DATA / "messages_train.tsv").read_bytes()


def test_generated_posts_match_the_committed_file(tmp_path: Path) -> None:
    output = tmp_path / "posts.tsv"
    generate_posts.main(["--output", str(output)])
    assert output.read_bytes() == (DATA / "posts_train.tsv").read_bytes()


def test_generator_depends_on_its_seed() -> None:
    assert generate.generate(seed=1, per_intent=20) == generate.generate(seed=1, per_intent=20)
    assert generate.generate(seed=1, per_intent=20) != generate.generate(seed=2, per_intent=20)


def test_training_data_covers_every_intent_and_has_english() -> None:
    examples, weights = load_examples(MESSAGE_SOURCES)
    assert len(examples) == len(weights) > 4000
    assert {example.labels["intent"] for example in examples} == {i.value for i in Intent}
    english = [e for e in examples if detect_language(e.text).code == "en"]
    assert 0.12 < len(english) / len(examples) < 0.3


def test_training_is_deterministic(tmp_path: Path) -> None:
    examples, weights = load_examples(MESSAGE_SOURCES)
    subset, subset_weights = examples[::15], weights[::15]
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    train(subset, MESSAGE_HEADS, weights=subset_weights).save(first)
    train(subset, MESSAGE_HEADS, weights=subset_weights).save(second)
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )
    model = LinearModel.load(first)
    assert set(model.heads) == {"intent", "sentiment"}
    assert np.isfinite(model.weights).all()


def test_shipped_models_are_small_and_loadable() -> None:
    for path in (MESSAGES_MODEL, POSTS_MODEL):
        assert path.stat().st_size < 3_000_000
        assert LinearModel.load(path).vocabulary


def test_held_out_set_is_not_in_the_training_data() -> None:
    root = Path(__file__).resolve().parents[2]
    heldout = read_tsv(root / "bench" / "data" / "insight" / "heldout_messages.tsv")
    examples, _ = load_examples(MESSAGE_SOURCES)
    training = {fold(example.text) for example in examples}
    assert len(heldout) >= 400
    assert not [example.text for example in heldout if fold(example.text) in training]


def test_shipped_models_are_what_the_script_builds(tmp_path: Path) -> None:
    """The committed model files come from the committed data and script (no hand edits)."""
    messages, posts = tmp_path / "messages.npz", tmp_path / "posts.npz"
    train_main(["--messages-output", str(messages), "--posts-output", str(posts)])
    for built, shipped in ((messages, MESSAGES_MODEL), (posts, POSTS_MODEL)):
        fresh, committed = LinearModel.load(built), LinearModel.load(shipped)
        assert fresh.vocabulary == committed.vocabulary
        assert np.allclose(fresh.weights, committed.weights, atol=1e-4)
        assert np.allclose(fresh.bias, committed.bias, atol=1e-4)


def test_parvis_insight_train_finds_the_training_folder_of_a_checkout() -> None:
    assert cli._from_checkout("training.insight.train") is not None


def test_parvis_insight_train_says_so_when_parvis_is_installed_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "CHECKOUT", tmp_path)  # an installed package: no training/ beside
    assert cli.main(["insight", "train"]) == 2
    assert "training/ is not installed with Parvis" in capsys.readouterr().err
