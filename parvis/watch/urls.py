from __future__ import annotations

from django.urls import path

from parvis.watch import benchmark_views, urls_alerts, urls_digest, urls_items, views

app_name = "watch"

_W = "o/<slug:org>/watch/"

urlpatterns = [
    path(_W, views.timeline_page, name="timeline"),
    path(_W + "benchmark/", benchmark_views.benchmark_page, name="benchmark"),
    path(_W + "share-of-voice/", benchmark_views.voice_page, name="voice"),
    path(_W + "settings/", views.settings_page, name="settings"),
    path(_W + "avatar/", views.avatar, name="avatar"),
    path(_W + "competitors/add/", views.competitor_add, name="competitor_add"),
    path(_W + "competitors/remove/", views.competitor_remove, name="competitor_remove"),
    path(_W + "profiles/lookup/", views.profile_lookup, name="profile_lookup"),
    path(_W + "profiles/add/", views.profile_add, name="profile_add"),
    path(_W + "queries/add/", views.query_add, name="query_add"),
    path(_W + "feeds/find/", views.feed_find, name="feed_find"),
    path(_W + "feeds/add/", views.feed_add, name="feed_add"),
    path(_W + "sources/remove/", views.source_remove, name="source_remove"),
    path(_W + "retention/", views.retention_update, name="retention"),
    *urls_alerts.urlpatterns,
    *urls_digest.urlpatterns,
    *urls_items.urlpatterns,
]
