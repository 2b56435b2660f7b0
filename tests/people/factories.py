"""Builders for HR tests: units, staff, courses, completions."""

from datetime import date, timedelta

from django.utils import timezone

from courses.models import CoursePage, Enrolment
from people.models import HRScope, Requirement, StaffProfile
from tests import factories
from tests.factories import StaffFactory, make_unit  # noqa: F401 (re-exported)
from tests.factories import catalogue as course_index  # noqa: F401 (re-exported)


def make_course(title="Seguridad de la información", validity_months=12) -> CoursePage:
    """A live course without lessons (HR tests complete it by writing the enrolment)."""
    return factories.make_course(
        title=title, summary="Curso", validity_months=validity_months, lessons=0
    )


def make_requirement(course, unit=None, **kwargs) -> Requirement:
    defaults = {
        "scope": Requirement.Scope.UNIT if unit else Requirement.Scope.EVERYONE,
        "due_days": 30,
        "created_at": timezone.now() - timedelta(days=365),
    }
    defaults.update(kwargs)
    return Requirement.objects.create(course=course, unit=unit, **defaults)


def complete(profile: StaffProfile, course: CoursePage, on: date, cycle: int | None = None):
    """A completed enrolment on a given day (and its certificate when the app provides it)."""
    cycle = cycle or (Enrolment.objects.filter(learner=profile.user, course=course).count() + 1)
    moment = timezone.make_aware(timezone.datetime.combine(on, timezone.datetime.min.time()))
    moment += timedelta(hours=12)
    enrolment = Enrolment.objects.create(
        learner=profile.user,
        course=course,
        cycle=cycle,
        status=Enrolment.Status.COMPLETED,
        progress_percent=100,
        completed_at=moment,
        enrolled_at=moment - timedelta(days=3),
    )
    _certificate_for(enrolment, on)
    return enrolment


def _certificate_for(enrolment, on: date):
    try:
        from certificates.models import Certificate
    except ImportError:
        return None
    from dateutil.relativedelta import relativedelta

    months = enrolment.course.validity_months
    return Certificate.objects.create(
        code=f"T{enrolment.pk:08d}",
        enrolment=enrolment,
        learner=enrolment.learner,
        course=enrolment.course,
        completed_on=on,
        expires_on=on + relativedelta(months=months) if months else None,
        status=Certificate.Status.ISSUED,
        course_title=enrolment.course.title,
        learner_name=enrolment.learner.get_full_name(),
        learner_identifier="",
    )


def scope(user, unit) -> HRScope:
    return HRScope.objects.create(user=user, unit=unit)
