"""A stateful fake of Meta's Graph API (Facebook Pages and Instagram) on 127.0.0.1.

Meta publishes no OpenAPI for Pages or Instagram (social-apis.md §1.5), so this fake is written
by hand from the reference (§1, §2, §9.5): Facebook Login code exchange, long-lived user
tokens and never-expiring Page tokens (``/me/accounts``), app access tokens (``client_credentials``,
then ``GET /{app-id}``), Instagram Login tokens refreshed with
``ig_refresh_token``, ``appsecret_proof``, the Page feed / photos / videos (``file_url`` or the
Resumable Upload API), comments and replies, tagged posts, conversations, insights that refuse
retired metric names, the Instagram container state machine and its 50-per-24-h quota, the
error envelope, and throttling (codes 4/17/32/613/80001/80002) with ``X-App-Usage`` and
``X-Business-Use-Case-Usage`` headers. Unknown fields are error 100, as on Graph.

The logic lives in ``tests/peers/meta/``; this module holds the server, its seed data and the
helpers tests use (:meth:`MetaFake.add_comment`, :meth:`MetaFake.fail_media`, ...).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.peers.faultproxy import QuietServer
from tests.peers.meta import facebook, instagram
from tests.peers.meta.server import GraphServer
from tests.peers.meta.state import DAY as DAY
from tests.peers.meta.state import LONG_LIVED_TOKEN, MetaState, Node

__all__ = ["DAY", "MetaFake", "meta_fake"]


class MetaFake:
    """The fake's state and server. ``url`` is its base; paths take an optional ``/vNN.0``."""

    app_id = MetaState.app_id
    app_secret = MetaState.app_secret

    def __init__(self, *, require_proof: bool = True) -> None:
        self.state = MetaState()
        self.lock = threading.Lock()
        self.config: dict[str, Any] = {
            "require_proof": require_proof,
            "call_limit": None,  # calls per rolling hour before throttling
            "throttle_code": 4,
            "quota": instagram.PUBLISH_QUOTA,
            "processing": {"image": 0.0, "video": 0.3},  # seconds before FINISHED
            "failing": {},  # URL part -> container status text (ERROR)
        }
        self.server = GraphServer(self.state, self.config)
        self._seed()
        fake = self

        class Handler(_Handler):
            owner = fake

        self._http = QuietServer(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    def _seed(self) -> None:
        state = self.state
        # The Meta app itself: what an app access token reads (« Vérifier » in the assistant).
        self.app = state.add("app", "", state.app_id, name="Parvis Atelier", category="Business")
        self.app.owner = self.app.id
        self.user = state.add("user", "", name="Camille Martin")
        self.ig_user = state.add(
            "ig_user",
            "",
            username="atelier_parvis",
            name="Atelier Parvis",
            profile_picture_url="https://cdn.example/ig.jpg",
            followers_count=812,
            follows_count=150,
        )
        self.ig_user.owner = self.ig_user.id
        self.page = state.add(
            "page",
            "",
            name="Atelier Parvis",
            username="atelierparvis",
            category="Artisan",
            link="https://www.facebook.com/atelierparvis",
            followers_count=1200,
            fan_count=1180,
            picture={"data": {"url": "https://cdn.example/page.jpg"}},
            instagram_business_account={"id": self.ig_user.id, "username": "atelier_parvis"},
            admins=[self.user.id],
            tasks=["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE"],
        )
        self.page.owner = self.page.id
        self.ig_user.data["page_id"] = self.page.id

    # --- ids and tokens for tests ------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def page_id(self) -> str:
        return self.page.id

    @property
    def ig_user_id(self) -> str:
        return self.ig_user.id

    def page_token(self) -> str:
        """A Page token as /me/accounts gives it from a long-lived user token (no expiry)."""
        with self.lock:
            return self.state.issue("page", self.page.id, None).value

    def instagram_token(self, *, age: float = 2 * DAY) -> tuple[str, int]:
        """A 60-day Instagram Login token issued ``age`` seconds ago, and its expires_in."""
        with self.lock:
            token = self.state.issue("ig", self.ig_user.id, LONG_LIVED_TOKEN)
            token.created_at -= age
            token.expires_at = token.created_at + LONG_LIVED_TOKEN
            return token.value, int(token.expires_at - self.state.now())

    def new_code(self, stack: str, redirect_uri: str) -> str:
        """What the login dialog would send back (``stack``: facebook or instagram)."""
        subject = self.user.id if stack == "facebook" else self.ig_user.id
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.state.codes[code] = (stack, subject, redirect_uri)
        return code

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.state.tokens.values():
                token.expires_at = self.state.now() - 1

    def revoke_tokens(self) -> None:
        """A password change or a removed app: every token becomes invalid (190/467)."""
        with self.lock:
            for token in self.state.tokens.values():
                token.revoked = True

    # --- what others do ----------------------------------------------------------------------

    def add_comment(self, target_id: str, text: str, *, name: str = "Client Fidèle") -> str:
        """A visitor comments on a Page post / comment, or an Instagram media / comment."""
        with self.lock:
            target = self.state.get(target_id)
            if target.type.startswith("ig_"):
                username = name.lower().replace(" ", "_")
                author = self.state.add("user", "", name=name)
                return instagram.add_comment(self.state, target, text, author.id, username).id
            author = self.state.add("user", "", name=name)
            return facebook.add_comment(self.state, target, text, author.id, name).id

    def add_tagged_post(self, text: str, *, name: str = "Client Fidèle") -> str:
        """A visitor's post that tags the Page (``/{page-id}/tagged``)."""
        with self.lock:
            author = self.state.add("user", "", name=name)
            post = self.state.add(
                "post",
                author.id,
                message=text,
                created_time=self.state.timestamp(),
                permalink_url="https://www.facebook.com/visitor",
                sender={"id": author.id, "name": name},
            )
            self.page.edge("tagged").append(post.id)
            return post.id

    def add_tagged_media(self, caption: str, *, username: str = "client_fidele") -> str:
        """Someone else's Instagram media that tags the account (``/{ig-user-id}/tags``)."""
        with self.lock:
            media = self.state.add(
                "ig_media",
                username,
                caption=caption,
                timestamp=self.state.timestamp(),
                username=username,
                permalink="https://www.instagram.com/p/tagged/",
                media_type="IMAGE",
            )
            self.ig_user.edge("tags").append(media.id)
            return media.id

    def add_message(self, platform: str, text: str, *, name: str = "Client Fidèle") -> str:
        """A person writes to the Page (messenger) or the Instagram account (instagram)."""
        owner = self.page if platform == "messenger" else self.ig_user
        with self.lock:
            person = self.state.add("user", "", name=name)
            sender = {"id": person.id, "name": name}
            if platform == "instagram":
                sender["username"] = name.lower().replace(" ", "_")
            conversation = self.state.add(
                "conversation",
                owner.id,
                platform=platform,
                updated_time=self.state.timestamp(),
                participants={"data": [sender, {"id": owner.id, "name": owner.data["name"]}]},
            )
            message = self.state.add(
                "message",
                person.id,
                message=text,
                created_time=self.state.timestamp(),
                sender=sender,
                to={"data": [{"id": owner.id}]},
            )
            conversation.edge("messages").append(message.id)
            owner.edge("conversations").append(conversation.id)
            return message.id

    # --- tuning ------------------------------------------------------------------------------

    def fail_media(self, url_part: str, status: str) -> None:
        """Containers whose media URL contains ``url_part`` end in ERROR with ``status``."""
        with self.lock:
            self.config["failing"][url_part] = status

    def set_processing(self, *, image: float | None = None, video: float | None = None) -> None:
        with self.lock:
            if image is not None:
                self.config["processing"]["image"] = image
            if video is not None:
                self.config["processing"]["video"] = video

    def throttle_after(self, calls: int | None, code: int = 4) -> None:
        with self.lock:
            self.config.update(call_limit=calls, throttle_code=code)
            self.server.calls.clear()

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.state.advance(seconds)

    # --- reading the state -------------------------------------------------------------------

    def node(self, node_id: str) -> Node | None:
        with self.lock:
            node = self.state.nodes.get(node_id)
            return None if node is None or node.data.get("deleted") else node

    def page_posts(self) -> list[Node]:
        with self.lock:
            return [
                n
                for n in self.state.nodes.values()
                if n.type == "post" and n.owner == self.page.id and not n.data.get("deleted")
            ]

    def ig_media(self) -> list[Node]:
        with self.lock:
            return [
                n
                for n in self.state.nodes.values()
                if n.type == "ig_media" and n.owner == self.ig_user.id
            ]

    def containers(self) -> list[Node]:
        with self.lock:
            return [n for n in self.state.nodes.values() if n.type == "ig_container"]

    @property
    def requests(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.state.requests)

    # --- lifecycle ---------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            return self.server.handle(method, target, headers, raw)

    def start(self) -> MetaFake:
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> MetaFake:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    owner: MetaFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out_headers, body = self.owner.handle(self.command, self.path, headers, raw)
        self.send_response(status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _serve  # noqa: N815


@pytest.fixture
def meta_fake() -> Iterator[MetaFake]:
    with MetaFake() as fake:
        yield fake
