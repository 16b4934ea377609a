"""The composer refuses a text longer than Parvis accepts (``MAX_TEXT_LENGTH``): it says so,
saves nothing, and shows the text as typed so that it can be shortened; the live check answers
at once instead of counting it against each account."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from parvis.networks.validation import MAX_TEXT_LENGTH, NNBSP
from parvis.publishing.models import Post
from tests.conftest import Cast
from tests.publishing.ui.conftest import Accounts

TOO_LONG = "Bonjour " + "a" * MAX_TEXT_LENGTH  # 100,008 characters


def url(name: str, cast: Cast, **kwargs: object) -> str:
    return reverse(f"posts:{name}", kwargs={"org": cast.org.slug, **kwargs})


def french_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.bob)
    return client


def test_saving_a_text_over_the_maximum_is_refused_and_the_text_kept(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("new", cast), {"body": TOO_LONG, "accounts": [accounts.x.pk], "action": "save"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="text_over_maximum"' in page
    assert f"The text is 100{NNBSP}008 characters long; Parvis accepts 100{NNBSP}000" in page
    assert f">{TOO_LONG}</textarea>" in page  # what was typed, to shorten
    assert not Post.objects.filter(organisation=cast.org).exists()


def test_an_existing_draft_survives_a_text_over_the_maximum(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("autosave", cast), {"body": "Premier jet", "accounts": [accounts.x.pk]})
    post = Post.objects.get(organisation=cast.org)
    fields = {"post_id": post.pk, "version": post.version, "accounts": [accounts.x.pk]}
    saved = alice_client.post(url("autosave", cast), {**fields, "body": TOO_LONG})
    assert 'data-code="text_over_maximum"' in saved.content.decode()
    assert "Saved at" not in saved.content.decode()
    page = alice_client.post(url("edit", cast, post_id=post.pk), {**fields, "body": TOO_LONG})
    assert f">{TOO_LONG}</textarea>" in page.content.decode()
    post.refresh_from_db()
    assert post.body == "Premier jet" and post.version == 1


def test_the_maximum_itself_is_accepted(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    longest = "a" * MAX_TEXT_LENGTH
    saved = alice_client.post(url("autosave", cast), {"body": longest, "accounts": []})
    assert "Saved at" in saved.content.decode()
    assert Post.objects.get(organisation=cast.org).body == longest


def test_variants_and_first_comment_have_the_same_maximum(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    x, mastodon = accounts.x.pk, accounts.mastodon.pk
    override = alice_client.post(
        url("autosave", cast),
        {"body": "Court", "accounts": [x], f"override-{x}": TOO_LONG},
    )
    assert 'data-code="text_over_maximum"' in override.content.decode()
    comment = alice_client.post(
        url("autosave", cast), {"body": "Court", "accounts": [x], "first_comment": TOO_LONG}
    )
    assert "The first comment is 100" in comment.content.decode()
    assert not Post.objects.filter(organisation=cast.org).exists()
    # A variant of an account that is not chosen is not sent: it does not block.
    ignored = alice_client.post(
        url("autosave", cast),
        {"body": "Court", "accounts": [x], f"override-{mastodon}": TOO_LONG},
    )
    assert "Saved at" in ignored.content.decode()


def test_the_live_check_refuses_at_once_in_french(cast: Cast, accounts: Accounts) -> None:
    response = french_client(cast).post(
        url("check", cast), {"body": TOO_LONG, "accounts": [accounts.x.pk, accounts.bluesky.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-code="text_over_maximum"') == 2  # one per account
    assert (
        f"Le texte fait 100{NNBSP}008 caractères{NNBSP}; Parvis en accepte 100{NNBSP}000 au "
        f"plus{NNBSP}: raccourcissez-le."
    ) in page
    assert "data-fill=" not in page  # no adapted text computed for it
