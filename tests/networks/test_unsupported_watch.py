"""Networks that give no access to other companies' content say so, with what works instead,
before any call (wave2-apis §1.5, §1.7)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from parvis.networks.base import Connector
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import NotSupported
from parvis.networks.facebook.connector import FacebookConnector
from parvis.networks.linkedin.connector import LinkedInConnector


def refusing_transport(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no call expected, got {request.method} {request.url}")


@pytest.mark.parametrize(
    ("connector_class", "words"),
    [
        (LinkedInConnector, "LinkedIn ne permet pas de lire les pages d’autres entreprises"),
        (FacebookConnector, "Page Public Content Access"),
    ],
)
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.public_profile("https://www.example.com/company/rival"),
        lambda c: c.public_posts("12345"),
        lambda c: c.search_posts("boulangerie"),
    ],
    ids=["profile", "posts", "search"],
)
def test_watch_is_refused_with_a_reason_to_show(
    connector_class: type[Connector], words: str, call: Callable[[Connector], object]
) -> None:
    http = httpx.Client(transport=httpx.MockTransport(refusing_transport))
    connector = connector_class(tokens=TokenSet("token"), account_id="42", http=http)
    with pytest.raises(NotSupported) as caught:
        call(connector)
    assert words in caught.value.reason and "flux de leur site" in caught.value.reason
    assert caught.value.reason in caught.value.user_message
