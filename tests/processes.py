"""Run real Parvis processes (web, worker, scheduler) from tests, each run in its own world.

``IsolatedInstance`` gives a process tree its own data folder and its own database: a SQLite
file in embedded runs, a freshly created PostgreSQL database when the suite runs on PostgreSQL
(``DATABASE_URL`` set). The broker is the suite's own: the file broker in the instance's
folder, or ``BROKER_URL`` (Redis/RabbitMQ) with a dedicated queue name so parallel runs never
consume each other's tasks.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class IsolatedInstance:
    def __init__(self, folder: Path, **extra_env: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PARVIS_VAR_DIR": str(folder / "var"),
            "PARVIS_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PARVIS_PUBLIC_BASE_URL": self.base_url,
            # The peers listen on loopback; the product allows no private range by default.
            "PARVIS_HTTP_ALLOW_PRIVATE": "127.0.0.0/8,::1/128",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self._database: str | None = None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}

    def __enter__(self) -> IsolatedInstance:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith("postgres"):
            self._database = f"parvis_e2e_{secrets.token_hex(4)}"
            self._admin_sql(database_url, f'CREATE DATABASE "{self._database}"')
            self.env["DATABASE_URL"] = database_url.rsplit("/", 1)[0] + f"/{self._database}"
        if os.environ.get("BROKER_URL"):
            self.env["PARVIS_TASK_QUEUE"] = f"e2e-{secrets.token_hex(4)}"
        self.parvis("migrate", "--no-input")
        return self

    def __exit__(self, *exc: object) -> None:
        for name in list(self.processes):
            self.stop(name)
        if self._database:
            self._admin_sql(
                os.environ["DATABASE_URL"], f'DROP DATABASE "{self._database}" WITH (FORCE)'
            )

    @staticmethod
    def _admin_sql(database_url: str, sql: str) -> None:
        import psycopg

        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def parvis(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "parvis.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log_path = self.folder / f"{name}.log"
        log: IO[bytes] = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "parvis.cli", *args],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        self.logs[name] = log_path
        return process

    def stop(self, name: str, *, kill: bool = False) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9 if kill else 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.base_url}/healthz", timeout=5)

    def wait_until(self, predicate: object, *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if predicate():  # type: ignore[operator]
                    return
            time.sleep(0.25)
        logs = "\n".join(f"--- {n}\n{self.log(n)[-3000:]}" for n in self.logs)
        raise AssertionError(f"timed out waiting for {what}\n{logs}")


@contextlib.contextmanager
def isolated_instance(folder: Path, **extra_env: str) -> Iterator[IsolatedInstance]:
    with IsolatedInstance(folder, **extra_env) as instance:
        yield instance
