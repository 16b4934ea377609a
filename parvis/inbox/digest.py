"""The daily digest: to each member, what waits for them, over-goal complaints and leads first."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parvis.accounts.models import Membership
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import RAISED_INTENTS, Conversation
from parvis.inbox.selectors import waiting_for


def digest_send(*, membership: Membership, now: datetime | None = None) -> bool:
    """E-mail the member their waiting conversations; False (nothing sent) when none wait."""
    now = now or timezone.now()
    rows, total = waiting_for(membership=membership, now=now)
    if not rows:
        return False
    goal = inbox_settings_for(membership.organisation_id).goal
    cutoff = now - goal
    organisation = membership.organisation
    items = [
        {
            "conversation": c,
            "raised": c.intent in RAISED_INTENTS
            and c.awaiting_since is not None
            and c.awaiting_since < cutoff,
            "over_goal": c.awaiting_since is not None and c.awaiting_since < cutoff,
        }
        for c in rows
    ]
    url = settings.PUBLIC_BASE_URL + reverse("inbox:inbox", kwargs={"org": organisation.slug})
    user = membership.user
    with translation.override(user.language), timezone.override(organisation.tzinfo):
        subject = _("%(count)s messages wait for you on %(name)s") % {
            "count": total,
            "name": organisation.name,
        }
        body = render_to_string(
            "inbox/email/digest.txt",
            {
                "items": items,
                "total": total,
                "url": url,
                "organisation": organisation,
                "user": user,
            },
        )
    send_mail(subject, body, None, [user.email])
    return True


def digest_members() -> list[int]:
    """Membership ids of everyone who may answer (contributors and up) in organisations where
    something waits; viewers read the inbox but are not asked to answer."""
    organisations = (
        Conversation.objects.filter(
            status=Conversation.Status.OPEN, awaiting_since__isnull=False, is_demo=False
        )
        .values("organisation_id")
        .distinct()
    )
    return list(
        Membership.objects.filter(organisation_id__in=organisations)
        .exclude(role="viewer")
        .values_list("pk", flat=True)
    )
