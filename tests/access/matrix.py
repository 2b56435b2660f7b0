"""The access matrix: who may GET and POST every URL pattern Relevo defines, and on what terms.

One rule per URL pattern of the project (keyed by `namespace:name`, or by the route for the two
unnamed course/lesson routes), per admin screen the project adds (its snippet viewsets and admin
views) and per page type (live, edit and preview, although Wagtail serves them through one
route). Third-party namespaces get one default rule each. `test_access_matrix.py` walks the
URL resolver and the page types, fails on anything without a rule here, and checks each rule
against two of each role (tests/access/roles.py).

A grant is `(role, relation)`: the role must be held and the actor must stand in that relation
to B's object (`ANY`: the role alone suffices; `PUBLIC`: anyone, signed in or not). The rules are
the *correct* ones (issue 13 items 2-4), not today's behaviour; what the code still gets wrong is
listed in KNOWN_LEAKS, which may only shrink.

Kept in tests rather than in production code: the views enforce the rules through django-rules
predicates and selectors (one place per app, DESIGN.md); this table is the independent,
declarative statement a reviewer audits and CI checks them against, so it must not be the code
the views call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.roles import Role
from tests.access.roles import (
    ANONYMOUS,
    ANY,
    IN_SCOPE,
    MANAGER,
    OWN,
    OWN_COURSE,
    OWN_SYSTEM,
    PUBLIC,
    SHARED_PASSWORD,
)
from tests.factories import PASSWORD

SIGNED_IN = "*"
VISITOR = ANONYMOUS  # as a role: someone not signed in

LEARNER, TRAINER, REVIEWER = str(Role.LEARNER), str(Role.TRAINER), str(Role.REVIEWER)
CUSTODIAN, HR, ADMIN = str(Role.CUSTODIAN), str(Role.HR), str(Role.ADMIN)

Grants = frozenset[tuple[str, str]]


def grants(*pairs: tuple[str, str]) -> Grants:
    return frozenset(pairs)


EVERYONE = grants((SIGNED_IN, PUBLIC))
SIGNED_IN_ANY = grants((SIGNED_IN, ANY))
ADMIN_ONLY = grants((ADMIN, ANY))
OWNER_LEARNER = grants((LEARNER, OWN))
COURSE_STAFF = grants((TRAINER, OWN_COURSE), (ADMIN, ANY))
TRAINERS = grants((TRAINER, ANY), (ADMIN, ANY))
HR_ANY = grants((HR, ANY), (ADMIN, ANY))
HR_SCOPE = grants((HR, IN_SCOPE), (ADMIN, ANY))
HR_OR_MANAGER = grants((HR, ANY), (MANAGER, ANY), (ADMIN, ANY))
HR_OR_MANAGER_SCOPE = grants((HR, IN_SCOPE), (MANAGER, IN_SCOPE), (ADMIN, ANY))
ADMIN_USERS = grants((TRAINER, ANY), (REVIEWER, ANY), (CUSTODIAN, ANY), (HR, ANY), (ADMIN, ANY))
KNOWLEDGE_STAFF = grants((CUSTODIAN, ANY), (HR, ANY), (REVIEWER, ANY), (ADMIN, ANY))


@dataclass(frozen=True)
class Rule:
    """`get`/`post`: who may; None: the method is not part of the pattern (not requested).
    `kwargs`: URL arguments as paths into the world's objects ('certificate.code').
    `data`: POST fields (values starting with '@' are world paths). `query`: GET query string.
    `secret`/`sees`: a world path whose value must not appear in an allowed response to an
    actor outside `sees` (a listing that shows B's row to someone who may list, but not see B)."""

    get: Grants | None = None
    post: Grants | None = None
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    query: str = ""
    secret: str = ""
    sees: Grants | None = None
    signs_out: bool = False  # a successful POST ends the actor's session: sign in again after
    note: str = ""


def form(who: Grants, **extra) -> Rule:
    """A form: the same people may open (GET) and send (POST) it."""
    return Rule(get=who, post=who, **extra)


CERT = {"code": "certificate.code"}
QUIZ = {"quiz_id": "quiz.pk"}
OPEN_ATTEMPT = {"attempt_uuid": "attempt.uuid"}
DONE_ATTEMPT = {"attempt_uuid": "done_attempt.uuid"}
PROFILE = {"pk": "profile.pk"}
UNIT = {"code": "unit.code"}
QUESTION = {"pk": "question.pk"}
CATEGORY = {"pk": "category.pk"}
QUIZ_PK = {"pk": "quiz.pk"}
REASON = {"reason": "Revisión de acceso (matriz)"}
NOBODY = grants()
DOOR = "a redirect to /cuenta/login/ (or the 403 page when signed in), never a session"
SIGN_IN = {"username": "learner.b@example.gob.ec", "password": PASSWORD}
SHARED_PASSWORD_FORM = {"password": SHARED_PASSWORD, "return_url": "/"}

# --- project URL patterns --------------------------------------------------------------------

RULES: dict[str, Rule | tuple[Rule, ...]] = {
    # core
    "healthz": Rule(get=EVERYONE),
    "core:dashboard": Rule(get=SIGNED_IN_ANY),
    "core:set_language": Rule(post=EVERYONE, data={"language": "en", "next": "/"}),
    "core:accessibility": Rule(get=EVERYONE),
    "core:sessions": Rule(
        get=SIGNED_IN_ANY,
        post=SIGNED_IN_ANY,
        signs_out=True,
        note="the person's own sessions: the URL names nobody else",
    ),
    "core:person_security": form(
        ADMIN_ONLY, kwargs={"user_id": "profile.user.pk"}, data={"action": "end_sessions"}
    ),
    # One door (issue 13 item 1): the other sign-in screens send the visitor to allauth's (the
    # signed-in to the 403 page); a POSTed password is never read, so no one is let in.
    "admin/login/": form(NOBODY, data=SIGN_IN, note=DOOR),
    "django-admin/login/": form(NOBODY, data=SIGN_IN, note=DOOR),
    "_util/login/": form(NOBODY, data=SIGN_IN, note=DOOR),
    # Password reset and change lead to allauth's own screens (default rule "allauth"). Under
    # /admin/, a signed-in person without admin access gets the admin area's 403 page first
    # (core.middleware), as for every admin URL; visitors and admin users are redirected.
    "^admin/password_reset/": form(
        grants((VISITOR, ANY)) | ADMIN_USERS, data={"email": "learner.b@example.gob.ec"}
    ),
    "^django-admin/password_change/": Rule(get=EVERYONE),
    # Wagtail's shared passwords (rate-limited like sign-ins): anyone who knows it may pass.
    "wagtailcore_authenticate_with_password": form(
        EVERYONE,
        kwargs={
            "page_view_restriction_id": "page_restriction.pk",
            "page_id": "private_page.pk",
        },
        data=SHARED_PASSWORD_FORM,
    ),
    "wagtaildocs_authenticate_with_password": form(
        EVERYONE, kwargs={"restriction_id": "collection_restriction.pk"}, data=SHARED_PASSWORD_FORM
    ),
    # courses
    "courses:catalogue": Rule(get=EVERYONE),
    "cursos/<slug:slug>/": Rule(get=EVERYONE, kwargs={"slug": "course.slug"}),
    "cursos/<slug:course_slug>/<slug:lesson_slug>/": Rule(
        get=EVERYONE, kwargs={"course_slug": "course.slug", "lesson_slug": "lesson.slug"}
    ),
    "courses:enrol": Rule(post=SIGNED_IN_ANY, kwargs={"course_id": "course.pk"}),
    "courses:leave": Rule(post=OWNER_LEARNER, kwargs={"course_id": "course.pk"}),
    "courses:complete": Rule(post=OWNER_LEARNER, kwargs={"lesson_id": "lesson.pk"}),
    "courses:reports": Rule(
        get=TRAINERS, secret="course.title", sees=COURSE_STAFF, note="own courses only"
    ),
    "courses:report": Rule(get=COURSE_STAFF, kwargs={"course_id": "course.pk"}),
    "courses:report_csv": Rule(get=COURSE_STAFF, kwargs={"course_id": "course.pk"}),
    "courses:my_learning": Rule(get=SIGNED_IN_ANY),
    # assessments: learners
    "assessments:mine": Rule(get=SIGNED_IN_ANY),
    "assessments:quiz": (
        Rule(get=SIGNED_IN_ANY, kwargs=QUIZ, note="a quiz of a live course"),
        Rule(
            get=grants((TRAINER, OWN_COURSE), (ADMIN, ANY)),
            kwargs={"quiz_id": "loose_quiz.pk"},
            note="a quiz outside any course: only its creator (issue 13 item 3)",
        ),
    ),
    "assessments:start": (
        Rule(post=OWNER_LEARNER, kwargs=QUIZ, note="a quiz of a course: its enrolled learners"),
        Rule(
            post=grants((TRAINER, OWN_COURSE), (ADMIN, ANY)),
            kwargs={"quiz_id": "loose_quiz.pk"},
            note="a quiz outside any course: only its creator previews it",
        ),
    ),
    "assessments:attempt": form(OWNER_LEARNER, kwargs=OPEN_ATTEMPT),
    "assessments:autosave": Rule(post=OWNER_LEARNER, kwargs=OPEN_ATTEMPT),
    "assessments:result": Rule(get=OWNER_LEARNER, kwargs=DONE_ATTEMPT),
    # assessments: the course's trainers
    "assessments:manage": Rule(get=TRAINERS, secret="quiz.title", sees=COURSE_STAFF),
    "assessments:quiz_attempts": Rule(get=COURSE_STAFF, kwargs=QUIZ),
    "assessments:statistics": Rule(get=COURSE_STAFF, kwargs=QUIZ),
    "assessments:regrade": Rule(post=COURSE_STAFF, kwargs=QUIZ),
    "assessments:review": Rule(get=COURSE_STAFF, kwargs=DONE_ATTEMPT),
    # certificates: public verification
    "certificates:verify_form": Rule(get=EVERYONE),
    "certificates:verify_document": form(EVERYONE),
    "certificates:issuer": Rule(get=EVERYONE),
    "certificates:issuer_keys": Rule(get=EVERYONE),
    "certificates:achievement": Rule(
        get=EVERYONE,
        kwargs={"kind": "=curso", "object_id": "certified_course.pk"},
        note="a course that has issued certificates (others: 404 for everyone)",
    ),
    "certificates:achievement_legacy": Rule(
        get=EVERYONE,
        kwargs={"course_id": "certified_course.pk"},
        note="the id before it named its kind: a permanent redirect",
    ),
    "certificates:status_list": Rule(
        get=EVERYONE,
        kwargs={"number": "=0"},
        note="the revocation status list of the issued certificates",
    ),
    "certificates:verify": Rule(get=EVERYONE, kwargs=CERT),
    # certificates: the holder
    "certificates:mine": Rule(get=SIGNED_IN_ANY),
    "certificates:my_pdf": Rule(get=OWNER_LEARNER, kwargs=CERT),
    "certificates:my_credential": Rule(get=OWNER_LEARNER, kwargs=CERT),
    # certificates: HR within its scope, administrators
    "certificates:manage": Rule(get=HR_ANY, secret="certificate.code", sees=HR_SCOPE),
    "certificates:manage_regenerate": form(HR_SCOPE, data={"course": "@course.pk"}),
    "certificates:manage_regeneration": Rule(get=HR_SCOPE, kwargs={"pk": "regeneration.pk"}),
    "certificates:manage_detail": Rule(get=HR_SCOPE, kwargs=CERT),
    "certificates:manage_revoke": Rule(post=HR_SCOPE, kwargs=CERT, data=REASON),
    "certificates:manage_reissue": Rule(post=HR_SCOPE, kwargs=CERT, data=REASON),
    "certificates:manage_pdf": Rule(get=HR_SCOPE, kwargs=CERT),
    # people (HR)
    "people:people_api:api-root": Rule(get=grants(), note="interactive docs are off: 404"),
    "people:people_api:openapi-json": Rule(get=HR_OR_MANAGER),
    "people:people_api:staff_list": Rule(
        get=HR_OR_MANAGER, secret="profile.employee_id", sees=HR_OR_MANAGER_SCOPE
    ),
    "people:people_api:staff_detail": Rule(
        get=HR_OR_MANAGER_SCOPE, kwargs={"profile_id": "profile.pk"}
    ),
    "people:people_api:compliance_totals": Rule(get=HR_OR_MANAGER),
    "people:dashboard": Rule(get=HR_OR_MANAGER),
    "people:unit_list": Rule(get=HR_ANY),
    "people:unit_create": form(HR_ANY),
    "people:unit_edit": form(HR_SCOPE, kwargs=UNIT),
    "people:unit_move": form(HR_SCOPE, kwargs=UNIT),
    "people:staff_list": Rule(
        get=HR_OR_MANAGER, secret="profile.employee_id", sees=HR_OR_MANAGER_SCOPE
    ),
    "people:staff_create": form(HR_ANY),
    "people:staff_detail": Rule(get=HR_OR_MANAGER_SCOPE, kwargs=PROFILE),
    "people:staff_edit": form(HR_SCOPE, kwargs=PROFILE),
    "people:staff_status": form(HR_SCOPE, kwargs=PROFILE),
    "people:personal_data_export": Rule(get=ADMIN_ONLY, kwargs=PROFILE),
    "people:anonymise": Rule(post=ADMIN_ONLY, kwargs=PROFILE),
    # Accounts without a unit lie outside every HR scope: institution-wide HR and admins only.
    "people:unplaced_list": Rule(get=HR_SCOPE),
    "people:unplaced_place": form(HR_SCOPE, kwargs={"pk": "unplaced.pk"}),
    "people:import_upload": form(HR_ANY),
    "people:import_preview": form(
        grants((HR, IN_SCOPE)),
        kwargs={"pk": "staff_import.pk"},
        note="only the officer who uploaded it (B's import is the institution-wide officer's)",
    ),
    "people:import_template": Rule(get=HR_ANY, kwargs={"fmt": "=csv"}),
    "people:requirement_list": form(HR_ANY),
    "people:requirement_edit": form(HR_SCOPE, kwargs={"pk": "requirement.pk"}),
    "people:scope_list": form(HR_SCOPE, note="institution-wide officers only"),
    "people:scope_remove": Rule(post=HR_SCOPE, kwargs={"pk": "hr_scope.pk"}),
    "people:coverage_list": form(HR_ANY),
    "people:coverage_edit": form(HR_SCOPE, kwargs={"pk": "coverage.pk"}),
    "people:export_matrix": Rule(
        get=HR_OR_MANAGER,
        kwargs={"fmt": "=csv"},
        secret="profile.employee_id",
        sees=HR_OR_MANAGER_SCOPE,
    ),
    "people:export_transcripts": Rule(
        get=HR_OR_MANAGER,
        kwargs={"fmt": "=csv"},
        secret="profile.employee_id",
        sees=HR_OR_MANAGER_SCOPE,
    ),
    "people:export_aggregate": Rule(get=HR_ANY),
    # knowledge base
    "knowledge_base:home": Rule(get=EVERYONE),
    # An article served from its cached route: the same audience as the page type's rule.
    "knowledge_base:article": Rule(get=EVERYONE, kwargs={"slug": "article.slug"}),
    "knowledge_base:search": Rule(get=SIGNED_IN_ANY, query="q=sistema"),
    "knowledge_base:risk": Rule(
        get=KNOWLEDGE_STAFF,
        secret="system_owner_name",
        sees=grants((CUSTODIAN, ANY), (HR, IN_SCOPE), (REVIEWER, ANY), (ADMIN, ANY)),
        note="names the knowledgeable people: a scoped officer only those of their units",
    ),
    "knowledge_base:what_if": Rule(get=KNOWLEDGE_STAFF),
    "knowledge_base:experts": Rule(get=SIGNED_IN_ANY),
    "knowledge_base:my_reviews": Rule(get=SIGNED_IN_ANY),
    "knowledge_base:mark_reviewed": Rule(
        post=grants((CUSTODIAN, OWN_SYSTEM), (REVIEWER, ANY), (ADMIN, ANY)),
        kwargs={"article_id": "article.pk"},
    ),
    "knowledge_base:handover_list": Rule(
        get=SIGNED_IN_ANY,
        post=HR_OR_MANAGER_SCOPE,
        data={"profile": "@profile.pk", "reason": "leaving", "deadline": "2030-01-31"},
        secret="profile.user.email",
        sees=grants((LEARNER, OWN), (HR, IN_SCOPE), (MANAGER, IN_SCOPE), (ADMIN, ANY)),
    ),
    "knowledge_base:handover": Rule(
        get=grants((LEARNER, OWN), (HR, IN_SCOPE), (MANAGER, IN_SCOPE), (ADMIN, ANY)),
        kwargs={"handover_id": "handover.pk"},
    ),
    "knowledge_base:handover_cancel": Rule(
        post=HR_OR_MANAGER_SCOPE, kwargs={"handover_id": "handover.pk"}
    ),
    "knowledge_base:handover_item_assign": Rule(
        post=HR_OR_MANAGER_SCOPE,
        kwargs={"item_id": "handover_item.pk"},
        data={"successor": "@successor_profile.pk", "deadline": "2030-01-31"},
    ),
    "knowledge_base:handover_item_accept": Rule(
        post=grants(), kwargs={"item_id": "handover_item.pk"}, note="only the successor"
    ),
    # admin screens the project adds
    # Failed issuances cover every learner: HR for the whole institution (in scope of B), not a
    # scoped officer.
    "certificates_failed_issuances": Rule(get=HR_SCOPE),
    "assessments_admin:import": form(TRAINERS),
    "assessments_admin:export": Rule(get=COURSE_STAFF, query="category={category.pk}"),
}


def _snippet_rules(
    ns: str, obj: dict[str, str], *, secret: str = "", owners: Grants = COURSE_STAFF
) -> dict[str, Rule]:
    """A SnippetViewSet's screens: trainers list and add; the object's owners change it."""
    listing = Rule(get=TRAINERS, secret=secret, sees=owners if secret else None)
    return {
        f"{ns}:list": listing,
        f"{ns}:list_results": listing,
        f"{ns}:add": form(TRAINERS),
        f"{ns}:edit": form(owners, kwargs=obj),
        f"{ns}:delete": form(owners, kwargs=obj),
        f"{ns}:usage": Rule(get=owners, kwargs=obj),
        f"{ns}:history": Rule(get=owners, kwargs=obj),
        f"{ns}:history_results": Rule(get=owners, kwargs=obj),
        f"{ns}:copy": form(owners, kwargs=obj),
    }


# A question category belongs to a course (issue 13 item 3): B's category and question are
# those of B's course. Trainers read a question of a course they own, or of a shared
# category, through the inspect view; the quiz form's choosers list shared and own-course
# categories and questions, never another course's.
RULES.update(
    {
        "wagtailsnippets_assessments_question:inspect": (
            Rule(get=COURSE_STAFF, kwargs=QUESTION),
            Rule(
                get=TRAINERS,
                kwargs={"pk": "shared_question.pk"},
                note="a question of a shared category: every trainer reads it",
            ),
        ),
        **{
            f"wagtailsnippetchoosers_assessments_{model}:{view}": Rule(
                get=ADMIN_USERS,
                secret=secret,
                sees=COURSE_STAFF,
                note="opens for any admin user, listing only what they may see (others: empty)",
            )
            for model, secret in (
                ("question", "question.title"),
                ("questioncategory", "category.name"),
            )
            for view in ("choose", "choose_results")
        },
    }
)
RULES.update(
    _snippet_rules("wagtailsnippets_assessments_question", QUESTION, secret="question.title")
)
# The question's live preview (Wagtail's PreviewableMixin): trainers preview what they write;
# the preview of an existing question shows its answers, so only its course's staff.
RULES.update(
    {
        "wagtailsnippets_assessments_question:preview_on_add": Rule(get=TRAINERS),
        "wagtailsnippets_assessments_question:preview_on_edit": Rule(
            get=COURSE_STAFF, kwargs=QUESTION
        ),
    }
)
RULES.update(
    _snippet_rules("wagtailsnippets_assessments_questioncategory", CATEGORY, secret="category.name")
)
RULES.update(_snippet_rules("wagtailsnippets_assessments_quiz", QUIZ_PK, secret="quiz.title"))
# Topics are the catalogue's shared vocabulary: trainers pick and add them, administrators
# rename and delete them.
RULES.update(
    {
        key: Rule(
            get=grants(),
            post=grants() if rule.post is not None else None,
            kwargs=rule.kwargs,
            note="superusers only",
        )
        for key, rule in _snippet_rules("wagtailsnippets_courses_topic", {"pk": "topic.pk"}).items()
    }
)

# Quality (issue 18): B answers B's survey; results for the course's staff and HR for the whole
# institution (the quality role is not in this world); the matrix for HR (scoped HR: their
# units) and administrators; manual values and indicator authoring for administrators (and
# quality officers). B's survey has fewer responses than the minimum group: no CSV for anyone.
SURVEY = {"survey_id": "survey.pk"}
INDICATOR = {"indicator_id": "indicator.pk"}
QUALITY_VIEWERS = grants((TRAINER, OWN_COURSE), (HR, IN_SCOPE), (ADMIN, ANY))
RULES.update(
    {
        "quality:survey_answer": Rule(get=OWNER_LEARNER, kwargs=SURVEY),
        "quality:survey_results": Rule(get=QUALITY_VIEWERS, kwargs=SURVEY),
        "quality:survey_csv": Rule(get=NOBODY, kwargs=SURVEY, note="below the minimum group"),
        "quality:matrix": Rule(get=HR_ANY),
        "quality:matrix_xlsx": Rule(get=HR_ANY),
        "quality:matrix_pdf": Rule(get=HR_ANY),
        "quality:open_data": Rule(get=HR_ANY),
        "quality:indicator": Rule(get=HR_ANY, kwargs=INDICATOR),
        "quality:indicator_value": form(ADMIN_ONLY, kwargs=INDICATOR),
        "quality:evidence": Rule(get=HR_ANY, kwargs={"value_id": "indicator_value.pk"}),
        "quality:course": Rule(
            get=grants((TRAINER, OWN_COURSE), (HR, ANY), (ADMIN, ANY)),
            kwargs={"course_id": "course.pk"},
        ),
        # Gain per unit: HR (scoped HR: their units' rows) and administrators.
        "quality:gain_index": Rule(get=HR_ANY),
        "quality:gain_units": Rule(get=HR_ANY, kwargs={"design_id": "gain_design.pk"}),
    }
)
# Quality scopes (which units a quality officer is limited to): administrators only.
RULES.update(
    {
        key: Rule(
            get=ADMIN_ONLY,
            post=ADMIN_ONLY if rule.post is not None else None,
            kwargs=rule.kwargs,
            note="an officer cannot widen their own scope",
        )
        for key, rule in _snippet_rules(
            "wagtailsnippets_quality_qualityscope", {"pk": "quality_scope.pk"}
        ).items()
    }
)
for _model, _obj in (
    ("survey", {"pk": "survey.pk"}),
    ("gaindesign", {"pk": "gain_design.pk"}),
    ("indicator", {"pk": "indicator.pk"}),
):
    RULES.update(
        {
            key: Rule(
                get=HR_ANY if key.endswith(("list", "list_results")) else ADMIN_ONLY,
                post=ADMIN_ONLY if rule.post is not None else None,
                kwargs=rule.kwargs,
                note="quality officers and administrators author; HR may look",
            )
            for key, rule in _snippet_rules(f"wagtailsnippets_quality_{_model}", _obj).items()
        }
    )

# --- page types: live, edit and preview ------------------------------------------------------


@dataclass(frozen=True)
class PageRule:
    obj: str  # world path of B's page of this type
    live: Grants
    edit: Grants
    preview: Grants


# Reviewers moderate every workflow, so Wagtail lets them open and preview every page; trainers
# author under the catalogue, custodians under the knowledge base (page permissions of their
# groups). Knowledge-base pages are public like the catalogue today: see the closing note.
COURSE_EDITORS = grants((TRAINER, OWN_COURSE), (REVIEWER, ANY), (ADMIN, ANY))
CATALOGUE_EDITORS = grants((TRAINER, ANY), (REVIEWER, ANY), (ADMIN, ANY))
KNOWLEDGE_EDITORS = grants((CUSTODIAN, ANY), (REVIEWER, ANY), (ADMIN, ANY))

PAGE_RULES: dict[str, PageRule] = {
    "core.HomePage": PageRule("home_page", EVERYONE, ADMIN_ONLY, ADMIN_ONLY),
    "courses.CourseIndexPage": PageRule(
        "course_index", EVERYONE, CATALOGUE_EDITORS, CATALOGUE_EDITORS
    ),
    "courses.CoursePage": PageRule("course", EVERYONE, COURSE_EDITORS, COURSE_EDITORS),
    "courses.LessonPage": PageRule("lesson", EVERYONE, COURSE_EDITORS, COURSE_EDITORS),
    "knowledge_base.KnowledgeIndexPage": PageRule(
        "knowledge_index", EVERYONE, KNOWLEDGE_EDITORS, KNOWLEDGE_EDITORS
    ),
    "knowledge_base.SystemPage": PageRule("system", EVERYONE, KNOWLEDGE_EDITORS, KNOWLEDGE_EDITORS),
    "knowledge_base.ArticlePage": PageRule(
        "article", EVERYONE, KNOWLEDGE_EDITORS, KNOWLEDGE_EDITORS
    ),
}

# --- third-party namespaces: one default rule each, checked on a representative URL ----------

DEFAULT_RULES: dict[str, tuple[str, Rule]] = {
    # Wagtail's own admin: staff who author or review content; learners get the 403 page.
    "wagtail": ("/admin/", Rule(get=ADMIN_USERS)),
    # Django admin: superusers only (the Administrador group has no staff flag); none of the
    # actors is a superuser, so everyone is sent to its login.
    "django-admin": ("/django-admin/", Rule(get=grants())),
    # allauth: the account pages of the signed-in person.
    "allauth": ("/cuenta/email/", Rule(get=SIGNED_IN_ANY)),
}

THIRD_PARTY_PREFIXES = {
    "admin/": "wagtail",
    "django-admin/": "django-admin",
    "cuenta/": "allauth",
    "documentos/": "wagtail",
}

# --- what the code still gets wrong ------------------------------------------------------------


@dataclass(frozen=True)
class KnownLeak:
    pattern: str
    actor: str
    method: str
    reason: str


def _known(*rows: tuple[str, str, str, str]) -> frozenset[KnownLeak]:
    return frozenset(KnownLeak(*row) for row in rows)


LEAK_CERT = (
    "a scoped HR officer lists, opens, downloads and regenerates certificates of other units "
    "(issue 13 item 2: being fixed on the 'scopes' branch)"
)
LEAK_HANDOVER = (
    "a scoped HR officer opens handovers of other units (issue 13 item 2: being fixed on the "
    "'scopes' branch)"
)
LEAK_RISK = (
    "a scoped HR officer sees other units in the knowledge risk page (issue 13 item 2: being "
    "fixed on the 'scopes' branch)"
)
LEAK_OPENAPI = (
    "the HR API's OpenAPI document (the schema, no staff data) is served to anyone, signed in "
    "or not: NinjaAPI(auth=...) does not cover openapi_url; people/http_api.py needs "
    "docs_decorator (people's, not fixed here)"
)
DENIAL_IN_USE = (
    "B's question and category are used by B's quiz: Wagtail refuses to delete a protected "
    "object and sends the editor to the dashboard (the right outcome, not a permission gap)"
)

KNOWN_LEAKS: frozenset[KnownLeak] = _known()

# 500s the walk hits today; same rule: the list may only shrink.
KNOWN_ERRORS: frozenset[KnownLeak] = _known()

# People the table allows who are refused today (a missing permission, not a leak).
KNOWN_DENIALS: frozenset[KnownLeak] = _known(
    ("wagtailsnippets_assessments_question:delete", "admin", "POST", DENIAL_IN_USE),
    ("wagtailsnippets_assessments_question:delete", "trainer_owner", "POST", DENIAL_IN_USE),
    ("wagtailsnippets_assessments_questioncategory:delete", "admin", "POST", DENIAL_IN_USE),
    ("wagtailsnippets_assessments_questioncategory:delete", "trainer_owner", "POST", DENIAL_IN_USE),
)
