"""Create the knowledge base page (/conocimiento/), its approval workflow "Revisión de
artículos" and the page and document permissions of the custodians and reviewers."""

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
WORKFLOW_NAME = "Revisión de artículos"
TASK_NAME = "Aprobación por revisor o custodio del sistema"


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return parent.path + "0001"
    number = 0
    for char in last[-STEPLEN:]:
        number = number * 36 + ALPHABET.index(char)
    number += 1
    digits = ""
    while number:
        number, rem = divmod(number, 36)
        digits = ALPHABET[rem] + digits
    return parent.path + digits.rjust(STEPLEN, "0")


def create_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("core", "HomePage")
    KnowledgeIndexPage = apps.get_model("knowledge_base", "KnowledgeIndexPage")
    if KnowledgeIndexPage.objects.exists():
        return
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    home_page = Page.objects.get(pk=home.pk)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="knowledge_base", model="knowledgeindexpage"
    )
    now = timezone.now()
    KnowledgeIndexPage.objects.create(
        title="Conocimiento",
        draft_title="Conocimiento",
        slug="conocimiento",
        content_type=content_type,
        path=_next_child_path(Page, home_page),
        depth=home_page.depth + 1,
        numchild=0,
        url_path=home_page.url_path + "conocimiento/",
        locale_id=home_page.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        intro=(
            "Los sistemas de la institución, sus procedimientos y quién los conoce: "
            "el conocimiento que no debe irse con las personas."
        ),
    )
    home_page.numchild = Page.objects.filter(
        path__startswith=home_page.path, depth=home_page.depth + 1
    ).count()
    home_page.save(update_fields=["numchild"])


def create_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    ApprovalTask = apps.get_model("knowledge_base", "SystemOwnerApprovalTask")
    KnowledgeIndexPage = apps.get_model("knowledge_base", "KnowledgeIndexPage")

    reviewers, _ = Group.objects.get_or_create(name="Revisor de contenidos")
    task_ct, _ = ContentType.objects.get_or_create(
        app_label="knowledge_base", model="systemownerapprovaltask"
    )
    task = ApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct, active=True)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    base_task = Task.objects.get(pk=task.pk)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=base_task, defaults={"sort_order": 0})
    index = KnowledgeIndexPage.objects.first()
    if index is not None:
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


def grant_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    KnowledgeIndexPage = apps.get_model("knowledge_base", "KnowledgeIndexPage")

    page_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    doc_ct, _ = ContentType.objects.get_or_create(app_label="wagtaildocs", model="document")

    def perm(ct, codename, name):
        permission, _ = Permission.objects.get_or_create(
            content_type=ct, codename=codename, defaults={"name": name}
        )
        return permission

    index = KnowledgeIndexPage.objects.first()
    page_grants = {
        "Custodio de sistema": ["add_page", "change_page"],
        "Revisor de contenidos": ["change_page", "publish_page"],
    }
    doc_grants = {
        "Custodio de sistema": ["add_document", "change_document", "choose_document"],
        "Revisor de contenidos": ["choose_document"],
    }
    root_collection = Collection.objects.filter(depth=1).first()
    for group_name, codenames in page_grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        if index is not None:
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=index.pk, permission=perm(page_ct, codename, codename)
                )
        if root_collection is not None:
            for codename in doc_grants[group_name]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=perm(doc_ct, codename, codename),
                )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0001_initial"),
        ("core", "0003_roles_and_home_page"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(create_index, migrations.RunPython.noop),
        migrations.RunPython(create_workflow, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
