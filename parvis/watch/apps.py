from __future__ import annotations

from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "parvis.watch"
    label = "watch"
    verbose_name = "Watch"

    def ready(self) -> None:
        # Imported here: the source reads models, which exist once every app is loaded.
        from parvis.privacy import registry
        from parvis.strategy.veille import veille_reader_register
        from parvis.watch.digest import digest_opened_weeks
        from parvis.watch.privacy import WatchPersonData

        # The authors of collected posts are people: found, exported and erased with the rest.
        registry.register(WatchPersonData())
        # An opened Monday digest is the week's veille done (strategy cannot import the watch).
        veille_reader_register(digest_opened_weeks)
