"""What one Facebook Login gives: every Page the user manages, each with its Page token, and
the Instagram professional account linked to each Page (reached with the same Page token on
graph.facebook.com)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from parvis.core.vocabulary import Network
from parvis.networks.contracts import AccountInfo
from parvis.networks.facebook import client
from parvis.networks.facebook.login import pages_after_login
from parvis.networks.instagram.client import profile_url
from parvis.networks.provider import SignIn
from parvis.networks.signin import Candidate

# A Page token made from a long-lived user token never expires; from a short-lived one it
# dies with the user token. Meta's short-lived user tokens last hours, long-lived ones ~60 days.
LONG_LIVED_USER_TOKEN = timedelta(days=1)


def candidates(sign_in: SignIn, *, api_url: str) -> list[Candidate]:
    """``api_url``: the operator's Graph address (a test peer), "" for Meta's."""
    graph_url = api_url or client.API_BASE_URL
    user, pages = pages_after_login(
        sign_in.http,
        sign_in.app,
        code=sign_in.code,
        redirect_uri=sign_in.redirect_uri,
        base_url=graph_url,
    )
    now = timezone.now()
    long_lived = user.expires_at is None or user.expires_at - now > LONG_LIVED_USER_TOKEN
    found = []
    for page in pages:
        tokens = page.tokens() if long_lived else replace(page.tokens(), expires_at=user.expires_at)
        key = f"facebook:{page.page_id}"
        found.append(
            Candidate(
                key=key,
                kind=Network.FACEBOOK,
                info=AccountInfo(
                    remote_id=page.page_id, handle=page.name, url=client.post_url(page.page_id)
                ),
                tokens=tokens,
                api_base_url=api_url,
                can_publish=page.can_publish,
                detail=page.category,
            )
        )
        if page.instagram_id:
            username = page.instagram_username or page.instagram_id
            found.append(
                Candidate(
                    key=f"instagram:{page.instagram_id}",
                    kind=Network.INSTAGRAM,
                    info=AccountInfo(
                        remote_id=page.instagram_id,
                        handle=username,
                        display_name=page.name,
                        url=profile_url(username) if page.instagram_username else "",
                    ),
                    tokens=tokens,
                    # The Page token works on graph.facebook.com, not graph.instagram.com.
                    api_base_url=graph_url,
                    config={"login": "facebook", "page_id": page.page_id},
                    can_publish=page.can_publish,
                    parent=key,
                )
            )
    return found
