from __future__ import annotations

from django.urls import path, re_path

from parvis.publishing import views

app_name = "publishing"

urlpatterns = [
    # Tokens are URL-safe base64: anything else is not a feed (and never reaches the database).
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.ical_feed, name="ical_feed"),
    path("o/<slug:org>/publishing/export.csv", views.csv_export, name="csv_export"),
]
