"""What one Business Login for Instagram gives: one account, with a 60-day token.

code -> 1-hour token -> 60-day token (renewed by the periodic refresh) -> the account.
"""

from __future__ import annotations

import re

from parvis.core.vocabulary import Network
from parvis.networks.base import Connector
from parvis.networks.instagram import client, login
from parvis.networks.meta import login as meta_login
from parvis.networks.provider import SignIn
from parvis.networks.signin import Candidate


def candidates(
    sign_in: SignIn, *, connector_class: type[Connector], api_url: str, token_url: str
) -> list[Candidate]:
    """``api_url``/``token_url``: the operator's addresses (a test peer), "" for Meta's."""
    user_id, short = login.exchange_code(
        sign_in.http,
        sign_in.app,
        code=sign_in.code,
        redirect_uri=sign_in.redirect_uri,
        token_url=token_url or client.TOKEN_URL,
    )
    host = re.sub(r"/v\d+\.\d+/?$", "", api_url.rstrip("/")) if api_url else client.INSTAGRAM_HOST
    tokens = meta_login.long_lived_token(
        sign_in.http, sign_in.app, short.access_token, exchange=login.EXCHANGE, base_url=host
    )
    connector = connector_class(
        tokens=tokens,
        account_id=user_id,
        app=sign_in.app,
        http=sign_in.http,
        base_url=api_url or None,
    )
    info = connector.account_info()
    return [
        Candidate(
            key=f"instagram:{info.remote_id}",
            kind=Network.INSTAGRAM,
            info=info,
            tokens=connector.tokens,
            api_base_url=api_url,
            config={"login": "instagram"},
        )
    ]
