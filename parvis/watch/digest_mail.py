"""The Monday e-mail of the digest: to owners and managers, once a week, in their language.

``digest_mail_due`` finds the organisations where it is Monday morning (7–11 h in their time
zone, like the inbox's daily digest), that watch something real (not the demo) and have not
turned the e-mail off, and whose digest of that Monday has not gone out. ``digest_mail_send``
computes the digest if needed, then **claims** it (a conditional update of ``emailed_at``:
one worker wins, a second run finds it claimed and sends nothing) and sends one e-mail per
recipient over one connection.

Crash windows, chosen on purpose: the claim commits before the SMTP conversation, so no
database lock is held while a slow mail server answers. An SMTP error releases the claim
(``emailed_at`` back to empty, only if it is still ours) and the next hourly run tries again —
recipients served before the error may then get it twice. A process killed between the claim
and the send loses that week's e-mail (the page still has the digest): a rare lost e-mail
rather than a weekly duplicate.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from smtplib import SMTPException

from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.accounts.models import Organisation, User
from parvis.core.public_url import public_base_url, public_reverse
from parvis.publishing.notify import managers_of
from parvis.watch.digest import digest_for_week
from parvis.watch.digest_render import digest_lines, setup_hints
from parvis.watch.models import Digest, Feed, WatchedProfile, WatchQuery, WatchSettings

log = logging.getLogger("parvis.watch")

# Monday morning in the organisation's time zone: the hours the hourly task may send in.
DIGEST_WINDOW_HOURS = range(7, 12)


def _watching() -> set[int]:
    """Organisations with at least one real (not demo) source."""
    ids: set[int] = set()
    for model in (Feed, WatchedProfile, WatchQuery):
        ids.update(model.objects.filter(is_demo=False).values_list("organisation_id", flat=True))
    return ids


def digest_mail_due(now: datetime | None = None) -> list[tuple[int, date]]:
    """(organisation id, Monday) of every digest e-mail to send now (module docstring)."""
    now = now or timezone.now()
    off = set(
        WatchSettings.objects.filter(digest_email=False).values_list("organisation_id", flat=True)
    )
    due: list[tuple[int, date]] = []
    # A demo organisation counts once someone gives it a real source: its digest is theirs.
    for organisation in Organisation.objects.filter(pk__in=_watching() - off).only(
        "pk", "timezone"
    ):
        local = timezone.localtime(now, organisation.tzinfo)
        if local.weekday() == 0 and local.hour in DIGEST_WINDOW_HOURS:
            due.append((organisation.pk, local.date()))
    sent = set(
        Digest.objects.filter(
            Q(emailed_at__isnull=False),
            organisation_id__in=[pk for pk, _day in due],
            week_start__in={day for _pk, day in due},
        ).values_list("organisation_id", "week_start")
    )
    return [pair for pair in due if pair not in sent]


def _message(digest: Digest, organisation: Organisation, user: User) -> EmailMessage:
    url = public_reverse("watch:digest", org=organisation.slug)
    url += f"?week={digest.week_start.isoformat()}"
    with translation.override(user.language), timezone.override(organisation.tzinfo):
        lines = digest_lines(digest, organisation)
        if lines:
            subject = ngettext(
                "The thing to know this week on %(name)s",
                "The %(count)s things to know this week on %(name)s",
                len(lines),
            ) % {"count": len(lines), "name": organisation.name}
        else:
            subject = _("Nothing notable this week in the watch of %(name)s") % {
                "name": organisation.name
            }
        body = render_to_string(
            "watch/email/digest.txt",
            {
                "user": user,
                "organisation": organisation,
                "lines": lines,
                "hints": setup_hints(digest),
                "url": url,
                "base": public_base_url(),
                "items_count": digest.content.get("setup", {}).get("items", 0),
            },
        )
    return EmailMessage(subject, body, None, [user.email])


def digest_mail_send(
    *, organisation: Organisation, monday: date, now: datetime | None = None
) -> int:
    """Send the digest of ``monday`` to the organisation's owners and managers, once. Returns
    how many e-mails went out (0 when another run claimed it, or it went out already)."""
    now = now or timezone.now()
    if timezone.localtime(now, organisation.tzinfo).date() != monday:
        return 0  # late: a digest e-mail is Monday's news, not Wednesday's
    digest = digest_for_week(organisation, monday)
    claimed = Digest.objects.filter(pk=digest.pk, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return 0
    recipients = [u for u in managers_of(organisation) if u.is_active and u.email]
    messages = [_message(digest, organisation, user) for user in recipients]
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except (SMTPException, OSError):
        # Ours to release: the next hourly run sends it again.
        Digest.objects.filter(pk=digest.pk, emailed_at=now).update(emailed_at=None)
        log.warning(
            "watch.digest_mail_failed", extra={"organisation_id": organisation.pk}, exc_info=True
        )
        raise
    return len(messages)
