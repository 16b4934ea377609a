"""The conversation pane and its actions: reply, status, assignment, labels, notes.

Nothing typed is lost. Each action answers HTMX with only the fragment it changed (plus, out
of band, the few fragments that show the same fact), so the reply and the note being written
elsewhere in the pane are never replaced; an action that may move the conversation in the list
adds an ``inbox-changed`` event the page script refreshes the list on.

Without JavaScript the reply box, the tools and the note box are one form whose buttons post
to each action (``formaction``): the drafts travel in the same request as the action and come
back on the page after the redirect, carried once in the session. This was chosen over a
draft saved in the background per user and conversation because nothing then depends on an
earlier save having reached the server (a phone losing its connection while typing still keeps
the text in the form), it needs no script at all, and no table of stale drafts to customers
(personal data) has to be purged: the session expires by itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.models import Membership
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.inbox import selectors, services
from parvis.inbox.forms import NoteForm, ReplyForm
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.llm import LlmUnavailable, suggest_reply
from parvis.inbox.models import Conversation, Reply
from parvis.inbox.reply_sending import reply_send

# One element with an id per part of the pane an action changes (templates/inbox/_pane.html).
FRAGMENTS = {
    "head": "inbox/_c_head.html",
    "thread": "inbox/_c_thread.html",
    "reply": "inbox/_c_reply.html",
    "status": "inbox/_c_status.html",
    "assign": "inbox/_c_assign.html",
    "labels": "inbox/_c_labels.html",
    "notes": "inbox/_c_notes.html",
    "note": "inbox/_c_note.html",
}

# The typed fields of the pane's form, by POST name, and the context name that shows them.
DRAFT_FIELDS = {"text": "reply_text", "note": "note_text"}
# What the no-JavaScript page shows once after a redirect, besides the drafts.
_CARRIED = ("reply_error",)


def _draft_key(conversation: Conversation) -> str:
    return f"inbox-draft:{conversation.pk}"


def _conversation(request: OrgRequest, conversation_id: int) -> Conversation:
    return get_scoped_or_404(Conversation, request.organisation, pk=conversation_id)


def _context(
    request: OrgRequest, conversation: Conversation, state: dict[str, str]
) -> dict[str, object]:
    view = selectors.conversation_detail(conversation=conversation)
    return {
        "view": view,
        "c": view.conversation,
        "can_answer": request.membership.can(Role.CONTRIBUTOR),
        "llm": inbox_settings_for(request.organisation.pk).llm_configured,
        **state,
    }


def _typed(request: OrgRequest, *, keep: tuple[str, ...] = ("text", "note")) -> dict[str, str]:
    """The drafts posted with this request (every button of the pane posts the whole form)."""
    return {DRAFT_FIELDS[name]: request.POST.get(name, "") for name in keep}


def _page(
    request: OrgRequest, conversation: Conversation, state: dict[str, str], status: int = 200
) -> HttpResponse:
    """The conversation's own page (no JavaScript, or a link opened directly)."""
    context = _context(request, conversation, state)
    return render(request, "inbox/conversation_page.html", context, status=status)


def _fragments(
    request: OrgRequest,
    conversation: Conversation,
    primary: str,
    *,
    oob: tuple[str, ...] = (),
    state: dict[str, str] | None = None,
    changed: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The fragment the action targets, then the others it changed, swapped out of band."""
    context = _context(request, conversation, state or {})
    html = render_to_string(FRAGMENTS[primary], context, request)
    for name in oob:
        html += render_to_string(FRAGMENTS[name], {**context, "oob": True}, request)
    response = HttpResponse(html, status=status)
    if changed:
        response["HX-Trigger"] = "inbox-changed"
    return response


def _done(
    request: OrgRequest,
    conversation: Conversation,
    primary: str,
    *,
    notice: str,
    oob: tuple[str, ...] = (),
    keep: tuple[str, ...] = ("text", "note"),
    changed: bool = False,
    state: dict[str, str] | None = None,
) -> HttpResponse:
    """An action went through: HTMX gets its fragments with the notice in ``primary``; a plain
    POST is redirected to the conversation (reloading it does not post again), the drafts
    named in ``keep`` carried to it through the session."""
    if request.htmx:  # type: ignore[attr-defined]
        return _fragments(
            request,
            conversation,
            primary,
            oob=oob,
            changed=changed,
            state={f"{primary}_notice": notice, **(state or {})},
        )
    carried = {**_typed(request, keep=keep), **(state or {})}
    carried = {name: value for name, value in carried.items() if value.strip()}
    if carried:
        request.session[_draft_key(conversation)] = carried
    messages.success(request, notice)
    return redirect(
        "inbox:conversation", org=request.organisation.slug, conversation_id=conversation.pk
    )


def _refused(
    request: OrgRequest, conversation: Conversation, primary: str, error: str
) -> HttpResponse:
    """Nothing was done: the field says why, and every draft stays as it was typed. HTMX gets
    200: htmx does not swap a 4xx answer by default, and the browser would log it as an
    error; the page without JavaScript gets 422."""
    state = {**_typed(request), f"{primary}_error": error}
    if request.htmx:  # type: ignore[attr-defined]
        return _fragments(request, conversation, primary, state=state)
    return _page(request, conversation, state, status=422)


def _text_error(form: forms.Form, empty: str) -> str:
    """The French reason a text field was refused: ``empty`` when nothing was typed."""
    errors = form.errors.as_data().get("text") or form.errors.as_data().get("note") or []
    if not errors or any(error.code == "required" for error in errors):
        return empty
    return " ".join(message for error in errors for message in error.messages)


@require_GET
@org_view()
def conversation(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    carried = request.session.pop(_draft_key(conversation), None)
    state = {
        key: str(value)
        for key, value in (carried or {}).items()
        if key in {*DRAFT_FIELDS.values(), *_CARRIED}
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "inbox/_pane.html", _context(request, conversation, state))
    return _page(request, conversation, state)


@require_POST
@org_view(Role.CONTRIBUTOR)
def reply(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, conversation, "reply", _text_error(form, _("Write a reply before sending."))
        )
    text = form.cleaned_data["text"]
    try:
        created = services.reply_create(
            actor=Actor.of(request.membership), conversation=conversation, text=text
        )
    except ValidationError as exc:  # over the network's limit, say: the text stays
        return _refused(request, conversation, "reply", " ".join(exc.messages))
    sent = reply_send(reply_id=created.pk) or created
    conversation.refresh_from_db()
    if sent.status in {Reply.Status.SENT, Reply.Status.DEMO, Reply.Status.RETRY}:
        notices = {
            Reply.Status.SENT: _("Reply sent."),
            Reply.Status.DEMO: _("Demo: reply recorded, not sent."),
            Reply.Status.RETRY: _("The network is busy: the reply will be sent automatically."),
        }
        return _done(
            request,
            conversation,
            "reply",
            notice=notices[Reply.Status(sent.status)],
            oob=("thread",),
            keep=("note",),
        )
    # Failed or unconfirmed: the text stays in the box with the network's reason.
    state = {"reply_text": text, "reply_error": sent.error}
    if request.htmx:  # type: ignore[attr-defined]
        return _fragments(request, conversation, "reply", oob=("thread",), state=state)
    request.session[_draft_key(conversation)] = {**_typed(request, keep=("note",)), **state}
    return redirect(
        "inbox:conversation", org=request.organisation.slug, conversation_id=conversation.pk
    )


@require_POST
@org_view(Role.CONTRIBUTOR)
def reply_resend(request: OrgRequest, conversation_id: int, reply_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    target = get_scoped_or_404(Reply, request.organisation, pk=reply_id, conversation=conversation)
    services.reply_resend(actor=Actor.of(request.membership), reply=target)
    reply_send(reply_id=target.pk)
    conversation.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        return _fragments(request, conversation, "thread", changed=True)
    return redirect(
        "inbox:conversation", org=request.organisation.slug, conversation_id=conversation.pk
    )


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
    notice = notices[Conversation.Status(value)]
    return _done(request, conversation, "status", notice=notice, oob=("head",), changed=True)


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
    return _done(request, conversation, "assign", notice=_("Assignment saved."), changed=True)


@require_POST
@org_view(Role.CONTRIBUTOR)
def labels(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    names = request.POST.get("labels", "").split(",")
    services.conversation_set_labels(
        actor=Actor.of(request.membership), conversation=conversation, names=names
    )
    return _done(request, conversation, "labels", notice=_("Labels saved."), changed=True)


@require_POST
@org_view(Role.CONTRIBUTOR)
def note(request: OrgRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, conversation, "note", _text_error(form, _("Write a note before adding it."))
        )
    services.note_add(
        actor=Actor.of(request.membership),
        conversation=conversation,
        text=form.cleaned_data["note"],
    )
    return _done(
        request,
        conversation,
        "note",
        notice=_("Note added (visible to the team only)."),
        oob=("notes",),
        keep=("text",),
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
        return _refused(
            request, conversation, "reply", _("No suggestion: %(reason)s.") % {"reason": exc}
        )
    return _done(
        request,
        conversation,
        "reply",
        notice=_("Suggestion ready: read it, edit it, then send."),
        keep=("note",),
        state={"reply_text": text},
    )
