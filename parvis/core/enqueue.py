"""Send a Celery task by its name.

An app's ``tasks.py`` imports its services (a task loads rows by id and calls a service); a
service that hands work to a task of its own app therefore names the task instead of importing
``tasks.py``, which would close an import loop. The task's own options (time limits, expiry)
still apply, and so does eager mode (``PARVIS_TASKS_EAGER``, tests), which a plain
``send_task`` ignores: every Django process registers every app's tasks at start-up
(``web.apps``), so the task is found by name and sent as ``task.apply_async`` sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction


def task_send(name: str, args: Sequence[Any] = (), **options: Any) -> None:
    """Send the task registered as ``name`` with ``args`` (``options`` as ``apply_async``'s:
    ``eta``, ``countdown``…)."""
    task = current_app.tasks.get(name)
    if task is None:
        # Not registered here (a process that did not load Django's apps): the broker still
        # takes it by name, with the options given here only.
        current_app.send_task(name, args=tuple(args), **options)
    else:
        task.apply_async(tuple(args), **options)


def task_send_on_commit(name: str, args: Sequence[Any] = (), **options: Any) -> None:
    """:func:`task_send` once the current transaction commits (at once outside one).

    Robust: a broker that refuses must not turn work already committed into an error; the
    periodic job that does the same work catches up.
    """
    callback = partial(task_send, name, args, **options)
    # Django logs a failed robust callback by its __qualname__, which a partial lacks: without
    # one the real error would hide behind an AttributeError.
    callback.__qualname__ = f"task_send[{name}]"  # type: ignore[attr-defined]
    transaction.on_commit(callback, robust=True)
