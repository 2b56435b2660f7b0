"""The "Calidad" role (quality officers): access to Wagtail's admin and the quality models'
permissions; administrators get them too, HR may view. Object rules are in quality/rules.py."""

from django.db import migrations

MODELS = ["survey", "gaindesign", "indicator"]
GRANTS = {
    "Calidad": ["view", "add", "change", "delete"],
    "Administrador": ["view", "add", "change", "delete"],
    "Talento humano": ["view"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    perms = {}
    for model in MODELS:
        ct, _ = ContentType.objects.get_or_create(app_label="quality", model=model)
        for action in ("view", "add", "change", "delete"):
            perms[(model, action)], _ = Permission.objects.get_or_create(
                content_type=ct, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
    for name, actions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[perms[(m, a)] for m in MODELS for a in actions])
        if name == "Calidad":
            group.permissions.add(access_admin)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Calidad").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
        ("core", "0003_roles_and_home_page"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
