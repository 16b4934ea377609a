"""« Vérifier » for a Meta app (Facebook Login): the app access token, then the app's name.

https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens —
``GET /oauth/access_token?client_id&client_secret&grant_type=client_credentials`` gives an app
access token only for a matching id and secret; ``GET /{app-id}?fields=id,name`` with it proves
the token is the app's own and gives the name to show (« Vérifié : Boulangerie Parvis »).
``appsecret_proof`` is sent too, so an app with « Require App Secret » on answers as well.
"""

from __future__ import annotations

import httpx

from parvis.networks import jsonread
from parvis.networks.app_check import AppCheck, Outcome, from_error
from parvis.networks.contracts import AppCredentials
from parvis.networks.errors import ConnectorError
from parvis.networks.meta import graph
from parvis.networks.transport import send

TOKEN_PATH = "/oauth/access_token"  # noqa: S105 - a path, not a secret


def check_meta_app(http: httpx.Client, app: AppCredentials, *, base_url: str) -> AppCheck:
    """Ask Graph at ``base_url`` (``https://graph.facebook.com/vNN.0`` or a test peer)."""
    if not app.client_id.isdigit():
        # Meta app ids are numbers; anything else would become a path on Graph.
        return AppCheck(Outcome.REFUSED, reason="a Meta app id is made of digits only")
    dialect = graph.GraphDialect("facebook")
    try:
        answer = send(
            http,
            dialect,
            "GET",
            base_url + TOKEN_PATH,
            params={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "grant_type": "client_credentials",
            },
        )
        token = jsonread.text(graph.object_of(answer.body, "facebook"), "access_token")
        if not token:
            return AppCheck(Outcome.UNREACHABLE, reason="Graph gave no app access token")
        found = send(
            http,
            dialect,
            "GET",
            f"{base_url}/{app.client_id}",
            params={
                "fields": "id,name",
                "appsecret_proof": graph.appsecret_proof(app.client_secret, token),
            },
            headers={"Authorization": f"OAuth {token}"},
        )
    except ConnectorError as exc:
        return from_error(exc)
    node = graph.object_of(found.body, "facebook")
    if jsonread.text_or_number(node, "id") != app.client_id:
        return AppCheck(Outcome.REFUSED, reason="the token is not this app's")
    return AppCheck(Outcome.VERIFIED, app_name=jsonread.text(node, "name"))
