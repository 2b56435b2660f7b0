import pytest

from core.roles import Role


@pytest.fixture(autouse=True)
def _certificate_settings(settings, tmp_path_factory):
    settings.SITE_URL = "https://relevo.example.gob.ec"
    settings.CERTIFICATE_SIGNING_P12_PATH = ""
    settings.CERTIFICATE_SIGNING_P12_PASSWORD = ""


@pytest.fixture
def with_mfa():
    """Give a user a second factor (HR and administrators need one to use the site)."""
    from tests.factories import with_mfa as give

    return give


@pytest.fixture
def hr_user(make_user, with_mfa):
    return with_mfa(make_user(Role.LEARNER, Role.HR))


@pytest.fixture
def admin_user(make_user, with_mfa):
    return with_mfa(make_user(Role.ADMIN))


@pytest.fixture
def course(db):
    from tests.certificates.factories import make_course

    return make_course(title="Interoperabilidad en la movilidad humana", hours=12)


@pytest.fixture
def issue(db):
    """Issue a certificate for a learner and a course, by hand (no signal)."""
    from certificates.services import certificate_issue
    from tests.certificates.factories import completed_enrolment, make_course

    def make(learner, course=None, **kwargs):
        course = course or make_course()
        enrolment = completed_enrolment(learner, course, **kwargs)
        return certificate_issue(enrolment_id=enrolment.pk)

    return make


@pytest.fixture
def certificate(learner, course, issue):
    return issue(learner, course)
