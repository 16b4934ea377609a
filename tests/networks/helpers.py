"""Drive a network's sign-in page the way the user's browser would, and read our pages."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import httpx
from django.test import Client

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
CONTINUE_LINK = re.compile(r'<a class="btn" href="([^"]+)" rel="noreferrer">')


def continue_url(page_html: str) -> str:
    """The network's authorisation URL from our "continue" page (the no-JavaScript path)."""
    found = CONTINUE_LINK.search(page_html)
    assert found, page_html[:2000]
    return html.unescape(found.group(1))


def mastodon_authorize(authorize_url: str, username: str) -> str:
    """Pick ``username`` on mastodon-mock's consent page; return where it redirects."""
    picker = httpx.get(authorize_url, timeout=10)
    assert picker.status_code == 200, picker.text
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(picker.text)}
    base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    answer = httpx.post(
        base + "/oauth/authorize", data={**fields, "username": username}, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def follow_callback(client: Client, location: str) -> httpx.URL:
    """Open the network's redirect (an absolute URL to our callback) with the test client."""
    url = httpx.URL(location)
    response = client.get(url.path, dict(url.params.items()))
    assert response.status_code == 302, response.content[:2000]
    return httpx.URL(response["Location"])
