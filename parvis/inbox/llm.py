"""Optional reply drafts from a language model the organisation configured itself.

Only an OpenAI-compatible ``/chat/completions`` endpoint (a local server such as llama.cpp or
vLLM, or a French provider). Never required, never called without a person's click, and what
it returns only fills the reply box: a person reads it and clicks « Send ».

The endpoint is an address a manager typed: it is called through the guarded client of
:mod:`parvis.core.guarded_http` (no loopback or private address unless the operator allowed its
range, no redirect, an uncompressed answer capped in size, a deadline covering the whole call),
and a failure says nothing of what answered.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from django.utils.translation import gettext as _

from parvis.core.guarded_http import (
    AddressRefused,
    ResponseTooLarge,
    guarded_client,
    read_capped,
)
from parvis.inbox.models import InboxSettings, Message

logger = logging.getLogger(__name__)

TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 5.0
DEADLINE_S = 60.0  # a whole call, answer included: a drip-feeding server cannot hold a worker
MAX_ANSWER_BYTES = 1024 * 1024  # a reply draft is a few hundred bytes of JSON
MAX_CONTEXT_MESSAGES = 8


class LlmUnavailable(Exception):
    """The endpoint did not give a usable answer; ``str(exc)`` says why, in the user's language
    and without any word of the endpoint's own (no status line, banner or address)."""


SYSTEM_PROMPT = (
    "Tu es l’assistant de {organisation}, une entreprise française. Propose une réponse "
    "courte, polie et concrète au dernier message du client, en français, sans inventer de "
    "prix, de date ni d’engagement. Réponds uniquement par le texte de la réponse."
)


def llm_client() -> httpx.Client:
    """The guarded client the endpoint is called with (tests call it too)."""
    return guarded_client(
        timeout=TIMEOUT_S,
        connect_timeout=CONNECT_TIMEOUT_S,
        deadline=DEADLINE_S,
        max_bytes=MAX_ANSWER_BYTES,
    )


def suggest_reply(
    settings: InboxSettings,
    *,
    organisation_name: str,
    messages: list[Message],
    http: httpx.Client | None = None,
) -> str:
    """A draft answer to the last messages; raises :class:`LlmUnavailable`.

    ``http`` replaces the guarded client (tests); by default one is built for this call."""
    history: list[dict[str, str]] = [
        {"role": "system", "content": SYSTEM_PROMPT.format(organisation=organisation_name)}
    ]
    for message in messages[-MAX_CONTEXT_MESSAGES:]:
        role = "user" if message.direction == Message.Direction.IN else "assistant"
        history.append({"role": role, "content": message.text[:2000]})
    return chat(settings, history, temperature=0.3, http=http)[:5000]


def chat(
    settings: InboxSettings,
    messages: list[dict[str, str]],
    *,
    temperature: float,
    http: httpx.Client | None = None,
) -> str:
    """The model's answer to ``messages`` (OpenAI-compatible chat), stripped; raises
    :class:`LlmUnavailable` with a reason in the user's language.

    The one call to the organisation's endpoint, for every feature that uses it (the inbox's
    reply suggestions, the composer's assistant). ``http`` replaces the guarded client (tests).
    """
    if not settings.llm_configured:
        raise LlmUnavailable(_("no language model is configured"))
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    url = settings.llm_base_url.rstrip("/") + "/chat/completions"
    body = {"model": settings.llm_model, "messages": messages, "temperature": temperature}
    client = http or llm_client()
    try:
        with client.stream("POST", url, json=body, headers=headers) as response:
            status = response.status_code
            raw = read_capped(response, MAX_ANSWER_BYTES)  # decoded bytes, whatever client
    except (AddressRefused, httpx.ConnectError, httpx.ConnectTimeout) as exc:
        _log_failure(settings, exc)
        raise LlmUnavailable(_("address refused or unreachable")) from exc
    except httpx.TimeoutException as exc:
        _log_failure(settings, exc)
        raise LlmUnavailable(_("the endpoint did not answer in time")) from exc
    except ResponseTooLarge as exc:
        _log_failure(settings, exc)
        raise LlmUnavailable(_("the endpoint's answer is too long")) from exc
    except httpx.HTTPError as exc:
        _log_failure(settings, exc)
        raise LlmUnavailable(_("the endpoint's answer was not understood")) from exc
    finally:
        if http is None:
            client.close()
    if not 200 <= status < 300:
        logger.info("language model answered HTTP %s", status)
        raise LlmUnavailable(_("the endpoint refused the request"))
    try:
        body_in: Any = json.loads(raw)
        text = body_in["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LlmUnavailable(_("the endpoint's answer was not understood")) from exc
    if not isinstance(text, str) or not text.strip():
        raise LlmUnavailable(_("the endpoint gave an empty answer"))
    return text.strip()


def _log_failure(settings: InboxSettings, exc: Exception) -> None:
    # The organisation and the kind of failure, never the key, the prompt or the answer.
    logger.info(
        "language model call failed for organisation %s: %s",
        settings.organisation_id,
        type(exc).__name__,
    )
