"""A small read API for HR dashboards and integrations, under the same scoping as the pages:
a scoped officer or a manager never receives anyone outside their scope (404 for guesses)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from core.api import MAX_DB_INTEGER

from . import selectors
from .models import StaffProfile

api = NinjaAPI(
    title="Relevo · Talento humano",
    version="1",
    # Included under people/urls.py's app namespace: the OpenAPI document reverses through it.
    urls_namespace="people:people_api",
    auth=django_auth,
    docs_url=None,
    # The schema names HR's fields: only the people who may call the API read it.
    docs_decorator=lambda view: _hr_only(view),
)


class StaffOut(Schema):
    id: int
    employee_id: str
    first_name: str
    last_name: str
    email: str
    unit: str
    position: str
    status: str

    @staticmethod
    def resolve_first_name(obj):
        return obj.user.first_name

    @staticmethod
    def resolve_last_name(obj):
        return obj.user.last_name

    @staticmethod
    def resolve_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code


class ComplianceOut(Schema):
    requirement: int
    course: str
    status: str
    valid_until: date | None
    due_on: date | None


class StaffDetailOut(StaffOut):
    compliance: list[ComplianceOut]


class RequirementTotalsOut(Schema):
    requirement: int
    course: str
    total: int
    compliant: int
    expiring: int
    expired: int
    pending: int
    overdue: int
    percent: int | None


class BoundedPagination(LimitOffsetPagination):
    """limit and offset within what the database accepts: a larger number is a 422, not a
    500 from SQLite or PostgreSQL."""

    MAX_LIMIT = 500

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_DB_INTEGER - 500)

    def __init__(self, **kwargs):
        super().__init__(max_limit=self.MAX_LIMIT, **kwargs)


def _hr_only(view):
    def hr_only(request, *args, **kwargs):
        if not request.user.has_perm("people.use_hr"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return hr_only


def _check(request) -> None:
    if not request.user.has_perm("people.use_hr"):
        raise HttpError(403, "Forbidden")


def _staff(request, unidad: str | None):
    staff = selectors.visible_staff(request.user)
    if unidad:
        unit = get_object_or_404(selectors.visible_units(request.user), code=unidad)
        staff = staff.filter(unit__path__startswith=unit.path)
    return staff


@api.get("/personal", response=list[StaffOut])
@paginate(BoundedPagination)
def staff_list(request, q: str = "", unidad: str | None = None):
    _check(request)
    return selectors.staff_search(_staff(request, unidad), text=q[:100])


@api.get("/personal/{profile_id}", response=StaffDetailOut)
def staff_detail(request, profile_id: int):
    _check(request)
    profile = get_object_or_404(selectors.visible_staff(request.user), pk=profile_id)
    one = StaffProfile.objects.filter(pk=profile.pk)
    compliance = []
    for requirement in selectors.requirements_for_profile(profile):
        row = selectors.compliance_queryset(requirement, one).first()
        if row is None:
            continue
        until = None if row.held_until in (None, selectors.NEVER) else row.held_until
        compliance.append(
            {
                "requirement": requirement.pk,
                "course": requirement.course.title,
                "status": row.compliance,
                "valid_until": until,
                "due_on": row.due_on,
            }
        )
    profile.compliance = compliance
    return profile


@api.get("/cumplimiento", response=list[RequirementTotalsOut])
def compliance_totals(request, unidad: str | None = None):
    _check(request)
    staff = _staff(request, unidad)
    out = []
    for requirement in selectors.active_requirements():
        totals = selectors.compliance_totals(requirement, staff)
        out.append({"requirement": requirement.pk, "course": requirement.course.title, **totals})
    return out
