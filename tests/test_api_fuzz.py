"""A property-based fuzz of the whole REST API, generated from its own ``/api/openapi.json``.

Schemathesis reads the OpenAPI document through the WSGI application (the real handler and
middleware, as gunicorn runs them) and generates requests for every operation: valid ones and,
in its negative mode, broken ones (wrong types, integers out of range, unknown fields, missing
bodies...). They are sent with a real owner API key of a seeded organisation (the demo: posts
in every state, conversations with messages, replies and labels, a plan and its week). Every
answer must be below 500 and be what the document declares: its status, its content type and
its JSON shape, so that a client generated from the document handles every answer.

Two phases:

* each operation alone, ``PARVIS_FUZZ_EXAMPLES`` examples (positive and negative);
* sequences: ``PARVIS_FUZZ_SEQUENCES`` runs of up to ``SEQUENCE_STEPS`` valid calls on any
  operations, the ids of each call taken from the rows that exist or that earlier calls
  created (a draft created, then edited, scheduled, approved, cancelled, edited again...).

Both are derandomised, so the suite is repeatable, and take well under three minutes per
database on two cores. ``PARVIS_FUZZ_EXAMPLES=500 PARVIS_FUZZ_RANDOM=1`` explores deeper.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.api import api
from parvis.inbox.models import Conversation, Reply
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post
from parvis.strategy.models import RoutineTask
from parvis.web.demo import demo_create
from tests.conftest import Cast

EXAMPLES = int(os.environ.get("PARVIS_FUZZ_EXAMPLES", "100"))
SEQUENCES = int(os.environ.get("PARVIS_FUZZ_SEQUENCES", "60"))
SEQUENCE_STEPS = 12
RANDOM = os.environ.get("PARVIS_FUZZ_RANDOM") == "1"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@dataclass
class Seeded:
    slug: str
    secret: str
    # Real ids per path argument (and body field): generated ids are mapped onto them, so that
    # the fuzz reaches existing rows as well as missing and out-of-range ones.
    ids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture
def _connections_kept() -> Iterator[None]:
    """The real WSGI handler closes the database connection at the end of each request (as in
    production); inside the test's transaction that would end it, so, as Django's test client
    does, the fuzz keeps it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(cast: Cast, _connections_kept: None) -> Seeded:
    organisation = demo_create(owner=cast.alice)
    membership = organisation.memberships.get(user=cast.alice)
    secret = api_key_create(membership=membership, name="fuzz", role=Role.OWNER).secret

    def ids(model: Any) -> list[int]:
        return list(model.objects.for_organisation(organisation).values_list("pk", flat=True))

    return Seeded(
        slug=organisation.slug,
        secret=secret,
        ids={
            "post_id": ids(Post),
            "conversation_id": ids(Conversation),
            "reply_id": ids(Reply),
            "task_id": ids(RoutineTask),
            "account_ids": ids(SocialAccount),
            "assignee_id": list(organisation.memberships.values_list("user_id", flat=True)),
        },
    )


@pytest.fixture
def api_schema(seeded: Seeded) -> Any:
    from parvis.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def _operations() -> list[tuple[str, str]]:
    document = api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _aim(case: Any, seeded: Seeded) -> None:
    """Turn small generated ids into real ones of the seeded organisation."""
    for name, value in list((case.path_parameters or {}).items()):
        real = seeded.ids.get(name)
        if real and isinstance(value, int) and 0 <= value < 64:
            case.path_parameters[name] = real[value % len(real)]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_operation_answers_as_documented_and_never_500(
    seeded: Seeded, api_schema: Any, method: str, path: str
) -> None:
    operation = api_schema[path][method.upper()]
    aimed = {"org": seeded.slug}
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=aimed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=aimed),
    )

    @_settings(EXAMPLES)
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        _aim(case, seeded)
        case.call_and_validate(headers=seeded.headers, checks=CHECKS)

    fuzz()


# Which path argument the ``id`` of an answer can fill in later calls (first match wins).
HARVEST: list[tuple[str, str | None]] = [
    ("/notes/", None),
    ("/replies/", "reply_id"),
    ("/conversations/", "conversation_id"),
    ("/posts/", "post_id"),
]


def _harvest(path: str, body: object, seeded: Seeded) -> None:
    """Remember the ids an answer shows: a created draft, a reply, the week's tasks..."""
    if not isinstance(body, dict):
        return

    def keep(name: str | None, rows: object) -> None:
        for row in rows if isinstance(rows, list) else []:
            if name and isinstance(row, dict) and isinstance(row.get("id"), int):
                seeded.ids.setdefault(name, []).append(row["id"])

    name = next((n for fragment, n in HARVEST if fragment in path), None)
    keep(name, [body, *body.get("items", [])])
    keep("reply_id", body.get("replies"))
    keep("task_id", body.get("tasks"))


def test_sequences_of_calls_on_the_same_rows_never_500(seeded: Seeded, api_schema: Any) -> None:
    """A sequence phase: valid calls one after the other on rows that exist or that earlier
    calls of the sequence created, so that each operation meets rows in every state the others
    leave (a draft created, edited, scheduled, approved, cancelled, edited again...)."""
    operations = [api_schema[path][method.upper()] for method, path in _operations()]
    aimed = {"org": seeded.slug}
    strategies = [
        op.as_strategy(GenerationMode.POSITIVE, path_parameters=aimed) for op in operations
    ]
    initial = {name: list(ids) for name, ids in seeded.ids.items()}

    @_settings(SEQUENCES)
    @given(data=st.data())
    def sequence(data: st.DataObject) -> None:
        seeded.ids = {name: list(ids) for name, ids in initial.items()}

        def pick(name: str) -> int:
            # An index drawn from a fixed range: the pool grows as the sequence goes on.
            pool = seeded.ids[name]
            return pool[-1 - data.draw(st.integers(0, 63)) % len(pool)]

        for _step in range(data.draw(st.integers(1, SEQUENCE_STEPS))):
            case = data.draw(strategies[data.draw(st.integers(0, len(strategies) - 1))])
            for name in list(case.path_parameters or {}):
                if seeded.ids.get(name):
                    case.path_parameters[name] = pick(name)
            if isinstance(case.body, dict) and data.draw(st.booleans()):
                if "account_ids" in case.body:
                    count = data.draw(st.integers(1, 3))
                    case.body["account_ids"] = [pick("account_ids") for _ in range(count)]
                if "assignee_id" in case.body:
                    case.body["assignee_id"] = pick("assignee_id")
            response = case.call_and_validate(headers=seeded.headers, checks=CHECKS)
            if response.status_code < 300:
                _harvest(case.path, response.json(), seeded)

    sequence()


def test_the_document_declares_every_refusal_of_every_operation(db: None) -> None:
    """What the fuzz checks by sampling, checked here for every operation at once: a client
    generated from the document knows the shape of every refusal."""
    document = Client().get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["required"]) == {"detail", "code"}
    assert schemas["ValidationErrorOut"]["required"] == ["detail"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            for status in ("400", "401", "403", "404", "413"):
                schema = declared[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            refs = str(declared["422"]["content"]["application/json"]["schema"])
            assert "ValidationErrorOut" in refs, (method, path)
