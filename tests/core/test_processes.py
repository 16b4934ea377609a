"""Real processes, a real broker: the worker and scheduler heartbeats drive /healthz."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import isolated_instance

FAST_HEARTBEATS = {"PARVIS_HEARTBEAT_INTERVAL": "1", "PARVIS_HEARTBEAT_STALE_AFTER": "5"}


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
        instance.wait_until(lambda: instance.health().status_code == 200, timeout=60, what="green")
        body = instance.health().json()
        assert body["checks"]["worker"]["ok"] and body["checks"]["scheduler"]["ok"]

        instance.stop("worker", kill=True)
        instance.wait_until(lambda: instance.health().status_code == 503, timeout=30, what="red")
        body = instance.health().json()
        assert body["status"] == "error"
        assert not body["checks"]["worker"]["ok"]
        assert body["checks"]["scheduler"]["ok"]

        instance.start("worker", "worker")
        instance.wait_until(
            lambda: instance.health().status_code == 200, timeout=60, what="green again"
        )


def test_a_task_goes_through_the_broker_to_a_worker(tmp_path: Path) -> None:
    with isolated_instance(tmp_path) as instance:
        instance.start("worker", "worker")
        result = instance.parvis("doctor", "--roundtrip", check=False, timeout=90)
        assert "ok   task roundtrip: a worker ran a task" in result.stdout, (
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
