"""Quality officers limited to units (QualityScope); administrators manage the scopes (the
Calidad role has no permission on them: an officer cannot widen their own scope)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="quality", model="qualityscope")
    perms = [
        Permission.objects.get_or_create(
            content_type=ct,
            codename=f"{action}_qualityscope",
            defaults={"name": f"Can {action} quality scope"},
        )[0]
        for action in ("view", "add", "change", "delete")
    ]
    group, _ = Group.objects.get_or_create(name="Administrador")
    group.permissions.add(*perms)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_notifications_replace_reminder_log'),
        ('quality', '0002_quality_role'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='QualityScope',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.orgunit', verbose_name='unit')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quality_scopes', to=settings.AUTH_USER_MODEL, verbose_name='quality officer')),
            ],
            options={
                'verbose_name': 'quality scope',
                'verbose_name_plural': 'quality scopes',
                'constraints': [models.UniqueConstraint(fields=('user', 'unit'), name='quality_scope_unique_user_unit')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
