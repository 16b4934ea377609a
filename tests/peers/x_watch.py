"""What the X fake answers to the watch's reads: users by username or id, and recent search.

Written from the X docs (wave2-apis.md §1.6, ``x-api/posts/search/integrate/operators.mdx``) and
the OpenAPI copy the fake validates against:

* ``GET /2/users/by/username/{username}`` and ``GET /2/users/{id}``: an unknown user is **200**
  with an ``errors`` array and no ``data`` (X's partial-error shape), not a 404;
* ``GET /2/tweets/search/recent``: the last 7 days only, newest first, the operators a watch
  sends — bare words (all of them, case-insensitive, on word boundaries), ``"exact phrase"``,
  ``#hashtag``, ``lang:xx``, ``-is:retweet``, ``OR`` between two terms; anything else is a
  400 as X answers an unknown operator; queries over 512 characters are refused (self-serve).
"""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.peers.x_fake import Post, XFake

SEARCH_WINDOW = 7 * 24 * 3600
QUERY_LIMIT = 512
_OPERATOR = re.compile(r"-?[a-z_]+:.*")


def user_answer(fake: XFake, user_id: str | None, asked: str, fields: list[str]) -> dict[str, Any]:
    if user_id is None:
        return {
            "errors": [
                {
                    "value": asked,
                    "detail": f"Could not find user with username: [{asked}].",
                    "title": "Not Found Error",
                    "resource_type": "user",
                    "parameter": "username",
                    "resource_id": asked,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        }
    shown = fake._user(user_id, fields)
    user = fake.users[user_id]
    for extra in ("profile_image_url", "protected"):
        if extra in fields:
            shown[extra] = user.get(extra, False if extra == "protected" else "")
    return {"data": shown}


def by_username(fake: XFake, username: str) -> str | None:
    return next(
        (uid for uid, user in fake.users.items() if user["username"].lower() == username.lower()),
        None,
    )


def search_recent(fake: XFake, params: dict[str, Any]) -> list[Post]:
    from tests.peers.x_fake import Problem, _invalid

    query = params["query"]
    if len(query) > QUERY_LIMIT:
        raise _invalid(f"Query is too long: {len(query)} characters, at most {QUERY_LIMIT}")
    try:
        terms = shlex.split(query.replace("“", '"').replace("”", '"'), posix=True)
    except ValueError as exc:
        raise _invalid(f"There were errors processing your request: {exc}") from None
    recent = [p for p in fake.posts.values() if p.created_at >= fake.now() - SEARCH_WINDOW]
    for unknown in [t for t in terms if _OPERATOR.fullmatch(t) and not _known(t)]:
        raise Problem(400, "Invalid Request", f"Reference to invalid operator '{unknown}'")
    return [p for p in recent if _matches(terms, p)]


def _known(term: str) -> bool:
    return term.startswith("lang:") or term == "-is:retweet"


def _matches(terms: list[str], post: Post) -> bool:
    groups: list[list[str]] = []
    for index, term in enumerate(terms):
        if term == "OR":
            continue
        if index > 0 and terms[index - 1] == "OR" and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    return all(any(_term(term, post) for term in group) for group in groups)


def _term(term: str, post: Post) -> bool:
    if term == "-is:retweet":
        return post.reposted is None
    if term.startswith("lang:"):
        return post.lang == term[5:]
    pattern = r"(?<![\w#])" + re.escape(term.lower()) + r"(?!\w)"
    return re.search(pattern, post.text.lower()) is not None
