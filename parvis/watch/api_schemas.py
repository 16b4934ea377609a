"""The watch API's shapes: competitors, the three kinds of sources with their state, the
collected items, and the bodies the endpoints accept.

Collected text (posts, articles, names) comes from strangers: it is returned as JSON strings,
never as HTML. Refusals are the API's one :class:`~parvis.core.api_schemas.ErrorOut`; bodies
derive from ``InputSchema`` (an unknown field is a 422) and bound every text to what its column
holds, so a 10,000-character search is a 422 before any work is done on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from parvis.core.api_schemas import Id, InputSchema, QuerySchema, WebLink
from parvis.core.vocabulary import Network
from parvis.networks.contracts import PublicProfile
from parvis.watch.feeds import FeedLink
from parvis.watch.models import Competitor, Feed, Item, SourceState, WatchedProfile, WatchQuery
from parvis.watch.states import state_sentence

Name = Annotated[str, Field(max_length=120)]
Words = Annotated[str, Field(max_length=300)]
Phrase = Annotated[str, Field(max_length=200)]
Handle = Annotated[str, Field(max_length=300)]
# A network a profile can be watched on ("" when missing: refused with a sentence).
ProfileNetwork = Network | Literal[""]


# --- answers ------------------------------------------------------------------------------------


class CompetitorOut(Schema):
    id: int
    name: str
    created_at: datetime
    is_demo: bool


class StateOut(Schema):
    """A source's state: ``state`` (active, paused, error) and ``error_code`` for programs,
    ``message`` the sentence the page shows (French)."""

    state: str
    error_code: str
    message: str
    paused_until: datetime | None
    last_checked_at: datetime | None
    last_success_at: datetime | None


class ProfileOut(Schema):
    id: int
    network: str
    handle: str
    remote_id: str
    display_name: str
    avatar_url: str
    page_url: str
    followers: int | None
    competitor_id: int | None  # None: one of the company's own accounts
    created_at: datetime
    is_demo: bool
    state: StateOut


class QueryOut(Schema):
    id: int
    kind: str
    description: str
    all_words: str
    any_words: str
    none_words: str
    exact_phrase: str
    hashtags: str
    language: str
    created_at: datetime
    is_demo: bool
    state: StateOut


class FeedOut(Schema):
    id: int
    url: str
    title: str
    site_url: str
    competitor_id: int | None
    created_at: datetime
    is_demo: bool
    state: StateOut


class PublicProfileOut(Schema):
    """An account as the network shows it, before it is watched."""

    remote_id: str
    handle: str
    display_name: str
    avatar_url: str
    url: str
    followers: int | None
    posts: int | None


class FeedLinkOut(Schema):
    url: str
    title: str
    type: str


class ItemOut(Schema):
    id: int
    network: str
    url: str
    title: str
    text: str
    author_id: str
    author_handle: str
    author_name: str
    published_at: datetime
    collected_at: datetime
    counters: dict[str, Any]
    language: str
    sentiment: str
    sentiment_score: float
    intents: dict[str, Any]
    category: str
    # Every source that found it: "profile:<id>", "query:<id>" or "feed:<id>".
    sources: list[str]
    is_demo: bool

    @staticmethod
    def resolve_sources(item: Item) -> list[str]:
        found = []
        for link in item.sources.all():  # prefetched by the list
            for kind in ("profile", "query", "feed"):
                source_id = getattr(link, f"{kind}_id")
                if source_id is not None:
                    found.append(f"{kind}:{source_id}")
        return sorted(found)


class LimitOut(Schema):
    used: int
    limit: int


class LimitsOut(Schema):
    plan_size: str
    competitors: LimitOut
    queries: LimitOut
    feeds: LimitOut


# --- bodies and filters -------------------------------------------------------------------------
# Bodies have defaults so that a missing field is answered by the endpoint's or the service's
# own sentence, and so that the organisation is checked before the body (as in the inbox).


class CompetitorIn(InputSchema):
    name: Name = ""


class ProfileIn(InputSchema):
    """``handle``: the account's handle or the address of its page. ``competitor_id``: whose
    account it is (none: the company's own)."""

    network: ProfileNetwork = ""
    handle: Handle = ""
    competitor_id: Id | None = None


class LookupIn(InputSchema):
    network: ProfileNetwork = ""
    handle: Handle = ""


class SourcePatch(InputSchema):
    """Whose source it is: a competitor's id, or null (the sector, or the company's own)."""

    competitor_id: Id | None = None


class QueryIn(InputSchema):
    kind: WatchQuery.Kind = WatchQuery.Kind.SECTOR
    all_words: Words = ""
    any_words: Words = ""
    none_words: Words = ""
    exact_phrase: Phrase = ""
    hashtags: Words = ""
    language: Literal["", "fr", "en"] = ""


class QueryPatch(InputSchema):
    """A search's new words: a field left out keeps its value; the result must still say
    something (a word, a phrase or a hashtag)."""

    kind: WatchQuery.Kind | None = None
    all_words: Words | None = None
    any_words: Words | None = None
    none_words: Words | None = None
    exact_phrase: Phrase | None = None
    hashtags: Words | None = None
    language: Literal["", "fr", "en"] | None = None


class FeedIn(InputSchema):
    url: WebLink = ""
    competitor_id: Id | None = None


class DiscoverIn(InputSchema):
    """A site's address: the feeds it announces (« Trouver le flux »)."""

    url: WebLink = ""


class ItemFiltersIn(QuerySchema):
    """The timeline's filters. ``source``: "profile:<id>", "query:<id>" or "feed:<id>";
    ``period``: 7, 30 or 90 days; ``q``: full-text search (every word, as a prefix)."""

    q: str = ""
    source: str = ""
    competitor: Id | None = None
    network: str = ""
    sentiment: str = ""
    period: str = ""


# --- rows as shapes -----------------------------------------------------------------------------


def state_out(source: SourceState) -> StateOut:
    return StateOut(
        state=source.state,
        error_code=source.error_code,
        message=state_sentence(source, timezone.now()),
        paused_until=source.paused_until,
        last_checked_at=source.last_checked_at,
        last_success_at=source.last_success_at,
    )


def competitor_out(c: Competitor) -> CompetitorOut:
    return CompetitorOut(id=c.pk, name=c.name, created_at=c.created_at, is_demo=c.is_demo)


def profile_out(p: WatchedProfile) -> ProfileOut:
    return ProfileOut(
        id=p.pk,
        network=p.network,
        handle=p.handle,
        remote_id=p.remote_id,
        display_name=p.display_name,
        avatar_url=p.avatar_url,
        page_url=p.page_url,
        followers=p.followers,
        competitor_id=p.competitor_id,
        created_at=p.created_at,
        is_demo=p.is_demo,
        state=state_out(p),
    )


def query_out(q: WatchQuery) -> QueryOut:
    return QueryOut(
        id=q.pk,
        kind=q.kind,
        description=str(q),
        all_words=q.all_words,
        any_words=q.any_words,
        none_words=q.none_words,
        exact_phrase=q.exact_phrase,
        hashtags=q.hashtags,
        language=q.language,
        created_at=q.created_at,
        is_demo=q.is_demo,
        state=state_out(q),
    )


def feed_out(f: Feed) -> FeedOut:
    return FeedOut(
        id=f.pk,
        url=f.url,
        title=f.title,
        site_url=f.site_url,
        competitor_id=f.competitor_id,
        created_at=f.created_at,
        is_demo=f.is_demo,
        state=state_out(f),
    )


def public_profile_out(found: PublicProfile) -> PublicProfileOut:
    return PublicProfileOut(
        remote_id=found.remote_id,
        handle=found.handle,
        display_name=found.display_name,
        avatar_url=found.avatar_url if found.avatar_url.startswith("https://") else "",
        url=found.url,
        followers=found.followers,
        posts=found.posts,
    )


def feed_link_out(link: FeedLink) -> FeedLinkOut:
    return FeedLinkOut(url=link.url, title=link.title, type=link.type)
