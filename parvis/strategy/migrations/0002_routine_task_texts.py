"""A routine task's title and idea in French and English: JSON ``{"fr": …, "en": …}`` like
every other stored engine text. Tasks stored before keep their French text in both languages
(it cannot be translated after the fact; next weeks are built in both)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def _both(text: str) -> dict[str, str]:
    return {"fr": text, "en": text} if text else {}


def to_texts(apps: Any, schema_editor: Any) -> None:
    RoutineTask = apps.get_model("strategy", "RoutineTask")
    for task in RoutineTask.objects.only("pk", "title", "idea").iterator():
        RoutineTask.objects.filter(pk=task.pk).update(
            title_text=_both(task.title), idea_text=_both(task.idea)
        )


def to_strings(apps: Any, schema_editor: Any) -> None:
    RoutineTask = apps.get_model("strategy", "RoutineTask")
    for task in RoutineTask.objects.only("pk", "title_text", "idea_text").iterator():
        RoutineTask.objects.filter(pk=task.pk).update(
            title=(task.title_text or {}).get("fr", "")[:300],
            idea=(task.idea_text or {}).get("fr", ""),
        )


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_strategy_models")]

    operations = [
        migrations.AddField(
            model_name="routinetask", name="title_text", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="routinetask",
            name="idea_text",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(to_texts, to_strings),
        # Defaults for the old columns, so that going back can add them again to filled rows.
        migrations.AlterField(
            model_name="routinetask",
            name="title",
            field=models.CharField(default="", max_length=300),
        ),
        migrations.AlterField(
            model_name="routinetask", name="idea", field=models.TextField(blank=True, default="")
        ),
        migrations.RemoveField(model_name="routinetask", name="title"),
        migrations.RemoveField(model_name="routinetask", name="idea"),
        migrations.RenameField(model_name="routinetask", old_name="title_text", new_name="title"),
        migrations.RenameField(model_name="routinetask", old_name="idea_text", new_name="idea"),
    ]
