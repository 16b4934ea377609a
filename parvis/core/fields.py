"""Model fields of the shared kernel."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import models

from parvis.core import crypto

log = logging.getLogger("parvis.crypto")

# Fields already reported as holding unreadable values in this process: one log line per field,
# not one per row read (the poll loop reads every account every few minutes).
_reported: set[str] = set()


class UnreadableSecret(str):
    """What an :class:`EncryptedTextField` reads when no configured key decrypts the stored value
    (a restore with another key, a key removed from ``PARVIS_ENCRYPTION_KEYS``).

    It is an *empty* string, so code that tests ``if secret:`` treats it as absent and nothing
    unreadable is ever sent anywhere; it keeps the stored ciphertext so that saving the row writes
    that ciphertext back unchanged (putting the right key back later recovers the value). Its
    ``repr`` never shows the ciphertext. Test for it with :func:`is_unreadable`.
    """

    ciphertext: str

    def __new__(cls, ciphertext: str) -> UnreadableSecret:
        value = super().__new__(cls, "")
        value.ciphertext = ciphertext
        return value

    def __repr__(self) -> str:
        return "<unreadable secret>"

    def __reduce__(self) -> tuple[type[UnreadableSecret], tuple[str]]:
        return (UnreadableSecret, (self.ciphertext,))


def is_unreadable(value: object) -> bool:
    """Whether ``value`` (an encrypted field's value) could not be decrypted."""
    return isinstance(value, UnreadableSecret)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted (Fernet); reads give back the plaintext.

    A value no configured key decrypts reads as an :class:`UnreadableSecret` (logged once per
    field and process, without the ciphertext) instead of raising: loading a row must never fail
    because of one secret. Not searchable or indexable by design. ``repr`` of the model never
    shows the value because Django models do not include field values in their repr.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError:
            self._report_unreadable()
            return UnreadableSecret(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            # Never encrypt the marker as if it were a secret: keep what was stored.
            return value.ciphertext
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    @property
    def column_label(self) -> str:
        """``app.Model.field``: how doctor, backup and logs name this column."""
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name

    def _report_unreadable(self) -> None:
        label = self.column_label
        if label in _reported:
            return
        _reported.add(label)
        log.warning(
            "A value of %s cannot be decrypted with the keys in PARVIS_ENCRYPTION_KEYS "
            "(restored with another key, or a key removed?): it reads as empty; "
            "`parvis doctor` names the missing key.",
            label,
            extra={"field": label},
        )


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every concrete (model, field) pair stored encrypted, in a stable order."""
    pairs = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                pairs.append((model, field))
    return sorted(pairs, key=lambda pair: pair[1].column_label)
