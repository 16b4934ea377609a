"""Encryption at rest for tokens and app secrets.

Keys come from ``PARVIS_ENCRYPTION_KEYS`` (comma-separated; the first one encrypts, all of them
decrypt). Any long random string is a valid key: it is stretched into a Fernet key with SHA-256,
so operators never have to produce Fernet's exact base64 format by hand.

A key is named by its *fingerprint* (:func:`key_fingerprint`), never by its value: backups,
``parvis doctor`` and ``parvis restore`` compare fingerprints to tell which key is missing.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Domain separation: the fingerprint is not the Fernet key (which is SHA-256 of the secret).
_FINGERPRINT_CONTEXT = b"parvis encryption key fingerprint v1\x00"


class DecryptionError(Exception):
    """The value was encrypted with a key that is no longer configured, or it was altered."""


def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_for(key) for key in keys])


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    return tuple(_fernet_for(key) for key in keys)


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):  # ValueError: not ASCII, or plaintext not UTF-8
        raise DecryptionError(
            "A stored secret cannot be decrypted: its key is no longer in PARVIS_ENCRYPTION_KEYS."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the current first key."""
    return keyring().rotate(token.encode("ascii")).decode("ascii")


def key_fingerprint(secret: str) -> str:
    """A short, stable name for a key that reveals nothing usable about it.

    It is a domain-separated SHA-256 of the key, cut to 16 hex digits: enough to tell keys
    apart, and no easier to attack than any stored ciphertext (which already lets whoever holds
    it test a guessed key). Keys are long random strings, so neither is a practical attack.
    """
    return hashlib.sha256(_FINGERPRINT_CONTEXT + secret.encode("utf-8")).hexdigest()[:16]


def configured_fingerprints() -> list[str]:
    """Fingerprints of ``PARVIS_ENCRYPTION_KEYS``, in their order (the first one encrypts)."""
    return [key_fingerprint(key) for key in settings.ENCRYPTION_KEYS]


def decrypting_key(token: str) -> int | None:
    """Index in ``PARVIS_ENCRYPTION_KEYS`` of the key that decrypts ``token``; None if none does.

    Fernet tokens do not say which key made them, so each key is tried in turn (an HMAC check
    each: cheap enough for a sample or a backup's full census).
    """
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        return None
    for index, fernet in enumerate(_fernets(tuple(settings.ENCRYPTION_KEYS))):
        try:
            fernet.decrypt(raw)
        except InvalidToken:
            continue
        return index
    return None


def mask(secret: str) -> str:
    """What the UI may show of a secret: enough to recognise it, never enough to use it."""
    if len(secret) <= 8:
        return "•" * len(secret)
    return f"{secret[:4]}…{secret[-2:]}"
