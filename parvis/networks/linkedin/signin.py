"""What one LinkedIn sign-in gives: every organisation page the member administers, all sharing
the member's tokens (LinkedIn tokens belong to the member, not to a page)."""

from __future__ import annotations

from django.utils import timezone

from parvis.core.vocabulary import Network
from parvis.networks import jsonread, oauth
from parvis.networks.base import Connector
from parvis.networks.linkedin import client
from parvis.networks.provider import SignIn
from parvis.networks.signin import Candidate

# organizationAcls pages: 100 pages administered is far beyond any PME; stops a paging loop.
ACL_PAGE = 100
MAX_ACL_PAGES = 5


def candidates(
    sign_in: SignIn, *, connector_class: type[Connector], api_url: str
) -> list[Candidate]:
    """``api_url``: the operator's address (a test peer), "" for LinkedIn's."""
    tokens = oauth.exchange_code(
        sign_in.http,
        sign_in.config,
        sign_in.app,
        code=sign_in.code,
        redirect_uri=sign_in.redirect_uri,
        code_verifier=None,
    )
    # Programmatic refresh tokens live 365 days from the first sign-in and refreshing does not
    # extend them; the answer's refresh_token_expires_in is not kept by the shared OAuth code,
    # so the documented lifetime is counted from now (exact for a fresh consent).
    refresh_end = timezone.now() + client.REFRESH_TOKEN_LIFETIME if tokens.refresh_token else None

    def connector(account_id: str) -> Connector:
        return connector_class(
            tokens=tokens,
            account_id=account_id,
            app=sign_in.app,
            http=sign_in.http,
            base_url=api_url or None,
            token_url=sign_in.config.token_url,
        )

    found = []
    for org_id in _administered(connector("")):
        info = connector(org_id).account_info()
        found.append(
            Candidate(
                key=f"linkedin:{info.remote_id}",
                kind=Network.LINKEDIN,
                info=info,
                tokens=tokens,
                api_base_url=api_url,
                refresh_expires_at=refresh_end,
            )
        )
    return found


def _administered(member: Connector) -> list[str]:
    """The ids of the organisations the member administers (``organizationAcls``)."""
    organisations: list[str] = []
    start: int | None = 0
    for _page in range(MAX_ACL_PAGES):
        if start is None:
            break
        path = client.ORGANIZATION_ACLS + client.query(
            q="roleAssignee", role="ADMINISTRATOR", state="APPROVED", start=start, count=ACL_PAGE
        )
        body = member.request("GET", path).body
        for acl in client.elements(body):
            urn = jsonread.text(acl, "organization")
            org_id = urn.rpartition(":")[2]
            if urn.startswith("urn:li:organization:") and org_id not in organisations:
                organisations.append(org_id)
        start = client.next_start(body, start, ACL_PAGE)
    return organisations
