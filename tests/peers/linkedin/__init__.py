"""The LinkedIn fake: ``fake.py`` (server, tokens, uploads), ``routes.py`` (the resources)."""

from __future__ import annotations

from tests.peers.linkedin.fake import ORG, ORG_ID, LinkedInFake, linkedin_fake

__all__ = ["ORG", "ORG_ID", "LinkedInFake", "linkedin_fake"]
