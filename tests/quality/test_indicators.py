"""Each computed indicator against hand-computed data, the monthly series, manual values with
their evidence, and the audit of baseline and target changes."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessments.models import Attempt
from core.roles import Role
from courses.models import Enrolment
from quality import indicators, services
from quality.models import GainDesign, Indicator, IndicatorValue, SurveyParticipation
from quality.selectors import normalised_gain, open_data_rows
from quality.tasks import daily_quality
from tests.assessments.factories import QuizFactory
from tests.knowledge_base.factories import make_article, make_profile, make_system
from tests.people.factories import StaffFactory, complete, make_course, make_requirement, make_unit
from tests.quality.factories import answers, make_indicator, make_survey

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _value(indicator, unit_id=None):
    return indicators.compute(indicator, unit_id=unit_id, on=TODAY)


def test_certified_share_of_staff_in_scope():
    root = make_unit("min")
    unit = make_unit("dir", root)
    course = make_course()
    requirement = make_requirement(course)
    people = [StaffFactory(unit=unit) for _ in range(3)] + [StaffFactory(unit=root)]
    complete(people[0], course, TODAY - timedelta(days=10))
    indicator = make_indicator(Indicator.Source.CERTIFIED, requirement=requirement)
    assert _value(indicator) == (25.0, 1, 4)
    assert _value(indicator, unit.pk) == (33.33, 1, 3)


def test_completion_rate():
    course = make_course()
    unit = make_unit("min")
    done = [StaffFactory(unit=unit) for _ in range(2)]
    for profile in done:
        complete(profile, course, TODAY - timedelta(days=2))
    Enrolment.objects.create(learner=StaffFactory(unit=unit).user, course=course)
    indicator = make_indicator(Indicator.Source.COMPLETION, course=course)
    assert _value(indicator) == (66.67, 2, 3)


def test_mean_satisfaction_hidden_below_the_minimum_group(make_user):
    course = make_course()
    survey = make_survey(course=course)
    indicator = make_indicator(Indicator.Source.SATISFACTION)
    for likert in (3, 4):
        user = make_user(Role.LEARNER)
        SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=user)
        services.survey_submit(survey=survey, user=user, data=answers(survey, likert=likert))
    assert _value(indicator) == (None, None, 2)
    user = make_user(Role.LEARNER)
    SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=user)
    services.survey_submit(survey=survey, user=user, data=answers(survey, likert=5))
    assert _value(indicator) == (4.0, 12.0, 3)


def _attempt(quiz, learner, score):
    return Attempt.objects.create(
        quiz=quiz,
        learner=learner,
        number=Attempt.objects.filter(quiz=quiz, learner=learner).count() + 1,
        state=Attempt.State.SUBMITTED,
        started_at=timezone.now(),
        submitted_at=timezone.now(),
        score=Decimal(score),
    )


def test_mean_normalised_gain(make_user):
    course = make_course()
    pre, post = QuizFactory(course=course), QuizFactory(course=course)
    GainDesign.objects.create(course=course, pre_quiz=pre, post_quiz=post)
    a, b, c = (make_user(Role.LEARNER) for _ in range(3))
    for user in (a, b, c):
        Enrolment.objects.create(learner=user, course=course)
    _attempt(pre, a, 50), _attempt(post, a, 75)  # g = 0.5
    _attempt(pre, b, 20), _attempt(post, b, 100)  # g = 1.0
    _attempt(pre, c, 40)  # no post-test: not counted
    indicator = make_indicator(Indicator.Source.GAIN)
    assert _value(indicator) == (0.75, 1.5, 2)
    assert normalised_gain(100, 100) is None


def test_critical_systems_with_bus_factor_two_and_no_overdue_runbook():
    two = [make_profile(Role.CUSTODIAN) for _ in range(2)]
    covered = make_system(owners=two[:1], backups=two[1:], availability="high")
    make_system(owners=two[:1], integrity="high")  # one person only
    stale = make_system(owners=two[:1], backups=two[1:], confidentiality="high")
    make_system(owners=two[:1])  # not critical
    make_article(systems=[covered])
    make_article(systems=[stale], stale=True)
    indicator = make_indicator(Indicator.Source.BUS_FACTOR)
    assert _value(indicator) == (33.33, 1, 3)
    reviewed = make_indicator(Indicator.Source.REVIEWED)
    assert _value(reviewed) == (50.0, 1, 2)


def test_daily_job_stores_the_month_and_the_value_moves():
    course = make_course()
    unit = make_unit("min")
    people = [StaffFactory(unit=unit) for _ in range(4)]
    complete(people[0], course, TODAY - timedelta(days=2))
    for profile in people[1:]:
        Enrolment.objects.create(learner=profile.user, course=course)
    indicator = make_indicator(Indicator.Source.COMPLETION, course=course)
    daily_quality()
    first = IndicatorValue.objects.get(indicator=indicator, unit__isnull=True)
    assert first.period == TODAY.replace(day=1)
    assert first.value == 25.0
    assert IndicatorValue.objects.filter(indicator=indicator, unit=unit).exists()
    complete(people[1], course, TODAY)
    Enrolment.objects.filter(learner=people[1].user, completed_at__isnull=True).delete()
    daily_quality()  # idempotent: the month's row is replaced, not added
    assert IndicatorValue.objects.filter(indicator=indicator, unit__isnull=True).count() == 1
    assert IndicatorValue.objects.get(indicator=indicator, unit__isnull=True).value == 50.0


def test_manual_value_needs_its_evidence(client, officer):
    indicator = make_indicator(Indicator.Source.MANUAL)
    with pytest.raises(Exception, match=r"evidence|evidencia|Attach|Adjunte"):
        services.indicator_value_record(
            indicator=indicator, period=TODAY, value=5, evidence=None, user=officer
        )
    client.force_login(officer)
    url = reverse("quality:indicator_value", args=[indicator.pk])
    response = client.post(url, {"period": TODAY.isoformat(), "value": "61.5"})
    assert response.status_code == 422
    assert not IndicatorValue.objects.exists()
    bad = SimpleUploadedFile("x.exe", b"MZ")
    response = client.post(url, {"period": TODAY.isoformat(), "value": "61.5", "evidence": bad})
    assert response.status_code == 422
    good = SimpleUploadedFile("informe.pdf", b"%PDF-1.4 informe")
    response = client.post(url, {"period": TODAY.isoformat(), "value": "61.5", "evidence": good})
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.value, value.period, value.entered_by) == (61.5, TODAY.replace(day=1), officer)
    assert ModelLogEntry.objects.filter(action="quality.indicator_value_recorded").exists()
    evidence = client.get(reverse("quality:evidence", args=[value.pk]))
    assert evidence.status_code == 200


def test_manual_values_refused_without_the_role(client, make_user):
    indicator = make_indicator(Indicator.Source.MANUAL)
    for roles in ((Role.LEARNER,), (Role.TRAINER,)):
        client.force_login(make_user(*roles))
        url = reverse("quality:indicator_value", args=[indicator.pk])
        good = SimpleUploadedFile("informe.pdf", b"%PDF-1.4")
        response = client.post(url, {"period": TODAY.isoformat(), "value": "1", "evidence": good})
        assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_a_change_of_target_or_baseline_is_audited(officer):
    indicator = make_indicator()
    services.indicator_update(indicator=indicator, user=officer, name="Otro nombre")
    assert not ModelLogEntry.objects.filter(action="quality.indicator_target_changed").exists()
    services.indicator_update(
        indicator=indicator, user=officer, target=Decimal("90"), baseline_date=date(2025, 2, 1)
    )
    entry = ModelLogEntry.objects.get(action="quality.indicator_target_changed")
    assert entry.user == officer
    assert entry.data["target"] == ["80.00", "90.00"]
    assert entry.data["baseline_date"] == ["2025-01-01", "2025-02-01"]


def test_open_data_suppresses_small_counts(client, officer, make_user):
    small = make_indicator(Indicator.Source.COMPLETION, name="Pequeño")
    large = make_indicator(Indicator.Source.COMPLETION, name="Grande")
    period = TODAY.replace(day=1)
    IndicatorValue.objects.create(indicator=small, period=period, value=50, denominator=2)
    IndicatorValue.objects.create(indicator=large, period=period, value=40, denominator=30)
    rows = {row["indicator"]: row for row in open_data_rows()}
    assert rows["Pequeño"]["value"] is None
    assert rows["Grande"]["value"] == 40
    client.force_login(officer)
    csv = b"".join(client.get(reverse("quality:open_data")).streaming_content).decode("utf-8-sig")
    assert "Grande" in csv and "Pequeño" in csv
    small_line = next(line for line in csv.splitlines() if line.startswith("Pequeño"))
    assert small_line.endswith(",")  # the value left empty
    client.force_login(make_user(Role.LEARNER))
    assert client.get(reverse("quality:open_data")).status_code == 403


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("grafico.png", b"<html><script>alert(1)</script></html>"),
        ("foto.jpg", _png.__name__.encode()),  # not an image at all
        ("informe.pdf", b"<html>no</html>"),
        ("tabla.xlsx", b"PK\x03\x04 not a zip"),
        ("datos.csv", b"<!DOCTYPE html><html></html>"),
    ],
)
def test_evidence_whose_content_is_not_its_format_is_refused(client, officer, name, content):
    indicator = make_indicator(Indicator.Source.MANUAL)
    client.force_login(officer)
    url = reverse("quality:indicator_value", args=[indicator.pk])
    upload = SimpleUploadedFile(name, content)
    response = client.post(url, {"period": TODAY.isoformat(), "value": "1", "evidence": upload})
    assert response.status_code == 422
    assert "El contenido del archivo no es de un archivo" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_real_png_is_accepted_as_evidence(client, officer):
    indicator = make_indicator(Indicator.Source.MANUAL)
    client.force_login(officer)
    url = reverse("quality:indicator_value", args=[indicator.pk])
    upload = SimpleUploadedFile("grafico.png", _png())
    response = client.post(url, {"period": TODAY.isoformat(), "value": "1", "evidence": upload})
    assert response.status_code == 302
    assert IndicatorValue.objects.exists()
