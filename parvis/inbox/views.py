"""Inbox pages: the list, « Check now », response times and settings. The conversation pane
and its actions are in conversation_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.inbox import selectors, services
from parvis.inbox.forms import (
    FilterForm,
    InboxSettingsForm,
    SavedReplyForm,
)
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import BackfillJob, SavedReply
from parvis.inbox.polling import backfill_start
from parvis.inbox.tasks import poll_account_task
from parvis.networks.models import SocialAccount


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(raw or default)))
    except ValueError:
        return default


@require_GET
@org_view()
def inbox(request: OrgRequest) -> HttpResponse:
    form = FilterForm(request.GET, organisation=request.organisation)
    offset = _int(request.GET.get("offset"), 0, 0, 1_000_000)
    page = selectors.inbox_page(
        organisation=request.organisation,
        user=request.membership.user,
        filters=form.filters(),
        offset=offset,
        limit=_int(request.GET.get("per_page"), selectors.PAGE_SIZE, 10, 100),
    )
    query = request.GET.copy()
    query.pop("offset", None)
    query.pop("c", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "next_offset": offset + len(page.conversations),
        "selected": request.GET.get("c", ""),
        "can_check": request.membership.can(Role.CONTRIBUTOR),
    }
    if request.htmx and request.htmx.target == "inbox-list":  # type: ignore[attr-defined]
        return render(request, "inbox/_list.html", context)
    return render(request, "inbox/inbox.html", context)


# A person may click « Check now » again and again: one reading per organisation in this window
# is enough, and spares the networks' rate limits (X counts every read of the mentions).
CHECK_NOW_WINDOW_S = 30


def _check_now_enqueue(account_ids: list[int]) -> None:
    for account_id in account_ids:
        poll_account_task.delay(account_id)


@require_POST
@org_view(Role.CONTRIBUTOR)
def check_now(request: OrgRequest) -> HttpResponse:
    """« Check now »: ask the worker to read the organisation's accounts at once, rather than
    at the next scheduled reading. The messages arrive in the list as the worker reads them."""
    organisation = request.organisation
    accounts = SocialAccount.objects.for_organisation(organisation)
    account_ids = list(
        accounts.filter(status=SocialAccount.Status.CONNECTED, is_demo=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    checking = connect = False
    if account_ids:
        # The creation instant too: one Redis may serve several Parvis databases (staging and
        # production, the test suite's instances), where the same id is another organisation.
        key = f"inbox:check-now:{organisation.pk}:{organisation.created_at.timestamp()}"
        if cache.add(key, 1, timeout=CHECK_NOW_WINDOW_S):
            transaction.on_commit(lambda: _check_now_enqueue(account_ids))
            notice = ngettext(
                "Checking your account now: new messages will appear here in a moment.",
                "Checking your %(count)d accounts now: new messages will appear here in a moment.",
                len(account_ids),
            ) % {"count": len(account_ids)}
        else:
            notice = _("A check is already on its way: new messages will appear here in a moment.")
        checking = True
    elif accounts.filter(is_demo=True).exists():
        notice = _("Demo accounts have nothing new to read.")
    else:
        notice = _("No connected account to check: connect one on the Accounts page.")
        connect = True
    if request.htmx:  # type: ignore[attr-defined]
        context = {"notice": notice, "checking": checking, "connect": connect}
        return render(request, "inbox/_check_status.html", context)
    if checking:
        messages.success(request, notice)
    else:
        messages.info(request, notice)
    return redirect("inbox:inbox", org=organisation.slug)


@require_GET
@org_view()
def goals(request: OrgRequest) -> HttpResponse:
    report = selectors.response_report(organisation=request.organisation)
    goal_hours = int(report.goal.total_seconds() // 3600)
    return render(request, "inbox/goals.html", {"report": report, "goal_hours": goal_hours})


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def settings_page(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    current = inbox_settings_for(organisation.pk)
    form = InboxSettingsForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "goal_hours": current.goal_hours,
            "job_applications_to": current.job_applications_to_id,
            "llm_base_url": current.llm_base_url,
            "llm_model": current.llm_model,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.inbox_settings_update(
            actor=Actor.of(request.membership),
            goal_hours=data["goal_hours"],
            job_applications_to=data["job_applications_to"],
            llm_base_url=data["llm_base_url"],
            llm_model=data["llm_model"],
            llm_api_key=data["llm_api_key"] or None,
        )
        messages.success(request, _("Settings saved."))
        return redirect("inbox:settings", org=organisation.slug)
    accounts = list(
        SocialAccount.objects.filter(organisation=organisation).order_by("kind", "handle")
    )
    jobs = {}
    for job in BackfillJob.objects.for_organisation(organisation).order_by("started_at"):
        jobs[job.account_id] = job  # the latest per account wins
    context = {
        "form": form,
        "saved_form": SavedReplyForm(),
        "saved_replies": SavedReply.objects.for_organisation(organisation),
        "accounts": [(a, jobs.get(a.pk)) for a in accounts],
        "llm_key_set": bool(current.llm_api_key),
        "backfill_running": any(j.status == BackfillJob.Status.RUNNING for j in jobs.values()),
    }
    return render(request, "inbox/settings.html", context)


@require_POST
@org_view(Role.MANAGER)
def backfill(request: OrgRequest) -> HttpResponse:
    raw = request.POST.get("account", "")
    account = get_scoped_or_404(
        SocialAccount, request.organisation, pk=int(raw) if raw.isdigit() else 0
    )
    if account.is_demo:
        messages.info(request, _("Demo accounts have no history to read."))
    else:
        backfill_start(account=account)
        messages.success(request, _("Reading the last 30 days: progress is shown below."))
    return redirect("inbox:settings", org=request.organisation.slug)


@require_POST
@org_view(Role.MANAGER)
def saved_reply_create(request: OrgRequest) -> HttpResponse:
    form = SavedReplyForm(request.POST)
    if form.is_valid():
        services.saved_reply_create(
            actor=Actor.of(request.membership),
            name=form.cleaned_data["name"],
            text=form.cleaned_data["text"],
            intent=form.cleaned_data["intent"],
        )
        messages.success(request, _("Saved reply added."))
    else:
        messages.error(request, _("The saved reply needs a name and a text."))
    return redirect("inbox:settings", org=request.organisation.slug)


@require_POST
@org_view(Role.MANAGER)
def saved_reply_delete(request: OrgRequest, saved_reply_id: int) -> HttpResponse:
    saved = get_scoped_or_404(SavedReply, request.organisation, pk=saved_reply_id)
    services.saved_reply_delete(actor=Actor.of(request.membership), saved_reply=saved)
    messages.success(request, _("Saved reply deleted."))
    return redirect("inbox:settings", org=request.organisation.slug)
