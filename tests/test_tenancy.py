"""Every URL and every API endpoint, tried by a member of another organisation.

This file must grow with the product: a new URL pattern that takes an organisation fails
``test_every_url_is_classified`` until its object arguments are listed in ``FOREIGN_OBJECTS``,
and a new URL without an organisation must be added to ``PUBLIC_OR_PERSONAL`` on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parvis.accounts.models import ApiKey, Invitation
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create, invitation_create
from parvis.api import api
from tests.conftest import Cast

# URL names that take no organisation: reachable anonymously or about the user themself.
PUBLIC_OR_PERSONAL = {
    "web:home",
    "web:demo_start",
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:invitation_accept",
    "accounts:language_set",
    "accounts:organisation_create",
    "api:openapi-json",
    "api:openapi-view",
    # The OAuth redirect URI registered with each network cannot name an organisation: the
    # login-protected callback finds it from the single-use state its user started.
    "networks:oauth_callback",
    # Webhook receivers: called by the networks, authenticated by their signature only.
    "networks:webhook_meta",
    "networks:webhook_x",
    "networks:webhook_linkedin",
    # The iCal feed is read by calendar apps without a session: its secret token is the key.
    "publishing:ical_feed",
    # Media that Instagram and Facebook download by URL: the signed, expiring token is the key.
    "posts:media_public",
    # Deleting one's own account: about the logged-in user, whatever their organisations.
    "privacy:account_delete",
}


def _foreign_invitation(cast: Cast) -> int:
    issued = invitation_create(
        membership=cast.charlie_membership, email="x@example.org", role=Role.VIEWER
    )
    return issued.invitation.pk


def _foreign_api_key(cast: Cast) -> int:
    return api_key_create(membership=cast.charlie_membership, name="c", role=Role.VIEWER).api_key.pk


def _foreign_social_account(cast: Cast) -> int:
    from parvis.networks.models import SocialAccount

    account, _created = SocialAccount.objects.get_or_create(
        organisation=cast.other_org, kind="mastodon", remote_id="c1", handle="@c@example.org"
    )
    return account.pk


def _foreign_post(cast: Cast) -> int:
    from parvis.publishing.models import Post

    return Post.objects.create(organisation=cast.other_org, author=cast.charlie, body="C").pk


def _foreign_conversation(cast: Cast) -> int:
    from django.utils import timezone

    from parvis.inbox.models import Conversation

    conversation, _created = Conversation.objects.get_or_create(
        organisation=cast.other_org,
        account_id=_foreign_social_account(cast),
        thread_key="t:c:c",
        defaults={"kind": "comment", "last_message_at": timezone.now()},
    )
    return conversation.pk


def _foreign_reply(cast: Cast) -> int:
    from parvis.inbox.models import Reply

    return Reply.objects.create(
        organisation=cast.other_org,
        conversation_id=_foreign_conversation(cast),
        text="C",
        status=Reply.Status.UNCONFIRMED,
    ).pk


def _foreign_saved_reply(cast: Cast) -> int:
    from parvis.inbox.models import SavedReply

    return SavedReply.objects.create(organisation=cast.other_org, name="C", text="C").pk


def _foreign_routine_task(cast: Cast) -> int:
    from parvis.strategy.models import RoutineTask
    from tests.strategy.conftest import foreign_routine_task

    task: RoutineTask = foreign_routine_task(cast)
    return task.pk


def _foreign_media(cast: Cast) -> int:
    from parvis.publishing.models import MediaAsset

    return MediaAsset.objects.create(
        organisation=cast.other_org, file="publishing/media/c.png", mime="image/png"
    ).pk


def _foreign_queue_slot(cast: Cast) -> int:
    from datetime import time

    from parvis.publishing.models import QueueSlot

    return QueueSlot.objects.create(organisation=cast.other_org, weekday=1, local_time=time(9)).pk


def _foreign_oauth_attempt(cast: Cast) -> int:
    """A sign-in Charlie finished in his organisation, its accounts waiting to be chosen."""
    from django.utils import timezone

    from parvis.networks.models import OAuthState

    attempt, _created = OAuthState.objects.get_or_create(
        organisation=cast.other_org,
        state="charlie-attempt",
        defaults={
            "kind": "facebook",
            "user": cast.charlie,
            "redirect_uri": "https://parvis.example/networks/oauth/facebook/callback/",
            "used_at": timezone.now(),
            "candidates": "[]",
        },
    )
    return attempt.pk


def _foreign_competitor(cast: Cast) -> int:
    from parvis.watch.models import Competitor

    found, _created = Competitor.objects.get_or_create(organisation=cast.other_org, name="C")
    return found.pk


def _foreign_watched_profile(cast: Cast) -> int:
    from parvis.watch.models import WatchedProfile

    found, _created = WatchedProfile.objects.get_or_create(
        organisation=cast.other_org, network="bluesky", remote_id="did:c", defaults={"handle": "c"}
    )
    return found.pk


def _foreign_watch_query(cast: Cast) -> int:
    from parvis.watch.models import WatchQuery

    found, _created = WatchQuery.objects.get_or_create(organisation=cast.other_org, hashtags="#p")
    return found.pk


def _foreign_feed(cast: Cast) -> int:
    from parvis.watch.models import Feed

    found, _created = Feed.objects.get_or_create(
        organisation=cast.other_org, url="https://autre.example/rss"
    )
    return found.pk


# For each URL argument naming an object: make such an object in Charlie's organisation.
FOREIGN_OBJECTS: dict[str, Callable[[Cast], object]] = {
    "membership_id": lambda cast: cast.charlie_membership.pk,
    "invitation_id": _foreign_invitation,
    "key_id": _foreign_api_key,
    "account_id": _foreign_social_account,
    "post_id": _foreign_post,
    "conversation_id": _foreign_conversation,
    "reply_id": _foreign_reply,
    "saved_reply_id": _foreign_saved_reply,
    "task_id": _foreign_routine_task,
    "media_id": _foreign_media,
    "slot_id": _foreign_queue_slot,
    "attempt_id": _foreign_oauth_attempt,
    "competitor_id": _foreign_competitor,
    "profile_id": _foreign_watched_profile,
    "query_id": _foreign_watch_query,
    "feed_id": _foreign_feed,
}


@dataclass(frozen=True)
class Route:
    name: str
    arguments: tuple[str, ...]


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            arguments = tuple(re.findall(r"<(?:\w+:)?(\w+)>", str(entry.pattern)))
            yield Route(f"{namespace}{entry.name}", arguments)


def all_routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.name.startswith("api:")]


def org_routes() -> list[Route]:
    return [r for r in all_routes() if "org" in r.arguments]


def test_every_url_is_classified() -> None:
    for route in all_routes():
        if "org" in route.arguments:
            unknown = set(route.arguments) - {"org"} - set(FOREIGN_OBJECTS)
            assert not unknown, f"{route.name}: add {unknown} to FOREIGN_OBJECTS"
        else:
            assert route.name in PUBLIC_OR_PERSONAL, f"{route.name} is not classified"


def _url(route: Route, slug: str, cast: Cast) -> str:
    kwargs: dict[str, object] = {"org": slug}
    for argument in route.arguments:
        if argument != "org":
            kwargs[argument] = FOREIGN_OBJECTS[argument](cast)
    return reverse(route.name, kwargs=kwargs)


DENIED = {403, 404}


@pytest.mark.parametrize("route", org_routes(), ids=lambda r: r.name)
def test_member_of_another_organisation_is_refused(cast: Cast, route: Route) -> None:
    client = cast.client_for(cast.alice)
    url = _url(route, cast.other_org.slug, cast)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in DENIED | {405}, (url, response.status_code)
    assert client.post(url).status_code in DENIED or client.get(url).status_code in DENIED


@pytest.mark.parametrize(
    "route", [r for r in org_routes() if len(r.arguments) > 1], ids=lambda r: r.name
)
def test_objects_of_another_organisation_are_not_found(cast: Cast, route: Route) -> None:
    """Alice's own organisation in the URL, Charlie's object id: still nothing."""
    client = cast.client_for(cast.alice)
    url = _url(route, cast.org.slug, cast)
    for method in (client.get, client.post):
        assert method(url).status_code in DENIED | {405}, url
    assert ApiKey.objects.filter(organisation=cast.other_org, revoked_at__isnull=False).count() == 0
    assert not Invitation.objects.filter(organisation=cast.other_org, revoked_at__isnull=False)


@pytest.mark.parametrize("route", org_routes(), ids=lambda r: r.name)
def test_anonymous_visitor_is_sent_to_log_in(cast: Cast, route: Route) -> None:
    response = Client().get(_url(route, cast.org.slug, cast))
    assert response.status_code in {302, 405}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_api_operation_is_scoped() -> None:
    for _method, path in api_operations():
        assert "{org}" in path, f"{path} is not under /o/{{org}}/: classify it here on purpose"


def _api_url(path: str, slug: str, cast: Cast) -> str:
    url = path.replace("{org}", slug)
    for argument in re.findall(r"{(\w+)}", url):
        url = url.replace(f"{{{argument}}}", str(FOREIGN_OBJECTS[argument](cast)))
    return url


def _api_denied(cast: Cast, method: str, url: str) -> None:
    """Alice's session and an owner key of hers both get 403/404. Every method sends the same
    empty JSON object (the test client would send no body at all for PUT and PATCH), so the
    answer is about the organisation, not about a body that could not be parsed."""
    own_key = api_key_create(membership=cast.alice_membership, name="a", role=Role.OWNER).secret
    session = cast.client_for(cast.alice)
    response = getattr(session, method)(url, {}, content_type="application/json")
    assert response.status_code in DENIED, (url, response.status_code)
    response = getattr(Client(), method)(
        url, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {own_key}"
    )
    assert response.status_code in DENIED, (url, response.status_code)


@pytest.mark.parametrize(("method", "path"), api_operations())
def test_api_refuses_another_organisation(cast: Cast, method: str, path: str) -> None:
    _api_denied(cast, method, _api_url(path, cast.other_org.slug, cast))


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p in api_operations() if p.count("{") > 1]
)
def test_api_does_not_reach_objects_of_another_organisation(
    cast: Cast, method: str, path: str
) -> None:
    """Alice's own organisation in the path, Charlie's object ids: still nothing."""
    _api_denied(cast, method, _api_url(path, cast.org.slug, cast))


# Rows that point at an organisation without belonging to it alone: a membership joins a user
# and an organisation (reached through both), the audit log is written by the kernel itself.
NOT_ORGANISATION_OWNED = {"accounts.Membership", "core.AuditEvent", "accounts.User"}


def test_every_model_with_an_organisation_uses_the_scoping_base() -> None:
    from django.apps import apps

    from parvis.accounts.models import Organisation
    from parvis.core.models import OrganisationOwned

    for model in apps.get_models():
        points_at_organisation = any(
            getattr(field, "related_model", None) is Organisation
            for field in model._meta.get_fields()
            if field.concrete and field.is_relation and field.many_to_one
        )
        label = model._meta.label
        if points_at_organisation and label not in NOT_ORGANISATION_OWNED:
            assert issubclass(model, OrganisationOwned), f"{label} must derive OrganisationOwned"
