"""Four eyes for every group approval: each plain Wagtail GroupApprovalTask (the course
review's "Aprobación del revisor de contenidos") becomes a core.ReviewerApprovalTask in place,
keeping its id, groups and workflows, so task states in progress follow the new rule."""

import core.four_eyes
import django.db.models.deletion
from django.db import migrations, models


def convert_group_approval_tasks(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ReviewerApprovalTask = apps.get_model("core", "ReviewerApprovalTask")
    Task = apps.get_model("wagtailcore", "Task")
    new_type, _ = ContentType.objects.get_or_create(app_label="core", model="reviewerapprovaltask")
    old_type = ContentType.objects.filter(
        app_label="wagtailcore", model="groupapprovaltask"
    ).first()
    if old_type is None:
        return
    Through = GroupApprovalTask.groups.through
    for old in GroupApprovalTask.objects.filter(content_type=old_type):
        group_ids = list(old.groups.values_list("pk", flat=True))
        new = ReviewerApprovalTask(
            task_ptr_id=old.pk, name=old.name, active=old.active, content_type=new_type
        )
        new.save_base(raw=True)  # the child row only; the Task row is updated below
        Task.objects.filter(pk=old.pk).update(content_type=new_type)
        new.groups.set(group_ids)
        # Drop only the old child row: the shared Task row (and its workflows) stays.
        Through.objects.filter(groupapprovaltask_id=old.pk).delete()
        GroupApprovalTask.objects.filter(pk=old.pk)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0005_user_session_epoch"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        # The course review's task must exist before it is converted.
        ("courses", "0003_catalogue_permissions_and_workflow"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewerApprovalTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        help_text="Pages/snippets at this step in a workflow will be moderated or approved by these groups of users",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
            ],
            options={
                "verbose_name": "reviewer approval (four eyes)",
                "verbose_name_plural": "reviewer approvals (four eyes)",
            },
            bases=(core.four_eyes.FourEyesTaskMixin, "wagtailcore.task"),
        ),
        migrations.RunPython(convert_group_approval_tasks, migrations.RunPython.noop),
    ]
