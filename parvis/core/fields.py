"""Model fields of the shared kernel."""

from __future__ import annotations

from typing import Any

from django.db import models

from parvis.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted (Fernet); reads give back the plaintext.

    Not searchable or indexable by design. ``repr`` of the model never shows the value because
    Django models do not include field values in their repr.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
