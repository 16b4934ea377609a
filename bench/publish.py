"""``parvis bench publish``: N posts due within a window across M accounts, real worker
processes SIGKILLed mid-run, a peer with latency and faults; counts lost and doubled posts.

What runs: a fresh database (SQLite file in embedded mode, a new PostgreSQL database in scaled
mode), the light X-compatible peer of :mod:`bench.peer` in its own process, and W
``parvis dispatcher`` processes — what ``parvis run`` and a scaled deployment run. Every
``window / (kills + 1)`` seconds one worker is SIGKILLed and a new one started, as
``parvis run``'s supervisor does. At the end the peer is asked what it received:

* lost = posts Parvis considers done (published, failed, held) that the peer never received;
  unfinished = posts still waiting when ``--drain`` ran out; duplicated = extra copies received;
* lag = ``published_at - due_at`` of every published target (what the user sees).

Not a test: it prints figures (``--json``: one JSON object) and exits 0 unless it crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="parvis bench publish", description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument(
        "--window", type=float, default=600.0, help="seconds over which posts fall due"
    )
    parser.add_argument("--latency", type=float, default=0.1, help="peer latency, seconds")
    parser.add_argument(
        "--faults", type=float, default=0.1, help="share of publish calls that fail"
    )
    parser.add_argument("--kills", type=int, default=3, help="worker SIGKILLs during the window")
    parser.add_argument("--mode", choices=("embedded", "scaled"), default="embedded")
    parser.add_argument("--workers", type=int, default=0, help="default: 3 embedded, 4 scaled")
    parser.add_argument("--concurrency", type=int, default=8, help="publishing threads per worker")
    parser.add_argument("--timeout", type=float, default=1.0, help="publish HTTP timeout, s")
    parser.add_argument("--lease", type=int, default=5, help="claim lease, s")
    parser.add_argument(
        "--poll", type=float, default=0.2, help="dispatcher idle poll, s (production default)"
    )
    parser.add_argument("--rate-limit-reset", type=float, default=1.0, help="429 reset, s")
    parser.add_argument("--drain", type=float, default=120.0, help="max wait after the window")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--broker-url", default=os.environ.get("BROKER_URL", ""))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


class Run:
    """One benchmark run: its folder, database, peer and workers."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.o = options
        self.folder = Path(tempfile.mkdtemp(prefix="parvis-bench-publish-"))
        self.env = {
            **os.environ,
            "PARVIS_VAR_DIR": str(self.folder / "var"),
            "DJANGO_SETTINGS_MODULE": "parvis.settings",
            "PARVIS_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The benchmark's fake networks listen on loopback, which the guarded client refuses
            # unless the operator allows it.
            "PARVIS_HTTP_ALLOW_PRIVATE": "127.0.0.0/8",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("BROKER_URL", None)
        self.database = ""
        if options.mode == "scaled":
            if not options.database_url.startswith("postgres"):
                raise SystemExit("scaled mode needs --database-url postgres://...")
            self.database = f"parvis_bench_{secrets.token_hex(4)}"
            self._admin_sql(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = options.database_url.rsplit("/", 1)[0] + f"/{self.database}"
            if options.broker_url:  # publishing does not need it; what publishing enqueues does
                self.env["BROKER_URL"] = options.broker_url
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.peer: subprocess.Popen[str] | None = None
        self.peer_url = ""
        self.serial = 0

    def _admin_sql(self, sql: str) -> None:
        import psycopg

        admin = self.o.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.encode())

    def close(self) -> None:
        for process in list(self.workers.values()):
            process.send_signal(signal.SIGTERM)
        for process in list(self.workers.values()):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.peer is not None:
            self.peer.kill()
            self.peer.wait()
        if self.database:
            from django.db import connections

            connections.close_all()
            self._admin_sql(f'DROP DATABASE "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "parvis.cli", "migrate", "--no-input"],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        os.environ.update(self.env)
        if "DATABASE_URL" not in self.env:
            os.environ.pop("DATABASE_URL", None)
        import django

        django.setup()

    def start_peer(self) -> None:
        self.peer = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.peer",
                "--latency",
                str(self.o.latency),
                "--fault-rate",
                str(self.o.faults),
                "--hang",
                str(self.o.timeout * 3),
                "--reset",
                str(self.o.rate_limit_reset),
                "--seed",
                str(self.o.seed),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.peer.stdout is not None
        line = self.peer.stdout.readline().split()
        self.peer_url = f"http://127.0.0.1:{line[1]}"

    def seed(self, first_due: float) -> None:
        from datetime import UTC, datetime

        from parvis.accounts.models import User
        from parvis.accounts.services import organisation_create
        from parvis.networks.models import SocialAccount
        from parvis.publishing.models import Post, PostTarget

        owner = User.objects.create_user("bench@example.org", None)
        org = organisation_create(name="Bench", owner=owner)
        accounts = SocialAccount.objects.bulk_create(
            SocialAccount(
                organisation=org,
                kind="x",
                remote_id=f"u{n}",
                handle=f"bench{n}",
                access_token=f"tok-{n}",
                api_base_url=self.peer_url,
            )
            for n in range(self.o.accounts)
        )
        rng = random.Random(self.o.seed)
        dues = sorted(first_due + rng.uniform(0, self.o.window) for _ in range(self.o.posts))
        batch = 1000
        for start in range(0, self.o.posts, batch):
            chunk = range(start, min(start + batch, self.o.posts))
            when = {i: datetime.fromtimestamp(dues[i], UTC) for i in chunk}
            posts = Post.objects.bulk_create(
                Post(
                    organisation=org,
                    body=f"Bench post {i} {secrets.token_hex(4)}",
                    status=Post.Status.SCHEDULED,
                    scheduled_at=when[i],
                )
                for i in chunk
            )
            PostTarget.objects.bulk_create(
                PostTarget(
                    organisation=org,
                    post=post,
                    account=accounts[i % len(accounts)],
                    status=PostTarget.Status.SCHEDULED,
                    due_at=when[i],
                    next_attempt_at=when[i],
                )
                for i, post in zip(chunk, posts, strict=True)
            )
        from django.db import connection

        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have
            cursor.execute("ANALYZE")

    def start_worker(self) -> None:
        """One ``parvis dispatcher``: the very process production runs, configured by env."""
        self.serial += 1
        name = f"bench-worker-{self.serial}"
        self.workers[name] = subprocess.Popen(
            [sys.executable, "-m", "parvis.cli", "dispatcher"],
            env={
                **self.env,
                "PARVIS_DISPATCH_THREADS": str(self.o.concurrency),
                "PARVIS_DISPATCH_POLL_S": str(self.o.poll),
                "PARVIS_PUBLISH_HTTP_TIMEOUT_S": str(self.o.timeout),
                "PARVIS_PUBLISH_LEASE_S": str(max(1, round(self.o.lease))),
                "PARVIS_PUBLISH_RETRY_BASE_S": "0.5",
                "PARVIS_PUBLISH_RECHECK_S": "0.2",
            },
            cwd=ROOT,
            start_new_session=True,
        )

    def kill_one(self, rng: random.Random) -> None:
        name = rng.choice(sorted(self.workers))
        process = self.workers.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def pending(self) -> int:
        from parvis.publishing.models import PostTarget

        final = [PostTarget.Status.PUBLISHED, PostTarget.Status.FAILED]
        return PostTarget.objects.exclude(status__in=final).count()

    def measure(self, started: float) -> dict[str, Any]:
        import httpx
        from django.db.models import Count

        from parvis.publishing.models import PostTarget, PublishAttempt

        stats = httpx.get(f"{self.peer_url}/_stats", timeout=30).json()
        counts: dict[str, int] = stats["counts"]
        faults, stored = stats["faults"], stats["stored"]

        rows = list(
            PostTarget.objects.annotate(tries=Count("attempts_log")).values_list(
                "status", "due_at", "published_at", "post__body", "tries"
            )
        )
        published_rows = [
            ((published - due).total_seconds(), attempts)
            for status, due, published, _, attempts in rows
            if status == PostTarget.Status.PUBLISHED and published is not None and due is not None
        ]
        lags = sorted(lag for lag, _ in published_rows)
        # Where the tail comes from: posts that went out at their first try, and the others
        # (a fault, a rate limit or a killed worker made them try again).
        first_try = sorted(lag for lag, attempts in published_rows if attempts <= 1)
        retried = sorted(lag for lag, attempts in published_rows if attempts > 1)
        final = {PostTarget.Status.PUBLISHED, PostTarget.Status.FAILED, PostTarget.Status.HELD}
        # Lost: Parvis considers it done (or given up) and the peer never got it. Posts still
        # waiting when the drain time ran out are "unfinished": late, not lost.
        lost = sum(
            1 for status, _, _, body, _ in rows if status in final and counts.get(body, 0) == 0
        )
        unfinished = sum(1 for status, *_ in rows if status not in final)
        duplicated = sum(max(0, n - 1) for n in counts.values())
        first_due = min(due for _, due, *_ in rows if due is not None)
        last_done = max((p for _, _, p, *_ in rows if p is not None), default=first_due)
        span = max(1e-6, (last_done - first_due).total_seconds())
        # What happened to each doubled post, attempt by attempt (seconds after its due time).
        doubled = [body for body, n in counts.items() if n > 1]
        row_due = {body: due for _, due, _, body, _ in rows if body in stored}
        doubled_detail = [
            {
                "copies": counts[body],
                "stored_s_after_due": [
                    round(at - due.timestamp(), 3)
                    for at in stored.get(body, [])
                    if (due := row_due[body]) is not None
                ],
                "attempts": [
                    [
                        a.worker,
                        a.outcome,
                        _after(a.started_at, a.target.due_at),
                        a.duration_ms,
                        a.http_status,
                        a.error[:120],
                    ]
                    for a in PublishAttempt.objects.filter(target__post__body=body)
                    .select_related("target")
                    .order_by("started_at")
                ],
            }
            for body in doubled[:10]
        ]
        by_status: dict[str, int] = {}
        for status, *_ in rows:
            by_status[status] = by_status.get(status, 0) + 1

        def pct(q: float, values: list[float] = lags) -> float | None:
            if not values:
                return None
            return round(values[min(len(values) - 1, int(q * len(values)))], 3)

        return {
            "mode": self.o.mode,
            "posts": self.o.posts,
            "accounts": self.o.accounts,
            "window_s": self.o.window,
            "latency_s": self.o.latency,
            "fault_rate": self.o.faults,
            "kills": self.o.kills,
            "workers": len(self.workers),
            "throughput_per_s": round(len(lags) / span, 2),
            "lag_p50_s": pct(0.50),
            "lag_p95_s": pct(0.95),
            "lag_p99_s": pct(0.99),
            "lag_max_s": round(lags[-1], 3) if lags else None,
            "first_try": len(first_try),
            "first_try_lag_p99_s": pct(0.99, first_try),
            "retried": len(retried),
            "retried_lag_p50_s": pct(0.50, retried),
            "retried_lag_p99_s": pct(0.99, retried),
            "lost": lost,
            "duplicated": duplicated,
            "unfinished": unfinished,
            "published": len(lags),
            "targets_by_status": by_status,
            "attempts": PublishAttempt.objects.count(),
            "faults_injected": faults,
            "duplicated_detail": doubled_detail,
            "wall_s": round(time.time() - started, 1),
        }


def _after(moment: Any, due: Any) -> float | None:
    return round((moment - due).total_seconds(), 3) if moment and due else None


def main(argv: list[str]) -> int:
    options = _options(argv)
    options.workers = options.workers or (4 if options.mode == "scaled" else 3)
    run = Run(options)
    rng = random.Random(options.seed)
    started = time.time()
    try:
        run.migrate()
        run.start_peer()
        lead = 10.0 + options.posts / 2000  # time to seed and to start the workers
        first_due = time.time() + lead
        run.seed(first_due)
        for _ in range(options.workers):
            run.start_worker()
        kill_times = [
            first_due + options.window * (k + 1) / (options.kills + 1) for k in range(options.kills)
        ]
        deadline = first_due + options.window + options.drain
        while time.time() < deadline:
            if kill_times and time.time() >= kill_times[0]:
                kill_times.pop(0)
                run.kill_one(rng)
                run.start_worker()
            if time.time() > first_due + options.window and not kill_times and run.pending() == 0:
                break
            time.sleep(0.5)
        result = run.measure(started)
    finally:
        run.close()
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
