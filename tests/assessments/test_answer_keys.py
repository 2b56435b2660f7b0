"""The attempt page's option values are opaque: random per attempt, mapped back on the server.

Before, choice values were their ids in writing order ("c0" was usually right) and a matching
pair's right option carried the pair's own index, so "c0, true and the index" scored 50 % or
more without reading a question.
"""

import re
from collections import Counter
from statistics import mean

import pytest
from django.urls import reverse

from assessments import grading, layout, services
from assessments.models import Attempt, AttemptAnswer, QuizSlot
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizFactory,
    make_course,
    make_question,
)

pytestmark = pytest.mark.django_db

SINGLE_FIRST_RIGHT = {
    "choices": [
        {"text": "Confidencialidad", "fraction": 1},
        {"text": "Popularidad", "fraction": 0},
        {"text": "Gratuidad", "fraction": 0},
    ]
}
MATCHING_IN_ORDER = {
    "pairs": [{"left": "C", "right": "Confidencialidad"}, {"left": "I", "right": "Integridad"}],
    "extra_rights": ["Popularidad"],
}


@pytest.fixture
def quiz(learner):
    """Slot 0 single choice written right-first, 1 true/false (true), 2 true/false (false),
    3 matching written in order: everything the old values gave away."""
    from courses.services import enrolment_create

    course = make_course()
    quiz = QuizFactory(course=course, shuffle_choices=True, pass_mark=100)
    category = QuestionCategoryFactory()
    questions = [
        make_question(grading.SINGLE, category=category, data=SINGLE_FIRST_RIGHT),
        make_question(grading.TRUEFALSE, category=category, data={"answer": True}),
        make_question(grading.TRUEFALSE, category=category, data={"answer": False}),
        make_question(grading.MATCHING, category=category, data=MATCHING_IN_ORDER),
    ]
    for i, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=i)
    enrolment_create(learner=learner, course=course)
    return quiz


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" id="[^"]+" value="([^"]+)"', html)


def select_values(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, flags=re.DOTALL).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


def start(client, quiz) -> tuple[Attempt, str]:
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(uuid=response["Location"].split("/")[-2])
    html = client.get(reverse("assessments:attempt", args=[attempt.uuid])).content.decode()
    return attempt, html


def test_the_naive_strategy_scores_at_chance_and_values_predict_nothing(client, learner, quiz):
    """Pick the first option, "true" and, for each matching pair, the option at the pair's
    index: over many attempts that scores what guessing scores, and neither the value nor the
    position of the right option repeats in a way a learner could use."""
    client.force_login(learner)
    scores, right_positions, right_values, all_values = [], Counter(), set(), []
    attempts = 90
    for _ in range(attempts):
        attempt, html = start(client, quiz)
        single = radio_values(html, "q0")
        rows = [select_values(html, f"q3-p{i}") for i in range(2)]
        keys = layout.keys_by_token(attempt.layout[0])
        right = next(v for v in single if keys[v] == "c0")
        right_positions[single.index(right)] += 1
        right_values.add(right)
        all_values.extend(single + rows[0])
        # Nothing in the page says which is right: no internal id, no index as a value.
        assert not set(single + rows[0]) & {"c0", "c1", "c2", "0", "1", "2"}
        post = {"q0": single[0], "q1": "true", "q2": "true", "action": "submit"}
        post.update({f"q3-p{i}": rows[i][i] for i in range(2)})
        assert (
            client.post(reverse("assessments:attempt", args=[attempt.uuid]), post).status_code
            == 302
        )
        attempt.refresh_from_db()
        scores.append(float(attempt.score))
    # Chance: single 1/3, the two true/false 1/2 together, matching 1/3 → 5/12 ≈ 41.7 %.
    # Before: 75 % every time. Standard error of the mean here is about 2 points.
    assert 32 <= mean(scores) <= 52, mean(scores)
    assert all(15 <= right_positions[p] <= 45 for p in range(3)), right_positions
    assert len(right_values) == attempts  # the right value never repeats across attempts
    assert len(set(all_values)) == len(all_values)  # nor does any value


def test_literal_internal_ids_and_indexes_are_refused_and_change_nothing(client, learner, quiz):
    client.force_login(learner)
    attempt, _html = start(client, quiz)
    for endpoint in ("assessments:attempt", "assessments:autosave"):
        for post in ({"q0": "c0"}, {"q3-p0": "0"}, {"q3-p0": "zz"}, {"q0": "' OR 1=1 --"}):
            response = client.post(
                reverse(endpoint, args=[attempt.uuid]), {**post, "action": "submit"}
            )
            assert response.status_code == 400, (endpoint, post)
            text = response.content.decode()
            assert "no corresponde a esa pregunta" in (
                response.json()["error"] if endpoint.endswith("autosave") else text
            )
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert not AttemptAnswer.objects.filter(attempt=attempt, response__isnull=False).exists()


def test_another_attempts_tokens_are_refused(client, learner, make_user, quiz):
    from courses.services import enrolment_create

    other = make_user()
    enrolment_create(learner=other, course=quiz.course)
    theirs = services.attempt_start(quiz_id=quiz.pk, user=other)
    their_right = layout.tokens_by_key(theirs.layout[0])["c0"]
    client.force_login(learner)
    mine, _html = start(client, quiz)
    response = client.post(reverse("assessments:autosave", args=[mine.uuid]), {"q0": their_right})
    assert response.status_code == 400
    assert AttemptAnswer.objects.get(attempt=mine, slot=0).response is None


def test_autosave_and_resume_keep_the_tokens(client, learner, quiz):
    client.force_login(learner)
    attempt, html = start(client, quiz)
    chosen = radio_values(html, "q0")[1]
    option = select_values(html, "q3-p1")[2]
    response = client.post(
        reverse("assessments:autosave", args=[attempt.uuid]), {"q0": chosen, "q3-p1": option}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"saved_at", "message"}  # nothing about correctness
    keys = layout.keys_by_token(attempt.layout[0])
    stored = AttemptAnswer.objects.get(attempt=attempt, slot=0).response
    assert stored == {"choices": [keys[chosen]]}  # stored by internal key, for grading/statistics
    again = client.get(reverse("assessments:attempt", args=[attempt.uuid])).content.decode()
    assert radio_values(again, "q0") == radio_values(html, "q0")  # same layout after reload
    assert f'value="{chosen}" checked' in again
    assert f'<option value="{option}" selected>' in again


def test_correct_answers_through_the_tokens_pass(client, learner, quiz):
    client.force_login(learner)
    attempt, _html = start(client, quiz)
    post = {"action": "submit"}
    for answer in attempt.answers.select_related("version"):
        right = grading.correct_response(answer.version.qtype, answer.version.data)
        tokens = layout.tokens_by_key(attempt.layout[answer.slot])
        if "choices" in right:
            post[f"q{answer.slot}"] = [tokens[c] for c in right["choices"]]
        elif "value" in right:
            post[f"q{answer.slot}"] = "true" if right["value"] else "false"
        else:
            post.update({f"q{answer.slot}-{p}": tokens[i] for p, i in right["pairs"].items()})
    client.post(reverse("assessments:attempt", args=[attempt.uuid]), post)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100, True)


def test_migration_gives_open_layouts_tokens():
    import importlib

    migration = importlib.import_module("assessments.migrations.0005_attempt_layout_opaque_tokens")
    from django.apps import apps

    learner_quiz = QuizFactory()
    question = make_question(grading.SINGLE)
    QuizSlot.objects.create(quiz=learner_quiz, question=question)
    from tests.core.factories import UserFactory

    attempt = services.attempt_start(quiz_id=learner_quiz.pk, user=UserFactory())
    for entry in attempt.layout:
        entry.pop("tokens")
    Attempt.objects.filter(pk=attempt.pk).update(layout=attempt.layout)
    migration.add_tokens(apps, None)
    attempt.refresh_from_db()
    tokens = attempt.layout[0]["tokens"]
    assert len(set(tokens)) == 3 and not set(tokens) & {"c0", "c1", "c2"}
