"""What Parvis stores, where and for how long: the table of the « Données personnelles » page.

The durations are read from the settings at each call, so the page says what this
installation really does (docs/privacy.md explains the same table for operators).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class StoredData:
    what: str
    where: str
    how_long: str


def _days(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def stored_data() -> list[StoredData]:
    database = _("Parvis database")
    until_org_deleted = _("Until deleted, at the latest when the organisation is deleted.")
    return [
        StoredData(
            _("Team members: e-mail address, name, language, password (hashed only)."),
            database,
            _("Until the member deletes their account."),
        ),
        StoredData(
            _("Memberships, invitations, API keys (hashed only)."),
            database,
            _(
                "Invitations expire after %(days)s; the rest until removed or the organisation "
                "is deleted."
            )
            % {"days": _days(settings.INVITATION_VALID_DAYS)},
        ),
        StoredData(
            _("Connected social accounts and their access tokens (encrypted)."),
            database,
            _("Until the account is disconnected or the organisation is deleted."),
        ),
        StoredData(
            _("Posts, their history and comments; pictures and videos uploaded."),
            _("Parvis database; files in the media folder of the server"),
            until_org_deleted,
        ),
        StoredData(
            _(
                "Inbox: messages received from people (their name, handle, network id, text) "
                "and what Parvis infers from them (language, tone, intent); your replies and "
                "internal notes."
            ),
            database,
            _("%(duration)s after the message, then deleted automatically.")
            % {"duration": _days(settings.RETENTION_INBOX_DAYS)},
        ),
        StoredData(
            _("Raw notifications sent by the networks (webhooks), before they are read."),
            database,
            _("Deleted once read, and after %(duration)s at most.")
            % {"duration": _days(settings.RETENTION_WEBHOOK_DAYS)},
        ),
        StoredData(
            _("Activity log: who did what and when, with the IP address of the request."),
            database,
            _("%(duration)s, then deleted automatically.")
            % {"duration": _days(settings.RETENTION_AUDIT_DAYS)},
        ),
        StoredData(
            _("Strategy: diagnostics, plans, weekly routines."),
            database,
            until_org_deleted,
        ),
        StoredData(
            _("Log-in sessions (they name the member)."),
            database,
            _("%(duration)s at most, or until log-out.")
            % {"duration": _days(max(1, settings.SESSION_COOKIE_AGE // 86400))},
        ),
        StoredData(
            _("Server logs (no message text, no token)."),
            _("Standard output of the server, kept by your hosting"),
            _("As long as your hosting keeps them: Parvis does not keep them itself."),
        ),
    ]
