"""`parvis restore ARCHIVE [--yes] [--force]`: put a `parvis backup` archive back in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by parvis backup (embedded mode; stop Parvis first). Refuses "
        "keys that cannot read the archive's tokens, and a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by parvis backup.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that holds data (it is kept aside in var/backups/).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even if the configured keys cannot read the archive's tokens: the "
            "accounts are then marked « must be reconnected ».",
        )

    def handle(
        self, *args: Any, archive: str, yes: bool = False, force: bool = False, **options: Any
    ) -> None:
        try:
            result = backup_restore(archive=Path(archive), force=force, overwrite=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Restored %(archive)s (made on %(date)s): database and %(files)s media file(s).")
            % {
                "archive": Path(archive).name,
                "date": result.manifest.get("created_at", "?"),
                "files": result.manifest.get("media", {}).get("files", "?"),
            }
        )
        if result.previous_database is not None:
            self.stdout.write(
                _("The replaced database is kept in %(path)s.") % {"path": result.previous_database}
            )
        if result.previous_media is not None:
            self.stdout.write(
                _("The replaced media folder is kept in %(path)s.")
                % {"path": result.previous_media}
            )
        if result.unreadable:
            where = ", ".join(f"{label}: {count}" for label, count in result.unreadable.items())
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Values that the configured keys cannot decrypt (%(where)s): "
                        "%(accounts)d account(s) marked « must be reconnected »; parvis doctor "
                        "names the missing key."
                    )
                    % {"where": where, "accounts": result.accounts_to_reconnect}
                )
            )
        for label, count in result.discarded.items():
            self.stdout.write(
                _(
                    "%(count)d %(model)s row(s) without a readable secret deleted: Parvis creates "
                    "them again when needed."
                )
                % {"count": count, "model": label}
            )
        self.stdout.write(_("Start Parvis again; parvis doctor checks the installation."))
