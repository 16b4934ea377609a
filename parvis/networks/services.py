"""Connecting, disconnecting and keeping social accounts alive.

Every workflow checks the caller's role (managers and owners connect and disconnect) and writes
the audit log. Network failures arrive as the taxonomy of :mod:`parvis.networks.errors`;
:func:`account_record_error` is the one place that turns them into an account's state.
Tokens and passwords never reach a log line, an audit entry or an exception message.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.accounts.selectors import membership_in
from parvis.core.audit import audit_record
from parvis.core.guarded_http import guarded_client
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks import oauth, signin
from parvis.networks.connect import (
    REFRESHED_WITHOUT_REFRESH_TOKEN,
    app_credentials,
    bluesky_create_session,
    bluesky_refresh_session,
    mastodon_account_info,
    mastodon_oauth_config,
    mastodon_register_app,
    network_enabled,
    normalise_server_url,
)
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, RateLimited, Rejected
from parvis.networks.models import MastodonInstanceApp, OAuthState, SocialAccount
from parvis.networks.registry import ConnectorUnavailable, get_connector_class

logger = logging.getLogger(__name__)

# Networks connected through the OAuth redirect with Parvis' own app (credentials from env).
OAUTH_NETWORKS = frozenset(
    {Network.X, Network.LINKEDIN, Network.FACEBOOK, Network.INSTAGRAM, Network.YOUTUBE}
)
# The periodic refresh renews tokens expiring within this window; it runs every few minutes.
REFRESH_AHEAD = timedelta(minutes=30)
DEFAULT_BLUESKY_SERVER = "https://bsky.social"


class ConnectFailed(Exception):
    """A connection could not be made; ``str(exc)`` is a sentence for the user (translated)."""


def _require_manager(membership: Membership) -> None:
    if not membership.can(Role.MANAGER):
        raise PermissionDenied(_("Only managers and owners connect or disconnect accounts."))


def _require_enabled(kind: Network) -> None:
    if not network_enabled(kind):
        raise ConnectFailed(
            _("%(network)s is not enabled on this Parvis.") % {"network": NETWORK_LABELS[kind]}
        )


def oauth_callback_url(kind: Network, base_url: str) -> str:
    """The address to register with the network as the app's redirect URI."""
    return base_url.rstrip("/") + reverse("networks:oauth_callback", kwargs={"kind": kind.value})


def _oauth_config(kind: Network) -> oauth.OAuthConfig:
    """The connector's OAuth endpoints, with the operator's overrides (test peers, proxies)."""
    try:
        config = get_connector_class(kind).oauth
    except ConnectorUnavailable as exc:
        raise ConnectFailed(
            _("Parvis cannot connect %(network)s accounts yet.") % {"network": NETWORK_LABELS[kind]}
        ) from exc
    if config is None:
        raise ConnectFailed(_("This network is not connected through a sign-in page."))
    conf = settings.NETWORKS[kind.value]
    return oauth.OAuthConfig(
        authorize_url=str(conf["auth_url"]) or config.authorize_url,
        token_url=str(conf["token_url"]) or config.token_url,
        scopes=config.scopes,
        pkce=config.pkce,
        client_auth=config.client_auth,
        scope_separator=config.scope_separator,
        refresh_margin=config.refresh_margin,
        extra_authorize_params=config.extra_authorize_params,
    )


def _app_for(kind: Network) -> AppCredentials:
    app = app_credentials(kind.value)
    if app is None:
        raise ConnectFailed(
            _("%(network)s has no app credentials: set %(prefix)sCLIENT_ID and CLIENT_SECRET.")
            % {"network": NETWORK_LABELS[kind], "prefix": f"PARVIS_{kind.value.upper()}_"}
        )
    return app


# --- OAuth: X, LinkedIn, Meta, YouTube, and Mastodon through its instance app --------------------


def account_connect_oauth_start(*, membership: Membership, kind: Network, base_url: str) -> str:
    """Remember a fresh ``state`` (and PKCE verifier) server-side; return the URL to send the
    user to. ``base_url`` is Parvis' address as the browser sees it."""
    _require_manager(membership)
    if kind not in OAUTH_NETWORKS:
        raise ConnectFailed(_("This network is not connected through a sign-in page."))
    _require_enabled(kind)
    config, app = _oauth_config(kind), _app_for(kind)
    return _authorisation(membership, kind, config, app, base_url, instance_app=None)


def account_connect_mastodon(*, membership: Membership, instance_url: str, base_url: str) -> str:
    """Register Parvis on the Mastodon server once (kept for every organisation), then start
    its OAuth flow; returns the server's authorisation URL."""
    _require_manager(membership)
    _require_enabled(Network.MASTODON)
    try:
        server = normalise_server_url(instance_url)
    except ValueError as exc:
        raise ConnectFailed(_("This is not the address of a Mastodon server.")) from exc
    redirect_uri = oauth_callback_url(Network.MASTODON, base_url)
    instance_app = _mastodon_instance_app(server, redirect_uri)
    app = AppCredentials(instance_app.client_id, instance_app.client_secret)
    config = mastodon_oauth_config(server)
    return _authorisation(
        membership, Network.MASTODON, config, app, base_url, instance_app=instance_app
    )


def _mastodon_instance_app(server: str, redirect_uri: str) -> MastodonInstanceApp:
    found = MastodonInstanceApp.objects.filter(base_url=server, redirect_uri=redirect_uri).first()
    if found is not None:
        return found
    try:
        with guarded_client() as http:
            app = mastodon_register_app(http, server, redirect_uri=redirect_uri)
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
                scopes=" ".join(mastodon_oauth_config(server).scopes),
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
    from (:func:`account_connect_choose`); Facebook always asks, so the user decides about each
    Page's Instagram account.
    """
    pending = _claim_state(user=user, kind=kind, state=state)
    membership = membership_in(user, pending.organisation.slug)
    if membership is None:
        raise PermissionDenied
    _require_manager(membership)
    if error or not code:
        raise ConnectFailed(
            _("%(network)s did not give access (%(error)s): nothing was connected.")
            % {"network": NETWORK_LABELS[kind], "error": error or _("no code")}
        )
    try:
        with guarded_client() as http:
            candidates = _exchange(http, pending, kind, code)
    except ConnectorError as exc:
        if pending.instance_app is not None and isinstance(exc, Rejected):
            # The server forgot our app (reset, or the admin removed it): register again next time.
            pending.instance_app.delete()
        logger.warning("oauth finish failed for %s: %s", kind.value, type(exc).__name__)
        raise ConnectFailed(exc.user_message) from exc
    if not candidates:
        raise ConnectFailed(_nothing_to_connect(kind))
    if kind is Network.FACEBOOK or len(candidates) > 1:
        pending.candidates = signin.dumps(candidates)
        pending.save(update_fields=["candidates"])
        return OAuthOutcome(accounts=[], choice=pending)
    return OAuthOutcome(accounts=[_store_candidate(membership, candidates[0])])


def _nothing_to_connect(kind: Network) -> str:
    if kind is Network.FACEBOOK:
        return _(
            "This Facebook profile manages no Page, or did not let Parvis see them: nothing "
            "was connected."
        )
    if kind is Network.LINKEDIN:
        return _("This LinkedIn member administers no company page: nothing was connected.")
    return _("%(network)s gave no account to connect.") % {"network": NETWORK_LABELS[kind]}


def _exchange(
    http: httpx.Client, pending: OAuthState, kind: Network, code: str
) -> list[signin.Candidate]:
    verifier = pending.code_verifier or None
    redirect_uri = pending.redirect_uri
    if pending.instance_app is not None:
        server = pending.instance_app.base_url
        instance = pending.instance_app
        app = AppCredentials(instance.client_id, instance.client_secret)
        tokens = oauth.exchange_code(
            http,
            mastodon_oauth_config(server),
            app,
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
        )
        info = mastodon_account_info(http, server, tokens)
        key = f"mastodon:{info.remote_id}"
        return [signin.Candidate(key, kind, info, tokens, api_base_url=server)]
    config, app = _oauth_config(kind), _app_for(kind)
    if kind is Network.FACEBOOK:
        return signin.facebook_candidates(http, app, code=code, redirect_uri=redirect_uri)
    if kind is Network.INSTAGRAM:
        return signin.instagram_candidates(http, app, code=code, redirect_uri=redirect_uri)
    if kind is Network.LINKEDIN:
        return signin.linkedin_candidates(http, config, app, code=code, redirect_uri=redirect_uri)
    return signin.single_account_candidates(
        http, kind, config, app, code=code, redirect_uri=redirect_uri, code_verifier=verifier
    )


def account_connect_choose(
    *, membership: Membership, attempt: OAuthState, keys: Collection[str]
) -> list[SocialAccount]:
    """Connect the candidates ``keys`` names among those the sign-in ``attempt`` left; the
    others are forgotten with their tokens. Only the user who signed in may choose, once."""
    _require_manager(membership)
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
    _require_manager(membership)
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


# --- Bluesky: app password ----------------------------------------------------------------------


def account_connect_bluesky(
    *, membership: Membership, handle: str, app_password: str, server_url: str = ""
) -> SocialAccount:
    """Open a session on the account's server with an app password and keep the session's
    JWTs; the password itself is used for this one call and never stored."""
    _require_manager(membership)
    _require_enabled(Network.BLUESKY)
    try:
        server = normalise_server_url(server_url or DEFAULT_BLUESKY_SERVER)
    except ValueError as exc:
        raise ConnectFailed(_("This is not the address of a Bluesky server.")) from exc
    identifier = handle.strip().removeprefix("@")
    try:
        with guarded_client() as http:
            session = bluesky_create_session(
                http, server, identifier=identifier, password=app_password
            )
    except AuthExpired as exc:
        raise ConnectFailed(
            _("Bluesky refused this handle and app password: check both and try again.")
        ) from exc
    except ConnectorError as exc:
        raise ConnectFailed(exc.user_message) from exc
    return _account_store(
        membership=membership,
        kind=Network.BLUESKY,
        info=session.info,
        tokens=session.tokens,
        api_base_url=server,
        refresh_expires_at=session.refresh_expires_at,
    )


# --- storing, disconnecting ---------------------------------------------------------------------


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


def account_disconnect(*, membership: Membership, account: SocialAccount) -> SocialAccount:
    """Give up Parvis' access: revoke the tokens at the network where its connector can
    (``revokes_tokens``), then forget them; the row stays so past posts keep their account.
    A network that refuses or does not answer never stops the disconnection: the failure is
    logged by kind only (never the token) and the tokens are erased anyway. The network is
    called before the transaction, which it must not hold open."""
    from parvis.networks.transport import HttpPolicy

    _require_manager(membership)
    if account.organisation_id != membership.organisation_id:
        raise PermissionDenied
    revoked = False
    try:
        revokes = get_connector_class(account.kind).revokes_tokens
    except ConnectorUnavailable:
        revokes = False
    if revokes and account.access_token and not (account.is_demo or account.tokens_unreadable):
        # A person waits on the page while the network answers: short, and no retries.
        policy = HttpPolicy(timeout=10.0, connect_timeout=5.0, retries=0)
        try:
            with account.connector(policy=policy) as connector:
                connector.revoke_tokens()
            revoked = True
        except (ConnectorError, httpx.HTTPError) as exc:
            logger.warning(
                "account %s: the network did not revoke its tokens (%s); erased here anyway",
                account.pk,
                type(exc).__name__,
                extra={"network": account.kind, "account_id": account.pk},
            )
    with transaction.atomic():
        account.status = SocialAccount.Status.DISCONNECTED
        account.access_token = ""
        account.refresh_token = ""
        account.token_expires_at = None
        account.refresh_expires_at = None
        account.save(
            update_fields=[
                "status",
                "access_token",
                "refresh_token",
                "token_expires_at",
                "refresh_expires_at",
            ]
        )
        audit_record(
            action="social_account.disconnected",
            organisation=membership.organisation,
            actor=membership.user,
            target=account,
            network=account.kind,
            revoked_at_network=revoked,
        )
    return account


# --- state from network outcomes ----------------------------------------------------------------


def account_record_error(*, account: SocialAccount, error: ConnectorError) -> str:
    """Turn a network failure into the account's state; return the user's French message.

    AuthExpired → "must be reconnected"; RateLimited → "rate-limited until"; anything else →
    last error. Only the taxonomy's own sentence is stored, never the network's raw body.
    """
    now = timezone.now()
    fields = ["last_error", "last_error_at"]
    if isinstance(error, RateLimited):
        account.rate_limited_until = error.retry_at
        fields = ["rate_limited_until"]
    else:
        account.last_error = error.user_message
        account.last_error_at = now
    newly_dead = isinstance(error, AuthExpired) and account.status == account.Status.CONNECTED
    if newly_dead:
        account.status = SocialAccount.Status.RECONNECT
        fields.append("status")
    account.save(update_fields=fields)
    if newly_dead:
        audit_record(
            action="social_account.must_reconnect",
            organisation=account.organisation,
            target=account,
            network=account.kind,
        )
    logger.info("account %s: %s", account.pk, type(error).__name__, extra={"network": account.kind})
    return error.user_message


def account_record_success(*, account: SocialAccount) -> None:
    """A call went through: clear the last error and a past rate limit."""
    if not account.last_error and account.rate_limited_until is None:
        return
    account.last_error = ""
    account.last_error_at = None
    if not account.is_rate_limited():
        account.rate_limited_until = None
    account.save(update_fields=["last_error", "last_error_at", "rate_limited_until"])


# --- token refresh ahead of expiry --------------------------------------------------------------


@dataclass(frozen=True)
class RefreshReport:
    refreshed: int
    failed: int


def refresh_ahead(kind: Network) -> timedelta:
    """How long before its end an access token is renewed: the connector's margin (Instagram
    and LinkedIn: 7 days of their 60), never less than one period of the job."""
    try:
        config = get_connector_class(kind).oauth
    except ConnectorUnavailable:
        return REFRESH_AHEAD
    return max(REFRESH_AHEAD, config.refresh_margin) if config is not None else REFRESH_AHEAD


def account_refresh_due_tokens(*, now: datetime | None = None) -> RefreshReport:
    """Refresh every connected account whose access token expires within its network's
    :func:`refresh_ahead`.

    Safe to run twice at once: each account is refreshed under a row lock (PostgreSQL skips
    rows another run holds) and re-checked first, because refresh tokens are single-use and a
    second refresh with a spent one would wrongly mark the account "must be reconnected".
    """
    now = now or timezone.now()
    widest = max(refresh_ahead(kind) for kind in Network)
    refreshable = ~Q(refresh_token="") | Q(
        kind__in=[kind.value for kind in REFRESHED_WITHOUT_REFRESH_TOKEN]
    )
    due = (
        SocialAccount.objects.filter(
            status=SocialAccount.Status.CONNECTED,
            is_demo=False,
            token_expires_at__lte=now + widest,
        )
        .filter(refreshable)
        .values_list("pk", "kind", "token_expires_at")
    )
    refreshed = failed = 0
    for pk, kind, expires in list(due):
        if expires > now + refresh_ahead(Network(kind)):
            continue
        outcome = _refresh_one(pk, now)
        refreshed += outcome is True
        failed += outcome is False
    return RefreshReport(refreshed=refreshed, failed=failed)


def _refresh_one(pk: int, now: datetime) -> bool | None:
    """True refreshed, False failed (state recorded), None skipped."""
    with transaction.atomic():
        account = (
            SocialAccount.objects.select_for_update(skip_locked=True)
            .select_related("organisation")
            .filter(pk=pk, status=SocialAccount.Status.CONNECTED)
            .first()
        )
        expires = account.token_expires_at if account is not None else None
        if account is None or expires is None or expires > now + refresh_ahead(account.network):
            return None
        try:
            _refresh(account)
        except ConnectorUnavailable:
            return None
        except ConnectorError as exc:
            account_record_error(account=account, error=exc)
            return False
        return True


def _refresh(account: SocialAccount) -> None:
    if account.network is Network.BLUESKY:
        with guarded_client() as http:
            session = bluesky_refresh_session(http, account.api_base_url, account.refresh_token)
        account.store_tokens(session.tokens)
        account.refresh_expires_at = session.refresh_expires_at
        account.save(update_fields=["refresh_expires_at"])
        return
    # The connector stores the rotated tokens through its callback before returning.
    connector = account.connector()
    try:
        connector.refresh_tokens()
    finally:
        connector.close()


def oauth_states_purge(*, now: datetime | None = None) -> int:
    """Delete authorisations started more than a day ago (used or abandoned); returns how many."""
    now = now or timezone.now()
    # Candidates nobody chose hold tokens: forget them as soon as the choice has expired.
    OAuthState.objects.filter(chosen_at=None, used_at__lt=now - OAuthState.LIFETIME).exclude(
        candidates=""
    ).update(candidates="")
    deleted, _by_model = OAuthState.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted
