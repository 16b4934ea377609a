"""The run-time linear model: scoring maths, unknown features, save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parvis.insight.model import Head, LinearModel


def _toy() -> LinearModel:
    weights = np.array([[2.0, 0.0, 1.0], [0.0, 2.0, -1.0]], dtype=np.float32)
    bias = np.array([0.0, 0.5, 0.0], dtype=np.float32)
    return LinearModel(
        ["w:a", "w:b"], weights, bias, [Head("h", ("x", "y"), 0), Head("s", ("z",), 2)]
    )


def test_score_is_softmax_of_normalised_sum() -> None:
    model = _toy()
    [scored] = model.score([{"w:a", "w:b", "w:unknown"}])
    logits = np.array([2.0, 2.0]) / np.sqrt(2) + np.array([0.0, 0.5])
    expected = np.exp(logits) / np.exp(logits).sum()
    assert scored.probabilities["h"] == pytest.approx(expected)
    assert scored.probabilities["s"] == pytest.approx([1.0])


def test_no_known_feature_gives_the_bias_alone() -> None:
    [scored] = _toy().score([set()])
    expected = np.exp([0.0, 0.5]) / np.exp([0.0, 0.5]).sum()
    assert scored.probabilities["h"] == pytest.approx(expected)


def test_batch_equals_singles() -> None:
    model = _toy()
    sets = [{"w:a"}, set(), {"w:b"}, {"w:a", "w:b"}]
    batch = model.score(sets)
    for features, scored in zip(sets, batch, strict=True):
        [alone] = model.score([features])
        assert np.allclose(alone.probabilities["h"], scored.probabilities["h"])


def test_contributions_name_the_features() -> None:
    model = _toy()
    [scored] = model.score([{"w:a", "w:b"}])
    assert model.contributions(scored.rows, "h", "y") == {"w:a": 0.0, "w:b": 2.0}


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = _toy()
    path = tmp_path / "toy.npz"
    model.save(path)
    loaded = LinearModel.load(path)
    assert loaded.vocabulary == model.vocabulary
    assert np.array_equal(loaded.weights, model.weights)
    assert loaded.heads == model.heads


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="one row per feature"):
        LinearModel(["w:a"], np.zeros((2, 1), dtype=np.float32), np.zeros(1, dtype=np.float32), [])


def test_shared_model_loads_once_across_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from parvis.insight import model as model_module

    path = tmp_path / "shared.npz"
    _toy().save(path)
    with ThreadPoolExecutor(max_workers=8) as pool:
        instances = list(pool.map(lambda _: model_module.shared_model(path), range(32)))
    assert all(instance is instances[0] for instance in instances)
