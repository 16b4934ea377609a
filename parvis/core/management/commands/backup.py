"""`parvis backup [DESTINATION]`: one archive with the database, the media and a keys check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Save the embedded installation (SQLite database, media, fingerprints of the encryption "
        "keys — never the keys) into one .tar.gz; on PostgreSQL, says the pg_dump command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            default=None,
            help="A folder (default: var/backups/) or a file name ending in .tar.gz.",
        )

    def handle(self, *args: Any, destination: str | None = None, **options: Any) -> None:
        try:
            result = backup_create(destination=Path(destination) if destination else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        keys = result.manifest["keys"]
        media = result.manifest["media"]
        self.stdout.write(_("Backup written: %(path)s") % {"path": result.path})
        self.stdout.write(
            _("Database and %(files)d media file(s); encrypted values: %(values)d.")
            % {"files": media["files"], "values": keys["encrypted_values"]}
        )
        self.stdout.write(
            _(
                "The archive holds the fingerprints of the encryption keys (%(fingerprints)s), "
                "not the keys: keep PARVIS_ENCRYPTION_KEYS (var/encryption_key) safe, apart from "
                "it. Without them, the restored accounts must be reconnected."
            )
            % {"fingerprints": ", ".join(keys["needed"] or keys["configured"])}
        )
        if keys["unreadable"]:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)d stored value(s) already cannot be decrypted with the configured "
                        "keys: parvis doctor says which key is missing."
                    )
                    % {"count": keys["unreadable"]}
                )
            )
