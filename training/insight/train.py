"""Train the insight models and write them into ``parvis/insight/models/``.

Run ``parvis insight train`` (or ``python -m training.insight.train``) from a source checkout;
it needs scikit-learn, a development dependency only (the wheel ships the models, not this
folder). Training is deterministic: the same data gives byte-identical model files.

* ``messages.npz``: heads ``intent`` (7 labels) and ``sentiment`` (3 labels), trained on
  ``data/messages_train.tsv`` (generated, see :mod:`.generate`) plus
  ``data/messages_extra.tsv`` (hand-written).
* ``posts.npz``: head ``category`` (the :class:`ContentCategory` values), trained on
  ``data/posts_train.tsv``.

Each head is a multinomial logistic regression over L2-normalised binary features from
:func:`parvis.insight.features.prepare`; features seen in fewer than ``MIN_COUNT`` training
texts are dropped to keep the shipped files small.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from parvis.core.vocabulary import ContentCategory, Intent, Sentiment
from parvis.insight.features import prepare
from parvis.insight.model import MESSAGES_MODEL, POSTS_MODEL, Head, LinearModel
from training.insight.datasets import Example, read_tsv

DATA_DIR = Path(__file__).resolve().parent / "data"
# (file, weight of each of its examples). Hand-written examples weigh more than generated ones:
# there are fewer of them, and they are closer to what people really write.
MESSAGE_SOURCES = ((DATA_DIR / "messages_train.tsv", 1.0), (DATA_DIR / "messages_extra.tsv", 4.0))
POST_SOURCES = ((DATA_DIR / "posts_train.tsv", 1.0), (DATA_DIR / "posts_extra.tsv", 4.0))
MIN_COUNT = 2
REGULARISATION = {"intent": 8.0, "sentiment": 8.0, "category": 8.0}


def _design_matrix(feature_sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> object:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for features in feature_sets:
        rows = sorted(vocabulary[f] for f in features if f in vocabulary)
        indices.extend(rows)
        data.extend([1.0 / np.sqrt(max(len(rows), 1))] * len(rows))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(feature_sets), len(vocabulary)))


def _fit_head(
    matrix: object,
    targets: Sequence[str],
    labels: Sequence[str],
    strength: float,
    sample_weight: NDArray[np.float64],
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    classifier = LogisticRegression(C=strength, max_iter=3000, tol=1e-6, class_weight="balanced")
    classifier.fit(matrix, list(targets), sample_weight=sample_weight)
    order = [list(classifier.classes_).index(label) for label in labels]
    weights = np.asarray(classifier.coef_, dtype=np.float64)[order].T.astype(np.float32)
    bias = np.asarray(classifier.intercept_, dtype=np.float64)[order].astype(np.float32)
    return weights, bias


def train(
    examples: Sequence[Example],
    heads: dict[str, Sequence[str]],
    *,
    weights: Sequence[float] | None = None,
    min_count: int = MIN_COUNT,
    strengths: dict[str, float] | None = None,
) -> LinearModel:
    """Fit one softmax head per entry of ``heads`` (column name → ordered labels)."""
    strengths = {**REGULARISATION, **(strengths or {})}
    feature_sets = [prepare(example.text).features for example in examples]
    counts: Counter[str] = Counter()
    for features in feature_sets:
        counts.update(features)
    vocabulary_list = sorted(f for f, n in counts.items() if n >= min_count)
    vocabulary = {f: i for i, f in enumerate(vocabulary_list)}
    matrix = _design_matrix(feature_sets, vocabulary)
    sample_weight = np.asarray(weights if weights is not None else [1.0] * len(examples))
    weight_blocks: list[NDArray[np.float32]] = []
    bias_blocks: list[NDArray[np.float32]] = []
    head_specs: list[Head] = []
    start = 0
    for name, labels in heads.items():
        targets = [example.labels[name] for example in examples]
        unknown = set(targets) - set(labels)
        if unknown:
            raise ValueError(f"unknown {name} labels: {sorted(unknown)}")
        weights_, bias = _fit_head(matrix, targets, labels, strengths[name], sample_weight)
        weight_blocks.append(weights_)
        bias_blocks.append(bias)
        head_specs.append(Head(name, tuple(labels), start))
        start += len(labels)
    return LinearModel(
        vocabulary_list, np.hstack(weight_blocks), np.concatenate(bias_blocks), head_specs
    )


MESSAGE_HEADS: dict[str, Sequence[str]] = {
    "intent": [intent.value for intent in Intent],
    "sentiment": [sentiment.value for sentiment in Sentiment],
}
POST_HEADS: dict[str, Sequence[str]] = {"category": [c.value for c in ContentCategory]}


def load_examples(sources: Sequence[tuple[Path, float]]) -> tuple[list[Example], list[float]]:
    """Read every existing source file; return the examples and the weight of each."""
    examples: list[Example] = []
    weights: list[float] = []
    for path, weight in sources:
        if path.exists():
            read = read_tsv(path)
            examples.extend(read)
            weights.extend([weight] * len(read))
    return examples, weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the insight models.")
    parser.add_argument("--messages-output", type=Path, default=MESSAGES_MODEL)
    parser.add_argument("--posts-output", type=Path, default=POSTS_MODEL)
    args = parser.parse_args(argv)
    examples, weights = load_examples(MESSAGE_SOURCES)
    train(examples, MESSAGE_HEADS, weights=weights).save(args.messages_output)
    examples, weights = load_examples(POST_SOURCES)
    if examples:
        train(examples, POST_HEADS, weights=weights).save(args.posts_output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
