"""Local Mastodon peer for tests: the PyPI package ``mastodon-mock`` in its own process.

``mastodon_mock serve`` (FastAPI + in-memory SQLite) runs on 127.0.0.1 with a free port and a
configuration written for the run. It seeds two local accounts with fixed tokens (``alice``,
``bob``); more can be made with :meth:`MastodonPeer.create_account`. What it does and does not
implement is listed in ``tests/peers/README.md``.

Use it as a context manager (``with start_mastodon_mock() as peer: ...``) or through the
session-scoped pytest fixture ``mastodon_peer`` (import it into a conftest or test module).
The package's own pytest plugin defines fixtures named ``mastodon_mock_*``; they are unrelated.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SEEDED_USERNAMES = ("alice", "bob")


class MastodonPeerError(RuntimeError):
    """mastodon-mock could not be started or driven."""


@dataclass(frozen=True)
class MastodonAccount:
    """A local account of the mock and a user access token for it."""

    username: str
    access_token: str


@dataclass(frozen=True)
class MastodonPeer:
    """A running mastodon-mock. Built by :func:`start_mastodon_mock`; not constructed directly."""

    base_url: str
    accounts: dict[str, MastodonAccount]
    rate_limit: int | None

    def create_account(self, username: str) -> MastodonAccount:
        """Create a local account through the mock-only ``/api/v1/_mock/dev_user`` endpoint."""
        response = httpx.post(
            f"{self.base_url}/api/v1/_mock/dev_user", json={"username": username}, timeout=10.0
        )
        if response.status_code != 200:
            raise MastodonPeerError(f"dev_user failed: {response.status_code} {response.text}")
        return MastodonAccount(username=username, access_token=response.json()["access_token"])

    def reset(self) -> None:
        """Drop every status, account and token, then re-seed (``/api/v1/_mock/reset``)."""
        response = httpx.post(f"{self.base_url}/api/v1/_mock/reset", timeout=10.0)
        if response.status_code != 200:
            raise MastodonPeerError(f"reset failed: {response.status_code} {response.text}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config_toml(media_dir: Path, rate_limit: int | None, window_seconds: int) -> str:
    """The mock's configuration (see ``mastodon_mock/config.py`` for every key)."""
    accounts = "\n".join(
        f'[[seed.accounts]]\nusername = "{name}"\ndisplay_name = "{name.title()}"\n'
        f'access_token = "{name}_token"\n'
        for name in SEEDED_USERNAMES
    )
    ratelimit = (
        f"[ratelimit]\nenabled = true\nlimit = {rate_limit}\nwindow_seconds = {window_seconds}\n"
        if rate_limit is not None
        else "[ratelimit]\nenabled = false\n"
    )
    return (
        f'media_storage_path = "{media_dir}"\n'
        '[database]\npath = ":memory:"\n'
        f"{ratelimit}"
        "[faults]\nenabled = true\n"
        f"{accounts}"
    )


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MastodonPeerError(f"mastodon_mock exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise MastodonPeerError(f"mastodon_mock was not ready within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def start_mastodon_mock(
    *,
    rate_limit: int | None = None,
    window_seconds: int = 300,
    start_timeout: float = 30.0,
    attempts: int = 3,
) -> Iterator[MastodonPeer]:
    """Start mastodon-mock on 127.0.0.1 and a free port; stop it on exit.

    ``rate_limit`` turns on the mock's per-token limiter (``X-RateLimit-*`` headers, 429 beyond
    ``rate_limit`` requests per ``window_seconds``). Retries with another port when the chosen
    one was taken meanwhile. Raises :class:`MastodonPeerError` when it cannot start.
    """
    with tempfile.TemporaryDirectory(prefix="parvis-mastodon-") as run_dir:
        run_path = Path(run_dir)
        (run_path / "media").mkdir()
        config = run_path / "mastodon_mock.toml"
        config.write_text(_config_toml(run_path / "media", rate_limit, window_seconds))
        last_error: MastodonPeerError | None = None
        for _ in range(attempts):
            port = _free_port()
            base_url = f"http://127.0.0.1:{port}"
            with (run_path / "server.log").open("ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "mastodon_mock", "serve", "--config", str(config)]
                    + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    # The run folder has no pyproject.toml for the mock to pick settings from.
                    cwd=run_path,
                )
            try:
                _wait_ready(process, base_url, start_timeout)
            except MastodonPeerError as exc:
                _stop(process)
                log_text = (run_path / "server.log").read_text(errors="replace")[-3000:]
                last_error = MastodonPeerError(f"{exc}\n{log_text}")
                continue
            try:
                yield MastodonPeer(
                    base_url=base_url,
                    accounts={
                        name: MastodonAccount(username=name, access_token=f"{name}_token")
                        for name in SEEDED_USERNAMES
                    },
                    rate_limit=rate_limit,
                )
            finally:
                _stop(process)
            return
        raise last_error or MastodonPeerError("mastodon_mock did not start")


@pytest.fixture(scope="session")
def mastodon_peer() -> Iterator[MastodonPeer]:
    """One mastodon-mock server for the whole test session (no rate limit)."""
    with start_mastodon_mock() as peer:
        yield peer


def main() -> None:
    """``python -m tests.peers.mastodon [--rate-limit N] [--once]``: run mastodon-mock by hand.

    Prints the URL, the seeded tokens and the start time; ``--once`` stops at once (for
    measuring), otherwise it runs until Ctrl-C.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--rate-limit", type=int, default=None)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    with start_mastodon_mock(rate_limit=args.rate_limit) as peer:
        report = {
            "base_url": peer.base_url,
            "tokens": {name: account.access_token for name, account in peer.accounts.items()},
            "start_seconds": round(time.monotonic() - began, 2),
        }
        print(json.dumps(report), flush=True)
        if not args.once:
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
