"""Failed log-in counting: a pause after too many failures for one address or one IP."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.lower().encode("utf-8")).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def login_blocked(*, email: str, ip: str) -> bool:
    limit = settings.LOGIN_RATE_LIMIT
    counts = cache.get_many([_key("email", email), _key("ip", ip)])
    return any(count >= limit for count in counts.values())


def login_failed(*, email: str, ip: str) -> None:
    for key in (_key("email", email), _key("ip", ip)):
        # add() is a no-op when the key exists, so the window starts at the first failure.
        cache.add(key, 0, timeout=settings.LOGIN_RATE_WINDOW_S)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=settings.LOGIN_RATE_WINDOW_S)


def login_succeeded(*, email: str) -> None:
    cache.delete(_key("email", email))
