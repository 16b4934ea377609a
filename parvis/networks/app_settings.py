"""Where a network's operator settings come from: the environment first, then the app an
instance administrator saved in the interface (:class:`~parvis.networks.models.NetworkApp`).

:meth:`Provider.setting` and :meth:`WebhookEndpoint.setting` read through :func:`value`, the
one access point. The id and the secret go together: when ``PARVIS_<NET>_CLIENT_ID`` is set,
both come from the environment and the saved app is ignored for them, so an operator who
configured the environment never runs a mix of two apps. The webhook secret falls back on its
own. Endpoint overrides (``API_URL``, ``AUTH_URL``, ``TOKEN_URL``) stay environment-only.

Saved apps are cached in each process. The shared cache holds only a version stamp (never a
secret: the file cache and Redis are not encrypted); saving bumps it, and every process
reloads from the database when it notices, at most :data:`RECHECK_SECONDS` later.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from parvis.core.fields import is_unreadable

log = logging.getLogger("parvis.networks")

VERSION_KEY = "parvis:networks:app-settings-version"
RECHECK_SECONDS = 2.0
PAIR = ("client_id", "client_secret")
STORED = (*PAIR, "webhook_secret")


class Source(StrEnum):
    """Where a network's app credentials come from."""

    ENVIRONMENT = "environment"
    INTERFACE = "interface"
    NONE = "none"


@dataclass(frozen=True)
class Stored:
    """One saved app, decrypted. ``unreadable``: its secret no configured key decrypts."""

    client_id: str
    client_secret: str
    webhook_secret: str
    unreadable: bool

    def get(self, key: str) -> str:
        return str(getattr(self, key))


class _Snapshot:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.apps: dict[str, Stored] | None = None
        self.version: str | None = None
        self.checked_at = 0.0


_snapshot = _Snapshot()


def _environment(kind: str, key: str) -> str:
    return str(settings.NETWORKS[kind].get(key) or "")


def _load() -> dict[str, Stored]:
    # Looked up by name: the models import the providers, which read settings through here.
    model = apps.get_model("networks", "NetworkApp")
    try:
        rows = list(model.objects.all())
    except DatabaseError:  # before `migrate`: nothing saved yet
        return {}
    return {
        row.kind: Stored(
            client_id=row.client_id,
            client_secret=str(row.client_secret or ""),
            webhook_secret=str(row.webhook_secret or ""),
            unreadable=is_unreadable(row.client_secret) or is_unreadable(row.webhook_secret),
        )
        for row in rows
    }


def stored_apps() -> dict[str, Stored]:
    """Every saved app by kind, from this process' copy while the shared version holds."""
    with _snapshot.lock:
        now = time.monotonic()
        if _snapshot.apps is not None and now - _snapshot.checked_at < RECHECK_SECONDS:
            return _snapshot.apps
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            cache.add(VERSION_KEY, version, timeout=None)
            version = cache.get(VERSION_KEY, version)
        if _snapshot.apps is None or version != _snapshot.version:
            _snapshot.apps = _load()
            _snapshot.version = version
        _snapshot.checked_at = now
        return _snapshot.apps


def forget() -> None:
    """After a save or a deletion: every process reloads the saved apps (this one at once)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    with _snapshot.lock:
        _snapshot.apps = None
        _snapshot.version = None


def source(kind: str) -> Source:
    """Where the id and secret of ``kind``'s app come from."""
    if _environment(kind, "client_id"):
        return Source.ENVIRONMENT
    saved = stored_apps().get(kind)
    return Source.INTERFACE if saved is not None and saved.client_id else Source.NONE


def value(kind: str, key: str) -> str:
    """The setting ``key`` of network ``kind``: the environment's when set, else the saved app's
    (id, secret and webhook secret only), else ""."""
    found = _environment(kind, key)
    if found or key not in STORED:
        return found
    if key in PAIR and _environment(kind, "client_id"):
        return ""  # the environment names the app: never pair its id with a saved secret
    saved = stored_apps().get(kind)
    return saved.get(key) if saved is not None else ""


def enabled(kind: str) -> bool:
    """``PARVIS_<NET>_ENABLED`` turns a network on; so does an app saved in the interface."""
    if settings.NETWORKS[kind].get("enabled"):
        return True
    saved = stored_apps().get(kind)
    return saved is not None and bool(saved.client_id and saved.client_secret)
