import pytest

from core.roles import Role
from tests.assessments.factories import make_course


@pytest.fixture
def trainer_client(client, make_user):
    """A trainer who owns a course (client.course): they import into it and edit its bank."""
    trainer = make_user(Role.TRAINER)
    client.course = make_course(owners=[trainer])
    client.force_login(trainer)
    return client
