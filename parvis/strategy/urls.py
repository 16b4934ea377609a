from __future__ import annotations

from django.urls import path

from parvis.strategy import assistant_views, views

app_name = "strategy"

urlpatterns = [
    path("o/<slug:org>/strategy/diagnostic/", views.diagnostic, name="diagnostic"),
    path(
        "o/<slug:org>/strategy/diagnostic/start/", views.diagnostic_start, name="diagnostic_start"
    ),
    path(
        "o/<slug:org>/strategy/diagnostic/paused/",
        views.diagnostic_paused,
        name="diagnostic_paused",
    ),
    path("o/<slug:org>/strategy/result/", views.result, name="result"),
    path("o/<slug:org>/strategy/plan/", views.plan, name="plan"),
    path("o/<slug:org>/strategy/plan/accept/", views.plan_accept, name="plan_accept"),
    path("o/<slug:org>/strategy/week/", views.week, name="week"),
    path("o/<slug:org>/strategy/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("o/<slug:org>/strategy/tasks/<int:task_id>/draft/", views.task_draft, name="task_draft"),
    path("o/<slug:org>/strategy/alignment/", views.alignment, name="alignment"),
    path(
        "o/<slug:org>/strategy/alignment/refresh/",
        views.alignment_refresh,
        name="alignment_refresh",
    ),
    path("o/<slug:org>/strategy/review/", views.review, name="review"),
    # The composer's « Assistant » (parvis/strategy/assistant_views.py).
    path("o/<slug:org>/assistant/", assistant_views.panel, name="assistant"),
    path("o/<slug:org>/assistant/preview/", assistant_views.preview, name="assistant_preview"),
    path("o/<slug:org>/assistant/send/", assistant_views.send, name="assistant_send"),
    path(
        "o/<slug:org>/assistant/alt/<int:media_id>/",
        assistant_views.alt_text,
        name="assistant_alt",
    ),
]
