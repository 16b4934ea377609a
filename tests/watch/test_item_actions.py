"""One click on a timeline item: save, mark as a lead opportunity, turn into a post idea, answer
through the inbox. Roles, another organisation, idempotence, the filters, and the answer path
down to the inbox's exactly-once sender (against a scripted connector)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.core.models import AuditEvent
from parvis.core.vocabulary import Network
from parvis.inbox.models import Conversation, Message, Reply
from parvis.inbox.reply_sending import reply_send
from parvis.inbox.services import reply_create
from parvis.networks.base import Connector
from parvis.networks.bluesky.limits import CAPABILITIES as BLUESKY
from parvis.networks.contracts import AccountInfo, Draft, PublishResult, TokenSet
from parvis.networks.models import SocialAccount
from parvis.watch.item_views import post_idea_url
from parvis.watch.models import Item
from tests.conftest import Cast
from tests.inbox.conftest import make_account

_n = itertools.count(1)
POST_URI = "at://did:plc:abc123/app.bsky.feed.post/3kq2xyz"


def _item(cast: Cast, org: object = None, **fields: object) -> Item:
    n = next(_n)
    values: dict[str, object] = {
        "network": "bluesky",
        "remote_id": f"at://did:plc:abc123/app.bsky.feed.post/{n}",
        "url": f"https://bsky.app/profile/lea.example/post/{n}",
        "text": "Vous me conseillez quel menuisier à Nantes ? Je refais ma cuisine.",
        "author_id": "did:plc:abc123",
        "author_handle": "lea.example",
        "author_name": "Léa",
        "published_at": timezone.now() - timedelta(hours=n),
        "collected_at": timezone.now() - timedelta(minutes=5),
    }
    values.update(fields)
    values.setdefault("dedupe_key", f"{values['network']}:{values['remote_id']}")
    return Item.objects.create(organisation=org or cast.org, **values)


def _url(cast: Cast, name: str) -> str:
    return reverse(f"watch:{name}", args=[cast.org.slug])


def _bluesky(cast: Cast, **extra: object) -> SocialAccount:
    fields: dict[str, object] = {"api_base_url": "https://bsky.social"}
    fields["connected_at"] = timezone.now() - timedelta(days=1)
    fields.update(extra)
    return make_account(cast.org, "bluesky", **fields)


def _viewer(cast: Cast) -> Client:
    user = User.objects.create_user("victor@example.org", "password", full_name="Victor")
    Membership.objects.create(user=user, organisation=cast.org, role=Role.VIEWER)
    return cast.client_for(user)


# --- save and opportunity ---------------------------------------------------------------------


def test_save_and_unsave_is_idempotent_audited_and_returns_to_the_page(cast: Cast) -> None:
    item = _item(cast)
    client = cast.client_for(cast.bob)  # a contributor
    back = _url(cast, "timeline") + "?network=bluesky"
    for _twice in range(2):
        answer = client.post(_url(cast, "item_save"), {"id": item.pk, "value": "1", "next": back})
        assert answer.status_code == 302 and answer["Location"] == back
    item.refresh_from_db()
    assert item.saved_at is not None
    first = item.saved_at
    client.post(_url(cast, "item_save"), {"id": item.pk, "value": "1"})
    item.refresh_from_db()
    assert item.saved_at == first  # saving again keeps the first moment
    client.post(_url(cast, "item_save"), {"id": item.pk, "value": "0"})
    item.refresh_from_db()
    assert item.saved_at is None
    actions = list(
        AuditEvent.objects.filter(organisation=cast.org, action__startswith="watch.item.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["watch.item.saved", "watch.item.unsaved"]


def test_an_outside_next_is_not_followed(cast: Cast) -> None:
    item = _item(cast)
    client = cast.client_for(cast.bob)
    for target in ("https://evil.example/", "//evil.example/x"):
        answer = client.post(_url(cast, "item_save"), {"id": item.pk, "next": target})
        assert answer["Location"] == _url(cast, "timeline")


def test_htmx_swaps_only_the_action_bar(cast: Cast) -> None:
    item = _item(cast)
    client = cast.client_for(cast.bob)
    answer = client.post(
        _url(cast, "item_opportunity"), {"id": item.pk, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.strip().startswith('<div class="watch-actions" id="watch-actions-')
    assert 'aria-pressed="true"' in html and "<html" not in html
    item.refresh_from_db()
    assert item.opportunity_at is not None


def test_filters_saved_and_opportunities_with_the_search(cast: Cast) -> None:
    saved = _item(cast, text="Le chêne massif revient", intents={"other": 0.9})
    marked = _item(cast, text="Un salon du chêne à Lyon", intents={"other": 0.9})
    asking = _item(cast, text="Qui vend du chêne ?", intents={"purchase_intent": 0.7})
    plain = _item(cast, text="Rien à voir avec le chêne", intents={"other": 0.9})
    actor = Actor.of(cast.alice_membership)
    from parvis.watch.item_services import item_set_opportunity, item_set_saved

    item_set_saved(actor=actor, item=saved, saved=True)
    item_set_opportunity(actor=actor, item=marked, marked=True)
    client = cast.client_for(cast.alice)

    def shown(query: str) -> set[int]:
        page = client.get(_url(cast, "timeline") + query)
        assert page.status_code == 200
        return {row.item.pk for row in page.context["rows"]}

    assert shown("?show=saved") == {saved.pk}
    assert shown("?show=opportunities") == {marked.pk, asking.pk}
    assert shown("?show=opportunities&q=salon") == {marked.pk}
    assert shown("?show=nonsense") >= {saved.pk, marked.pk, asking.pk, plain.pk}
    html = client.get(_url(cast, "timeline") + "?show=saved&network=bluesky").content.decode()
    assert 'name="show" value="saved"' in html  # the filter form keeps it


def test_another_organisations_item_is_a_404_and_viewers_are_refused(cast: Cast) -> None:
    theirs = _item(cast, org=cast.other_org)
    client = cast.client_for(cast.bob)
    for name in ("item_save", "item_opportunity", "item_answer"):
        assert client.post(_url(cast, name), {"id": theirs.pk}).status_code == 404
        assert client.post(_url(cast, name), {"id": "x"}).status_code == 404
        assert client.get(_url(cast, name)).status_code == 405
    theirs.refresh_from_db()
    assert theirs.saved_at is None and theirs.opportunity_at is None
    ours = _item(cast)
    viewer = _viewer(cast)
    for name in ("item_save", "item_opportunity", "item_answer"):
        assert viewer.post(_url(cast, name), {"id": ours.pk}).status_code == 403
    page = viewer.get(_url(cast, "timeline")).content.decode()
    assert reverse("watch:item_save", args=[cast.org.slug]) not in page


# --- post idea ----------------------------------------------------------------------------------


def test_post_idea_opens_the_composer_with_a_quote_and_its_source(cast: Cast) -> None:
    item = _item(cast, text="Mot " * 200)
    url = post_idea_url(item, cast.org)
    parts = urlsplit(url)
    assert parts.path == reverse("posts:new", args=[cast.org.slug])
    params = parse_qs(parts.query)
    assert params["category"] == ["industry_news"]
    text = params["text"][0]
    assert text.startswith("«\u00a0Mot") and "…\u00a0»" in text
    assert "— Léa" in text and f"Source\u00a0: {item.url}" in text
    page = cast.client_for(cast.bob).get(url)
    assert page.status_code == 200 and item.url in page.content.decode()
    article = _item(cast, network="web", text="", title="Le prix du bois", author_name="")
    text = parse_qs(urlsplit(post_idea_url(article, cast.org)).query)["text"][0]
    assert text.startswith("«\u00a0Le prix du bois\u00a0»") and "Source" in text


# --- answer -------------------------------------------------------------------------------------


class ScriptedBluesky(Connector):
    """Records what it was asked to answer, and answers."""

    kind = Network.BLUESKY
    capabilities = BLUESKY
    api_base_url = "https://bsky.example.invalid"

    def __init__(self) -> None:
        super().__init__(tokens=TokenSet(access_token="t"))
        self.replies: list[tuple[str, str]] = []

    def account_info(self) -> AccountInfo:
        raise NotImplementedError

    def publish(self, draft: Draft) -> PublishResult:
        raise NotImplementedError

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        raise NotImplementedError

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        self.replies.append((parent_id, text))
        return PublishResult("at://did:plc:us/app.bsky.feed.post/r1", "https://bsky.app/r1")


def test_answer_opens_one_conversation_that_the_reply_sender_sends(cast: Cast) -> None:
    account = _bluesky(cast)
    item = _item(cast, remote_id=POST_URI)
    client = cast.client_for(cast.bob)
    first = client.post(_url(cast, "item_answer"), {"id": item.pk})
    conversation = Conversation.objects.get(account=account)
    assert first.status_code == 302
    assert first["Location"] == reverse("inbox:conversation", args=[cast.org.slug, conversation.pk])
    again = client.post(_url(cast, "item_answer"), {"id": item.pk}, HTTP_HX_REQUEST="true")
    assert again.status_code == 204 and again["HX-Redirect"] == first["Location"]
    assert Conversation.objects.filter(organisation=cast.org).count() == 1
    message = Message.objects.get(conversation=conversation)
    assert message.remote_id == POST_URI and message.direction == Message.Direction.IN
    assert conversation.participant_handle == "lea.example"
    assert conversation.subject_url == item.url
    assert conversation.awaiting_since is not None
    assert conversation.awaiting_since > item.published_at  # waits from the click, not the post
    assert client.get(first["Location"]).status_code == 200

    reply = reply_create(
        conversation=conversation,
        text="Bonjour Léa, avec plaisir !",
        actor=Actor.of(cast.bob_membership),
    )
    fake = ScriptedBluesky()
    sent = reply_send(reply_id=reply.pk, connector=fake)
    assert sent is not None and sent.status == Reply.Status.SENT
    assert fake.replies == [(POST_URI, "Bonjour Léa, avec plaisir !")]
    assert reply_send(reply_id=reply.pk, connector=fake) is None  # exactly once
    assert len(fake.replies) == 1


def test_no_account_web_and_closed_networks_say_why_and_open_the_original(cast: Cast) -> None:
    bluesky = _item(cast)
    article = _item(cast, network="web", title="Article", url="https://presse.example/a")
    linkedin = _item(cast, network="linkedin", url="https://www.linkedin.com/feed/update/1")
    client = cast.client_for(cast.alice)
    html = client.get(_url(cast, "timeline")).content.decode()
    assert "Connectez un compte Bluesky pour répondre" in html
    assert "LinkedIn ne permet pas à Parvis de répondre" in html
    assert "Ouvrir l’article" in html or "Ouvrir l'article" in html
    for item in (bluesky, article, linkedin):
        answer = client.post(_url(cast, "item_answer"), {"id": item.pk}, follow=True)
        assert answer.status_code == 200
    assert not Conversation.objects.filter(organisation=cast.org).exists()


def test_answer_with_an_account_shows_the_button_and_x_says_its_condition(cast: Cast) -> None:
    _bluesky(cast)
    make_account(cast.org, "x", connected_at=timezone.now() - timedelta(days=1))
    _item(cast)
    _item(cast, network="x", remote_id="1850000000000000001", url="https://x.com/a/status/1")
    html = cast.client_for(cast.alice).get(_url(cast, "timeline")).content.decode()
    assert reverse("watch:item_answer", args=[cast.org.slug]) in html
    assert "mentionne ou cite votre compte" in html


def test_mastodon_ids_belong_to_the_server_that_read_them(cast: Cast) -> None:
    before = timezone.now() - timedelta(days=2)
    make_account(cast.org, "mastodon", api_base_url="https://piaille.fr", connected_at=before)
    item = _item(cast, network="mastodon", remote_id="1130000000000001")
    client = cast.client_for(cast.bob)
    assert client.post(_url(cast, "item_answer"), {"id": item.pk}).status_code == 302
    assert Conversation.objects.filter(organisation=cast.org).count() == 1
    make_account(cast.org, "mastodon", api_base_url="https://mastodon.social", connected_at=before)
    other = _item(cast, network="mastodon", remote_id="1130000000000002")
    answer = client.post(_url(cast, "item_answer"), {"id": other.pk}, follow=True)
    assert "autre serveur Mastodon" in answer.content.decode()
    assert Conversation.objects.filter(organisation=cast.org).count() == 1


@pytest.mark.parametrize("erased", [True])
def test_an_erased_item_cannot_be_answered(cast: Cast, erased: bool) -> None:
    _bluesky(cast)
    item = _item(cast, text="", author_handle="", author_name="")
    answer = cast.client_for(cast.bob).post(_url(cast, "item_answer"), {"id": item.pk})
    assert answer.status_code == 302
    assert not Conversation.objects.filter(organisation=cast.org).exists()
