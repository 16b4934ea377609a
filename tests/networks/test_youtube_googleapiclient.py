"""The YouTube fake, driven by Google's own client (google-api-python-client 2.202.0).

The connector speaks the Data API with httpx (see docs/connectors.md); these
tests prove the fake answers the way the official client expects, from the discovery document
bundled in its wheel (``static_discovery=True``: nothing is fetched): request paths and
parameters, the resumable upload (308 + ``Range``, resume with ``bytes */total``), ``pageToken``
paging through ``list_next`` and the error envelope parsed into ``HttpError``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httplib2  # type: ignore[import-untyped]
import pytest
from googleapiclient.discovery import build  # type: ignore[import-untyped]
from googleapiclient.errors import HttpError  # type: ignore[import-untyped]
from googleapiclient.http import MediaInMemoryUpload  # type: ignore[import-untyped]

from tests.peers.youtube import YouTubeFake, youtube_fake

pytestmark = pytest.mark.peer
__all__ = ["youtube_fake"]

VIDEO = bytes(range(256)) * 3000  # 768,000 bytes: three chunks of 256 KiB


class LocalHttp(httplib2.Http):  # type: ignore[misc]
    """httplib2 with a Bearer token, pointed at the fake over plain HTTP.

    The client swaps only the host of the media upload URL and keeps ``https://``
    (social-apis.md §9.4): the fake is plain HTTP, so the scheme is put back here. 308 is
    "Resume Incomplete" for uploads, never a redirect (as googleapiclient's build_http does).
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.redirect_codes = set(httplib2.REDIRECT_CODES) - {308}

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> Any:
        uri = uri.replace("https://127.0.0.1", "http://127.0.0.1")
        headers = {**(headers or {}), "authorization": f"Bearer {self.token}"}
        return super().request(uri, method, body, headers, redirections, connection_type)


@pytest.fixture
def youtube(youtube_fake: YouTubeFake) -> Iterator[Any]:
    token = youtube_fake.issue_tokens()["access_token"]
    service = build(
        "youtube",
        "v3",
        http=LocalHttp(token),
        static_discovery=True,
        client_options={"api_endpoint": youtube_fake.url},
    )
    yield service
    service.close()


def upload(youtube: Any, title: str, content: bytes = VIDEO) -> dict[str, Any]:
    body = {
        "snippet": {"title": title, "description": "Visite de l’atelier", "tags": ["bois"]},
        "status": {"privacyStatus": "unlisted"},
    }
    media = MediaInMemoryUpload(content, mimetype="video/mp4", chunksize=256 * 1024, resumable=True)
    request = youtube.videos().insert(part="snippet,status", body=body, media_body=media)
    response = None
    while response is None:
        _, response = request.next_chunk()
    return dict(response)


def test_channel_and_videos_through_the_official_client(
    youtube: Any, youtube_fake: YouTubeFake
) -> None:
    channels = (
        youtube.channels().list(part="snippet,statistics,contentDetails", mine=True).execute()
    )
    channel = channels["items"][0]
    assert channel["id"] == youtube_fake.channel_id
    assert channel["statistics"]["subscriberCount"] == "1250"
    video = upload(youtube, "Visite")
    assert video["status"]["privacyStatus"] == "unlisted"
    assert youtube_fake.videos[video["id"]]["_bytes"] == hashlib.sha256(VIDEO).hexdigest()
    found = youtube.videos().list(part="statistics", id=video["id"]).execute()["items"]
    assert found[0]["statistics"]["viewCount"].isdigit()
    uploads = channel["contentDetails"]["relatedPlaylists"]["uploads"]
    items = youtube.playlistItems().list(part="snippet", playlistId=uploads).execute()["items"]
    assert items[0]["snippet"]["resourceId"]["videoId"] == video["id"]
    youtube.videos().delete(id=video["id"]).execute()
    assert video["id"] not in youtube_fake.videos


def test_official_client_resumes_an_interrupted_upload(
    youtube: Any, youtube_fake: YouTubeFake
) -> None:
    youtube_fake.interrupt_at = 300_000
    body = {"snippet": {"title": "Reprise"}, "status": {"privacyStatus": "private"}}
    media = MediaInMemoryUpload(VIDEO, mimetype="video/mp4", chunksize=256 * 1024, resumable=True)
    request = youtube.videos().insert(part="snippet,status", body=body, media_body=media)
    _, response = request.next_chunk()
    assert response is None and request.resumable_progress == 262144
    with pytest.raises(HttpError) as caught:
        request.next_chunk()
    assert caught.value.resp.status == 503
    response = None
    while response is None:  # the client asks "bytes */total", then goes on from 300,000
        _, response = request.next_chunk()
    assert youtube_fake.videos[response["id"]]["_bytes"] == hashlib.sha256(VIDEO).hexdigest()
    ranges = [h.get("content-range") for m, _, h in youtube_fake.requests if m == "PUT"]
    query = ranges.index(f"bytes */{len(VIDEO)}")
    assert ranges[query + 1] == f"bytes 300000-562143/{len(VIDEO)}"


def test_comment_threads_page_tokens_and_replies(youtube: Any, youtube_fake: YouTubeFake) -> None:
    video = upload(youtube, "Commentaires")
    for n in range(5):
        youtube_fake.add_comment(video["id"], f"Avis {n}")
    threads = youtube.commentThreads()
    request = threads.list(
        part="snippet,replies",
        allThreadsRelatedToChannelId=youtube_fake.channel_id,
        maxResults=2,
        order="time",
    )
    seen: list[str] = []
    while request is not None:
        page = request.execute()
        seen += [t["snippet"]["topLevelComment"]["snippet"]["textOriginal"] for t in page["items"]]
        request = threads.list_next(request, page)
    assert seen == [f"Avis {n}" for n in reversed(range(5))]
    top = next(c for c in youtube_fake.comments.values() if c.text == "Avis 0")
    reply = (
        youtube.comments()
        .insert(part="snippet", body={"snippet": {"parentId": top.id, "textOriginal": "Merci !"}})
        .execute()
    )
    assert reply["snippet"]["parentId"] == top.id
    thread = threads.list(part="snippet,replies", videoId=video["id"], maxResults=100).execute()
    answered = next(t for t in thread["items"] if t["id"] == top.id)
    assert answered["replies"]["comments"][0]["id"] == reply["id"]


def test_errors_reach_the_client_in_googles_envelope(
    youtube: Any, youtube_fake: YouTubeFake
) -> None:
    with pytest.raises(HttpError) as missing:
        youtube.videos().delete(id="doesNotExst").execute()
    assert missing.value.resp.status == 404 and missing.value.reason
    assert missing.value.error_details[0]["reason"] == "videoNotFound"
    youtube_fake.daily_units = 0
    with pytest.raises(HttpError) as quota:
        youtube.channels().list(part="id", mine=True).execute()
    assert quota.value.resp.status == 403
    assert quota.value.error_details[0]["reason"] == "quotaExceeded"
