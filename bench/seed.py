"""Seed a large, reproducible data set (fixed random seed) for the benchmark.

One function per app, called in layer order; each seeds only what exists on this checkout
(models are looked up through django.apps, so the benchmark runs before every capability has
landed). Rows go in with bulk inserts; Wagtail pages through `bench.pages.bulk_add_children`,
which computes tree paths as treebeard does. Counts at SCALE=1 are those of the issue: 50,000
staff in a unit tree, 300 courses of 10 lessons, 1,000,000 lesson-progress rows, 200,000 quiz
attempts, 100,000 certificates, 20,000 knowledge articles.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

SEED = 20240917
BATCH = 5000
BENCH_PASSWORD = "bench-password-relevo"

FIRST_NAMES = [
    "María", "José", "Luis", "Ana", "Carlos", "Gabriela", "Jorge", "Lucía", "Andrés", "Paola",
    "Diego", "Sofía", "Fernando", "Verónica", "Santiago", "Daniela", "Patricio", "Carmen",
    "Juan", "Valeria", "Pablo", "Andrea", "Miguel", "Cristina", "Esteban", "Mónica",
]  # fmt: skip
LAST_NAMES = [
    "Andrade", "Salazar", "Cevallos", "Paredes", "Mora", "Vega", "Castillo", "Zambrano",
    "Guerrero", "Espinoza", "Villacís", "Ortiz", "Benítez", "Jaramillo", "Naranjo", "Herrera",
    "Proaño", "Calderón", "Chávez", "Montalvo", "Yépez", "Samaniego", "Torres", "Ruiz",
]  # fmt: skip
POSITIONS = [
    "Analista de Relaciones Internacionales", "Tercer Secretario", "Segundo Secretario",
    "Primer Secretario", "Consejero", "Ministro", "Embajador", "Analista de Sistemas",
    "Asistente Administrativo", "Especialista de Movilidad Humana", "Técnico Consular",
    "Analista de Talento Humano", "Director", "Coordinador",
]  # fmt: skip
WORDS = (  # noqa: SIM905
    "sistema consular pasaporte visado movilidad humana protocolo interoperabilidad firma "
    "electrónica certificado servidor base datos respaldo migración red seguridad "
    "información acceso usuario contraseña incidente procedimiento manual trámite ciudadano "
    "embajada consulado cancillería registro expediente archivo documento digital correo "
    "institucional aplicación despliegue configuración monitoreo alerta disponibilidad "
    "integridad confidencialidad riesgo continuidad operación soporte técnico mesa ayuda "
    "capacitación evaluación aprendizaje curso lección módulo objetivo competencia "
    "normativa reglamento ley orgánica servicio exterior tratado cooperación bilateral "
    "multilateral agenda reunión informe memorando oficio nota verbal valija diplomática"
).split()
TOPICS = [
    "Interoperabilidad", "Ciberseguridad", "Servicio consular", "Protocolo y ceremonial",
    "Movilidad humana", "Gestión documental", "Ética pública", "Idiomas", "Liderazgo",
    "Derecho internacional",
]  # fmt: skip


@dataclass
class Facts:
    """What the measurements need to know about the seeded data."""

    scale: float
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    ids: dict[str, int | str | list] = field(default_factory=dict)


def model(label: str):
    """The model `app_label.ModelName`, or None when it has not landed on this checkout."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def fit(model_cls, **values) -> dict:
    """Only the values the model has fields for: seeding survives a renamed or dropped field."""
    names = set()
    for f in model_cls._meta.get_fields():
        names.add(f.name)
        if getattr(f, "attname", None):
            names.add(f.attname)
    return {k: v for k, v in values.items() if k in names}


def n(base: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def _bulk(model_cls, objects: list, batch: int = BATCH) -> None:
    for i in range(0, len(objects), batch):
        model_cls.objects.bulk_create(objects[i : i + batch], batch_size=batch)


def copy_rows(model_cls, objects: list) -> None:
    """Insert many rows with PostgreSQL's COPY: several times faster than bulk_create for the
    millions of plain rows (progress, attempts). Values go through each field's own
    preparation (defaults, auto_now_add, JSON), so rows are what `save()` would write. Primary
    keys are not set on the objects: read them back when needed."""
    if not objects:
        return
    fields = [f for f in model_cls._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model_cls._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row(
                [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            )


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def _staff_user_ids() -> list[int]:
    users = get_user_model().objects.filter(
        email__startswith="staff", email__endswith="@bench.relevo"
    )
    return _ids(users)


# --- core: accounts -------------------------------------------------------------------------


def seed_accounts(facts: Facts, rng: random.Random) -> None:
    from core.demo import ensure_account
    from core.roles import Role

    User = get_user_model()
    count = n(50_000, facts.scale, 10)
    password = make_password(BENCH_PASSWORD)
    users = []
    for i in range(count):
        users.append(
            User(
                email=f"staff{i:06d}@bench.relevo",
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
                password=password,
                language="es",
            )
        )
    _bulk(User, users)
    learners = Group.objects.get(name=Role.LEARNER)
    Through = User.groups.through
    _bulk(
        Through,
        [Through(user_id=pk, group_id=learners.pk) for pk in _staff_user_ids()],
    )
    # The accounts the load generator signs in as.
    learner = ensure_account("learner@bench.relevo", "Ana", "Benítez", [Role.LEARNER])
    hr = ensure_account("hr@bench.relevo", "Gabriela", "Mora", [Role.LEARNER, Role.HR])
    trainer = ensure_account("trainer@bench.relevo", "Jorge", "Salazar", [Role.TRAINER])
    facts.ids.update(learner=learner.pk, hr=hr.pk, trainer=trainer.pk)
    facts.counts["users"] = User.objects.count()


# --- people: unit tree and staff --------------------------------------------------------------


def seed_people(facts: Facts, rng: random.Random) -> None:
    OrgUnit = model("people.OrgUnit")
    StaffProfile = model("people.StaffProfile")
    if OrgUnit is None or StaffProfile is None:
        return
    User = get_user_model()
    # 1 institution, 8 undersecretariats, 6 directorates each, 5 units each: 297 units.
    units = []
    roots = OrgUnit.get_root_nodes().count()

    def add(parent_path: str, depth: int, index: int, name: str, code: str, kind: str):
        path = OrgUnit._get_path(parent_path, depth, index)
        unit = OrgUnit(path=path, depth=depth, numchild=0, name=name, code=code, kind=kind)
        units.append(unit)
        return unit

    root = add("", 1, roots + 1, "Ministerio (bench)", "bench-mreimh", "institution")
    for s in range(1, 9):
        sub = add(root.path, 2, s, f"Subsecretaría {s:02d}", f"bench-s{s:02d}", "undersecretariat")
        root.numchild += 1
        for d in range(1, 7):
            code = f"bench-s{s:02d}-d{d:02d}"
            direc = add(sub.path, 3, d, f"Dirección {s:02d}.{d:02d}", code, "directorate")
            sub.numchild += 1
            for u in range(1, 6):
                add(direc.path, 4, u, f"Unidad {s:02d}.{d:02d}.{u:02d}", f"{code}-u{u:02d}", "unit")
                direc.numchild += 1
    _bulk(OrgUnit, units)
    unit_ids = _ids(OrgUnit.objects.filter(code__startswith="bench-"))
    leaf_ids = _ids(OrgUnit.objects.filter(code__startswith="bench-", kind="unit"))

    today = timezone.localdate()
    profiles = []
    user_ids = _staff_user_ids()
    statuses = ["active"] * 95 + ["leaving"] * 3 + ["left"] * 2
    for i, user_id in enumerate(user_ids):
        # Most people sit in units; a few in directorates and above.
        unit_id = rng.choice(leaf_ids) if rng.random() < 0.9 else rng.choice(unit_ids)
        status = rng.choice(statuses)
        start = today - timedelta(days=rng.randint(30, 15 * 365))
        profiles.append(
            StaffProfile(
                user_id=user_id,
                employee_id=f"{1_700_000_000 + i}",
                unit_id=unit_id,
                position=rng.choice(POSITIONS),
                status=status,
                start_date=start,
                end_date=today + timedelta(days=30) if status == "leaving" else None,
            )
        )
    _bulk(StaffProfile, profiles)
    staff_table = StaffProfile._meta.db_table
    unit_table = OrgUnit._meta.db_table
    with connection.cursor() as cursor:
        # The first person of each unit heads it and manages the others.
        cursor.execute(
            f"""UPDATE {unit_table} u SET head_id = h.id
                FROM (SELECT DISTINCT ON (unit_id) unit_id, id FROM {staff_table}
                      ORDER BY unit_id, id) h
                WHERE h.unit_id = u.id"""  # noqa: S608 (table names from the models)
        )
        cursor.execute(
            f"""UPDATE {staff_table} s SET manager_id = u.head_id FROM {unit_table} u
                WHERE s.unit_id = u.id AND s.id <> u.head_id"""  # noqa: S608
        )
    for key in ("learner", "hr"):
        user = User.objects.get(pk=facts.ids[key])
        StaffProfile.objects.create(
            user=user,
            employee_id=f"BENCH-{key}",
            unit_id=leaf_ids[0],
            position="Analista",
        )
    facts.counts["org_units"] = OrgUnit.objects.count()
    facts.counts["staff"] = StaffProfile.objects.count()
    facts.ids["unit"] = unit_ids[0]


# --- courses: catalogue, courses, lessons, enrolments, progress -------------------------------


def _catalogue():
    from wagtail.models import Page, Site

    CourseIndexPage = model("courses.CourseIndexPage")
    index = CourseIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
    return Page.objects.get(pk=index.pk)


def seed_courses(facts: Facts, rng: random.Random) -> None:
    CoursePage = model("courses.CoursePage")
    LessonPage = model("courses.LessonPage")
    Topic = model("courses.Topic")
    if CoursePage is None or LessonPage is None:
        return
    from wagtail.rich_text import RichText

    from bench.pages import bulk_add_children

    topics = [Topic.objects.get_or_create(slug=slugify(t), defaults={"name": t})[0] for t in TOPICS]
    index = _catalogue()
    course_count = n(300, facts.scale, 5)
    courses = [
        CoursePage(
            title=f"Curso {i + 1:04d}: {sentence(rng, 4)[:-1]}",
            slug=f"curso-{i + 1:04d}",
            summary=paragraph(rng, 2)[:600],
            topic=rng.choice(topics),
            level=rng.choice(["basic", "intermediate", "advanced"]),
            estimated_hours=rng.choice([2, 4, 8, 16, 40]),
            objectives=f"<ul><li>{sentence(rng, 8)}</li><li>{sentence(rng, 8)}</li></ul>",
            audience=sentence(rng, 10),
            visibility="public",
            completion_rule="all_lessons",
            validity_months=rng.choice([None, 12, 24, 36]),
        )
        for i in range(course_count)
    ]
    bulk_add_children(index, courses)
    owners = CoursePage.owners.through
    _bulk(owners, [owners(coursepage_id=c.pk, user_id=facts.ids["trainer"]) for c in courses])

    lessons_by_course: dict[int, list[int]] = {}
    for course in courses:
        lessons = [
            LessonPage(
                title=f"Lección {j + 1}: {sentence(rng, 3)[:-1]}",
                slug=f"leccion-{j + 1:02d}",
                module=f"Módulo {j // 4 + 1}",
                estimated_minutes=rng.choice([10, 15, 20, 30]),
                body=[
                    (
                        "rich_text",
                        RichText(f"<h2>{sentence(rng, 4)}</h2><p>{paragraph(rng, 6)}</p>"),
                    ),
                    ("rich_text", RichText(f"<p>{paragraph(rng, 5)}</p>")),
                ],
            )
            for j in range(10)
        ]
        bulk_add_children(course, lessons)
        lessons_by_course[course.pk] = [lesson.pk for lesson in lessons]
    facts.counts["courses"] = len(courses)
    facts.counts["lessons"] = sum(len(v) for v in lessons_by_course.values())
    facts.ids["course"] = courses[0].pk
    facts.ids["lesson"] = lessons_by_course[courses[0].pk][3]
    facts.ids["catalogue"] = index.pk


def course_lessons() -> dict[int, list[int]]:
    """Lesson ids of every course, in course order, read back from the page tree."""
    CoursePage = model("courses.CoursePage")
    LessonPage = model("courses.LessonPage")
    steplen = CoursePage.steplen
    course_by_path = dict(CoursePage.objects.values_list("path", "pk"))
    result: dict[int, list[int]] = {pk: [] for pk in course_by_path.values()}
    for pk, path in LessonPage.objects.order_by("path").values_list("pk", "path"):
        course = course_by_path.get(path[:-steplen])
        if course is not None:
            result[course].append(pk)
    return result


def seed_enrolments(facts: Facts, rng: random.Random) -> None:
    """90,000 completed enrolments with 10 lessons done each and 50,000 in progress with 2:
    1,000,000 lesson-progress rows at SCALE=1."""
    Enrolment = model("courses.Enrolment")
    LessonProgress = model("courses.LessonProgress")
    if Enrolment is None or LessonProgress is None or "course" not in facts.ids:
        return
    lessons_by_course = course_lessons()
    learner_ids = _staff_user_ids()
    course_ids = list(lessons_by_course)
    completed_count = n(90_000, facts.scale)
    active_count = n(50_000, facts.scale)
    now = timezone.now()
    per_learner = -(-(completed_count + active_count) // len(learner_ids))
    per_learner = min(per_learner, len(course_ids))
    pairs = []
    for learner_id in learner_ids:
        for course_id in rng.sample(course_ids, per_learner):
            pairs.append((learner_id, course_id))
    rng.shuffle(pairs)
    pairs = pairs[: completed_count + active_count]

    enrolments = []
    for i, (learner_id, course_id) in enumerate(pairs):
        completed = i < completed_count
        enrolled_at = now - timedelta(days=rng.randint(1, 5 * 365), minutes=rng.randint(0, 1440))
        enrolments.append(
            Enrolment(
                learner_id=learner_id,
                course_id=course_id,
                source=rng.choice(["self", "assigned"]),
                status="completed" if completed else "active",
                progress_percent=100 if completed else 20,
                last_lesson_id=lessons_by_course[course_id][-1 if completed else 1],
                enrolled_at=enrolled_at,
                completed_at=enrolled_at + timedelta(days=rng.randint(1, 60))
                if completed
                else None,
                due_date=(enrolled_at + timedelta(days=90)).date(),
            )
        )
    _bulk(Enrolment, enrolments)

    progress = []
    for enrolment in enrolments:
        lessons = lessons_by_course[enrolment.course_id]
        done = lessons if enrolment.status == "completed" else lessons[:2]
        for lesson_id in done:
            progress.append(
                LessonProgress(
                    enrolment_id=enrolment.pk,
                    lesson_id=lesson_id,
                    first_viewed_at=enrolment.enrolled_at,
                    completed_at=enrolment.completed_at or enrolment.enrolled_at,
                )
            )
        if len(progress) >= 100_000:
            copy_rows(LessonProgress, progress)
            progress = []
    copy_rows(LessonProgress, progress)

    # The signed-in learner of the load test: one course done, one in progress, two assigned.
    learner_id = facts.ids["learner"]
    mine = []
    for k, course_id in enumerate(course_ids[:4]):
        done = k == 0
        mine.append(
            Enrolment(
                learner_id=learner_id,
                course_id=course_id,
                source="assigned" if k >= 2 else "self",
                status="completed" if done else "active",
                progress_percent=100 if done else 40 if k == 1 else 0,
                last_lesson_id=lessons_by_course[course_id][3],
                completed_at=now - timedelta(days=30) if done else None,
                due_date=(now + timedelta(days=30 * k)).date(),
            )
        )
    _bulk(Enrolment, mine)
    _bulk(
        LessonProgress,
        [
            LessonProgress(enrolment_id=e.pk, lesson_id=lesson_id, completed_at=now)
            for e in mine[:2]
            for lesson_id in lessons_by_course[e.course_id][: 10 if e.status == "completed" else 4]
        ],
    )
    facts.ids["learner_enrolment"] = mine[1].pk
    facts.ids["learner_completed_enrolment"] = mine[0].pk
    facts.counts["enrolments"] = Enrolment.objects.count()
    facts.counts["lesson_progress"] = LessonProgress.objects.count()


# --- assessments: a question bank, one final quiz per course, attempts ------------------------


def _gift_bank(rng: random.Random, count: int) -> str:
    blocks = []
    for i in range(count):
        right = rng.randint(0, 3)
        choices = " ".join(f"{'=' if k == right else '~'}{sentence(rng, 4)[:-1]}" for k in range(4))
        blocks.append(f"::Pregunta {i + 1}:: ¿{sentence(rng, 8)[:-1]}? {{ {choices} }}")
    return "\n\n".join(blocks) + "\n"


def seed_assessments(facts: Facts, rng: random.Random) -> None:
    """A bank of 20 questions (imported from GIFT), a final quiz of 10 per course, 200,000
    submitted attempts at SCALE=1 (answer rows only for attempts taken during the run), and
    learners enrolled for the quiz start/submit measurements."""
    Quiz = model("assessments.Quiz")
    QuizSlot = model("assessments.QuizSlot")
    Attempt = model("assessments.Attempt")
    Question = model("assessments.Question")
    Enrolment = model("courses.Enrolment")
    if None in (Quiz, QuizSlot, Attempt, Question, Enrolment) or "course" not in facts.ids:
        return
    from assessments.services import questions_import
    from core.roles import Role

    questions_import(text=_gift_bank(rng, 20), fmt="gift", category_path="Bench/Banco")
    questions = list(Question.objects.order_by("pk").select_related("current_version"))
    course_ids = list(course_lessons())
    quizzes = Quiz.objects.bulk_create(
        [
            Quiz(
                **fit(
                    Quiz,
                    title=f"Evaluación final {i + 1}",
                    course_id=course_id,
                    pass_mark=70,
                    max_attempts=0,
                    shuffle_choices=True,
                    required_for_completion=False,
                    created_by_id=facts.ids["trainer"],
                )
            )
            for i, course_id in enumerate(course_ids)
        ]
    )
    slots, quiz_versions = [], {}
    for quiz in quizzes:
        chosen = rng.sample(questions, 10)
        quiz_versions[quiz.pk] = [q.current_version for q in chosen]
        slots += [
            QuizSlot(quiz_id=quiz.pk, question_id=q.pk, sort_order=k) for k, q in enumerate(chosen)
        ]
    _bulk(QuizSlot, slots)
    quiz_by_course = {q.course_id: q.pk for q in quizzes}

    def layout(quiz_id: int) -> list:
        entries = []
        for slot, version in enumerate(quiz_versions[quiz_id]):
            order = [c["id"] for c in version.data.get("choices", [])]
            rng.shuffle(order)
            entries.append(
                {"slot": slot, "version": version.pk, "points": str(version.points), "order": order}
            )
        return entries

    target = n(200_000, facts.scale)
    enrolments = list(
        Enrolment.objects.exclude(learner_id=facts.ids.get("learner"))
        .order_by("pk")
        .values_list("learner_id", "course_id", "enrolled_at")
    )
    rng.shuffle(enrolments)
    attempts = []
    for learner_id, course_id, enrolled_at in enrolments:
        if len(attempts) >= target:
            break
        taken = 1 if rng.random() < 0.55 else 2
        for number in range(1, taken + 1):
            started = enrolled_at + timedelta(days=rng.randint(1, 30), hours=number)
            score = Decimal(rng.randint(30, 100))
            attempts.append(
                Attempt(
                    quiz_id=quiz_by_course[course_id],
                    learner_id=learner_id,
                    number=number,
                    state="submitted",
                    started_at=started,
                    submitted_at=started + timedelta(minutes=rng.randint(5, 40)),
                    layout=layout(quiz_by_course[course_id]),
                    points=score / 10,
                    max_points=Decimal(10),
                    score=score,
                    passed=score >= 70,
                )
            )
    copy_rows(Attempt, attempts[:target])

    # Learners for the start/submit load: enrolled in the first course, no attempt yet.
    User = get_user_model()
    # Enough that the submit load never runs out of open attempts (each is submitted once).
    count = n(6_000, facts.scale, 1_000)
    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                email=f"quiz{i:05d}@bench.relevo",
                first_name="Eva",
                last_name=f"Luación {i}",
                password=password,
            )
            for i in range(count)
        ]
    )
    learners = Group.objects.get(name=Role.LEARNER)
    Through = User.groups.through
    _bulk(Through, [Through(user_id=u.pk, group_id=learners.pk) for u in users])
    course_id = facts.ids["course"]
    _bulk(Enrolment, [Enrolment(learner_id=u.pk, course_id=course_id) for u in users])
    facts.ids["quiz"] = quiz_by_course[course_id]
    facts.ids["quiz_learners"] = [u.pk for u in users]
    facts.counts["questions"] = Question.objects.count()
    facts.counts["quizzes"] = len(quizzes)
    facts.counts["quiz_attempts"] = Attempt.objects.count()


# --- people: required trainings (the compliance matrix) ---------------------------------------


def seed_requirements(facts: Facts, rng: random.Random) -> None:
    """Ten trainings required of everyone: the compliance export has staff x 10 rows
    (500,000 at SCALE=1)."""
    Requirement = model("people.Requirement")
    CoursePage = model("courses.CoursePage")
    if Requirement is None or CoursePage is None or "course" not in facts.ids:
        return
    course_ids = _ids(CoursePage.objects.all())[:10]
    _bulk(
        Requirement,
        [
            Requirement(
                **fit(
                    Requirement,
                    course_id=course_id,
                    scope="everyone",
                    validity_months=rng.choice([None, 12, 24]),
                    due_days=rng.choice([30, 60, 90]),
                    active=True,
                    created_by_id=facts.ids["hr"],
                )
            )
            for course_id in course_ids
        ],
    )
    facts.counts["requirements"] = Requirement.objects.count()


# --- certificates: rows only (PDFs are rendered in the issuance measurements) ------------------


def seed_certificates(facts: Facts, rng: random.Random) -> None:
    """One current certificate per completed enrolment (90,000) and 10,000 superseded ones from
    earlier reissues: 100,000 rows at SCALE=1."""
    Certificate = model("certificates.Certificate")
    Enrolment = model("courses.Enrolment")
    if Certificate is None or Enrolment is None:
        return
    User = get_user_model()
    names = {
        pk: f"{first} {last}".strip()
        for pk, first, last in User.objects.values_list("pk", "first_name", "last_name")
    }
    completed = list(
        Enrolment.objects.filter(status="completed")
        .order_by("pk")
        .values_list("pk", "learner_id", "course_id", "course__title", "completed_at")
    )
    superseded_count = n(10_000, facts.scale)
    try:  # the public code format of the certificates app (XXXX-XXXX-XX), drawn reproducibly
        from certificates.codes import ALPHABET as alphabet
        from certificates.codes import CODE_LENGTH as length
        from certificates.codes import format_code
    except ImportError:
        alphabet, length = "23456789ABCDEFGHJKMNPQRSTUVWXYZ", 10

        def format_code(raw: str) -> str:
            return raw

    codes: set[str] = set()

    def code() -> str:
        while True:
            value = format_code("".join(rng.choice(alphabet) for _ in range(length)))
            if value not in codes:
                codes.add(value)
                return value

    def certificate(row, status: str) -> object:
        enrolment_id, learner_id, course_id, title, completed_at = row
        completed_on = timezone.localtime(completed_at).date()
        return Certificate(
            **fit(
                Certificate,
                code=code(),
                enrolment_id=enrolment_id,
                learner_id=learner_id,
                course_id=course_id,
                course_title=title,
                hours=rng.choice([2, 4, 8, 16]),
                completed_on=completed_on,
                issued_at=completed_at + timedelta(minutes=2),
                expires_on=completed_on + timedelta(days=730) if rng.random() < 0.6 else None,
                status=status,
                superseded_at=completed_at + timedelta(days=1) if status == "superseded" else None,
                learner_name=names.get(learner_id, ""),
                learner_identifier=f"{1_700_000_000 + learner_id}",
                pdf_sha256=f"{rng.getrandbits(256):064x}",
                credential={},
            )
        )

    rows = [certificate(row, "issued") for row in completed]
    rows += [certificate(row, "superseded") for row in rng.sample(completed, superseded_count)]
    copy_rows(Certificate, rows)
    mine = Certificate.objects.filter(enrolment_id=facts.ids.get("learner_completed_enrolment"))
    if not mine.exists() and facts.ids.get("learner_completed_enrolment"):
        enrolment = Enrolment.objects.select_related("course").get(
            pk=facts.ids["learner_completed_enrolment"]
        )
        row = (
            enrolment.pk,
            enrolment.learner_id,
            enrolment.course_id,
            enrolment.course.title,
            enrolment.completed_at,
        )
        copy_rows(Certificate, [certificate(row, "issued")])
    facts.ids["certificate_code"] = (
        Certificate.objects.filter(status="issued").order_by("pk").values_list("code", flat=True)[0]
    )
    facts.counts["certificates"] = Certificate.objects.count()


# --- knowledge base: systems and articles --------------------------------------------------


def _knowledge_index():
    from wagtail.models import Page, Site

    KnowledgeIndexPage = model("knowledge_base.KnowledgeIndexPage")
    index = KnowledgeIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(
            instance=KnowledgeIndexPage(title="Conocimiento", slug="conocimiento")
        )
    return Page.objects.get(pk=index.pk)


def _markdown_article(rng: random.Random) -> str:
    sections = []
    for _ in range(rng.randint(3, 5)):
        sections.append(f"## {sentence(rng, 3)[:-1]}\n\n{paragraph(rng, 5)}\n")
    sections.append("```\nsystemctl status " + rng.choice(WORDS) + "\n```\n")
    return "\n".join(sections)


def seed_knowledge_base(facts: Facts, rng: random.Random) -> None:
    """60 systems and 20,000 articles at SCALE=1, under the knowledge index."""
    SystemPage = model("knowledge_base.SystemPage")
    ArticlePage = model("knowledge_base.ArticlePage")
    StaffProfile = model("people.StaffProfile")
    from knowledge_base.markdown import markdown_to_text

    if SystemPage is None or ArticlePage is None:
        return
    from bench.pages import bulk_add_children

    index = _knowledge_index()
    system_count = n(60, facts.scale, 5)
    systems = [
        SystemPage(
            **fit(
                SystemPage,
                title=f"Sistema {i + 1:03d}: {sentence(rng, 2)[:-1]}",
                slug=f"sistema-{i + 1:03d}",
                acronym=f"S{i + 1:03d}",
                purpose=paragraph(rng, 2),
                confidentiality=rng.choice(["low", "medium", "high"]),
                integrity=rng.choice(["low", "medium", "high"]),
                availability=rng.choice(["low", "medium", "high"]),
            )
        )
        for i in range(system_count)
    ]
    bulk_add_children(index, systems)
    owners = _ids(StaffProfile.objects.filter(status="active"))[:2000] if StaffProfile else []
    now = timezone.now()
    kinds = ["runbook", "howto", "architecture", "troubleshooting", "handover", "glossary"]
    article_count = n(20_000, facts.scale, 20)
    articles = []
    for i in range(article_count):
        reviewed = now - timedelta(days=rng.randint(1, 500))
        articles.append(
            ArticlePage(
                **fit(
                    ArticlePage,
                    title=f"{sentence(rng, 5)[:-1]} ({i + 1})",
                    slug=f"articulo-{i + 1:05d}",
                    kind=rng.choice(kinds),
                    summary=sentence(rng, 20)[:500],
                    body=(body := _markdown_article(rng)),
                    body_text=markdown_to_text(body),
                    content_owner_id=rng.choice(owners) if owners else None,
                    review_interval_days=rng.choice([90, 180, 365]),
                    last_reviewed_at=reviewed,
                    review_due_on=(reviewed + timedelta(days=180)).date(),
                )
            )
        )
    for i in range(0, len(articles), 2000):
        bulk_add_children(index, articles[i : i + 2000])
    Through = ArticlePage.systems.through
    _bulk(
        Through,
        [
            Through(articlepage_id=article.pk, systempage_id=rng.choice(systems).pk)
            for article in articles
        ],
    )
    facts.ids["article"] = articles[0].pk
    facts.ids["system"] = systems[0].pk
    facts.counts["systems"] = len(systems)
    facts.counts["articles"] = ArticlePage.objects.count()


SEEDERS: list[tuple[str, Callable[[Facts, random.Random], None]]] = [
    ("accounts", seed_accounts),
    ("people", seed_people),
    ("courses", seed_courses),
    ("enrolments", seed_enrolments),
    ("assessments", seed_assessments),
    ("requirements", seed_requirements),
    ("certificates", seed_certificates),
    ("knowledge_base", seed_knowledge_base),
]


def seed_all(scale: float, log: Callable[[str], None] = print) -> Facts:
    facts = Facts(scale=scale)
    for name, seeder in SEEDERS:
        rng = random.Random(f"{SEED}-{name}")  # each app's data independent of the others
        started = time.perf_counter()
        with transaction.atomic():
            seeder(facts, rng)
        facts.seconds[name] = round(time.perf_counter() - started, 1)
        log(f"  seeded {name:<16} {facts.seconds[name]:>6.1f} s")
    return facts
