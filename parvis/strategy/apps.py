from __future__ import annotations

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "parvis.strategy"
    label = "strategy"
    verbose_name = "Strategy"

    def ready(self) -> None:
        # The alignment score follows publications and answers as they happen. Imported here:
        # the receivers' module imports models, which exist only once every app is loaded.
        from parvis.strategy import signals

        signals.connect()
