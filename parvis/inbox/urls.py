from __future__ import annotations

from django.urls import path

from parvis.inbox import conversation_views, views

app_name = "inbox"

_C = "o/<slug:org>/inbox/c/<int:conversation_id>/"

urlpatterns = [
    path("o/<slug:org>/inbox/", views.inbox, name="inbox"),
    path("o/<slug:org>/inbox/check/", views.check_now, name="check_now"),
    path("o/<slug:org>/inbox/goals/", views.goals, name="goals"),
    path("o/<slug:org>/inbox/settings/", views.settings_page, name="settings"),
    path("o/<slug:org>/inbox/backfill/", views.backfill, name="backfill"),
    path("o/<slug:org>/inbox/saved-replies/", views.saved_reply_create, name="saved_reply_create"),
    path(
        "o/<slug:org>/inbox/saved-replies/<int:saved_reply_id>/delete/",
        views.saved_reply_delete,
        name="saved_reply_delete",
    ),
    path(_C, conversation_views.conversation, name="conversation"),
    path(_C + "reply/", conversation_views.reply, name="reply"),
    path(
        _C + "replies/<int:reply_id>/resend/", conversation_views.reply_resend, name="reply_resend"
    ),
    path(_C + "status/", conversation_views.status, name="status"),
    path(_C + "assign/", conversation_views.assign, name="assign"),
    path(_C + "labels/", conversation_views.labels, name="labels"),
    path(_C + "notes/", conversation_views.note, name="note"),
    path(_C + "suggest/", conversation_views.suggest, name="suggest"),
]
