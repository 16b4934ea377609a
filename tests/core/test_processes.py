"""Real processes, a real broker: the worker and scheduler heartbeats drive /healthz."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.processes import IsolatedInstance, isolated_instance

# A beat a second, stale after 10 s: a busy machine may delay one beat, not ten.
FAST_HEARTBEATS = {"PARVIS_HEARTBEAT_INTERVAL": "1", "PARVIS_HEARTBEAT_STALE_AFTER": "10"}


def health_when(
    instance: IsolatedInstance, wanted: Callable[[httpx.Response], bool], *, what: str
) -> httpx.Response:
    """The first /healthz answer that satisfies ``wanted``: the one the test then asserts on,
    never a second request that could say something else."""
    seen: list[httpx.Response] = []

    def matches() -> bool:
        seen[:] = [instance.health()]
        return wanted(seen[0])

    instance.wait_until(matches, timeout=60, what=what)
    return seen[0]


def test_healthz_turns_red_when_the_worker_stops_and_green_when_it_returns(tmp_path: Path) -> None:
    with isolated_instance(tmp_path, **FAST_HEARTBEATS) as instance:
        instance.start(
            "web",
            "run",
            "--bind",
            f"127.0.0.1:{instance.port}",
            "--no-worker",
            "--web-workers",
            "1",
        )
        instance.start("worker", "worker")
        green = health_when(instance, lambda r: r.status_code == 200, what="green").json()
        assert green["checks"]["worker"]["ok"] and green["checks"]["scheduler"]["ok"]

        instance.stop("worker", kill=True)
        red = health_when(
            instance,
            lambda r: r.status_code == 503 and not r.json()["checks"]["worker"]["ok"],
            what="worker red",
        ).json()
        assert red["status"] == "error"
        assert red["checks"]["scheduler"]["ok"]

        instance.start("worker", "worker")
        health_when(instance, lambda r: r.status_code == 200, what="green again")


def test_a_task_goes_through_the_broker_to_a_worker(tmp_path: Path) -> None:
    with isolated_instance(tmp_path) as instance:
        instance.start("worker", "worker")
        # Doctor waits 15 s for a worker: let this one finish starting first.
        instance.wait_until(lambda: " ready." in instance.log("worker"), timeout=90, what="ready")
        result = instance.parvis("doctor", "--roundtrip", check=False, timeout=90)
        assert "ok   task roundtrip: un worker a exécuté une tâche" in result.stdout, (
            result.stdout + result.stderr
        )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nowhere", "parvis: database unreachable"),
        ("BROKER_URL", "redis://127.0.0.1:1/0", "parvis: broker unreachable"),
        ("DATABASE_URL", "mysql//broken", "parvis: configuration error: DATABASE_URL is malformed"),
    ],
)
def test_a_missing_dependency_at_start_prints_one_clear_line(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    with isolated_instance(tmp_path) as instance:
        instance.env[variable] = value
        result = instance.parvis("worker", check=False, timeout=60)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
