"""Administrators edit the certificate template (Wagtail settings) and manage certificates;
human resources manage certificates. Object rules are in certificates/rules.py."""

from django.db import migrations

GRANTS = {
    "Administrador": [
        ("certificate", "view"),
        ("certificate", "change"),
        ("certificatesettings", "change"),
        ("credentialsigningkey", "view"),
    ],
    "Talento humano": [("certificate", "view"), ("certificate", "change")],
}
NAMES = {
    "certificate": "certificate",
    "certificatesettings": "certificates",
    "credentialsigningkey": "credential signing key",
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, action in grants:
            content_type, _ = ContentType.objects.get_or_create(
                app_label="certificates", model=model
            )
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {NAMES[model]}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("core", "0003_roles_and_home_page"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
