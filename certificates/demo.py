"""Demo certificates, after the courses demo: the demo learner holds a valid certificate, and
there is one expired and one revoked certificate. Idempotent; prints the codes."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from courses.api import CoursePage, Enrolment, EnrolmentStatus, live_courses

from .models import Certificate
from .services import certificate_issue, certificate_rerender, certificate_revoke

LEARNER = "funcionario@relevo.demo"
EXPIRED_HOLDER = "custodio@relevo.demo"
REVOKED_HOLDER = "revisor@relevo.demo"
REVOKER = "admin@relevo.demo"
REVOCATION_REASON = "Demostración: certificado emitido por error en el registro de asistencia."


def _completed_enrolment(user, course: CoursePage, *, days_ago: int) -> Enrolment:
    done = (
        Enrolment.objects.filter(learner=user, course=course, status=EnrolmentStatus.COMPLETED)
        .order_by("cycle")
        .first()
    )
    if done is not None:
        return done
    completed_at = timezone.now() - timedelta(days=days_ago)
    active = Enrolment.objects.filter(
        learner=user, course=course, status=EnrolmentStatus.ACTIVE
    ).first()
    if active is not None:
        active.status = EnrolmentStatus.COMPLETED
        active.progress_percent = 100
        active.completed_at = completed_at
        active.save(update_fields=["status", "progress_percent", "completed_at"])
        return active
    last = Enrolment.objects.filter(learner=user, course=course).aggregate(n=Max("cycle"))["n"]
    return Enrolment.objects.create(
        learner=user,
        course=course,
        cycle=(last or 0) + 1,
        status=EnrolmentStatus.COMPLETED,
        progress_percent=100,
        enrolled_at=completed_at - timedelta(days=14),
        completed_at=completed_at,
    )


def _certificate(user, course, *, days_ago: int) -> Certificate:
    enrolment = _completed_enrolment(user, course, days_ago=days_ago)
    return certificate_issue(enrolment_id=enrolment.pk, notify=False)


def seed(stdout) -> None:
    users = {
        u.email: u
        for u in get_user_model().objects.filter(
            email__in=[LEARNER, EXPIRED_HOLDER, REVOKED_HOLDER, REVOKER]
        )
    }
    courses = list(live_courses().order_by("path")[:3])
    if not courses or LEARNER not in users:
        stdout.write(
            "Certificates: no demo courses (or demo accounts) yet; no certificates created."
        )
        return

    valid = (
        Certificate.objects.filter(learner=users[LEARNER], status=Certificate.Status.ISSUED)
        .order_by("issued_at")
        .first()
    )
    if valid is None or valid.is_expired():
        # The learner's courses in progress (the half-done one, the assigned one) stay as the
        # courses demo left them: the certificate is for another course.
        studying = set(
            Enrolment.objects.filter(
                learner=users[LEARNER], status=EnrolmentStatus.ACTIVE
            ).values_list("course_id", flat=True)
        )
        valid_course = next((c for c in courses if c.pk not in studying), courses[-1])
        valid = _certificate(users[LEARNER], valid_course, days_ago=20)

    expired = _certificate(users.get(EXPIRED_HOLDER, users[LEARNER]), courses[-1], days_ago=800)
    if not expired.is_expired():
        # A 12-month certificate of a course completed more than two years ago.
        Certificate.objects.filter(pk=expired.pk).update(
            expires_on=expired.completed_on + relativedelta(months=12)
        )
        certificate_rerender(certificate_id=expired.pk)
        expired.refresh_from_db()

    revoked_course = courses[1] if len(courses) > 1 else courses[0]
    revoked = _certificate(users.get(REVOKED_HOLDER, users[LEARNER]), revoked_course, days_ago=60)
    if revoked.status == Certificate.Status.ISSUED and REVOKER in users:
        revoked = certificate_revoke(
            certificate=revoked, by=users[REVOKER], reason=REVOCATION_REASON, notify=False
        )

    stdout.write("Demo certificates (verify at /verificar/<code>/):")
    stdout.write(f"  valid    {valid.code}   {valid.learner_name} · {valid.course_title}")
    stdout.write(f"  expired  {expired.code}   {expired.learner_name} · {expired.course_title}")
    stdout.write(f"  revoked  {revoked.code}   {revoked.learner_name} · {revoked.course_title}")
