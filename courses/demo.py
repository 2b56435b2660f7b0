"""Demo content of the courses app: the catalogue at /cursos/, the topics, three Spanish courses
written from the seeds, and the demo learner's enrolments. Idempotent: a second run changes
nothing."""

from datetime import timedelta

from django.utils import timezone

from core.api import demo_user, home_page

from .demo_content import COURSES, TOPICS
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage, Topic
from .selectors import course_lessons
from .services import enrolment_create, lesson_complete

TRAINER_EMAIL = "capacitador@relevo.demo"
LEARNER_EMAIL = "funcionario@relevo.demo"
HR_EMAIL = "talento@relevo.demo"
REVIEWER_EMAIL = "revisor@relevo.demo"


def _catalogue() -> CourseIndexPage:
    catalogue = CourseIndexPage.objects.first()
    if catalogue is not None:
        return catalogue
    home = home_page()
    catalogue = CourseIndexPage(title="Cursos", slug="cursos")
    home.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    return catalogue


def _course(
    catalogue: CourseIndexPage, spec: dict, trainer, reviewer, topics: dict
) -> tuple[CoursePage, bool]:
    """Written by the trainer, published by the reviewer (trainers cannot publish)."""
    course = CoursePage.objects.child_of(catalogue).filter(slug=spec["slug"]).first()
    if course is not None:
        return course, False
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        topic=topics[spec["topic"]],
        level=spec["level"],
        estimated_hours=spec["estimated_hours"],
        objectives=spec["objectives"],
        audience=spec["audience"],
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES,
        validity_months=24,
    )
    catalogue.add_child(instance=course)
    course.owners.set([trainer])
    course.save_revision(user=trainer).publish(user=reviewer)
    for module, title, body in spec["lessons"]:
        lesson = LessonPage(title=title, module=module, estimated_minutes=30, body=body)
        course.add_child(instance=lesson)
        lesson.save_revision(user=trainer).publish(user=reviewer)
    return course, True


def seed(stdout) -> None:
    catalogue = _catalogue()
    topics = {}
    for slug, name in TOPICS:
        topics[slug], _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    trainer = demo_user(email=TRAINER_EMAIL)
    learner = demo_user(email=LEARNER_EMAIL)
    hr = demo_user(email=HR_EMAIL)
    reviewer = demo_user(email=REVIEWER_EMAIL)

    courses = {}
    for spec in COURSES:
        course, created = _course(catalogue, spec, trainer, reviewer, topics)
        courses[spec["slug"]] = course
        stdout.write(f"  {'created' if created else 'kept'}: {course.title} ({course.url})")

    # Half done: two of the four lessons of the interoperability course.
    interoperability = courses["interoperabilidad-movilidad-humana"]
    if not Enrolment.objects.filter(learner=learner, course=interoperability).exists():
        enrolment = enrolment_create(learner=learner, course=interoperability)
        # Enrolled a week ago: the demo's quiz attempts (days ago) belong to this enrolment,
        # so finishing the lessons completes the course.
        enrolment.enrolled_at = timezone.now() - timedelta(days=7)
        enrolment.save(update_fields=["enrolled_at"])
        for lesson in course_lessons(interoperability)[:2]:
            lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)

    # Assigned by Human Resources, with a due date.
    security = courses["seguridad-informacion-egsi"]
    if not Enrolment.objects.filter(learner=learner, course=security).exists():
        enrolment_create(
            learner=learner,
            course=security,
            source=Enrolment.Source.ASSIGNED,
            due_date=timezone.localdate() + timedelta(days=30),
            assigned_by=hr,
            check_prerequisites=False,
        )
    stdout.write(f"Courses: catalogue at {catalogue.url}; {LEARNER_EMAIL} is enrolled in two.")
