"""The watch's digest pages (included by parvis/watch/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from parvis.watch import digest_views

_W = "o/<slug:org>/watch/"

urlpatterns: list[URLPattern] = [
    path(_W + "digest/", digest_views.digest_page, name="digest"),
    path(_W + "digest/done/", digest_views.digest_done, name="digest_done"),
]
