"""Create the six role groups and replace Wagtail's welcome page with Relevo's home page."""

from django.db import migrations

ROLES = [
    "Funcionario",
    "Capacitador",
    "Revisor de contenidos",
    "Custodio de sistema",
    "Talento humano",
    "Administrador",
]
ADMIN_ACCESS_ROLES = {
    "Capacitador",
    "Revisor de contenidos",
    "Custodio de sistema",
    "Talento humano",
    "Administrador",
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        if name in ADMIN_ACCESS_ROLES:
            group.permissions.add(access_admin)


def create_home_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("core", "HomePage")

    home_ct, _ = ContentType.objects.get_or_create(app_label="core", model="homepage")
    if HomePage.objects.exists():
        return
    # Wagtail's initial migration makes a welcome page at path 00010001; replace it.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", slug="home").delete()
    root = Page.objects.get(depth=1)
    locale = Locale.objects.first() or Locale.objects.create(language_code="es")
    home = HomePage.objects.create(
        title="Relevo",
        draft_title="Relevo",
        slug="home",
        content_type=home_ct,
        path=root.path + "0002",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro="<p>Plataforma de aprendizaje y transferencia de conocimiento para el servicio público.</p>",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Relevo")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_homepage"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_home_page, migrations.RunPython.noop),
    ]
