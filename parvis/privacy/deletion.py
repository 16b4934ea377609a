"""Deleting everything an organisation owns: rows of every app, files, network tokens.

The models are found at run time (every concrete subclass of ``OrganisationOwned``), so a
module added later is deleted with the rest without a line here. Each step is safe to run
again after a crash: files first (a file whose row is gone could never be found again), then
rows in batches, referencing models before the models they point at so that a protected
foreign key never blocks, then a sweep of the organisation's media folder for files written
while the rows went.
"""

from __future__ import annotations

import contextlib
import graphlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError

from parvis.core.models import OrganisationOwned
from parvis.networks.errors import ConnectorError
from parvis.networks.models import SocialAccount
from parvis.networks.registry import get_connector_class

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

log = logging.getLogger("parvis.privacy")

BATCH = 500  # rows per DELETE: short transactions, so SQLite writers are not held up


def owned_models() -> list[type[models.Model]]:
    """Every installed concrete model that belongs to one organisation."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, OrganisationOwned) and not model._meta.abstract
    ]


def _points_at(model: type[models.Model], among: set[type[models.Model]]) -> dict[Any, bool]:
    """The models of ``among`` that ``model`` references, each with whether the reference
    protects its target (PROTECT or RESTRICT: the target cannot go first)."""
    targets: dict[Any, bool] = {}
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is None or target is model or target not in among:
            continue
        on_delete = getattr(getattr(field, "remote_field", None), "on_delete", None)
        protects = on_delete in (models.PROTECT, models.RESTRICT)
        targets[target] = targets.get(target, False) or protects
    return targets


def deletion_order(candidates: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """``candidates`` ordered so that a model comes before every model it points at.

    With a cycle of references, only the protecting ones are kept for the order (a cascading
    or nulling reference does not block a deletion); ties are broken by label, so the order is
    the same on every run.
    """
    among = set(candidates)
    edges = {model: _points_at(model, among) for model in among}
    for protecting_only in (False, True):
        sorter: graphlib.TopologicalSorter[type[models.Model]] = graphlib.TopologicalSorter()
        for model in sorted(among, key=lambda m: m._meta.label):
            # The target depends on the referencing model: the referencing model goes first.
            sorter.add(model)
            for target, protects in edges[model].items():
                if protects or not protecting_only:
                    sorter.add(target, model)
        try:
            return list(sorter.static_order())
        except graphlib.CycleError:
            continue
    return sorted(among, key=lambda m: m._meta.label)


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def organisation_files_delete(organisation: Organisation) -> int:
    """Delete from storage every file an organisation's rows point at; return how many.

    A name another organisation's row also uses is kept (never seen, but a copied row must
    not lose someone else's picture). A file already gone counts as done.
    """
    deleted = 0
    for model in owned_models():
        for field in _file_fields(model):
            manager = model._base_manager
            names = set(
                manager.filter(organisation=organisation)
                .exclude(**{field.attname: ""})
                .values_list(field.attname, flat=True)
            )
            names.discard(None)
            shared: set[str] = set()
            ordered = sorted(names)
            for start in range(0, len(ordered), BATCH):
                chunk = ordered[start : start + BATCH]
                shared.update(
                    manager.exclude(organisation=organisation)
                    .filter(**{f"{field.attname}__in": chunk})
                    .values_list(field.attname, flat=True)
                )
            for name in ordered:
                if name in shared:
                    continue
                with contextlib.suppress(FileNotFoundError):  # already gone: done
                    field.storage.delete(name)
                _remove_empty_folders(field.storage, name)
                deleted += 1
    return deleted


def organisation_media_folder(organisation_id: int) -> str:
    """The folder of an organisation's uploads in storage: ``publishing.models.
    private_media_name`` puts every file there (``tests/privacy`` checks that the two agree)."""
    return f"media/{organisation_id}"


def organisation_media_sweep(organisation: Organisation) -> int:
    """Delete whatever is left in the organisation's media folder, in every storage its file
    fields use; return how many files. Run after the rows: a file uploaded while the first
    pass ran (its row written later) is pointed at by no row any more, and would stay forever.
    """
    folder = organisation_media_folder(organisation.pk)
    storages = {
        id(field.storage): field.storage
        for model in owned_models()
        for field in _file_fields(model)
    }
    return sum(_sweep(storage, folder) for storage in storages.values())


def _sweep(storage: Any, folder: str) -> int:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever uploaded, or already swept
        return 0
    deleted = 0
    for name in files:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(f"{folder}/{name}")
        deleted += 1
    for name in folders:
        deleted += _sweep(storage, f"{folder}/{name}")
    # The folder itself, and the empty ones above it (never the storage's root).
    _remove_empty_folders(storage, f"{folder}/-")
    return deleted


def _remove_empty_folders(storage: Any, name: str) -> None:
    """On disk, remove the folders left empty above ``name`` (one is named after the
    organisation's id), never the storage's root."""
    if not isinstance(storage, FileSystemStorage):
        return
    root = Path(storage.location).resolve()
    folder = Path(storage.path(name)).resolve().parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (another file, another organisation), or already gone
            return
        folder = folder.parent


def organisation_rows_delete(
    organisation: Organisation, *, keep: Iterable[type[models.Model]] = ()
) -> dict[str, int]:
    """Delete the rows of every organisation-owned model but ``keep``; return counts by model.

    Batches of ``BATCH`` rows, each its own transaction: a crash leaves fewer rows, never a
    half-deleted batch, and running again finishes the job. A model whose rows are still
    protected by another's (an order the graph could not see) is tried again after the rest.
    """
    kept = set(keep)
    remaining = [m for m in deletion_order(owned_models()) if m not in kept]
    counts: dict[str, int] = {}
    while remaining:
        blocked: list[type[models.Model]] = []
        for model in remaining:
            try:
                counts[model._meta.label] = counts.get(model._meta.label, 0) + _delete_all(
                    model, organisation
                )
            except (ProtectedError, RestrictedError):
                blocked.append(model)
        if len(blocked) == len(remaining):
            labels = ", ".join(m._meta.label for m in blocked)
            raise RuntimeError(f"Rows still protected after every other model went: {labels}")
        remaining = blocked
    return counts


def _delete_all(model: type[models.Model], organisation: Organisation) -> int:
    manager = model._base_manager
    total = 0
    while True:
        pks = list(manager.filter(organisation=organisation).values_list("pk", flat=True)[:BATCH])
        if not pks:
            return total
        manager.filter(pk__in=pks).delete()
        total += len(pks)


def network_revoke_supported(kind: str) -> bool:
    """Whether Parvis can ask ``kind`` to revoke a token (its connector's ``revokes_tokens``).

    Where it cannot, the tokens are only erased here, and stop working when they expire or
    when the person removes Parvis from the network's authorised apps (docs/privacy.md).
    """
    try:
        return get_connector_class(kind).revokes_tokens
    except LookupError:  # an unknown kind, or a connector not installed
        return False


def organisation_tokens_revoke(organisation: Organisation) -> dict[str, int]:
    """Revoke at the network what can be revoked, then erase every token of the organisation.

    A network that refuses or does not answer never stops the deletion: the tokens are erased
    here anyway. Returns ``{"revoked": n, "erased": m}``.
    """
    accounts = SocialAccount.objects.for_organisation(organisation)
    revoked = 0
    for account_id, kind in accounts.filter(is_demo=False).values_list("pk", "kind"):
        if not network_revoke_supported(kind):
            continue
        account: SocialAccount | None = accounts.filter(pk=account_id).first()
        if account is None or not account.access_token:
            continue
        try:
            with account.connector() as connector:
                connector.revoke_tokens()
            revoked += 1
        except (ConnectorError, httpx.HTTPError) as exc:  # the network's failure keeps nothing
            log.warning(
                "privacy.revoke_failed",
                extra={"account_id": account_id, "network": kind, "error": type(exc).__name__},
            )
    erased = accounts.exclude(access_token="", refresh_token="").update(
        access_token="",
        refresh_token="",
        token_expires_at=None,
        refresh_expires_at=None,
        status=SocialAccount.Status.DISCONNECTED,
    )
    return {"revoked": revoked, "erased": erased}
