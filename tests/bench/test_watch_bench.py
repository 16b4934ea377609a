"""``parvis bench watch`` runs end to end on tiny sizes and prints its figures (the benchmark is
not a test: this checks that it runs and reports, never how fast)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"ingest_per_s", "items", "timeline_p95_ms", "search_p95_ms", "rate_limit_violations"}


def test_tiny_run_prints_one_json_object(tmp_path: Path) -> None:
    # Its own process and SQLite database: the benchmark sets Django up itself.
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["PARVIS_VAR_DIR"] = str(tmp_path)
    args = ["--json", "--items", "400", "--ingest", "60", "--batch", "25", "--queries", "4"]
    args += ["--sources", "30", "--dir", str(tmp_path / "db")]
    done = subprocess.run(
        [sys.executable, "-m", "bench.watch", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures.keys() >= KEYS
    assert figures["items"] >= 400 and figures["ingested"] == 60
    # 30 sources: 15 feeds, 6 Mastodon accounts and 4 searches, then 5 more feeds.
    assert figures["organisations"] == 2 and figures["sources_collected"] == 30
    assert figures["rate_limit_violations"] == 0
    assert figures["calls"]["web"] == 20 and figures["calls"]["mastodon"] > 0
