"""The LinkedIn fake's resources (``/rest/...``), called with the fake's lock held."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from tests.peers.linkedin.fake import ORG, ORG_ID, RESERVED, Answer, Item, Media, Problem, _json

if TYPE_CHECKING:
    from tests.peers.linkedin.fake import LinkedInFake

WRITE, READ, ADMIN = "w_organization_social", "r_organization_social", "rw_organization_admin"
TEXT_LIMIT = 3000


def route(
    fake: LinkedInFake,
    method: str,
    seg: list[str],
    params: dict[str, Any],
    body: Any,
    scopes: set[str],
) -> Answer:
    resource = seg[0] if seg else ""
    needed = {
        "organizations": ADMIN,
        "organizationAcls": ADMIN,
        "networkSizes": ADMIN,
        "organizationPageStatistics": ADMIN,
        "organizationalEntityFollowerStatistics": ADMIN,
        "organizationalEntityShareStatistics": ADMIN,
        "organizationalEntityNotifications": ADMIN,
    }.get(resource, READ if method == "GET" else WRITE)
    if needed not in scopes:
        raise Problem(403, "ACCESS_DENIED", f"Not enough permissions to access: {resource}")
    key = (method, resource, len(seg))
    handler = ROUTES.get(key)
    if handler is None:
        raise Problem(404, "NOT_FOUND", f"No resource found for {method} /rest/{'/'.join(seg)}")
    return handler(fake, seg, params, body)


# --- organisation and posts ------------------------------------------------------------------


def organization(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    if seg[1] != ORG_ID:
        raise Problem(403, "ACCESS_DENIED", "Not enough permissions to access organization")
    name = "Atelier Parvis"
    return _json(
        200,
        {
            "id": int(ORG_ID),
            "localizedName": name,
            "vanityName": "atelier-parvis",
            "name": {
                "localized": {"fr_FR": name},
                "preferredLocale": {"country": "FR", "language": "fr"},
            },
        },
    )


def organization_acls(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    if params.get("q") != "roleAssignee":
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=roleAssignee is required")
    acl = {
        "roleAssignee": "urn:li:person:camille",
        "state": "APPROVED",
        "role": "ADMINISTRATOR",
        "organization": ORG,
    }
    return _page([acl] if params.get("role", "ADMINISTRATOR") == "ADMINISTRATOR" else [], params)


def create_post(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    for required in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
        if required not in body:
            raise Problem(
                422,
                "UNPROCESSABLE_ENTITY",
                f"ERROR :: /{required} :: field is required but not found",
            )
    if body["author"] != ORG:
        raise Problem(403, "ACCESS_DENIED", "Not enough permissions to post as this author")
    if body["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN"):
        raise Problem(422, "UNPROCESSABLE_ENTITY", "ERROR :: /visibility :: invalid enum value")
    commentary = _little_text(str(body["commentary"]))
    if len(commentary) > TEXT_LIMIT:
        raise Problem(
            422,
            "UNPROCESSABLE_ENTITY",
            f"ERROR :: /commentary :: length exceeds the maximum of {TEXT_LIMIT}",
        )
    content = body.get("content")
    _check_content(fake, content)
    for post in fake.posts.values():
        if post.author == ORG and post.text == commentary and post.content == content:
            raise Problem(422, "DUPLICATE_POST", f"Content is a duplicate of {post.urn}", 0)
    urn = f"urn:li:share:{fake.new_id()}"
    fake.posts[urn] = Item(urn, ORG, commentary, int(fake.now() * 1000), content=content)
    return 201, {"x-restli-id": urn, "Location": f"/rest/posts/{urn}"}, b""


def _little_text(commentary: str) -> str:
    """What LinkedIn keeps: everything up to the first unescaped reserved character."""
    index = 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary) and commentary[index + 1] in RESERVED:
            index += 2
            continue
        if char in RESERVED:
            return commentary[:index]
        index += 1
    return commentary


def _check_content(fake: LinkedInFake, content: Any) -> None:
    if content is None:
        return
    media_ids: list[Any] = []
    if "media" in content:
        media_ids = [content["media"].get("id")]
    elif "multiImage" in content:
        images = content["multiImage"].get("images", [])
        if not 2 <= len(images) <= 20:
            raise Problem(422, "UNPROCESSABLE_ENTITY", "multiImage takes 2 to 20 images")
        media_ids = [image.get("id") for image in images]
    elif "article" in content and not (
        content["article"].get("source") and content["article"].get("title")
    ):
        raise Problem(422, "UNPROCESSABLE_ENTITY", "ERROR :: /content/article :: source, title")
    for media_id in media_ids:
        media = fake.media.get(str(media_id))
        if media is None or media.status != "AVAILABLE":
            raise Problem(422, "UNPROCESSABLE_ENTITY", f"Media {media_id} is not AVAILABLE")


def render(post: Item) -> dict[str, Any]:
    rendered = {
        "id": post.urn,
        "author": post.author,
        "commentary": post.text,
        "visibility": "PUBLIC",
        "lifecycleState": "PUBLISHED",
        "createdAt": post.created,
        "publishedAt": post.created,
        "lastModifiedAt": post.created,
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
    }
    if post.content:
        rendered["content"] = post.content
    return rendered


def list_posts(fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any) -> Answer:
    if "ids" in params:  # BATCH_GET
        found = {urn: render(fake.posts[urn]) for urn in params["ids"] if urn in fake.posts}
        errors = {urn: {"status": 404} for urn in params["ids"] if urn not in fake.posts}
        statuses = dict.fromkeys(found, 200)
        return _json(200, {"results": found, "statuses": statuses, "errors": errors})
    if params.get("q") != "author" or params.get("author") != ORG:
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=author with an author you administer is required")
    posts = sorted(fake.own_posts(), key=lambda p: p.created, reverse=True)
    return _page([render(p) for p in posts], params)


def _page(items: list[dict[str, Any]], params: dict[str, Any]) -> Answer:
    start, count = int(params.get("start", 0)), int(params.get("count", 10))
    return _json(
        200,
        {
            "elements": items[start : start + count],
            "paging": {"start": start, "count": count, "total": len(items), "links": []},
        },
    )


def get_post(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    post = fake.posts.get(seg[1])
    if post is None:
        raise Problem(404, "NOT_FOUND", f"Not Found: {seg[1]}")
    return _json(200, render(post))


def delete_post(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    post = fake.posts.get(seg[1])
    if post is None:
        raise Problem(404, "NOT_FOUND", f"Not Found: {seg[1]}")
    if post.author != ORG:
        raise Problem(403, "ACCESS_DENIED", "Not enough permissions to delete this post")
    del fake.posts[seg[1]]
    return 204, {}, b""


# --- uploads ---------------------------------------------------------------------------------


def initialize(fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any) -> Answer:
    kind = seg[0][:-1]  # images -> image
    action = params.get("action")
    if kind == "video" and action == "finalizeUpload":
        return _finalize(fake, body.get("finalizeUploadRequest") or {})
    request = body.get("initializeUploadRequest") or {}
    if action != "initializeUpload" or request.get("owner") != ORG:
        raise Problem(400, "BAD_REQUEST", "initializeUploadRequest.owner must be your page")
    media_id = f"D4E10AQ{fake.new_id()}"
    urn = f"urn:li:{kind}:{media_id}"
    expires = int(fake.now() * 1000) + 86_400_000
    if kind == "image":
        fake.media[urn] = Media(urn)
        return _json(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": expires,
                    "image": urn,
                    "uploadUrl": f"{fake.url}/dms-uploads/image/{media_id}",
                }
            },
        )
    size = request.get("fileSizeBytes")
    if not isinstance(size, int) or size < 1:
        raise Problem(422, "UNPROCESSABLE_ENTITY", "ERROR :: /fileSizeBytes :: required")
    fake.media[urn] = Media(urn, size=size)
    instructions = [
        {
            "uploadUrl": f"{fake.url}/dms-uploads/video/{media_id}/{index}",
            "firstByte": first,
            "lastByte": min(first + fake.part_bytes, size) - 1,
        }
        for index, first in enumerate(range(0, size, fake.part_bytes))
    ]
    return _json(
        200,
        {
            "value": {
                "uploadUrlsExpireAt": expires,
                "video": urn,
                "uploadInstructions": instructions,
                "uploadToken": "",
            }
        },
    )


def _finalize(fake: LinkedInFake, request: dict[str, Any]) -> Answer:
    media = fake.media.get(str(request.get("video")))
    if media is None:
        raise Problem(404, "NOT_FOUND", "video not found")
    expected = [media.etags.get(i) for i in range(-(-media.size // fake.part_bytes))]
    if None in expected or request.get("uploadedPartIds") != expected:
        raise Problem(400, "BAD_REQUEST", "uploadedPartIds do not match the uploaded parts")
    media.status = "PROCESSING"
    return 200, {}, b""


def get_media(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    media = fake.media.get(seg[1])
    if media is None:
        raise Problem(404, "NOT_FOUND", f"Not Found: {seg[1]}")
    if media.status == "PROCESSING":  # one poll sees PROCESSING, the next AVAILABLE
        media.polls += 1
        if media.polls > 1:
            media.status = "AVAILABLE"
    return _json(200, {"id": media.urn, "status": media.status, "owner": ORG})


# --- comments, notifications -----------------------------------------------------------------


def create_comment(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    if body.get("actor") != ORG:
        raise Problem(403, "ACCESS_DENIED", "Not enough permissions to comment as this actor")
    text = (body.get("message") or {}).get("text")
    if not isinstance(text, str) or not text.strip():
        raise Problem(422, "UNPROCESSABLE_ENTITY", "ERROR :: /message/text :: required")
    parent = str(body.get("parentComment") or "")
    if parent and parent not in fake.comments:
        raise Problem(404, "NOT_FOUND", f"Not Found: {parent}")
    comment = fake._comment(fake._activity(seg[1]), text, ORG, parent)
    return (
        201,
        {"x-restli-id": comment.urn, "Content-Type": "application/json"},
        _json(201, render_comment(comment))[2],
    )


def render_comment(comment: Item) -> dict[str, Any]:
    rendered = {
        "$URN": comment.urn,
        "commentUrn": comment.urn,
        "actor": comment.author,
        "id": comment.urn.rstrip(")").rpartition(",")[2],
        "object": comment.parent,
        "message": {"text": comment.text, "attributes": []},
        "created": {"actor": comment.author, "time": comment.created},
        "lastModified": {"actor": comment.author, "time": comment.created},
    }
    if comment.parent_comment:
        rendered["parentComment"] = comment.parent_comment
    return rendered


def list_comments(fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any) -> Answer:
    """A post's comments, or, with a comment URN as the target, that comment's replies."""
    if seg[1].startswith("urn:li:comment:("):
        if seg[1] not in fake.comments:
            raise Problem(404, "NOT_FOUND", f"Not Found: {seg[1]}")
        replies = [c for c in fake.comments.values() if c.parent_comment == seg[1]]
        return _page([render_comment(c) for c in replies], params)
    activity = fake._activity(seg[1])
    if fake.post_of(activity) is None:
        raise Problem(404, "NOT_FOUND", f"Not Found: {seg[1]}")
    found = [render_comment(c) for c in fake.comments.values() if c.parent == activity]
    return _page(found, params)


def delete_comment(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Answer:
    urn = f"urn:li:comment:({fake._activity(seg[1])},{seg[3]})"
    comment = fake.comments.get(urn)
    if comment is None:
        raise Problem(404, "NOT_FOUND", f"Not Found: {urn}")
    if params.get("actor") != comment.author:
        raise Problem(403, "ACCESS_DENIED", "actor must be the comment's author")
    del fake.comments[urn]
    return 204, {}, b""


def notifications(fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any) -> Answer:
    if params.get("q") != "criteria" or params.get("organizationalEntity") != ORG:
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=criteria and organizationalEntity required")
    actions = params.get("actions") or []
    found = [
        {
            "action": "SHARE_MENTION",
            "organizationalEntity": ORG,
            "sourcePost": post.urn,
            "generatedActivity": fake._activity(post.urn),
            "lastModifiedAt": post.created,
        }
        for post in sorted(fake.posts.values(), key=lambda p: p.created, reverse=True)
        if post.mentions_us and "SHARE_MENTION" in actions
    ]
    return _page(found, params)


# --- statistics ------------------------------------------------------------------------------


def share_statistics(
    fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any
) -> Answer:
    if params.get("q") != "organizationalEntity" or params.get("organizationalEntity") != ORG:
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=organizationalEntity with your page required")
    elements = []
    for key in ("shares", "ugcPosts"):
        for urn in params.get(key) or []:
            post = fake.posts.get(urn)
            if post is not None and post.author == ORG:
                comments = sum(
                    1
                    for c in fake.comments.values()
                    if c.parent.endswith(":" + urn.rpartition(":")[2])
                )
                elements.append(
                    {
                        "organizationalEntity": ORG,
                        key[:-1]: urn,
                        "totalShareStatistics": _stats(urn, comments),
                    }
                )
    return _json(200, {"elements": elements, "paging": {"start": 0, "count": 10, "links": []}})


def _stats(urn: str, comments: int) -> dict[str, Any]:
    seed = int(hashlib.sha256(urn.encode()).hexdigest()[:6], 16)
    impressions = 100 + seed % 900
    return {
        "impressionCount": impressions,
        "uniqueImpressionsCount": impressions * 3 // 4,
        "clickCount": seed % 40,
        "likeCount": seed % 25,
        "commentCount": comments,
        "shareCount": seed % 5,
        "engagement": round((seed % 40) / impressions, 4),
    }


def network_size(fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any) -> Answer:
    if seg[1] != ORG or params.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
        raise Problem(400, "ILLEGAL_ARGUMENT", "edgeType=COMPANY_FOLLOWED_BY_MEMBER required")
    return _json(200, {"firstDegreeSize": 834})


def page_statistics(
    fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any
) -> Answer:
    if params.get("q") != "organization" or params.get("organization") != ORG:
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=organization with your page required")
    views = {"allPageViews": {"pageViews": 912}, "overviewPageViews": {"pageViews": 400}}
    element = {"organization": ORG, "totalPageStatistics": {"views": views, "clicks": {}}}
    return _json(200, {"elements": [element], "paging": {"start": 0, "count": 10, "links": []}})


def follower_statistics(
    fake: LinkedInFake, seg: list[str], params: dict[str, Any], body: Any
) -> Answer:
    if params.get("q") != "organizationalEntity" or params.get("organizationalEntity") != ORG:
        raise Problem(400, "ILLEGAL_ARGUMENT", "q=organizationalEntity with your page required")
    by_seniority = [
        {
            "seniority": f"urn:li:seniority:{n}",
            "followerCounts": {"organicFollowerCount": organic, "paidFollowerCount": paid},
        }
        for n, organic, paid in ((3, 500, 20), (4, 300, 14))
    ]
    element = {
        "organizationalEntity": ORG,
        "followerCountsBySeniority": by_seniority,
        "followerCountsByAssociationType": [],
    }
    return _json(200, {"elements": [element], "paging": {"start": 0, "count": 10, "links": []}})


ROUTES = {
    ("GET", "organizations", 2): organization,
    ("GET", "organizationAcls", 1): organization_acls,
    ("POST", "posts", 1): create_post,
    ("GET", "posts", 1): list_posts,
    ("GET", "posts", 2): get_post,
    ("DELETE", "posts", 2): delete_post,
    ("POST", "images", 1): initialize,
    ("GET", "images", 2): get_media,
    ("POST", "videos", 1): initialize,
    ("GET", "videos", 2): get_media,
    ("POST", "socialActions", 3): create_comment,
    ("GET", "socialActions", 3): list_comments,
    ("DELETE", "socialActions", 4): delete_comment,
    ("GET", "organizationalEntityNotifications", 1): notifications,
    ("GET", "organizationalEntityShareStatistics", 1): share_statistics,
    ("GET", "networkSizes", 2): network_size,
    ("GET", "organizationPageStatistics", 1): page_statistics,
    ("GET", "organizationalEntityFollowerStatistics", 1): follower_statistics,
}
