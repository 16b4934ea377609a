"""The ``parvis`` command: one entry point for running, operating and benchmarking Parvis.

``parvis run`` starts everything (embedded mode); ``parvis worker``, ``parvis dispatcher`` and
``parvis scheduler`` start one background process each (scaled mode); ``parvis insight
classify`` analyses messages without a web server; anything else is a Django management command
(``parvis migrate``, ``parvis doctor``, ``parvis demo``...).

From a source checkout only (the installed package ships neither folder):
``parvis bench NAME`` runs a benchmark of ``bench/``, and ``parvis insight train``,
``parvis insight generate`` and ``parvis insight generate-posts`` rebuild the insight models
and their training data with ``training/insight/``.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

import django

from parvis.core.env import ConfigError
from parvis.publishing.process import main as dispatcher_main

# The folder that holds parvis/: a source checkout when pyproject.toml sits beside it.
CHECKOUT = Path(__file__).resolve().parent.parent

BENCHMARKS = {
    "insight": "bench.insight",
    "publish": "bench.publish",
    "inbox": "bench.inbox",
    "validate": "bench.validate",
    "watch": "bench.watch",
}
INSIGHT_TRAINING = {
    "train": "training.insight.train",
    "generate": "training.insight.generate",
    "generate-posts": "training.insight.generate_posts",
}


def _fail(message: str) -> int:
    print(f"parvis: {message}", file=sys.stderr)
    return 2


def _django_command(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    try:
        # Imported here, not at the top: it loads most of Django, which `parvis insight`
        # and `parvis bench` never need.
        from django.core.management import execute_from_command_line

        execute_from_command_line(["parvis", *argv])
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    return 0


def _celery(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    try:
        django.setup()
        # Both read the settings when imported, so they can only come after django.setup().
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
    if command == "insight" and rest and rest[0] in INSIGHT_TRAINING:
        return _run_from_checkout(INSIGHT_TRAINING[rest[0]], rest[1:])
    if command == "insight":
        # Imported here: it loads numpy and the models, which no other command needs.
        from parvis.insight.cli import main as insight_main

        return insight_main(rest)
    if command == "bench":
        if not rest or rest[0] not in BENCHMARKS:
            return _fail(f"bench needs one of: {', '.join(sorted(BENCHMARKS))}")
        return _run_from_checkout(BENCHMARKS[rest[0]], rest[1:])
    if command == "worker":
        pool = ["--pool=threads", "--concurrency=4"] if _embedded() else []
        return _celery(["worker", "--loglevel=INFO", *pool, *rest])
    if command == "dispatcher":
        try:
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


def _from_checkout(module_name: str) -> ModuleType | None:
    """Import a module of bench/ or training/, the folders beside parvis/ in a source checkout;
    ``None`` when Parvis runs from an installed package, which ships neither."""
    folder = CHECKOUT / module_name.split(".", 1)[0]
    if not (CHECKOUT / "pyproject.toml").is_file() or not (folder / "__init__.py").is_file():
        return None
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    return importlib.import_module(module_name)


def _run_from_checkout(module_name: str, argv: list[str]) -> int:
    module = _from_checkout(module_name)
    if module is None:
        folder = module_name.split(".", 1)[0]
        return _fail(
            f"{folder}/ is not installed with Parvis: run this command from a source checkout "
            f"(git clone, then `make install`), where {folder}/ sits beside parvis/"
        )
    result: int = module.main(argv)
    return result


def _var_dir() -> Path:
    """The data folder, known before Django starts (settings.VAR_DIR reads the same variable)."""
    return Path(os.environ.get("PARVIS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


def _embedded() -> bool:
    return not os.environ.get("DATABASE_URL") and not os.environ.get("DATABASE_URL_FILE")


if __name__ == "__main__":
    sys.exit(main())
