"""Trainers and administrators manage the question bank and quizzes in the Wagtail admin."""

from django.db import migrations

MODELS = ["questioncategory", "question", "quiz"]
ROLES = ["Capacitador", "Administrador"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    perms = []
    for model in MODELS:
        content_type, _created = ContentType.objects.get_or_create(app_label="assessments", model=model)
        for action in ("add", "change", "delete", "view"):
            perm, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            perms.append(perm)
    for name in ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("core", "0003_roles_and_home_page"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
