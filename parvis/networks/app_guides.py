"""What the app assistant says for each network that needs a developer app of Parvis' own:
where to create it, the steps, which field holds the id and the secret, what review the network
imposes and for how long, and how media reach it. Words only; the addresses to paste and the
permissions come from the instance and the connectors (``app_setup``).

Facts: docs/connectors.md and the reference (social-apis.md §1-5, wave2-apis.md). Review
durations are only given where a source states one; elsewhere the guide says none is promised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import Network


class Media(StrEnum):
    UPLOAD = "upload"  # Parvis sends the bytes: no public address needed for pictures
    PUBLIC_URL = "public_url"  # the network downloads each file from Parvis' public address
    NONE = "none"


@dataclass(frozen=True)
class Guide:
    kind: Network
    developer_url: str
    developer_site: str
    steps: tuple[Promise, ...]
    id_label: Promise
    secret_label: Promise
    review: Promise
    review_duration: Promise
    media: Media
    # Where the network posts its events: the page shows this instance's webhook URL.
    webhook_steps: tuple[Promise, ...] = ()
    # A third secret the network asks for (Meta's verify token, X's consumer secret).
    webhook_secret_label: Promise | None = None
    webhook_secret_help: Promise | None = None
    # Meta's verify token is ours to choose: the assistant proposes a random one.
    webhook_secret_generated: bool = False
    note: Promise | None = None


META_REVIEW = _(
    "None while the people who connect Pages have a role in the app (administrator, developer "
    "or tester): add yourself and your colleagues under App roles. To let anyone else connect "
    "their Pages, Meta asks for App Review (Advanced access to each permission) and the "
    "verification of your business."
)
NO_PROMISED_DURATION = _("The network promises no duration: count days rather than hours.")

GUIDES: dict[Network, Guide] = {
    Network.FACEBOOK: Guide(
        kind=Network.FACEBOOK,
        developer_url="https://developers.facebook.com/apps",
        developer_site="Meta for Developers",
        steps=(
            _("Sign in with the Facebook account that manages your Page, then create an app."),
            _(
                "Choose the Business type, and add the products Facebook Login for Business "
                "and Webhooks."
            ),
            _(
                "In Facebook Login › Settings, paste the return address below into Valid OAuth "
                "Redirect URIs."
            ),
            _(
                "In App settings › Advanced, turn on Require App Secret: Parvis signs every call "
                "with it."
            ),
            _(
                "In App settings › Basic, copy the App ID and the App Secret into the form below, "
                "then click Verify."
            ),
        ),
        id_label=_("App ID"),
        secret_label=_("App Secret"),
        review=META_REVIEW,
        review_duration=NO_PROMISED_DURATION,
        media=Media.UPLOAD,
        webhook_steps=(
            _(
                "In Webhooks, choose Page, paste the webhook address and the verify token below, "
                "then subscribe to the fields feed, mention and messages."
            ),
            _(
                "Do the same for Instagram (fields comments, mentions and messages) if you "
                "connect Instagram accounts."
            ),
        ),
        webhook_secret_label=_("Webhook verify token"),
        webhook_secret_help=_(
            "A password of your choice that Meta repeats when it checks the webhook address; "
            "Parvis proposes one."
        ),
        webhook_secret_generated=True,
    ),
    Network.INSTAGRAM: Guide(
        kind=Network.INSTAGRAM,
        developer_url="https://developers.facebook.com/apps",
        developer_site="Meta for Developers",
        steps=(
            _(
                "Instagram accounts linked to a Facebook Page need nothing more: they connect "
                "through Facebook with the Meta app. The steps below add Instagram Login, for "
                "accounts without a Page."
            ),
            _(
                "In the same Meta app, add the product Instagram and open API setup with "
                "Instagram login."
            ),
            _(
                "Under Set up Instagram business login, paste the return address below as the "
                "redirect URL."
            ),
            _(
                "Copy the Instagram app ID and the Instagram app secret (not the Meta app's) "
                "into the form below."
            ),
        ),
        id_label=_("Instagram app ID"),
        secret_label=_("Instagram app secret"),
        review=META_REVIEW,
        review_duration=NO_PROMISED_DURATION,
        media=Media.PUBLIC_URL,
        note=_(
            "Instagram's webhooks come to the same address as Facebook's, with the verify "
            "token entered in the Facebook assistant."
        ),
    ),
    Network.LINKEDIN: Guide(
        kind=Network.LINKEDIN,
        developer_url="https://www.linkedin.com/developers/apps",
        developer_site="LinkedIn Developers",
        steps=(
            _(
                "Create an app and associate it with your company page: a page administrator "
                "confirms the association."
            ),
            _(
                "Under Products, request the Community Management API: without it, LinkedIn "
                "does not let an app post as a page."
            ),
            _("Under Auth, add the return address below to Authorized redirect URLs."),
            _("Copy the Client ID and the Primary Client Secret into the form below."),
        ),
        id_label=_("Client ID"),
        secret_label=_("Primary Client Secret"),
        review=_(
            "The Community Management API is granted after LinkedIn reviews your application, "
            "with a demonstration of Parvis (a « technical sign-off »). Without the refresh "
            "tokens LinkedIn keeps for its partners, a page administrator reconnects every "
            "60 days; Parvis shows the date."
        ),
        review_duration=NO_PROMISED_DURATION,
        media=Media.UPLOAD,
        webhook_steps=(
            _(
                "Under Webhooks, paste the webhook address below to receive comments and "
                "mentions at once; LinkedIn signs them with the client secret."
            ),
        ),
    ),
    Network.X: Guide(
        kind=Network.X,
        developer_url="https://developer.x.com/en/portal/dashboard",
        developer_site="X Developer Portal",
        steps=(
            _(
                "Create a project and an app in the developer portal, and buy credits: since "
                "February 2026 X bills each call (a post with a link costs about 13 times more "
                "than one without)."
            ),
            _(
                "Under User authentication settings, choose OAuth 2.0, the type Web App, and "
                "paste the return address below as the Callback URI."
            ),
            _(
                "Under Keys and tokens, copy the OAuth 2.0 Client ID and Client Secret into the "
                "form below."
            ),
        ),
        id_label=_("OAuth 2.0 Client ID"),
        secret_label=_("OAuth 2.0 Client Secret"),
        review=_(
            "No review: the app works as soon as it has credits. X only allows answers to "
            "people who mentioned or quoted the account."
        ),
        review_duration=_("None."),
        media=Media.UPLOAD,
        webhook_steps=(
            _(
                "For mentions and messages in real time (Account Activity API), register the "
                "webhook address below in the portal."
            ),
        ),
        webhook_secret_label=_("API Key Secret (OAuth 1.0a)"),
        webhook_secret_help=_(
            "X signs its webhooks with the app's API Key Secret, not with the OAuth 2.0 "
            "secret. Optional: without webhooks, Parvis reads every few minutes."
        ),
    ),
    Network.YOUTUBE: Guide(
        kind=Network.YOUTUBE,
        developer_url="https://console.cloud.google.com/apis/credentials",
        developer_site="Google Cloud Console",
        steps=(
            _("Create a project, then enable the YouTube Data API v3 in its API library."),
            _("Set up the OAuth consent screen (External) and add the permissions below."),
            _(
                "Create an OAuth client ID of type Web application and paste the return address "
                "below into Authorized redirect URIs."
            ),
            _("Copy the Client ID and the Client secret into the form below."),
        ),
        id_label=_("Client ID"),
        secret_label=_("Client secret"),
        review=_(
            "While the consent screen is in Testing, only the test users you list can connect, "
            "and they must reconnect every 7 days. Publishing the app asks Google to verify the "
            "permissions; until a compliance audit, videos uploaded through the API stay "
            "private."
        ),
        review_duration=NO_PROMISED_DURATION,
        media=Media.UPLOAD,
    ),
}


def guide(kind: Network) -> Guide | None:
    return GUIDES.get(kind)
