import pytest

from core.roles import Role
from tests.factories import make_course

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
    def make(title="Curso de interoperabilidad", owners=(), **kwargs):
        kwargs.setdefault("summary", "Resumen del curso.")
        kwargs.setdefault("completion_rule", "all_lessons_and_quizzes")  # the model's default
        return make_course(title=title, owners=owners, lessons=0, revision=True, **kwargs)

    return make
