"""The watch's alerts pages (included by parvis/watch/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from parvis.watch import alert_views

_A = "o/<slug:org>/watch/alerts/"

urlpatterns: list[URLPattern] = [
    path(_A, alert_views.alerts_page, name="alerts"),
    path(_A + "read/", alert_views.alert_read, name="alert_read"),
    path(_A + "settings/", alert_views.alert_settings, name="alert_settings"),
]
