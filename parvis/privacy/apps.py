from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # The inbox cannot register itself without editing its app config; registering its
        # person-data source here keeps the registry's contract (see registry.py) the same for
        # the apps that will register their own from their ``ready``.
        from parvis.privacy import registry
        from parvis.privacy.sources.inbox import InboxPersonData

        registry.register(InboxPersonData())
