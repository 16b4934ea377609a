"""The composer's « Assistant »: shown only with a language model, it shows the exact request
before sending it, sends only that request, proposes variants per network, hashtags and alt
texts the person applies, and never saves, schedules or publishes the post.

The model is the inbox's fake OpenAI-compatible endpoint (tests/inbox/test_llm_guard.py),
recording what it receives."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from parvis.inbox.ingest import inbox_settings_for
from parvis.networks.models import SocialAccount
from parvis.publishing.models import MediaAsset, Post
from tests.conftest import Cast
from tests.inbox.test_llm_guard import _answer, _Endpoint
from tests.peers.faultproxy import QuietServer
from tests.strategy.conftest import make_plan

FACEBOOK_LIMIT = "63\u202f206"
DRAFT = "Cette semaine : [nom du produit]\n\nNotre pain de campagne au levain."


class _Recording(_Endpoint):
    """The inbox's fake endpoint, keeping the JSON bodies it was sent."""

    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).bodies.append(json.loads(raw))
        type(self).calls.append(self.path)
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(type(self).body)))
        self.end_headers()
        self.wfile.write(type(self).body)


PROPOSAL = {
    "variants": {
        "facebook": "Notre pain de campagne [nom du produit] vous attend 🌾",
        "instagram": "Le levain du jour. [nom du produit]",
        "linkedin": "not asked for: ignored",
    },
    "hashtags": ["#boulangerie", "levain", "not a tag!", "#boulangerie"],
    "alt_texts": {"PICTURE": "Une miche de pain de campagne sur le comptoir.", "999": "ignored"},
}


@pytest.fixture
def model(cast: Cast, settings: Any) -> Iterator[str]:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    _Recording.body, _Recording.status, _Recording.calls, _Recording.bodies = b"", 200, [], []
    server = QuietServer(("127.0.0.1", 0), _Recording)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    stored = inbox_settings_for(cast.org.pk)
    stored.llm_base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    stored.llm_model, stored.llm_api_key = "mistral-small", "secret-key"
    stored.save()
    yield stored.llm_base_url
    server.shutdown()
    server.server_close()


@pytest.fixture
def composer(cast: Cast) -> dict[str, Any]:
    """What the composer's form holds: a draft on Facebook and Instagram with one picture."""
    facebook = SocialAccount.objects.create(
        organisation=cast.org, kind="facebook", remote_id="fb", handle="Boulangerie"
    )
    instagram = SocialAccount.objects.create(
        organisation=cast.org, kind="instagram", remote_id="ig", handle="boulangerie"
    )
    picture = MediaAsset.objects.create(
        organisation=cast.org,
        file="publishing/media/p.jpg",
        mime="image/jpeg",
        original_name="miche.jpg",
    )
    return {
        "body": DRAFT,
        "accounts": [str(facebook.pk), str(instagram.pk)],
        "media": [str(picture.pk)],
        "picture": picture,
        "facebook": facebook,
        "instagram": instagram,
    }


def _form(composer: dict[str, Any], **extra: str) -> dict[str, Any]:
    form = {k: composer[k] for k in ("body", "accounts", "media")}
    form.update(extra)
    return form


def _url(cast: Cast, name: str, **kwargs: Any) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": cast.org.slug, **kwargs})


def _bob(cast: Cast) -> Client:
    return cast.client_for(cast.bob)  # a contributor, reading French


def test_the_composer_includes_the_assistant(cast: Cast) -> None:
    page = cast.client_for(cast.alice).get(reverse("posts:new", args=[cast.org.slug]))
    html = page.content.decode()
    assert 'id="assistant"' in html and _url(cast, "assistant") in html
    assert "strategy/assistant" in html  # its script, a file: no inline script


def test_without_a_model_the_assistant_says_how_to_enable_it(cast: Cast) -> None:
    owner = cast.client_for(cast.alice).get(_url(cast, "assistant")).content.decode()
    assert "Aucun n’est configuré" in owner
    assert reverse("inbox:settings", args=[cast.org.slug]) in owner
    contributor = _bob(cast).get(_url(cast, "assistant")).content.decode()
    assert "Un responsable de l’organisation peut en configurer un" in contributor
    assert reverse("inbox:settings", args=[cast.org.slug]) not in contributor
    assert "Préparer la demande" not in owner + contributor


def test_without_a_model_nothing_can_be_prepared_or_sent(
    cast: Cast, composer: dict[str, Any]
) -> None:
    for step in ("assistant_preview", "assistant_send"):
        page = _bob(cast).post(_url(cast, step), _form(composer, digest="x")).content.decode()
        assert "Aucun n’est configuré" in page


def test_the_request_is_shown_before_anything_is_sent(
    cast: Cast, model: str, composer: dict[str, Any]
) -> None:
    make_plan(cast, sector="agrifood", b2b_share=10)
    page = _bob(cast).post(_url(cast, "assistant_preview"), _form(composer)).content.decode()
    assert _Recording.calls == []  # shown, not sent
    assert "«\u00a0mistral-small\u00a0» à 127.0.0.1" in page
    assert "Agroalimentaire" in page and "vouvoiement" in page  # the plan's sector and tone
    assert "Notre pain de campagne au levain." in page
    assert f"facebook\u00a0: {FACEBOOK_LIMIT} caractères au plus" in page
    assert "instagram\u00a0: 2\u202f200 caractères au plus" in page
    assert "miche.jpg" in page
    assert "secret-key" not in page
    assert "Envoyer au modèle" in page


def test_sending_sends_exactly_what_was_shown_and_proposes_without_saving(
    cast: Cast, model: str, composer: dict[str, Any]
) -> None:
    picture = composer["picture"]
    answer = json.dumps(PROPOSAL).replace("PICTURE", str(picture.pk))
    _Recording.body = _answer(f"```json\n{answer}\n```")
    client = _bob(cast)
    preview = client.post(_url(cast, "assistant_preview"), _form(composer)).content.decode()
    digest = preview.split("&quot;digest&quot;: &quot;")[1].split("&quot;")[0]
    posts_before = Post.objects.count()

    page = client.post(_url(cast, "assistant_send"), _form(composer, digest=digest))
    html = page.content.decode()
    assert _Recording.calls == ["/v1/chat/completions"]
    sent = _Recording.bodies[0]
    assert sent["model"] == "mistral-small"
    user = next(m["content"] for m in sent["messages"] if m["role"] == "user")
    assert DRAFT in user and "miche.jpg" in user
    for message in sent["messages"]:  # every line sent was on the preview, as it was sent
        for line in message["content"].splitlines():
            assert escape(line) in preview, line

    assert "Notre pain de campagne [nom du produit] vous attend 🌾" in html
    assert "not asked for" not in html  # only the networks of the post
    assert f'data-assistant-accounts="{composer["facebook"].pk}"' in html
    assert "#boulangerie #levain" in html and "not a tag" not in html
    assert "Une miche de pain de campagne sur le comptoir." in html and "ignored" not in html
    assert Post.objects.count() == posts_before  # nothing saved, scheduled or published
    picture.refresh_from_db()
    assert picture.alt_text == ""  # proposed, not applied


def test_a_draft_changed_since_the_preview_is_shown_again_not_sent(
    cast: Cast, model: str, composer: dict[str, Any]
) -> None:
    client = _bob(cast)
    client.post(_url(cast, "assistant_preview"), _form(composer))
    changed = _form(composer, body=DRAFT + " Et des croissants.", digest="0" * 64)
    page = client.post(_url(cast, "assistant_send"), changed).content.decode()
    assert _Recording.calls == []
    assert "Votre brouillon a changé depuis l’aperçu" in page
    assert "Et des croissants." in page


def test_an_empty_draft_says_why_nothing_is_prepared(
    cast: Cast, model: str, composer: dict[str, Any]
) -> None:
    page = _bob(cast).post(_url(cast, "assistant_preview"), _form(composer, body="  "))
    assert "Écrivez d’abord un brouillon" in page.content.decode()
    assert _Recording.calls == []


def test_an_unreadable_answer_is_a_clear_error(
    cast: Cast, model: str, composer: dict[str, Any]
) -> None:
    _Recording.body = _answer("Voici mes idées : du pain, du pain, du pain.")
    client = _bob(cast)
    preview = client.post(_url(cast, "assistant_preview"), _form(composer)).content.decode()
    digest = preview.split("&quot;digest&quot;: &quot;")[1].split("&quot;")[0]
    page = client.post(_url(cast, "assistant_send"), _form(composer, digest=digest))
    assert "Pas de proposition" in page.content.decode()
    assert "n’a pas été comprise" in page.content.decode()


def test_a_proposed_alt_text_is_applied_on_click(cast: Cast, composer: dict[str, Any]) -> None:
    picture = composer["picture"]
    url = _url(cast, "assistant_alt", media_id=picture.pk)
    page = _bob(cast).post(url, {"alt_text": " Une miche de pain. "}).content.decode()
    assert "Texte alternatif enregistré" in page
    picture.refresh_from_db()
    assert picture.alt_text == "Une miche de pain."
    empty = _bob(cast).post(url, {"alt_text": " "}).content.decode()
    assert "Le texte alternatif est vide" in empty
    picture.refresh_from_db()
    assert picture.alt_text == "Une miche de pain."
