"""The fake Graph API's state: the app, users, tokens, Graph nodes and edges, and a clock.

Everything Graph exposes is a :class:`Node` (Page, post, photo, video, comment, Instagram user,
media, container, conversation, message) with scalar ``data`` and named ``edges`` (lists of
node ids, newest first). Token lifetimes follow social-apis.md §1.1 and §2.1.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

SHORT_USER_TOKEN = 2 * 3600
LONG_LIVED_TOKEN = 5_183_944  # Meta's documented example, about 60 days
IG_SHORT_TOKEN = 3600
DAY = 86_400


class GraphError(Exception):
    """An answer in Graph's error envelope."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        subcode: int | None = None,
        status: int = 400,
        kind: str = "OAuthException",
        user_msg: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.subcode, self.status = message, code, subcode, status
        self.kind, self.user_msg, self.headers = kind, user_msg, headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "is_transient": self.code in (1, 2),
            "fbtrace_id": "A" + secrets.token_hex(5),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_msg:
            error["error_user_msg"] = self.user_msg
        return {"error": error}


def invalid_parameter(message: str, subcode: int | None = None, user_msg: str = "") -> GraphError:
    return GraphError(
        f"(#100) {message}",
        code=100,
        subcode=subcode,
        kind="GraphMethodException",
        user_msg=user_msg,
    )


def missing_object(node_id: str, verb: str = "get") -> GraphError:
    return GraphError(
        f"Unsupported {verb} request. Object with ID '{node_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        code=100,
        subcode=33,
        kind="GraphMethodException",
    )


@dataclass
class Token:
    value: str
    kind: str  # user | page | ig (Instagram Login)
    subject: str  # user id, Page id or Instagram user id
    created_at: float
    expires_at: float | None  # None: never (Page tokens from a long-lived user token)
    scopes: frozenset[str] = frozenset()
    revoked: bool = False


@dataclass
class Node:
    id: str
    type: str  # page, post, photo, video, comment, ig_user, ig_media, ig_container, ...
    owner: str  # the Page / Instagram user it belongs to, or its author
    created_at: float
    data: dict[str, Any] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)

    def edge(self, name: str) -> list[str]:
        return self.edges.setdefault(name, [])


class MetaState:
    """Plain state; the server holds its lock around every request."""

    app_id = "1000000000000001"
    app_secret = "fake-meta-app-secret"  # noqa: S105 - a test fixture

    def __init__(self) -> None:
        self.offset = 0.0
        self._ids = itertools.count(10_000_000_000)
        self.tokens: dict[str, Token] = {}
        self.nodes: dict[str, Node] = {}
        self.codes: dict[str, tuple[str, str, str]] = {}  # code -> (stack, subject, redirect)
        self.uploads: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def new_id(self) -> str:
        return str(next(self._ids))

    def timestamp(self, at: float | None = None) -> str:
        return time.strftime(
            "%Y-%m-%dT%H:%M:%S+0000", time.gmtime(self.now() if at is None else at)
        )

    # --- tokens -----------------------------------------------------------------------------

    def issue(
        self, kind: str, subject: str, lifetime: float | None, scopes: frozenset[str] = frozenset()
    ) -> Token:
        value = f"EAA{kind}{secrets.token_urlsafe(24)}"
        expires = None if lifetime is None else self.now() + lifetime
        token = Token(value, kind, subject, self.now(), expires, scopes)
        self.tokens[value] = token
        return token

    def check_token(self, value: str) -> Token:
        """The valid token, or Graph's code 190 (subcode 463 expired, 467 invalid)."""
        token = self.tokens.get(value)
        if token is None or token.revoked:
            raise GraphError(
                "Invalid OAuth access token - Cannot parse access token", code=190, subcode=467
            )
        if token.expires_at is not None and token.expires_at <= self.now():
            raise GraphError(
                "Error validating access token: Session has expired.", code=190, subcode=463
            )
        return token

    # --- nodes ------------------------------------------------------------------------------

    def add(
        self,
        node_type: str,
        owner: str,
        node_id: str | None = None,
        *,
        sender: dict[str, Any] | None = None,
        **data: Any,
    ) -> Node:
        """A new node; ``sender`` becomes its Graph ``from`` field (a Python keyword)."""
        node = Node(node_id or self.new_id(), node_type, owner, self.now(), dict(data))
        node.data.setdefault("id", node.id)
        if sender is not None:
            node.data["from"] = sender
        self.nodes[node.id] = node
        return node

    def get(self, node_id: str, verb: str = "get") -> Node:
        node = self.nodes.get(node_id)
        if node is None or node.data.get("deleted"):
            raise missing_object(node_id, verb)
        return node
