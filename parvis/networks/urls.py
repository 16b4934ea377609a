from __future__ import annotations

from django.urls import path

from parvis.networks import views, webhook_views

app_name = "networks"

urlpatterns = [
    path("o/<slug:org>/accounts/", views.accounts, name="accounts"),
    path("o/<slug:org>/accounts/connect/", views.connect_oauth, name="connect_oauth"),
    path("o/<slug:org>/accounts/connect/bluesky/", views.connect_bluesky, name="connect_bluesky"),
    path(
        "o/<slug:org>/accounts/connect/mastodon/", views.connect_mastodon, name="connect_mastodon"
    ),
    path("o/<slug:org>/accounts/choose/<int:attempt_id>/", views.choose, name="choose"),
    path(
        "o/<slug:org>/accounts/<int:account_id>/disconnect/",
        views.disconnect,
        name="disconnect",
    ),
    # Registered with each network as the app's redirect URI: no organisation in it.
    path("networks/oauth/<str:kind>/callback/", views.oauth_callback, name="oauth_callback"),
    path("webhooks/meta/", webhook_views.meta, name="webhook_meta"),
    path("webhooks/x/", webhook_views.x, name="webhook_x"),
    path("webhooks/linkedin/", webhook_views.linkedin, name="webhook_linkedin"),
]
