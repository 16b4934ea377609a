"""REST endpoints of the networks app: connected accounts and their state, never their tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from parvis.accounts.api_auth import org_access
from parvis.accounts.roles import Role
from parvis.core.api_schemas import OrgSlug, responses
from parvis.networks.selectors import AccountState, account_states

router = Router(tags=["social accounts"])


class SocialAccountOut(Schema):
    id: int
    network: str
    handle: str
    display_name: str
    url: str
    state: str
    status: str
    expires_in_days: int | None
    # "ends" (see expires_in_days), "renewed" (Parvis refreshes it) or "never" (no end).
    forecast: str
    rate_limited_until: datetime | None
    last_error: str
    last_error_at: datetime | None
    connected_at: datetime


def _out(state: AccountState) -> SocialAccountOut:
    account = state.account
    return SocialAccountOut(
        id=account.pk,
        network=account.kind,
        handle=account.handle,
        display_name=account.display_name,
        url=account.url,
        state=state.state,
        status=account.status,
        expires_in_days=state.expires_in_days,
        forecast=state.forecast,
        rate_limited_until=state.rate_limited_until,
        last_error=state.last_error,
        last_error_at=state.last_error_at,
        connected_at=account.connected_at,
    )


@router.get(
    "/o/{org}/accounts/",
    response=responses({200: list[SocialAccountOut]}),
    summary="Connected social accounts and their state (connected, expiring, must reconnect...)",
)
def social_account_list(request: HttpRequest, org: OrgSlug) -> list[SocialAccountOut]:
    access = org_access(request, org, Role.VIEWER)
    return [_out(state) for state in account_states(access.organisation)]
