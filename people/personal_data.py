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
from core.api import audit_log, notifications_anonymise, notifications_of
from courses.api import Enrolment, LessonProgress

from . import hooks, selectors
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
        "notifications": notifications_of(recipient=user),
        "audit_log": list(
            content_types.order_by("timestamp").values(
                "timestamp", "action", "content_type__model", "object_id", "data"
            )
        ),
        # Records of the apps above people (the knowledge base: articles, reviews,
        # handovers, system ownerships), each under its own key.
        **{
            name: collect(profile=profile)
            for name, collect in hooks.personal_data_sections().items()
        },
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


PSEUDONYM = ("Titular", "anonimizado")
# Keys of audit data that identify the person whose own entries they are.
IDENTIFYING_KEYS = {"email", "first_name", "last_name", "employee_id", "position", "ip", "name"}


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def anonymise_confirmation_matches(*, profile: StaffProfile, typed: str | None) -> bool:
    """The person's full name typed again, ignoring case and spacing."""
    expected = _normalised(profile.user.get_full_name())
    return bool(expected) and _normalised(typed or "") == expected


def _scrub(value, identifiers: list[str], pseudonym: str, *, own: bool, key: str = ""):
    if own and key in IDENTIFYING_KEYS and value not in (None, ""):
        return "anonimizado"
    if isinstance(value, dict):
        return {k: _scrub(v, identifiers, pseudonym, own=own, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, identifiers, pseudonym, own=own, key=key) for v in value]
    if isinstance(value, str):
        for identifier in identifiers:
            if identifier.casefold() in value.casefold():
                value = _replace_casefold(value, identifier, pseudonym)
    return value


def _replace_casefold(text: str, old: str, new: str) -> str:
    lower, needle, out, start = text.casefold(), old.casefold(), [], 0
    while (found := lower.find(needle, start)) != -1:
        out.append(text[start:found] + new)
        start = found + len(old)
    return "".join(out) + text[start:]


def _anonymise_audit_trail(*, account, profile: StaffProfile, identifiers: list[str]) -> None:
    """The audit trail keeps what happened, not who it was: entries about the person get a
    label without their name and lose identifying values; any other entry that stored their
    name, e-mail or employee id as text gets the pseudonym instead. Who acted is rendered
    from the (now anonymised) user row, so it needs no rewrite."""
    pseudonym = " ".join(PSEUDONYM)
    own = Q(content_type__model="user", object_id=str(account.pk)) | Q(
        content_type__model="staffprofile", object_id=str(profile.pk)
    )
    mentions = Q()
    for identifier in identifiers:
        mentions |= Q(label__icontains=identifier) | Q(data__icontains=identifier)
    entries = ModelLogEntry.objects.filter(own | mentions).select_related("content_type")
    for entry in entries.iterator():
        model = entry.content_type.model
        is_own = (model == "user" and entry.object_id == str(account.pk)) or (
            model == "staffprofile" and entry.object_id == str(profile.pk)
        )
        if is_own:
            entry.label = (account if model == "user" else profile).audit_label()
        else:
            entry.label = _scrub(entry.label, identifiers, pseudonym, own=False)
        entry.data = _scrub(entry.data, identifiers, pseudonym, own=is_own)
        entry.save(update_fields=["label", "data"])


@transaction.atomic
def person_anonymise(
    *, profile: StaffProfile, confirmed_name: str | None = None, user=None
) -> StaffProfile:
    """Replace name, e-mail and employee id of a person who has left, once the person's full
    name was typed as confirmation (`confirmed_name`); deactivate the account; anonymise
    their certificates (verification keeps working: "titular anonimizado"); let the apps
    above people remove them (the knowledge base takes them off system owners and backups);
    scrub their name from the audit trail. All or nothing."""
    profile = (
        StaffProfile.objects.select_for_update(of=("self", "user"))
        .select_related("user")
        .get(pk=profile.pk)
    )
    if profile.status != StaffProfile.Status.LEFT:
        raise ValidationError(_("Only a person who has left can be anonymised."))
    account = profile.user
    if account.email.endswith("@anonimizado.invalid"):
        raise ValidationError(_("This person is already anonymised."))
    if not anonymise_confirmation_matches(profile=profile, typed=confirmed_name):
        raise ValidationError(
            _("To confirm, type the person's full name exactly as shown: %(name)s.")
            % {"name": account.get_full_name()}
        )
    identifiers = [
        value
        for value in {
            account.get_full_name().strip(),
            account.email,
            profile.employee_id,
            *EmailAddress.objects.filter(user=account).values_list("email", flat=True),
        }
        if value and len(value) >= 4
    ]
    certificate_anonymise(learner=account)
    notifications_anonymise(recipient=account)
    for anonymise in hooks.person_anonymisers().values():
        anonymise(profile=profile, user=user)
    account.first_name, account.last_name = PSEUDONYM
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
    _anonymise_audit_trail(account=account, profile=profile, identifiers=identifiers)
    audit_log(instance=profile, action="people.person_anonymised", user=user)
    transaction.on_commit(lambda: sessions_end(user_ids=[account.pk]))
    return profile
