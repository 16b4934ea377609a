"""What the inbox does when a reply's outcome is unknown: the network looks the reply up
(``Connector.reconcile_reply``); when it cannot tell, only a person may send it again. The X
path against its fake is in ``test_x_peer.py``; each connector's lookup is tested with its peer
under ``tests/networks``."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest

from parvis.accounts.actor import Actor
from parvis.celery import app as celery_app
from parvis.core.vocabulary import Network
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, Reply, ReplyAttempt
from parvis.inbox.reply_sending import reply_send
from parvis.inbox.services import reply_create, reply_resend
from parvis.networks.base import Connector
from parvis.networks.contracts import AccountInfo, Draft, PublishResult, TokenSet
from parvis.networks.errors import NotSupported, Transient, Unconfirmed
from parvis.networks.facebook.limits import CAPABILITIES as FACEBOOK
from parvis.networks.mastodon.connector import MastodonConnector
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item
from tests.networks.contract import TEST_POLICY
from tests.peers.faultproxy import Fault
from tests.peers.mastodon import MastodonPeer, mastodon_peer

__all__ = ["mastodon_peer"]  # the session fixture, imported for pytest


def reply_tasks(callbacks: list[Any]) -> int:
    """How many ``inbox.reply_send`` tasks the captured on-commit callbacks would queue (other
    apps queue their own work on the same commits; tasks are sent by name)."""
    return sum(
        1
        for callback in callbacks
        if isinstance(callback, partial) and callback.args[:1] == ("inbox.reply_send",)
    )


class Scripted(Connector):
    """A network that cannot look replies up (the base class default); ``reply`` raises the
    scripted errors in turn, then succeeds."""

    kind = Network.FACEBOOK
    capabilities = FACEBOOK
    api_base_url = "https://graph.example.invalid"

    def __init__(self, *errors: Exception) -> None:
        super().__init__(tokens=TokenSet(access_token="t"))
        self.errors = list(errors)
        self.sent: list[str] = []  # every reply request that left, answered or not

    def account_info(self) -> AccountInfo:
        raise NotImplementedError

    def publish(self, draft: Draft) -> PublishResult:
        raise NotImplementedError

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        raise NotImplementedError

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        self.sent.append(text)
        if self.errors:
            raise self.errors.pop(0)
        return PublishResult(f"r{len(self.sent)}", "https://example.org/r")


def _reply(cast: Cast, account: SocialAccount, text: str = "Merci !") -> Reply:
    inbox_ingest(account, [item("Une question ?")])
    conversation = Conversation.objects.get(account=account)
    return reply_create(actor=Actor.of(cast.alice_membership), conversation=conversation, text=text)


def test_the_default_lookup_says_it_cannot_tell(cast: Cast) -> None:
    with pytest.raises(NotSupported):
        Scripted().reconcile_reply(parent_id="p", text="t", since=datetime.now(UTC))


def test_when_the_network_cannot_tell_only_a_person_sends_again(
    cast: Cast, account: SocialAccount, django_capture_on_commit_callbacks: Any
) -> None:
    reply = _reply(cast, account)
    connector = Scripted(Unconfirmed("timed out after sending"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = reply_send(reply_id=reply.pk, connector=connector)
    assert first is not None and first.status == Reply.Status.UNCONFIRMED and first.error
    assert reply_tasks(callbacks) == 0  # nothing scheduled: a person decides
    assert reply_send(reply_id=reply.pk, connector=connector) is None
    reply_resend(actor=Actor.of(cast.bob_membership), reply=first)
    again = reply_send(reply_id=reply.pk, connector=connector)
    assert again is not None and again.status == Reply.Status.SENT
    assert connector.sent == ["Merci !", "Merci !"]  # the lost one, and the person's choice


def test_after_a_persons_decision_plain_retries_still_go_through(
    cast: Cast, account: SocialAccount
) -> None:
    reply = _reply(cast, account)
    connector = Scripted(Unconfirmed("timed out"), Transient("503"))
    reply_send(reply_id=reply.pk, connector=connector)
    reply.refresh_from_db()
    reply_resend(actor=Actor.of(cast.alice_membership), reply=reply)
    retry = reply_send(reply_id=reply.pk, connector=connector)
    assert retry is not None and retry.status == Reply.Status.RETRY  # the 503
    done = reply_send(reply_id=reply.pk, connector=connector)
    assert done is not None and done.status == Reply.Status.SENT
    outcomes = list(ReplyAttempt.objects.filter(reply=reply).values_list("outcome", flat=True))
    assert outcomes == ["unconfirmed", "transient", "sent"]


def test_an_automatic_retry_never_sends_blindly_when_the_network_stops_telling(
    cast: Cast, account: SocialAccount
) -> None:
    """A lookup that found nothing schedules a recheck; if that recheck cannot tell (too many
    posts since), the reply waits for a person rather than going out a second time."""

    class AbsentThenUnknown(Scripted):
        lookups = 0

        def reconcile_reply(
            self, *, parent_id: str, text: str, since: datetime
        ) -> PublishResult | None:
            self.lookups += 1
            if self.lookups == 1:
                return None
            raise NotSupported("trop de publications")

    reply = _reply(cast, account)
    connector = AbsentThenUnknown(Unconfirmed("timed out"))
    first = reply_send(reply_id=reply.pk, connector=connector)
    assert first is not None and first.status == Reply.Status.RETRY
    second = reply_send(reply_id=reply.pk, connector=connector)
    assert second is not None and second.status == Reply.Status.UNCONFIRMED
    assert connector.sent == ["Merci !"]


# --- Mastodon, against mastodon-mock behind the fault proxy ---------------------------------


class Owner:
    def __init__(self, peer: MastodonPeer, proxy: Any) -> None:
        self.peer, self.proxy, self.http = peer, proxy, httpx.Client()
        self.owner = peer.create_account(f"owner_{secrets.token_hex(4)}")
        self.fan = peer.create_account(f"fan_{secrets.token_hex(4)}")
        self.account_id = str(self._get("/api/v1/accounts/verify_credentials")["id"])

    def _get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.owner.access_token}"}
        answer = self.http.get(self.peer.base_url + path, headers=headers, params=params)
        answer.raise_for_status()
        return answer.json()

    def fan_writes(self, text: str) -> str:
        headers = {"Authorization": f"Bearer {self.fan.access_token}"}
        payload = {"status": f"@{self.owner.username} {text}"}
        answer = self.http.post(
            self.peer.base_url + "/api/v1/statuses", json=payload, headers=headers
        )
        answer.raise_for_status()
        return str(answer.json()["id"])

    def replies_to(self, parent: str) -> list[str]:
        context = self._get(f"/api/v1/statuses/{parent}/context")
        return [str(s["id"]) for s in context["descendants"]]

    def connector(self) -> MastodonConnector:
        return MastodonConnector(
            tokens=TokenSet(access_token=self.owner.access_token),
            account_id=self.account_id,
            http=self.http,
            base_url=self.proxy.url,
            policy=TEST_POLICY,
            sleep=lambda seconds: None,
        )


@pytest.fixture
def owner(mastodon_peer: MastodonPeer, fault_proxy_factory: Any) -> Iterator[Owner]:
    owner = Owner(mastodon_peer, fault_proxy_factory(mastodon_peer.base_url))
    yield owner
    owner.http.close()


@pytest.mark.peer
def test_mastodon_a_lost_answer_is_found_not_sent_twice(
    cast: Cast, account: SocialAccount, owner: Owner
) -> None:
    parent = owner.fan_writes("vous ouvrez lundi ?")
    inbox_ingest(account, [item("vous ouvrez lundi ?", remote_id=parent)])
    conversation = Conversation.objects.get(account=account)
    text = f"@{owner.fan.username} Oui, dès 8 h."
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text=text
    )
    owner.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/api/v1/statuses")
    sent = reply_send(reply_id=reply.pk, connector=owner.connector())
    assert sent is not None and sent.status == Reply.Status.SENT
    assert owner.replies_to(parent) == [sent.remote_id]
    assert ReplyAttempt.objects.get(reply=reply).outcome == "reconciled"


@pytest.mark.peer
def test_mastodon_lookup_tells_absent_from_present(owner: Owner) -> None:
    parent = owner.fan_writes("une question")
    other = owner.fan_writes("une autre")
    connector = owner.connector()
    since = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
    answer = f"@{owner.fan.username} Voici la réponse."
    assert connector.reconcile_reply(parent_id=parent, text=answer, since=since) is None
    connector.reply(parent_id=other, text=answer)  # the same words, below another status
    assert connector.reconcile_reply(parent_id=parent, text=answer, since=since) is None
    posted = connector.reply(parent_id=parent, text=answer)
    found = connector.reconcile_reply(parent_id=parent, text=answer, since=since)
    assert found is not None and found.remote_id == posted.remote_id and found.reconciled


@pytest.mark.peer
def test_mastodon_answer_names_its_author_so_they_are_notified(owner: Owner) -> None:
    """Mastodon notifies only the accounts a status mentions; the API does not add the author
    the way the web client does, so the connector does, once, and the lookup still matches."""
    parent = owner.fan_writes("livrez-vous à Lorient ?")
    connector = owner.connector()
    posted = connector.reply(parent_id=parent, text="Oui, chaque jeudi.")
    mine = owner._get(f"/api/v1/statuses/{posted.remote_id}")
    assert mine["content"].count(owner.fan.username) == 1
    assert [m["username"] for m in mine["mentions"]] == [owner.fan.username]
    named = connector.reply(parent_id=parent, text=f"@{owner.fan.username} Et le samedi.")
    assert owner._get(f"/api/v1/statuses/{named.remote_id}")["content"].count("@") == 1
    since = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
    found = connector.reconcile_reply(parent_id=parent, text="Oui, chaque jeudi.", since=since)
    assert found is not None and found.remote_id == posted.remote_id


def test_a_queued_reply_is_sent_by_task_name_after_commit(
    cast: Cast,
    account: SocialAccount,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The services never import the tasks module: the task goes by its name."""
    sent: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: sent.append((name, tuple(args))),
    )
    inbox_ingest(account, [item("Une question ?")])
    conversation = Conversation.objects.get(account=account)
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_create(
            actor=Actor.of(cast.alice_membership),
            conversation=conversation,
            text="Merci !",
            enqueue=True,
        )
        assert sent == []  # nothing leaves before the commit
    assert sent == [("inbox.reply_send", (reply.pk,))]
