"""Whether the week's veille was done: the routine's task, or the watch's Monday digest opened.

The watch app sits above strategy (it draws its charts with ``strategy.charts``), so strategy
cannot read the watch's digests itself: the watch registers a reader from its
``AppConfig.ready`` (as privacy registers its gate with ``accounts.gates``), and the alignment
score asks every registered reader which weeks' digests were opened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from parvis.strategy.models import RoutineTask, week_code, week_monday

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

# (organisation, first Monday, last Monday) -> the Mondays whose digest someone opened.
DigestsOpened = Callable[["Organisation", date, date], set[date]]

_readers: list[DigestsOpened] = []


def veille_reader_register(reader: DigestsOpened) -> None:
    """Count a week's veille as done when ``reader`` says its digest was opened (once each)."""
    if reader not in _readers:
        _readers.append(reader)


def veille_reader_unregister(reader: DigestsOpened) -> None:
    if reader in _readers:
        _readers.remove(reader)


def veille_facts(organisation: Organisation, since: datetime, now: datetime) -> tuple[int, int]:
    """(weeks judged, weeks done) between ``since`` and ``now``, in the organisation's days.

    A week is judged when its routine has a veille task (the plan watches) and its Monday falls
    in the window, once the week is over — or earlier when it is already done, so the current
    week can only add to the score. It is done when its veille task was ticked or its digest
    was opened.
    """
    zone = organisation.tzinfo
    first = timezone.localtime(since, zone).date()
    today = timezone.localtime(now, zone).date()
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    ticked: dict[date, bool] = {}
    for week, done_at in (
        RoutineTask.objects.for_organisation(organisation)
        .filter(
            kind=RoutineTask.Kind.WATCH,
            routine__week__gte=week_code(first_monday),
            routine__week__lte=week_code(today),
        )
        .values_list("routine__week", "done_at")
    ):
        monday = week_monday(week)
        ticked[monday] = ticked.get(monday, False) or done_at is not None
    if not ticked:
        return 0, 0
    opened: set[date] = set()
    for reader in _readers:
        opened |= reader(organisation, min(ticked), max(ticked))
    judged = done = 0
    for monday, was_ticked in ticked.items():
        is_done = was_ticked or monday in opened
        if is_done or monday + timedelta(days=7) <= today:
            judged += 1
            done += is_done
    return judged, done
