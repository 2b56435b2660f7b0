"""Shared actors and objects for the access matrix (and the every-page crawl of issue 14).

`build_world()` creates two of each role in the relation that matters for object rules:
learner A / learner B, a trainer who owns B's course and one who owns none, an HR officer scoped
to A's unit and one for the whole institution, the line managers of A and of B, a reviewer, the
custodian of B's system and one of another system, an administrator, and the anonymous visitor.
Every object of B (course, lesson, quiz, questions, attempts, certificate, staff profile, unit,
handover, system, article, import, requirement, ...) is built with the apps' own factories and
services. `Actor.relations` says how each actor stands to B's objects, which is what the table
in `matrix.py` grants against.

`sign_in(client, user)` opens a session the way allauth leaves it after password + TOTP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from core.roles import Role

# How an actor stands to B's objects (matrix.py grants against these).
OWN = "own"  # B's own records (attempt, certificate, enrolment, profile)
OWN_COURSE = "own course"  # the course of the object is theirs to teach
IN_SCOPE = "in scope"  # the person/unit is in their HR scope, or reports to them
OWN_SYSTEM = "own system"  # they are the owner (custodian) of the object's system
ANY = "any"  # the role alone suffices (no object relation)
PUBLIC = "public"  # anyone, signed in or not

# Not a group: anyone someone reports to (people.rules.is_manager). Kept in Actor.roles so the
# table can grant to managers like to a role.
MANAGER = "manager"

ANONYMOUS = "anonymous"

# The password of B's private page and document collection (Wagtail's shared passwords).
SHARED_PASSWORD = "clave-compartida-b"


@dataclass
class Actor:
    name: str
    roles: frozenset[str]
    relations: frozenset[str] = frozenset()
    user: object | None = None
    client: Client | None = field(default=None, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user is None


# name -> (roles besides learner, relations to B's objects). Every member of staff is also a
# learner (Funcionario), as in the demo and as single sign-on creates accounts.
ACTOR_SPECS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    ANONYMOUS: ((), frozenset()),
    "learner_a": ((Role.LEARNER,), frozenset()),
    "learner_b": ((Role.LEARNER,), frozenset({OWN})),
    "trainer_owner": ((Role.LEARNER, Role.TRAINER), frozenset({OWN_COURSE})),
    "trainer_other": ((Role.LEARNER, Role.TRAINER), frozenset()),
    "hr_scoped": ((Role.LEARNER, Role.HR), frozenset()),
    "hr_wide": ((Role.LEARNER, Role.HR), frozenset({IN_SCOPE})),
    "manager_a": ((Role.LEARNER, MANAGER), frozenset()),
    "manager_b": ((Role.LEARNER, MANAGER), frozenset({IN_SCOPE})),
    "reviewer": ((Role.LEARNER, Role.REVIEWER), frozenset()),
    "custodian_owner": ((Role.LEARNER, Role.CUSTODIAN), frozenset({OWN_SYSTEM})),
    "custodian_other": ((Role.LEARNER, Role.CUSTODIAN), frozenset()),
    # An administrator needs no relation: the table grants (ADMIN, ANY) where they may.
    "admin": ((Role.LEARNER, Role.ADMIN), frozenset()),
}


@dataclass
class World:
    actors: dict[str, Actor]
    objects: dict[str, object]

    def user(self, name: str):
        return self.actors[name].user

    def resolve(self, dotted: str):
        """'certificate.code' -> the value, from the objects built for B."""
        head, *rest = dotted.split(".")
        value = self.objects[head]
        for attr in rest:
            value = getattr(value, attr)
        return value


def give_mfa(user):
    """A TOTP authenticator, as the MFA middleware requires of HR and administrators."""
    from allauth.mfa.models import Authenticator

    authenticator, _ = Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return authenticator


def sign_in(client: Client, user) -> Client:
    """Log in and record, as allauth does, that this session passed the password and the
    second factor (`account_authentication_methods`: a password and an mfa entry), so both the
    current MFA middleware (an authenticator exists) and one that reads the session records let
    the user through."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": totp.type})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    return client


def _mfa_roles() -> set[str]:
    from django.conf import settings

    return set(settings.MFA_REQUIRED_FOR_ROLES)


def build_actors() -> dict[str, Actor]:
    from tests.core.factories import UserFactory

    actors = {}
    required = _mfa_roles()
    for name, (roles, relations) in ACTOR_SPECS.items():
        actor = Actor(name=name, roles=frozenset(str(r) for r in roles), relations=relations)
        if name != ANONYMOUS:
            actor.user = UserFactory(
                roles=[r for r in roles if r != MANAGER],
                email=f"{name.replace('_', '.')}@example.gob.ec",
            )
            if actor.roles & required:
                give_mfa(actor.user)
        actors[name] = actor
    return actors


def build_objects(actors: dict[str, Actor]) -> dict[str, object]:
    """B's objects (and the few of A's that give the rules something to tell apart)."""
    from assessments import services as assessment_services
    from assessments.models import QuizSlot
    from certificates.models import CertificateRegeneration
    from certificates.services import certificate_issue
    from courses.models import LessonPage
    from courses.services import enrolment_create, lesson_complete
    from knowledge_base.models import HandoverItem
    from knowledge_base.services import handover_start
    from people.models import CoverageRule, HRScope, StaffImport, StaffProfile
    from tests.assessments.factories import QuestionCategoryFactory, QuizFactory, make_question
    from tests.courses.factories import TopicFactory, make_course
    from tests.knowledge_base.factories import make_article, make_system
    from tests.people.factories import StaffFactory, make_requirement, make_unit

    def user(name):
        return actors[name].user

    institution = make_unit("inst-mx", name="Ministerio (matriz)")
    unit_a = make_unit("unidad-a", parent=institution, name="Unidad A")
    unit_b = make_unit("unidad-b", parent=institution, name="Unidad B")

    def profile(name, unit, manager=None) -> StaffProfile:
        return StaffFactory(user=user(name), unit=unit, manager=manager)

    manager_a = profile("manager_a", unit_a)
    manager_b = profile("manager_b", unit_b)
    profile("learner_a", unit_a, manager=manager_a)
    profile_b = profile("learner_b", unit_b, manager=manager_b)
    for name in ("trainer_owner", "trainer_other", "reviewer", "hr_scoped", "hr_wide", "admin"):
        profile(name, institution)
    custodian_owner = profile("custodian_owner", unit_b)
    custodian_other = profile("custodian_other", unit_a)
    scope_a = HRScope.objects.create(user=user("hr_scoped"), unit=unit_a)

    course = make_course(title="Curso de B", lessons=2, owners=[user("trainer_owner")])
    lesson = LessonPage.objects.child_of(course).first()
    # The certificate comes from another course, so B's course stays in progress (a lesson
    # to complete, a course to leave).
    certified = make_course(title="Curso aprobado por B", lessons=1)
    # B's bank belongs to B's course (issue 13 item 3); a shared one sits beside it, which
    # every trainer reads and picks in the choosers.
    category = QuestionCategoryFactory(name="Categoría de B", course=course)
    shared_category = QuestionCategoryFactory(name="Categoría compartida")
    shared_question = make_question(category=shared_category, title="Pregunta compartida")
    question = make_question(category=category, title="Pregunta de B")
    quiz = QuizFactory(
        title="Evaluación de B",
        course=course,
        created_by=user("trainer_owner"),
        max_attempts=0,
        shuffle_questions=False,
    )
    QuizSlot.objects.create(quiz=quiz, question=question, sort_order=0)
    loose_quiz = QuizFactory(title="Borrador sin curso", created_by=user("trainer_owner"))
    QuizSlot.objects.create(quiz=loose_quiz, question=question, sort_order=0)

    enrolment = enrolment_create(learner=user("learner_b"), course=course)
    done = assessment_services.attempt_start(quiz_id=quiz.pk, user=user("learner_b"))
    assessment_services.attempt_submit(attempt_uuid=done.uuid, user=user("learner_b"))
    done.refresh_from_db()
    open_attempt = assessment_services.attempt_start(quiz_id=quiz.pk, user=user("learner_b"))
    certified_enrolment = lesson_complete(
        enrolment=enrolment_create(learner=user("learner_b"), course=certified),
        lesson=LessonPage.objects.child_of(certified).get(),
        user=user("learner_b"),
    )
    certificate = certificate_issue(enrolment_id=certified_enrolment.pk, notify=False)
    regeneration = CertificateRegeneration.objects.create(
        course=course, requested_by=user("hr_wide"), total=1
    )

    system = make_system(title="Sistema de B", owners=[custodian_owner], courses=[course])
    make_system(title="Sistema de A", owners=[custodian_other])
    article = make_article(
        title="Artículo de B", systems=[system], owner=custodian_owner, stale=True
    )
    owned_by_b = make_article(title="Nota de B", owner=profile_b)
    handover = handover_start(
        profile=profile_b,
        started_by=user("hr_wide"),
        deadline=timezone.localdate() + timedelta(days=30),
    )
    item = HandoverItem.objects.filter(handover=handover).first() or HandoverItem.objects.create(
        handover=handover, kind=HandoverItem.Kind.ARTICLE, page=owned_by_b
    )

    # Wagtail's shared passwords (a private page, a private document collection).
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    private_page = make_article(title="Nota con contraseña", owner=custodian_owner)
    page_restriction = PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.PASSWORD, password=SHARED_PASSWORD
    )
    private_collection = Collection.get_first_root_node().add_child(name="Documentos de B")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=private_collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password=SHARED_PASSWORD,
    )

    staff_import = StaffImport.objects.create(
        filename="personal-b.csv", content=b"", uploaded_by=user("hr_wide")
    )
    requirement = make_requirement(course, unit=unit_b)
    coverage = CoverageRule.objects.create(unit=unit_b, course=course)

    from core.models import HomePage
    from courses.models import CourseIndexPage
    from knowledge_base.models import KnowledgeIndexPage
    from quality.models import GainDesign, IndicatorValue, QualityScope, SurveyParticipation
    from tests.quality.factories import make_indicator, make_survey

    # Quality: B's course survey (B is invited, has not answered), a manual indicator with a
    # value and its evidence, B's course's gain design.
    survey = make_survey(course=course, title="Encuesta de B")
    SurveyParticipation.objects.create(
        survey=survey, lineage=survey.lineage, user=user("learner_b"), course=course
    )
    indicator = make_indicator(name="Indicador de B")
    from django.core.files.base import ContentFile

    indicator_value = IndicatorValue(
        indicator=indicator, period=timezone.localdate().replace(day=1), value=1
    )
    indicator_value.evidence.save("evidencia.pdf", ContentFile(b"%PDF-1.4"), save=True)
    gain_design = GainDesign.objects.create(course=course, pre_quiz=quiz, post_quiz=quiz)
    quality_scope = QualityScope.objects.create(user=user("learner_b"), unit=unit_b)
    # An account that came in through single sign-on without a unit (HR places it).
    from allauth.socialaccount.models import SocialAccount

    from tests.core.factories import UserFactory

    unplaced = UserFactory(roles=[Role.LEARNER], email="sin.unidad@example.gob.ec")
    SocialAccount.objects.create(user=unplaced, provider="openid_connect", uid="sin-unidad")

    return {
        "institution": institution,
        "unplaced": unplaced,
        "unit": unit_b,
        "unit_a": unit_a,
        "profile": profile_b,
        "course": course,
        "lesson": lesson,
        "category": category,
        "shared_category": shared_category,
        "shared_question": shared_question,
        "private_page": private_page,
        "page_restriction": page_restriction,
        "collection_restriction": collection_restriction,
        "question": question,
        "quiz": quiz,
        "loose_quiz": loose_quiz,
        "enrolment": enrolment,
        "attempt": open_attempt,
        "done_attempt": done,
        "certificate": certificate,
        "regeneration": regeneration,
        "system": system,
        "article": article,
        "handover": handover,
        "handover_item": item,
        "staff_import": staff_import,
        "requirement": requirement,
        "coverage": coverage,
        "hr_scope": scope_a,
        "topic": TopicFactory(name="Tema de B"),
        "certified_course": certified,
        "system_owner_name": custodian_owner.user.get_full_name(),
        "successor_profile": custodian_other,
        "home_page": HomePage.objects.first(),
        "course_index": CourseIndexPage.objects.first(),
        "knowledge_index": KnowledgeIndexPage.objects.first(),
        "survey": survey,
        "indicator": indicator,
        "indicator_value": indicator_value,
        "gain_design": gain_design,
        "quality_scope": quality_scope,
    }


def build_world() -> World:
    actors = build_actors()
    objects = build_objects(actors)
    for actor in actors.values():
        # A 500 comes back as a response (the matrix reports it) instead of raising.
        actor.client = Client(raise_request_exception=False)
        if actor.user is not None:
            sign_in(actor.client, actor.user)
    return World(actors=actors, objects=objects)
