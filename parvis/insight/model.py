"""Run-time side of the linear models: load a shipped ``.npz`` once, score batches with numpy.

A model file holds a feature vocabulary, one weight matrix whose columns are grouped into
*heads* (for example ``intent`` and ``sentiment``) and a bias per column. A message's score for
a column is the sum of the weights of its known features divided by the square root of their
count (the L2 normalisation of a binary vector used at training), plus the bias; each head is
a softmax over its columns. Training lives in ``training.insight.train`` (source checkout only).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODELS_DIR = Path(__file__).resolve().parent / "models"
MESSAGES_MODEL = MODELS_DIR / "messages.npz"
POSTS_MODEL = MODELS_DIR / "posts.npz"


@dataclass(frozen=True, slots=True)
class Head:
    """A group of columns scored together with a softmax (one classification task)."""

    name: str
    labels: tuple[str, ...]
    start: int

    @property
    def stop(self) -> int:
        return self.start + len(self.labels)


@dataclass(frozen=True, slots=True)
class Scored:
    """Probabilities of one message for every head, and the feature rows that produced them."""

    probabilities: dict[str, NDArray[np.float64]]
    rows: NDArray[np.int64]


class LinearModel:
    """A multi-head linear classifier over string features. Immutable once loaded."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        weights: NDArray[np.float32],
        bias: NDArray[np.float32],
        heads: Sequence[Head],
    ) -> None:
        if weights.shape != (len(vocabulary), bias.shape[0]):
            raise ValueError("weights must have one row per feature and one column per label")
        self.vocabulary = tuple(vocabulary)
        self.index: dict[str, int] = {feature: row for row, feature in enumerate(vocabulary)}
        # One extra zero row lets every message own at least one row, so np.add.reduceat
        # never sees an empty segment.
        self._padding_row = len(vocabulary)
        padding = np.zeros((1, weights.shape[1]), dtype=np.float32)
        self.weights: NDArray[np.float32] = np.vstack([weights, padding])
        self.bias = bias.astype(np.float64)
        self.heads = {head.name: head for head in heads}

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model written by :func:`save` (no pickle involved)."""
        with np.load(path, allow_pickle=False) as archive:
            vocabulary = bytes(archive["vocabulary"]).decode("utf-8").split("\n")
            meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
            heads = [Head(h["name"], tuple(h["labels"]), int(h["start"])) for h in meta["heads"]]
            return cls(vocabulary, archive["weights"], archive["bias"], heads)

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz`` whose bytes depend only on its content."""
        meta = {
            "heads": [
                {"name": h.name, "labels": list(h.labels), "start": h.start}
                for h in self.heads.values()
            ]
        }
        vocabulary = "\n".join(self.vocabulary).encode("utf-8")
        with path.open("wb") as stream:
            np.savez_compressed(
                stream,
                vocabulary=np.frombuffer(vocabulary, dtype=np.uint8),
                meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
                weights=self.weights[: self._padding_row].astype(np.float32),
                bias=self.bias.astype(np.float32),
            )

    def rows_of(self, features: Iterable[str]) -> list[int]:
        """Rows of the known features, sorted (unknown features are ignored)."""
        get = self.index.get
        return sorted(row for row in map(get, features) if row is not None)

    def score(self, feature_sets: Sequence[Iterable[str]]) -> list[Scored]:
        """Score a batch of feature sets; one :class:`Scored` per input, in order."""
        if not feature_sets:
            return []
        row_lists = [self.rows_of(features) for features in feature_sets]
        counts = np.array([len(rows) for rows in row_lists], dtype=np.float64)
        flat: list[int] = []
        offsets: list[int] = []
        for rows in row_lists:
            offsets.append(len(flat))
            flat.extend(rows)
            flat.append(self._padding_row)
        gathered = self.weights[np.array(flat, dtype=np.int64)]
        sums = np.add.reduceat(gathered, np.array(offsets, dtype=np.int64), axis=0)
        logits = sums / np.sqrt(np.maximum(counts, 1.0))[:, None] + self.bias
        probabilities = {
            name: _softmax(logits[:, h.start : h.stop]) for name, h in self.heads.items()
        }
        return [
            Scored(
                {name: probs[i] for name, probs in probabilities.items()},
                np.array(row_lists[i], dtype=np.int64),
            )
            for i in range(len(row_lists))
        ]

    def column(self, head: str, label: str) -> int:
        """The weight column of ``label`` in ``head``."""
        spec = self.heads[head]
        return spec.start + spec.labels.index(label)

    def weight(self, feature: str, head: str, label: str) -> float:
        """Weight of one feature towards ``label`` of ``head`` (0 for an unknown feature)."""
        row = self.index.get(feature)
        return 0.0 if row is None else float(self.weights[row, self.column(head, label)])

    def contributions(
        self, rows: NDArray[np.int64], head: str, label: str, *, positive_only: bool = False
    ) -> dict[str, float]:
        """Weight of each of the given feature rows towards ``label`` of ``head``."""
        values = self.weights[rows, self.column(head, label)]
        if positive_only:
            keep = values > 0
            rows, values = rows[keep], values[keep]
        return {
            self.vocabulary[row]: value
            for row, value in zip(rows.tolist(), values.tolist(), strict=True)
        }


def _softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


_lock = threading.Lock()
_loaded: dict[Path, LinearModel] = {}


def shared_model(path: Path) -> LinearModel:
    """The process-wide instance of the model at ``path``, loaded on first use (thread-safe)."""
    model = _loaded.get(path)
    if model is None:
        with _lock:
            model = _loaded.get(path)
            if model is None:
                model = LinearModel.load(path)
                _loaded[path] = model
    return model
