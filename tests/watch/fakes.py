"""A scripted connector for the watch's collection tests.

It derives from the real :class:`~parvis.networks.base.Connector` (so the collector meets the
same interface and error taxonomy) and answers the three watch operations from what a test put
in it: profiles by handle or id, posts by profile id, search results by query. An entry that is
an exception is raised instead, which is how tests play 429s, expired tokens and private
accounts. ``calls`` records every call in order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parvis.core.vocabulary import Network
from parvis.networks.base import Connector
from parvis.networks.contracts import (
    AccountInfo,
    Draft,
    Page,
    PublicPost,
    PublicProfile,
    PublishResult,
    TokenSet,
)
from parvis.networks.registry import provider

Answer = object  # a value, or an exception to raise


class FakeWatchConnector(Connector):
    kind = Network.BLUESKY
    capabilities = provider(Network.BLUESKY).capabilities
    api_base_url = "https://fake.invalid"

    def __init__(self) -> None:
        super().__init__(tokens=TokenSet(access_token="fake"))
        self.profiles: dict[str, Answer] = {}
        self.posts: dict[str, Answer] = {}
        self.searches: dict[str, Answer] = {}
        self.calls: list[tuple[str, str]] = []
        self.closed = False

    def close(self) -> None:
        self.closed = True
        super().close()

    @staticmethod
    def _answer(answer: Answer) -> object:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        self.calls.append(("profile", handle_or_url))
        answer = self._answer(self.profiles[handle_or_url])
        assert isinstance(answer, PublicProfile)
        return answer

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        self.calls.append(("posts", profile_id))
        answer = self._answer(self.posts.get(profile_id, ()))
        assert isinstance(answer, tuple)
        return Page(items=answer)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        self.calls.append(("search", query))
        answer = self._answer(self.searches.get(query, ()))
        assert isinstance(answer, tuple)
        return Page(items=answer)

    # Publishing is not what these tests exercise.
    def account_info(self) -> AccountInfo:
        raise NotImplementedError

    def publish(self, draft: Draft) -> PublishResult:
        raise NotImplementedError

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        raise NotImplementedError


def post(
    remote_id: str, text: str, *, author: str = "atelier.bsky.social", hours_ago: float = 1
) -> PublicPost:
    return PublicPost(
        remote_id=remote_id,
        url=f"https://bsky.app/profile/{author}/post/{remote_id.rsplit('/', 1)[-1]}",
        text=text,
        created_at=datetime.now(UTC) - timedelta(hours=hours_ago),
        author_id=f"did:plc:{author.split('.')[0]}",
        author_handle=author,
        author_name=author.split(".")[0].title(),
        counters={"like_count": 3},
    )


def profile(handle: str, *, followers: int = 1200) -> PublicProfile:
    return PublicProfile(
        remote_id=f"did:plc:{handle.split('.')[0]}",
        handle=handle,
        display_name=handle.split(".")[0].title(),
        avatar_url=f"https://cdn.bsky.app/img/avatar/{handle}.jpg",
        url=f"https://bsky.app/profile/{handle}",
        followers=followers,
    )
