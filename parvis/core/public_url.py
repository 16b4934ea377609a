"""The instance's own address, as its administrator configured it (``PARVIS_PUBLIC_BASE_URL``).

Every absolute link Parvis writes — in e-mails, the iCal feed, addresses people copy, URLs the
networks fetch or call back — is built here. Never from the request: the Host header is what
the client sent (a proxy's inner name, ``localhost`` behind a tunnel, or a forged value in a
password-reset e-mail), not where the instance can be reached.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def public_base_url() -> str:
    """The configured address, without a trailing slash (``https://parvis.example``)."""
    base: str = settings.PUBLIC_BASE_URL
    return base.rstrip("/")


def public_url(path: str) -> str:
    """``path`` (as ``reverse`` returns it, starting with ``/``) under the configured address."""
    if not path.startswith("/"):
        raise ValueError(f"an absolute path is expected, not {path!r}")
    return public_base_url() + path


def public_reverse(viewname: str, **kwargs: Any) -> str:
    """The absolute address of a named URL: ``public_reverse("web:home")``."""
    return public_url(reverse(viewname, kwargs=kwargs or None))


def public_host() -> str:
    """The configured host name and port (``parvis.example``), e.g. for iCal UIDs."""
    return urlsplit(public_base_url()).netloc


def public_scheme() -> str:
    """``https`` or ``http``, as configured."""
    return urlsplit(public_base_url()).scheme or "https"
