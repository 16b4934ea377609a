"""Claiming: a compare-and-set in the database, so two workers never take the same row.

:func:`claim_batch` claims up to ``limit`` due rows for one worker in one go (the publishing
dispatcher, and any kind a polling worker drains). It is a conditional ``UPDATE`` that re-checks
due-ness on each row (``recheck``), atomic on SQLite and PostgreSQL alike; on PostgreSQL it is a
single statement whose candidate ``SELECT`` locks rows with ``FOR UPDATE SKIP LOCKED``, so
workers do not even contend. :func:`claim_one` is the same compare-and-set on one row a task
names (a reply's task, run twice, sends once).

A claim with a lease (:class:`~parvis.core.sending.models.Leased`) writes a unique
``claim_token`` and ``claimed_until``; every later write is conditioned on that token (see
:func:`mine`), so a worker that lost its lease cannot overwrite the one that took over.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import F, Q


def new_token() -> str:
    return uuid.uuid4().hex


def expired_lease(live_status: str, now: Any) -> Q:
    """Rows claimed by a worker whose lease ran out (killed mid-call): claimable again."""
    return Q(status=live_status, claimed_until__lt=now)


def mine(model: type[models.Model], pk: int, token: str) -> models.QuerySet[Any]:
    """The row ``pk`` as long as it is still claimed with ``token``: the only way to write it."""
    return model._default_manager.filter(pk=pk, claim_token=token)


def claim_batch(
    model: type[models.Model],
    candidates: Sequence[models.QuerySet[Any]],
    *,
    limit: int,
    recheck: Q,
    claim: Mapping[str, Any],
    token: str,
    count: str | None = "attempts",
) -> list[int]:
    """Claim up to ``limit`` rows from ``candidates`` (querysets walked in order, each ordered
    and cheap to stop early); returns the ids claimed with ``token``.

    ``claim`` is what the claim writes (status, token, lease…; it must set ``claim_token`` to
    ``token``); ``count`` names a counter incremented by each claim (attempts), or None.
    ``recheck`` is due-ness as a condition on the row itself: SQLite re-checks it in the
    ``UPDATE``; PostgreSQL re-evaluates the candidate ``SELECT`` on a row unlocked meanwhile.
    """
    ids: list[int] = []
    if connection.vendor == "postgresql":
        for queryset in candidates:
            if len(ids) < limit:
                ids += _claim_postgres(model, queryset, limit - len(ids), claim, count)
        return ids
    # SQLite: read without a transaction (an IMMEDIATE one would take the write lock on every
    # idle poll); the single conditional UPDATE is the atomic compare-and-set.
    for queryset in candidates:
        if len(ids) < limit:
            ids += list(queryset.values_list("pk", flat=True)[: limit - len(ids)])
    if not ids:
        return ids
    writes: dict[str, Any] = dict(claim)
    if count is not None:
        writes[count] = F(count) + 1
    manager = model._default_manager
    claimed = manager.filter(pk__in=ids).filter(recheck).update(**writes)
    if claimed == len(ids):
        return ids
    return list(manager.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))


def _claim_postgres(
    model: type[models.Model],
    candidates: models.QuerySet[Any],
    limit: int,
    claim: Mapping[str, Any],
    count: str | None,
) -> list[int]:
    """One statement: lock up to ``limit`` candidate rows nobody else holds (``FOR UPDATE SKIP
    LOCKED``), claim them and return their ids. A busy dispatcher claims several times a
    second: one round trip instead of a transaction of four statements. The candidates'
    ``SELECT`` is Django's; a row another worker claimed meanwhile is either locked (skipped)
    or re-checked by PostgreSQL against that ``WHERE`` once unlocked."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    select, params = candidates.values_list("pk", flat=True)[:limit].query.sql_with_params()
    sets: list[str] = []
    values: list[Any] = []
    for name, value in claim.items():
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        sets.append(f"{quote(field.column)} = %s")
        values.append(field.get_db_prep_save(value, connection))
    if count is not None:
        counter = model._meta.get_field(count)
        assert isinstance(counter, models.Field)
        column = quote(counter.column)
        sets.append(f"{column} = {column} + 1")
    pk = quote(model._meta.pk.column if model._meta.pk is not None else "id")
    # Only quoted names and Django's own compiled SQL are interpolated; values are parameters.
    sql = (
        f"UPDATE {table} SET {', '.join(sets)}"  # noqa: S608
        f" WHERE {pk} IN ({select} FOR UPDATE OF {table} SKIP LOCKED) RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*values, *params))
        return [row[0] for row in cursor.fetchall()]


def claim_one(
    model: type[models.Model], pk: int, *, claimable: Q, claim: Mapping[str, Any]
) -> bool:
    """Claim the row ``pk`` if it still matches ``claimable``: True for exactly one caller."""
    return bool(model._default_manager.filter(claimable, pk=pk).update(**claim))
