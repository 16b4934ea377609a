"""Can a network reach this Parvis? What can be told from inside, about the configured public
address (``PARVIS_PUBLIC_BASE_URL``), for the app assistant.

A real test from outside needs a machine outside: Parvis has none, so it says what it can see —
whether the name resolves, and whether every address it resolves to is public — and no more.
Instagram downloads every picture from that address; Facebook receives the bytes (direct upload)
and only its webhooks and the sign-in's return need the address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

LOCAL_SUFFIXES = (".local", ".lan", ".internal", ".home", ".localhost", ".home.arpa")


class Reach(StrEnum):
    LOCAL = "local"  # this machine or a private network: networks cannot reach it
    UNRESOLVED = "unresolved"  # the name does not resolve (here, at least)
    PUBLIC = "public"  # resolves to public addresses only: reachable, if nothing blocks it


@dataclass(frozen=True)
class AddressReport:
    base_url: str
    host: str
    https: bool
    reach: Reach
    addresses: tuple[str, ...] = ()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def resolve(host: str) -> tuple[str, ...]:
    """The addresses ``host`` resolves to from this machine (empty when it does not)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def assess(base_url: str) -> AddressReport:
    split = urlsplit(base_url)
    host = (split.hostname or "").lower()
    https = split.scheme == "https"
    # A bare machine name (``nas``) only resolves inside its own network; an IPv6 literal has
    # no dot either, but is judged by its address below.
    bare = "." not in host and ":" not in host
    if not host or host == "localhost" or host.endswith(LOCAL_SUFFIXES) or bare:
        return AddressReport(base_url, host, https, Reach.LOCAL)
    addresses = resolve(host)
    if not addresses:
        return AddressReport(base_url, host, https, Reach.UNRESOLVED)
    if all(_is_public(address) for address in addresses):
        return AddressReport(base_url, host, https, Reach.PUBLIC, addresses)
    return AddressReport(base_url, host, https, Reach.LOCAL, addresses)
