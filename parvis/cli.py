"""The ``parvis`` command: one entry point for running, operating and benchmarking Parvis.

``parvis run`` starts everything (embedded mode); ``parvis worker``, ``parvis dispatcher`` and
``parvis scheduler`` start one background process each (scaled mode); ``parvis insight`` and
``parvis bench`` run without a web server; anything else is a Django management command
(``parvis migrate``, ``parvis doctor``, ``parvis demo``...).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

BENCHMARKS = {
    "insight": "bench.insight",
    "publish": "bench.publish",
    "inbox": "bench.inbox",
}


def _fail(message: str) -> int:
    print(f"parvis: {message}", file=sys.stderr)
    return 2


def _django_command(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from parvis.core.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["parvis", *argv])
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    return 0


def _celery(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from parvis.core.env import ConfigError

    try:
        import django

        django.setup()
        from parvis.core.preflight import preflight_or_exit

        preflight_or_exit()
        from parvis.celery import app
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    app.start(argv=argv)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip() if __doc__ else "")
        print("\nDjango commands: parvis manage help")
        return 0
    command, rest = args[0], args[1:]
    if command == "insight":
        from parvis.insight.cli import main as insight_main

        return insight_main(rest)
    if command == "bench":
        if not rest or rest[0] not in BENCHMARKS:
            return _fail(f"bench needs one of: {', '.join(sorted(BENCHMARKS))}")
        module = importlib.import_module(BENCHMARKS[rest[0]])
        result: int = module.main(rest[1:])
        return result
    if command == "worker":
        pool = ["--pool=threads", "--concurrency=4"] if _embedded() else []
        return _celery(["worker", "--loglevel=INFO", *pool, *rest])
    if command == "dispatcher":
        from parvis.core.env import ConfigError

        try:
            from parvis.publishing.process import main as dispatcher_main

            return dispatcher_main(rest)
        except ConfigError as exc:
            return _fail(f"configuration error: {exc}")
    if command == "scheduler":
        schedule = (
            []
            if any(arg.startswith(("-s", "--schedule")) for arg in rest)
            else [f"--schedule={_var_dir() / 'celerybeat-schedule'}"]
        )
        return _celery(
            ["beat", "--loglevel=INFO", "--scheduler=parvis.celery:HeartbeatScheduler"]
            + schedule
            + rest
        )
    if command == "manage":
        return _django_command(rest)
    return _django_command(args)


def _var_dir() -> Path:
    """The data folder, known before Django starts (settings.VAR_DIR reads the same variable)."""
    return Path(os.environ.get("PARVIS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


def _embedded() -> bool:
    return not os.environ.get("DATABASE_URL") and not os.environ.get("DATABASE_URL_FILE")


if __name__ == "__main__":
    sys.exit(main())
