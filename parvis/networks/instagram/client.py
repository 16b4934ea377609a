"""Instagram professional accounts (Graph API): endpoints, scopes, container states.

Two login stacks expose the same endpoints (social-apis.md §2.1): Instagram Login on
``graph.instagram.com`` (60-day tokens refreshed with ``ig_refresh_token``) and Facebook Login on
``graph.facebook.com`` (the account linked to a Page, a Page token that does not expire). The
account's ``api_base_url`` says which one it uses.
"""

from __future__ import annotations

from parvis.networks.meta.graph import GRAPH_VERSION

INSTAGRAM_HOST = "https://graph.instagram.com"
API_BASE_URL = f"{INSTAGRAM_HOST}/{GRAPH_VERSION}"

# https://developers.facebook.com/documentation/instagram-platform/instagram-api-with-instagram-login/business-login
AUTHORIZE_URL = "https://www.instagram.com/oauth/authorize"
TOKEN_URL = "https://api.instagram.com/oauth/access_token"  # noqa: S105 - a URL, not a secret
LONG_LIVED_PATH = "/access_token"  # grant_type=ig_exchange_token, on INSTAGRAM_HOST
# https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token.md
REFRESH_PATH = "/refresh_access_token"  # grant_type=ig_refresh_token, on INSTAGRAM_HOST
# https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user
USER = "/{ig_user_id}"
# https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media.md
MEDIA = "/{ig_user_id}/media"  # POST: create a container; GET: recent media (reconciliation)
# https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish.md
MEDIA_PUBLISH = "/{ig_user_id}/media_publish"
# https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container.md
CONTAINER = "/{container_id}"  # fields=status_code,status
# https://developers.facebook.com/docs/instagram-platform/content-publishing/ (publishing limit)
PUBLISHING_LIMIT = "/{ig_user_id}/content_publishing_limit"
# https://developers.facebook.com/documentation/instagram-platform/comment-moderation.md
COMMENTS = "/{media_id}/comments"
REPLIES = "/{comment_id}/replies"
# https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/tags
TAGS = "/{ig_user_id}/tags"
# https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api
CONVERSATIONS = "/{ig_user_id}/conversations"
# https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights
INSIGHTS = "/{object_id}/insights"

SCOPES = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
)

COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id"
RECENT_MEDIA_FIELDS = "id,caption,timestamp,permalink"

# Container status_code values (ig-container reference).
IN_PROGRESS, FINISHED, ERROR, EXPIRED, PUBLISHED = (
    "IN_PROGRESS",
    "FINISHED",
    "ERROR",
    "EXPIRED",
    "PUBLISHED",
)


def profile_url(username: str) -> str:
    return f"https://www.instagram.com/{username}/"
