"""The error taxonomy: what each error means and says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parvis.networks.errors import (
    TAXONOMY,
    AuthExpired,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_permanence() -> None:
    assert AuthExpired.permanent and Rejected.permanent and NotSupported.permanent
    assert not (RateLimited.permanent or Transient.permanent or Unconfirmed.permanent)


def test_every_error_speaks_french_with_proper_typography() -> None:
    errors = [
        AuthExpired("x"),
        RateLimited("x", retry_at=NOW + timedelta(hours=1)),
        Transient("x"),
        Rejected("Texte en double"),
        Unconfirmed("x"),
    ]
    assert [type(e) for e in errors] == list(TAXONOMY)
    for error in errors:
        message = error.user_message
        assert "\u202f:" in message and " :" not in message
    assert "«\u202fTexte en double\u202f»" in errors[3].user_message
    assert "09:00" in errors[1].user_message
