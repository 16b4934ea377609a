"""The YouTube fake: ``fake.py`` (server, OAuth, quota, resumable uploads), ``routes.py``."""

from __future__ import annotations

from tests.peers.youtube.fake import YouTubeFake, youtube_fake

__all__ = ["YouTubeFake", "youtube_fake"]
