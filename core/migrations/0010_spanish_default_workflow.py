"""Wagtail's default workflow and its task are created as "Moderators approval", English in
the Spanish admin (the page's workflow status, the review list). Renamed to Spanish while they
still have that default name: a name someone chose is kept."""

from django.db import migrations

DEFAULT = "Moderators approval"
SPANISH = "Aprobación de moderadores"


def rename(apps, schema_editor, old=DEFAULT, new=SPANISH):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=SPANISH, new=DEFAULT)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_notificationlog_address"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
