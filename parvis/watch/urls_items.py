"""The watch's items pages (included by parvis/watch/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from parvis.watch import item_views

_W = "o/<slug:org>/watch/items/"

urlpatterns: list[URLPattern] = [
    path(_W + "save/", item_views.item_save, name="item_save"),
    path(_W + "opportunity/", item_views.item_opportunity, name="item_opportunity"),
    path(_W + "answer/", item_views.item_answer, name="item_answer"),
]
