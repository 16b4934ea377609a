"""The demo is one click away from every state, and ``/demo/`` opened directly explains it with
its button instead of an error (issue #16, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from parvis.accounts.gates import OrganisationClosed
from parvis.accounts.models import Organisation, User
from parvis.web import demo
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

DEMO = reverse("web:demo_start")


def logged_in(user: User, **extra: Any) -> Client:
    client = Client(**extra)
    client.force_login(user)
    return client


def demo_orgs(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(is_demo=True, memberships__user=user))


def test_a_visitor_opening_demo_gets_the_explanation_and_a_way_in() -> None:
    response = Client().get(DEMO)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Menuiserie Martin" in page
    assert f'href="{reverse("accounts:login")}?next={DEMO}"' in page
    assert reverse("accounts:signup") in page
    assert not Organisation.objects.filter(is_demo=True).exists()  # a GET creates nothing


def test_a_member_opening_demo_gets_the_button_that_posts_with_csrf(cast: Cast) -> None:
    response = logged_in(cast.charlie).get(DEMO)
    assert response.status_code == 200
    page = response.content.decode()
    form = page.split('id="demo-page"', 1)[1].split("</form>", 1)[0]
    assert f'method="post" action="{DEMO}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert "Découvrir la démo" in form
    assert demo_orgs(cast.charlie) == []


def test_the_button_refuses_a_post_without_its_csrf_token(cast: Cast) -> None:
    client = logged_in(cast.charlie, enforce_csrf_checks=True)
    assert client.post(DEMO).status_code == 403
    assert demo_orgs(cast.charlie) == []


def test_a_visitor_posting_is_sent_to_log_in_first() -> None:
    response = Client().post(DEMO)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_second_click_opens_the_same_demo_instead_of_another(cast: Cast) -> None:
    client = logged_in(cast.alice)
    first = client.post(DEMO)
    (organisation,) = demo_orgs(cast.alice)
    assert first["Location"] == reverse("web:dashboard", kwargs={"org": organisation.slug})
    cast.alice.refresh_from_db()
    assert cast.alice.last_organisation_id == organisation.pk
    # Back in her own organisation, then the demo again: the same one, made current again.
    client.post(reverse("accounts:organisation_switch", kwargs={"org": cast.org.slug}))
    again = client.post(DEMO)
    assert again["Location"] == first["Location"]
    assert demo_orgs(cast.alice) == [organisation]
    cast.alice.refresh_from_db()
    assert cast.alice.last_organisation_id == organisation.pk
    # Opened directly, the page says the button reopens it.
    page = client.get(DEMO).content.decode()
    assert "Ouvrir la démo" in page and "le bouton la rouvre" in page


def test_a_demo_being_deleted_is_replaced_by_a_fresh_one(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = logged_in(cast.alice)
    client.post(DEMO)
    (closing,) = demo_orgs(cast.alice)
    gone = OrganisationClosed(page_template="privacy/closed.html", api_detail="closed")
    monkeypatch.setattr(
        demo, "organisation_closed", lambda org: gone if org.pk == closing.pk else None
    )
    response = client.post(DEMO)
    fresh = next(org for org in demo_orgs(cast.alice) if org.pk != closing.pk)
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": fresh.slug})


def test_the_home_without_a_plan_offers_the_demo_whatever_the_memberships(cast: Cast) -> None:
    # Alice belongs to one organisation, Bob to his and Alice's: both are offered the demo.
    from parvis.accounts.services import organisation_create

    organisation_create(name="Atelier B", owner=cast.bob)
    for user in (cast.alice, cast.bob):
        page = logged_in(user).get(reverse("web:dashboard", kwargs={"org": cast.org.slug}))
        entry = page.content.decode().split('id="demo-entry"', 1)[1].split("</form>", 1)[0]
        assert f'action="{DEMO}"' in entry


def test_the_demo_home_does_not_offer_itself(cast: Cast) -> None:
    organisation = demo.demo_open(user=cast.alice)
    page = logged_in(cast.alice).get(reverse("web:dashboard", kwargs={"org": organisation.slug}))
    assert page.status_code == 200
    assert 'id="demo-entry"' not in page.content.decode()


def _switcher(user: User, organisation: Organisation) -> str:
    """The organisation switcher's entries as base.html includes them on every page."""
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "web/_org_switcher_items.html", {"organisation": organisation}, request=request
    )


def test_the_switcher_offers_the_demo_until_there_is_one_then_marks_it(cast: Cast) -> None:
    before = _switcher(cast.alice, cast.org)
    assert f'action="{DEMO}"' in before and 'id="switcher-demo"' in before
    organisation = demo.demo_open(user=cast.alice)
    after = _switcher(cast.alice, cast.org)
    assert 'id="switcher-demo"' not in after  # the demo is listed instead, marked as such
    entry = after.split(reverse("accounts:organisation_switch", kwargs={"org": organisation.slug}))
    assert 'class="badge badge-demo"' in entry[1].split("</li>", 1)[0]
    own = after.split(reverse("accounts:organisation_switch", kwargs={"org": cast.org.slug}))
    assert "badge-demo" not in own[1].split("</li>", 1)[0]


def test_the_demo_partly_failed_post_shows_which_account_failed(cast: Cast) -> None:
    from parvis.publishing.models import Post, PostTarget

    organisation = demo.demo_open(user=cast.alice)
    post = Post.objects.for_organisation(organisation).get(status=Post.Status.PARTIALLY_FAILED)
    failed = post.targets.get(status=PostTarget.Status.FAILED)
    assert post.targets.filter(status=PostTarget.Status.PUBLISHED).exists()
    client = logged_in(cast.alice)
    detail = reverse("posts:detail", kwargs={"org": organisation.slug, "post_id": post.pk})
    page = client.get(detail).content.decode()
    summary = page.split('id="partly-failed"', 1)[1].split("</p>", 1)[0]
    assert failed.account.handle in summary
    # « Retry » in the demo explains instead of queueing a post no network will ever receive.
    retry = reverse("posts:retry", kwargs={"org": organisation.slug, "post_id": post.pk})
    answer = client.post(retry, {"target": failed.pk}, follow=True).content.decode()
    assert "C’est la démo\u00a0: rien n’est envoyé à un réseau." in answer
    failed.refresh_from_db()
    assert failed.status == PostTarget.Status.FAILED


def test_a_new_user_creating_their_organisation_is_offered_the_demo(cast: Cast) -> None:
    newcomer = User.objects.create_user("claire@example.org", "pw")
    page = logged_in(newcomer).get(reverse("accounts:organisation_create")).content.decode()
    offer = page.split('class="demo-offer"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in offer and "Découvrir la démo" in offer
    assert f'action="{DEMO}"' in page.split('class="demo-offer"', 1)[0].rsplit("<form", 1)[1]
