"""LinkedIn webhooks: the challenge, the signature, and Organization Social Action Notifications.

Validation and signature: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation
(``GET ?challengeCode=…`` answered with the hex HMAC-SHA256 of the code keyed with the client
secret; deliveries carry ``X-LI-Signature``, the hex HMAC-SHA256 of the body).

Payloads: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-social-action-notifications
``{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [...]}``, up to ten per
delivery; each names the page (``organizationalEntity``), the ``action``, the post
(``sourcePost`` / ``decoratedSourcePost``), what was made (``generatedActivity`` /
``decoratedGeneratedActivity.comment`` or ``.share``: ``entity``, ``owner``, ``text``) and when
(``lastModifiedAt``, epoch milliseconds).

What the inbox takes: ``COMMENT`` (a comment on the page's post) and ``SHARE_MENTION`` (a post
that mentions the page), with the same remote ids the polling uses, so a comment seen both ways
is stored once. A notification that does not carry the comment or post itself asks for the
page's feeds to be read through the connector (``read_again``). Likes, reshares, the page's own
comments (``ADMIN_COMMENT``), edits and deletions are not conversations: left out on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.provider import (
    ChallengeAnswer,
    MalformedDelivery,
    ParsedEvent,
    WebhookEndpoint,
    WebhookEvents,
)
from parvis.networks.webhooks import hex_hmac, same

ORGANIZATION_PREFIX = "urn:li:organization:"
COMMENT_ACTIONS = frozenset({"COMMENT"})
MENTION_ACTIONS = frozenset({"SHARE_MENTION"})


def signature_valid(client_secret: str, body: bytes, header: str | None) -> bool:
    """``X-LI-Signature: <hex HMAC-SHA256(client secret, body)>`` (a ``hmacsha256=`` prefix
    is accepted)."""
    if not header:
        return False
    return same(header.removeprefix("hmacsha256="), hex_hmac(client_secret, body))


def challenge_response(client_secret: str, challenge_code: str) -> dict[str, str]:
    """The JSON to answer LinkedIn's ``GET <url>?challengeCode=…`` validation."""
    return {
        "challengeCode": challenge_code,
        "challengeResponse": hex_hmac(client_secret, challenge_code.encode()),
    }


class LinkedInEndpoint(WebhookEndpoint):
    slug: ClassVar[str] = "linkedin"
    kind: ClassVar[Network] = Network.LINKEDIN
    signature_header: ClassVar[str] = "X-LI-Signature"

    def signature_valid(self, secret: str, body: bytes, header: str | None) -> bool:
        return signature_valid(secret, body, header)

    def challenge(self, params: Mapping[str, str]) -> ChallengeAnswer | None:
        secret, code = self.signing_secret(), params.get("challengeCode", "")
        if not secret or not code:
            return None
        return challenge_response(secret, code)


def parse(payload: Any) -> WebhookEvents:
    """The comments and mentions of one delivery, and the pages to read again for those it
    names without carrying them."""
    notifications = payload.get("notifications") if isinstance(payload, dict) else None
    if not isinstance(notifications, list):
        raise MalformedDelivery("no notifications list")
    items: list[ParsedEvent] = []
    read_again: set[str] = set()
    for notification in notifications:
        if not isinstance(notification, dict):
            raise MalformedDelivery("notification is not an object")
        org = jsonread.text(notification, "organizationalEntity")
        if not org.startswith(ORGANIZATION_PREFIX):
            raise MalformedDelivery("notification without its organisation")
        account = org.removeprefix(ORGANIZATION_PREFIX)
        action = jsonread.text(notification, "action")
        if action in COMMENT_ACTIONS:
            item = _comment(notification)
        elif action in MENTION_ACTIONS:
            item = _mention(notification)
        else:
            continue
        if item is None:
            read_again.add(account)
        elif item.author_id != org:  # the page's own answers are not inbound
            items.append((account, item))
    return WebhookEvents(items=tuple(items), read_again=frozenset(read_again))


def _post_of(notification: dict[str, Any]) -> str:
    """The post's URN as the posts API names it (``urn:li:share:…``) when the notification
    gives it, else its activity."""
    decorated = jsonread.text(notification, "decoratedSourcePost", "entity")
    return decorated or jsonread.text(notification, "sourcePost")


def _written(activity: dict[str, Any]) -> str:
    return jsonread.text(activity, "text") or jsonread.text(activity, "message", "text")


def _comment(notification: dict[str, Any]) -> InboundItem | None:
    comment = jsonread.obj(notification, "decoratedGeneratedActivity", "comment")
    urn = jsonread.text(comment, "entity")
    post = _post_of(notification)
    author = jsonread.text(comment, "owner") or jsonread.text(comment, "actor")
    if not (urn.startswith("urn:li:comment:") and post and author and _written(comment)):
        return None
    return InboundItem(
        kind=InboundKind.COMMENT,
        remote_id=urn,
        text=_written(comment),
        created_at=jsonread.epoch_millis(notification.get("lastModifiedAt")),
        author_id=author,
        thread_id=post,
        parent_id=post,
        url=f"https://www.linkedin.com/feed/update/{post}/",
    )


def _mention(notification: dict[str, Any]) -> InboundItem | None:
    share = jsonread.obj(notification, "decoratedGeneratedActivity", "share")
    urn = jsonread.text(notification, "sourcePost") or jsonread.text(share, "entity")
    author = jsonread.text(share, "owner")
    if not (urn and author and _written(share)):
        return None
    return InboundItem(
        kind=InboundKind.MENTION,
        remote_id=urn,
        text=_written(share),
        created_at=jsonread.epoch_millis(notification.get("lastModifiedAt")),
        author_id=author,
        thread_id=urn,
        url=f"https://www.linkedin.com/feed/update/{urn}/",
    )
