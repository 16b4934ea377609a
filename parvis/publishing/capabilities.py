"""Which limits apply to one connected account: the network's, or a Mastodon account's own
instance's. Validation (composer, scheduling) and renditions read them from here, so a post is
checked and adapted against the same numbers."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities
from parvis.networks.limits import CAPABILITIES, mastodon_capabilities
from parvis.networks.models import SocialAccount


def capabilities_for(account: SocialAccount) -> Capabilities | None:
    """The account's limits: a Mastodon account's own instance when its ``GET
    /api/v2/instance`` document is stored in ``config["instance"]``, else the network's."""
    if account.kind == Network.MASTODON.value:
        instance = account.config.get("instance") if isinstance(account.config, dict) else None
        if isinstance(instance, dict):
            return mastodon_capabilities(instance)
    try:
        return CAPABILITIES.get(Network(account.kind))
    except ValueError:
        return None
