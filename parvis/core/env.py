"""Read configuration from the environment, the one place Parvis is configured.

Every secret can also come from a file: ``NAME_FILE=/run/secrets/name`` wins over ``NAME``, which
suits Docker and systemd credentials. Settings import this module before Django is set up, so it
must not import Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which one and how to fix it."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Return a secret from ``NAME_FILE`` (the file's content, stripped) or ``NAME``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path} cannot be read: {exc.strerror}.") from None
    return os.environ.get(name, default)


def persistent_secret(name: str, *, store: Path, generate: bool) -> str:
    """A secret from the environment or, in embedded mode, one generated once and kept in ``store``.

    Embedded mode must start with zero configuration yet keep sessions and encrypted tokens valid
    across restarts, so the generated value is written once (mode 0600) and read back afterwards.
    """
    value = env_secret(name)
    if value:
        return value
    if not generate:
        raise ConfigError(
            f"{name} is not set. Set it (or {name}_FILE) to a long random value; "
            f"`parvis doctor` explains every setting."
        )
    if store.exists():
        return store.read_text(encoding="utf-8").strip()
    store.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
