import io

import pytest

from certificates import demo
from certificates.models import Certificate
from certificates.selectors import verification_state
from core import demo as core_demo
from tests.certificates.factories import make_course

pytestmark = pytest.mark.django_db


def test_without_demo_courses_nothing_is_created():
    core_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert "no certificates created" in out.getvalue()
    assert not Certificate.objects.exists()


def test_the_demo_has_a_valid_an_expired_and_a_revoked_certificate(mailoutbox):
    core_demo.seed(io.StringIO())
    make_course(title="Gobierno abierto y datos abiertos")
    make_course(title="Seguridad de la información (EGSI)")
    out = io.StringIO()
    demo.seed(out)
    states = {verification_state(c): c for c in Certificate.objects.all()}
    assert set(states) == {"valid", "expired", "revoked"}
    assert states["valid"].learner.email == "funcionario@relevo.demo"
    for certificate in states.values():
        assert certificate.code in out.getvalue()
    assert not mailoutbox  # the demo sends no e-mail

    again = io.StringIO()
    demo.seed(again)
    assert Certificate.objects.count() == 3
    assert again.getvalue() == out.getvalue()
