"""The strategy REST API: answers in, results, plan, week, ticks and alignment out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.strategy.models import Diagnostic, RoutineTask
from tests.conftest import Cast
from tests.strategy.conftest import menuiserie_answers


def _client(cast: Cast, role: str = Role.OWNER) -> tuple[Client, str]:
    key = api_key_create(membership=cast.alice_membership, name="k", role=role).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), f"/api/v1/o/{cast.org.slug}/strategy"


def _put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_answers_are_saved_in_parts_then_completed_into_a_plan(cast: Cast) -> None:
    client, base = _client(cast)
    assert client.get(f"{base}/diagnostic/").status_code == 404
    assert client.get(f"{base}/plan/").status_code == 404

    answers = menuiserie_answers()
    first = {k: answers[k] for k in ("headcount", "sector", "b2b_share")}
    response = _put(client, f"{base}/diagnostic/", {"answers": first})
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == first
    assert body["progress"]["next_question_id"] == "website"

    bad = _put(client, f"{base}/diagnostic/", {"answers": {"website": "blog", "trained": True}})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"website": "Choisissez une des réponses proposées."}
    assert bad.json()["answers"]["trained"] is True  # the valid answer is kept

    early = _put(client, f"{base}/diagnostic/", {"answers": {}, "complete": True})
    assert early.status_code == 422 and "website" in early.json()["errors"]

    done = _put(client, f"{base}/diagnostic/", {"answers": answers, "complete": True})
    assert done.status_code == 200 and done.json()["completed_at"] is not None
    assert Diagnostic.objects.filter(organisation=cast.org).count() == 1

    result = client.get(f"{base}/result/").json()
    assert 0 <= result["maturity"]["overall"] <= 100
    assert all(c["sources"] for c in result["placement"]["comparisons"])

    plan = client.get(f"{base}/plan/").json()
    assert plan["minutes_per_week"] == 120
    assert plan["plan"]["budget"]["reference"]["id"] == "bpi_budget_ref"


def test_routine_tick_and_alignment(cast: Cast) -> None:
    client, base = _client(cast)
    _put(client, f"{base}/diagnostic/", {"answers": menuiserie_answers(), "complete": True})

    routine = client.get(f"{base}/routine/", {"week": "2026-W48"}).json()
    assert routine["week"] == "2026-W48" and routine["monday"] == "2026-11-23"
    assert 0 < routine["total_minutes"] <= routine["minutes_available"] == 120
    task = routine["tasks"][0]
    assert task["gain"]["text"]
    assert client.get(f"{base}/routine/", {"week": "48"}).status_code == 422

    ticked = client.post(
        f"{base}/tasks/{task['id']}/done/",
        json.dumps({"done": True}),
        content_type="application/json",
    )
    assert ticked.status_code == 200 and ticked.json()["done_at"] is not None
    assert RoutineTask.objects.get(pk=task["id"]).done_at is not None

    assert client.get(f"{base}/alignment/").json() == {"latest": None, "history": []}
    measured = client.post(f"{base}/alignment/").json()
    assert measured["latest"]["score"] is None and measured["latest"]["changes"]
    assert len(measured["history"]) == 1


def test_a_viewer_key_reads_but_does_not_write(cast: Cast) -> None:
    owner, base = _client(cast)
    _put(owner, f"{base}/diagnostic/", {"answers": menuiserie_answers(), "complete": True})
    viewer, _ = _client(cast, Role.VIEWER)
    assert viewer.get(f"{base}/plan/").status_code == 200
    assert _put(viewer, f"{base}/diagnostic/", {"answers": {}}).status_code == 403
    task_id = owner.get(f"{base}/routine/").json()["tasks"][0]["id"]
    url = f"{base}/tasks/{task_id}/done/"
    assert viewer.post(url, "{}", content_type="application/json").status_code == 403
    assert viewer.post(f"{base}/alignment/").status_code == 403


def test_a_malformed_week_is_a_422_in_ninjas_validation_shape(cast: Cast) -> None:
    client, base = _client(cast)
    _put(client, f"{base}/diagnostic/", {"answers": menuiserie_answers(), "complete": True})
    for week in ("48", "2026-W99", "10000-W01", "2026-W4\x008"):
        response = client.get(f"{base}/routine/", {"week": week})
        assert response.status_code == 422, (week, response.content)
        [issue] = response.json()["detail"]
        assert issue["loc"] == ["query", "week"] and issue["msg"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"answers": {}, "complet": true}',  # a typo: refused, not read as "not complete"
        '{"answers": {"sector": "building\\u0000crafts"}}',  # jsonb refuses NUL: was a 500
        '{"answers": {"sec\\u0000tor": "building_crafts"}}',
        '{"answers": {"b2b_share": 35}, "extra": null}',
    ],
)
def test_answers_with_unknown_fields_or_nul_are_refused_before_anything_is_saved(
    cast: Cast, raw: str
) -> None:
    client, base = _client(cast)
    response = client.put(f"{base}/diagnostic/", raw, content_type="application/json")
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], list)
    assert not Diagnostic.objects.exists()


def test_nan_in_answers_is_not_json(cast: Cast) -> None:
    """Python's JSON reads NaN, PostgreSQL's jsonb does not store it: refused as not JSON."""
    client, base = _client(cast)
    raw = '{"answers": {"b2b_share": NaN}}'
    response = client.put(f"{base}/diagnostic/", raw, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    assert not Diagnostic.objects.exists()
