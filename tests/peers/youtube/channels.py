"""Other people's channels in the YouTube fake (the watch reads competitors' channels).

Written from the Data API reference (wave2-apis.md §1.3, youtube.v3 discovery document):

* ``channels.list`` finds them by ``id`` (a comma list) or ``forHandle`` (``@handle`` or
  ``handle``, case-insensitive); ``statistics.subscriberCount`` is rounded down to three
  significant figures as public counts are, and absent when ``hiddenSubscriberCount`` is true;
  ``contentDetails.relatedPlaylists.uploads`` is the uploads playlist;
* their uploads playlist lists only their **public** videos to anyone but the owner, newest
  first, and ``videos.list`` returns nothing for their private ones;
* videos carry fixed statistics (strings, as YouTube sends them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.peers.youtube.fake import YouTubeFake


@dataclass
class Channel:
    id: str
    handle: str  # with its "@", as customUrl shows it
    title: str
    subscribers: int
    hidden: bool = False
    # YouTube builds the uploads playlist id as UC -> UU; set this to test a channel where it
    # did not (clients must then read contentDetails).
    other_uploads: str = ""

    @property
    def uploads(self) -> str:
        return self.other_uploads or "UU" + self.id[2:]


def add_channel(
    fake: YouTubeFake,
    handle: str,
    title: str,
    *,
    subscribers: int,
    hidden: bool = False,
    other_uploads: str = "",
) -> Channel:
    with fake.lock:
        handle = "@" + handle.lstrip("@")
        channel = Channel(fake.new_id(24, "UC"), handle, title, subscribers, hidden, other_uploads)
        fake.channels[channel.id] = channel
        return channel


def add_video(
    fake: YouTubeFake,
    channel: Channel,
    title: str,
    description: str = "",
    *,
    age_seconds: float = 0.0,
    statistics: tuple[int, int, int] = (0, 0, 0),  # views, likes, comments
    privacy: str = "public",
    language: str = "",
) -> str:
    from tests.peers.youtube.routes import _time

    with fake.lock:
        video_id = fake.new_id(11)
        published = fake.now() - age_seconds
        views, likes, comments = statistics
        snippet: dict[str, Any] = {
            "publishedAt": _time(published),
            "channelId": channel.id,
            "title": title,
            "description": description,
            "thumbnails": {},
            "channelTitle": channel.title,
            "liveBroadcastContent": "none",
        }
        if language:
            snippet["defaultAudioLanguage"] = language
        fake.videos[video_id] = {
            "kind": "youtube#video",
            "etag": "e" + video_id,
            "id": video_id,
            "snippet": snippet,
            "status": {"uploadStatus": "processed", "privacyStatus": privacy},
            "_published": published,
            "_statistics": {
                "viewCount": str(views),
                "likeCount": str(likes),
                "favoriteCount": "0",
                "commentCount": str(comments),
            },
        }
        return video_id


def find(fake: YouTubeFake, query: dict[str, str]) -> list[Channel]:
    """The other channels a ``channels.list`` asks for (``id`` or ``forHandle``)."""
    if "forHandle" in query:
        wanted = "@" + query["forHandle"].lstrip("@").lower()
        return [c for c in fake.channels.values() if c.handle.lower() == wanted]
    ids = [i for i in query.get("id", "").split(",") if i]
    return [fake.channels[i] for i in ids if i in fake.channels]


def render(fake: YouTubeFake, channel: Channel, parts: set[str]) -> dict[str, Any]:
    rendered: dict[str, Any] = {"kind": "youtube#channel", "etag": "c" + channel.id}
    rendered["id"] = channel.id
    if "snippet" in parts:
        rendered["snippet"] = {
            "title": channel.title,
            "description": "",
            "customUrl": channel.handle.lower(),
            "publishedAt": "2020-01-01T00:00:00Z",
            "thumbnails": {"default": {"url": f"https://yt3.example/{channel.id}.jpg"}},
        }
    if "contentDetails" in parts:
        rendered["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": channel.uploads}}
    if "statistics" in parts:
        public = _videos(fake, channel)
        statistics: dict[str, Any] = {
            "viewCount": str(sum(int(v["_statistics"]["viewCount"]) for v in public)),
            "hiddenSubscriberCount": channel.hidden,
            "videoCount": str(len(public)),
        }
        if not channel.hidden:
            statistics["subscriberCount"] = str(_three_figures(channel.subscribers))
        rendered["statistics"] = statistics
    return rendered


def uploads_of(fake: YouTubeFake, playlist_id: str) -> Channel | None:
    return next((c for c in fake.channels.values() if c.uploads == playlist_id), None)


def public_videos(fake: YouTubeFake, channel: Channel) -> list[dict[str, Any]]:
    """What anyone but the owner sees of a channel's uploads, newest first."""
    return sorted(_videos(fake, channel), key=lambda v: v["_published"], reverse=True)


def hidden(fake: YouTubeFake, video: dict[str, Any]) -> bool:
    """A private video of someone else's channel: invisible to the caller."""
    return video["snippet"]["channelId"] in fake.channels and (
        video["status"]["privacyStatus"] == "private"
    )


def _videos(fake: YouTubeFake, channel: Channel) -> list[dict[str, Any]]:
    return [
        v
        for v in fake.videos.values()
        if v["snippet"]["channelId"] == channel.id and v["status"]["privacyStatus"] == "public"
    ]


def _three_figures(count: int) -> int:
    """Public subscriber counts are rounded down to three significant figures (12,345 ->
    12,300)."""
    scale = 10 ** max(len(str(count)) - 3, 0)
    return count // scale * scale
