"""What one OAuth sign-in gives: the accounts it can connect, each with its tokens.

Most networks give one account per sign-in (an X profile, a YouTube channel). Facebook Login
gives every Page the user manages, each with its own Page token, plus the Instagram
professional account linked to each Page; LinkedIn gives every organisation page the member
administers. The callback turns the sign-in into :class:`Candidate` rows; the user then picks
which ones to connect (``services.account_connect_choose``).

This module only talks to networks through the connectors' public helpers; it knows nothing
of organisations, permissions or storage.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from parvis.core.vocabulary import Network
from parvis.networks import oauth
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.errors import Transient
from parvis.networks.registry import get_connector_class

# A Page token made from a long-lived user token never expires; from a short-lived one it
# dies with the user token. Meta's short-lived user tokens last hours, long-lived ones ~60 days.
LONG_LIVED_USER_TOKEN = timedelta(days=1)
# organizationAcls pages: 100 pages administered is far beyond any PME; stops a paging loop.
LINKEDIN_ACL_PAGE = 100
LINKEDIN_MAX_ACL_PAGES = 5


@dataclass(frozen=True)
class Candidate:
    """One account a sign-in can connect.

    ``key`` identifies it among its siblings (``facebook:<page id>``). ``parent`` is the key of
    the Page an Instagram account is linked to (Facebook Login). ``config`` is the account's
    public configuration (no secret), stored as ``SocialAccount.config``.
    """

    key: str
    kind: Network
    info: AccountInfo
    tokens: TokenSet = field(repr=False)
    api_base_url: str = ""
    refresh_expires_at: datetime | None = None
    config: dict[str, str] = field(default_factory=dict)
    can_publish: bool = True
    parent: str = ""
    detail: str = ""  # what helps the user tell it apart (a Page's category)


def dumps(candidates: list[Candidate]) -> str:
    """JSON for ``OAuthState.candidates`` (an encrypted column: tokens stay secret)."""
    rows = []
    for candidate in candidates:
        row = asdict(candidate)
        row["kind"] = candidate.kind.value
        row["tokens"]["expires_at"] = _iso(candidate.tokens.expires_at)
        row["tokens"]["scopes"] = list(candidate.tokens.scopes)
        row["refresh_expires_at"] = _iso(candidate.refresh_expires_at)
        rows.append(row)
    return json.dumps(rows)


def loads(raw: str) -> list[Candidate]:
    """The candidates :func:`dumps` wrote; an empty string is an empty list."""
    if not raw:
        return []
    out = []
    for row in json.loads(raw):
        tokens = row["tokens"]
        out.append(
            Candidate(
                key=row["key"],
                kind=Network(row["kind"]),
                info=AccountInfo(**row["info"]),
                tokens=TokenSet(
                    access_token=tokens["access_token"],
                    refresh_token=tokens["refresh_token"],
                    expires_at=_from_iso(tokens["expires_at"]),
                    scopes=tuple(tokens["scopes"]),
                    token_type=tokens["token_type"],
                ),
                api_base_url=row["api_base_url"],
                refresh_expires_at=_from_iso(row["refresh_expires_at"]),
                config=dict(row["config"]),
                can_publish=bool(row["can_publish"]),
                parent=row["parent"],
                detail=row["detail"],
            )
        )
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _conf(kind: Network, key: str) -> str:
    return str(settings.NETWORKS[kind.value][key])


# --- Facebook Login: Pages, and the Instagram account linked to each -----------------------------


def facebook_graph_url() -> str:
    """Where Graph is for Facebook Pages and Instagram accounts reached through them."""
    from parvis.networks.facebook import client

    return _conf(Network.FACEBOOK, "api_url") or client.API_BASE_URL


def facebook_candidates(
    http: httpx.Client, app: AppCredentials, *, code: str, redirect_uri: str
) -> list[Candidate]:
    """Every Page the user manages, and each Page's linked Instagram professional account
    (reached with the same Page token on graph.facebook.com)."""
    from parvis.networks.facebook import client
    from parvis.networks.facebook.login import pages_after_login
    from parvis.networks.instagram.client import profile_url

    graph_url = facebook_graph_url()
    user, pages = pages_after_login(
        http, app, code=code, redirect_uri=redirect_uri, base_url=graph_url
    )
    now = timezone.now()
    long_lived = user.expires_at is None or user.expires_at - now > LONG_LIVED_USER_TOKEN
    candidates = []
    for page in pages:
        tokens = page.tokens() if long_lived else replace(page.tokens(), expires_at=user.expires_at)
        key = f"facebook:{page.page_id}"
        candidates.append(
            Candidate(
                key=key,
                kind=Network.FACEBOOK,
                info=AccountInfo(
                    remote_id=page.page_id, handle=page.name, url=client.post_url(page.page_id)
                ),
                tokens=tokens,
                api_base_url=_conf(Network.FACEBOOK, "api_url"),
                can_publish=page.can_publish,
                detail=page.category,
            )
        )
        if page.instagram_id:
            username = page.instagram_username or page.instagram_id
            candidates.append(
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
    return candidates


# --- Business Login for Instagram: one account, 60-day token --------------------------------------


def instagram_candidates(
    http: httpx.Client, app: AppCredentials, *, code: str, redirect_uri: str
) -> list[Candidate]:
    """code -> 1-hour token -> 60-day token (renewed by the periodic refresh) -> the account."""
    from parvis.networks.instagram import client, login

    api_url = _conf(Network.INSTAGRAM, "api_url")
    token_url = _conf(Network.INSTAGRAM, "token_url") or client.TOKEN_URL
    user_id, short = login.exchange_code(
        http, app, code=code, redirect_uri=redirect_uri, token_url=token_url
    )
    host = re.sub(r"/v\d+\.\d+/?$", "", api_url.rstrip("/")) if api_url else client.INSTAGRAM_HOST
    tokens = login.long_lived_token(http, app, short.access_token, base_url=host)
    connector = get_connector_class(Network.INSTAGRAM)(
        tokens=tokens, account_id=user_id, app=app, http=http, base_url=api_url or None
    )
    info = connector.account_info()
    return [
        Candidate(
            key=f"instagram:{info.remote_id}",
            kind=Network.INSTAGRAM,
            info=info,
            tokens=connector.tokens,
            api_base_url=api_url,
            config={"login": "instagram"},
        )
    ]


# --- LinkedIn: the organisation pages the member administers --------------------------------------


def linkedin_candidates(
    http: httpx.Client,
    config: oauth.OAuthConfig,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
) -> list[Candidate]:
    """One candidate per organisation page the member administers, all sharing the member's
    tokens (LinkedIn tokens belong to the member, not to a page)."""
    from parvis.networks.linkedin import client

    tokens = oauth.exchange_code(
        http, config, app, code=code, redirect_uri=redirect_uri, code_verifier=None
    )
    # Programmatic refresh tokens live 365 days from the first sign-in and refreshing does not
    # extend them; the answer's refresh_token_expires_in is not kept by the shared OAuth code,
    # so the documented lifetime is counted from now (exact for a fresh consent).
    refresh_end = timezone.now() + client.REFRESH_TOKEN_LIFETIME if tokens.refresh_token else None
    api_url = _conf(Network.LINKEDIN, "api_url")
    connector_class = get_connector_class(Network.LINKEDIN)

    def connector(account_id: str) -> Any:
        return connector_class(
            tokens=tokens,
            account_id=account_id,
            app=app,
            http=http,
            base_url=api_url or None,
            token_url=config.token_url,
        )

    organisations: list[str] = []
    start: int | None = 0
    for _page in range(LINKEDIN_MAX_ACL_PAGES):
        if start is None:
            break
        path = client.ORGANIZATION_ACLS + client.query(
            q="roleAssignee",
            role="ADMINISTRATOR",
            state="APPROVED",
            start=start,
            count=LINKEDIN_ACL_PAGE,
        )
        body = connector("").request("GET", path).body
        for acl in client.elements(body):
            urn = client.text(acl, "organization")
            org_id = urn.rpartition(":")[2]
            if urn.startswith("urn:li:organization:") and org_id not in organisations:
                organisations.append(org_id)
        start = client.next_start(body, start, LINKEDIN_ACL_PAGE)
    candidates = []
    for org_id in organisations:
        info = connector(org_id).account_info()
        candidates.append(
            Candidate(
                key=f"linkedin:{info.remote_id}",
                kind=Network.LINKEDIN,
                info=info,
                tokens=tokens,
                api_base_url=api_url,
                refresh_expires_at=refresh_end,
            )
        )
    return candidates


# --- every other OAuth network: the connector says who signed in ---------------------------------


def single_account_candidates(
    http: httpx.Client,
    kind: Network,
    config: oauth.OAuthConfig,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
) -> list[Candidate]:
    """X, YouTube (the channel of the Google account): code -> tokens -> ``account_info``."""
    tokens = oauth.exchange_code(
        http, config, app, code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
    )
    api_url = _conf(kind, "api_url")
    connector = get_connector_class(kind)(
        tokens=tokens, app=app, http=http, base_url=api_url or None, token_url=config.token_url
    )
    info = connector.account_info()
    if not info.remote_id:
        raise Transient("the network did not say which account signed in", network=kind.value)
    return [
        Candidate(
            key=f"{kind.value}:{info.remote_id}",
            kind=kind,
            info=info,
            tokens=connector.tokens,
            api_base_url=api_url,
        )
    ]
