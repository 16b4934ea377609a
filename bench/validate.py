"""``parvis bench validate``: server time of the composer's live check, per account and text size.

Run ``parvis bench validate`` (or ``python -m bench.validate``); ``--json`` prints one JSON object.

On each pause in typing, the composer checks the text against every chosen account
(``publishing.ui.variants.build_variants``): validation against that account's limits, its
length in the network's unit, and, when it is too long, the adapted text it offers. This times
that work for one account at a time, on every network Parvis knows, for texts of ``--sizes``
characters (default 1,000, 10,000 and 100,000, the most Parvis accepts):

* ``--kind prose`` (default): ``--texts`` French texts per size, with links (with and without
  ``https://``), hashtags, @mentions, emoji sequences (flags, families, keycaps), and Chinese
  and Japanese words, which X counts double;
* ``--kind adversarial``: texts made to defeat a backtracking matcher: ``a.a.a.…``, Japanese
  without spaces, a run of emoji, one word as long as the text, hundreds of hashtags.

It prints, per size, the median, 95th and 99th percentiles in milliseconds over every text
and network, the slowest network's median, and ``ratio``: the median at a size over the median
at a tenth of it — about 10 when the work grows linearly with the text, 100 when it grows with
its square. Nothing is stored: the accounts are built in memory, no database is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

PHRASES = (
    "nos croissants au beurre sont prêts dès sept heures et la fournée du samedi part vite "
    "venez goûter la nouvelle baguette de tradition au levain naturel cuite sur la sole "
    "merci à toutes celles et ceux qui passent chaque matin nous dire bonjour à la boutique "
    "cette semaine nous fermons exceptionnellement le mercredi pour l’inventaire annuel"
)
WORDS = tuple(PHRASES.split())
LINKS = (
    "https://boulangerie-martin.fr/commande?produit=galette&part=8",
    "www.boulangerie-martin.fr/horaires",
    "exemple.fr",
    "https://www.instagram.com/p/Cx7abc_12/",
    "http://t.co/AbC123xyz",
)
HASHTAGS = ("#boulangerie", "#painaulevain", "#Lyon", "#été2026", "#フランスパン")
MENTIONS = ("@marie_dupont", "@alice.bsky.social", "@lucas@piaille.fr", "@MairieDeLyon")
EMOJI = ("🥖", "🥐", "👩\u200d🍳", "🇫🇷", "👍🏽", "1️⃣", "❤️", "👨\u200d👩\u200d👧\u200d👦")
CJK = ("パン屋さん", "面包店", "美味しい", "クロワッサン", "法棍面包", "빵집")
LINK = "https://boulangerie-martin.fr/commande"


def prose(size: int, rng: random.Random) -> str:
    """A French text of ``size`` characters sprinkled with what networks count specially."""
    pieces: list[str] = []
    length = 0
    while length < size:
        draw = rng.random()
        if draw < 0.03:
            piece = rng.choice(LINKS)
        elif draw < 0.07:
            piece = rng.choice(HASHTAGS)
        elif draw < 0.09:
            piece = rng.choice(MENTIONS)
        elif draw < 0.13:
            piece = rng.choice(EMOJI)
        elif draw < 0.16:
            piece = rng.choice(CJK)
        else:
            piece = rng.choice(WORDS)
            if rng.random() < 0.08:
                piece += rng.choice((".", ",", " !", " :"))
        pieces.append(piece)
        length += len(piece) + 1
    return " ".join(pieces)[:size]


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "dots": lambda size: "a." * (size // 2),
    "japanese": lambda size: ("パン屋さんの朝は早い。" * size)[:size],
    "emoji": lambda size: "🥖" * size,
    "one_word": lambda size: "a" * size,
    "hashtags": lambda size: ("#pain " * size)[:size],
    "domains": lambda size: ("a_b.com-c." * size)[:size],
}


def _setup() -> None:
    os.environ.setdefault("PARVIS_VAR_DIR", tempfile.mkdtemp(prefix="parvis-bench-validate-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "parvis.settings"
    import django

    django.setup()


def _accounts() -> list[Any]:
    """One unsaved account per network Parvis can check (its stock limits)."""
    from parvis.networks.models import SocialAccount
    from parvis.networks.registry import PROVIDERS

    return [
        SocialAccount(pk=index, kind=network.value, handle=f"@{network.value}")
        for index, network in enumerate(PROVIDERS, start=1)
    ]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _time(text: str, account: Any) -> float:
    """Milliseconds of the composer's check of ``text`` for ``account``."""
    from parvis.publishing.ui.variants import Typed, build_variants

    typed = Typed(body=text, link=LINK)
    started = time.perf_counter()
    build_variants(typed, [account])
    return (time.perf_counter() - started) * 1000


def measure(sizes: list[int], texts: int, kind: str, seed: int, budget_s: float) -> dict[str, Any]:
    accounts = _accounts()
    rng = random.Random(seed)
    for account in accounts:  # compile the patterns, as a running server has them
        _time(prose(300, rng), account)
    figures: dict[str, Any] = {"kind": kind, "networks": [a.kind for a in accounts]}
    medians: dict[int, float] = {}
    per_network: dict[int, dict[str, float]] = {}
    for size in sizes:
        if kind == "prose":
            samples = [(f"prose{n}", prose(size, rng)) for n in range(texts)]
        else:
            samples = [(name, build(size)) for name, build in ADVERSARIAL.items()]
        timings: list[float] = []
        by_network: dict[str, list[float]] = {}
        skipped: list[str] = []
        for name, text in samples:
            for account in accounts:
                if name in skipped:
                    break
                spent = _time(text, account)
                timings.append(spent)
                by_network.setdefault(account.kind, []).append(spent)
                if spent > budget_s * 1000:
                    skipped.append(name)  # too slow to repeat: the rest of this text is left
        medians[size] = statistics.median(timings)
        slowest = max(by_network, key=lambda kind: statistics.median(by_network[kind]))
        row: dict[str, Any] = {
            "p50_ms": round(medians[size], 2),
            "p95_ms": round(_percentile(timings, 0.95), 2),
            "p99_ms": round(_percentile(timings, 0.99), 2),
            "max_ms": round(max(timings), 2),
            "checks": len(timings),
            "slowest_network": slowest,
            "slowest_network_p50_ms": round(statistics.median(by_network[slowest]), 2),
        }
        if skipped:
            row["cut_short"] = skipped
        network_medians = {kind: statistics.median(v) for kind, v in by_network.items()}
        row["p50_ms_by_network"] = {kind: round(v, 2) for kind, v in network_medians.items()}
        smaller = per_network.get(size // 10)
        if smaller is not None:
            row["ratio"] = round(medians[size] / medians[size // 10], 1)
            row["ratio_by_network"] = {
                kind: round(v / smaller[kind], 1)
                for kind, v in network_medians.items()
                if smaller.get(kind)
            }
        per_network[size] = network_medians
        figures[str(size)] = row
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="parvis bench validate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="text sizes in characters, comma-separated"
    )
    parser.add_argument("--texts", type=int, default=20, help="prose texts per size")
    parser.add_argument("--kind", choices=["prose", "adversarial"], default="prose")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds after which a text is not repeated"
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    _setup()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    figures = measure(sizes, args.texts, args.kind, args.seed, args.budget)
    figures["load_average"] = round(os.getloadavg()[0], 1)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(f"kind: {figures['kind']}; networks: {', '.join(figures['networks'])}")
        for size in sizes:
            row = figures[str(size)]
            details = ", ".join(f"{key} {value}" for key, value in row.items())
            print(f"{size:>8} characters: {details}")
        print(f"load average: {figures['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
