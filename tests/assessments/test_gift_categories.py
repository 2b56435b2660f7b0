"""GIFT imports follow Moodle's rule: into a course, `$CATEGORY: a/b` lands in categories of
that course (chosen when they are the course's, created for it when missing), never in a shared
or another course's category; a trainer who does not own the course imports nothing (issue 15)."""

import pytest
from django.utils import translation

from assessments import services
from assessments.models import Question, QuestionCategory
from core.roles import Role
from tests.assessments.factories import QuestionCategoryFactory, make_course, with_mfa

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/evaluaciones/importar/"

GIFT = """$CATEGORY: $course$/top/Compartida/ISO 27001

::Control::¿La EGSI es obligatoria?{T}

$CATEGORY: Seguridad

::Suma::¿Dos más dos?{=cuatro ~tres}
"""


@pytest.fixture
def world(make_user):
    """`owner` owns course X; `stranger` is a trainer of course Y, whose top-level category
    "Seguridad" is taken; "Compartida" is a shared category (of no course)."""
    owner, stranger = make_user(Role.TRAINER), make_user(Role.TRAINER)
    course = make_course(owners=[owner], title="Curso X")
    other = make_course(owners=[stranger], title="Curso Y")
    shared = QuestionCategoryFactory(name="Compartida")
    foreign = QuestionCategoryFactory(name="Seguridad", course=other)
    return {
        "owner": owner,
        "stranger": stranger,
        "course": course,
        "shared": shared,
        "foreign": foreign,
    }


def _path_and_course(question: Question) -> tuple[str, int | None]:
    return question.category.path_name, question.category.course_id


def test_file_categories_land_in_the_courses_own_categories(world):
    course = world["course"]
    report = services.questions_import(text=GIFT, fmt="gift", user=world["owner"], course=course)
    assert report.total == 2
    placed = {q.title: _path_and_course(q) for q in Question.objects.select_related("category")}
    # Not into the shared "Compartida" nor Y's "Seguridad": under the course's own category.
    assert placed == {
        "Control": ("Curso X/Compartida/ISO 27001", course.pk),
        "Suma": ("Curso X/Seguridad", course.pk),
    }
    assert not world["shared"].children.exists() and not world["foreign"].children.exists()

    # A second import chooses the same categories (nothing duplicated).
    services.questions_import(text=GIFT, fmt="gift", user=world["owner"], course=course)
    assert QuestionCategory.objects.filter(course=course).count() == 4
    assert Question.objects.filter(category__course=course).count() == 4


def test_a_base_category_of_the_course_is_chosen_and_paths_go_under_it(world):
    course = world["course"]
    base = QuestionCategoryFactory(name="Banco X", course=course)
    services.questions_import(
        text=GIFT, fmt="gift", category_path="Banco X", user=world["owner"], course=course
    )
    paths = sorted(q.category.path_name for q in Question.objects.select_related("category"))
    assert paths == ["Banco X/Compartida/ISO 27001", "Banco X/Seguridad"]
    assert set(QuestionCategory.objects.filter(course=course)) >= {base}


def test_the_courses_default_category_steps_aside_from_a_taken_name(world):
    """Top-level names are unique in the bank: a shared "Curso X" makes the course's own
    default category "Curso X (<id>)", never the shared one."""
    QuestionCategoryFactory(name="Curso X")
    course = world["course"]
    services.questions_import(text=GIFT, fmt="gift", user=world["owner"], course=course)
    question = Question.objects.get(title="Suma")
    assert question.category.path_name == f"Curso X ({course.pk})/Seguridad"
    assert question.category.course == course


@pytest.mark.parametrize("base", ["Compartida", "Seguridad/Sub"])
def test_a_shared_or_foreign_base_category_is_refused_and_nothing_written(world, base):
    categories = QuestionCategory.objects.count()
    with translation.override("es"), pytest.raises(services.ImportFailed) as refused:
        services.questions_import(
            text=GIFT, fmt="gift", category_path=base, user=world["owner"], course=world["course"]
        )
    message = str(refused.value)
    assert "es compartida o pertenece a otro curso" in message and "Curso X" in message
    assert not Question.objects.exists()
    assert QuestionCategory.objects.count() == categories


def test_a_category_an_administrator_moved_out_of_the_course_is_refused(world):
    """Under the course's category, a subcategory given to another course is not written to."""
    course = world["course"]
    services.questions_import(text=GIFT, fmt="gift", user=world["owner"], course=course)
    moved = QuestionCategory.objects.get(name="Seguridad", course=course)
    moved.course = world["foreign"].course
    moved.save(update_fields=["course"])
    questions = Question.objects.count()
    with pytest.raises(services.ImportFailed) as refused:
        services.questions_import(text=GIFT, fmt="gift", user=world["owner"], course=course)
    assert "Curso X/Seguridad" in str(refused.value)
    assert refused.value.errors[0].line == 7  # the question that would have gone there
    assert Question.objects.count() == questions


def test_a_trainer_who_does_not_own_the_course_is_refused_in_spanish(world):
    with translation.override("es"), pytest.raises(services.AssessmentError) as refused:
        services.questions_import(
            text=GIFT, fmt="gift", user=world["stranger"], course=world["course"]
        )
    assert refused.value.message == (
        "No puede importar preguntas en el curso «Curso X»: solo sus propietarios "
        "(y los administradores) pueden hacerlo."
    )
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.filter(course=world["course"]).exists()


def test_an_administrator_imports_into_any_course(world, make_user):
    admin = with_mfa(make_user(Role.ADMIN))
    report = services.questions_import(text=GIFT, fmt="gift", user=admin, course=world["course"])
    assert report.total == 2
    assert {q.category.course_id for q in Question.objects.select_related("category")} == {
        world["course"].pk
    }


def test_the_admin_import_refuses_a_course_the_trainer_does_not_own(client, world):
    """Through the import page: the confirm step names only the trainer's own courses; a
    posted course of someone else is refused with a message and nothing is written."""
    client.force_login(with_mfa(world["stranger"]))
    response = client.post(
        IMPORT_URL,
        {
            "text": GIFT,
            "format": "gift",
            "category": "",
            "course": world["course"].pk,
            "confirm": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["No se pudo confirmar la importación: vuelva a subir el archivo."]
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.filter(course=world["course"]).exists()


def test_the_admin_import_puts_the_files_categories_in_the_trainers_course(client, world):
    client.force_login(with_mfa(world["owner"]))
    response = client.post(
        IMPORT_URL,
        {
            "text": GIFT,
            "format": "gift",
            "category": "",
            "course": world["course"].pk,
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert sorted(q.category.path_name for q in Question.objects.select_related("category")) == [
        "Curso X/Compartida/ISO 27001",
        "Curso X/Seguridad",
    ]


def test_the_preview_shows_where_the_files_categories_will_land(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(with_mfa(world["owner"]))
    response = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("banco.gift", GIFT.encode()),
            "format": "gift",
            "category": "",
            "course": world["course"].pk,
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert "Curso X/Compartida/ISO 27001" in html and "Curso X/Seguridad" in html
    assert not QuestionCategory.objects.filter(course=world["course"]).exists()
