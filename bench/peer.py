"""A light X-compatible peer for ``parvis bench publish``, with faults built in.

The X fake of the test suite validates every request against X's OpenAPI document and refuses
duplicate texts (as X does), which would *hide* double posts; this peer keeps only what the
X connector uses (``POST /2/tweets``, ``GET /2/users/{id}/tweets``), accepts duplicates so the
benchmark can count them, and injects faults itself:

* latency on every request;
* on ``POST /2/tweets``, with probability ``fault_rate`` split in three equal parts:
  503, 429 with X's ``x-rate-limit-*`` headers (reset after ``reset_s``), and a timeout —
  half of the timeouts *after* storing the post (the lost reply), half before.

Bearer token ``tok-<n>`` is user ``u<n>``. ``GET /_stats`` returns every stored text and its
count. Run: ``python -m bench.peer --port 0`` (prints ``READY <port>``).
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class State:
    def __init__(
        self, *, latency: float, fault_rate: float, hang_s: float, reset_s: float, seed: int
    ) -> None:
        self.latency = latency
        self.fault_rate = fault_rate
        self.hang_s = hang_s
        self.reset_s = reset_s
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.next_id = 1_900_000_000_000_000_000
        self.posts: dict[str, list[tuple[float, str, str]]] = {}  # user -> (time, id, text)
        self.counts: dict[str, int] = {}
        self.faults: dict[str, int] = {}

    def fault(self) -> str | None:
        with self.lock:
            draw = self.rng.random()
        if draw >= self.fault_rate:
            return None
        kinds = ("503", "429", "hang_after", "503", "429", "hang_before")
        index = int(draw / self.fault_rate * 6) % 6
        kind = kinds[index]
        with self.lock:
            self.faults[kind] = self.faults.get(kind, 0) + 1
        return kind

    def store(self, user: str, text: str) -> dict[str, Any]:
        with self.lock:
            self.next_id += 1
            post_id = str(self.next_id)
            self.posts.setdefault(user, []).append((time.time(), post_id, text))
            self.counts[text] = self.counts.get(text, 0) + 1
        return {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id]}

    def timeline(self, user: str, since: float, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            found = [p for p in self.posts.get(user, []) if p[0] >= since]
        found.sort(key=lambda p: p[0], reverse=True)
        return [
            {
                "id": i,
                "text": t,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(at)),
            }
            for at, i, t in found[:limit]
        ]


class Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _user(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        return "u" + token.removeprefix("tok-") if token.startswith("tok-") else None

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        split = urlsplit(self.path)
        if split.path == "/_stats":
            with self.state.lock:
                doubled = {t for t, n in self.state.counts.items() if n > 1}
                stored = {
                    text: [
                        at for user in self.state.posts.values() for at, _, t in user if t == text
                    ]
                    for text in doubled
                }
                self._send(
                    200,
                    {"counts": self.state.counts, "faults": self.state.faults, "stored": stored},
                )
            return
        time.sleep(self.state.latency)
        user = self._user()
        parts = split.path.strip("/").split("/")
        if user is None:
            self._send(401, {"title": "Unauthorized", "status": 401})
            return
        if len(parts) == 4 and parts[:2] == ["2", "users"] and parts[3] == "tweets":
            query = parse_qs(split.query)
            start = query.get("start_time", [""])[0]
            since = (
                float(calendar.timegm(time.strptime(start[:19], "%Y-%m-%dT%H:%M:%S")))
                if start
                else 0.0
            )
            limit = int(query.get("max_results", ["10"])[0])
            posts = self.state.timeline(parts[2], since, limit)
            self._send(
                200,
                {"data": posts, "meta": {"result_count": len(posts)}}
                if posts
                else {"meta": {"result_count": 0}},
            )
            return
        self._send(404, {"title": "Not Found", "status": 404})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        time.sleep(self.state.latency)
        user = self._user()
        if user is None:
            self._send(401, {"title": "Unauthorized", "status": 401})
            return
        if urlsplit(self.path).path != "/2/tweets":
            self._send(404, {"title": "Not Found", "status": 404})
            return
        fault = self.state.fault()
        if fault == "503":
            self._send(503, {"title": "Service Unavailable", "status": 503})
            return
        if fault == "429":
            reset = str(int(time.time() + self.state.reset_s))
            self._send(
                429,
                {"title": "Too Many Requests", "status": 429},
                {
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": reset,
                },
            )
            return
        if fault == "hang_before":
            time.sleep(self.state.hang_s)
            self.close_connection = True
            return
        text = json.loads(raw or b"{}").get("text", "")
        data = self.state.store(user, text)
        if fault == "hang_after":
            time.sleep(self.state.hang_s)
            self.close_connection = True
            return
        self._send(201, {"data": data})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose (timeouts)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.peer")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--hang", type=float, default=3.0)
    parser.add_argument("--reset", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    state = State(
        latency=args.latency,
        fault_rate=args.fault_rate,
        hang_s=args.hang,
        reset_s=args.reset,
        seed=args.seed,
    )

    class BoundHandler(Handler):
        pass

    BoundHandler.state = state
    server = Server(("127.0.0.1", args.port), BoundHandler)
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
