"""A stateful fake of the YouTube Data API v3 and Google's token endpoint on 127.0.0.1.

Written from social-apis.md §5 and §9.4 and checked against the discovery document bundled in
google-api-python-client (the tests drive it with that client). It models:

* Google OAuth: codes bound to a PKCE S256 challenge, 1-hour access tokens, long-lived refresh
  tokens that are not rotated, ``invalid_grant`` when revoked; ``POST /revoke?token=`` ends the
  grant the token belongs to (an access token takes its refresh token with it, as Google
  documents; 400 ``invalid_token`` for a token it does not know); scopes checked per method
  (403 ``insufficientPermissions``);
* the resumable upload protocol: session URI in ``Location``, chunks that must be multiples of
  256 KiB, ``308 Resume Incomplete`` with ``Range: bytes=0-N``, the ``bytes */total`` status
  query, and :attr:`YouTubeFake.interrupt_at` to cut an upload mid-chunk once (the server keeps
  the bytes before the offset and answers 503, like a dropped connection would leave it);
* channels, videos (statistics as strings), the uploads playlist, comment threads with
  ``pageToken`` paging and replies, deletes;
* quota: 10,000 units per Pacific day with the documented costs, a separate bucket of
  ``upload_quota`` videos.insert calls, and 403 ``quotaExceeded`` beyond; Google's error
  envelope ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
  "status"}}``.

``public_url`` is where session URIs point (set it to a proxy's URL to put the chunk PUTs
behind the fault proxy, as a load balancer would).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import string
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.peers.faultproxy import QuietServer

if TYPE_CHECKING:
    from tests.peers.youtube.channels import Channel

SCOPE = "https://www.googleapis.com/auth/"
ACCESS_LIFETIME = 3599
CHUNK = 256 * 1024
DAILY_UNITS = 10_000
Answer = tuple[int, dict[str, str], bytes]
_ALPHABET = string.ascii_letters + string.digits + "-_"


class GoogleError(Exception):
    def __init__(self, code: int, reason: str, message: str, domain: str = "youtube.api") -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.domain = code, reason, message, domain

    def answer(self) -> Answer:
        status = {
            400: "INVALID_ARGUMENT",
            401: "UNAUTHENTICATED",
            403: "PERMISSION_DENIED",
            404: "NOT_FOUND",
            503: "UNAVAILABLE",
        }.get(self.code, "UNKNOWN")
        error = {"message": self.message, "domain": self.domain, "reason": self.reason}
        body = {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [error],
                "status": status,
            }
        }
        return _json(self.code, body)


@dataclass
class Session:
    upload_id: str
    total: int
    mime: str
    metadata: dict[str, Any]
    data: bytearray = field(default_factory=bytearray)
    video_id: str = ""


@dataclass
class Comment:
    id: str
    video_id: str
    author: str  # channel id
    author_name: str
    text: str
    published: float
    parent: str = ""


class YouTubeFake:
    client_id = "parvis-youtube.apps.googleusercontent.com"
    client_secret = "parvis-youtube-secret"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.offset = 0.0
        self._seq = itertools.count(1)
        self.channel_id = "UC" + "parvisAtelierChannel00"
        self.channel_title = "Atelier Parvis"
        self.tokens: dict[str, tuple[set[str], float]] = {}
        self.refresh_tokens: dict[str, set[str]] = {}
        self.grant_of: dict[str, str] = {}  # access token -> the refresh token it came from
        self.codes: dict[str, tuple[str, str, set[str]]] = {}
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}  # other people's channels (channels.py)
        self.comments: dict[str, Comment] = {}
        self.used: dict[tuple[str, str], int] = {}  # (bucket, pacific day) -> units
        self.daily_units = DAILY_UNITS
        self.upload_quota = 100  # separate bucket of videos.insert calls (current quota page)
        self.interrupt_at: int | None = None  # cut the upload once at this byte offset
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.public_url = ""
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

    def new_id(self, length: int, prefix: str = "") -> str:
        rest = "".join(secrets.choice(_ALPHABET) for _ in range(length - len(prefix)))
        return prefix + rest

    def issue_tokens(
        self, scopes: tuple[str, ...] = ("youtube.upload", "youtube.force-ssl", "youtube.readonly")
    ) -> dict[str, Any]:
        with self.lock:
            refresh = "1//" + secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = {SCOPE + s for s in scopes}
            issued = self._issue(self.refresh_tokens[refresh], grant=refresh)
            return {**issued, "refresh_token": refresh}

    def new_code(self, redirect_uri: str, challenge: str, scopes: set[str]) -> str:
        with self.lock:
            code = "4/" + secrets.token_urlsafe(24)
            self.codes[code] = (redirect_uri, challenge, scopes)
            return code

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token, (scopes, _) in list(self.tokens.items()):
                self.tokens[token] = (scopes, self.now() - 1)

    def add_comment(
        self, video_id: str, text: str, *, name: str = "Client Fidèle", parent: str = ""
    ) -> str:
        """A viewer comments a video (or answers the comment ``parent``)."""
        with self.lock:
            comment = Comment(
                self.new_id(26, "Ugz"),
                video_id,
                "UC" + self.new_id(22),
                name,
                text,
                self.now() + next(self._seq) / 1000,
                parent,
            )
            self.comments[comment.id] = comment
            return comment.id

    def pacific_day(self) -> str:
        now = datetime.fromtimestamp(self.now(), UTC)
        return now.astimezone(ZoneInfo("America/Los_Angeles")).date().isoformat()

    def start(self) -> YouTubeFake:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- dispatch ----------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        split = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        with self.lock:
            self.requests.append((method, split.path, headers))
            try:
                if split.path == "/token" and method == "POST":
                    return self._token(headers, raw)
                if split.path == "/revoke" and method == "POST":
                    return self._revoke(query, raw)
                if method == "PUT" and "upload_id" in query:  # the session URI is the credential
                    return self._upload_chunk(query["upload_id"], headers, raw)
                scopes = self._authenticate(headers)
                from tests.peers.youtube import routes

                return routes.route(self, method, split.path, query, headers, raw, scopes)
            except GoogleError as error:
                return error.answer()

    def _issue(self, scopes: set[str], *, grant: str) -> dict[str, Any]:
        access = "ya29." + secrets.token_urlsafe(32)
        self.tokens[access] = (scopes, self.now() + ACCESS_LIFETIME)
        self.grant_of[access] = grant
        return {
            "access_token": access,
            "expires_in": ACCESS_LIFETIME,
            "token_type": "Bearer",
            "scope": " ".join(sorted(scopes)),
        }

    def _token(self, headers: dict[str, str], raw: bytes) -> Answer:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        basic = headers.get("authorization", "").removeprefix("Basic ")
        if basic and basic != headers.get("authorization", ""):
            client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if (client_id, secret) != (self.client_id, self.client_secret):
            return _json(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if (
                found is None
                or found[0] != form.get("redirect_uri")
                or found[1] != challenge.decode()
            ):
                return _json(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            refresh = "1//" + secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = found[2]
            return _json(200, {**self._issue(found[2], grant=refresh), "refresh_token": refresh})
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            scopes = self.refresh_tokens.get(refresh)
            if scopes is None:
                return _json(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                )
            # Google keeps the same refresh token
            return _json(200, self._issue(scopes, grant=refresh))
        return _json(400, {"error": "unsupported_grant_type", "error_description": "Invalid"})

    def _revoke(self, query: dict[str, str], raw: bytes) -> Answer:
        """``POST https://oauth2.googleapis.com/revoke?token=`` (identity/protocols/oauth2/
        web-server#tokenrevoke): an access or a refresh token; revoking an access token revokes
        its refresh token too. The whole grant ends here: the refresh token and every access
        token it bought. 200 with an empty object, 400 ``invalid_token`` otherwise."""
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        token = query.get("token") or form.get("token", "")
        grant = self.grant_of.get(token, token)
        if grant not in self.refresh_tokens and token not in self.tokens:
            return _json(
                400, {"error": "invalid_token", "error_description": "Token expired or revoked"}
            )
        self.refresh_tokens.pop(grant, None)
        for access in [a for a, g in self.grant_of.items() if g == grant] + [token]:
            self.tokens.pop(access, None)
            self.grant_of.pop(access, None)
        return _json(200, {})

    def _authenticate(self, headers: dict[str, str]) -> set[str]:
        value = headers.get("authorization", "")
        found = (
            self.tokens.get(value.removeprefix("Bearer ")) if value.startswith("Bearer ") else None
        )
        if found is None or found[1] <= self.now():
            raise GoogleError(401, "authError", "Invalid Credentials", "global")
        return found[0]

    def charge(self, units: int, bucket: str = "default") -> None:
        """Spend quota (per Pacific day); 403 quotaExceeded beyond the bucket's allowance."""
        key = (bucket, self.pacific_day())
        allowance = self.upload_quota if bucket == "videos.insert" else self.daily_units
        if self.used.get(key, 0) + units > allowance:
            raise GoogleError(
                403,
                "quotaExceeded",
                "The request cannot be completed because you "
                'have exceeded your <a href="/youtube/v3/getting-started#quota">'
                "quota</a>.",
                "youtube.quota",
            )
        self.used[key] = self.used.get(key, 0) + units

    # --- resumable upload --------------------------------------------------------------------

    def start_session(self, total: int, mime: str, metadata: dict[str, Any]) -> Answer:
        session = Session(secrets.token_urlsafe(24), total, mime, metadata)
        self.sessions[session.upload_id] = session
        base = self.public_url or self.url
        location = (
            f"{base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
            f"&upload_id={session.upload_id}"
        )
        return 200, {"Location": location, "X-GUploader-UploadID": session.upload_id}, b""

    def _upload_chunk(self, upload_id: str, headers: dict[str, str], raw: bytes) -> Answer:
        session = self.sessions.get(upload_id)
        if session is None:
            raise GoogleError(404, "notFound", "Upload session not found or expired", "global")
        spec = headers.get("content-range", "").removeprefix("bytes ")
        span, _, total = spec.partition("/")
        if not total.isdigit() or int(total) != session.total:
            raise GoogleError(400, "badContent", "Content-Range total does not match", "global")
        if span == "*" or not span:
            return self._status(session)
        first, _, last = span.partition("-")
        start, end = int(first), int(last) + 1
        if end - start != len(raw):
            raise GoogleError(400, "badContent", "Content-Range does not match the body", "global")
        if end < session.total and len(raw) % CHUNK:
            raise GoogleError(400, "badContent", "Chunks must be multiples of 256 KiB", "global")
        if start > len(session.data):
            return self._status(session)  # a gap: tell the client where we are
        keep = raw[len(session.data) - start :]
        if self.interrupt_at is not None and start <= self.interrupt_at < end:
            cut = self.interrupt_at - len(session.data)
            session.data += keep[: max(cut, 0)]
            self.interrupt_at = None
            raise GoogleError(503, "backendError", "Backend Error", "global")
        session.data += keep
        return self._status(session)

    def _status(self, session: Session) -> Answer:
        if len(session.data) < session.total:
            headers = {"Content-Length": "0"}
            if session.data:
                headers["Range"] = f"bytes=0-{len(session.data) - 1}"
            return 308, headers, b""
        from tests.peers.youtube import routes

        if not session.video_id:
            session.video_id = routes.create_video(self, session)
        video = self.videos[session.video_id]
        return _json(200, routes.render_video(self, video, {"snippet", "status"}))


def _json(status: int, payload: Any) -> Answer:
    return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(payload).encode()


class _Handler(BaseHTTPRequestHandler):
    owner: YouTubeFake
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
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PUT = _serve  # noqa: N815


@pytest.fixture
def youtube_fake() -> Iterator[YouTubeFake]:
    fake = YouTubeFake().start()
    yield fake
    fake.stop()
