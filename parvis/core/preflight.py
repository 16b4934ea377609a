"""Start-up checks that turn a missing database or broker into one clear line, not a traceback."""

from __future__ import annotations

import sys

from django.conf import settings
from django.utils import translation

from parvis.core.health import check_broker, check_database

_FIXES = {
    "database": (
        "check DATABASE_URL (postgres://user:password@host:5432/name) and that PostgreSQL "
        "is running; unset it to use the embedded SQLite database"
    ),
    "broker": (
        "check BROKER_URL (redis://host:6379/0 or amqp://user:password@host:5672//) and that "
        "the broker is running; unset it to use the embedded file broker"
    ),
}


def preflight_problems() -> list[str]:
    problems = []
    # These lines go to the terminal or the service log with the English fixes below: the
    # checks' own words are taken in English too, so that a line is in one language.
    with translation.override("en"):
        checks = (check_database(), check_broker())
    for check in checks:
        if not check.ok:
            problems.append(f"{check.name} {check.detail} — {_FIXES[check.name]}.")
    return problems


def preflight_or_exit() -> None:
    problems = preflight_problems()
    if not problems:
        return
    for problem in problems:
        print(f"parvis: {problem}", file=sys.stderr)
    mode = "embedded" if settings.EMBEDDED else "scaled"
    print(
        f"parvis: cannot start ({mode} mode); `parvis doctor` shows every check.", file=sys.stderr
    )
    sys.exit(2)
