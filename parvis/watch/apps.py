from __future__ import annotations

from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "parvis.watch"
    label = "watch"
    verbose_name = "Watch"

    def ready(self) -> None:
        # Imported here: the source reads models, which exist once every app is loaded.
        from parvis.privacy import registry
        from parvis.watch.privacy import WatchPersonData

        # The authors of collected posts are people: found, exported and erased with the rest.
        registry.register(WatchPersonData())
