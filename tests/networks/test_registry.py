"""The registry of providers: one per network, each describing its own."""

from __future__ import annotations

import pytest

from parvis.core.vocabulary import Network
from parvis.networks.base import Connector
from parvis.networks.registry import (
    PROVIDERS,
    ConnectorUnavailable,
    get_connector_class,
    provider,
    webhook_endpoints,
)
from parvis.networks.x.connector import XConnector


def test_registry_names_all_seven_networks() -> None:
    assert set(PROVIDERS) == set(Network)
    assert get_connector_class("x") is XConnector


@pytest.mark.parametrize("kind", list(Network))
def test_each_provider_describes_its_own_network(kind: Network) -> None:
    network = provider(kind)
    assert network.kind is kind and network.capabilities.network is kind
    assert network.connector_class().capabilities is network.capabilities
    assert network.interactions <= set(network.capabilities.post_metrics)


def test_webhook_endpoints_are_listed_once_each() -> None:
    assert sorted(e.slug for e in webhook_endpoints()) == ["linkedin", "meta", "x"]


@pytest.mark.parametrize("kind", list(Network))
def test_each_kind_resolves_or_says_unavailable(kind: Network) -> None:
    try:
        cls = get_connector_class(kind)
    except ConnectorUnavailable:
        return  # not written yet: a clear error, not an ImportError
    assert issubclass(cls, Connector) and cls.kind is kind


def test_unknown_kind() -> None:
    with pytest.raises(ConnectorUnavailable):
        get_connector_class("myspace")


def test_env_prefix() -> None:
    assert provider(Network.X).env_prefix == "PARVIS_X_"
