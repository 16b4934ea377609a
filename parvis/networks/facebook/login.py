"""Facebook Login after the redirect: code -> short-lived user token -> long-lived user token ->
the Pages the user manages, each with its Page token (which does not expire).

The Django layer calls :func:`pages_after_login` on the OAuth callback, shows the Pages (and
their linked Instagram accounts) and stores the Page token of each one the user picks. The
user token itself is not needed afterwards: it expires in about 60 days and cannot be
refreshed server-side.

https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from parvis.networks import jsonread
from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.facebook import client as api
from parvis.networks.meta import graph
from parvis.networks.meta import login as meta_login
from parvis.networks.oauth import tokens_from_payload
from parvis.networks.transport import DEFAULT_POLICY, Clock, HttpPolicy, send, utc_now

PAGE_FIELDS = "id,name,category,access_token,tasks,instagram_business_account{id,username}"
MAX_PAGES_PAGES = 20  # 20 x 100 Pages: enough for any PME; stops a cursor loop
# ``grant_type=fb_exchange_token``: a user token valid about 60 days.
EXCHANGE = meta_login.Exchange(
    network="facebook",
    path=api.TOKEN_PATH,
    grant_type="fb_exchange_token",
    token_parameter="fb_exchange_token",  # noqa: S106 - a parameter name
    sends_client_id=True,
)


@dataclass(frozen=True)
class ManagedPage:
    """A Page the user manages, with the Page token to store when they pick it."""

    page_id: str
    name: str
    access_token: str = field(repr=False)
    category: str = ""
    tasks: tuple[str, ...] = ()
    instagram_id: str = ""  # the linked Instagram professional account, if any
    instagram_username: str = ""

    @property
    def can_publish(self) -> bool:
        return "CREATE_CONTENT" in self.tasks

    def tokens(self) -> TokenSet:
        """A Page token from a long-lived user token has no expiry."""
        return TokenSet(access_token=self.access_token, expires_at=None)


def _get(
    http: httpx.Client, url: str, params: dict[str, str], policy: HttpPolicy, clock: Clock
) -> Any:
    dialect = graph.GraphDialect("facebook")
    return send(http, dialect, "GET", url, params=params, policy=policy, clock=clock).body


def exchange_code(
    http: httpx.Client,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
    base_url: str = api.API_BASE_URL,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> TokenSet:
    """The callback's ``code`` -> a short-lived user token (hours). Codes are single-use, but
    Meta's endpoint is a GET: the transport may retry it only when it never left."""
    params = {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": redirect_uri,
        "code": code,
    }
    now = clock()
    body = _get(http, base_url.rstrip("/") + api.TOKEN_PATH, params, policy, clock)
    return tokens_from_payload(body, now=now, previous=None)


def list_pages(
    http: httpx.Client,
    user_token: str,
    *,
    app: AppCredentials | None = None,
    base_url: str = api.API_BASE_URL,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> list[ManagedPage]:
    """Every Page the user manages (``/me/accounts``, all cursor pages)."""
    pages: list[ManagedPage] = []
    params = {"fields": PAGE_FIELDS, "limit": "100", "access_token": user_token}
    if app is not None:  # apps set to "Require App Secret" refuse calls without it
        params["appsecret_proof"] = graph.appsecret_proof(app.client_secret, user_token)
    for _ in range(MAX_PAGES_PAGES):
        body = _get(http, base_url.rstrip("/") + api.MY_PAGES, params, policy, clock)
        for item in graph.data_list(body, "facebook"):
            instagram = jsonread.obj(item, "instagram_business_account")
            tasks = item.get("tasks")
            pages.append(
                ManagedPage(
                    page_id=jsonread.text(item, "id"),
                    name=jsonread.text(item, "name"),
                    access_token=jsonread.text(item, "access_token"),
                    category=jsonread.text(item, "category"),
                    tasks=tuple(t for t in tasks if isinstance(t, str))
                    if isinstance(tasks, list)
                    else (),
                    instagram_id=jsonread.text(instagram, "id"),
                    instagram_username=jsonread.text(instagram, "username"),
                )
            )
        after = graph.next_cursor(body)
        if after is None:
            break
        params = {**params, "after": after}
    return [page for page in pages if page.page_id and page.access_token]


def pages_after_login(
    http: httpx.Client,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
    base_url: str = api.API_BASE_URL,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> tuple[TokenSet, list[ManagedPage]]:
    """The whole callback: code -> short -> long-lived user token -> Pages with never-expiring
    Page tokens. Returns the long-lived user token too (to list Pages again within 60 days)."""
    short = exchange_code(
        http,
        app,
        code=code,
        redirect_uri=redirect_uri,
        base_url=base_url,
        clock=clock,
        policy=policy,
    )
    long = meta_login.long_lived_token(
        http,
        app,
        short.access_token,
        exchange=EXCHANGE,
        base_url=base_url,
        clock=clock,
        policy=policy,
    )
    pages = list_pages(
        http, long.access_token, app=app, base_url=base_url, clock=clock, policy=policy
    )
    return long, pages


LONG_LIVED_USER_TOKEN = timedelta(days=60)  # documented lifetime, for the UI's warning
