import pytest

from core.roles import Role
from quality.models import QUALITY_ROLE
from tests.factories import with_mfa


@pytest.fixture(autouse=True)
def _quality_settings(settings):
    settings.SITE_URL = "https://relevo.example.gob.ec"
    settings.PRIVACY_MIN_GROUP_SIZE = 3
    settings.CERTIFICATE_SIGNING_P12_PATH = ""
    settings.CERTIFICATE_SIGNING_P12_PASSWORD = ""


@pytest.fixture
def officer(make_user):
    return with_mfa(make_user(Role.LEARNER, QUALITY_ROLE))


@pytest.fixture
def hr_user(make_user):
    return with_mfa(make_user(Role.LEARNER, Role.HR))


@pytest.fixture
def trainer(make_user):
    return make_user(Role.LEARNER, Role.TRAINER)
