"""The pages the benchmark loads, each only when its URL exists on this checkout.

A target is checked in process first (Django's test Client): it must answer with the expected
status, and the SQL queries of a warm request are counted there. Only then is it put under load.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils.crypto import get_random_string

from .seed import Facts, model


@dataclass
class Target:
    key: str
    label: str
    path: str
    user_id: int | None = None
    method: str = "GET"
    body: str = ""
    # For a POST that changes state: one (path, user id) per request, taken round robin.
    rotation: list[tuple[str, int]] = field(default_factory=list)
    expect: tuple[int, ...] = (200,)
    min_ratio: float | None = None
    max_p95_ms: float | None = None
    # Or met when the page runs at least this fraction of the stock Wagtail page's throughput
    # (the knowledge article: "within 1.5x what Wagtail itself costs").
    min_ratio_to_wagtail: float | None = None
    # Filled by check():
    queries: int | None = None
    status: int | None = None
    problem: str = ""


def url_exists(path: str) -> bool:
    """True when an app routes `path` (Wagtail's catch-all, which matches anything, does not count)."""
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return False
    return match.url_name != "wagtail_serve"


_sessions: dict[int, str] = {}
# Django accepts only letters and digits in the CSRF cookie: a token with "-" or "_" (as
# token_urlsafe makes) fails every POST with 403.
_csrf = get_random_string(32)


def session_cookie(user_id: int | None) -> str:
    """A Cookie header value for a signed-in user (a real session row, as after a login)."""
    if user_id is None:
        return ""
    if user_id not in _sessions:
        client = Client()
        client.force_login(get_user_model().objects.get(pk=user_id))
        _sessions[user_id] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return (
        f"{settings.SESSION_COOKIE_NAME}={_sessions[user_id]}; "
        f"{settings.CSRF_COOKIE_NAME}={_csrf}; {settings.LANGUAGE_COOKIE_NAME}=es"
    )


def csrf_token() -> str:
    return _csrf


def _cancel_after(backend_pid: int, done: threading.Event) -> None:
    """A page that needs minutes is reported, not waited for: cancel its queries."""
    import psycopg

    if done.wait(CHECK_TIMEOUT_SECONDS):
        return
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        while not done.is_set():
            admin.execute("SELECT pg_cancel_backend(%s)", [backend_pid])
            done.wait(0.5)


def check(target: Target) -> Target:
    """Request the page twice in process; count the queries of the second (warm) request."""
    client = Client(raise_request_exception=False)
    if target.user_id is not None:
        client.force_login(get_user_model().objects.get(pk=target.user_id))
    started = time.perf_counter()
    rotation = target.rotation or [(target.path, target.user_id)]
    requests = rotation[:2] if len(rotation) > 1 else rotation * 2
    response = None
    done = threading.Event()
    connection.ensure_connection()
    threading.Thread(
        target=_cancel_after, args=(connection.connection.info.backend_pid, done), daemon=True
    ).start()
    try:
        for i, (path, user_id) in enumerate(requests):
            if user_id != target.user_id and user_id is not None:
                client.force_login(get_user_model().objects.get(pk=user_id))
            with CaptureQueriesContext(connection) as captured:
                if target.method == "POST":
                    response = client.post(path, data=target.body, content_type=_FORM)
                else:
                    response = client.get(path)
            if i == len(requests) - 1:
                target.queries = len(captured)
    except Exception as exc:  # even the error page failed
        target.problem = f"{exc.__class__.__name__} in process: {str(exc)[:80]}"
        return target
    finally:
        done.set()
    target.status = response.status_code
    if time.perf_counter() - started > CHECK_TIMEOUT_SECONDS:
        target.problem = f"over {CHECK_TIMEOUT_SECONDS} s per request in process: not loaded"
        return target
    if target.status not in target.expect:
        target.problem = f"HTTP {target.status} in process"
    return target


_FORM = "application/x-www-form-urlencoded"
CHECK_TIMEOUT_SECONDS = 60


def _page_url(label: str, pk) -> str | None:
    Page = model(label)
    if Page is None or pk is None:
        return None
    page = Page.objects.filter(pk=pk).first()
    return page.get_url() if page else None


def _bare(facts: Facts) -> list[Target]:
    return [Target("bare", "Bare Django view (yardstick)", "/__bench__/bare")]


STOCK_WAGTAIL_KEY = "wagtail_page"
STOCK_WAGTAIL_SLUG = "bench-stock-wagtail"


def stock_wagtail_page():
    """A plain wagtailcore.Page under the site's home page (made on first use, so a --reuse
    run has it too): no project model, template or context, only what Wagtail's serve view
    does (site lookup, routing, privacy check, its own template)."""
    from wagtail.models import Page, Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    root = site.root_page
    page = root.get_children().filter(slug=STOCK_WAGTAIL_SLUG).first()
    if page is None:
        page = root.add_child(
            instance=Page(title="Página de Wagtail (referencia)", slug=STOCK_WAGTAIL_SLUG)
        )
    return page


def _wagtail(facts: Facts) -> list[Target]:
    page = stock_wagtail_page()
    if page is None:
        return []
    return [
        Target(
            STOCK_WAGTAIL_KEY,
            "Stock Wagtail page, signed in (second yardstick)",
            page.get_url(),
            facts.ids.get("learner"),
        )
    ]


def _core(facts: Facts) -> list[Target]:
    return [
        Target("home", "Home page, anonymous", "/"),
        Target("dashboard", "Inicio (signed-in dashboard)", "/inicio/", facts.ids.get("learner")),
    ]


def _courses(facts: Facts) -> list[Target]:
    targets = []
    catalogue = _page_url("courses.CourseIndexPage", facts.ids.get("catalogue"))
    course = _page_url("courses.CoursePage", facts.ids.get("course"))
    lesson = _page_url("courses.LessonPage", facts.ids.get("lesson"))
    if catalogue:
        targets.append(
            Target("catalogue", "Catálogo /cursos/", catalogue, min_ratio=0.5, max_p95_ms=100)
        )
    if course:
        targets.append(
            Target("course", "Course page, anonymous", course, min_ratio=0.5, max_p95_ms=100)
        )
    if lesson:
        targets.append(
            Target(
                "lesson",
                "Lesson page, signed-in learner",
                lesson,
                facts.ids.get("learner"),
                min_ratio=0.2,
                max_p95_ms=100,
            )
        )
    if url_exists("/mi-aprendizaje/"):
        targets.append(
            Target(
                "my_learning",
                "Mi aprendizaje",
                "/mi-aprendizaje/",
                facts.ids.get("learner"),
                min_ratio=0.2,
                max_p95_ms=100,
            )
        )
    return targets


def _assessments(facts: Facts) -> list[Target]:
    quiz_id = facts.ids.get("quiz")
    pool = list(facts.ids.get("quiz_learners") or [])
    if not quiz_id or not pool or not url_exists(f"/evaluaciones/{quiz_id}/comenzar/"):
        return []
    from assessments.models import Attempt
    from assessments.services import attempt_save_answers, attempt_start

    half = len(pool) // 2
    starters, submitters = pool[:half], pool[half:]
    User = get_user_model()
    attempts = []
    for user in User.objects.filter(pk__in=submitters).order_by("pk"):
        attempt = attempt_start(quiz_id=quiz_id, user=user)
        # The form's option values are per-attempt tokens, so one request body cannot answer
        # every attempt: answers are saved here (as autosave and "review" do) and the measured
        # POST is the summary page's final "confirm", the request that grades.
        attempt_save_answers(
            attempt_uuid=attempt.uuid,
            user=user,
            responses={slot: {"choices": ["c0"]} for slot in range(10)},
        )
        attempts.append((attempt.uuid, user.pk))
    return [
        Target(
            "quiz",
            "Quiz page, signed-in learner",
            f"/evaluaciones/{quiz_id}/",
            starters[0],
        ),
        Target(
            "quiz_start",
            # Under --reuse the starters already have their attempt: the POST then measures
            # "return the open attempt", a cheaper path, and says so.
            f"Start a quiz attempt (POST, {len(starters)} learners)"
            if not Attempt.objects.filter(quiz_id=quiz_id, learner_id__in=starters).exists()
            else f"Start: returns the open attempt (POST, {len(starters)} learners, reused data)",
            f"/evaluaciones/{quiz_id}/comenzar/",
            starters[0],
            method="POST",
            rotation=[(f"/evaluaciones/{quiz_id}/comenzar/", uid) for uid in starters],
            expect=(302,),
        ),
        Target(
            "quiz_submit",
            f"Submit (POST confirm: grades an attempt, {len(attempts)} attempts)",
            f"/evaluaciones/intento/{attempts[0][0]}/",
            attempts[0][1],
            method="POST",
            body="action=confirm",
            rotation=[(f"/evaluaciones/intento/{uuid}/", uid) for uuid, uid in attempts],
            expect=(302,),
        ),
    ]


def _certificates(facts: Facts) -> list[Target]:
    code = facts.ids.get("certificate_code")
    if not code or not url_exists(f"/verificar/{code}/"):
        return []
    return [Target("verify", "Certificate verification, anonymous", f"/verificar/{code}/")]


def _people(facts: Facts) -> list[Target]:
    if not url_exists("/talento-humano/"):
        return []
    return [
        Target(
            "hr_dashboard",
            f"HR dashboard (Talento humano, {facts.counts.get('staff', 0):,} staff)",
            "/talento-humano/",
            facts.ids.get("hr"),
            max_p95_ms=200,
        )
    ]


def _knowledge_base(facts: Facts) -> list[Target]:
    targets = []
    if url_exists("/conocimiento/buscar/"):
        targets.append(
            Target(
                "kb_search",
                "Knowledge search, signed in",
                "/conocimiento/buscar/?q=procedimiento+respaldo+servidor",
                facts.ids.get("learner"),
                max_p95_ms=100,
            )
        )
    article = _page_url("knowledge_base.ArticlePage", facts.ids.get("article"))
    if article:
        targets.append(
            Target(
                "kb_article",
                "Knowledge article, signed in",
                article,
                facts.ids.get("learner"),
                min_ratio=0.2,
                min_ratio_to_wagtail=round(1 / 1.5, 3),
            )
        )
    return targets


TARGET_BUILDERS: list[Callable[[Facts], list[Target]]] = [
    _bare,
    _wagtail,
    _core,
    _courses,
    _assessments,
    _certificates,
    _knowledge_base,
    # Last: at SCALE=1 its requests take seconds of PostgreSQL each, and those still running
    # when its load stops would weigh on the next page's measurement.
    _people,
]


def discover(facts: Facts) -> list[Target]:
    targets = []
    for build in TARGET_BUILDERS:
        targets.extend(build(facts))
    return targets
