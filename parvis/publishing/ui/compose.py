"""The composer: write once, one variant per account, live checks and previews, autosave,
then schedule, add to the queue or submit for approval.

Every POST saves first (through ``post_create``/``post_update``, so a revision exists) and only
then tries to schedule: a refused time or a text over a limit never loses what was typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.networks.contracts import MediaFile
from parvis.networks.models import SocialAccount
from parvis.publishing.models import CATEGORY_CHOICES, MediaAsset, Post
from parvis.publishing.services.editing import post_create, post_update, suggest_category
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.queue import post_add_to_queue, suggest_best_time
from parvis.publishing.services.rules import Change, post_refusal
from parvis.publishing.services.scheduling import ScheduleOutcome, post_schedule
from parvis.publishing.ui.common import (
    actor_of,
    parse_date,
    parse_instant,
    parse_time,
    publishing_accounts,
)
from parvis.publishing.ui.forms import ComposeData, read_compose
from parvis.publishing.ui.variants import Typed, build_variants


def category_hint(text: str) -> str:
    """The suggested category value for ``text`` ("" when unsure)."""
    guess = suggest_category(text)
    return guess.value if guess is not None else ""


def _media(request: OrgRequest) -> list[MediaAsset]:
    return list(MediaAsset.objects.for_organisation(request.organisation).order_by("-created_at"))


def _media_files(assets: list[MediaAsset], ids: list[int]) -> tuple[MediaFile, ...]:
    chosen = {a.pk: a for a in assets}
    return tuple(
        MediaFile(
            mime=chosen[i].mime,
            size=chosen[i].size,
            width=chosen[i].width,
            height=chosen[i].height,
            duration=chosen[i].duration,
            alt_text=chosen[i].alt_text,
        )
        for i in ids
        if i in chosen
    )


def _typed(data: ComposeData, media: list[MediaAsset]) -> Typed:
    return Typed(
        body=data.body,
        link=data.fields.get("link", ""),
        utm_source=data.fields.get("utm_source", ""),
        utm_medium=data.fields.get("utm_medium", ""),
        utm_campaign=data.fields.get("utm_campaign", ""),
        first_comment=data.fields.get("first_comment", ""),
        overrides={k: v for k, v in data.overrides.items() if k in data.account_ids},
        media=_media_files(media, data.media_ids),
    )


def _from_post(post: Post) -> ComposeData:
    targets = list(post.targets.all())
    return ComposeData(
        body=post.body,
        account_ids=[t.account_id for t in targets],
        overrides={t.account_id: t.text_override for t in targets},
        media_ids=list(post.media.order_by("pk").values_list("pk", flat=True)),
        fields={
            "link": post.link,
            "utm_source": post.utm_source,
            "utm_medium": post.utm_medium,
            "utm_campaign": post.utm_campaign,
            "first_comment": post.first_comment,
            "category": post.category,
            "recurrence": post.recurrence,
            "evergreen": post.evergreen,
            "cooldown_days": post.cooldown_days,
        },
        version=post.version,
    )


def _checks_context(
    request: OrgRequest, data: ComposeData, accounts: list[SocialAccount], media: list[MediaAsset]
) -> dict[str, Any]:
    chosen = [a for a in accounts if a.pk in data.account_ids]
    chosen_media = {m.pk: m for m in media}
    return {
        "variants": build_variants(_typed(data, media), chosen),
        "chosen_media": [chosen_media[i] for i in data.media_ids if i in chosen_media],
        "link_valid": data.link_valid,
        "category_hint": "" if data.fields.get("category") else category_hint(data.body),
        "category_labels": dict(CATEGORY_CHOICES),
    }


def _page(
    request: OrgRequest,
    *,
    post: Post | None,
    data: ComposeData,
    error: PublishingError | None = None,
    schedule_date: str = "",
    schedule_time: str = "",
    status: int = 200,
) -> HttpResponse:
    organisation = request.organisation
    accounts = publishing_accounts(organisation)
    media = _media(request)
    zone = organisation.tzinfo
    if post is not None and post.scheduled_at and not schedule_date:
        local = post.scheduled_at.astimezone(zone)
        schedule_date, schedule_time = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
    first = next((a for a in accounts if a.pk in data.account_ids), None)
    suggested = suggest_best_time(organisation=organisation, account=first, now=timezone.now())
    suggested_local = suggested.astimezone(zone) if suggested else None
    context = {
        "post": post,
        "data": data,
        "accounts": [
            {
                "account": a,
                "checked": a.pk in data.account_ids,
                "override": data.overrides.get(a.pk, ""),
            }
            for a in accounts
        ],
        "media": [{"asset": m, "checked": m.pk in data.media_ids} for m in media],
        "categories": CATEGORY_CHOICES,
        "recurrences": Post.Recurrence.choices,
        "error": error,
        "choices": error.choices if error is not None else (),
        "schedule_date": schedule_date,
        "schedule_time": schedule_time,
        "suggested": suggested_local,
        "suggested_label": (
            date_format(suggested_local, "l j F, H:i") if suggested_local is not None else ""
        ),
        "needs_approval": organisation.approval_required
        and not request.membership.can(Role.MANAGER),
        "timezone_name": organisation.timezone,
        **_checks_context(request, data, accounts, media),
    }
    return render(request, "publishing/ui/compose.html", context, status=status)


def _expected_version(request: OrgRequest, post: Post, sent: int | None) -> int | None:
    """The version to check against, or None when the newer one is this person's own
    autosave (a save still in flight when they pressed a button is not a conflict)."""
    if sent is None or sent == post.version:
        return sent
    latest = post.revisions.order_by("-version").first()
    if latest is not None and latest.author_id == request.user.pk:
        return None
    return sent


def _save(request: OrgRequest, post: Post | None, data: ComposeData) -> Post:
    """Create or update the draft with what was typed (raises PublishingError on conflict, or
    for a text longer than Parvis accepts: the page then shows it as typed, unsaved)."""
    if data.refusal is not None:
        raise data.refusal
    actor = actor_of(request)
    overrides = {k: v for k, v in data.overrides.items() if k in data.account_ids}
    if post is None:
        return post_create(
            actor=actor,
            body=data.body,
            account_ids=data.account_ids,
            text_overrides=overrides,
            media_ids=data.media_ids,
            **data.fields,
        )
    changes: dict[str, Any] = {
        "account_ids": data.account_ids,
        "text_overrides": overrides,
        "media_ids": data.media_ids,
        "body": data.body,
        **data.fields,
    }
    expected = _expected_version(request, post, data.version)
    try:
        return post_update(actor=actor, post=post, expected_version=expected, **changes)
    except PublishingError as error:
        # The newer version may be this person's own autosave that committed while this
        # request waited for the row: that is no conflict, save over it.
        post.refresh_from_db()
        if error.code != "conflict" or _expected_version(request, post, expected) is not None:
            raise
        return post_update(actor=actor, post=post, expected_version=None, **changes)


def _scheduled(request: OrgRequest, post: Post, outcome: ScheduleOutcome) -> HttpResponse:
    if outcome.needs_approval:
        messages.success(request, _("Sent for approval: a manager will review your post."))
    else:
        local = outcome.post.scheduled_at.astimezone(request.organisation.tzinfo)  # type: ignore[union-attr]
        messages.success(
            request,
            _("Scheduled for %(when)s.") % {"when": date_format(local, "l j F Y, H:i")},
        )
    return redirect("posts:detail", org=request.organisation.slug, post_id=post.pk)


def _submit(request: OrgRequest, post: Post | None) -> HttpResponse:
    """Save, then do what the pressed button asked; on any refusal show the page again."""
    accounts = publishing_accounts(request.organisation)
    data = read_compose(request.POST, accounts, _media(request))
    action = request.POST.get("action") or ("schedule" if request.POST.get("at") else "save")
    day, at = request.POST.get("date", ""), request.POST.get("time", "")
    if post is None and _nothing_written(data):
        # Saying why beats an empty draft appearing in the list at each press of a button.
        empty = PublishingError(
            _("Nothing to save yet: write your post first."), code="nothing_written"
        )
        return _page(
            request, post=None, data=data, error=empty, schedule_date=day, schedule_time=at
        )
    try:
        post = _save(request, post, data)
    except PublishingError as error:
        return _page(
            request,
            post=post,
            data=data,
            error=error,
            schedule_date=day,
            schedule_time=at,
        )
    data.version = post.version
    actor = actor_of(request)
    try:
        if action == "queue":
            return _scheduled(request, post, post_add_to_queue(actor=actor, post=post))
        if action == "schedule":
            instant = parse_instant(request.POST.get("at", ""))
            if instant is not None:
                outcome = post_schedule(actor=actor, post=post, at=instant)
            else:
                local = _local(day, at)
                fold = request.POST.get("fold", "")
                outcome = post_schedule(
                    actor=actor,
                    post=post,
                    local_time=local,
                    fold=int(fold) if fold in {"0", "1"} else None,
                )
            return _scheduled(request, post, outcome)
    except PublishingError as error:
        return _page(
            request,
            post=post,
            data=data,
            error=error,
            schedule_date=day,
            schedule_time=at,
        )
    messages.success(request, _("Draft saved."))
    return redirect("posts:edit", org=request.organisation.slug, post_id=post.pk)


def _nothing_written(data: ComposeData) -> bool:
    """No text, variant, link, first comment or media: ticked accounts alone are no post."""
    typed = [data.body, *data.overrides.values(), data.fields.get("link", "")]
    typed.append(data.fields.get("first_comment", ""))
    return not data.media_ids and not any(str(value).strip() for value in typed)


def _local(day: str, at: str) -> datetime | None:
    parsed_day, parsed_time = parse_date(day), parse_time(at)
    if parsed_day is None or parsed_time is None:
        return None
    return datetime.combine(parsed_day, parsed_time)


@require_http_methods(["GET", "POST"])
@org_view(Role.CONTRIBUTOR)
def compose_new(request: OrgRequest) -> HttpResponse:
    if request.method == "POST":
        post_id = request.POST.get("post_id", "")
        post = (
            get_scoped_or_404(Post, request.organisation, pk=int(post_id))
            if post_id.isdigit()
            else None
        )
        return _submit(request, post)
    text = request.GET.get("text", "")[:10_000]
    category = request.GET.get("category", "")
    connected = [
        a.pk
        for a in publishing_accounts(request.organisation)
        if a.status == SocialAccount.Status.CONNECTED
    ]
    data = ComposeData(
        body=text,
        account_ids=connected if len(connected) == 1 else [],
        fields={"category": category if category in dict(CATEGORY_CHOICES) else ""},
    )
    if text and not data.fields["category"]:
        data.fields["category"] = category_hint(text)
    return _page(request, post=None, data=data)


@require_http_methods(["GET", "POST"])
@org_view(Role.CONTRIBUTOR)
def compose_edit(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    if not post.is_editable:
        messages.info(request, _("This post is being published or is already live."))
        return redirect("posts:detail", org=request.organisation.slug, post_id=post.pk)
    refusal = post_refusal(actor_of(request), post, Change.EDIT)
    if refusal is not None:
        messages.info(request, refusal)
        return redirect("posts:detail", org=request.organisation.slug, post_id=post.pk)
    if request.method == "POST":
        return _submit(request, post)
    return _page(request, post=post, data=_from_post(post))


@require_POST
@org_view(Role.CONTRIBUTOR)
def autosave(request: OrgRequest) -> HttpResponse:
    """HTMX: save what is typed now; answer the "saved at" line and the new version."""
    accounts = publishing_accounts(request.organisation)
    data = read_compose(request.POST, accounts, _media(request))
    post_id = request.POST.get("post_id", "")
    post = (
        get_scoped_or_404(Post, request.organisation, pk=int(post_id))
        if post_id.isdigit()
        else None
    )
    context: dict[str, Any] = {"post": post, "error": None}
    if post is None and not data.body.strip() and not data.account_ids:
        return render(request, "publishing/ui/_save_status.html", context)
    created = post is None
    try:
        post = _save(request, post, data)
    except PublishingError as error:
        context["error"] = error
        return render(request, "publishing/ui/_save_status.html", context)
    context.update(
        {
            "post": post,
            "saved_at": timezone.localtime(post.updated_at),
            # The page's address becomes the edit page's (publishing.js), so a reload keeps it.
            "edit_url": reverse(
                "posts:edit", kwargs={"org": request.organisation.slug, "post_id": post.pk}
            )
            if created
            else "",
        }
    )
    return render(request, "publishing/ui/_save_status.html", context)


@require_POST
@org_view(Role.CONTRIBUTOR)
def check(request: OrgRequest) -> HttpResponse:
    """HTMX: counters, French issues and a preview per chosen account. Saves nothing."""
    accounts = publishing_accounts(request.organisation)
    media = _media(request)
    data = read_compose(request.POST, accounts, media)
    return render(
        request, "publishing/ui/_checks.html", _checks_context(request, data, accounts, media)
    )
