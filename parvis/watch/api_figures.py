"""The watch API's figures: the competitor benchmark and the share of voice, as the pages
compute them (``benchmark.py``, ``voice.py``), in plain JSON.

A figure a network does not give is ``null``, never a zero (the pages say « non communiqué »).
Labels are the organisation's own names for its competitors; the row keyed ``you`` is the company
itself, labelled with its name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from parvis.core.api_schemas import QuerySchema
from parvis.watch.benchmark import Audience, BestPost, MixShare, Row
from parvis.watch.voice import Counts, ShareOfVoice, Voice


class PeriodIn(QuerySchema):
    """``period``: the last 7, 30 or 90 days (30 when absent)."""

    period: Literal["7", "30", "90"] = "30"


class AudienceOut(Schema):
    profile_id: int
    network: str
    handle: str
    followers: int | None  # null: the network does not give it
    start: int | None  # followers on ``since``, the period's first day known
    since: date | None
    late: bool  # watched since after the period began: the growth covers fewer days


class MixOut(Schema):
    category: str
    label: str
    posts: int
    percent: float


class BestPostOut(Schema):
    network: str
    published_at: datetime
    text: str
    url: str
    engagement: int
    is_demo: bool


class BenchmarkRowOut(Schema):
    key: str  # "you" or "c<competitor id>"
    label: str
    competitor_id: int | None
    followers: int | None
    growth: int | None
    growth_percent: float | None
    posts: int
    posts_per_week: float
    engagement_per_post: float | None  # over the posts whose network gives its counters
    engagement_posts: int
    audiences: list[AudienceOut]
    mix: list[MixOut]
    best: list[BestPostOut]


class BenchmarkOut(Schema):
    days: int
    rows: list[BenchmarkRowOut]


class CountsOut(Schema):
    positive: int
    neutral: int
    negative: int
    other: int  # not analysed
    total: int


class BucketOut(CountsOut):
    start: date  # the bucket's first day (a day, or a week when ``weekly``)


class VoiceOut(Schema):
    key: str
    label: str
    competitor_id: int | None
    share: float | None  # percent of every entity's mentions; null when nothing was said
    overall: CountsOut
    buckets: list[BucketOut]


class ShareOfVoiceOut(Schema):
    days: int
    weekly: bool
    total: int
    voices: list[VoiceOut]


def _audience_out(a: Audience) -> AudienceOut:
    return AudienceOut(
        profile_id=a.profile.pk,
        network=a.profile.network,
        handle=a.profile.handle,
        followers=a.followers,
        start=a.start,
        since=a.since,
        late=a.late,
    )


def _mix_out(m: MixShare) -> MixOut:
    return MixOut(category=m.category, label=m.label, posts=m.posts, percent=m.percent)


def _best_out(b: BestPost) -> BestPostOut:
    return BestPostOut(
        network=b.network,
        published_at=b.published_at,
        text=b.text,
        url=b.url,
        engagement=b.engagement,
        is_demo=b.is_demo,
    )


def benchmark_out(days: int, rows: list[Row]) -> BenchmarkOut:
    return BenchmarkOut(
        days=days,
        rows=[
            BenchmarkRowOut(
                key=row.entity.key,
                label=row.entity.label,
                competitor_id=row.entity.competitor.pk if row.entity.competitor else None,
                followers=row.followers,
                growth=row.growth,
                growth_percent=row.growth_percent,
                posts=row.posts,
                posts_per_week=round(row.posts_per_week, 2),
                engagement_per_post=row.engagement_per_post,
                engagement_posts=row.engagement_posts,
                audiences=[_audience_out(a) for a in row.audiences],
                mix=[_mix_out(m) for m in row.mix],
                best=[_best_out(b) for b in row.best],
            )
            for row in rows
        ],
    )


def _counts(c: Counts) -> dict[str, int]:
    return {
        "positive": c.positive,
        "neutral": c.neutral,
        "negative": c.negative,
        "other": c.other,
        "total": c.total,
    }


def _voice_out(voice: Voice, buckets: tuple[date, ...]) -> VoiceOut:
    competitor = voice.entity.competitor
    return VoiceOut(
        key=voice.entity.key,
        label=voice.entity.label,
        competitor_id=competitor.pk if competitor else None,
        share=voice.share,
        overall=CountsOut(**_counts(voice.overall)),
        # Every bucket, the empty ones too: a chart needs its zeros (nothing was said that day).
        buckets=[
            BucketOut(start=day, **_counts(voice.by_bucket.get(day) or Counts())) for day in buckets
        ],
    )


def share_of_voice_out(sov: ShareOfVoice) -> ShareOfVoiceOut:
    return ShareOfVoiceOut(
        days=sov.days,
        weekly=sov.weekly,
        total=sov.total,
        voices=[_voice_out(v, sov.buckets) for v in sov.voices],
    )
