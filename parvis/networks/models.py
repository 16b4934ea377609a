"""Connected social accounts: the only Django model of the networks package.

A ``SocialAccount`` is one page, profile or channel an organisation connected. Its tokens are
encrypted at rest; its state (connected, must reconnect, rate-limited until…) is what the
accounts page shows and what the publishing dispatcher obeys.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.audit import audit_record
from parvis.core.fields import EncryptedTextField, is_unreadable
from parvis.core.models import OrganisationOwned
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks.connect import build_connector
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import AuthExpired

if TYPE_CHECKING:
    from parvis.networks.base import Connector

NETWORK_CHOICES = [(network.value, label) for network, label in NETWORK_LABELS.items()]

log = logging.getLogger("parvis.networks")


class TokenUnreadable(AuthExpired):
    """The account's stored token cannot be decrypted with the configured keys (a restore with
    another key, a key removed from ``PARVIS_ENCRYPTION_KEYS``). Like any :class:`AuthExpired`,
    the account must be reconnected: publishing holds its posts, polling skips it."""

    @property
    def user_message(self) -> str:
        return (
            "Le jeton chiffré ne peut pas être lu avec les clés de chiffrement actuelles "
            "(restauration avec une autre clé\u202f?)\u202f: reconnectez le compte."
        )


class SocialAccount(OrganisationOwned):
    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        RECONNECT = "reconnect", _("Must be reconnected")
        DISCONNECTED = "disconnected", _("Disconnected")

    kind = models.CharField(_("network"), max_length=20, choices=NETWORK_CHOICES)
    remote_id = models.CharField(max_length=200)
    handle = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # Instance-based networks (Mastodon server, Bluesky PDS) and test peers: where the API is.
    api_base_url = models.URLField(max_length=300, blank=True)
    # Per-account public configuration (e.g. Mastodon's instance limits, the Page id behind an
    # Instagram account). Secrets never go here.
    config = models.JSONField(default=dict, blank=True)

    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # When the refresh token itself dies (LinkedIn: one year; Meta: never refreshed).
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=500, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    # Demo accounts point at no real network: nothing is ever sent for them.
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "remote_id"], name="one_account_per_remote_id"
            )
        ]
        ordering = ["kind", "handle"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.handle}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        """Load the row; an account whose token no configured key decrypts is marked « must be
        reconnected » at once (see :meth:`flag_unreadable_tokens`), so every reader — the
        accounts page, the poll loop, the dispatcher — sees the same clear state."""
        account = super().from_db(db, field_names, values)
        # Only a connected account needs flagging: one already « à reconnecter » (or with its
        # status not loaded) costs no write, so readers of a flagged account do not each take
        # SQLite's write lock.
        connected = account.__dict__.get("status") == cls.Status.CONNECTED
        if connected and account.tokens_unreadable:
            account.flag_unreadable_tokens()
        return account

    @property
    def tokens_unreadable(self) -> bool:
        """Whether a loaded token could not be decrypted (deferred fields are not loaded here)."""
        loaded = self.__dict__
        return is_unreadable(loaded.get("access_token")) or is_unreadable(
            loaded.get("refresh_token")
        )

    def flag_unreadable_tokens(self) -> bool:
        """Mark a connected account whose token cannot be decrypted « must be reconnected », with
        the reason as its last error; True when this call changed it.

        A conditional UPDATE: safe to run from every process at once, the account is flagged,
        logged and audited once. The stored ciphertext is left as it is (saving the row writes
        it back unchanged), so putting the right key back and reconnecting both recover.
        """
        message = TokenUnreadable(network=self.kind).user_message
        now = timezone.now()
        changed = SocialAccount.objects.filter(pk=self.pk, status=self.Status.CONNECTED).update(
            status=self.Status.RECONNECT, last_error=message, last_error_at=now
        )
        if "status" in self.__dict__ and self.status == self.Status.CONNECTED:
            self.status = self.Status.RECONNECT
            self.last_error = message
            self.last_error_at = now
        if changed:
            log.warning(
                "account %s: its token cannot be decrypted with the configured keys; "
                "marked must-reconnect",
                self.pk,
                extra={"network": self.kind, "account_id": self.pk},
            )
            audit_record(
                action="social_account.must_reconnect",
                organisation=self.organisation,
                target=self,
                network=self.kind,
                reason="token_unreadable",
            )
        return bool(changed)

    @property
    def network(self) -> Network:
        return Network(self.kind)

    def tokens(self) -> TokenSet:
        """The account's tokens; raises :class:`TokenUnreadable` (an ``AuthExpired``) when they
        cannot be decrypted, so callers hold or skip this account like any expired one."""
        if self.tokens_unreadable:
            raise TokenUnreadable("stored token cannot be decrypted", network=self.kind)
        return TokenSet(
            access_token=self.access_token,
            refresh_token=self.refresh_token or None,
            expires_at=self.token_expires_at,
            scopes=tuple(self.scopes.split()),
        )

    def store_tokens(self, tokens: TokenSet) -> None:
        """Persist rotated tokens at once: a refresh token is often single-use."""
        self.access_token = tokens.access_token
        self.refresh_token = tokens.refresh_token or ""
        self.token_expires_at = tokens.expires_at
        self.scopes = " ".join(tokens.scopes)
        self.save(update_fields=["access_token", "refresh_token", "token_expires_at", "scopes"])

    def is_rate_limited(self, now: datetime | None = None) -> bool:
        return self.rate_limited_until is not None and self.rate_limited_until > (
            now or timezone.now()
        )

    def expires_in(self, now: datetime | None = None) -> timedelta | None:
        """Time before the user must reconnect: the refresh token's life if any, else the
        access token's when it cannot be refreshed."""
        end = self.refresh_expires_at or (None if self.refresh_token else self.token_expires_at)
        return None if end is None else end - (now or timezone.now())

    def connector(self, **overrides: Any) -> Connector:
        """A connector bound to this account; rotated tokens are saved as soon as they arrive."""
        return build_connector(self, **overrides)


class OAuthState(OrganisationOwned):
    """One OAuth authorisation in progress: who started it, for which organisation, and the
    PKCE verifier the callback needs. Short-lived (see ``is_usable``) and single-use.

    The callback URL registered with a network cannot carry the organisation, so the ``state``
    parameter is the only link between the network's redirect and this row.
    """

    LIFETIME = timedelta(minutes=15)
    # Short-lived: one whose secrets no configured key decrypts is useless, and `parvis restore`
    # deletes it (the user simply signs in again).
    DISCARD_WHEN_UNREADABLE: ClassVar[bool] = True

    kind = models.CharField(max_length=20, choices=NETWORK_CHOICES)
    state = models.CharField(max_length=100, unique=True)
    code_verifier = EncryptedTextField(blank=True)
    redirect_uri = models.URLField(max_length=500)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Mastodon: the instance app this authorisation goes through.
    instance_app = models.ForeignKey(
        "networks.MastodonInstanceApp", on_delete=models.CASCADE, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    # When one sign-in gives several accounts (Facebook Pages and their Instagram accounts,
    # LinkedIn pages, YouTube channels), the callback keeps them here, tokens included and
    # encrypted, until the user picks which to connect; emptied once they have chosen.
    candidates = EncryptedTextField(blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"OAuth {self.kind} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now - self.created_at <= self.LIFETIME

    def is_choosable(self, now: datetime | None = None) -> bool:
        """The callback left candidates and the user has not chosen yet (nor too late)."""
        now = now or timezone.now()
        return (
            bool(self.candidates)
            and self.chosen_at is None
            and self.used_at is not None
            and now - self.used_at <= self.LIFETIME
        )


class MastodonInstanceApp(models.Model):
    """Parvis' app registered on one Mastodon server (``POST /api/v1/apps``), shared by every
    organisation of this Parvis: registering once per server is what Mastodon asks of clients.
    Not organisation-owned on purpose; it holds no account data."""

    # Parvis registers again on the server when none is stored: one whose secret no configured
    # key decrypts is deleted by `parvis restore` rather than left to fail every sign-in.
    DISCARD_WHEN_UNREADABLE: ClassVar[bool] = True

    base_url = models.URLField(max_length=300)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=200)
    client_secret = EncryptedTextField()
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["base_url", "redirect_uri"], name="one_mastodon_app_per_server"
            )
        ]

    def __str__(self) -> str:
        return self.base_url


class WebhookEvent(models.Model):
    """A webhook delivery whose signature was verified, kept raw for the inbox to process.

    Not organisation-owned yet: which organisation it concerns is known only once the inbox
    maps the payload's page or account id to a ``SocialAccount``. Unverified deliveries are
    never stored.
    """

    network = models.CharField(max_length=20, choices=NETWORK_CHOICES)
    payload = models.JSONField()
    # Networks redeliver; the body's digest makes storing a redelivery a no-op.
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "body_sha256"], name="one_webhook_event")
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.network} webhook {self.received_at:%Y-%m-%d %H:%M:%S}"


class NetworkApp(models.Model):
    """Parvis' own developer app at one network (client id, secret, webhook verify token),
    entered in the interface by an instance administrator (``app_setup``). Instance-wide and
    not organisation-owned on purpose: every organisation connects through the same app.
    Environment variables win over it (:mod:`parvis.networks.app_settings`)."""

    kind = models.CharField(max_length=20, choices=NETWORK_CHOICES, unique=True)
    client_id = models.CharField(max_length=200)
    client_secret = EncryptedTextField(blank=True)
    webhook_secret = EncryptedTextField(blank=True)
    # The last « Vérifier » that the network answered: when, and the app name it gave.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} app"
