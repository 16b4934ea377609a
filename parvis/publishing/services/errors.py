"""The refusal a person can act on, shared by every publishing workflow."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from parvis.publishing import timing


class PublishingError(ValidationError):
    """A problem the person can fix now; ``message`` is translated, ``choices`` (DST) are
    the valid instants to offer. The draft is always kept."""

    def __init__(self, message: str, *, code: str, choices: Sequence[timing.Choice] = ()) -> None:
        super().__init__(message, code=code)
        self.choices = tuple(choices)
