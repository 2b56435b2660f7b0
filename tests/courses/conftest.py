import pytest

from core.roles import Role

from .factories import TopicFactory, make_course


@pytest.fixture
def trainer(make_user):
    return make_user(Role.LEARNER, Role.TRAINER)


@pytest.fixture
def other_trainer(make_user):
    return make_user(Role.LEARNER, Role.TRAINER)


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.LEARNER, Role.REVIEWER)


@pytest.fixture
def course(trainer):
    return make_course(
        title="Interoperabilidad básica",
        lessons=3,
        owners=[trainer],
        topic=TopicFactory(name="Interoperabilidad", slug="interoperabilidad"),
    )
