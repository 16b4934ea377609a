"""Inbox pages: translate requests into selectors and services, nothing more.

Each conversation action answers HTMX with the refreshed conversation pane (and an
``inbox-changed`` event the page script listens to), and plain requests with a redirect, so
the inbox works without JavaScript and on a phone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.models import Membership
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.inbox import selectors, services
from parvis.inbox.forms import (
    FilterForm,
    InboxSettingsForm,
    NoteForm,
    ReplyForm,
    SavedReplyForm,
)
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.llm import LlmUnavailable, suggest_reply
from parvis.inbox.models import BackfillJob, Conversation, Reply, SavedReply
from parvis.inbox.polling import backfill_start
from parvis.inbox.reply_sending import reply_send
from parvis.inbox.tasks import poll_account_task
from parvis.networks.models import SocialAccount


def _conversation(request: OrgRequest, conversation_id: int) -> Conversation:
    return get_scoped_or_404(Conversation, request.organisation, pk=conversation_id)


def _pane(
    request: OrgRequest,
    conversation: Conversation,
    *,
    reply_text: str = "",
    reply_error: str = "",
    notice: str = "",
    changed: bool = False,
    status: int = 200,
) -> HttpResponse:
    view = selectors.conversation_detail(conversation=conversation)
    context = {
        "view": view,
        "c": view.conversation,
        "reply_form": ReplyForm(initial={"text": reply_text}),
        "reply_error": reply_error,
        "note_form": NoteForm(),
        "notice": notice,
        "can_answer": request.membership.can(Role.CONTRIBUTOR),
        "llm": inbox_settings_for(request.organisation.pk).llm_configured,
        "changed": changed,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "inbox/conversation_page.html", context, status=status)
    response = render(request, "inbox/_pane.html", context, status=status)
    if changed:
        response["HX-Trigger"] = "inbox-changed"
    return response


def _after(
    request: OrgRequest, conversation: Conversation, *, changed: bool = True, **kwargs: object
) -> HttpResponse:
    """``changed``: the conversation may have left or moved in the list (status, assignee,
    labels), so the page refreshes the list. A reply or a note does not: the list stays as
    the person saw it while they work through it."""
    if request.htmx:  # type: ignore[attr-defined]
        return _pane(request, conversation, changed=changed, **kwargs)  # type: ignore[arg-type]
    return redirect(
        "inbox:conversation", org=request.organisation.slug, conversation_id=conversation.pk
    )


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
def conversation(request: OrgRequest, conversation_id: int) -> HttpResponse:
    return _pane(request, _conversation(request, conversation_id))


@require_POST
@org_view(Role.CONTRIBUTOR)
def reply(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _pane(request, conversation, reply_error=_("Write a reply first."), status=400)
    text = form.cleaned_data["text"]
    try:
        created = services.reply_create(
            actor=Actor.of(request.membership), conversation=conversation, text=text
        )
    except ValidationError as exc:
        return _pane(request, conversation, reply_text=text, reply_error=" ".join(exc.messages))
    sent = reply_send(reply_id=created.pk) or created
    conversation.refresh_from_db()
    if sent.status in {Reply.Status.SENT, Reply.Status.DEMO}:
        notice = (
            _("Reply sent.")
            if sent.status == Reply.Status.SENT
            else _("Demo: reply recorded, not sent.")
        )
        return _after(request, conversation, changed=False, notice=notice)
    if sent.status == Reply.Status.RETRY:
        return _after(
            request,
            conversation,
            changed=False,
            notice=_("The network is busy: the reply will be sent automatically."),
        )
    # Failed or unconfirmed: the text stays in the box with the network's reason.
    return _pane(request, conversation, reply_text=text, reply_error=sent.error, status=200)


@require_POST
@org_view(Role.CONTRIBUTOR)
def reply_resend(request: OrgRequest, conversation_id: int, reply_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    target = get_scoped_or_404(Reply, request.organisation, pk=reply_id, conversation=conversation)
    services.reply_resend(actor=Actor.of(request.membership), reply=target)
    reply_send(reply_id=target.pk)
    conversation.refresh_from_db()
    return _after(request, conversation)


@require_POST
@org_view(Role.CONTRIBUTOR)
def status(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    value = request.POST.get("status", "")
    if value not in Conversation.Status.values:
        return HttpResponseBadRequest("unknown status")
    services.conversation_set_status(
        actor=Actor.of(request.membership), conversation=conversation, status=value
    )
    notices = {
        Conversation.Status.DONE: _("Marked as done."),
        Conversation.Status.OPEN: _("Reopened."),
        Conversation.Status.SPAM: _("Filed as spam (you can take it back)."),
    }
    return _after(request, conversation, notice=notices[Conversation.Status(value)])


@require_POST
@org_view(Role.CONTRIBUTOR)
def assign(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        membership = (
            Membership.objects.filter(
                organisation=request.organisation, user_id=int(raw) if raw.isdigit() else 0
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            return HttpResponseBadRequest("not a member")
        assignee = membership.user
    services.conversation_assign(
        actor=Actor.of(request.membership), conversation=conversation, assignee=assignee
    )
    return _after(request, conversation, notice=_("Assignment saved."))


@require_POST
@org_view(Role.CONTRIBUTOR)
def labels(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    names = request.POST.get("labels", "").split(",")
    services.conversation_set_labels(
        actor=Actor.of(request.membership), conversation=conversation, names=names
    )
    return _after(request, conversation, notice=_("Labels saved."))


@require_POST
@org_view(Role.CONTRIBUTOR)
def note(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            actor=Actor.of(request.membership),
            conversation=conversation,
            text=form.cleaned_data["text"],
        )
    return _after(
        request, conversation, changed=False, notice=_("Note added (visible to the team only).")
    )


@require_POST
@org_view(Role.CONTRIBUTOR)
def suggest(request: OrgRequest, conversation_id: int) -> HttpResponse:
    """Ask the organisation's language model for a draft; it only fills the reply box."""
    conversation = _conversation(request, conversation_id)
    settings = inbox_settings_for(request.organisation.pk)
    if not settings.llm_configured:
        raise Http404("no language model configured")
    view = selectors.conversation_detail(conversation=conversation)
    try:
        text = suggest_reply(
            settings, organisation_name=request.organisation.name, messages=view.messages
        )
    except LlmUnavailable as exc:
        return _pane(
            request, conversation, reply_error=_("No suggestion: %(reason)s.") % {"reason": exc}
        )
    return _pane(
        request,
        conversation,
        reply_text=text,
        notice=_("Suggestion ready: read it, edit it, then send."),
    )


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
