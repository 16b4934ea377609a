"""Connecting social accounts: the three ways a network lets Parvis in, for every network.

* ``oauth`` — the person signs in on the network, which sends them back with a code
  (:func:`account_connect_oauth_start`, :func:`account_connect_oauth_finish`);
* ``instance`` — the person names their server; Parvis registers there once (kept for every
  organisation), then runs the same OAuth flow on it (:func:`account_connect_instance`);
* ``app_password`` — a handle and an app password open a session, the password used for that
  one call and never stored (:func:`account_connect_app_password`).

What differs between networks (endpoints, the accounts one sign-in gives, messages) is asked of
the network's provider. Every workflow checks the caller's role (managers and owners connect)
and writes the audit log; tokens and passwords never reach a log line, an audit entry or an
exception message.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import httpx
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.accounts.selectors import membership_in
from parvis.core.audit import audit_record
from parvis.core.guarded_http import AddressRefused, check_url, guarded_client
from parvis.core.vocabulary import Network
from parvis.networks import oauth, signin
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, Rejected
from parvis.networks.models import MastodonInstanceApp, OAuthState, SocialAccount
from parvis.networks.provider import ConnectMethod, ConnectorUnavailable, Provider, SignIn
from parvis.networks.registry import provider

logger = logging.getLogger(__name__)


class ConnectFailed(Exception):
    """A connection could not be made; ``str(exc)`` is a sentence for the user (translated)."""


def require_manager(membership: Membership) -> None:
    if not membership.can(Role.MANAGER):
        raise PermissionDenied(_("Only managers and owners connect or disconnect accounts."))


def _network(kind: Network, method: ConnectMethod) -> Provider:
    """The provider of ``kind`` if it connects with ``method`` and is enabled here."""
    try:
        found = provider(kind)
    except ConnectorUnavailable as exc:
        raise ConnectFailed(_("This network is not connected through a sign-in page.")) from exc
    if found.connect_method is not method:
        raise ConnectFailed(_("This network is not connected through a sign-in page."))
    if not found.enabled():
        raise ConnectFailed(
            _("%(network)s is not enabled on this Parvis.") % {"network": found.label}
        )
    return found


def oauth_callback_url(kind: Network, base_url: str) -> str:
    """The address to register with the network as the app's redirect URI."""
    return base_url.rstrip("/") + reverse("networks:oauth_callback", kwargs={"kind": kind.value})


def normalise_server_url(value: str) -> str:
    """``mastodon.social``, ``https://mastodon.social/about`` → ``https://mastodon.social``.

    The one check of :func:`parvis.core.guarded_http.check_url`: HTTPS, and a host whose every
    address is public, unless the operator allowed its range (``PARVIS_HTTP_ALLOW_PRIVATE``,
    where plain http is accepted too). Raises ValueError with a neutral message otherwise.
    """
    value = value.strip()
    if "://" not in value:
        value = "https://" + value
    try:
        url = check_url(value, require_https=True)
    except AddressRefused as exc:
        raise ValueError(str(exc)) from None
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


def _oauth_config(network: Provider) -> oauth.OAuthConfig:
    try:
        config = network.oauth_config()
    except ConnectorUnavailable as exc:
        raise ConnectFailed(
            _("Parvis cannot connect %(network)s accounts yet.") % {"network": network.label}
        ) from exc
    if config is None:
        raise ConnectFailed(_("This network is not connected through a sign-in page."))
    return config


def _app_for(network: Provider) -> AppCredentials:
    app = network.app_credentials()
    if app is None:
        raise ConnectFailed(
            _("%(network)s has no app credentials: set %(prefix)sCLIENT_ID and CLIENT_SECRET.")
            % {"network": network.label, "prefix": network.env_prefix}
        )
    return app


# --- oauth, and instance (OAuth on the person's own server) --------------------------------------


def account_connect_oauth_start(*, membership: Membership, kind: Network, base_url: str) -> str:
    """Remember a fresh ``state`` (and PKCE verifier) server-side; return the URL to send the
    user to. ``base_url`` is Parvis' address as the browser sees it."""
    require_manager(membership)
    network = _network(kind, ConnectMethod.OAUTH)
    config, app = _oauth_config(network), _app_for(network)
    return _authorisation(membership, kind, config, app, base_url, instance_app=None)


def account_connect_instance(
    *, membership: Membership, kind: Network, instance_url: str, base_url: str
) -> str:
    """Register Parvis on the person's server once (kept for every organisation), then start
    its OAuth flow; returns the server's authorisation URL."""
    require_manager(membership)
    network = _network(kind, ConnectMethod.INSTANCE)
    try:
        server = normalise_server_url(instance_url)
    except ValueError as exc:
        raise ConnectFailed(str(network.not_a_server)) from exc
    redirect_uri = oauth_callback_url(kind, base_url)
    instance_app = _instance_app(network, server, redirect_uri)
    app = AppCredentials(instance_app.client_id, instance_app.client_secret)
    config = network.instance_oauth_config(server)
    return _authorisation(membership, kind, config, app, base_url, instance_app=instance_app)


def _instance_app(network: Provider, server: str, redirect_uri: str) -> MastodonInstanceApp:
    found = MastodonInstanceApp.objects.filter(base_url=server, redirect_uri=redirect_uri).first()
    if found is not None:
        return found
    try:
        with guarded_client() as http:
            app = network.instance_register_app(http, server, redirect_uri=redirect_uri)
    except ConnectorError as exc:
        raise ConnectFailed(
            _("The server %(server)s did not accept Parvis: %(reason)s")
            % {"server": server, "reason": exc.user_message}
        ) from exc
    try:
        with transaction.atomic():
            return MastodonInstanceApp.objects.create(
                base_url=server,
                redirect_uri=redirect_uri,
                client_id=app.client_id,
                client_secret=app.client_secret,
                scopes=" ".join(network.instance_oauth_config(server).scopes),
            )
    except IntegrityError:  # registered meanwhile by another request: use that one
        return MastodonInstanceApp.objects.get(base_url=server, redirect_uri=redirect_uri)


def _authorisation(
    membership: Membership,
    kind: Network,
    config: oauth.OAuthConfig,
    app: AppCredentials,
    base_url: str,
    *,
    instance_app: MastodonInstanceApp | None,
) -> str:
    redirect_uri = oauth_callback_url(kind, base_url)
    request = oauth.authorization_request(config, app, redirect_uri=redirect_uri)
    OAuthState.objects.create(
        organisation=membership.organisation,
        user=membership.user,
        kind=kind.value,
        state=request.state,
        code_verifier=request.code_verifier or "",
        redirect_uri=redirect_uri,
        instance_app=instance_app,
    )
    return request.url


def _claim_state(*, user: User, kind: Network, state: str) -> OAuthState:
    """The pending authorisation ``state`` names, used up now (a callback replayed fails)."""
    row: OAuthState | None = (
        OAuthState.objects.select_related("organisation", "instance_app")
        .filter(state=state, kind=kind.value, user=user)
        .first()
    )
    used = 0
    if row is not None and row.is_usable():
        used = OAuthState.objects.filter(pk=row.pk, used_at=None).update(used_at=timezone.now())
    if row is None or not used:
        raise ConnectFailed(_("This connection attempt has expired or is not yours: start again."))
    return row


@dataclass(frozen=True)
class OAuthOutcome:
    """What a callback did: connected ``accounts`` at once, or left a ``choice`` to make."""

    accounts: list[SocialAccount]
    choice: OAuthState | None = None


def account_connect_oauth_finish(
    *, user: User, kind: Network, state: str, code: str, error: str = ""
) -> OAuthOutcome:
    """The network sent the user back: trade the code and find the accounts it gives.

    One account is stored at once. Several (Facebook Pages and their Instagram accounts,
    LinkedIn pages...) are kept, encrypted, on the authorisation row for the user to choose
    from (:func:`account_connect_choose`); a provider may always ask (Facebook, so the user
    decides about each Page's Instagram account).
    """
    pending = _claim_state(user=user, kind=kind, state=state)
    membership = membership_in(user, pending.organisation.slug)
    if membership is None:
        raise PermissionDenied
    require_manager(membership)
    network = provider(kind)
    if error or not code:
        raise ConnectFailed(
            _("%(network)s did not give access (%(error)s): nothing was connected.")
            % {"network": network.label, "error": error or _("no code")}
        )
    try:
        with guarded_client() as http:
            candidates = _exchange(http, pending, network, code)
    except ConnectorError as exc:
        if pending.instance_app is not None and isinstance(exc, Rejected):
            # The server forgot our app (reset, or the admin removed it): register again next time.
            pending.instance_app.delete()
        logger.warning("oauth finish failed for %s: %s", kind.value, type(exc).__name__)
        raise ConnectFailed(exc.user_message) from exc
    if not candidates:
        raise ConnectFailed(
            str(network.nothing_to_connect)
            if network.nothing_to_connect is not None
            else _("%(network)s gave no account to connect.") % {"network": network.label}
        )
    if network.always_choose or len(candidates) > 1:
        pending.candidates = signin.dumps(candidates)
        pending.save(update_fields=["candidates"])
        return OAuthOutcome(accounts=[], choice=pending)
    return OAuthOutcome(accounts=[_store_candidate(membership, candidates[0])])


def _exchange(
    http: httpx.Client, pending: OAuthState, network: Provider, code: str
) -> list[signin.Candidate]:
    verifier = pending.code_verifier or None
    instance = pending.instance_app
    if instance is not None:
        server = instance.base_url
        app = AppCredentials(instance.client_id, instance.client_secret)
        tokens = oauth.exchange_code(
            http,
            network.instance_oauth_config(server),
            app,
            code=code,
            redirect_uri=pending.redirect_uri,
            code_verifier=verifier,
        )
        info = network.instance_account_info(http, server, tokens)
        key = f"{network.kind.value}:{info.remote_id}"
        return [signin.Candidate(key, network.kind, info, tokens, api_base_url=server)]
    sign_in = SignIn(
        http=http,
        config=_oauth_config(network),
        app=_app_for(network),
        code=code,
        redirect_uri=pending.redirect_uri,
        code_verifier=verifier,
    )
    return network.sign_in_candidates(sign_in)


def account_connect_choose(
    *, membership: Membership, attempt: OAuthState, keys: Collection[str]
) -> list[SocialAccount]:
    """Connect the candidates ``keys`` names among those the sign-in ``attempt`` left; the
    others are forgotten with their tokens. Only the user who signed in may choose, once."""
    require_manager(membership)
    if attempt.organisation_id != membership.organisation_id or attempt.user_id != (
        membership.user_id
    ):
        raise PermissionDenied
    if not keys:
        raise ConnectFailed(_("Tick at least one account to connect."))
    with transaction.atomic():
        row = OAuthState.objects.select_for_update().filter(pk=attempt.pk).first()
        if row is None or not row.is_choosable():
            raise ConnectFailed(_("This connection attempt has expired: start again."))
        chosen = [c for c in signin.loads(row.candidates) if c.key in keys]
        if not chosen:
            raise ConnectFailed(_("Tick at least one account to connect."))
        row.candidates = ""
        row.chosen_at = timezone.now()
        row.save(update_fields=["candidates", "chosen_at"])
        return [_store_candidate(membership, candidate) for candidate in chosen]


def account_connect_abandon(*, membership: Membership, attempt: OAuthState) -> None:
    """The user connects none of the candidates: forget them and their tokens now."""
    require_manager(membership)
    if attempt.organisation_id != membership.organisation_id or attempt.user_id != (
        membership.user_id
    ):
        raise PermissionDenied
    OAuthState.objects.filter(pk=attempt.pk, chosen_at=None).update(
        candidates="", chosen_at=timezone.now()
    )


def _store_candidate(membership: Membership, candidate: signin.Candidate) -> SocialAccount:
    return _account_store(
        membership=membership,
        kind=candidate.kind,
        info=candidate.info,
        tokens=candidate.tokens,
        api_base_url=candidate.api_base_url,
        refresh_expires_at=candidate.refresh_expires_at,
        config=candidate.config or None,
    )


# --- app_password --------------------------------------------------------------------------------


def account_connect_app_password(
    *, membership: Membership, kind: Network, handle: str, app_password: str, server_url: str = ""
) -> SocialAccount:
    """Open a session on the account's server with an app password and keep the session's
    tokens; the password itself is used for this one call and never stored."""
    require_manager(membership)
    network = _network(kind, ConnectMethod.APP_PASSWORD)
    try:
        server = normalise_server_url(server_url or network.default_server)
    except ValueError as exc:
        raise ConnectFailed(str(network.not_a_server)) from exc
    identifier = handle.strip().removeprefix("@")
    try:
        with guarded_client() as http:
            session = network.open_session(
                http, server, identifier=identifier, password=app_password
            )
    except AuthExpired as exc:
        raise ConnectFailed(str(network.password_refused)) from exc
    except ConnectorError as exc:
        raise ConnectFailed(exc.user_message) from exc
    return _account_store(
        membership=membership,
        kind=kind,
        info=session.info,
        tokens=session.tokens,
        api_base_url=server,
        refresh_expires_at=session.refresh_expires_at,
    )


# --- storing -------------------------------------------------------------------------------------


@transaction.atomic
def _account_store(
    *,
    membership: Membership,
    kind: Network,
    info: AccountInfo,
    tokens: TokenSet,
    api_base_url: str,
    refresh_expires_at: datetime | None = None,
    config: dict[str, str] | None = None,
) -> SocialAccount:
    """Create the account, or bring a known one back to "connected" with its new tokens."""
    # Only a sign-in that knows the account's configuration replaces it (Facebook Login vs
    # Instagram Login); others keep what the rest of Parvis stored there.
    extra = {"config": config} if config is not None else {}
    account, created = SocialAccount.objects.update_or_create(
        organisation=membership.organisation,
        kind=kind.value,
        remote_id=info.remote_id,
        defaults={
            **extra,
            "handle": info.handle,
            "display_name": info.display_name,
            "url": info.url,
            "api_base_url": api_base_url,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token or "",
            "token_expires_at": tokens.expires_at,
            "refresh_expires_at": refresh_expires_at,
            "scopes": " ".join(tokens.scopes),
            "status": SocialAccount.Status.CONNECTED,
            "rate_limited_until": None,
            "last_error": "",
            "last_error_at": None,
            "connected_by": membership.user,
            "connected_at": timezone.now(),
        },
    )
    audit_record(
        action="social_account.connected" if created else "social_account.reconnected",
        organisation=membership.organisation,
        actor=membership.user,
        target=account,
        network=kind.value,
        handle=info.handle,
    )
    return account
