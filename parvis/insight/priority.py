"""Inbox priority: which messages a busy manager should answer first.

The score (0 to 100) adds four parts, each bounded so that no single signal decides alone:

* intent: a lead or a complaint first, then candidates and questions; spam goes to the bottom;
* tone: a negative message gains up to 15 points (an unhappy customer waiting gets worse);
* reach: the author's audience, on a log scale, up to 15 points (10,000 followers ≈ 12);
* age: an unanswered message gains up to 15 points over its first two days, since answering
  late is what the inbox is meant to prevent; past that it stops climbing.

Spam is always filed (``Priority.level`` is ``FILED``) whatever its other signals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from parvis.core.vocabulary import Intent
from parvis.insight.analysis import Analysis

INTENT_POINTS: dict[Intent, float] = {
    Intent.PURCHASE_INTENT: 55.0,
    Intent.COMPLAINT: 52.0,
    Intent.JOB_APPLICATION: 38.0,
    Intent.QUESTION: 35.0,
    Intent.PRAISE: 18.0,
    Intent.OTHER: 8.0,
    Intent.SPAM: 0.0,
}
MAX_TONE_POINTS = 15.0
MAX_REACH_POINTS = 15.0
MAX_AGE_POINTS = 15.0
AGE_HORIZON_HOURS = 48.0


class PriorityLevel(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"
    FILED = "filed"


PRIORITY_LABELS: dict[PriorityLevel, str] = {
    PriorityLevel.URGENT: "À traiter en premier",
    PriorityLevel.HIGH: "Important",
    PriorityLevel.NORMAL: "Normal",
    PriorityLevel.LOW: "Peut attendre",
    PriorityLevel.FILED: "Classé (indésirable)",
}


@dataclass(frozen=True, slots=True)
class Priority:
    """A message's place in the inbox: ``score`` in [0, 100], a level and French reasons."""

    score: float
    level: PriorityLevel
    reasons: tuple[str, ...]


def priority(
    analysis: Analysis, *, author_followers: int | None = None, age_hours: float = 0.0
) -> Priority:
    """Rank one analysed message. ``author_followers`` None means unknown (no reach points);
    negative or non-finite ages count as zero."""
    intent = analysis.intent
    if intent is Intent.SPAM:
        return Priority(0.0, PriorityLevel.FILED, ("message indésirable probable",))
    reasons: list[str] = []
    # The intent part is weighted by its confidence so that an unsure lead does not outrank
    # a sure complaint; the secondary intent can only add.
    intent_points = sum(INTENT_POINTS[i.intent] * i.score for i in analysis.intents[:1])
    intent_points = max(intent_points, INTENT_POINTS[intent] * 0.6)
    if len(analysis.intents) > 1:
        second = analysis.intents[1]
        intent_points += 0.2 * INTENT_POINTS[second.intent] * second.score
    reasons.append(_INTENT_REASONS[intent])
    tone_points = MAX_TONE_POINTS * max(0.0, -analysis.sentiment_score)
    if tone_points >= 5:
        reasons.append("ton négatif")
    reach_points = 0.0
    if author_followers is not None and author_followers > 0:
        reach_points = min(MAX_REACH_POINTS, 3.0 * math.log10(author_followers + 1))
        if author_followers >= 1000:
            reasons.append(
                f"auteur suivi par {author_followers:,} personnes".replace(",", "\u202f")
            )
    age = age_hours if math.isfinite(age_hours) and age_hours > 0 else 0.0
    age_points = MAX_AGE_POINTS * min(age, AGE_HORIZON_HOURS) / AGE_HORIZON_HOURS
    if age >= 24:
        reasons.append(f"en attente depuis {int(age // 24)} j")
    elif age >= 4:
        reasons.append(f"en attente depuis {int(age)} h")
    score = round(min(100.0, intent_points + tone_points + reach_points + age_points), 1)
    return Priority(score, _level(score), tuple(reasons))


_INTENT_REASONS: dict[Intent, str] = {
    Intent.PURCHASE_INTENT: "piste commerciale",
    Intent.COMPLAINT: "réclamation",
    Intent.JOB_APPLICATION: "candidature",
    Intent.QUESTION: "question",
    Intent.PRAISE: "remerciement ou compliment",
    Intent.OTHER: "pas de demande identifiée",
    Intent.SPAM: "message indésirable probable",
}


def _level(score: float) -> PriorityLevel:
    if score >= 65:
        return PriorityLevel.URGENT
    if score >= 40:
        return PriorityLevel.HIGH
    if score >= 20:
        return PriorityLevel.NORMAL
    return PriorityLevel.LOW
