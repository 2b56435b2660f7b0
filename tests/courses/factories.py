"""Courses' builders: the shared ones (tests/factories.py) with revisions saved and published,
as the page cache and the catalogue's search index need."""

from tests import factories
from tests.factories import CoursePageFactory, LessonPageFactory, TopicFactory, catalogue

__all__ = [
    "CoursePageFactory",
    "LessonPageFactory",
    "TopicFactory",
    "catalogue",
    "make_course",
    "make_lesson",
]


def make_course(*, title: str = "Curso", lessons: int = 2, **kwargs):
    return factories.make_course(title=title, lessons=lessons, revision=True, **kwargs)


def make_lesson(*, course, title: str, module: str = "", live: bool = True):
    return factories.make_lesson(
        course=course, title=title, module=module, live=live, revision=True
    )
