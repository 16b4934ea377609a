"""A stateful fake of the X API v2 on 127.0.0.1, strict about X's OpenAPI spec.

Every request is checked against ``tests/networks/data/x-api-v2-openapi.json`` (version 2.167):
path and method, required and unknown query parameters, parameter schemas, JSON request bodies
(jsonschema) and multipart fields, and the OAuth2 scopes of the operation. Violations get X's
problem envelope (``application/problem+json``), so a connector that drifts from the spec fails
its contract tests here rather than in production.

State: one app (client id/secret), users, OAuth2 codes with PKCE S256, 2-hour access tokens and
rotating refresh tokens (``/2/oauth2/revoke`` ends one of them), posts, chunked media uploads
with processing states, and per-endpoint rate-limit windows with ``x-rate-limit-*`` headers. A
settable clock lets tests expire tokens.

Test helpers: :meth:`XFake.issue_tokens`, :meth:`XFake.add_mention`, :meth:`XFake.advance`,
:meth:`XFake.set_rate_limit`, ``fake.posts``.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jsonschema
import pytest

from tests.peers import x_watch
from tests.peers.faultproxy import QuietServer

SPEC_PATH = Path(__file__).resolve().parents[1] / "networks" / "data" / "x-api-v2-openapi.json"
ACCESS_LIFETIME = 7200
CODE_LIFETIME = 30
WINDOW = 15 * 60
DEFAULT_LIMITS = {("POST", "/2/tweets"): 100, ("GET", "/2/users/{id}/mentions"): 300}


class Problem(Exception):
    """An error answer in X's envelope."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        kind: str = "about:blank",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.kind = status, title, detail, kind
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "detail": self.detail,
            "type": self.kind,
            "status": self.status,
        }


def _invalid(detail: str) -> Problem:
    return Problem(400, "Invalid Request", detail, "https://api.x.com/2/problems/invalid-request")


# --- OpenAPI checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: dict[str, Any]
    params: tuple[dict[str, Any], ...]

    @property
    def scopes(self) -> set[str] | None:
        for requirement in self.spec.get("security", []):
            if "OAuth2UserToken" in requirement:
                return set(requirement["OAuth2UserToken"])
        return None


class SpecValidator:
    """Validates raw requests against an OpenAPI 3.0 document."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        self.spec = json.loads(spec_path.read_text(encoding="utf-8"))
        self.routes: list[tuple[re.Pattern[str], str]] = []
        for template in self.spec["paths"]:
            pattern = re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template))
            self.routes.append((re.compile(f"^{pattern}$"), template))
        # literal paths before templated ones: /2/tweets/search/recent is not /2/tweets/{id}
        self.routes.sort(key=lambda route: route[1].count("{"))

    def _schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {**schema, "components": self.spec["components"]}

    def _param(self, param: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in param:
            return dict(self.spec["components"]["parameters"][param["$ref"].split("/")[-1]])
        return param

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        for pattern, template in self.routes:
            found = pattern.match(path)
            if not found:
                continue
            item = self.spec["paths"][template]
            op = item.get(method.lower())
            if op is None:
                raise Problem(405, "Method Not Allowed", f"{method} is not allowed on {template}")
            names = re.findall(r"\{([^}]+)\}", template)
            params = tuple(self._param(p) for p in op.get("parameters", []))
            return Operation(method, template, op, params), dict(
                zip(names, found.groups(), strict=True)
            )
        raise Problem(
            404,
            "Not Found Error",
            f"Sorry, that page does not exist: {path}",
            "https://api.x.com/2/problems/resource-not-found",
        )

    def check_params(
        self, op: Operation, path_args: dict[str, str], query: dict[str, list[str]]
    ) -> dict[str, Any]:
        """Coerced parameter values; raises Problem like X does."""
        known = {p["name"] for p in op.params if p["in"] == "query"}
        for name in query:
            if name not in known:
                allowed = ",".join(sorted(known))
                raise _invalid(f"The query parameter [{name}] is not one of [{allowed}]")
        values: dict[str, Any] = {}
        for param in op.params:
            name, where = param["name"], param["in"]
            raw = path_args.get(name) if where == "path" else _first(query.get(name))
            if raw is None:
                if param.get("required"):
                    raise _invalid(f"The `{name}` query parameter can not be empty")
                continue
            schema = param.get("schema", {})
            kind = schema.get("type")
            value: Any = raw
            if kind == "array":
                value = raw.split(",")
            elif kind == "integer":
                try:
                    value = int(raw)
                except ValueError:
                    detail = f"The `{name}` query parameter value [{raw}] is not a number"
                    raise _invalid(detail) from None
            try:
                jsonschema.validate(value, self._schema(schema))
            except jsonschema.ValidationError as exc:
                detail = f"The `{name}` parameter value [{raw}] is invalid: {exc.message}"
                raise _invalid(detail) from None
            values[name] = value
        return values

    def check_body(self, op: Operation, content_type: str, raw: bytes) -> Any:
        """The parsed body (JSON value, or dict of multipart fields) after schema checks."""
        body_spec = op.spec.get("requestBody")
        if body_spec is None:
            return None
        media = content_type.split(";")[0].strip().lower()
        content = body_spec.get("content", {})
        if media not in content:
            if not raw and not body_spec.get("required"):
                return None
            raise Problem(
                415,
                "Unsupported Media Type",
                f"Content-Type {media or 'none'} is not one of {sorted(content)}",
            )
        schema = self._schema(content[media]["schema"])
        if media == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                raise _invalid("Request body is not valid JSON") from None
            try:
                jsonschema.validate(body, schema)
            except jsonschema.ValidationError as exc:
                where = "/".join(str(p) for p in exc.absolute_path) or "body"
                raise _invalid(f"{where}: {exc.message}") from None
            return body
        fields = _multipart(content_type, raw)
        resolved = self._resolve(content[media]["schema"])
        for name in resolved.get("required", []):
            if name not in fields:
                raise _invalid(f"The `{name}` field is required")
        return fields

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return schema


def _multipart(content_type: str, raw: bytes) -> dict[str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload
    return fields


# --- state --------------------------------------------------------------------------------------


@dataclass
class Post:
    id: str
    text: str
    author_id: str
    created_at: float
    conversation_id: str
    in_reply_to_user_id: str | None = None
    replied_to: str | None = None
    media_ids: tuple[str, ...] = ()
    lang: str = ""
    reposted: str | None = None  # the id of the post this one reposts
    metrics: dict[str, int] = field(
        default_factory=lambda: {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 0,
        }
    )


@dataclass
class Upload:
    id: str
    owner: str
    media_type: str
    total_bytes: int
    category: str
    segments: dict[int, bytes] = field(default_factory=dict)
    state: str = "initialized"
    polls_left: int = 2
    alt_text: str = ""


@dataclass
class AccessToken:
    user_id: str
    scopes: set[str]
    expires_at: float


class XFake:
    """The fake's state and server. ``url`` is its base (``http://127.0.0.1:PORT``)."""

    client_id = "parvis-test-client"
    client_secret = "parvis-test-secret"

    def __init__(self, *, spec_path: Path = SPEC_PATH, spec_spelling: bool = False) -> None:
        self.validator = SpecValidator(spec_path)
        self.spec_spelling = spec_spelling  # repost_count / edit_history_post_ids
        self.lock = threading.RLock()
        self.offset = 0.0
        self._ids = itertools.count(1_900_000_000_000_000_000)
        self.users: dict[str, dict[str, Any]] = {}
        self.posts: dict[str, Post] = {}
        self.uploads: dict[str, Upload] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, tuple[str, set[str]]] = {}
        self.limits = dict(DEFAULT_LIMITS)
        self.windows: dict[tuple[str, str, str], tuple[float, int]] = {}
        self.requests: list[tuple[str, str]] = []
        self.me = self.add_user("parvis_test", "Parvis Test")
        state = self

        class Handler(_Handler):
            fake = state

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    # --- helpers for tests ------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock (tokens expire, rate-limit windows reset)."""
        with self.lock:
            self.offset += seconds

    def new_id(self) -> str:
        return str(next(self._ids))

    def add_user(self, username: str, name: str, followers: int = 42) -> str:
        user_id = self.new_id()
        self.users[user_id] = {
            "id": user_id,
            "username": username,
            "name": name,
            "public_metrics": {
                "followers_count": followers,
                "following_count": 7,
                "tweet_count": 0,
                "listed_count": 1,
                "like_count": 0,
                "media_count": 0,
            },
        }
        return user_id

    def issue_tokens(
        self,
        scopes: str = "tweet.read tweet.write users.read media.write offline.access",
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """Tokens as the token endpoint would issue them (skips the browser step)."""
        with self.lock:
            return self._issue(user_id or self.me, set(scopes.split()))

    def add_mention(self, username: str, text: str, *, in_reply_to: str | None = None) -> str:
        """Someone else posts ``text`` (mentioning us, or replying to one of our posts)."""
        with self.lock:
            author = next((u for u, d in self.users.items() if d["username"] == username), None)
            author = author or self.add_user(username, username.title())
            post_id = self.new_id()
            parent = self.posts.get(in_reply_to) if in_reply_to else None
            self.posts[post_id] = Post(
                post_id,
                text,
                author,
                self.now(),
                conversation_id=parent.conversation_id if parent else post_id,
                in_reply_to_user_id=parent.author_id if parent else None,
                replied_to=in_reply_to,
            )
            return post_id

    def set_rate_limit(self, method: str, template: str, limit: int) -> None:
        with self.lock:
            self.limits[(method, template)] = limit

    def own_posts(self) -> list[Post]:
        with self.lock:
            return [p for p in self.posts.values() if p.author_id == self.me]

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> XFake:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> XFake:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- request handling -------------------------------------------------------------------

    def _issue(self, user_id: str, scopes: set[str]) -> dict[str, Any]:
        access = secrets.token_urlsafe(24)
        self.access[access] = AccessToken(user_id, scopes, self.now() + ACCESS_LIFETIME)
        answer: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": ACCESS_LIFETIME,
            "access_token": access,
            "scope": " ".join(sorted(scopes)),
        }
        if "offline.access" in scopes:
            refresh = secrets.token_urlsafe(24)
            self.refresh[refresh] = (user_id, scopes)
            answer["refresh_token"] = refresh
        return answer

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        with self.lock:
            self.requests.append((method, split.path))
            try:
                if split.path == "/i/oauth2/authorize" and method == "GET":
                    return self._authorize(query)
                if split.path == "/2/oauth2/token" and method == "POST":
                    return _json(200, self._token(headers, raw))
                if split.path == "/2/oauth2/revoke" and method == "POST":
                    return _json(200, self._revoke(headers, raw))
                return self._api(method, split.path, query, headers, raw)
            except Problem as problem:
                extra = {"Content-Type": "application/problem+json", **problem.headers}
                return problem.status, extra, json.dumps(problem.body()).encode()

    def _authorize(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        """Consent is automatic: redirect back with a code bound to the PKCE challenge."""
        args = {k: v[0] for k, v in query.items()}
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            raise _invalid("unknown client or response_type")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            raise _invalid("PKCE with S256 is required")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": args["code_challenge"],
            "redirect": args["redirect_uri"],
            "scopes": set(args.get("scope", "").split()),
            "at": self.now(),
        }
        location = (
            args["redirect_uri"] + "?" + urlencode({"state": args.get("state", ""), "code": code})
        )
        return 302, {"Location": location}, b""

    def _token(self, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        auth = headers.get("authorization", "")
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {basic}" or form.get("client_id") != self.client_id:
            raise _oauth_error("unauthorized_client", "Missing valid authorization header", 401)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if (
                code is None
                or self.now() - code["at"] > CODE_LIFETIME
                or code["redirect"] != form.get("redirect_uri")
                or challenge.rstrip(b"=").decode() != code["challenge"]
            ):
                raise _oauth_error(
                    "invalid_request", "Value passed for the authorization code was invalid."
                )
            return self._issue(self.me, code["scopes"])
        if grant == "refresh_token":
            found = self.refresh.pop(form.get("refresh_token", ""), None)  # rotation
            if found is None:
                raise _oauth_error("invalid_request", "Value passed for the token was invalid.")
            return self._issue(*found)
        raise _oauth_error("unsupported_grant_type", "Grant type not supported")

    def _revoke(self, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
        """POST oauth2/revoke (docs.x.com, user-access-token, step 6): the form's ``token``, an
        access or a refresh token, stops working at once; only that one. A confidential client
        authenticates with Basic as at the token endpoint. An unknown token is not an error
        (RFC 7009 §2.2): there is nothing left to revoke."""
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("authorization", "") != f"Basic {basic}":
            raise _oauth_error("unauthorized_client", "Missing valid authorization header", 401)
        token = form.get("token", "")
        if not token:
            raise _oauth_error("invalid_request", "Missing required parameter [token].")
        self.access.pop(token, None)
        self.refresh.pop(token, None)
        return {"revoked": True}

    def _api(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        raw: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        op, path_args = self.validator.match(method, path)
        token = self._authenticate(headers, op)
        params = self.validator.check_params(op, path_args, query)
        body = self.validator.check_body(op, headers.get("content-type", ""), raw)
        limit_headers = self._count(op, token.user_id)
        status, payload = self._dispatch(op, token.user_id, params, body)
        return (
            status,
            {"Content-Type": "application/json", **limit_headers},
            json.dumps(payload).encode(),
        )

    def _authenticate(self, headers: dict[str, str], op: Operation) -> AccessToken:
        auth = headers.get("authorization", "")
        token = (
            self.access.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        )
        if token is None or token.expires_at <= self.now():
            raise Problem(401, "Unauthorized", "Unauthorized")
        needed = op.scopes
        if needed is not None and not needed <= token.scopes:
            raise Problem(
                403,
                "Forbidden",
                f"Missing scopes: {sorted(needed - token.scopes)}",
                "https://api.x.com/2/problems/client-forbidden",
            )
        return token

    def _count(self, op: Operation, user_id: str) -> dict[str, str]:
        limit = self.limits.get((op.method, op.template), 900)
        key = (op.method, op.template, user_id)
        start, used = self.windows.get(key, (self.now(), 0))
        if self.now() >= start + WINDOW:
            start, used = self.now(), 0
        reset = str(int(start + WINDOW))
        if used >= limit:
            raise Problem(
                429,
                "Too Many Requests",
                "Too Many Requests",
                headers={
                    "x-rate-limit-limit": str(limit),
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": reset,
                },
            )
        self.windows[key] = (start, used + 1)
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(limit - used - 1),
            "x-rate-limit-reset": reset,
        }

    def _dispatch(
        self, op: Operation, user: str, params: dict[str, Any], body: Any
    ) -> tuple[int, Any]:
        route = (op.method, op.template)
        if route == ("GET", "/2/users/me"):
            return 200, {"data": self._user(user, params.get("user.fields", []))}
        if route == ("POST", "/2/tweets"):
            return 201, {"data": self._create(user, body)}
        if route == ("DELETE", "/2/tweets/{id}"):
            post = self._own(user, params["id"])
            del self.posts[post.id]
            return 200, {"data": {"deleted": True}}
        if route == ("GET", "/2/tweets"):
            found = [self.posts[i] for i in params["ids"] if i in self.posts]
            return 200, {"data": [self._render(p, params) for p in found]}
        if route == ("GET", "/2/tweets/{id}"):
            return 200, {"data": self._render(self._post(params["id"]), params)}
        if route == ("GET", "/2/users/{id}/mentions"):
            handle = "@" + self.users[params["id"]]["username"]
            found = [
                p
                for p in self.posts.values()
                if handle.lower() in p.text.lower() and p.author_id != params["id"]
            ]
            return 200, self._timeline(found, params)
        if route == ("GET", "/2/users/{id}/tweets"):
            found = [
                p
                for p in self.posts.values()
                if p.author_id == params["id"]
                and not ("replies" in params.get("exclude", []) and p.replied_to)
                and not ("retweets" in params.get("exclude", []) and p.reposted)
                and p.created_at >= _epoch(params.get("start_time"))
            ]
            return 200, self._timeline(found, params)
        if route == ("GET", "/2/users/by/username/{username}"):
            user_id = x_watch.by_username(self, params["username"])
            fields = params.get("user.fields", [])
            return 200, x_watch.user_answer(self, user_id, params["username"], fields)
        if route == ("GET", "/2/users/{id}"):
            user_id = params["id"] if params["id"] in self.users else None
            fields = params.get("user.fields", [])
            return 200, x_watch.user_answer(self, user_id, params["id"], fields)
        if route == ("GET", "/2/tweets/search/recent"):
            if "next_token" in params:
                params["pagination_token"] = params["next_token"]
            return 200, self._timeline(x_watch.search_recent(self, params), params)
        if route[1].startswith("/2/media"):
            return self._media(route, user, params, body)
        raise Problem(501, "Not Implemented", f"the fake does not implement {route}")

    def _user(self, user_id: str, fields: list[str]) -> dict[str, Any]:
        user = self.users[user_id]
        shown = {k: user[k] for k in ("id", "username", "name")}
        if "public_metrics" in fields:
            metrics = dict(user["public_metrics"])
            metrics["tweet_count"] = sum(1 for p in self.posts.values() if p.author_id == user_id)
            if self.spec_spelling:
                metrics["post_count"] = metrics.pop("tweet_count")
            shown["public_metrics"] = metrics
        return shown

    def _post(self, post_id: str) -> Post:
        if post_id not in self.posts:
            raise Problem(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{post_id}].",
                "https://api.x.com/2/problems/resource-not-found",
            )
        return self.posts[post_id]

    def _own(self, user: str, post_id: str) -> Post:
        post = self._post(post_id)
        if post.author_id != user:
            raise Problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
        return post

    def _create(self, user: str, body: dict[str, Any]) -> dict[str, Any]:
        text = body.get("text", "")
        media_ids = tuple(body.get("media", {}).get("media_ids", []))
        if not text and not media_ids:
            raise _invalid("text or media is required")
        for media_id in media_ids:
            upload = self.uploads.get(media_id)
            if upload is None or upload.owner != user or upload.state != "succeeded":
                raise _invalid("Your media IDs are invalid.")
        if any(p.author_id == user and p.text == _shorten(text) for p in self.posts.values()):
            raise Problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        reply_to = body.get("reply", {}).get("in_reply_to_tweet_id")
        parent = self._post(reply_to) if reply_to else None
        post_id = self.new_id()
        self.posts[post_id] = Post(
            post_id,
            _shorten(text),
            user,
            self.now(),
            conversation_id=parent.conversation_id if parent else post_id,
            in_reply_to_user_id=parent.author_id if parent else None,
            replied_to=reply_to,
            media_ids=media_ids,
        )
        history = "edit_history_post_ids" if self.spec_spelling else "edit_history_tweet_ids"
        return {"id": post_id, "text": _shorten(text), history: [post_id]}

    def _render(self, post: Post, params: dict[str, Any]) -> dict[str, Any]:
        fields = set(params.get("post.fields", [])) | {"id", "text"}
        expansions = set(params.get("expansions", []))
        data: dict[str, Any] = {"id": post.id, "text": post.text}
        if "created_at" in fields:
            data["created_at"] = time.strftime(
                "%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(post.created_at)
            )
        if "conversation_id" in fields:
            data["conversation_id"] = post.conversation_id
        if "lang" in fields:
            data["lang"] = post.lang or "und"
        if "author_id" in expansions:
            data["author_id"] = post.author_id
        if "in_reply_to_user_id" in expansions and post.in_reply_to_user_id:
            data["in_reply_to_user_id"] = post.in_reply_to_user_id
        if "referenced_posts" in expansions and post.replied_to:
            data["referenced_tweets"] = [{"type": "replied_to", "id": post.replied_to}]
        if "public_metrics" in fields:
            metrics = dict(post.metrics)
            if self.spec_spelling:
                metrics["repost_count"] = metrics.pop("retweet_count")
            data["public_metrics"] = metrics
        return data

    def _timeline(self, found: list[Post], params: dict[str, Any]) -> dict[str, Any]:
        found.sort(key=lambda p: int(p.id), reverse=True)
        size = params.get("max_results", 10)
        offset = int(params.get("pagination_token", "0") or 0)
        page = found[offset : offset + size]
        answer: dict[str, Any] = {"meta": {"result_count": len(page)}}
        if page:
            answer["data"] = [self._render(p, params) for p in page]
            answer["meta"].update(newest_id=page[0].id, oldest_id=page[-1].id)
        if offset + size < len(found):
            answer["meta"]["next_token"] = str(offset + size)
        if "author_id" in params.get("expansions", []) and page:
            authors = {p.author_id for p in page}
            answer["includes"] = {"users": [self._user(a, []) for a in sorted(authors)]}
        return answer

    def _media(
        self, route: tuple[str, str], user: str, params: dict[str, Any], body: Any
    ) -> tuple[int, Any]:
        method, template = route
        if template == "/2/media/upload/initialize":
            media_id = self.new_id()
            self.uploads[media_id] = Upload(
                media_id,
                user,
                body["media_type"],
                body["total_bytes"],
                body.get("media_category", ""),
            )
            return 200, {
                "data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}
            }
        if template == "/2/media/metadata":
            upload = self.uploads.get(body["id"])
            if upload is None or upload.owner != user:
                raise _invalid("Unknown media id")
            upload.alt_text = body.get("metadata", {}).get("alt_text", {}).get("text", "")
            metadata = {"alt_text": {"text": upload.alt_text}}
            return 200, {"data": {"id": upload.id, "associated_metadata": metadata}}
        upload = self.uploads.get(params.get("id") or params.get("media_id") or "")
        if upload is None or upload.owner != user:
            raise _invalid("Unknown media id")
        if template == "/2/media/upload/{id}/append":
            index = int(body["segment_index"])
            if not 0 <= index <= 999:
                raise _invalid("segment_index out of range")
            upload.segments[index] = body["media"]
            return 200, {"data": {"expires_at": int(self.now()) + 86400}}
        if template == "/2/media/upload/{id}/finalize":
            size = sum(len(s) for s in upload.segments.values())
            if size != upload.total_bytes:
                raise _invalid(f"File size mismatch: got {size}, expected {upload.total_bytes}")
            upload.state = "pending" if upload.media_type.startswith("video/") else "succeeded"
            return 200, {"data": self._media_data(upload)}
        if template == "/2/media/upload" and method == "GET":
            if upload.state in ("pending", "in_progress"):
                upload.polls_left -= 1
                upload.state = "succeeded" if upload.polls_left <= 0 else "in_progress"
            return 200, {"data": self._media_data(upload)}
        raise Problem(501, "Not Implemented", f"the fake does not implement {route}")

    def _media_data(self, upload: Upload) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": upload.id,
            "media_key": f"3_{upload.id}",
            "size": upload.total_bytes,
            "expires_after_secs": 86400,
        }
        if upload.media_type.startswith("video/"):
            data["processing_info"] = {"state": upload.state, "check_after_secs": 1}
        return data


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _json(status: int, payload: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _oauth_error(code: str, description: str, status: int = 400) -> Problem:
    problem = Problem(status, code, description)
    problem.body = lambda: {"error": code, "error_description": description}  # type: ignore[method-assign]
    return problem


def _shorten(text: str) -> str:
    """X stores links as t.co links (23 characters)."""
    return re.sub(
        r"https?://\S+",
        lambda m: "https://t.co/" + hashlib.sha256(m.group(0).encode()).hexdigest()[:10],
        text,
    )


def _epoch(value: str | None) -> float:
    if not value:
        return 0.0
    return float(calendar.timegm(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")))


class _Handler(BaseHTTPRequestHandler):
    fake: XFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out_headers, body = self.fake.handle(self.command, self.path, headers, raw)
        self.send_response(status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve  # noqa: N815


@pytest.fixture
def x_fake() -> Iterator[XFake]:
    with XFake() as fake:
        yield fake
