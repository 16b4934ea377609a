"""Mastodon answers the mock does not produce: real servers' HTML and Link headers."""

from __future__ import annotations

import httpx

from parvis.networks.mastodon import client as api

# What Mastodon renders for the text
# "Bonjour @bob@exemple.fr ! https://www.parvis.fr/offre/longue?x=1 #Lyon\nL'équipe & co"
REAL_CONTENT = (
    '<p>Bonjour <span class="h-card" translate="no"><a href="https://exemple.fr/@bob" '
    'class="u-url mention">@<span>bob</span></a></span> ! <a href="https://www.parvis.fr/offre/'
    'longue?x=1" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">'
    'https://www.</span><span class="ellipsis">parvis.fr/offre/lon</span><span class="invisible">'
    'gue?x=1</span></a> <a href="https://mastodon.social/tags/Lyon" class="mention hashtag" '
    'rel="tag">#<span>Lyon</span></a></p><p>L&#39;équipe &amp; co</p>'
)


def test_plain_text_gives_back_the_full_link_and_the_lines() -> None:
    assert api.plain_text(REAL_CONTENT) == (
        "Bonjour @bob ! https://www.parvis.fr/offre/longue?x=1 #Lyon\nL'équipe & co"
    )


def test_next_page_cursor_from_the_link_header() -> None:
    headers = httpx.Headers(
        {
            "link": "<https://m.example/api/v1/notifications?max_id=109&types%5B%5D=mention>; "
            'rel="next", <https://m.example/api/v1/notifications?min_id=120>; rel="prev"'
        }
    )
    assert api.next_max_id(headers) == "109"
    only_prev = httpx.Headers({"link": '<https://m.example/api/v1/x?min_id=120>; rel="prev"'})
    assert api.next_max_id(only_prev) is None and api.next_max_id(httpx.Headers()) is None


def test_idempotency_header_is_ascii_and_stable() -> None:
    key = "post-42 — réseau:mastodon"
    value = api.idempotency_header(key)
    assert value.isascii() and value == api.idempotency_header(key)
    assert value != api.idempotency_header(key + ":first-comment")
