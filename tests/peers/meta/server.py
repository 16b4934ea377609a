"""Request handling of the fake Graph API: parsing, token endpoints, authentication with
``appsecret_proof``, throttling with usage headers, and routing to the Facebook and Instagram
modules. Every error leaves in Graph's envelope."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.peers.meta import facebook, instagram, messaging
from tests.peers.meta.common import Call, insights, list_edge
from tests.peers.meta.nodes import own, render
from tests.peers.meta.state import (
    DAY,
    IG_SHORT_TOKEN,
    LONG_LIVED_TOKEN,
    SHORT_USER_TOKEN,
    GraphError,
    MetaState,
    Node,
    Token,
    invalid_parameter,
    missing_object,
)

VERSION = re.compile(r"^/v\d+\.\d+(?=/)")
WINDOW = 3600.0  # X-App-Usage is a rolling hour
THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account.",
    80002: "(#80002) There have been too many calls to this Instagram account.",
}


class GraphServer:
    """Stateful handling; ``config`` holds what tests tune (see MetaFake)."""

    def __init__(self, state: MetaState, config: dict[str, Any]) -> None:
        self.state = state
        self.config = config
        self.calls: list[float] = []

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        path = VERSION.sub("", split.path)
        self.state.requests.append((method, path))
        usage: dict[str, str] = {}
        try:
            call = self._parse(method, path, split.query, headers, raw)
            token_answer = self._token_endpoint(call)
            if token_answer is not None:
                return _json(200, token_answer)
            usage = self._authenticate(call)
            return _json(200, self._route(call), usage)
        except GraphError as error:
            return _json(error.status, error.body(), {**usage, **error.headers})

    # --- parsing ------------------------------------------------------------------------------

    def _parse(
        self, method: str, path: str, query: str, headers: dict[str, str], raw: bytes
    ) -> Call:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        files: dict[str, bytes] = {}
        content_type = headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        elif content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
            )
            for part in message.iter_parts():
                name = str(part.get_param("name", header="content-disposition"))
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if part.get_filename():
                    files[name] = data
                else:
                    params[name] = data.decode()
        body: Any = None
        if content_type.startswith("application/json"):
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise invalid_parameter("The request body is not valid JSON") from exc
        parts = [p for p in path.split("/") if p]
        return Call(method, parts, params, files, raw, headers, json=body)

    # --- tokens -------------------------------------------------------------------------------

    def _token_endpoint(self, call: Call) -> dict[str, Any] | None:
        state, p = self.state, call.params
        if call.parts == ["oauth", "access_token"] and call.method == "GET":
            self._check_app(p.get("client_id", ""), p.get("client_secret", ""))
            if p.get("grant_type") == "client_credentials":
                # App access token (docs/facebook-login/guides/access-tokens#apptokens): no
                # expiry, acts for the app node.
                app = state.issue("app", state.app_id, None)
                return {"access_token": app.value, "token_type": "bearer"}
            if p.get("grant_type") == "fb_exchange_token":
                user = state.check_token(p.get("fb_exchange_token", ""))
                token = state.issue("user", user.subject, LONG_LIVED_TOKEN, user.scopes)
                return _token_json(token, LONG_LIVED_TOKEN)
            subject = self._use_code(p.get("code", ""), "facebook", p.get("redirect_uri", ""))
            return _token_json(state.issue("user", subject, SHORT_USER_TOKEN), SHORT_USER_TOKEN)
        if call.parts == ["oauth", "access_token"] and call.method == "POST":  # Instagram Login
            self._check_app(p.get("client_id", ""), p.get("client_secret", ""))
            if p.get("grant_type") != "authorization_code":
                raise invalid_parameter("grant_type must be authorization_code")
            subject = self._use_code(p.get("code", ""), "instagram", p.get("redirect_uri", ""))
            token = state.issue("ig", subject, IG_SHORT_TOKEN)
            return {"access_token": token.value, "user_id": subject, "permissions": []}
        if call.parts == ["access_token"] and call.method == "GET":
            self._check_app(state.app_id, p.get("client_secret", ""))
            if p.get("grant_type") != "ig_exchange_token":
                raise invalid_parameter("grant_type must be ig_exchange_token")
            short = state.check_token(p.get("access_token", ""))
            return _token_json(state.issue("ig", short.subject, LONG_LIVED_TOKEN), LONG_LIVED_TOKEN)
        if call.parts == ["refresh_access_token"] and call.method == "GET":
            if p.get("grant_type") != "ig_refresh_token":
                raise invalid_parameter("grant_type must be ig_refresh_token")
            old = state.check_token(p.get("access_token", ""))  # expired: 190/463
            if old.kind != "ig" or state.now() - old.created_at < DAY:
                raise invalid_parameter("The token must be a long-lived token at least 24 h old")
            return _token_json(state.issue("ig", old.subject, LONG_LIVED_TOKEN), LONG_LIVED_TOKEN)
        return None

    def _check_app(self, client_id: str, secret: str) -> None:
        if client_id != self.state.app_id:
            raise invalid_parameter("Error validating application. Invalid application ID.")
        if secret != self.state.app_secret:
            raise GraphError("Error validating client secret.", code=1)

    def _use_code(self, code: str, stack: str, redirect_uri: str) -> str:
        found = self.state.codes.pop(code, None)
        if found is None or found[0] != stack:
            raise GraphError("This authorization code has been used.", code=100, subcode=36009)
        if found[2] != redirect_uri:
            raise GraphError(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                code=100,
                subcode=36008,
            )
        return found[1]

    # --- authentication and throttling ---------------------------------------------------------

    def _authenticate(self, call: Call) -> dict[str, str]:
        auth = call.headers.get("authorization", "")
        value = call.params.get("access_token", "")
        for scheme in ("OAuth ", "Bearer "):
            if auth.startswith(scheme):
                value = auth.removeprefix(scheme)
        if not value:
            raise GraphError("An access token is required to request this resource.", code=104)
        token = self.state.check_token(value)
        proof = call.params.get("appsecret_proof")
        if self.config["require_proof"] or proof is not None:
            expected = hmac.new(
                self.state.app_secret.encode(), value.encode(), hashlib.sha256
            ).hexdigest()
            if proof is None:
                raise invalid_parameter("API calls from the server require an appsecret_proof")
            if not hmac.compare_digest(proof, expected):
                raise invalid_parameter("Invalid appsecret_proof provided in the API argument")
        call.token = token
        call.acting = {token.subject}
        subject = self.state.nodes.get(token.subject)
        if subject is not None and subject.type == "page":
            linked = subject.data.get("instagram_business_account", {}).get("id")
            call.acting |= {linked} if linked else set()
        return self._count(token)

    def _count(self, token: Token) -> dict[str, str]:
        now = self.state.now()
        self.calls = [t for t in self.calls if t > now - WINDOW]
        limit = self.config["call_limit"]
        throttled = limit is not None and len(self.calls) >= limit
        if not throttled:
            self.calls.append(now)
        percent = 100 if throttled else min(100, len(self.calls) * 100 // (limit or 4800))
        usage = {"call_count": percent, "total_time": percent // 2, "total_cputime": percent // 2}
        headers = {"X-App-Usage": json.dumps(usage)}
        if token.kind in ("page", "ig"):
            wait = math.ceil((self.calls[0] + WINDOW - now) / 60) if throttled else 0
            buc = {
                "type": "pages" if token.kind == "page" else "instagram",
                **usage,
                "estimated_time_to_regain_access": wait,
            }
            headers["X-Business-Use-Case-Usage"] = json.dumps({token.subject: [buc]})
        if throttled:
            code = self.config["throttle_code"]
            raise GraphError(THROTTLE_MESSAGES[code], code=code, headers=headers)
        return headers

    # --- routing ------------------------------------------------------------------------------

    def _route(self, call: Call) -> Any:
        state, parts = self.state, call.parts
        assert call.token is not None
        if parts == ["me", "accounts"] and call.method == "GET":
            return self._accounts(call, call.token)
        if len(parts) == 2 and parts[1] == "uploads" and call.method == "POST":
            return facebook.open_upload(state, call, parts[0])
        if len(parts) == 1 and parts[0].startswith("upload:"):
            return facebook.upload_bytes(state, call, parts[0])
        if not 1 <= len(parts) <= 2:
            raise invalid_parameter("Unknown path components")
        node = state.get(call.token.subject if parts[0] == "me" else parts[0], call.method.lower())
        if len(parts) == 1:
            if call.method == "GET":
                return render(state, node, call.fields())
            if call.method == "DELETE":
                return self._delete(call, node)
            raise invalid_parameter("Unsupported post request.")
        return self._edge(call, node, parts[1])

    def _edge(self, call: Call, node: Node, edge: str) -> Any:
        state = self.state
        if edge == "insights" and call.method == "GET":
            return insights(state, call, node)
        if edge == "messages" and call.method == "POST" and node.type in ("page", "ig_user"):
            own(call.acting, node)
            return messaging.send(state, call, node)
        if node.type == "page":
            return facebook.page_edge(state, call, node, edge)
        if node.type in ("post", "photo", "video", "comment") and edge == "comments":
            return facebook.comments(state, call, node)
        if node.type == "ig_user":
            return instagram.user_edge(state, call, node, edge, self.config)
        if node.type in ("ig_media", "ig_comment") and edge in ("comments", "replies"):
            return instagram.comment_edge(state, call, node, edge)
        if node.type == "conversation" and edge == "messages" and call.method == "GET":
            return list_edge(state, call, node, edge)
        raise invalid_parameter(f"Tried accessing nonexisting field ({edge})")

    def _accounts(self, call: Call, token: Token) -> dict[str, Any]:
        if token.kind != "user":
            raise GraphError("(#100) Tried accessing nonexisting field (accounts)", code=100)
        # A Page token from a long-lived user token does not expire; otherwise about 1 h.
        long_lived = token.expires_at is None or token.expires_at - token.created_at > DAY
        pages = [
            n
            for n in self.state.nodes.values()
            if n.type == "page" and token.subject in n.data.get("admins", ())
        ]
        # access_token and tasks are fields of the accounts edge, not of the Page node.
        specs = [s for s in call.fields() or [] if s.name not in ("access_token", "tasks")]
        rows = []
        for page in pages:
            page_token = self.state.issue("page", page.id, None if long_lived else 3600)
            row = render(self.state, page, specs)
            row.update(access_token=page_token.value, tasks=page.data["tasks"])
            rows.append(row)
        return {"data": rows, "paging": {"cursors": {"before": "MA", "after": "MA"}}}

    def _delete(self, call: Call, node: Node) -> dict[str, Any]:
        if node.type == "ig_media":
            raise invalid_parameter("Unsupported delete request on IG media")
        if node.type not in ("post", "photo", "video", "comment", "ig_comment"):
            raise missing_object(node.id, "delete")
        media = self.state.nodes.get(node.data.get("media", {}).get("id", ""))
        if media is None or media.owner not in call.acting:
            own(call.acting, node)
        node.data["deleted"] = True
        return {"success": True}


def _token_json(token: Token, lifetime: int) -> dict[str, Any]:
    return {"access_token": token.value, "token_type": "bearer", "expires_in": lifetime}


def _json(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    out = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
    return status, out, json.dumps(payload).encode()
