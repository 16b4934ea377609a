"""The weekly routine's « veille » task opens the watch's timeline."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Cast
from tests.strategy.conftest import make_plan


def test_the_veille_task_links_to_the_watch(cast: Cast) -> None:
    make_plan(cast, objectives=["watch", "visibility"], minutes_per_week=180)
    page = cast.client_for(cast.alice).get(reverse("strategy:week", args=[cast.org.slug]))
    body = page.content.decode()
    assert "Ouvrir la veille" in body
    assert f'href="{reverse("watch:timeline", args=[cast.org.slug])}"' in body
