from __future__ import annotations

from django.urls import path

from parvis.privacy import views

app_name = "privacy"

urlpatterns = [
    path("o/<slug:org>/privacy/", views.overview, name="overview"),
    path(
        "o/<slug:org>/privacy/deletion/request/",
        views.deletion_request,
        name="deletion_request",
    ),
    path("o/<slug:org>/privacy/deletion/cancel/", views.deletion_cancel, name="deletion_cancel"),
    path("o/<slug:org>/privacy/people/", views.people, name="people"),
    path("o/<slug:org>/privacy/people/export/", views.people_export, name="people_export"),
    path("o/<slug:org>/privacy/people/erase/", views.people_erase, name="people_erase"),
    # About the user themself, whatever the organisation: not under /o/<org>/.
    path("account/delete/", views.account_delete, name="account_delete"),
]
