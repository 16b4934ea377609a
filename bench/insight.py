"""``parvis bench insight``: speed, memory and quality of ``parvis.insight`` against a baseline.

Run ``python -m bench.insight`` (add ``--json`` for one JSON object). It measures:

* throughput: messages per second through ``analyse_many`` in ``--workers`` processes
  (default 2, one per core of the reference machine), each analysing ``--messages / workers``
  messages drawn in turn from the evaluation texts;
* peak memory: the largest resident set size (``ru_maxrss``) of a worker process, which loads
  the models and analyses its share;
* quality on the held-out set (``bench/data/insight/heldout_messages.tsv``, never used to
  train or tune): macro-F1 of the primary intent and of the sentiment, per-class scores, the
  intent confusion matrix and the ten most confident errors; the same for the shared
  development set when it is present (it was used for tuning: that figure is optimistic);
* the baseline on the same sets: the French VADER lexicon (``vaderSentiment-fr``, compound
  >= 0.05 positive, <= -0.05 negative) for sentiment and keyword rules for intent;
* the content-category model on ``heldout_posts.tsv``.

Targets (issue 5): >= 1,000 messages/s, < 600 MB resident, intent macro-F1 >= 0.85 and
sentiment macro-F1 >= 0.80 on the held-out set.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import resource
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parvis.core.vocabulary import Intent, Sentiment
from training.insight.datasets import Example, read_tsv

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "bench" / "data" / "insight" / "heldout_messages.tsv"
HELDOUT_POSTS = ROOT / "bench" / "data" / "insight" / "heldout_posts.tsv"
DEV = ROOT.parent / "shared" / "data" / "inbox_dev.tsv"
TARGETS = {
    "messages_per_second": 1000.0,
    "peak_rss_mb": 600.0,
    "intent_macro_f1": 0.85,
    "sentiment_macro_f1": 0.80,
}
INTENTS = [i.value for i in Intent]
SENTIMENTS = [s.value for s in Sentiment]


# --- metrics -----------------------------------------------------------------------------


def per_class_f1(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """F1 of each label (0 when the label is never predicted nor present)."""
    scores: dict[str, float] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    present = [label for label in labels if label in gold]
    scores = per_class_f1(gold, predicted, present)
    return sum(scores.values()) / len(scores) if scores else 0.0


def confusion(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows are gold labels, columns predicted labels, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


# --- baseline ----------------------------------------------------------------------------

_BASELINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "spam",
        re.compile(
            r"bit\.ly|tinyurl|gagne[zr]|crypto|bitcoin|followers|abonnés|whatsapp|telegram|earn|free|gratuit",
            re.I,
        ),
    ),
    (
        "job_application",
        re.compile(
            r"\bcv\b|candidature|postul|alternan|stage|recrut|embauch|hiring|apply|resume|internship",
            re.I,
        ),
    ),
    (
        "purchase_intent",
        re.compile(
            r"devis|tarif|prix|combien|commander|acheter|fournisseur|prestataire|réserver"
            r"|quote|price|how much|order|book",
            re.I,
        ),
    ),
    (
        "complaint",
        re.compile(
            r"déçu|retard|cassé|toujours pas|remboursement|inadmissible|scandal|nul|problème"
            r"|panne|jamais reçu|disappointed|refund|broken|late|worst",
            re.I,
        ),
    ),
    ("question", re.compile(r"\?")),
    (
        "praise",
        re.compile(
            r"merci|bravo|super|top|génial|parfait|recommande|excellent|thank|great|amazing|love",
            re.I,
        ),
    ),
]


def baseline_intent(text: str) -> str:
    """Keyword rules in a fixed order; the first that matches wins, else ``other``."""
    for intent, pattern in _BASELINE_RULES:
        if pattern.search(text):
            return intent
    return "other"


def baseline_sentiments(texts: Sequence[str]) -> list[str]:
    """The VADER-fr lexicon's compound score, with VADER's usual ±0.05 thresholds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fuzzywuzzy warns about its slow path on import
        from vaderSentiment_fr.vaderSentiment import (  # type: ignore[import-untyped]
            SentimentIntensityAnalyzer,
        )
    analyzer = SentimentIntensityAnalyzer()
    results: list[str] = []
    for text in texts:
        compound = float(analyzer.polarity_scores(text)["compound"])
        results.append(
            "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        )
    return results


# --- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    name: str
    size: int
    intent_macro_f1: float
    sentiment_macro_f1: float
    intent_per_class: dict[str, float]
    sentiment_per_class: dict[str, float]
    intent_confusion: list[list[int]]
    sentiment_confusion: list[list[int]]
    worst_errors: list[dict[str, Any]]
    baseline_intent_macro_f1: float
    baseline_sentiment_macro_f1: float

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def evaluate(name: str, examples: Sequence[Example]) -> Evaluation:
    from parvis.insight import analyse_many

    texts = [example.text for example in examples]
    gold_intents = [example.labels["intent"] for example in examples]
    gold_sentiments = [example.labels["sentiment"] for example in examples]
    analyses = analyse_many(texts)
    intents = [analysis.intent.value for analysis in analyses]
    sentiments = [analysis.sentiment.value for analysis in analyses]
    errors: list[dict[str, Any]] = []
    for text, gold, analysis in zip(texts, gold_intents, analyses, strict=True):
        if analysis.intent.value != gold:
            errors.append(
                {
                    "text": text,
                    "gold": gold,
                    "predicted": analysis.intent.value,
                    "score": round(analysis.intents[0].score, 3),
                    "reasons": list(analysis.intents[0].reasons),
                }
            )
    errors.sort(key=lambda error: -float(error["score"]))
    base_intents = [baseline_intent(text) for text in texts]
    base_sentiments = baseline_sentiments(texts)
    return Evaluation(
        name=name,
        size=len(examples),
        intent_macro_f1=round(macro_f1(gold_intents, intents, INTENTS), 4),
        sentiment_macro_f1=round(macro_f1(gold_sentiments, sentiments, SENTIMENTS), 4),
        intent_per_class={
            k: round(v, 3) for k, v in per_class_f1(gold_intents, intents, INTENTS).items()
        },
        sentiment_per_class={
            k: round(v, 3) for k, v in per_class_f1(gold_sentiments, sentiments, SENTIMENTS).items()
        },
        intent_confusion=confusion(gold_intents, intents, INTENTS),
        sentiment_confusion=confusion(gold_sentiments, sentiments, SENTIMENTS),
        worst_errors=errors[:10],
        baseline_intent_macro_f1=round(macro_f1(gold_intents, base_intents, INTENTS), 4),
        baseline_sentiment_macro_f1=round(
            macro_f1(gold_sentiments, base_sentiments, SENTIMENTS), 4
        ),
    )


def evaluate_posts(examples: Sequence[Example]) -> dict[str, Any]:
    from parvis.core.vocabulary import ContentCategory
    from parvis.insight import categorise_posts

    labels = [c.value for c in ContentCategory]
    gold = [example.labels["category"] for example in examples]
    predicted = [result.category.value for result in categorise_posts([e.text for e in examples])]
    return {
        "size": len(examples),
        "category_macro_f1": round(macro_f1(gold, predicted, labels), 4),
        "category_per_class": {
            k: round(v, 3) for k, v in per_class_f1(gold, predicted, labels).items()
        },
    }


# --- speed and memory --------------------------------------------------------------------


def _worker(texts: list[str], count: int, batch_size: int, queue: Any) -> None:
    """Load the models, analyse ``count`` messages, report (seconds, peak RSS in MB)."""
    from parvis.insight import analyse_many

    analyse_many(texts[:batch_size])  # loads the models: a process pays that once
    started = time.perf_counter()
    done = 0
    position = 0
    while done < count:
        size = min(batch_size, count - done)
        batch = [texts[(position + i) % len(texts)] for i in range(size)]
        analyse_many(batch)
        position += size
        done += size
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kb / 1024.0))


def measure_speed(
    texts: list[str], messages: int, workers: int, batch_size: int
) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    share = max(1, messages // workers)
    processes = [
        context.Process(target=_worker, args=(texts, share, batch_size, queue))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    slowest = max(elapsed for elapsed, _ in results)
    return {
        "workers": workers,
        "messages": share * workers,
        "messages_per_second": round(share * workers / slowest, 1),
        "messages_per_second_per_worker": round(share / (sum(e for e, _ in results) / workers), 1),
        "peak_rss_mb": round(max(rss for _, rss in results), 1),
    }


# --- report ------------------------------------------------------------------------------


def _table(matrix: list[list[int]], labels: Sequence[str]) -> str:
    short = [label[:10] for label in labels]
    lines = ["| gold \\ predicted | " + " | ".join(short) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    for label, row in zip(labels, matrix, strict=True):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
    speed = report["speed"]
    out = [
        "# parvis bench insight",
        "",
        f"Throughput: {speed['messages_per_second']:.0f} messages/s with {speed['workers']} "
        f"worker(s) ({speed['messages_per_second_per_worker']:.0f}/s per worker), "
        f"peak RSS {speed['peak_rss_mb']:.0f} MB.",
        "",
    ]
    for evaluation in report["evaluations"]:
        out += [
            f"## {evaluation['name']} ({evaluation['size']} messages)",
            "",
            "| | parvis.insight | baseline |",
            "|---|---|---|",
            f"| intent macro-F1 | {evaluation['intent_macro_f1']:.3f} | "
            f"{evaluation['baseline_intent_macro_f1']:.3f} (keyword rules) |",
            f"| sentiment macro-F1 | {evaluation['sentiment_macro_f1']:.3f} | "
            f"{evaluation['baseline_sentiment_macro_f1']:.3f} (VADER-fr) |",
            "",
            "Intent F1 per class: "
            + ", ".join(f"{k} {v:.2f}" for k, v in evaluation["intent_per_class"].items()),
            "",
            "Sentiment F1 per class: "
            + ", ".join(f"{k} {v:.2f}" for k, v in evaluation["sentiment_per_class"].items()),
            "",
            "Intent confusion matrix:",
            "",
            _table(evaluation["intent_confusion"], INTENTS),
            "",
            "Sentiment confusion matrix:",
            "",
            _table(evaluation["sentiment_confusion"], SENTIMENTS),
            "",
            "Ten most confident intent errors:",
            "",
        ]
        for error in evaluation["worst_errors"]:
            out.append(
                f"- {error['gold']} → {error['predicted']} ({error['score']:.2f}): {error['text']}"
            )
        out.append("")
    if report.get("posts"):
        posts = report["posts"]
        out += [
            f"## Content categories, held-out posts ({posts['size']} posts)",
            "",
            f"Category macro-F1: {posts['category_macro_f1']:.3f}",
            "",
        ]
    out.append(
        "Targets: "
        + ", ".join(
            f"{name} {'OK' if ok else 'MISSED'}" for name, ok in report["targets_met"].items()
        )
    )
    return "\n".join(out)


def run(args: argparse.Namespace) -> dict[str, Any]:
    heldout = read_tsv(args.heldout)
    evaluations = [evaluate("Held-out set", heldout)]
    texts = [example.text for example in heldout]
    if args.dev and args.dev.exists():
        dev = read_tsv(args.dev)
        evaluations.append(evaluate("Development set (used for tuning: optimistic)", dev))
        texts += [example.text for example in dev]
    speed = measure_speed(texts, args.messages, args.workers, args.batch_size)
    main_eval = evaluations[0]
    checks: dict[str, Callable[[], bool]] = {
        "messages_per_second": lambda: (
            speed["messages_per_second"] >= TARGETS["messages_per_second"]
        ),
        "peak_rss_mb": lambda: speed["peak_rss_mb"] < TARGETS["peak_rss_mb"],
        "intent_macro_f1": lambda: main_eval.intent_macro_f1 >= TARGETS["intent_macro_f1"],
        "sentiment_macro_f1": lambda: main_eval.sentiment_macro_f1 >= TARGETS["sentiment_macro_f1"],
    }
    report: dict[str, Any] = {
        "speed": speed,
        "evaluations": [evaluation.to_dict() for evaluation in evaluations],
        "targets": TARGETS,
        "targets_met": {name: check() for name, check in checks.items()},
    }
    if args.posts and args.posts.exists():
        report["posts"] = evaluate_posts(read_tsv(args.posts))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="parvis bench insight", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--messages", type=int, default=20_000, help="messages for the speed run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (cores)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--dev", type=Path, default=DEV, help="development set (optional)")
    parser.add_argument("--posts", type=Path, default=HELDOUT_POSTS)
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(render(report))
    return 0 if all(report["targets_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
