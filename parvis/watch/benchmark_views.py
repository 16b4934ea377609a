"""« Comparatif » and « Part de voix »: the benchmark and share-of-voice pages of the watch.

Both read only what is stored (``benchmark.py``, ``voice.py``); the period comes from the query
string (7, 30 or 90 days) and anything else falls back to 30.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parvis.accounts.access import OrgRequest, org_view
from parvis.strategy.charts import Chart, line_chart, nice_top
from parvis.watch.benchmark import PERIODS, Row, benchmark, period_days
from parvis.watch.models import FollowerSnapshot
from parvis.watch.voice import ShareOfVoice, share_of_voice

SERIES_KEYS = 6  # watch.css colours series-0 … series-5, then starts again


def _colon() -> str:
    """« : » after a non-breaking space in French, a bare « : » in English."""
    return "\u00a0: " if (get_language() or "").startswith("fr") else ": "


def _voice_chart(voice: ShareOfVoice) -> Chart:
    data = [
        (
            str(index % SERIES_KEYS),
            str(each.entity.label),
            [(bucket, counts.total) for bucket, counts in sorted(each.by_bucket.items())],
        )
        for index, each in enumerate(voice.voices)
    ]
    top = max((value for _k, _l, points in data for _d, value in points), default=0)
    return line_chart(data, top=nice_top(top))


def _followers_chart(request: OrgRequest, rows: list[Row], since: date) -> Chart:
    """Each entity's known followers per snapshot day (a day counts only where every profile
    of the entity was read, so a missing snapshot is not drawn as a fall)."""
    data = []
    for index, row in enumerate(rows):
        ids = [a.profile.pk for a in row.audiences if a.followers is not None]
        if not ids:
            continue
        per_day: dict[date, list[int]] = {}
        for day, followers in (
            FollowerSnapshot.objects.for_organisation(request.organisation)
            .filter(profile_id__in=ids, day__gte=since)
            .values_list("day", "followers")
        ):
            per_day.setdefault(day, []).append(followers)
        points = [(day, sum(v)) for day, v in sorted(per_day.items()) if len(v) == len(ids)]
        data.append((str(index % SERIES_KEYS), str(row.entity.label), points))
    top = max((value for _k, _l, points in data for _d, value in points), default=0)
    return line_chart(data, top=nice_top(top))


@require_GET
@org_view()
def benchmark_page(request: OrgRequest) -> HttpResponse:
    days = period_days(request.GET.get("period"))
    now = timezone.now()
    rows = benchmark(request.organisation, days, now, _("You"))
    since = timezone.localtime(now).date() - timedelta(days=days)
    context = {
        "rows": rows,
        "days": days,
        "periods": PERIODS,
        "chart": _followers_chart(request, rows, since),
        "colon": _colon(),
        "is_demo": any(row.entity.competitor and row.entity.competitor.is_demo for row in rows),
    }
    return render(request, "watch/benchmark.html", context)


@require_GET
@org_view()
def voice_page(request: OrgRequest) -> HttpResponse:
    days = period_days(request.GET.get("period"))
    voice = share_of_voice(request.organisation, days, timezone.now(), _("You"))
    context = {
        "voice": voice,
        "days": days,
        "periods": PERIODS,
        "chart": _voice_chart(voice),
        "buckets": [
            {
                "day": day,
                "counts": [
                    {"label": v.entity.label, "counts": v.by_bucket.get(day)} for v in voice.voices
                ],
            }
            for day in voice.buckets
        ],
        "colon": _colon(),
        "is_demo": any(v.entity.competitor and v.entity.competitor.is_demo for v in voice.voices),
    }
    return render(request, "watch/voice.html", context)
