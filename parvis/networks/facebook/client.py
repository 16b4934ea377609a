"""Facebook Pages (Graph API): endpoints, permissions, metric names (no HTTP here).

Paths are relative to ``https://graph.facebook.com/{version}``; see parvis/networks/meta/graph.py
for the version, the error envelope and the parsing helpers.
"""

from __future__ import annotations

from parvis.networks.meta.graph import GRAPH_HOST, GRAPH_VERSION

API_BASE_URL = f"{GRAPH_HOST}/{GRAPH_VERSION}"
# Videos go to their own host (social-apis.md §1.2).
VIDEO_BASE_URL = f"https://graph-video.facebook.com/{GRAPH_VERSION}"

# https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
AUTHORIZE_URL = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
# https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
TOKEN_PATH = "/oauth/access_token"  # noqa: S105 - a path, not a secret
# https://developers.facebook.com/docs/pages-api/getting-started (Pages and their tokens)
MY_PAGES = "/me/accounts"
# https://developers.facebook.com/docs/graph-api/reference/page/
PAGE = "/{page_id}"
# https://developers.facebook.com/docs/pages-api/posts (text and link posts, several photos)
FEED = "/{page_id}/feed"
# https://developers.facebook.com/docs/pages-api/posts (recent posts, for reconciliation)
POSTS = "/{page_id}/posts"
# https://developers.facebook.com/docs/graph-api/reference/page/photos/
PHOTOS = "/{page_id}/photos"
# https://developers.facebook.com/documentation/video-api/guides/publishing.md
VIDEOS = "/{page_id}/videos"
# https://developers.facebook.com/docs/graph-api/guides/upload (Resumable Upload API)
UPLOAD_SESSIONS = "/{app_id}/uploads"
UPLOAD = "/{upload_id}"  # "upload:<id>": POST bytes with file_offset, GET to resume
# https://developers.facebook.com/docs/graph-api/reference/object/comments/
COMMENTS = "/{object_id}/comments"
# https://developers.facebook.com/docs/graph-api/reference/page/tagged/ (mentions of the Page)
TAGGED = "/{page_id}/tagged"
# https://developers.facebook.com/docs/messenger-platform/conversations/
CONVERSATIONS = "/{page_id}/conversations"
# https://developers.facebook.com/documentation/pages-api/platforminsights/page.md
INSIGHTS = "/{object_id}/insights"

# Facebook Login permissions for managing a Page's posts, comments, inbox and insights.
SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
    "read_insights",
    "publish_video",
)

COMMENT_FIELDS = "id,message,from,created_time,parent"
POST_FIELDS = "id,message,created_time,permalink_url"


def post_url(post_id: str) -> str:
    """``{page-id}_{post-id}`` opens at facebook.com/{id}."""
    return f"https://www.facebook.com/{post_id}"
