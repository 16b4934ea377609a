"""The accounts page, the OAuth callback, and one route per network that asks for more than a
sign-in (``connect/<kind>/``) or posts webhooks (``webhooks/<slug>/``): both come from the
registry, so a new network adds no line here."""

from __future__ import annotations

from django.urls import URLPattern, path

from parvis.networks import app_setup_views, views, webhook_views
from parvis.networks.app_guides import GUIDES
from parvis.networks.provider import ConnectMethod
from parvis.networks.registry import providers, webhook_endpoints

app_name = "networks"


def _connect_routes() -> list[URLPattern]:
    return [
        path(
            f"o/<slug:org>/accounts/connect/{network.kind.value}/",
            views.connect_network,
            {"kind": network.kind.value},
            name=f"connect_{network.kind.value}",
        )
        for network in providers()
        if network.connect_method is not ConnectMethod.OAUTH
    ]


def _app_setup_routes() -> list[URLPattern]:
    """The app assistant of each network that needs a developer app of Parvis' own."""
    return [
        path(
            f"o/<slug:org>/accounts/apps/{kind.value}/",
            app_setup_views.app_setup_page,
            {"kind": kind.value},
            name=f"app_setup_{kind.value}",
        )
        for kind in GUIDES
    ]


def _webhook_routes() -> list[URLPattern]:
    return [
        path(
            f"webhooks/{endpoint.slug}/",
            webhook_views.receive,
            {"slug": endpoint.slug},
            name=f"webhook_{endpoint.slug}",
        )
        for endpoint in webhook_endpoints()
    ]


urlpatterns = [
    path("o/<slug:org>/accounts/", views.accounts, name="accounts"),
    path("o/<slug:org>/accounts/connect/", views.connect_oauth, name="connect_oauth"),
    *_connect_routes(),
    *_app_setup_routes(),
    path("o/<slug:org>/accounts/choose/<int:attempt_id>/", views.choose, name="choose"),
    path(
        "o/<slug:org>/accounts/<int:account_id>/disconnect/",
        views.disconnect,
        name="disconnect",
    ),
    # Registered with each network as the app's redirect URI: no organisation in it.
    path("networks/oauth/<str:kind>/callback/", views.oauth_callback, name="oauth_callback"),
    *_webhook_routes(),
]
