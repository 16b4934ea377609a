"""Backups of an embedded installation: one ``.tar.gz`` with the database, the media and a
manifest that names the encryption keys by fingerprint (never the keys themselves).

``backup_create`` copies the live SQLite database with SQLite's online backup API (consistent
while Parvis runs), adds the media folder, and records in ``manifest.json`` which keys decrypt the
stored secrets. ``backup_restore`` refuses a key set that cannot decrypt the archive's secrets
(unless forced: the accounts are then marked « must be reconnected ») and refuses to overwrite a
database that holds data (unless told so: the replaced database and media are kept aside).

PostgreSQL installations use ``pg_dump``/``pg_restore`` (:func:`pg_dump_advice`,
docs/deploy.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.core import crypto
from parvis.core.fields import encrypted_fields, is_unreadable
from parvis.core.keycheck import LAST_RESTORE_FILE, KeyCensus, key_census

log = logging.getLogger("parvis.backup")

FORMAT = "parvis-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "parvis.sqlite3"
MEDIA_MEMBER = "media"
KEYS_NOTE = (
    "Fingerprints only: the encryption keys are never written into a backup. Keep "
    "PARVIS_ENCRYPTION_KEYS (embedded mode: var/encryption_key) safe, apart from this archive."
)


class BackupError(Exception):
    """A backup or restore that cannot go on; ``str(exc)`` tells the operator why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    unreadable: dict[str, int] = field(default_factory=dict)  # column label → values
    accounts_to_reconnect: int = 0
    discarded: dict[str, int] = field(default_factory=dict)  # model label → rows deleted
    previous_database: Path | None = None
    previous_media: Path | None = None


# --- where things are ---------------------------------------------------------------------------


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def pg_dump_advice() -> str:
    """What to run instead on PostgreSQL (the same advice as docs/deploy.md)."""
    return _(
        "parvis backup saves the embedded mode (SQLite). On PostgreSQL, save the database with "
        "pg_dump, the media folder, and the encryption keys apart:\n"
        '  pg_dump --format=custom --file=parvis-$(date +%%F).dump "$DATABASE_URL"\n'
        "  tar -czf parvis-media-$(date +%%F).tar.gz -C %(media_parent)s %(media_name)s\n"
        "Restore with: pg_restore --clean --if-exists --no-owner "
        '--dbname="$DATABASE_URL" parvis-DATE.dump (docs/deploy.md, « Backups »).'
    ) % {
        "media_parent": Path(settings.MEDIA_ROOT).parent,
        "media_name": Path(settings.MEDIA_ROOT).name,
    }


def _require_sqlite() -> None:
    if not is_sqlite():
        raise BackupError(pg_dump_advice())


def _live() -> sqlite3.Connection:
    """The sqlite3 connection Django uses (a file in var/, or the test database)."""
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    """Regular files under ``root`` (links are not followed: a backup copies Parvis' files)."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _census_of(database: Path) -> KeyCensus:
    with sqlite3.connect(database) as copy:
        cursor = copy.cursor()
        try:
            return key_census(cursor=cursor)
        finally:
            cursor.close()


def _integrity_ok(database: Path) -> bool:
    try:
        with sqlite3.connect(database) as copy:
            row = copy.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "ok"


# --- backup -------------------------------------------------------------------------------------


def backup_create(*, destination: Path | None = None, now: datetime | None = None) -> BackupResult:
    """Write ``parvis-backup-YYYYMMDD-HHMMSS.tar.gz`` (UTC) into ``destination`` (a folder; or a
    file name ending in ``.tar.gz``), by default ``var/backups/``. Readable by its owner only."""
    _require_sqlite()
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = destination or Path(settings.VAR_DIR) / "backups"
    if target.name.endswith(".tar.gz"):
        folder, final = target.parent, target
    else:
        folder, final = target, target / f"parvis-backup-{stamp}.tar.gz"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackupError(
            _("Cannot create the folder %(folder)s: %(reason)s.")
            % {"folder": folder, "reason": exc.strerror}
        ) from None
    if final.exists():
        raise BackupError(_("%(path)s already exists: choose another name.") % {"path": final})
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".parvis-backup-") as work:
        copy = Path(work) / DATABASE_MEMBER
        destination_db = sqlite3.connect(copy)
        try:
            with destination_db:
                _live().backup(destination_db)
        except sqlite3.Error as exc:
            raise BackupError(
                _("The database could not be copied: %(reason)s.") % {"reason": exc}
            ) from None
        finally:
            destination_db.close()
        census = _census_of(copy)
        media = _media_files(media_root)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(timespec="seconds"),
            "database": {
                "file": DATABASE_MEMBER,
                "bytes": copy.stat().st_size,
                "sha256": _sha256(copy),
            },
            "media": {
                "folder": MEDIA_MEMBER,
                "files": len(media),
                "bytes": sum(path.stat().st_size for path in media),
            },
            "keys": {
                "note": KEYS_NOTE,
                "configured": census.fingerprints,
                "needed": census.needed_fingerprints,
                "encrypted_values": census.read,
                "unreadable": census.unreadable,
            },
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(now.timestamp())
            archive.addfile(info, io.BytesIO(body))
            archive.add(copy, arcname=DATABASE_MEMBER)
            for path in media:
                archive.add(path, arcname=f"{MEDIA_MEMBER}/{path.relative_to(media_root)}")
        partial.chmod(0o600)
        os.replace(partial, final)  # whole or absent: never a half-written archive
    log.info("backup written", extra={"path": str(final), "media_files": len(media)})
    return BackupResult(final, manifest)


# --- restore ------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            data = json.loads(member.read().decode("utf-8")) if member else None
    except FileNotFoundError:
        raise BackupError(_("%(path)s does not exist.") % {"path": archive}) from None
    except (OSError, EOFError, tarfile.TarError, KeyError, ValueError):
        raise BackupError(
            _("%(path)s is not a Parvis backup (a .tar.gz made by parvis backup).")
            % {"path": archive}
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s is not a Parvis backup (a .tar.gz made by parvis backup).")
            % {"path": archive}
        )
    if data.get("version") != VERSION:
        raise BackupError(
            _("%(path)s was made by another version of Parvis (backup format %(version)s).")
            % {"path": archive, "version": data.get("version")}
        )
    return data


def missing_fingerprints(manifest: dict[str, Any]) -> list[str]:
    """Fingerprints of the keys the archive's secrets need that are not configured here."""
    needed = manifest.get("keys", {}).get("needed", [])
    configured = set(crypto.configured_fingerprints())
    return [fp for fp in needed if isinstance(fp, str) and fp not in configured]


def database_has_data() -> bool:
    """Whether the live database holds anyone's data (a user): what a restore would destroy."""
    try:
        return bool(get_user_model()._base_manager.exists())
    except DatabaseError:  # not even migrated: nothing to lose
        return False


def _key_refusal(missing: list[str], unreadable: int) -> str:
    configured = ", ".join(crypto.configured_fingerprints())
    if missing:
        return _(
            "The keys configured here cannot read this archive's tokens: they were encrypted "
            "with the key whose fingerprint is %(missing)s, which PARVIS_ENCRYPTION_KEYS does "
            "not hold (fingerprints configured: %(configured)s). Put that key in "
            "PARVIS_ENCRYPTION_KEYS and run the restore again, or pass --force: the accounts "
            "will then have to be reconnected."
        ) % {"missing": ", ".join(missing), "configured": configured}
    return ngettext(
        "%(count)d token of this archive cannot be decrypted with the keys configured here "
        "(fingerprints: %(configured)s). Put the right key in PARVIS_ENCRYPTION_KEYS and run the "
        "restore again, or pass --force: the accounts will then have to be reconnected.",
        "%(count)d tokens of this archive cannot be decrypted with the keys configured here "
        "(fingerprints: %(configured)s). Put the right key in PARVIS_ENCRYPTION_KEYS and run the "
        "restore again, or pass --force: the accounts will then have to be reconnected.",
        unreadable,
    ) % {"count": unreadable, "configured": configured}


def backup_restore(
    *, archive: Path, force: bool = False, overwrite: bool = False, now: datetime | None = None
) -> RestoreResult:
    """Put the archive's database and media in place of the live ones.

    Refuses (:class:`BackupError`, nothing changed) when the configured keys cannot decrypt the
    archive's secrets, unless ``force``; and when the live database holds data, unless
    ``overwrite`` (the database and media it replaces are then kept next to them). Parvis should
    be stopped meanwhile. Migrations run afterwards, so an older archive fits this version.
    """
    _require_sqlite()
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    manifest = read_manifest(archive)
    missing = missing_fingerprints(manifest)
    if missing and not force:
        raise BackupError(_key_refusal(missing, 0))
    has_data = database_has_data()
    if has_data and not overwrite:
        raise BackupError(
            _(
                "The database of this installation already holds data: a restore would replace "
                "it. Pass --yes to replace it (the current database and media are kept aside)."
            )
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    result = RestoreResult(manifest)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".parvis-restore-") as work:
        database = Path(work) / DATABASE_MEMBER
        unpacked = Path(work) / "unpacked"
        _unpack(archive, database, unpacked)
        expected = manifest.get("database", {}).get("sha256")
        if expected != _sha256(database) or not _integrity_ok(database):
            raise BackupError(
                _("The database inside %(path)s is damaged: it was not restored.")
                % {"path": archive}
            )
        try:
            census = _census_of(database)
        except sqlite3.Error:  # an older schema: the manifest's fingerprints were checked
            census = None
        known = int(manifest.get("keys", {}).get("unreadable", 0) or 0)
        if census is not None and census.unreadable > known and not force:
            raise BackupError(_key_refusal([], census.unreadable - known))

        if has_data:
            result.previous_database = _keep_current_database(stamp)
        source = sqlite3.connect(database)
        try:
            source.backup(_live())
        except sqlite3.Error as exc:
            raise BackupError(
                _("The database could not be restored: %(reason)s.") % {"reason": exc}
            ) from None
        finally:
            source.close()
        connection.close()  # the next query sees the restored database from a fresh start
        result.previous_media = _swap_media(unpacked / MEDIA_MEMBER, media_root, stamp)

    call_command("migrate", interactive=False, verbosity=0)
    _settle_unreadable(result)
    _remember(archive, manifest, now)
    return result


def _foreign_member(tar: tarfile.TarFile) -> str | None:
    """The name of the first member ``parvis backup`` never writes, or None. A backup holds the
    manifest, the database and regular files and folders under ``media/``; a link, an absolute
    path or a ``..`` step means someone tampered with the archive: refusing it whole is clearer
    than restoring what is left (tarfile's "data" filter stays as a second lock)."""
    for member in tar.getmembers():
        name = member.name
        parts = name.split("/")
        inside = name in (MANIFEST, DATABASE_MEMBER) or parts[0] == MEDIA_MEMBER
        regular = member.isfile() or (member.isdir() and parts[0] == MEDIA_MEMBER)
        if not inside or not regular or name.startswith("/") or ".." in parts:
            return name
    return None


def _unpack(archive: Path, database: Path, media_folder: Path) -> None:
    """Extract the database file and the media (regular files and folders under ``media/``);
    refuses the whole archive when one member is anything else (:func:`_foreign_member`)."""
    media_folder.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            foreign = _foreign_member(tar)
            if foreign is not None:
                raise BackupError(
                    _(
                        "%(path)s holds %(member)s, a member parvis backup never writes (a link, "
                        "an absolute path or a path leading out of the archive): nothing was "
                        "restored."
                    )
                    % {"path": archive, "member": repr(foreign)}  # repr: no terminal escapes
                )
            member = tar.getmember(DATABASE_MEMBER)
            stream = tar.extractfile(member)
            if stream is None:
                raise KeyError(DATABASE_MEMBER)
            with database.open("wb") as out:
                shutil.copyfileobj(stream, out)
            media = [m for m in tar.getmembers() if m.name.split("/")[0] == MEDIA_MEMBER]
            tar.extractall(media_folder, members=media, filter="data")
    except (OSError, EOFError, tarfile.TarError, KeyError):
        raise BackupError(
            _("%(path)s is incomplete or damaged: nothing was restored.") % {"path": archive}
        ) from None
    (media_folder / MEDIA_MEMBER).mkdir(exist_ok=True)


def _keep_current_database(stamp: str) -> Path:
    folder = Path(settings.VAR_DIR) / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    kept = folder / f"before-restore-{stamp}.sqlite3"
    target = sqlite3.connect(kept)
    try:
        with target:
            _live().backup(target)
    finally:
        target.close()
    kept.chmod(0o600)
    return kept


def _swap_media(restored: Path, media_root: Path, stamp: str) -> Path | None:
    """Put the restored media folder in place; a non-empty current one is renamed, not deleted."""
    previous = None
    if media_root.exists():
        if any(media_root.iterdir()):
            previous = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            os.replace(media_root, previous)
        else:
            media_root.rmdir()
    os.replace(restored, media_root)
    return previous


def _settle_unreadable(result: RestoreResult) -> None:
    """Read every encrypted row once with the keys configured here: accounts whose tokens cannot
    be decrypted mark themselves « must be reconnected » as they load; rows Parvis recreates by
    itself (``DISCARD_WHEN_UNREADABLE``) are deleted rather than left to fail."""
    # Through the app registry: the kernel does not import the networks app.
    accounts = apps.get_model("networks", "SocialAccount")._base_manager.filter(status="reconnect")
    before = accounts.count()
    by_model: dict[type[Any], list[str]] = {}
    for model, encrypted in encrypted_fields():
        by_model.setdefault(model, []).append(encrypted.name)
    for model, names in by_model.items():
        doomed = []
        for row in list(model._base_manager.all()):  # secrets are few rows
            unreadable = [name for name in names if is_unreadable(getattr(row, name))]
            for name in unreadable:
                label = f"{model._meta.label}.{name}"
                result.unreadable[label] = result.unreadable.get(label, 0) + 1
            if unreadable and getattr(model, "DISCARD_WHEN_UNREADABLE", False):
                doomed.append(row.pk)
        if doomed:
            model._base_manager.filter(pk__in=doomed).delete()
            result.discarded[model._meta.label] = len(doomed)
    result.accounts_to_reconnect = accounts.count() - before


def _remember(archive: Path, manifest: dict[str, Any], now: datetime) -> None:
    """Leave the restored archive's manifest in var/ so that `parvis doctor` can name the key
    its tokens need (never a key: fingerprints only)."""
    record = {**manifest, "archive": archive.name, "restored_at": now.isoformat(timespec="seconds")}
    path = Path(settings.VAR_DIR) / LAST_RESTORE_FILE
    try:
        path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    except OSError:
        log.warning("could not write %s", path)
