"""Reads for the accounts page and the API: each account's state, and what can be connected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.provider import ConnectMethod, ConnectorUnavailable, Provider
from parvis.networks.registry import provider, providers
from parvis.networks.signin import Candidate, loads

# Below this, "expires in N days" turns into a warning.
EXPIRY_WARNING = timedelta(days=7)


class State:
    CONNECTED = "connected"
    EXPIRING = "expiring"
    RECONNECT = "reconnect"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class AccountState:
    """What the page and the API say about one account. Holds no token."""

    account: SocialAccount
    state: str
    expires_in_days: int | None  # days before the user must reconnect; None = never / renewed
    rate_limited_until: datetime | None
    last_error: str
    last_error_at: datetime | None
    # When no end is known: "renewed" (Parvis refreshes it) or "never" (the token has no end,
    # like a Facebook Page token). When one is: "ends", and ``renewable`` says whether Parvis
    # renews the token before then (Instagram Login's 60-day tokens).
    forecast: str = "ends"
    renewable: bool = False
    # How it is connected again: "oauth" | "instance" | "app_password" (ConnectMethod).
    method: str = ConnectMethod.OAUTH.value
    reconnect_kind: str = ""  # whose sign-in connects it again (Facebook, for an Instagram
    # account reached through its Page)


def account_state(account: SocialAccount, now: datetime | None = None) -> AccountState:
    """The most urgent thing to say about ``account``: reconnect > rate limit > error >
    expiring soon > connected."""
    now = now or timezone.now()
    network = _provider_of(account)
    left = account.expires_in(now)
    days = None if left is None else max(0, left.days)
    limited = account.rate_limited_until if account.is_rate_limited(now) else None
    if account.status == SocialAccount.Status.DISCONNECTED:
        state = State.DISCONNECTED
    elif account.status == SocialAccount.Status.RECONNECT or (
        left is not None and left <= timedelta()
    ):
        state = State.RECONNECT
    elif limited is not None:
        state = State.RATE_LIMITED
    elif account.last_error:
        state = State.ERROR
    elif left is not None and left < EXPIRY_WARNING:
        state = State.EXPIRING
    else:
        state = State.CONNECTED
    if left is not None:
        forecast = "ends"
    elif account.refresh_token:
        forecast = "renewed"
    else:
        forecast = "never"
    return AccountState(
        account=account,
        state=state,
        expires_in_days=days,
        rate_limited_until=limited,
        last_error=account.last_error,
        last_error_at=account.last_error_at,
        forecast=forecast,
        renewable=account.refresh_token == ""
        and account.token_expires_at is not None
        and network is not None
        and network.renews_without_refresh_token,
        method=network.connect_method.value if network is not None else ConnectMethod.OAUTH.value,
        reconnect_kind=network.reconnect_kind(account).value if network is not None else "",
    )


def _provider_of(account: SocialAccount) -> Provider | None:
    try:
        return provider(account.kind)
    except ConnectorUnavailable:
        return None


def account_states(
    organisation: Organisation, *, include_disconnected: bool = False
) -> list[AccountState]:
    accounts = SocialAccount.objects.for_organisation(organisation)
    if not include_disconnected:
        accounts = accounts.exclude(status=SocialAccount.Status.DISCONNECTED)
    now = timezone.now()
    return [account_state(account, now) for account in accounts]


@dataclass(frozen=True)
class NetworkOption:
    """One network on the accounts page: can it be connected here, and how."""

    provider: Provider
    enabled: bool
    configured: bool  # app credentials present (always true without Parvis' own app)
    available: bool  # the connector is written and importable

    @property
    def kind(self) -> Network:
        return self.provider.kind

    @property
    def label(self) -> str:
        return self.provider.label

    @property
    def method(self) -> str:
        return self.provider.connect_method.value

    @property
    def hint(self) -> str:
        return str(self.provider.connect_hint)

    @property
    def ready(self) -> bool:
        return self.enabled and self.configured and self.available

    @property
    def env_prefix(self) -> str:
        return self.provider.env_prefix


def network_options() -> list[NetworkOption]:
    """Every network, in the registry's order (the open networks first)."""
    options = []
    for network in providers():
        oauth = network.connect_method is ConnectMethod.OAUTH
        options.append(
            NetworkOption(
                provider=network,
                enabled=network.enabled(),
                configured=not oauth or network.app_credentials() is not None,
                # Networks connected without Parvis' own app connect without their connector:
                # only publishing needs it.
                available=not oauth or network.is_available(),
            )
        )
    return options


@dataclass(frozen=True)
class ChoiceRow:
    """One line of the account picker: a Page (or LinkedIn page, channel...) and, for a
    Facebook Page, its linked Instagram account."""

    candidate: Candidate
    linked: Candidate | None

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self.candidate.kind]


def connection_choice(attempt: OAuthState) -> list[ChoiceRow]:
    """The accounts a sign-in left to choose from, Instagram accounts under their Page."""
    candidates = loads(attempt.candidates)
    children = {c.parent: c for c in candidates if c.parent}
    parents = {c.key for c in candidates if not c.parent}
    rows = [ChoiceRow(c, children.get(c.key)) for c in candidates if not c.parent]
    # An Instagram account whose Page is not in the list (should not happen) still shows.
    rows += [ChoiceRow(c, None) for c in candidates if c.parent and c.parent not in parents]
    return rows
