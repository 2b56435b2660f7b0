"""GIFT to Moodle's letter (issue 15): the bank keeps tags, ids and points, and short answers
written before Moodle's rule keep theirs."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from assessments import exports, formats, grading, services
from assessments.models import Question, QuestionCategory
from tests.assessments.factories import make_question
from tests.assessments.test_formats import MOODLE_FORMATS

pytestmark = pytest.mark.django_db


def _fields(question: formats.ParsedQuestion) -> dict:
    return {k: getattr(question, k) for k in question.__dataclass_fields__ if k != "line"}


def test_the_bank_keeps_tags_ids_and_points_through_import_and_export():
    report = services.questions_import(text=MOODLE_FORMATS, fmt="gift", category_path="Banco")
    colours = Question.objects.get(title="Colores")
    assert sorted(colours.tags.names()) == ["egsi", "iso27001"]
    assert colours.idnumber == "colores-1"
    assert colours.points == Decimal("2.50")
    assert colours.current_version.points == Decimal("2.50")

    category = QuestionCategory.objects.get(name="Banco")
    text = exports.category_to_gift(category_id=category.pk)
    assert "// [tag:egsi]" in text and "// [id:colores-1]" in text and "// [points:2.5]" in text
    imported = formats.parse_gift(MOODLE_FORMATS, category="Banco").questions
    exported = formats.parse_gift(text).questions
    assert len(exported) == len(report.questions) == 4
    assert [_fields(q) for q in exported] == [_fields(q) for q in imported]


def test_per_answer_html_feedback_is_stored_as_the_html_moodle_shows():
    from assessments.text import render_inline

    services.questions_import(text=MOODLE_FORMATS, fmt="gift", category_path="Banco")
    version = Question.objects.get(title="Colores").current_version
    assert version.stem_format == "html"
    assert all("[html]" not in c["feedback"] + c["text"] for c in version.data["choices"])
    right = grading.grade(version.qtype, version.data, {"choices": ["c0"]})
    # The review renders each feedback in the question's format (presentation.py).
    assert [str(render_inline(t, version.stem_format)) for t in right.feedback] == ["<b>right</b>"]


def test_the_data_migration_keeps_the_old_rule_for_existing_short_answers():
    question = make_question(
        grading.SHORT, data={"answers": [{"text": "Gobierno Electrónico", "fraction": 1}]}
    )
    other = make_question(grading.SINGLE)
    assert "lenient_matching" not in question.data
    migration = importlib.import_module("assessments.migrations.0008_short_answer_lenient_matching")
    migration.keep_lenient_matching(apps, None)
    question.refresh_from_db()
    version = question.current_version
    version.refresh_from_db()
    assert question.data["lenient_matching"] is True
    assert version.data["lenient_matching"] is True
    # So a past attempt's score does not change on regrade: accents still ignored.
    assert (
        grading.grade(grading.SHORT, version.data, {"text": "gobierno electronico"}).fraction == 1
    )
    other.refresh_from_db()
    assert "lenient_matching" not in other.current_version.data
