"""Encryption at rest for tokens and app secrets.

Keys come from ``PARVIS_ENCRYPTION_KEYS`` (comma-separated; the first one encrypts, all of them
decrypt). Any long random string is a valid key: it is stretched into a Fernet key with SHA-256,
so operators never have to produce Fernet's exact base64 format by hand.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """The value was encrypted with a key that is no longer configured, or it was altered."""


def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_for(key) for key in keys])


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError(
            "A stored secret cannot be decrypted: its key is no longer in PARVIS_ENCRYPTION_KEYS."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the current first key."""
    return keyring().rotate(token.encode("ascii")).decode("ascii")


def mask(secret: str) -> str:
    """What the UI may show of a secret: enough to recognise it, never enough to use it."""
    if len(secret) <= 8:
        return "•" * len(secret)
    return f"{secret[:4]}…{secret[-2:]}"
