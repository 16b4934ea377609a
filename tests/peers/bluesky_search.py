"""A fake of Bluesky's post search (``app.bsky.feed.searchPosts``) that applies the filters the
lexicon documents — which the dev-env AppView ignores (its data plane is a bare ``LIKE``).

Written from ``lexicons/app/bsky/feed/searchPosts.json`` and wave2-apis.md §1.1:

* auth required (Bluesky closed unauthenticated search): 401 ``AuthenticationRequired``;
* ``q`` (required, else 400 ``BadQueryString``): every bare word, case-insensitive, on word
  boundaries; a ``"quoted phrase"`` as a whole; ``#tag`` matches the post's tags (facets or
  ``tags``); ``from:<handle>`` / ``author:`` restrict the author;
* ``sort`` ``latest`` (default, newest ``indexedAt`` first) or ``top`` (most liked first);
  ``lang`` on the record's ``langs``; ``since`` inclusive / ``until`` exclusive on ``indexedAt``;
  ``author``; ``tag`` (repeated, AND); ``limit`` 1–100 (400 ``InvalidRequest`` otherwise);
  ``cursor`` opaque, the next page after it.

Only this one method: profiles and feeds are tested against the real network.
"""

from __future__ import annotations

import json
import re
import shlex
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.peers.faultproxy import QuietServer

PATH = "/xrpc/app.bsky.feed.searchPosts"
Answer = tuple[int, bytes]


@dataclass
class FakePost:
    uri: str
    text: str
    handle: str
    indexed_at: datetime
    langs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    likes: int = 0
    did: str = field(default="")

    def view(self) -> dict[str, Any]:
        stamp = self.indexed_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return {
            "uri": self.uri,
            "cid": "bafy" + str(abs(hash(self.uri)))[:20],
            "author": {"did": self.did, "handle": self.handle, "displayName": self.handle},
            "record": {
                "$type": "app.bsky.feed.post",
                "text": self.text,
                "createdAt": stamp,
                "langs": list(self.langs),
                "tags": list(self.tags),
            },
            "likeCount": self.likes,
            "repostCount": 0,
            "replyCount": 0,
            "quoteCount": 0,
            "indexedAt": stamp,
        }


class BlueskySearchFake:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: list[FakePost] = []
        self.started = datetime.now(UTC).replace(microsecond=0)
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = QuietServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(
        self, text: str, handle: str = "rival.test", *, minutes_ago: int = 0, **extra: Any
    ) -> str:
        with self.lock:
            uri = f"at://did:plc:{handle.split('.')[0]}/app.bsky.feed.post/{len(self.posts)}"
            at = self.started - timedelta(minutes=minutes_ago)
            did = f"did:plc:{handle.split('.')[0]}"
            self.posts.append(FakePost(uri, text, handle, at, did=did, **extra))
            return uri

    def handle(self, path: str, headers: dict[str, str]) -> Answer:
        split = urlsplit(path)
        if split.path != PATH:
            return _error(501, "MethodNotImplemented", "Method Not Implemented")
        if not headers.get("authorization", "").startswith("Bearer "):
            return _error(401, "AuthenticationRequired", "Authentication Required")
        query = parse_qs(split.query)
        q = (query.get("q") or [""])[0]
        if not q.strip():
            return _error(400, "BadQueryString", "q is required")
        limit = int((query.get("limit") or ["25"])[0])
        if not 1 <= limit <= 100:
            return _error(400, "InvalidRequest", "limit must be between 1 and 100")
        with self.lock:
            found = [p for p in self.posts if _matches(p, q, query)]
        if (query.get("sort") or ["latest"])[0] == "top":
            found.sort(key=lambda p: p.likes, reverse=True)
        else:
            found.sort(key=lambda p: p.indexed_at, reverse=True)
        start = int((query.get("cursor") or ["0"])[0])
        page = found[start : start + limit]
        body: dict[str, Any] = {"posts": [p.view() for p in page], "hitsTotal": len(found)}
        if start + limit < len(found):
            body["cursor"] = str(start + limit)
        return 200, json.dumps(body).encode()

    def start(self) -> BlueskySearchFake:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _matches(post: FakePost, q: str, query: dict[str, list[str]]) -> bool:
    terms = shlex.split(q)
    authors = [t.split(":", 1)[1] for t in terms if t.startswith(("from:", "author:"))]
    authors += query.get("author", [])
    if authors and not any(a in (post.handle, post.did) for a in authors):
        return False
    tags = {t.lower() for t in post.tags}
    for term in terms:
        if term.startswith(("from:", "author:")):
            continue
        if term.startswith("#"):
            if term[1:].lower() not in tags:
                return False
        elif not re.search(r"(?<!\w)" + re.escape(term.lower()) + r"(?!\w)", post.text.lower()):
            return False
    if any(t.lower() not in tags for t in query.get("tag", [])):
        return False
    lang = (query.get("lang") or [""])[0]
    if lang and lang not in post.langs:
        return False
    since, until = (query.get("since") or [""])[0], (query.get("until") or [""])[0]
    if since and post.indexed_at < _when(since):
        return False
    return not (until and post.indexed_at >= _when(until))


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _error(status: int, name: str, message: str) -> Answer:
    return status, json.dumps({"error": name, "message": message}).encode()


class _Handler(BaseHTTPRequestHandler):
    owner: BlueskySearchFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body = self.owner.handle(self.path, headers)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def bluesky_search() -> Iterator[BlueskySearchFake]:
    fake = BlueskySearchFake().start()
    yield fake
    fake.stop()
