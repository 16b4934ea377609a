"""Fixtures for connector tests: peers and the fault proxy (see tests/peers/)."""

from __future__ import annotations

from tests.peers.faultproxy import fault_proxy_factory
from tests.peers.x_fake import x_fake

__all__ = ["fault_proxy_factory", "x_fake"]
