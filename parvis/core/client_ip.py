"""The address of the client behind a request: the one place Parvis reads it.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
peer that connected to us (``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES``. Otherwise an
attacker could pick a new address per request and escape every per-address limit. Log-in
throttling (django-axes, through ``AXES_CLIENT_IP_CALLABLE``), audit entries and logs all call
:func:`client_ip` so they agree on who the client is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR ranges (``10.0.0.1``, ``10.0.0.0/8``, ``::1``) as networks.

    Raises ``ValueError`` naming the first entry that is neither.
    """
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or a CIDR range") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(values)


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.9) is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, trusted: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries none (an internal request).

    Behind trusted proxies, ``X-Forwarded-For`` is read from the right: each proxy appends the
    address it received the request from, so the first hop that is not a trusted proxy is the
    client. Entries to its left were written by the client itself and are ignored, as is a
    malformed entry (the last trusted hop is then the best we know).
    """
    peer = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    trusted = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not trusted or not _is_trusted(peer, trusted):
        return str(peer)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    client = peer
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)
