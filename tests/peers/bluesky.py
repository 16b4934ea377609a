"""Local Bluesky peer for tests: a real atproto network from npm ``@atproto/dev-env``.

The network runs in a Node 22 process (``tests/peers/bluesky_node/launch.mjs``) installed by
``scripts/install-peers.sh`` into ``$PARVIS_PEERS_CACHE`` (default ``~/.cache/parvis-peers``).

Modes (environment ``PARVIS_BLUESKY_MODE``, or the ``mode`` argument):

* ``full`` (default): PLC + PDS + AppView + bsync + Ozone; the AppView uses the machine's
  PostgreSQL (``PARVIS_BLUESKY_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``,
  one set of schemas per run, dropped at exit) and Redis (``PARVIS_BLUESKY_REDIS_HOST``, default
  ``127.0.0.1:6379``). Notifications, threads and feeds work.
* ``pds``: PLC + PDS only, no database server needed; every ``app.bsky.*`` read answers
  502 ``UpstreamFailure``.

Use it as a context manager (``with start_bluesky_network() as peer: ...``) or through the
session-scoped pytest fixture ``bluesky_peer`` (import it into a conftest or test module).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import secrets
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, cast
from urllib.parse import urlsplit

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_PROJECT_DIR = REPO_ROOT / "tests" / "peers" / "bluesky_node"
LAUNCHER = NODE_PROJECT_DIR / "launch.mjs"
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-peers.sh"
# Written last by the install script: its presence means the install folder is complete.
INSTALL_MARKER = ".parvis-installed"

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_HOST = "127.0.0.1:6379"
# dev-env's PDS serves handles under this suffix (describeServer.availableUserDomains).
HANDLE_SUFFIX = ".test"
RATE_LIMIT_BYPASS_HEADER = "x-ratelimit-bypass"

BlueskyMode = Literal["full", "pds"]


class BlueskyPeerError(RuntimeError):
    """The Bluesky peer could not be installed, started or driven."""


@dataclass(frozen=True)
class BlueskyAccount:
    """An account on the peer's PDS, with a main password and an app password."""

    handle: str
    did: str
    email: str
    password: str
    app_password: str


def peers_cache_root() -> Path:
    """The folder holding installed peers (``$PARVIS_PEERS_CACHE`` or ``~/.cache/parvis-peers``)."""
    configured = os.environ.get("PARVIS_PEERS_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "parvis-peers"


def bluesky_install_dir() -> Path:
    """Where the install script puts the current lockfile's packages.

    Must match ``scripts/install-peers.sh``: ``bluesky-`` + the first 16 hex digits of the
    SHA-256 of ``package.json`` followed by ``package-lock.json``.
    """
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((NODE_PROJECT_DIR / name).read_bytes())
    return peers_cache_root() / f"bluesky-{digest.hexdigest()[:16]}"


def ensure_bluesky_installed(*, allow_install: bool | None = None) -> Path:
    """Return the install folder, running the install script first when it is missing.

    ``allow_install`` defaults to true unless ``PARVIS_PEERS_NO_INSTALL=1``; when false, a
    missing install raises :class:`BlueskyPeerError` naming the command to run.
    """
    target = bluesky_install_dir()
    if (target / INSTALL_MARKER).is_file():
        return target
    if allow_install is None:
        allow_install = os.environ.get("PARVIS_PEERS_NO_INSTALL", "") not in ("1", "true", "yes")
    if not allow_install:
        raise BlueskyPeerError(
            f"The Bluesky test peer is not installed in {target}. Run: {INSTALL_SCRIPT}"
        )
    completed = subprocess.run([str(INSTALL_SCRIPT)], check=False)
    if completed.returncode != 0 or not (target / INSTALL_MARKER).is_file():
        raise BlueskyPeerError(
            f"{INSTALL_SCRIPT} failed (exit {completed.returncode}); run it by hand to see why."
        )
    return target


def _host_port(address: str, default_port: int) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return (host, int(port)) if host else (address, default_port)


def _require_tcp(name: str, host: str, port: int, hint: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        raise BlueskyPeerError(
            f"{name} is not reachable on {host}:{port} ({exc}); the full Bluesky network needs it. "
            f"{hint} or set PARVIS_BLUESKY_MODE=pds for the PDS alone."
        ) from exc


class BlueskyPeer:
    """A running network. Built by :func:`start_bluesky_network`; not constructed directly."""

    def __init__(
        self,
        process: subprocess.Popen[str],
        ready: dict[str, Any],
        events: queue.Queue[dict[str, Any] | None],
        log_path: Path,
    ) -> None:
        self._process = process
        self._events = events
        self._log_path = log_path
        self._counter = 0
        self.mode: BlueskyMode = cast(BlueskyMode, ready["mode"])
        self.pds_url: str = ready["pds"]
        self.appview_url: str | None = ready["appview"]
        self.appview_did: str | None = ready["appview_did"]
        self.plc_url: str = ready["plc"]
        self.pds_did: str = ready["pds_did"]
        self.rate_limits: bool = bool(ready["rate_limits"])
        self.rate_limit_bypass_key: str | None = ready["rate_limit_bypass_key"]
        self.postgres_schema: str | None = ready["postgres_schema"]
        self.node_version: str = ready["node"]
        self.pid: int = int(ready["pid"])
        self.start_seconds: float = float(ready["start_seconds"])

    @property
    def has_appview(self) -> bool:
        """Whether ``app.bsky.*`` reads (notifications, threads, feeds) are served."""
        return self.appview_url is not None

    def xrpc_url(self, method: str) -> str:
        """The PDS URL of an XRPC method, e.g. ``xrpc_url("com.atproto.server.createSession")``."""
        return f"{self.pds_url}/xrpc/{method}"

    def setup_headers(self) -> dict[str, str]:
        """Headers for test set-up calls: they skip the PDS rate limits when those are on."""
        key = self.rate_limit_bypass_key
        return {RATE_LIMIT_BYPASS_HEADER: key} if key else {}

    def create_account(self, name: str = "user") -> BlueskyAccount:
        """Create a fresh account (unique handle ``<name><n><random>.test``) and an app password."""
        self._counter += 1
        local = f"{name.lower()}{self._counter}{secrets.token_hex(3)}"
        handle = f"{local}{HANDLE_SUFFIX}"
        email = f"{local}@example.com"
        password = secrets.token_urlsafe(18)
        headers = self.setup_headers()
        with httpx.Client(timeout=30.0, headers=headers) as http:
            created = http.post(
                self.xrpc_url("com.atproto.server.createAccount"),
                json={"handle": handle, "email": email, "password": password},
            )
            if created.status_code != 200:
                raise BlueskyPeerError(
                    f"createAccount failed: {created.status_code} {created.text}"
                )
            session = created.json()
            app = http.post(
                self.xrpc_url("com.atproto.server.createAppPassword"),
                json={"name": "parvis-tests"},
                headers={"Authorization": f"Bearer {session['accessJwt']}"},
            )
            if app.status_code != 200:
                raise BlueskyPeerError(f"createAppPassword failed: {app.status_code} {app.text}")
        return BlueskyAccount(
            handle=session["handle"],
            did=session["did"],
            email=email,
            password=password,
            app_password=app.json()["password"],
        )

    def sync(self, timeout: float = 30.0) -> None:
        """Block until the AppView has indexed every event the PDS emitted so far.

        Real clients cannot do this; tests use it instead of sleeping. A no-op wait in
        ``pds`` mode.
        """
        stdin = self._process.stdin
        if stdin is None or self._process.poll() is not None:
            raise BlueskyPeerError("the Bluesky peer is not running")
        stdin.write("sync\n")
        stdin.flush()
        event = self._next_event(timeout)
        if event.get("event") != "synced":
            raise BlueskyPeerError(f"sync failed: {event}")

    def _next_event(self, timeout: float) -> dict[str, Any]:
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty as exc:
            raise BlueskyPeerError(f"no answer from the Bluesky peer within {timeout} s") from exc
        if event is None:
            raise BlueskyPeerError(f"the Bluesky peer exited; log:\n{self.log_tail()}")
        return event

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the Node process wrote to stderr."""
        try:
            text = self._log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the network: closing stdin makes the launcher shut down and clean up."""
        if self._process.poll() is None:
            if self._process.stdin is not None:
                with suppress(OSError):
                    self._process.stdin.close()
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()


def _pump_events(stream: IO[str], events: queue.Queue[dict[str, Any] | None]) -> None:
    """Forward the launcher's stdout JSON lines to ``events``; ``None`` marks its exit."""
    for line in stream:
        line = line.strip()
        if not line:
            continue
        try:
            events.put(json.loads(line))
        except json.JSONDecodeError:
            events.put({"event": "garbage", "line": line})
    events.put(None)


@contextmanager
def start_bluesky_network(
    *,
    mode: BlueskyMode | None = None,
    rate_limits: bool = True,
    start_timeout: float = 180.0,
    postgres_url: str | None = None,
    redis_host: str | None = None,
) -> Iterator[BlueskyPeer]:
    """Install if needed, start a network on 127.0.0.1 with free ports, stop it on exit.

    ``rate_limits`` turns on the PDS rate limiter so responses carry ``RateLimit-*`` headers like
    bsky.social (set-up calls of :class:`BlueskyPeer` bypass it).
    Raises :class:`BlueskyPeerError` when the install, the services it needs or the start fail.
    """
    chosen = mode or cast(BlueskyMode, os.environ.get("PARVIS_BLUESKY_MODE", "full"))
    if chosen not in ("full", "pds"):
        raise BlueskyPeerError(f"unknown Bluesky peer mode {chosen!r} (full or pds)")
    postgres = postgres_url or os.environ.get("PARVIS_BLUESKY_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    redis = redis_host or os.environ.get("PARVIS_BLUESKY_REDIS_HOST", DEFAULT_REDIS_HOST)
    if chosen == "full":
        pg = urlsplit(postgres)
        _require_tcp("PostgreSQL", pg.hostname or "127.0.0.1", pg.port or 5432, "Start PostgreSQL")
        _require_tcp("Redis", *_host_port(redis, 6379), "Start redis-server")

    install_dir = ensure_bluesky_installed()
    node = install_dir / "node_modules" / "node" / "bin" / "node"
    command = [str(node), str(LAUNCHER), "--modules", str(install_dir), "--mode", chosen]
    command += ["--postgres-url", postgres, "--redis-host", redis]
    if rate_limits:
        command.append("--rate-limits")

    with tempfile.TemporaryDirectory(prefix="parvis-bluesky-log-") as log_dir:
        log_path = Path(log_dir) / "launcher.log"
        with log_path.open("w", encoding="utf-8") as log_file:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
                cwd=install_dir,
            )
        events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(
            target=_pump_events, args=(process.stdout, events), daemon=True, name="bluesky-peer"
        ).start()
        peer: BlueskyPeer | None = None
        try:
            deadline = time.monotonic() + start_timeout
            ready: dict[str, Any] | None = None
            while ready is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BlueskyPeerError(
                        f"the Bluesky peer was not ready within {start_timeout} s"
                    )
                try:
                    event = events.get(timeout=remaining)
                except queue.Empty:
                    continue
                if event is None or event.get("event") == "error":
                    detail = event.get("message") if event else "exited before it was ready"
                    log = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                    raise BlueskyPeerError(f"the Bluesky peer failed to start: {detail}\n{log}")
                if event.get("event") == "ready":
                    ready = event
            peer = BlueskyPeer(process, ready, events, log_path)
            yield peer
        finally:
            if peer is not None:
                peer.stop()
            elif process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


@pytest.fixture(scope="session")
def bluesky_peer() -> Iterator[BlueskyPeer]:
    """One Bluesky network for the whole test session (mode from ``PARVIS_BLUESKY_MODE``)."""
    with start_bluesky_network() as peer:
        yield peer


def _rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    """``python -m tests.peers.bluesky [--mode full|pds] [--once]``: run a peer by hand.

    Prints the URLs, the start time and the Node process's memory; ``--once`` stops at once
    (for measuring), otherwise it runs until Ctrl-C.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--mode", choices=["full", "pds"], default=None)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    with start_bluesky_network(mode=args.mode) as peer:
        report = {
            "mode": peer.mode,
            "pds": peer.pds_url,
            "appview": peer.appview_url,
            "plc": peer.plc_url,
            "start_seconds": round(time.monotonic() - began, 2),
            "rss_mib": _rss_mib(peer.pid),
        }
        print(json.dumps(report), flush=True)
        if not args.once:
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


@pytest.fixture(scope="session")
def bluesky_pds() -> Iterator[BlueskyPeer]:
    """A real PDS (PLC + PDS only: connecting needs no AppView, and no database server)."""
    with start_bluesky_network(mode="pds") as peer:
        yield peer


if __name__ == "__main__":
    main()
