"""Which limits apply to one connected account: its network's, or, where the network says so,
the account's own (a Mastodon account's server). Validation (composer, scheduling) and renditions
read them from here, so a post is checked and adapted against the same numbers."""

from __future__ import annotations

from parvis.networks.capabilities import Capabilities
from parvis.networks.models import SocialAccount
from parvis.networks.registry import ConnectorUnavailable, provider


def capabilities_for(account: SocialAccount) -> Capabilities | None:
    """The account's limits, asked of its network's provider with the account's stored
    ``config``; None for a network Parvis does not know."""
    try:
        network = provider(account.kind)
    except ConnectorUnavailable:
        return None
    return network.capabilities_for(account.config if isinstance(account.config, dict) else {})
