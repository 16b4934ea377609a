"""Offline insight: language, sentiment, intents and priority of messages; categories of posts.

Pure Python + numpy, no Django. Models ship in ``parvis/insight/models/`` and load once per
process on first use; nothing is downloaded. Public interface::

    analyse(text, *, lang_hint=None) -> Analysis
    analyse_many(texts, *, lang_hints=None) -> list[Analysis]
    priority(analysis, *, author_followers=None, age_hours=0.0) -> Priority
    categorise_post(text) -> CategoryResult
    categorise_posts(texts) -> list[CategoryResult]
"""

from __future__ import annotations

from parvis.insight.analysis import Analysis, IntentScore, analyse, analyse_many
from parvis.insight.categories import CategoryResult, categorise_post, categorise_posts
from parvis.insight.language import LanguageSource
from parvis.insight.priority import PRIORITY_LABELS, Priority, PriorityLevel, priority

__all__ = [
    "PRIORITY_LABELS",
    "Analysis",
    "CategoryResult",
    "IntentScore",
    "LanguageSource",
    "Priority",
    "PriorityLevel",
    "analyse",
    "analyse_many",
    "categorise_post",
    "categorise_posts",
    "priority",
]
