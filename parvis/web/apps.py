from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

# The project's Celery app becomes the current one as soon as Django loads, in every process
# (web, worker, scheduler, management commands): each app's tasks are ``shared_task``s, which
# would otherwise be sent with Celery's default app and its default broker.
import parvis.celery  # noqa: F401


class WebConfig(AppConfig):
    """The pages' frame, and the one app that may know every other: it assembles the house."""

    name = "parvis.web"
    label = "web"
    verbose_name = "Web interface"

    def ready(self) -> None:
        # Every app's tasks are registered in every process, so that a service sends one by
        # name (core.enqueue) with the task's own options and eager mode honoured.
        autodiscover_modules("tasks")
