"""People's hooks into certificates: HR validity on issuance, the cédula as identifier,
anonymisation."""

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from certificates import services as certificate_services
from courses.models import Enrolment
from people.selectors import Compliance, compliance_queryset
from tests.people.factories import StaffFactory, make_course, make_requirement

pytestmark = pytest.mark.django_db


def completed(profile, course, on):
    moment = timezone.make_aware(
        timezone.datetime.combine(on, timezone.datetime.min.time())
    ) + relativedelta(hours=12)
    return Enrolment.objects.create(
        learner=profile.user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        progress_percent=100,
        completed_at=moment,
    )


def test_issued_certificate_carries_hr_validity_and_cedula(tree):
    today = timezone.localdate()
    course = make_course(validity_months=24)
    person = StaffFactory(unit=tree["dir-a"], employee_id="1712121212")
    requirement = make_requirement(course, unit=tree["dir-a"], validity_months=6)
    enrolment = completed(person, course, today - relativedelta(months=7))
    certificate = certificate_services.certificate_issue(enrolment_id=enrolment.pk)
    assert certificate.expires_on == certificate.completed_on + relativedelta(months=6)
    assert certificate.learner_identifier == "1712121212"
    row = compliance_queryset(requirement).get(pk=person.pk)
    assert row.compliance == Compliance.EXPIRED


def test_revoked_certificate_does_not_count(tree, admin_user):
    today = timezone.localdate()
    course = make_course(validity_months=12)
    person = StaffFactory(unit=tree["dir-a"])
    requirement = make_requirement(course, unit=tree["dir-a"])
    enrolment = completed(person, course, today - relativedelta(months=1))
    certificate = certificate_services.certificate_issue(enrolment_id=enrolment.pk)
    assert compliance_queryset(requirement).get(pk=person.pk).compliance == Compliance.COMPLIANT
    certificate_services.certificate_revoke(
        certificate=certificate, by=admin_user, reason="Emitido por error en la demostración"
    )
    assert compliance_queryset(requirement).get(pk=person.pk).compliance != Compliance.COMPLIANT


def test_anonymising_a_person_anonymises_their_certificates(tree, admin_user):
    from people.models import StaffProfile
    from people.personal_data import person_anonymise
    from people.services import staff_status_set

    course = make_course(validity_months=12)
    person = StaffFactory(unit=tree["dir-a"])
    enrolment = completed(person, course, timezone.localdate() - relativedelta(months=1))
    certificate = certificate_services.certificate_issue(enrolment_id=enrolment.pk)
    staff_status_set(profile=person, status=StaffProfile.Status.LEFT, user=admin_user)
    person_anonymise(profile=person, confirmed_name=person.user.get_full_name(), user=admin_user)
    certificate.refresh_from_db()
    assert certificate.anonymised
    assert certificate.status == certificate.Status.ISSUED  # still verifiable
