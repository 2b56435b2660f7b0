import pytest

from core.roles import Role

from .factories import make_profile


@pytest.fixture
def custodian(db):
    return make_profile(Role.LEARNER, Role.CUSTODIAN)


@pytest.fixture
def reviewer(db):
    return make_profile(Role.LEARNER, Role.REVIEWER)


@pytest.fixture
def outsider(db):
    return make_profile(Role.LEARNER)


@pytest.fixture
def course_factory(db):
    from core.models import HomePage
    from courses.models import CourseIndexPage, CoursePage

    def make(title="Curso de interoperabilidad", owners=(), **kwargs):
        index = CourseIndexPage.objects.first()
        if index is None:
            index = CourseIndexPage(title="Cursos", slug="cursos")
            HomePage.objects.get().add_child(instance=index)
        course = CoursePage(
            title=title, summary=kwargs.pop("summary", "Resumen del curso."), **kwargs
        )
        index.add_child(instance=course)
        course.owners.set(list(owners))
        course.save_revision().publish()
        course.refresh_from_db()
        return course

    return make
