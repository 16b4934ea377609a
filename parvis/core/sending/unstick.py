"""The watchdog's half of a lease: rows whose worker died mid-send.

A worker killed while it held a row leaves it claimed. Two ways back, chosen by the kind:

* **reclaim** — the claim itself takes rows whose lease ran out
  (:func:`~parvis.core.sending.claims.expired_lease` among its candidates). Right for kinds
  whose next owner can look the thing up: it does so before sending anything (publishing).
* **unstick** — :func:`unstick` moves them to « unconfirmed » and records an attempt saying
  so, for kinds where a person decides when the network cannot tell (replies).

Either way the row is never re-sent blindly: it may have reached the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction


def unstick(
    stuck: models.QuerySet[Any],
    *,
    claimed_field: str,
    to: Mapping[str, Any],
    record: Callable[[Any], None],
) -> int:
    """Move each row of ``stuck`` (claimed too long ago) to ``to``, recording ``record(row)``
    in the same transaction; returns how many moved. Compare-and-set on the row's status and
    ``claimed_field``: a row claimed again or finished meanwhile is left alone, and two
    watchdogs running at once record it once."""
    model = stuck.model
    count = 0
    for row in stuck:
        with transaction.atomic():
            moved = model._default_manager.filter(
                pk=row.pk, status=row.status, **{claimed_field: getattr(row, claimed_field)}
            ).update(**to)
            if moved:
                record(row)
        count += moved
    return count
