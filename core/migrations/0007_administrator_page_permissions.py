"""The Administrador group edits, previews and publishes every page: page permissions at the
tree root (the home page and the knowledge base had none; only the catalogue did), so an
administrator who is not a superuser can open any page in the Wagtail admin."""

from django.db import migrations

ADMIN = "Administrador"
ACTIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")


def grant_root_page_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type,
            codename=f"{action}_page",
            defaults={"name": f"Can {action.replace('_', ' ')} page"},
        )
        GroupPagePermission.objects.get_or_create(group=admin, page=root, permission=permission)


def revoke_root_page_permissions(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name=ADMIN,
        page__depth=1,
        permission__content_type__app_label="wagtailcore",
        permission__codename__in=[f"{action}_page" for action in ACTIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_reviewer_approval_task"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.RunPython(grant_root_page_permissions, revoke_root_page_permissions),
    ]
