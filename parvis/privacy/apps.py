from __future__ import annotations

from django.apps import AppConfig

from parvis.accounts.gates import organisation_gate_register
from parvis.privacy import registry


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # Imported here, not at the top: both import models, which exist only once Django has
        # loaded every app (this module is read before that).
        from parvis.privacy.selectors import organisation_deletion_gate
        from parvis.privacy.sources.inbox import InboxPersonData

        # Once a worker has started deleting an organisation, its pages and API refuse every
        # request: accounts asks this gate without importing this app.
        organisation_gate_register(organisation_deletion_gate)
        # The inbox cannot register itself without editing its app config; registering its
        # person-data source here keeps the registry's contract (see registry.py) the same for
        # the apps that will register their own from their ``ready``.
        registry.register(InboxPersonData())
