import threading

import pytest
from django.db import connection, connections

from certificates.models import Certificate
from certificates.services import certificate_issue
from tests.certificates.factories import completed_enrolment, make_course

pytestmark = [
    pytest.mark.postgres,
]


@pytest.fixture
def _before_restore(django_db_setup, django_db_blocker):
    from tests.core import db_snapshot

    db_snapshot.remember()
    db_snapshot.prepare_restore(django_db_blocker)


@pytest.fixture(autouse=True)
def _committed_database(_before_restore, transactional_db, django_db_serialized_rollback):
    """Threads see only committed rows: a transactional test, with the migrated data (roles)
    restored reliably whatever ran before in this process (tests/core/db_snapshot.py)."""
    from tests.core import db_snapshot

    db_snapshot.reset_sequences()
    yield
    db_snapshot.attach()


def test_two_simultaneous_deliveries_issue_one_certificate(learner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    enrolment = completed_enrolment(learner, make_course())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait()
            results.append(certificate_issue(enrolment_id=enrolment.pk).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
