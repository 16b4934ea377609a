"""What each recorded action means, in words, for the activity log page.

The log stores stable codes (``post.approved``); people read sentences. A code missing here is
shown as « Autre action » with its code in small print, and tests/accounts/test_audit_labels.py
fails, so a new action gets its words the day it is recorded.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_LABELS: dict[str, str | Promise] = {
    "api_key.created": _("API key created"),
    "api_key.revoked": _("API key revoked"),
    "calendar_feed.rotated": _("Calendar address renewed"),
    "demo.created": _("Demo organisation created"),
    "diagnostic.started": _("Diagnostic started"),
    "diagnostic.completed": _("Diagnostic completed"),
    "inbox.conversation.open": _("Conversation reopened"),
    "inbox.conversation.done": _("Conversation marked as done"),
    "inbox.conversation.spam": _("Conversation marked as spam"),
    "inbox.conversation.from_watch": _("Conversation opened from the watch"),
    "inbox.conversation.assigned": _("Conversation assigned"),
    "inbox.conversation.labelled": _("Conversation labelled"),
    "inbox.note.added": _("Internal note added"),
    "inbox.reply.created": _("Reply written"),
    "inbox.reply.resent": _("Reply sent again"),
    "inbox.saved_reply.created": _("Saved reply created"),
    "inbox.saved_reply.deleted": _("Saved reply deleted"),
    "inbox.settings.updated": _("Inbox settings changed"),
    "media.uploaded": _("File added to the media library"),
    "media.alt_text_set": _("Alternative text changed"),
    "media.deleted": _("File deleted from the media library"),
    "member.invited": _("Invitation sent"),
    "member.invitation_revoked": _("Invitation cancelled"),
    "member.joined": _("Member joined"),
    "member.removed": _("Member removed"),
    "member.role_changed": _("Member's role changed"),
    "network_app.saved": _("Network app saved"),
    "network_app.deleted": _("Network app removed"),
    "organisation.created": _("Organisation created"),
    "organisation.updated": _("Organisation settings changed"),
    "organisation.deletion_requested": _("Organisation deletion requested"),
    "organisation.deletion_cancelled": _("Organisation deletion cancelled"),
    "organisation.deleted": _("Organisation deleted"),
    "person.exported": _("A person's data exported"),
    "person.erased": _("A person's data erased"),
    "plan.created": _("Plan proposed"),
    "plan.accepted": _("Plan adopted"),
    "post.created": _("Post created"),
    "post.updated": _("Post changed"),
    "post.submitted": _("Post submitted for approval"),
    "post.approved": _("Post approved"),
    "post.rejected": _("Changes requested on a post"),
    "post.scheduled": _("Post scheduled"),
    "post.cancelled": _("Post cancelled"),
    "post.commented": _("Comment on a post"),
    "post.retried": _("Post sent again"),
    "post.recurred": _("Repeated post created"),
    "post.recycled": _("Post reused"),
    "queue_slot.added": _("Queue slot added"),
    "queue_slot.removed": _("Queue slot removed"),
    "routine_task.done": _("Task of the week ticked"),
    "routine_task.drafted": _("Draft written from an idea"),
    "social_account.connected": _("Account connected"),
    "social_account.reconnected": _("Account reconnected"),
    "social_account.disconnected": _("Account disconnected"),
    "social_account.must_reconnect": _("Account must be reconnected"),
    "user.signed_up": _("Account created"),
    "user.password_reset": _("Password reset"),
    "user.deleted": _("User account deleted"),
    "watch.competitor.created": _("Competitor added to the watch"),
    "watch.competitor.deleted": _("Competitor removed from the watch"),
    "watch.profile.added": _("Account added to the watch"),
    "watch.query.added": _("Search added to the watch"),
    "watch.query.updated": _("Watch search changed"),
    "watch.alerts.updated": _("Watch alert settings changed"),
    "watch.item.saved": _("Watch item saved"),
    "watch.item.unsaved": _("Watch item no longer saved"),
    "watch.item.opportunity_marked": _("Watch item marked as a lead opportunity"),
    "watch.item.opportunity_unmarked": _("Watch item no longer a lead opportunity"),
    "watch.feed.added": _("Feed added to the watch"),
    "watch.source.removed": _("Source removed from the watch"),
    "watch.settings.updated": _("Watch retention changed"),
    "watch.competitor.renamed": _("Competitor renamed in the watch"),
    "watch.source.assigned": _("Watch source reassigned"),
}


def audit_label(action: str) -> str | Promise | None:
    """The words for ``action``, or None for a code without words yet."""
    return AUDIT_LABELS.get(action)
