"""Optional reply drafts from a language model the organisation configured itself.

Only an OpenAI-compatible ``/chat/completions`` endpoint (a local server such as llama.cpp or
vLLM, or a French provider). Never required, never called without a person's click, and what
it returns only fills the reply box: a person reads it and clicks « Send ».
"""

from __future__ import annotations

from typing import Any

import httpx

from parvis.inbox.models import InboxSettings, Message

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_CONTEXT_MESSAGES = 8


class LlmUnavailable(Exception):
    """The endpoint did not give a usable answer; ``str(exc)`` says why, in plain words."""


SYSTEM_PROMPT = (
    "Tu es l’assistant de {organisation}, une entreprise française. Propose une réponse "
    "courte, polie et concrète au dernier message du client, en français, sans inventer de "
    "prix, de date ni d’engagement. Réponds uniquement par le texte de la réponse."
)


def suggest_reply(
    settings: InboxSettings,
    *,
    organisation_name: str,
    messages: list[Message],
    http: httpx.Client | None = None,
) -> str:
    if not settings.llm_configured:
        raise LlmUnavailable("no language model is configured")
    history: list[dict[str, str]] = [
        {"role": "system", "content": SYSTEM_PROMPT.format(organisation=organisation_name)}
    ]
    for message in messages[-MAX_CONTEXT_MESSAGES:]:
        role = "user" if message.direction == Message.Direction.IN else "assistant"
        history.append({"role": role, "content": message.text[:2000]})
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    url = settings.llm_base_url.rstrip("/") + "/chat/completions"
    client = http or httpx.Client(timeout=TIMEOUT)
    try:
        response = client.post(
            url,
            json={"model": settings.llm_model, "messages": history, "temperature": 0.3},
            headers=headers,
        )
        response.raise_for_status()
        body: Any = response.json()
        text = body["choices"][0]["message"]["content"]
    except httpx.HTTPError as exc:
        raise LlmUnavailable(f"the endpoint did not answer ({type(exc).__name__})") from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LlmUnavailable("the endpoint's answer was not understood") from exc
    finally:
        if http is None:
            client.close()
    if not isinstance(text, str) or not text.strip():
        raise LlmUnavailable("the endpoint gave an empty answer")
    return text.strip()[:5000]
