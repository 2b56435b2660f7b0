import factory
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tema {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")


def catalogue() -> CourseIndexPage:
    """The catalogue the data migration created at /cursos/."""
    return CourseIndexPage.objects.get(slug="cursos")


def _publish(page: Page, live: bool) -> Page:
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


def make_course(
    *,
    title: str = "Curso",
    lessons: int = 2,
    owners=(),
    live: bool = True,
    parent=None,
    modules: list[str] | None = None,
    **fields,
) -> CoursePage:
    parent = parent or catalogue()
    fields.setdefault("summary", f"Resumen de {title}")
    fields.setdefault("completion_rule", CoursePage.CompletionRule.ALL_LESSONS)
    course = CoursePage(title=title, live=live, **fields)
    parent.add_child(instance=course)
    if owners:
        course.owners.set(owners)
        course.save()
    _publish(course, live)
    for index in range(lessons):
        module = modules[index] if modules else ""
        make_lesson(course=course, title=f"{title}: lección {index + 1}", module=module)
    return course


def make_lesson(*, course: CoursePage, title: str, module: str = "", live: bool = True):
    lesson = LessonPage(
        title=title,
        module=module,
        live=live,
        body=[("rich_text", f"<p>Contenido de {title}.</p>")],
    )
    course.add_child(instance=lesson)
    return _publish(lesson, live)
