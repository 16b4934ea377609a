"""The GDPR rights as workflows: delete an organisation, delete one's account, export or erase
a person's data. Each checks the caller's role and writes the audit log without the personal
data itself (counts and ids of our own rows only)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.accounts.models import Invitation, Membership, Organisation, User
from parvis.accounts.roles import Role
from parvis.accounts.services import api_keys_revoke_created_by
from parvis.core.audit import audit_record
from parvis.core.enqueue import task_send_on_commit
from parvis.core.models import AuditEvent
from parvis.core.public_url import public_reverse
from parvis.privacy import registry, selectors
from parvis.privacy.deletion import (
    organisation_files_delete,
    organisation_media_sweep,
    organisation_rows_delete,
    organisation_tokens_revoke,
)
from parvis.privacy.models import OrganisationDeletion
from parvis.privacy.registry import PersonMatch
from parvis.privacy.retention import delete_in_batches

log = logging.getLogger("parvis.privacy")

StrOrPromise = str | Promise

# What the audit log says instead of the e-mail address of someone who deleted their account.
FORMER_MEMBER_LABEL = "ancien membre"
# A claimed deletion whose worker died is claimed again after this long (well over the task's
# time limit, so two workers never delete the same organisation at once).
DELETION_RECLAIM_AFTER = timedelta(hours=2)
MAX_MATCHES = 50
MAX_PEOPLE_AT_ONCE = 50
MAX_QUERY_CHARS = 200


def _require(membership: Membership, minimum: str) -> None:
    if not membership.can(minimum):
        raise PermissionDenied(_("Your role does not allow this."))


def _privacy_url(organisation: Organisation) -> str:
    return public_reverse("privacy:overview", org=organisation.slug)


def _mail_owners(
    owners: Iterable[tuple[str, str]],
    subject: StrOrPromise,
    template: str,
    context: dict[str, Any],
) -> None:
    """E-mail each (address, language) in their own language, once the transaction commits."""
    for email, language in owners:
        with translation.override(language):
            mail_subject = str(subject) % context
            body = render_to_string(template, context)
        transaction.on_commit(
            lambda s=mail_subject, b=body, to=email: send_mail(s, b, None, [to])  # type: ignore[misc]
        )


def _owners(organisation: Organisation) -> list[tuple[str, str]]:
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.OWNER)
        .order_by("user__email")
        .values_list("user__email", "user__language")
    )


# --- deleting an organisation ------------------------------------------------------------------


@transaction.atomic
def organisation_deletion_request(
    *, membership: Membership, confirmation: str
) -> OrganisationDeletion:
    """Schedule the organisation's deletion in ``ORGANISATION_DELETION_DELAY_DAYS`` days and
    e-mail every owner. ``confirmation`` must be the organisation's name, typed again."""
    _require(membership, Role.OWNER)
    organisation = membership.organisation
    if confirmation.strip() != organisation.name:
        raise ValidationError(
            {
                "confirmation": _("Type the organisation's name exactly: %(name)s.")
                % {"name": organisation.name}
            }
        )
    live = selectors.organisation_deletion_live(organisation)
    if live is not None:
        raise ValidationError(_("The deletion of this organisation is already scheduled."))
    now = timezone.now()
    deletion = OrganisationDeletion.objects.create(
        organisation=organisation,
        requested_by=membership.user,
        requested_at=now,
        due_at=now + timedelta(days=settings.ORGANISATION_DELETION_DELAY_DAYS),
    )
    context = {
        "organisation": organisation.name,
        "name": organisation.name,
        "requested_by": membership.user.display_name,
        "due_at": timezone.localtime(deletion.due_at, organisation.tzinfo),
        "url": _privacy_url(organisation),
    }
    _mail_owners(
        _owners(organisation),
        gettext_lazy("%(name)s will be deleted from Parvis"),
        "privacy/email/deletion_requested.txt",
        context,
    )
    audit_record(
        action="organisation.deletion_requested",
        organisation=organisation,
        actor=membership.user,
        target=organisation,
        due_at=deletion.due_at.isoformat(),
    )
    return deletion


@transaction.atomic
def organisation_deletion_cancel(*, membership: Membership) -> OrganisationDeletion:
    """Cancel the scheduled deletion, unless a worker has already started it."""
    _require(membership, Role.OWNER)
    organisation = membership.organisation
    deletion = selectors.organisation_deletion_live(organisation)
    if deletion is None:
        raise ValidationError(_("No deletion is scheduled."))
    now = timezone.now()
    # One conditional UPDATE: either this cancels, or the worker's claim won and nothing does.
    cancelled = OrganisationDeletion.objects.filter(
        pk=deletion.pk, cancelled_at=None, started_at=None
    ).update(cancelled_at=now, cancelled_by=membership.user)
    if not cancelled:
        raise ValidationError(_("The deletion has already started: it can no longer be cancelled."))
    deletion.refresh_from_db()
    _mail_owners(
        _owners(organisation),
        gettext_lazy("The deletion of %(name)s is cancelled"),
        "privacy/email/deletion_cancelled.txt",
        {"name": organisation.name, "cancelled_by": membership.user.display_name},
    )
    audit_record(
        action="organisation.deletion_cancelled",
        organisation=organisation,
        actor=membership.user,
        target=organisation,
    )
    return deletion


def organisation_deletions_claim_due(*, now: datetime | None = None) -> list[int]:
    """Claim the deletions that are due (and those whose worker died); return their ids.

    The claim is a conditional UPDATE, so a scheduler tick that runs twice, or a cancel at the
    same moment, never gets the same deletion twice: once claimed it can no longer be cancelled.
    """
    now = now or timezone.now()
    stale = now - DELETION_RECLAIM_AFTER
    claimable = Q(started_at__isnull=True) | Q(started_at__lt=stale)
    claimed = []
    due = OrganisationDeletion.objects.filter(claimable, cancelled_at=None, due_at__lte=now)
    for pk, organisation_id in due.values_list("pk", "organisation_id"):
        if OrganisationDeletion.objects.filter(claimable, pk=pk, cancelled_at=None).update(
            started_at=now
        ):
            claimed.append(pk)
            # From the commit on, its pages and API refuse every request: told to the cache at
            # once rather than after its TTL (selectors.organisation_being_deleted).
            transaction.on_commit(
                partial(selectors.organisation_being_deleted_remember, organisation_id),
                robust=True,
            )
    return claimed


def organisation_wipe(organisation: Organisation) -> dict[str, Any]:
    """Delete everything of ``organisation`` but the organisation row and its deletion
    request: network tokens (revoked where the network allows), files, rows of every app,
    memberships. Safe to run again after a crash."""
    tokens = organisation_tokens_revoke(organisation)
    files = organisation_files_delete(organisation)
    rows = organisation_rows_delete(organisation, keep=[OrganisationDeletion])
    memberships, _by_model = Membership.objects.filter(organisation=organisation).delete()
    # Files whose row came after the first step (a request let in before the claim, a task)
    # are found by their folder, now that no row can point at them any more.
    swept = organisation_media_sweep(organisation)
    # The activity log would go with the organisation row; in batches, it never holds the
    # database long however many years it covers.
    audit_events = delete_in_batches(AuditEvent.objects.filter(organisation=organisation))
    return {
        "tokens_revoked": tokens["revoked"],
        "tokens_erased": tokens["erased"],
        "files": files,
        "files_swept": swept,
        "rows": sum(rows.values()),
        "memberships": memberships,
        "audit_events": audit_events,
    }


def _organisation_forget(organisation: Organisation, summary: dict[str, Any]) -> None:
    """The last step: the organisation row goes (its audit log with it); what remains is one
    system entry with counts, so that an operator can tell the deletion happened."""
    with transaction.atomic():
        audit_record(
            action="organisation.deleted",
            organisation=None,
            organisation_id=organisation.pk,
            **summary,
        )
        organisation.delete()


def organisation_delete(*, deletion_id: int) -> bool:
    """Carry out a claimed deletion (the worker's job). False when there is nothing to do:
    the organisation is already gone, or the request was cancelled or never claimed."""
    deletion = (
        OrganisationDeletion.objects.select_related("organisation")
        .filter(pk=deletion_id, cancelled_at=None, started_at__isnull=False)
        .first()
    )
    if deletion is None:
        return False
    organisation = deletion.organisation
    owners = _owners(organisation)
    name = organisation.name
    summary = organisation_wipe(organisation)
    _organisation_forget(organisation, summary)
    # Sent after the fact, to the owners of the moment (their memberships are gone now).
    for email, language in owners:
        with translation.override(language):
            subject = _("%(name)s is deleted from Parvis") % {"name": name}
            body = render_to_string("privacy/email/deleted.txt", {"name": name})
        try:
            send_mail(subject, body, None, [email])
        except OSError as exc:  # the deletion is done: a mail server down must not undo it
            log.warning("privacy.mail_failed", extra={"error": type(exc).__name__})
    log.info("privacy.organisation_deleted", extra={"organisation_id": organisation.pk})
    return True


# --- deleting one's own account ----------------------------------------------------------------


def user_delete(*, user: User, password: str) -> list[str]:
    """Delete ``user``'s account after checking their password; return the names of the
    organisations deleted with it (those where they were the only member).

    Refused while they are the only owner of an organisation that has other members. What they
    wrote stays, without its author (foreign keys to users are SET_NULL); the activity log
    keeps what they did, as « ancien membre ».

    Only the user's own rows go in this request. Their organisations are handed to the worker
    (an ``OrganisationDeletion`` due now, the path of an owner's deletion): wiping years of
    data inside the request would outlast the proxy's timeout and leave it half-deleted.
    """
    if not password or not user.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    plan = selectors.account_deletion_plan(user)
    if plan.blocking:
        raise ValidationError(
            _(
                "You are the only owner of %(names)s, which has other members: make one of "
                "them owner, or delete the organisation, before deleting your account."
            )
            % {"names": ", ".join(org.name for org in plan.blocking)}
        )
    with transaction.atomic():
        now = timezone.now()
        for organisation in plan.deleted_with:
            _organisation_deletion_now(organisation, user, now)
        if plan.deleted_with:
            # The scheduler's own sweep, run at once: it claims what is due and enqueues one
            # deletion task each. Should the broker refuse, the quarter-hourly sweep does it;
            # the account is gone either way (robust: no error page after the commit). Sent by
            # name: tasks.py imports this module.
            task_send_on_commit("privacy.deletions_due")
        _audit_forget(user)
        Invitation.objects.filter(email=user.email).delete()
        # Keys they created stop working with them, like keys of a member who leaves.
        api_keys_revoke_created_by(creator=user, reason="creator_deleted_account")
        audit_record(
            action="user.deleted",
            organisation=None,
            user_id=user.pk,
            organisations_deleted=len(plan.deleted_with),
        )
        user.delete()
    return [organisation.name for organisation in plan.deleted_with]


def _organisation_deletion_now(organisation: Organisation, user: User, now: datetime) -> None:
    """Make the organisation's deletion due now: a new request, or the scheduled one brought
    forward (one live request per organisation). One a worker has started is left to it."""
    live = selectors.organisation_deletion_live(organisation)
    if live is None:
        OrganisationDeletion.objects.create(
            organisation=organisation, requested_by=user, requested_at=now, due_at=now
        )
    elif live.started_at is None:
        OrganisationDeletion.objects.filter(pk=live.pk, started_at=None).update(due_at=now)


def _audit_forget(user: User) -> None:
    """Replace the user's e-mail address in the activity log by « ancien membre »."""
    email = user.email
    AuditEvent.objects.filter(actor=user).update(actor_label=FORMER_MEMBER_LABEL)
    AuditEvent.objects.filter(
        Q(target_type="accounts.user", target_id=str(user.pk))
        | Q(target_label__startswith=f"{email} ")  # memberships and invitations name them
    ).update(target_label=FORMER_MEMBER_LABEL)
    for event in AuditEvent.objects.filter(data__email=email):
        event.data = {k: v for k, v in event.data.items() if k != "email"}
        event.save(update_fields=["data"])


# --- a person's data ---------------------------------------------------------------------------


def person_find(*, membership: Membership, query: str) -> list[PersonMatch]:
    """People matching ``query`` in every registered source (managers and owners)."""
    _require(membership, Role.MANAGER)
    query = query.replace("\x00", "").strip()
    if not query:
        return []
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationError(_("Search with at most %(n)s characters.") % {"n": MAX_QUERY_CHARS})
    matches: list[PersonMatch] = []
    for source in registry.sources():
        matches += source.find(membership.organisation, query, limit=MAX_MATCHES)
    return matches


def _resolve(references: Sequence[str]) -> list[tuple[registry.PersonDataSource, str]]:
    chosen = list(dict.fromkeys(r for r in references if r))
    if not chosen:
        raise ValidationError(_("Tick at least one person."))
    if len(chosen) > MAX_PEOPLE_AT_ONCE:
        raise ValidationError(_("Choose at most %(n)s people at once.") % {"n": MAX_PEOPLE_AT_ONCE})
    resolved = []
    for reference in chosen:
        parsed = registry.parse_reference(reference)
        if parsed is None:
            raise ValidationError(_("This person could not be found: search again."))
        resolved.append(parsed)
    return resolved


def _file_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name.replace("\x00", "")
    return base[:120] or "file"


def person_export(*, membership: Membership, references: Sequence[str]) -> bytes:
    """A ZIP archive of what every source holds about the chosen people: ``person.json`` and
    their files under ``files/<source>/``."""
    _require(membership, Role.MANAGER)
    resolved = _resolve(references)
    organisation = membership.organisation
    by_source: dict[str, list[Any]] = {}
    buffer = io.BytesIO()
    file_count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source, key in resolved:
            export = source.export(organisation, key)
            files = []
            for exported in export.files:
                file_count += 1
                path = f"files/{source.name}/{file_count}-{_file_name(exported.name)}"
                archive.writestr(path, exported.content)
                files.append(path)
            if export.data or files:
                by_source.setdefault(source.name, []).append({**export.data, "files": files})
        document = {
            "exported_at": timezone.now().isoformat(),
            "organisation": organisation.name,
            "sources": by_source,
        }
        archive.writestr("person.json", json.dumps(document, ensure_ascii=False, indent=2))
    audit_record(
        action="person.exported",
        organisation=organisation,
        actor=membership.user,
        people=len(resolved),
        sources={name: len(items) for name, items in by_source.items()},
        files=file_count,
    )
    return buffer.getvalue()


def person_erase(*, membership: Membership, references: Sequence[str]) -> dict[str, int]:
    """Erase the chosen people's data in every source; return the summed counts."""
    _require(membership, Role.MANAGER)
    resolved = _resolve(references)
    organisation = membership.organisation
    totals: dict[str, int] = {}
    with transaction.atomic():
        for source, key in resolved:
            for name, count in source.erase(organisation, key).items():
                totals[f"{source.name}.{name}"] = totals.get(f"{source.name}.{name}", 0) + count
        audit_record(
            action="person.erased",
            organisation=organisation,
            actor=membership.user,
            people=len(resolved),
            erased=totals,
        )
        # Raw webhook payloads may still hold their words: the processed ones go at once, but
        # in the worker. They are not tied to an organisation, so the purge reads every
        # organisation's; the others are processed within minutes and never kept longer
        # than RETENTION_WEBHOOK_DAYS. Robust: a broker that refuses must not turn a done
        # erasure into an error page (the hourly purge comes anyway).
        task_send_on_commit("privacy.webhook_events_purge")
    return totals
