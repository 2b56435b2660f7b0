"""Personal-data requests (Ecuador's LOPDP): export everything about a person, anonymise a
person who has left. Aggregate statistics survive anonymisation: enrolments, completions and
certificate records stay, only what identifies the person is replaced."""

from __future__ import annotations

import io
import json
import zipfile

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from certificates.api import Certificate, certificate_anonymise
from core.api import audit_log
from courses.api import Enrolment, LessonProgress

from . import selectors
from .models import StaffProfile
from .services import sessions_end


def _certificates(user) -> list[dict]:
    fields = [
        f.name
        for f in Certificate._meta.concrete_fields
        if f.name not in {"pdf", "credential"} and not f.is_relation
    ]
    return list(Certificate.objects.filter(learner=user).values(*fields, "course__title"))


def _attempts(user) -> list[dict]:
    return list(
        selectors.attempts_for(user).values(
            "quiz__title", "number", "state", "started_at", "submitted_at", "score", "passed"
        )
    )


def personal_data_collect(profile: StaffProfile) -> dict:
    user = profile.user
    enrolments = list(Enrolment.objects.filter(learner=user).select_related("course"))
    content_types = ModelLogEntry.objects.filter(
        Q(content_type__model="user", object_id=str(user.pk))
        | Q(content_type__model="staffprofile", object_id=str(profile.pk))
        | Q(user=user)
    )
    return {
        "generated_at": timezone.now(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": list(user.groups.values_list("name", flat=True)),
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "profile": {
            "employee_id": profile.employee_id,
            "unit": profile.unit.name,
            "unit_code": profile.unit.code,
            "position": profile.position,
            "manager": profile.manager.employee_id if profile.manager_id else None,
            "status": profile.status,
            "start_date": profile.start_date,
            "end_date": profile.end_date,
        },
        "enrolments": [
            {
                "id": e.pk,
                "course": e.course.title,
                "cycle": e.cycle,
                "source": e.source,
                "status": e.status,
                "progress_percent": e.progress_percent,
                "due_date": e.due_date,
                "enrolled_at": e.enrolled_at,
                "completed_at": e.completed_at,
            }
            for e in enrolments
        ],
        "lesson_progress": list(
            LessonProgress.objects.filter(enrolment__learner=user).values(
                "enrolment_id", "lesson__title", "first_viewed_at", "completed_at"
            )
        ),
        "attempts": _attempts(user),
        "certificates": _certificates(user),
        "audit_log": list(
            content_types.order_by("timestamp").values(
                "timestamp", "action", "content_type__model", "object_id", "data"
            )
        ),
    }


def personal_data_zip(*, profile: StaffProfile, user=None) -> bytes:
    """Everything the platform holds about a person, as JSON in a ZIP."""
    data = personal_data_collect(profile)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"datos-personales-{profile.employee_id}.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    audit_log(instance=profile, action="people.personal_data_exported", user=user)
    return buffer.getvalue()


@transaction.atomic
def person_anonymise(*, profile: StaffProfile, user=None) -> StaffProfile:
    """Replace name, e-mail and employee id of a person who has left; deactivate the account;
    anonymise their certificates (verification keeps working: "titular anonimizado")."""
    profile = StaffProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if profile.status != StaffProfile.Status.LEFT:
        raise ValidationError(_("Only a person who has left can be anonymised."))
    account = profile.user
    if account.email.endswith("@anonimizado.invalid"):
        raise ValidationError(_("This person is already anonymised."))
    certificate_anonymise(learner=account)
    account.first_name = "Titular"
    account.last_name = "anonimizado"
    account.email = f"persona-{account.pk}@anonimizado.invalid"
    account.is_active = False
    account.set_unusable_password()
    account.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
    EmailAddress.objects.filter(user=account).delete()
    account.socialaccount_set.all().delete()
    profile.employee_id = f"ANON-{profile.pk}"
    profile.position = ""
    profile.manager = None
    profile.save(update_fields=["employee_id", "position", "manager", "updated_at"])
    # The audit trail keeps what happened, not who it was.
    ModelLogEntry.objects.filter(
        Q(content_type__model="user", object_id=str(account.pk))
        | Q(content_type__model="staffprofile", object_id=str(profile.pk))
    ).update(label=str(profile), data={})
    audit_log(instance=profile, action="people.person_anonymised", user=user)
    transaction.on_commit(lambda: sessions_end(user_ids=[account.pk]))
    return profile
