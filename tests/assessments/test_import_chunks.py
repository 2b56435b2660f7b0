"""A large GIFT file is imported in chunks of bulk inserts inside one transaction: thousands of
questions in a bounded number of queries, progress after each chunk, and all or nothing (an
error in the file is reported with its line before anything is written; a failure in the
middle of the writing leaves the bank as it was)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from assessments import services
from assessments.models import Question, QuestionCategory, QuestionTag, QuestionVersion

pytestmark = pytest.mark.django_db


def _gift(n: int, *, bad_at: int | None = None) -> str:
    parts = ["$CATEGORY: Banco grande/Seguridad\n"]
    for i in range(n):
        if i == bad_at:
            parts.append(f"::Pregunta {i}::¿Sin respuestas? {{}}\n")
        elif i % 3 == 0:
            parts.append(f"// [tag:seguridad]\n::Pregunta {i}::¿Es segura la clave {i}? {{T}}\n")
        else:
            parts.append(
                f"::Pregunta {i}::¿Cuál protege el dato {i}?"
                f" {{=Cifrado {i} ~Texto plano ~Correo}}\n"
            )
    return "\n".join(parts)


def _queries(text: str, progress: list) -> tuple[int, services.ImportReport]:
    with CaptureQueriesContext(connection) as ctx:
        report = services.questions_import(
            text=text, fmt="gift", on_progress=lambda d, t: progress.append((d, t))
        )
    return len(ctx.captured_queries), report


def test_thousands_of_questions_in_bounded_queries_with_progress():
    progress: list = []
    small, _report = _queries(_gift(600), progress)
    assert progress == [(500, 600), (600, 600)]
    progress.clear()
    large, report = _queries(_gift(3000), progress)
    assert report.total == 3000
    assert report.counts == {"truefalse": 1000, "single": 2000}
    assert progress == [(d, 3000) for d in (500, 1000, 1500, 2000, 2500, 3000)]
    # A constant number of queries per chunk of 500, none per question.
    chunks_more = 6 - 2
    assert large - small <= chunks_more * 30, (small, large)
    assert large < 3000 / 10
    assert Question.objects.count() == 3600
    assert QuestionVersion.objects.count() == 3600
    assert not Question.objects.filter(current_version__isnull=True).exists()
    assert QuestionTag.objects.filter(tag__name="seguridad").count() == 200 + 1000
    question = Question.objects.get(title="Pregunta 2999", category__name="Seguridad")
    assert question.current_version.number == 1
    assert question.data == question.current_version.data
    assert question not in list(get_search_backend().search("dato 2999", Question.objects.all()))
    # After commit, one indexing task per chunk (the outbox; eager in tests).
    from core.models import OutboxMessage

    messages = OutboxMessage.objects.filter(task_name="assessments.tasks.questions_index")
    assert messages.count() == 2 + 6
    for message in messages:
        services.questions_index(**message.kwargs)
    found = get_search_backend().search("dato 2999", Question.objects.all())
    assert question in list(found)  # in the search index, though bulk-inserted


def test_an_error_near_the_end_is_reported_with_its_line_and_nothing_written():
    text = _gift(2500, bad_at=2400)
    with pytest.raises(services.ImportFailed) as failure:
        services.questions_import(text=text, fmt="gift")
    line = text[: text.index("::Pregunta 2400::")].count("\n") + 1
    assert [e.line for e in failure.value.errors] == [line]
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.filter(name="Banco grande").exists()


def test_a_failure_while_writing_leaves_the_bank_as_it_was():
    from core.models import OutboxMessage

    services.questions_import(text=_gift(10), fmt="gift")
    outbox = OutboxMessage.objects.count()
    before = (Question.objects.count(), QuestionVersion.objects.count())
    real = services._write_chunk
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database connection lost")
        return real(*args, **kwargs)

    with mock.patch.object(services, "_write_chunk", broken), pytest.raises(RuntimeError):
        services.questions_import(text=_gift(1400), fmt="gift")
    assert len(calls) == 3  # two chunks were written, then rolled back with the third
    assert (Question.objects.count(), QuestionVersion.objects.count()) == before
    assert OutboxMessage.objects.count() == outbox  # no indexing task for what rolled back
