"""`parvis rotate_keys`: re-encrypt every stored secret with the first key of
PARVIS_ENCRYPTION_KEYS, so older keys can then be removed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from parvis.core.fields import EncryptedTextField, is_unreadable


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first key of PARVIS_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = unreadable = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            with transaction.atomic():
                # .values() reads the raw ciphertext through from_db_value, so read through the
                # base manager and write the plaintext back: get_prep_value encrypts it anew.
                # A value no key decrypts reads as an UnreadableSecret, which is written back
                # as the same ciphertext: it is kept (the right key may come back), not lost.
                for row in model._base_manager.select_for_update().only("pk", *fields):
                    values = {name: getattr(row, name) for name in fields}
                    model._base_manager.filter(pk=row.pk).update(**values)
                    total += 1
                    unreadable += sum(is_unreadable(value) for value in values.values())
        self.stdout.write(f"Re-encrypted {total} row(s) with the current first key.")
        if unreadable:
            self.stdout.write(
                f"{unreadable} value(s) cannot be decrypted with any configured key and were "
                "left as they were: `parvis doctor` says which key is missing."
            )
