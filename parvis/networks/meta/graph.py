"""Meta Graph API dialect shared by Facebook Pages and Instagram: version, error envelope,
usage headers, and defensive parsing of Graph answers (no HTTP here).

Error envelope (https://developers.facebook.com/docs/graph-api/guides/error-handling)::

    {"error": {"message", "type", "code", "error_subcode", "error_user_msg", "fbtrace_id"}}

Meta words throttling as HTTP 400/403 with a code, not 429, and gives no reset instant: only
``estimated_time_to_regain_access`` (minutes) in ``X-Business-Use-Case-Usage``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from parvis.networks import jsonread
from parvis.networks.errors import AuthExpired, ConnectorError, RateLimited, Rejected, Transient
from parvis.networks.transport import generic_error_reason, retry_after

# Pinned; upgrade on Meta's two-year cycle (social-apis.md §1 "Versions").
GRAPH_VERSION = "v25.0"
GRAPH_HOST = "https://graph.facebook.com"

AUTH_CODES = frozenset({190, 102})  # invalid/expired token (subcodes 463 expired, 467 invalid)
PERMISSION_CODES = frozenset({10, *range(200, 300)})  # missing permission: reconnect to grant it
THROTTLE_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
TRANSIENT_CODES = frozenset({1, 2})
# Instagram "maximum number of posts reached" (50 API posts per rolling 24 h) [3P subcode].
PUBLISHING_LIMIT_SUBCODE = 2207042
# Messages outside the 24-hour window (Messenger, Instagram) come as code 10: a refusal, not a
# missing permission [3P subcodes].
OUTSIDE_WINDOW_SUBCODES = frozenset({2018278, 2534022})
# Delete or read of an object that does not exist (or is not visible): "Unsupported request".
MISSING_OBJECT_SUBCODE = 33
# Meta gives no reset instant for app-level throttling (X-App-Usage is a rolling hour).
DEFAULT_THROTTLE_WAIT = timedelta(minutes=15)


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """``HMAC_SHA256(app_secret, access_token)`` in hex, sent with server-side calls."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def error_of(payload: Any) -> dict[str, Any]:
    """The ``error`` object of an envelope, or an empty dict for anything else."""
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def remote_code(error: dict[str, Any]) -> str:
    """``190/463``: code and subcode, as kept on :class:`Rejected`."""
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    return f"{code}/{subcode}" if subcode is not None else str(code or "")


def usage_percent(headers: httpx.Headers) -> int:
    """The highest percentage found in ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` /
    ``X-Page-Usage`` (0 when absent); Meta advises slowing down from about 80."""
    values: list[int] = []
    for name in ("x-app-usage", "x-page-usage", "x-business-use-case-usage"):
        for entry in _usage_entries(headers.get(name, "")):
            values += [v for k, v in entry.items() if k != "estimated_time_to_regain_access"]
    return max(values, default=0)


def regain_access_at(headers: httpx.Headers, now: datetime) -> datetime | None:
    """``now`` plus the largest ``estimated_time_to_regain_access`` (minutes), if any."""
    minutes = [
        entry.get("estimated_time_to_regain_access", 0)
        for entry in _usage_entries(headers.get("x-business-use-case-usage", ""))
    ]
    longest = max(minutes, default=0)
    return now + timedelta(minutes=longest) if longest > 0 else None


def _usage_entries(raw: str) -> list[dict[str, int]]:
    """Flatten a usage header: one object (app/page usage) or ``{id: [objects]}`` (BUC)."""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        return []
    if not isinstance(parsed, dict):
        return []
    objects: list[Any] = [parsed]
    if all(isinstance(v, list) for v in parsed.values()):
        objects = [item for value in parsed.values() for item in value]
    return [
        {k: v for k, v in item.items() if _int(v) is not None}
        for item in objects
        if isinstance(item, dict)
    ]


def classify(
    status: int, payload: Any, headers: httpx.Headers, now: datetime, network: str
) -> ConnectorError | None:
    """Map a Graph error envelope to the taxonomy (None: let the status decide)."""
    error = error_of(payload)
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    reason = generic_error_reason(payload) or f"HTTP {status}"
    if subcode in OUTSIDE_WINDOW_SUBCODES:
        return Rejected(reason, network=network, status=status, remote_code=remote_code(error))
    if code in AUTH_CODES or code in PERMISSION_CODES:
        return AuthExpired(reason, network=network, status=status)
    if code in THROTTLE_CODES or subcode == PUBLISHING_LIMIT_SUBCODE:
        retry_at = regain_access_at(headers, now)
        if retry_at is None:
            retry_at = retry_after(headers, now) if "retry-after" in headers else None
        retry_at = retry_at or now + DEFAULT_THROTTLE_WAIT
        return RateLimited(reason, retry_at=retry_at, network=network, status=status)
    if code in TRANSIENT_CODES or (error.get("is_transient") is True and status >= 500):
        return Transient(reason, network=network, status=status)
    if code is not None and 400 <= status < 500:
        return Rejected(reason, network=network, status=status, remote_code=remote_code(error))
    return None


def is_missing_object(exc: Rejected) -> bool:
    """True when Graph refused because the object is gone (deleting twice)."""
    return exc.remote_code in (f"100/{MISSING_OBJECT_SUBCODE}", "803") or exc.status == 404


class GraphDialect:
    """The dialect for calls made before a connector exists (Facebook Login, Page list)."""

    def __init__(self, network_name: str) -> None:
        self.network_name = network_name

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return regain_access_at(headers, now)

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        return classify(status, payload, headers, now, self.network_name)


# --- parsing ------------------------------------------------------------------------------------


def object_of(body: Any, network: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Transient("Graph answered without a JSON object", network=network)
    return body


def data_list(body: Any, network: str) -> list[dict[str, Any]]:
    """The ``data`` array of an edge; anything else is a Transient error."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise Transient("Graph answered without a data array", network=network)
    return [item for item in data if isinstance(item, dict)]


def next_cursor(body: Any) -> str | None:
    """``paging.cursors.after`` when ``paging.next`` says there is a next page."""
    paging = body.get("paging") if isinstance(body, dict) else None
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


def id_of(body: Any, key: str = "id") -> str:
    """A created object's id ("" when absent: the caller decides what that means)."""
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def last_value(metric: dict[str, Any]) -> int | None:
    """The latest integer value of one insights metric (dict values, e.g. by type, skipped)."""
    values = metric.get("values")
    if isinstance(values, list):
        for point in reversed(values):
            value = _int(point.get("value")) if isinstance(point, dict) else None
            if value is not None:
                return value
    return _int(
        jsonread.obj(metric, "total_value").get("value")
    )  # Instagram metric_type=total_value
