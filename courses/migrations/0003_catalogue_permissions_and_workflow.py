"""The catalogue page at /cursos/, the trainers' and reviewers' permissions on it, and the
"Revisión de cursos" moderation workflow.

Trainers (Capacitador) may add and change pages under the catalogue but not publish: they
submit for moderation and a content reviewer approves. Which course a trainer may edit is
narrowed to the courses they own by courses.permissions.CoursePermissionTester.
"""

from django.db import migrations

CATALOGUE_SLUG = "cursos"
WORKFLOW_NAME = "Revisión de cursos"
TASK_NAME = "Aprobación del revisor de contenidos"
TRAINER = "Capacitador"
REVIEWER = "Revisor de contenidos"
ADMIN = "Administrador"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _encode(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _catalogue(apps):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("core", "HomePage")
    CourseIndexPage = apps.get_model("courses", "CourseIndexPage")

    existing = CourseIndexPage.objects.order_by("path").first()
    if existing is not None:
        return existing
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return None
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    next_number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    content_type, _ = ContentType.objects.get_or_create(app_label="courses", model="courseindexpage")
    catalogue = CourseIndexPage.objects.create(
        title="Cursos",
        draft_title="Cursos",
        slug=CATALOGUE_SLUG,
        content_type=content_type,
        path=home.path + _encode(next_number),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{CATALOGUE_SLUG}/",
        locale_id=home.locale_id,
        live=True,
        has_unpublished_changes=False,
        intro="<p>Cursos para el personal del ministerio: interoperabilidad, ciberseguridad, "
        "gobernanza digital, gobierno abierto y protección de datos.</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())
    return catalogue


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    reviewer, _ = Group.objects.get_or_create(name=REVIEWER)
    admin, _ = Group.objects.get_or_create(name=ADMIN)

    page_perm = {
        action: _permission(apps, "wagtailcore", "page", f"{action}_page", f"Can {action} page")
        for action in ("add", "change", "publish", "lock", "unlock")
    }
    catalogue = _catalogue(apps)
    if catalogue is not None:
        page = Page.objects.get(pk=catalogue.pk)
        grants = {
            trainer: ("add", "change"),
            reviewer: ("add", "change", "publish", "lock", "unlock"),
            admin: ("add", "change", "publish", "lock", "unlock"),
        }
        for group, actions in grants.items():
            for action in actions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=page_perm[action]
                )

        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
        task_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(
                name=TASK_NAME, content_type=task_type, active=True
            )
        task.groups.add(reviewer)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})

    # Trainers illustrate their lessons: images, documents (captions too) and videos.
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        collection_perms = [
            ("wagtailimages", "image", "add_image", "Can add image"),
            ("wagtailimages", "image", "choose_image", "Can choose image"),
            ("wagtaildocs", "document", "add_document", "Can add document"),
            ("wagtaildocs", "document", "choose_document", "Can choose document"),
            ("wagtailmedia", "media", "add_media", "Can add media"),
        ]
        for app_label, model, codename, name in collection_perms:
            permission = _permission(apps, app_label, model, codename, name)
            for group in (trainer, reviewer):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_lesson_blocks"),
        ("core", "0003_roles_and_home_page"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
