"""A local feed server for the watch's tests: real RSS/Atom files over real HTTP.

Serves the files of ``tests/peers/feeds/`` with an ``ETag`` and a ``Last-Modified`` and answers
304 to a matching conditional GET, like a well-behaved news site. A few addresses misbehave on
purpose:

* ``/huge.xml`` streams a 50 MB feed (the client's size cap must stop it);
* ``/to-private`` redirects to the cloud metadata address (the guard must refuse the hop);
* ``/slow.xml`` waits ``slow_seconds`` before answering (a timeout);
* any unknown path is a 404.

``requests`` counts the requests per path, with the conditional headers each carried.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FILES = Path(__file__).resolve().parent / "feeds"
TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
LAST_MODIFIED = formatdate(1_764_000_000, usegmt=True)
HUGE_BYTES = 50 * 1024 * 1024
PRIVATE_TARGET = "http://169.254.169.254/latest/meta-data/"


@dataclass
class Seen:
    path: str
    if_none_match: str
    if_modified_since: str


@dataclass
class FeedServer:
    url: str
    requests: list[Seen] = field(default_factory=list)
    slow_seconds: float = 3.0

    def hits(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]


def _handler(server_state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            return

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            path = self.path.split("?", 1)[0]
            server_state.requests.append(
                Seen(
                    path,
                    self.headers.get("If-None-Match", ""),
                    self.headers.get("If-Modified-Since", ""),
                )
            )
            if path == "/huge.xml":
                return self._huge()
            if path == "/to-private":
                self.send_response(302)
                self.send_header("Location", PRIVATE_TARGET)
                self.end_headers()
                return None
            if path == "/slow.xml":
                time.sleep(server_state.slow_seconds)
                path = "/trade-press.rss"
            file = (FILES / path.lstrip("/")).resolve()
            if FILES not in file.parents or not file.is_file():
                self.send_error(404)
                return None
            body = file.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            fresh = self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
            if fresh:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            self.send_response(200)
            self.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)
            return None

        def _huge(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
            item = b"<item><title>x</title><description>" + b"a" * 4000 + b"</description></item>"
            self.wfile.write(head)
            sent = len(head)
            try:
                while sent < HUGE_BYTES:
                    self.wfile.write(item)
                    sent += len(item)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client stopped reading: what the test wants

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that stops reading the 50 MB feed is the point of that test, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """Run the server on a free port of 127.0.0.1 for the duration of the block."""
    state = FeedServer(url="")
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
