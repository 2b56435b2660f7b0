"""Builders for HR tests: units, staff, courses, completions."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from core.models import HomePage
from core.roles import Role
from courses.models import CourseIndexPage, CoursePage, Enrolment
from people.models import HRScope, OrgUnit, Requirement, StaffProfile
from tests.core.factories import UserFactory


def make_unit(code: str, parent: OrgUnit | None = None, name: str | None = None) -> OrgUnit:
    name = name or f"Unidad {code}"
    if parent is None:
        return OrgUnit.add_root(code=code, name=name, kind=OrgUnit.Kind.INSTITUTION)
    return OrgUnit.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=OrgUnit.Kind.UNIT)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory, roles=[Role.LEARNER])
    employee_id = factory.Sequence(lambda n: f"17{n:08d}")
    position = "Analista"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    placed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        index = home.add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
    return index


def make_course(title="Seguridad de la información", validity_months=12) -> CoursePage:
    slug = slugify(title)[:40] + f"-{CoursePage.objects.count()}"
    return course_index().add_child(
        instance=CoursePage(
            title=title,
            slug=slug,
            summary="Curso",
            validity_months=validity_months,
            completion_rule=CoursePage.CompletionRule.ALL_LESSONS,
        )
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
