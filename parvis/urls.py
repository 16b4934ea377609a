from __future__ import annotations

from django.urls import include, path

from parvis.api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("parvis.accounts.urls")),
    path("", include("parvis.web.urls")),
    path("", include("parvis.inbox.urls")),
    path("", include("parvis.networks.urls")),
    path("", include("parvis.publishing.urls")),
    path("", include("parvis.publishing.ui.urls")),
    path("", include("parvis.strategy.urls")),
    path("", include("parvis.privacy.urls")),
    path("", include("parvis.watch.urls")),
]
