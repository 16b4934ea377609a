"""The app assistant's services: checking an app against its network, saving it (encrypted)
and what the assistant shows about this instance. Only an instance administrator
(:mod:`parvis.accounts.instance_admin`) may use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from parvis.accounts.instance_admin import require_instance_admin
from parvis.core.audit import audit_record
from parvis.core.guarded_http import guarded_client
from parvis.core.public_url import public_base_url, public_reverse
from parvis.core.vocabulary import Network
from parvis.networks import app_settings
from parvis.networks.app_check import AppCheck, Outcome
from parvis.networks.connecting import oauth_callback_url
from parvis.networks.contracts import AppCredentials
from parvis.networks.models import NetworkApp
from parvis.networks.provider import ConnectMethod, ConnectorUnavailable, Provider
from parvis.networks.registry import provider, providers

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from parvis.accounts.models import Organisation


def app_networks() -> list[Provider]:
    """The networks connected through a developer app of Parvis' own, in the page's order."""
    found = []
    for network in providers():
        if network.connect_method is ConnectMethod.OAUTH and network.is_available():
            found.append(network)
    return found


def app_network(kind: str) -> Provider | None:
    try:
        network = provider(kind)
    except ConnectorUnavailable:
        return None
    return network if network in app_networks() else None


@dataclass(frozen=True)
class InstanceAddresses:
    """What to paste on the network's developer site, from the configured public address
    (``PARVIS_PUBLIC_BASE_URL``), never from the Host a browser sent."""

    base_url: str
    redirect_uri: str
    webhook_url: str | None


def addresses(network: Provider) -> InstanceAddresses:
    base = public_base_url()
    endpoint = network.webhook_endpoint
    webhook = None
    if endpoint is not None:
        webhook = public_reverse(f"networks:webhook_{endpoint.slug}")
    return InstanceAddresses(base, oauth_callback_url(network.kind, base), webhook)


def scopes(network: Provider) -> tuple[str, ...]:
    """The permissions Parvis asks for at sign-in: the ones to request on the network."""
    try:
        config = network.oauth_config()
    except ConnectorUnavailable:
        return ()
    return config.scopes if config is not None else ()


def saved_app(kind: Network) -> NetworkApp | None:
    return NetworkApp.objects.filter(kind=kind.value).first()


def credentials_for(network: Provider, client_id: str, client_secret: str) -> AppCredentials:
    """The id and secret typed; a blank secret means « keep the saved one »."""
    if not client_secret:
        saved = saved_app(network.kind)
        if saved is not None and saved.client_id == client_id:
            client_secret = str(saved.client_secret or "")
    return AppCredentials(client_id=client_id, client_secret=client_secret)


def app_check(network: Provider, app: AppCredentials) -> AppCheck:
    """« Vérifier »: one real call to the network, through the guarded client (the test
    peers and proxies named by ``PARVIS_<NET>_API_URL`` included)."""
    if not app.client_id or not app.client_secret:
        return AppCheck(Outcome.REFUSED, reason="")
    with guarded_client() as http:
        return network.check_app(http, app, redirect_uri=addresses(network).redirect_uri)


def _forget_now_and_after_commit() -> None:
    """This request reads its own write at once; other processes reload once it is committed
    (bumping the version before the commit could let them cache the old row again)."""
    app_settings.forget()
    transaction.on_commit(app_settings.forget)


@transaction.atomic
def network_app_save(
    *,
    user: AbstractBaseUser,
    organisation: Organisation | None,
    network: Provider,
    app: AppCredentials,
    webhook_secret: str,
    check: AppCheck,
) -> NetworkApp:
    """Store the app (secrets encrypted); an empty ``webhook_secret`` keeps the saved one. The
    caller has checked the app and refuses to save what the network refused."""
    require_instance_admin(user)
    row, created = NetworkApp.objects.select_for_update().get_or_create(
        kind=network.kind.value, defaults={"client_id": app.client_id}
    )
    row.client_id = app.client_id
    row.client_secret = app.client_secret
    if webhook_secret:
        row.webhook_secret = webhook_secret
    row.verified_at = timezone.now() if check.verified else None
    row.verified_name = check.app_name[:200] if check.verified else ""
    row.updated_at = timezone.now()
    row.updated_by = user  # type: ignore[assignment]
    row.save()
    _forget_now_and_after_commit()
    audit_record(
        action="network_app.saved",
        organisation=organisation,
        actor=user,  # type: ignore[arg-type]
        target=row,
        network=network.kind.value,
        created=created,
        check=check.outcome.value,
    )
    return row


@transaction.atomic
def network_app_delete(
    *, user: AbstractBaseUser, organisation: Organisation | None, network: Provider
) -> bool:
    require_instance_admin(user)
    deleted, _rows = NetworkApp.objects.filter(kind=network.kind.value).delete()
    _forget_now_and_after_commit()
    if deleted:
        audit_record(
            action="network_app.deleted",
            organisation=organisation,
            actor=user,  # type: ignore[arg-type]
            network=network.kind.value,
        )
    return bool(deleted)
