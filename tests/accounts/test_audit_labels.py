"""Every action Parvis records has words on the activity log page (no code shown to people)."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from parvis.accounts.audit_labels import AUDIT_LABELS
from parvis.core.audit import audit_record
from parvis.inbox.models import Conversation
from tests.conftest import Cast

ROOT = Path(__file__).resolve().parents[2] / "parvis"
# audit("post.approved", …), audit_record(action="post.approved", …), on one line or the next.
RECORDED = re.compile(r"(?:\.audit\(|action=)\s*\"([a-z_]+(?:\.[a-z_]+)+)\"")


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for source in ROOT.rglob("*.py"):
        found |= set(RECORDED.findall(source.read_text(encoding="utf-8")))
    # inbox.services records "inbox.conversation.<status>" for each status.
    found |= {f"inbox.conversation.{status}" for status in Conversation.Status.values}
    return found


def test_every_recorded_action_has_words() -> None:
    actions = _recorded_actions()
    assert len(actions) > 40  # the scan finds the calls
    assert sorted(actions - AUDIT_LABELS.keys()) == []


def test_the_activity_log_shows_words_not_codes(cast: Cast) -> None:
    audit_record(action="plan.accepted", organisation=cast.org, actor=cast.alice, target=cast.org)
    response = cast.client_for(cast.alice).get(reverse("accounts:audit_log", args=[cast.org.slug]))
    page = response.content.decode()
    assert "Plan adopté" in page
    assert "plan.accepted" not in page
