import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from certificates import hooks, services
from certificates.models import Certificate
from certificates.signing import SigningKeyUnavailable
from certificates.tasks import issue_certificate
from core.models import OutboxMessage
from core.outbox import outbox_send, outbox_sweep
from tests.certificates.factories import complete_course, completed_enrolment, make_course

pytestmark = pytest.mark.django_db


def test_completing_a_course_issues_one_certificate(
    learner, course, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, course)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.learner_name == learner.get_full_name()
    assert certificate.learner_identifier == learner.email
    assert certificate.course_title == course.title
    assert certificate.hours == Decimal("12.0")
    assert certificate.expires_on is None
    assert certificate.signed_with_dev_key is True
    assert OutboxMessage.objects.filter(dedupe_key=f"certificate:{enrolment.pk}").count() == 1
    # The learner receives the PDF by e-mail (the certificate's e-mail follows the issue).
    issued = [m for m in mailoutbox if certificate.code in m.body]
    assert len(issued) == 1
    assert issued[0].to == [learner.email]
    _name, content, mimetype = issued[0].attachments[0]
    assert mimetype == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
    assert ModelLogEntry.objects.filter(action="relevo.certificate_issued").count() == 1


def test_the_outbox_message_is_written_in_the_completing_transaction(learner, course):
    with pytest.raises(RuntimeError), transaction.atomic():
        complete_course(learner, course)
        assert OutboxMessage.objects.filter(task_name__startswith="certificates.").count() == 1
        raise RuntimeError("the completion is rolled back")
    assert not OutboxMessage.objects.exists()
    assert not Certificate.objects.exists()


def test_a_second_run_and_a_duplicated_delivery_change_nothing(
    learner, course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, course)
    first = Certificate.objects.get()
    message = OutboxMessage.objects.get()
    # The task runs again (retry, redelivery after a worker crash) ...
    issue_certificate.apply(kwargs={"enrolment_id": enrolment.pk})
    # ... the outbox sends the same message twice ...
    OutboxMessage.objects.filter(pk=message.pk).update(completed_at=None)
    outbox_send(message_id=message.pk)
    outbox_sweep()
    # ... and the service is called directly.
    again = services.certificate_issue(enrolment_id=enrolment.pk)
    assert again.pk == first.pk
    current = Certificate.objects.get()
    assert (current.code, current.pdf_sha256, current.pdf.name) == (
        first.code,
        first.pdf_sha256,
        first.pdf.name,
    )
    assert ModelLogEntry.objects.filter(action="relevo.certificate_issued").count() == 1


def test_the_database_allows_one_current_certificate_per_enrolment(certificate):
    duplicate = Certificate(
        code="ABCD-EFGH-23",
        enrolment=certificate.enrolment,
        learner=certificate.learner,
        course=certificate.course,
        course_title="x",
        completed_on=certificate.completed_on,
        learner_name="x",
        learner_identifier="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.status = Certificate.Status.SUPERSEDED
    duplicate.save()  # history is allowed


def test_expiry_uses_course_validity_with_calendar_months(learner, issue):
    course = make_course(validity_months=1)
    completed = datetime.datetime(2025, 1, 31, 15, tzinfo=datetime.UTC)
    certificate = issue(learner, course, completed_at=completed)
    assert certificate.completed_on == datetime.date(2025, 1, 31)
    assert certificate.expires_on == datetime.date(2025, 2, 28)


def test_a_validity_provider_overrides_the_course(learner, issue, monkeypatch):
    monkeypatch.setattr(hooks, "_validity_providers", [])
    hooks.register_validity_provider(lambda enrolment: 24)
    completed = datetime.datetime(2025, 3, 10, 15, tzinfo=datetime.UTC)
    certificate = issue(learner, make_course(validity_months=6), completed_at=completed)
    assert certificate.expires_on == datetime.date(2027, 3, 10)


def test_an_identifier_provider_gives_the_identification(learner, issue, monkeypatch):
    monkeypatch.setattr(hooks, "_identifier_providers", [])
    hooks.register_identifier_provider(lambda user: f"EMP-{user.pk}")
    certificate = issue(learner)
    assert certificate.learner_identifier == f"EMP-{learner.pk}"


def test_an_unfinished_enrolment_gets_no_certificate(learner, course):
    from courses.services import enrolment_create

    enrolment = enrolment_create(learner=learner, course=course)
    with pytest.raises(ValidationError):
        services.certificate_issue(enrolment_id=enrolment.pk)
    assert not Certificate.objects.exists()


def test_the_email_is_in_the_learners_language(
    make_user, issue, mailoutbox, django_capture_on_commit_callbacks
):
    from core.roles import Role

    english = make_user(Role.LEARNER, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(english)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("[Relevo] Your certificate for")
    assert "Congratulations" in mailoutbox[0].body
    assert mailoutbox[0].attachments[0][0] == f"certificado-{certificate.code}.pdf"


def test_the_email_of_an_issue_rolled_back_is_never_sent(
    learner, course, mailoutbox, django_capture_on_commit_callbacks
):
    from core.models import NotificationLog

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.certificate_issue(enrolment_id=completed_enrolment(learner, course).pk)
        assert NotificationLog.objects.filter(kind="certificates.issued").count() == 1
        raise RuntimeError("the issuing transaction fails")
    assert not NotificationLog.objects.exists()
    assert mailoutbox == []


def test_without_a_key_in_production_nothing_is_issued_and_admins_see_why(
    learner, course, settings, django_capture_on_commit_callbacks, admin_user, client
):
    settings.CERTIFICATE_ALLOW_DEV_KEY = False
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, course)
    assert not Certificate.objects.exists()
    message = OutboxMessage.objects.get(dedupe_key=f"certificate:{enrolment.pk}")
    assert message.completed_at is None
    assert "CERTIFICATE_SIGNING_P12_PATH" in message.last_error
    with pytest.raises(SigningKeyUnavailable):
        services.certificate_issue(enrolment_id=enrolment.pk)

    client.force_login(admin_user)
    response = client.get("/admin/certificados/emisiones-fallidas/")
    assert response.status_code == 200
    assert "CERTIFICATE_SIGNING_P12_PATH" in response.content.decode()

    # Once the key is configured, the sweep issues it.
    settings.CERTIFICATE_ALLOW_DEV_KEY = True
    OutboxMessage.objects.update(enqueued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    assert Certificate.objects.filter(enrolment=enrolment).exists()


def test_the_failed_issuances_report_is_for_managers_only(learner, client):
    client.force_login(learner)
    response = client.get("/admin/certificados/emisiones-fallidas/")
    assert response.status_code in {302, 403}


def test_an_institution_p12_signs_without_the_dev_flag(learner, issue, settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from certificates.signing import _generate_dev_p12

    key, cert, _ = pkcs12.load_key_and_certificates(_generate_dev_p12(), b"relevo-dev-key")
    path = tmp_path / "institucion.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"inst", key, cert, None, serialization.BestAvailableEncryption(b"secreto")
        )
    )
    settings.CERTIFICATE_SIGNING_P12_PATH = str(path)
    settings.CERTIFICATE_SIGNING_P12_PASSWORD = "secreto"
    certificate = issue(learner)
    assert certificate.signed_with_dev_key is False

    settings.CERTIFICATE_SIGNING_P12_PASSWORD = "wrong"
    with pytest.raises(SigningKeyUnavailable):
        issue(learner)


def test_the_completion_transaction_survives_a_failing_issue(
    learner, course, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_ALLOW_DEV_KEY = False
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, course)
    enrolment.refresh_from_db()
    assert enrolment.status == enrolment.Status.COMPLETED


def test_valid_certificates_selector(learner, issue):
    from certificates.selectors import valid_certificates

    old = issue(
        learner,
        make_course(validity_months=12),
        completed_at=datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.UTC),
    )
    current = issue(learner)
    assert set(valid_certificates()) == {current}
    assert set(valid_certificates(on=datetime.date(2020, 6, 1))) == {old, current}
    assert completed_enrolment  # factory used by other tests


def test_pending_issuances_can_be_issued_by_command(
    learner, course, settings, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    settings.CERTIFICATE_ALLOW_DEV_KEY = False
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, course)
    err = io.StringIO()
    call_command("issue_pending_certificates", stdout=io.StringIO(), stderr=err)
    assert "CERTIFICATE_SIGNING_P12_PATH" in err.getvalue()
    settings.CERTIFICATE_ALLOW_DEV_KEY = True
    call_command("issue_pending_certificates", stdout=io.StringIO())
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert not OutboxMessage.objects.filter(completed_at__isnull=True).exists()


def test_rotate_credential_key_command(certificate):
    import io

    from django.core.management import call_command

    from certificates.models import CredentialSigningKey

    call_command("rotate_credential_key", stdout=io.StringIO())
    assert CredentialSigningKey.objects.filter(retired_at__isnull=True).count() == 1
    assert CredentialSigningKey.objects.count() == 2
