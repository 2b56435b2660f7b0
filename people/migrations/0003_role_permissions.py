"""Give the HR and Administrator roles the people app's model permissions."""

from django.db import migrations

MODELS = ["orgunit", "staffprofile", "requirement", "coveragerule", "staffimport", "hrscope"]
HR = {
    "orgunit": ["view", "add", "change"],
    "staffprofile": ["view", "add", "change"],
    "requirement": ["view", "add", "change"],
    "coveragerule": ["view", "add", "change"],
    "staffimport": ["view", "add"],
    "hrscope": ["view"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    names = {"view": "Can view", "add": "Can add", "change": "Can change", "delete": "Can delete"}
    perms = {}
    for model in MODELS:
        ct, _ = ContentType.objects.get_or_create(app_label="people", model=model)
        for action in ("view", "add", "change", "delete"):
            perms[(model, action)], _ = Permission.objects.get_or_create(
                content_type=ct,
                codename=f"{action}_{model}",
                defaults={"name": f"{names[action]} {model}"},
            )
    hr = Group.objects.filter(name="Talento humano").first()
    if hr is not None:
        hr.permissions.add(*[perms[(m, a)] for m, actions in HR.items() for a in actions])
    admin = Group.objects.filter(name="Administrador").first()
    if admin is not None:
        admin.permissions.add(*perms.values())


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_hr_requirements_compliance"),
        ("core", "0003_roles_and_home_page"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
