"""The factories every app's tests build on: factory_boy for plain models, wagtail-factories for
pages. `tests/<app>/factories.py` re-export what they use from here and add only their own
app's builders (with that app's defaults), so a course, a user or a staff profile is built
one way across the suite.
"""

from __future__ import annotations

from datetime import timedelta

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from core.models import HomePage
from core.roles import Role
from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic
from people.models import OrgUnit, StaffProfile

PASSWORD = "a-Strong-test-password-1"


# --- accounts -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A verified account; `roles=[Role.X, ...]` puts it in those groups."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.gob.ec")
    first_name = factory.Faker("first_name", locale="es_ES")
    last_name = factory.Faker("last_name", locale="es_ES")
    language = "es"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=str(name)))


def with_mfa(user):
    """Administrators and HR must have a second factor before using the site (core middleware)."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


# --- pages ----------------------------------------------------------------------------------


def home_page() -> Page:
    """The site's home page; transactional (browser) tests flush the migrated page tree, so it
    is rebuilt when missing."""
    home = Page.objects.filter(depth=2).first()
    if home is not None:
        return home
    Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="Relevo", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost"}
    )
    return home


def catalogue() -> CourseIndexPage:
    """The catalogue at /cursos/ (the data migration creates it; rebuilt after a flush)."""
    index = CourseIndexPage.objects.filter(slug="cursos").first()
    if index is None:
        index = home_page().add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
    return index


def publish(page: Page, user=None) -> Page:
    """Save a revision and publish it, as an editor would (page_published fires)."""
    revision = page.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    page.refresh_from_db()
    return page


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tema {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")


class CoursePageFactory(wagtail_factories.PageFactory):
    """A course under the catalogue, completed when every lesson is done."""

    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Curso {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)[:40]}-{n}")
    summary = factory.LazyAttribute(lambda o: f"Resumen de {o.title}")
    completion_rule = CoursePage.CompletionRule.ALL_LESSONS
    parent = factory.LazyFunction(catalogue)


class LessonPageFactory(wagtail_factories.PageFactory):
    """A lesson with one paragraph; give `parent=<course>`."""

    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lección {n}")
    body = factory.LazyAttribute(lambda o: [("rich_text", f"<p>Contenido de {o.title}.</p>")])


def make_lesson(
    *, course: CoursePage, title: str, module: str = "", live: bool = True, revision: bool = False
) -> LessonPage:
    lesson = LessonPageFactory(parent=course, title=title, module=module, live=live)
    return _revise(lesson, live) if revision else lesson


def make_course(
    *,
    title: str | None = None,
    lessons: int = 1,
    owners=(),
    live: bool = True,
    revision: bool = False,
    parent: Page | None = None,
    modules: list[str] | None = None,
    **fields,
) -> CoursePage:
    """A course with `lessons` lessons ("<title>: lección N"). `revision=True` saves and
    publishes a revision of each page, as an editor would (what the page cache and the
    catalogue's search index react to); otherwise pages are written directly, which is faster."""
    if title is not None:
        fields["title"] = title
    if parent is not None:
        fields["parent"] = parent
    course = CoursePageFactory(live=live, **fields)
    if owners:
        course.owners.set(list(owners))
        course.save()
    if revision:
        _revise(course, live)
    for index in range(lessons):
        make_lesson(
            course=course,
            title=f"{course.title}: lección {index + 1}",
            module=modules[index] if modules else "",
            live=live,
            revision=revision,
        )
    return course


def _revise(page: Page, live: bool) -> Page:
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


# --- people ---------------------------------------------------------------------------------


def make_unit(code: str, parent: OrgUnit | None = None, name: str | None = None) -> OrgUnit:
    """An institution (no parent) or a unit under `parent`."""
    name = name or f"Unidad {code}"
    if parent is None:
        return OrgUnit.add_root(code=code, name=name, kind=OrgUnit.Kind.INSTITUTION)
    return OrgUnit.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=OrgUnit.Kind.UNIT)


class StaffFactory(factory.django.DjangoModelFactory):
    """A member of staff (a learner account) hired over a year ago."""

    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory, roles=[Role.LEARNER])
    employee_id = factory.Sequence(lambda n: f"17{n:08d}")
    position = "Analista"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    placed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
