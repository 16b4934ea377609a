from __future__ import annotations

from django.urls import path

from parvis.publishing import views

app_name = "publishing"

urlpatterns = [
    path("calendar/<str:token>.ics", views.ical_feed, name="ical_feed"),
    path("o/<slug:org>/publishing/export.csv", views.csv_export, name="csv_export"),
]
