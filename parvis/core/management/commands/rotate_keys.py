"""`parvis rotate_keys`: re-encrypt every stored secret with the first key of
PARVIS_ENCRYPTION_KEYS, so older keys can then be removed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from parvis.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first key of PARVIS_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            with transaction.atomic():
                # .values() reads the raw ciphertext through from_db_value, so read through the
                # base manager and write the plaintext back: get_prep_value encrypts it anew.
                for row in model._base_manager.select_for_update().only("pk", *fields):
                    model._base_manager.filter(pk=row.pk).update(
                        **{name: getattr(row, name) for name in fields}
                    )
                    total += 1
        self.stdout.write(f"Re-encrypted {total} row(s) with the current first key.")
