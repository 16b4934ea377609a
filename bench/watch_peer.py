"""The watch benchmark's peer: Mastodon servers and RSS feeds over real HTTP on 127.0.0.1, each
counting the calls it receives against the limits its kind documents.

* ``/mastodon/<server>/api/…`` — as many Mastodon servers as asked (a path prefix each, so one
  process plays them all): the account (``/api/v1/accounts/:id``), its statuses
  (``/api/v1/accounts/:id/statuses``), status search (``/api/v2/search``) and hashtag
  timelines, with answers in Mastodon's shapes. Mastodon's documented limit is 300 calls per
  5 minutes per account **and** per client address (docs.joinmastodon.org, rate limits; the
  wave2-apis notes §0): each server counts both, the address being the one every Parvis
  process shares.
* ``/feeds/<n>.xml`` — an RSS 2.0 feed of 10 items with an ``ETag`` (a matching
  ``If-None-Match`` is a 304). A feed has no published limit; the politeness rule Parvis sets
  itself (a feed read at most every 30 minutes) is what is counted.

:meth:`Counts.violations` is the number of calls beyond a limit, per limit. A benchmark cycle
lasts far less than any window, so every call of the cycle falls in the same window.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MASTODON_WINDOW_LIMIT = 300  # calls per 5 minutes, per account and per client address
FEED_READS_PER_WINDOW = 1  # Parvis's own rule: a feed at most every 30 minutes
POSTS_PER_PAGE = 20
_STATUSES = re.compile(r"^/mastodon/([\w-]+)/api/v1/accounts/(\d+)/statuses$")
_ACCOUNT = re.compile(r"^/mastodon/([\w-]+)/api/v1/accounts/(\d+)$")
_SEARCH = re.compile(r"^/mastodon/([\w-]+)/api/v2/search$")
_TAG = re.compile(r"^/mastodon/([\w-]+)/api/v1/timelines/tag/([^/]+)$")
_FEED = re.compile(r"^/feeds/(\d+)\.xml$")


@dataclass
class Counts:
    """Calls seen, by limit key, under a lock (the server answers on many threads)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    by_server: Counter[str] = field(default_factory=Counter)  # per client address
    by_account: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_feed: Counter[str] = field(default_factory=Counter)
    by_network: Counter[str] = field(default_factory=Counter)

    def mastodon(self, server: str, token: str) -> None:
        with self.lock:
            self.by_server[server] += 1
            self.by_account[(server, token)] += 1
            self.by_network["mastodon"] += 1

    def feed(self, number: str) -> None:
        with self.lock:
            self.by_feed[number] += 1
            self.by_network["web"] += 1

    def violations(self) -> dict[str, int]:
        """Calls beyond each limit, summed per kind of limit."""
        with self.lock:
            return {
                "mastodon_per_address": sum(
                    max(0, n - MASTODON_WINDOW_LIMIT) for n in self.by_server.values()
                ),
                "mastodon_per_account": sum(
                    max(0, n - MASTODON_WINDOW_LIMIT) for n in self.by_account.values()
                ),
                "feed_politeness": sum(
                    max(0, n - FEED_READS_PER_WINDOW) for n in self.by_feed.values()
                ),
            }


@dataclass
class Peer:
    url: str
    counts: Counts
    words: list[str]


def _post_text(seed: int, words: list[str]) -> str:
    pick = [words[(seed * 7 + i * 13) % len(words)] for i in range(4)]
    return f"Atelier {pick[0]} : un {pick[1]} en {pick[2]} pour un client de {pick[3]} ({seed})."


def _account(server: str, account_id: str, base: str) -> dict[str, Any]:
    return {
        "id": account_id,
        "acct": f"rival{account_id}",
        "display_name": f"Menuiserie {account_id}",
        "avatar": f"{base}/avatars/{account_id}.png",
        "url": f"{base}/@rival{account_id}",
        "followers_count": 1000 + int(account_id) % 5000,
        "statuses_count": 500,
    }


def _status(server: str, account_id: str, n: int, base: str, words: list[str]) -> dict[str, Any]:
    status_id = f"{account_id}{n:04d}"
    created = datetime.now(UTC) - timedelta(hours=n * 3 + int(account_id) % 7)
    return {
        "id": status_id,
        "url": f"{base}/@rival{account_id}/{status_id}",
        "uri": f"{base}/users/rival{account_id}/statuses/{status_id}",
        "content": f"<p>{_post_text(int(status_id), words)}</p>",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "visibility": "public",
        "language": "fr",
        "replies_count": n % 4,
        "reblogs_count": n % 6,
        "favourites_count": n * 3 % 40,
        "account": _account(server, account_id, base),
    }


def _rss(number: str, words: list[str]) -> bytes:
    items = []
    for n in range(10):
        when = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=n)
        items.append(
            f"<item><title>Article {number}-{n}</title>"
            f"<link>https://presse-{number}.example/articles/{n}</link>"
            f"<guid>https://presse-{number}.example/articles/{n}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{_post_text(int(number) * 100 + n, words)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Presse {number}</title><link>https://presse-{number}.example/</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def _handler(peer: Peer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a network's API server

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            return

        def _json(self, body: object, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            parts = urlsplit(self.path)
            path, params = parts.path, parse_qs(parts.query)
            found = _FEED.match(path)
            if found:
                return self._feed(found.group(1))
            server = path.split("/")[2] if path.startswith("/mastodon/") else ""
            if not server:
                return self._json({"error": "Record not found"}, 404)
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            peer.counts.mastodon(server, token)
            base = f"{peer.url}/mastodon/{server}"
            if found := _STATUSES.match(path):
                account_id = found.group(2)
                statuses = [
                    _status(server, account_id, n, base, peer.words) for n in range(POSTS_PER_PAGE)
                ]
                return self._json(statuses)
            if found := _ACCOUNT.match(path):
                return self._json(_account(server, found.group(2), base))
            if _SEARCH.match(path) or _TAG.match(path):
                seed = int(hashlib.sha256(str(params.get("q")).encode()).hexdigest()[:6], 16)
                statuses = [
                    _status(server, str(9000 + (seed + n) % 500), n, base, peer.words)
                    for n in range(POSTS_PER_PAGE)
                ]
                return self._json({"statuses": statuses} if _SEARCH.match(path) else statuses)
            return self._json({"error": "Record not found"}, 404)

        def _feed(self, number: str) -> None:
            peer.counts.feed(number)
            body = _rss(number, peer.words)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def running_peer(words: list[str]) -> Iterator[Peer]:
    """Serve on a free port of 127.0.0.1 until the block ends."""
    peer = Peer(url="", counts=Counts(), words=words)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(peer))
    server.daemon_threads = True
    peer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
