"""Files are stored under random names in a folder per organisation; the name the uploader gave
is kept in ``MediaAsset.original_name``. Files stored before are given such a name too (hard
link or copy; the old path is removed once the migration is committed), so no stored path says
what a picture shows. A file missing from the media folder keeps its row and its old name."""

import os
import shutil

from django.db import migrations, models, transaction

import parvis.publishing.models


def _placed(storage, old, new):
    """Put the file stored as ``old`` under ``new`` too; the name used, or None if missing."""
    try:
        source, target = storage.path(old), storage.path(new)
    except NotImplementedError:  # a storage without local paths: copy through it
        try:
            with storage.open(old, "rb") as handle:
                return storage.save(new, handle)
        except FileNotFoundError:
            return None
    if not os.path.isfile(source):
        return None
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)
    return new


def rename_stored_files(apps, schema_editor):
    from django.core.files.storage import default_storage

    replaced = []
    for model_name in ("MediaAsset", "MediaRendition"):
        model = apps.get_model("publishing", model_name)
        for row in model.objects.exclude(file="").order_by("pk").iterator():
            old = row.file.name
            changes = {}
            if model_name == "MediaAsset" and not row.original_name:
                changes["original_name"] = old.rsplit("/", 1)[-1][:255]
            if not old.startswith("media/"):
                new = _placed(
                    default_storage, old, parvis.publishing.models.private_media_name(row, old)
                )
                if new is not None:
                    changes["file"] = new
                    replaced.append(old)
            if changes:
                model.objects.filter(pk=row.pk).update(**changes)

    def remove_old_paths():
        for name in replaced:
            default_storage.delete(name)

    transaction.on_commit(remove_old_paths)


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_renditions_and_key_authors'),
    ]

    operations = [
        migrations.AddField(
            model_name='mediaasset',
            name='original_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='mediaasset',
            name='file',
            field=models.FileField(max_length=255, upload_to=parvis.publishing.models.private_media_name),
        ),
        migrations.AlterField(
            model_name='mediarendition',
            name='file',
            field=models.FileField(max_length=255, upload_to=parvis.publishing.models.private_media_name),
        ),
        migrations.RunPython(rename_stored_files, migrations.RunPython.noop, elidable=True),
    ]
