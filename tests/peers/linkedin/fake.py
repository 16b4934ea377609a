"""A stateful fake of LinkedIn's versioned REST API (organisation pages) on 127.0.0.1.

LinkedIn publishes no OpenAPI (social-apis.md §3.6), so this fake is written by hand from the
reference (§3, §9.5) and behaves like the documented API where a connector could get it wrong:

* every ``/rest`` call needs ``LinkedIn-Version`` (missing -> 400 ``VERSION_MISSING``, sunset ->
  426 ``NONEXISTENT_VERSION``) and a Bearer token (401 ``INVALID_ACCESS_TOKEN`` /
  ``EXPIRED_ACCESS_TOKEN``); Rest.li ``List(...)`` values need protocol 2.0.0 and encoded URNs;
* the token endpoint: 60-day access tokens, 365-day refresh tokens whose TTL refreshing does
  not extend, secrets in the form body;
* ``POST /rest/posts`` -> 201, empty body, ``x-restli-id``; the commentary is cut at the first
  unescaped little-text reserved character (as LinkedIn silently does); duplicates -> 422;
* Images / Videos upload sessions (parts with ETags checked at finalizeUpload), media that must be
  ``AVAILABLE`` before a post uses them, comments and nested replies (socialActions), mention
  notifications, share / page / follower statistics, ``networkSizes``;
* scopes (403 ``ACCESS_DENIED``), daily quotas (429 without headers), the error envelope
  ``{"status", "serviceErrorCode", "code", "message"}``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest

from tests.peers.faultproxy import QuietServer

ACTIVE_VERSIONS = {f"2025{m:02d}" for m in range(12, 13)} | {f"2026{m:02d}" for m in range(1, 12)}
ACCESS_LIFETIME = 60 * 86400
REFRESH_LIFETIME = 365 * 86400
RESERVED = set("\\|{}@[]()<>#*_~")
ORG_ID = "5515715"
ORG = f"urn:li:organization:{ORG_ID}"
Answer = tuple[int, dict[str, str], bytes]


class Problem(Exception):
    def __init__(self, status: int, code: str, message: str, service_code: int = 100) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.service_code = (
            status,
            code,
            message,
            service_code,
        )

    def answer(self) -> Answer:
        body = {
            "status": self.status,
            "serviceErrorCode": self.service_code,
            "code": self.code,
            "message": self.message,
        }
        return _json(self.status, body)


@dataclass
class Token:
    scopes: set[str]
    expires_at: float
    refresh: str | None = None


@dataclass
class Media:
    urn: str
    status: str = "WAITING_UPLOAD"
    size: int = 0
    parts: dict[int, bytes] = field(default_factory=dict)
    etags: dict[int, str] = field(default_factory=dict)
    polls: int = 0


@dataclass
class Item:
    """A post (``urn:li:share:N``) or a comment (``urn:li:comment:(urn:li:activity:N,M)``)."""

    urn: str
    author: str
    text: str
    created: int  # epoch milliseconds
    content: dict[str, Any] | None = None
    parent: str = ""  # comments: the activity; replies: also parent_comment
    parent_comment: str = ""
    mentions_us: bool = False


class LinkedInFake:
    client_id = "parvis-linkedin-client"
    client_secret = "parvis-linkedin-secret"

    def __init__(self, *, part_bytes: int = 4 * 1024 * 1024) -> None:
        self.lock = threading.RLock()
        self.part_bytes = part_bytes  # LinkedIn cuts videos into 4 MiB parts
        self.offset = 0.0
        self._ids = itertools.count(7_200_000_000_000_000_000)
        self.codes: dict[str, tuple[str, set[str]]] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, tuple[set[str], float]] = {}
        self.media: dict[str, Media] = {}
        self.posts: dict[str, Item] = {}
        self.comments: dict[str, Item] = {}
        self.daily_limits: dict[str, int] = {}  # resource -> calls per UTC day
        self.calls: dict[tuple[str, int], int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = QuietServer(("127.0.0.1", 0), Handler)

    # --- helpers for tests -------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def now(self) -> float:
        return time.time() + self.offset

    def issue_tokens(
        self, scopes: str = "w_organization_social r_organization_social rw_organization_admin"
    ) -> dict[str, Any]:
        with self.lock:
            refresh = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh] = (set(scopes.split()), self.now() + REFRESH_LIFETIME)
            return self._issue(refresh)

    def new_code(self, redirect_uri: str, scopes: str = "w_organization_social") -> str:
        with self.lock:
            code = secrets.token_urlsafe(16)
            self.codes[code] = (redirect_uri, set(scopes.split()))
            return code

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token in self.tokens.values():
                token.expires_at = self.now() - 1

    def add_comment(
        self, target: str, text: str, *, author: str = "urn:li:person:client", answering: str = ""
    ) -> str:
        """A member comments the post ``target`` (or answers its comment ``answering``)."""
        with self.lock:
            return self._comment(self._activity(target), text, author, answering).urn

    def add_mention(self, text: str, *, author: str = "urn:li:person:client") -> str:
        with self.lock:
            urn = f"urn:li:share:{next(self._ids)}"
            created = int(self.now() * 1000)
            self.posts[urn] = Item(urn, author, text, created, mentions_us=True)
            return urn

    def own_posts(self) -> list[Item]:
        with self.lock:
            return [p for p in self.posts.values() if p.author == ORG]

    def start(self) -> LinkedInFake:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- dispatch ----------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        split = urlsplit(target)
        with self.lock:
            self.requests.append((method, split.path, headers))
            try:
                if split.path == "/oauth/v2/accessToken" and method == "POST":
                    return self._token_endpoint(raw)
                if split.path == "/oauth/v2/authorization" and method == "GET":
                    return self._authorize(parse_qs(split.query))
                scopes = self._authenticate(headers)
                if split.path.startswith("/dms-uploads/"):
                    return self._upload(method, split.path, raw)
                self._check_version(headers, split.query)
                segments = [unquote(s) for s in split.path.split("/")[2:]]
                params = _restli_query(split.query)
                self._count(segments[0] if segments else "")
                body = json.loads(raw) if raw.strip() else {}
                return self._route(method, segments, params, body, scopes)
            except Problem as problem:
                return problem.answer()

    def _token_endpoint(self, raw: bytes) -> Answer:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return _json(
                401, {"error": "invalid_client", "error_description": "Client auth failed"}
            )
        if form.get("grant_type") == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            if found is None or found[0] != form.get("redirect_uri"):
                return _oauth_error("authorization code not found or redirect_uri mismatch")
            refresh = secrets.token_urlsafe(24)
            self.refresh_tokens[refresh] = (found[1], self.now() + REFRESH_LIFETIME)
            return _json(200, self._issue(refresh))
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            known = self.refresh_tokens.get(refresh)
            if known is None or known[1] <= self.now():
                return _oauth_error("The provided refresh token is invalid, expired or revoked")
            return _json(200, self._issue(refresh))  # same refresh token, same end date
        return _json(400, {"error": "unsupported_grant_type", "error_description": "grant_type"})

    def _issue(self, refresh: str) -> dict[str, Any]:
        scopes, refresh_end = self.refresh_tokens[refresh]
        access = secrets.token_urlsafe(32)
        self.tokens[access] = Token(scopes, self.now() + ACCESS_LIFETIME, refresh)
        return {
            "access_token": access,
            "expires_in": ACCESS_LIFETIME,
            "refresh_token": refresh,
            "refresh_token_expires_in": int(refresh_end - self.now()),
            "scope": ",".join(sorted(scopes)),  # LinkedIn separates scopes with commas
        }

    def _authorize(self, query: dict[str, list[str]]) -> Answer:
        args = {k: v[0] for k, v in query.items()}
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return _json(400, {"error": "invalid_request", "error_description": "client_id"})
        code = self.new_code(args.get("redirect_uri", ""), args.get("scope", ""))
        location = (
            args.get("redirect_uri", "")
            + "?"
            + urlencode({"code": code, "state": args.get("state", "")})
        )
        return 302, {"Location": location}, b""

    def _authenticate(self, headers: dict[str, str]) -> set[str]:
        value = headers.get("authorization", "")
        token = (
            self.tokens.get(value.removeprefix("Bearer ")) if value.startswith("Bearer ") else None
        )
        if token is None:
            raise Problem(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        if token.expires_at <= self.now():
            raise Problem(
                401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601
            )
        return token.scopes

    def _check_version(self, headers: dict[str, str], query: str) -> None:
        version = headers.get("linkedin-version")
        if not version:
            raise Problem(
                400,
                "VERSION_MISSING",
                "A version must be present. Please specify a "
                "version by adding the LinkedIn-Version header.",
            )
        if version not in ACTIVE_VERSIONS:
            raise Problem(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if "List(" in query and headers.get("x-restli-protocol-version") != "2.0.0":
            raise Problem(400, "ILLEGAL_ARGUMENT", "Invalid param: List() needs Rest.li 2.0.0")

    def _count(self, resource: str) -> None:
        limit = self.daily_limits.get(resource)
        day = int(self.now() // 86400)
        used = self.calls.get((resource, day), 0) + 1
        self.calls[(resource, day)] = used
        if limit is not None and used > limit:
            raise Problem(
                429,
                "TOO_MANY_REQUESTS",
                "Resource level throttle APPLICATION DAY limit for this resource is reached.",
                101,
            )

    def _route(
        self, method: str, seg: list[str], params: dict[str, Any], body: Any, scopes: set[str]
    ) -> Answer:
        from tests.peers.linkedin import routes  # the resources, kept apart for size

        return routes.route(self, method, seg, params, body, scopes)

    # --- state changes used by the routes ----------------------------------------------------

    def new_id(self) -> int:
        return next(self._ids)

    def _activity(self, urn: str) -> str:
        """share/ugcPost/activity N -> ``urn:li:activity:N`` (one number per post here)."""
        if urn.startswith("urn:li:comment:("):
            return urn[len("urn:li:comment:(") :].split(",")[0]
        return "urn:li:activity:" + urn.rpartition(":")[2]

    def post_of(self, activity: str) -> Item | None:
        number = activity.rpartition(":")[2]
        return self.posts.get(f"urn:li:share:{number}") or self.posts.get(
            f"urn:li:ugcPost:{number}"
        )

    def _comment(self, activity: str, text: str, author: str, parent_comment: str) -> Item:
        if self.post_of(activity) is None:
            raise Problem(404, "NOT_FOUND", f"Not Found: {activity}", 100)
        urn = f"urn:li:comment:({activity},{self.new_id()})"
        item = Item(
            urn,
            author,
            text,
            int(self.now() * 1000),
            parent=activity,
            parent_comment=parent_comment,
        )
        self.comments[urn] = item
        return item

    def _upload(self, method: str, path: str, raw: bytes) -> Answer:
        parts = path.split("/")  # /dms-uploads/<kind>/<id>[/<part>]
        media = self.media.get(f"urn:li:{parts[2]}:{parts[3]}") if len(parts) >= 4 else None
        if method != "PUT" or media is None:
            raise Problem(404, "NOT_FOUND", "Upload URL not found")
        if parts[2] == "image":
            media.size, media.status = len(raw), "AVAILABLE"
            return 201, {}, b""
        index = int(parts[4])
        first = index * self.part_bytes
        expected = min(self.part_bytes, media.size - first)
        if len(raw) != expected:
            raise Problem(400, "BAD_REQUEST", f"part {index} must be {expected} bytes")
        media.parts[index] = raw
        media.etags[index] = "/" + hashlib.md5(raw).hexdigest()  # noqa: S324 - an ETag
        return 200, {"ETag": media.etags[index]}, b""


def _restli_query(query: str) -> dict[str, Any]:
    """Query parameters; ``List(...)`` values become lists of URNs, which must be encoded."""
    params: dict[str, Any] = {}
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        if value.startswith("List(") and value.endswith(")"):
            inner = value[5:-1]
            if ":" in inner:
                raise Problem(400, "ILLEGAL_ARGUMENT", f"Invalid param {key}: URNs must be encoded")
            params[key] = [unquote(v) for v in inner.split(",") if v]
        else:
            params[key] = unquote(value)
    return params


def _json(status: int, payload: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _oauth_error(description: str) -> Answer:
    return _json(400, {"error": "invalid_request", "error_description": description})


class _Handler(BaseHTTPRequestHandler):
    owner: LinkedInFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out, body = self.owner.handle(self.command, self.path, headers, raw)
        self.send_response(status)
        for name, value in out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PUT = _serve  # noqa: N815


@pytest.fixture
def linkedin_fake() -> Iterator[LinkedInFake]:
    fake = LinkedInFake(part_bytes=1024 * 1024).start()
    yield fake
    fake.stop()
