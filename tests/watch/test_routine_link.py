"""The weekly routine's « veille » task opens that week's Monday digest."""

from __future__ import annotations

from django.urls import reverse

from parvis.strategy.models import RoutineTask
from tests.conftest import Cast
from tests.strategy.conftest import make_plan


def test_the_veille_task_opens_the_weeks_digest(cast: Cast) -> None:
    make_plan(cast, objectives=["watch", "visibility"], minutes_per_week=180)
    client = cast.client_for(cast.alice)
    body = client.get(reverse("strategy:week", args=[cast.org.slug])).content.decode()
    task = RoutineTask.objects.get(organisation=cast.org, kind=RoutineTask.Kind.WATCH)
    url = f"{reverse('watch:digest', args=[cast.org.slug])}?week={task.routine.monday:%Y-%m-%d}"
    assert "Ouvrir le point veille de la semaine" in body
    assert f'href="{url}"' in body
    # The link leads to the digest of that week, which offers to tick the task.
    page = client.get(url)
    assert page.status_code == 200
    assert "Marquer la veille comme faite" in page.content.decode()
