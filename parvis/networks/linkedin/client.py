"""LinkedIn REST (versioned) API: endpoints, Rest.li conventions and answer parsing (no HTTP).

Every call carries ``LinkedIn-Version: YYYYMM`` (mandatory, no default; a version lives about
12 months) and ``X-Restli-Protocol-Version: 2.0.0``. URNs are URL-encoded inside paths and
inside Rest.li ``List(...)`` query values, whose parentheses and commas stay literal — so query
strings are built here by hand rather than by httpx (which would encode them).
Reference: ``/work/shared/reference/social-apis.md`` §3.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from parvis.networks.errors import Transient

API_BASE_URL = "https://api.linkedin.com"
# https://learn.microsoft.com/en-us/linkedin/marketing/versioning (202511 sunset on 2026-11-16)
API_VERSION = "202610"
RESTLI_PROTOCOL = "2.0.0"

# https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
AUTHORIZE_URL = "https://www.linkedin.com/oauth/v2/authorization"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL
TOKEN_PATH = "/oauth/v2/accessToken"  # noqa: S105 - a path, not a secret
# https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
ACCESS_TOKEN_LIFETIME = timedelta(days=60)
REFRESH_TOKEN_LIFETIME = timedelta(days=365)  # not extended by refreshing
SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")

# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api
ORGANIZATION = "/rest/organizations/{id}"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role
ORGANIZATION_ACLS = "/rest/organizationAcls"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
POSTS = "/rest/posts"
POST = "/rest/posts/{urn}"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
IMAGES = "/rest/images"
IMAGE = "/rest/images/{urn}"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
VIDEOS = "/rest/videos"
VIDEO = "/rest/videos/{urn}"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
COMMENTS = "/rest/socialActions/{urn}/comments"
COMMENT = "/rest/socialActions/{urn}/comments/{comment_id}"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-social-action-notifications
NOTIFICATIONS = "/rest/organizationalEntityNotifications"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
SHARE_STATISTICS = "/rest/organizationalEntityShareStatistics"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/follower-statistics
FOLLOWER_STATISTICS = "/rest/organizationalEntityFollowerStatistics"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/page-statistics
PAGE_STATISTICS = "/rest/organizationPageStatistics"
# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api#retrieve-organization-follower-count
NETWORK_SIZE = "/rest/networkSizes/{urn}"


def org_urn(account_id: str) -> str:
    """``urn:li:organization:123`` from ``123`` or from the URN itself."""
    return account_id if account_id.startswith("urn:li:") else f"urn:li:organization:{account_id}"


def encode(urn: str) -> str:
    """A URN as a path segment or List element: every reserved character percent-encoded."""
    return quote(urn, safe="")


def restli_list(urns: list[str]) -> str:
    return "List(" + ",".join(encode(urn) for urn in urns) + ")"


def query(**params: str | int) -> str:
    """``?a=b&c=d`` keeping already-encoded Rest.li values (``List(...)``) as they are."""
    return "?" + "&".join(f"{key}={value}" for key, value in params.items())


def comment_parts(urn: str) -> tuple[str, str] | None:
    """``urn:li:comment:(urn:li:activity:1,2)`` -> (``urn:li:activity:1``, ``2``)."""
    prefix = "urn:li:comment:("
    if not (urn.startswith(prefix) and urn.endswith(")")):
        return None
    target, _, comment_id = urn[len(prefix) : -1].rpartition(",")
    return (target, comment_id) if target and comment_id else None


def elements(body: Any) -> list[dict[str, Any]]:
    """The ``elements`` array of a collection answer; anything else is a Transient error."""
    found = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(found, list):
        raise Transient("LinkedIn answered without an elements array", network="linkedin")
    return [item for item in found if isinstance(item, dict)]


def value_of(body: Any) -> dict[str, Any]:
    """The ``value`` object of an action answer (``?action=initializeUpload``)."""
    found = body.get("value") if isinstance(body, dict) else None
    if not isinstance(found, dict):
        raise Transient("LinkedIn answered without a value object", network="linkedin")
    return found


def next_start(body: Any, start: int, count: int) -> int | None:
    """The next ``start`` of a paged collection, None on the last page."""
    paging = body.get("paging") if isinstance(body, dict) else None
    total = paging.get("total") if isinstance(paging, dict) else None
    returned = len(elements(body))
    if isinstance(total, int) and not isinstance(total, bool):
        return start + count if start + count < total else None
    return start + count if returned >= count else None


def next_utc_midnight(now: datetime) -> datetime:
    """LinkedIn's daily quotas reset at midnight UTC (rate-limits page)."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)
