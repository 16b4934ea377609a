from __future__ import annotations

from django.urls import path

from parvis.publishing.ui import approvals, calendar, compose, media, posts, queue

app_name = "posts"

urlpatterns = [
    path("o/<slug:org>/posts/", posts.post_list, name="list"),
    path("o/<slug:org>/posts/new/", compose.compose_new, name="new"),
    path("o/<slug:org>/posts/autosave/", compose.autosave, name="autosave"),
    path("o/<slug:org>/posts/check/", compose.check, name="check"),
    path("o/<slug:org>/posts/<int:post_id>/", posts.post_detail, name="detail"),
    path("o/<slug:org>/posts/<int:post_id>/edit/", compose.compose_edit, name="edit"),
    path("o/<slug:org>/posts/<int:post_id>/retry/", posts.post_retry, name="retry"),
    path("o/<slug:org>/posts/<int:post_id>/cancel/", posts.post_cancel, name="cancel"),
    path("o/<slug:org>/posts/<int:post_id>/comment/", posts.post_comment, name="comment"),
    path("o/<slug:org>/posts/<int:post_id>/move/", calendar.reschedule, name="reschedule"),
    path("o/<slug:org>/posts/<int:post_id>/approve/", approvals.approve, name="approve"),
    path("o/<slug:org>/posts/<int:post_id>/reject/", approvals.reject, name="reject"),
    path("o/<slug:org>/calendar/", calendar.calendar, name="calendar"),
    path("o/<slug:org>/calendar/rotate/", calendar.feed_rotate, name="feed_rotate"),
    path("o/<slug:org>/posts/import/", calendar.csv_import, name="import"),
    path("o/<slug:org>/approvals/", approvals.approvals, name="approvals"),
    path(
        "o/<slug:org>/notifications/read/", approvals.notifications_read, name="notifications_read"
    ),
    path("o/<slug:org>/media/", media.library, name="media"),
    path("o/<slug:org>/media/<int:media_id>/", media.media_file, name="media_file"),
    path("o/<slug:org>/media/<int:media_id>/alt/", media.alt_text, name="media_alt"),
    path("o/<slug:org>/media/<int:media_id>/delete/", media.delete, name="media_delete"),
    # Fetched by Instagram and Facebook without a session: the signed token is the key.
    path("media/s/<str:token>/", media.media_public, name="media_public"),
    path("o/<slug:org>/queue/", queue.queue, name="queue"),
    path("o/<slug:org>/queue/<int:slot_id>/remove/", queue.slot_remove, name="queue_remove"),
]
