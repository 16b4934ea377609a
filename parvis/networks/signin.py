"""What one OAuth sign-in gives: the accounts it can connect, each with its tokens.

Most networks give one account per sign-in (an X profile, a YouTube channel). Facebook Login
gives every Page the user manages, each with its own Page token, plus the Instagram
professional account linked to each Page; LinkedIn gives every organisation page the member
administers. Each network's provider turns its sign-in into :class:`Candidate` rows
(``Provider.sign_in_candidates``); they wait here, serialised and encrypted on the sign-in's
row, until the user picks which ones to connect (``connecting.account_connect_choose``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from parvis.core.vocabulary import Network
from parvis.networks.contracts import AccountInfo, TokenSet


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
