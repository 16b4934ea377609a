"""Log-in and password-reset throttling that a stranger cannot turn against the team.

Failed log-ins are counted by django-axes in the database (so every web process and both
SQLite and PostgreSQL see the same counts), keyed by the client address from
``parvis.core.client_ip`` (``X-Forwarded-For`` only from a trusted proxy). Two counts, one
window (``settings.AXES_*`` wire them up):

* per (account, address): ``LOGIN_RATE_LIMIT`` failures pause that account *from that address*;
* per address: ``LOGIN_RATE_LIMIT_PER_ADDRESS`` failures, whatever the accounts, pause the
  address (password spraying).

Nothing counts per account alone, so a stranger's failures never stop the real user logging in
from another address. A successful log-in forgets that account's failures from that address; a
completed password reset forgets all of the account's failures.

Password-reset *requests* are counted in the cache per (target e-mail, address) and per address;
past either limit the page answers as usual but no e-mail leaves. Nothing low counts per e-mail
alone: reset is the way out of a log-in pause, so a stranger's requests must not stop the real
user's. Only a high per-e-mail cap (``PASSWORD_RESET_RATE_LIMIT_PER_EMAIL``), fed by the
requests that passed the other two counts, stops a mail-bombing spread over many addresses.
« domains » sign-up confirmation e-mails are counted the same way, in counters of their own.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler  # type: ignore[import-untyped]
from axes.helpers import (  # type: ignore[import-untyped]
    get_client_username,
    get_lockout_parameters,
)
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from axes.utils import reset  # type: ignore[import-untyped]
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from parvis.core.client_ip import client_ip

# The length of axes' AccessAttempt.username column.
AXES_USERNAME_MAX = 255


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """``AXES_FAILURE_LIMIT``: the per-(account, address) limit, read at each call."""
    return int(settings.LOGIN_RATE_LIMIT)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long failures count, and so how long a pause lasts."""
    return timedelta(seconds=settings.LOGIN_RATE_WINDOW_S)


def login_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the e-mail as accounts store it, so « Alice@… » and
    « alice@… » share one count."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    # Cut to axes' column (255): a longer name is no account's (e-mails stop at 254), and
    # PostgreSQL would refuse to store the failure, turning the log-in page into a 400.
    return (str(raw).strip().lower()[:AXES_USERNAME_MAX] or None) if raw else None


class LoginThrottleHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler with one limit per kind of count and a narrower reset."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The worst count, with the per-address count put on the per-pair scale.

        axes compares one number with ``AXES_FAILURE_LIMIT`` (the pair limit); an address
        reaches that number exactly when it reaches ``LOGIN_RATE_LIMIT_PER_ADDRESS`` failures.
        """
        pair_limit = int(settings.LOGIN_RATE_LIMIT)
        address_limit = max(int(settings.LOGIN_RATE_LIMIT_PER_ADDRESS), 1)
        worst = 0
        for parameters, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            if parameters == "ip_address":
                failures = failures * pair_limit // address_limit
            worst = max(worst, failures)
        return worst

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful log-in, forget this account's failures from this address only.

        axes would forget every failure of the address too: an attacker with an account of
        their own could then log in between guesses to wipe the address's count.
        """
        count, _deleted = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return int(count)


def lockout_minutes(request: HttpRequest) -> int:
    """Whole minutes until the client's address may try again (at most the window)."""
    window = cool_off(request)
    now = timezone.now()
    latest = AccessAttempt.objects.filter(
        ip_address=client_ip(request), attempt_time__gte=now - window
    ).aggregate(latest=Max("attempt_time"))["latest"]
    remaining = (latest + window - now) if latest is not None else window
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_message(request: HttpRequest) -> str:
    minutes = lockout_minutes(request)
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute or reset your password.",
        "Too many failed attempts. Try again in %(minutes)d minutes or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keep the log-in page (its form already says why and for how
    long, see ``LoginForm``) and answer 429 Too Many Requests."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    return HttpResponse(
        lockout_message(request), status=429, content_type="text/plain; charset=utf-8"
    )


def login_failures_forget(*, email: str) -> int:
    """Lift every pause on the account (after a completed password reset)."""
    return int(reset(username=email.strip().lower()))


def _counter_key(purpose: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.lower().encode("utf-8")).hexdigest()[:32]
    return f"{purpose}:{kind}:{digest}"


def _count(key: str, window_s: int) -> int:
    # add() is a no-op when the key exists, so the window starts at the first request.
    cache.add(key, 0, timeout=window_s)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_s)
        return 1


def password_reset_allowed(*, email: str, ip: str | None) -> bool:
    """Count one reset request; False when no e-mail should leave.

    Refused when the (e-mail, address) pair is over ``PASSWORD_RESET_RATE_LIMIT``, the address
    over ``PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS``, or the e-mail over its high global cap.
    Every request counts, known address or not, so the answer tells nothing about accounts.
    """
    return _mail_request_allowed("password-reset", email=email, ip=ip)


def signup_mail_allowed(*, email: str, ip: str | None) -> bool:
    """The same counts, kept apart, for « domains » sign-up confirmation e-mails: the form
    mails any address at an allowed domain, so it must not become a mail-bombing tool."""
    return _mail_request_allowed("signup", email=email, ip=ip)


def _mail_request_allowed(purpose: str, *, email: str, ip: str | None) -> bool:
    window = int(settings.PASSWORD_RESET_RATE_WINDOW_S)
    email = email.strip().lower()
    address = ip or "-"
    per_pair = _count(_counter_key(purpose, "email-ip", f"{email}|{address}"), window)
    per_address = _count(_counter_key(purpose, "ip", address), window)
    if (
        per_pair > settings.PASSWORD_RESET_RATE_LIMIT
        or per_address > settings.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS
    ):
        # Not counted against the e-mail: one address cannot use up the victim's cap alone.
        return False
    # The per-e-mail cap is high on purpose: one address adds at most PASSWORD_RESET_RATE_LIMIT
    # to it, so a stranger needs several addresses to reach it; the real user asks once or twice.
    cap = int(settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL)
    return _count(_counter_key(purpose, "email", email), window) <= cap
