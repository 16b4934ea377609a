"""A source's state: written by the collectors, read as one French sentence by the pages."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone

from parvis.watch.models import SourceState

# Codes the page adds a link to: « Comptes » to connect or reconnect an account, « Trouver le
# flux » for a web page given as a feed.
ACCOUNT_CODES = frozenset({"no_account", "auth_expired"})
DISCOVERY_CODES = frozenset({"not_a_feed"})


def source_ok(source: SourceState, now: datetime, *, warning: str = "") -> None:
    source.state = SourceState.State.ACTIVE
    source.paused_until = None
    source.error_code = "malformed" if warning else ""
    source.last_error = warning
    source.last_checked_at = now
    source.last_success_at = now
    source.save()


def source_error(source: SourceState, now: datetime, *, code: str, message: str) -> None:
    source.state = SourceState.State.ERROR
    source.paused_until = None
    source.error_code = code
    source.last_error = message
    source.last_checked_at = now
    source.save()


def source_pause(source: SourceState, now: datetime, *, until: datetime, reason: str) -> None:
    source.state = SourceState.State.PAUSED
    source.paused_until = until
    source.error_code = "rate_limited"
    source.last_error = reason
    source.last_checked_at = now
    source.save()


def is_waiting(source: SourceState, now: datetime) -> bool:
    """Paused and its time has not come (a source in error is tried again each cycle)."""
    return (
        source.state == SourceState.State.PAUSED
        and source.paused_until is not None
        and source.paused_until > now
    )


def french_time(moment: datetime, now: datetime) -> str:
    """« 14 h 05 » today, « 8 décembre à 14 h 05 » another day, in the active time zone."""
    local = timezone.localtime(moment)
    clock = f"{local.hour}\u00a0h\u00a0{local.minute:02d}"
    if local.date() == timezone.localtime(now).date():
        return clock
    return f"{local.day}\u00a0{formats.date_format(local, 'F')} à {clock}"


def state_sentence(source: SourceState, now: datetime | None = None) -> str:
    """What the page says about a source, in French."""
    now = now or timezone.now()
    if is_waiting(source, now):
        assert source.paused_until is not None
        until = french_time(source.paused_until, now)
        # « jusqu’à 14 h 05 » today; « jusqu’au 8 décembre à 14 h 05 » another day.
        until = f"au {until}" if " à " in until else f"à {until}"
        return f"En pause jusqu’{until}\u00a0: {source.last_error}"
    if source.state == SourceState.State.ERROR:
        return source.last_error
    if source.last_success_at is None:
        return "En attente de la première lecture."
    read = french_time(source.last_success_at, now)
    sentence = f"Dernière lecture à {read}."
    if source.last_error:
        sentence += f" {source.last_error}"
    return sentence
