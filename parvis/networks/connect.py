"""Build a connector for a connected account: the bridge between the ORM and the pure connectors.

Imports no model at run time (``SocialAccount.connector()`` calls in here): the account's
network provider says which class to build and which app credentials sign its calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parvis.core.guarded_http import is_guarded
from parvis.networks.registry import provider

if TYPE_CHECKING:
    from parvis.networks.base import Connector
    from parvis.networks.models import SocialAccount


def build_connector(account: SocialAccount, **overrides: Any) -> Connector:
    """A connector bound to ``account``.

    The API address is the account's own (instance-based networks) or the configured override,
    else the network's. Rotated tokens are written to the database from the refresh callback,
    before the call that needed them goes on, so a crash never loses a single-use refresh token.

    An account whose server a person typed (Mastodon, Bluesky) is only ever called through a
    guarded client: an ``http`` override that is not one is dropped, and the connector builds
    its own (:func:`parvis.core.guarded_http.guarded_client`).
    """
    network = provider(account.kind)
    options: dict[str, Any] = {
        "tokens": account.tokens(),
        "account_id": account.remote_id,
        "app": network.account_app(account),
        "base_url": account.api_base_url or network.setting("api_url") or None,
        "token_url": network.setting("token_url") or None,
        "on_tokens_refreshed": account.store_tokens,
    }
    options.update(overrides)
    http = options.get("http")
    if account.api_base_url and http is not None and not is_guarded(http):
        del options["http"]
    return network.connector_class()(**options)
