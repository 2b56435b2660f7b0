"""`make bench-exam`: exam day against the production stack (issue 17), never part of `make test`.

The profile of Universidad de la República's Moodle 4.5 load test (Feb 2026): a 16-question
quiz (12 multiple choice, 2 true/false, 1 matching, 1 short answer) taken as 8 pages of 2, a
ramp-up of 180 s, a synchronizing timer (everyone starts the attempt at once), 30-90 s of
think time per page. Think time and ramp-up are multiplied by THINK_SCALE (default 0.1: 200
virtual users then make the request rate of 2,000 at full think time; 1.0 for a real-time run).

Each virtual user, on its own signed-in session: the quiz page, the synchronized start (POST,
302 to the attempt), the attempt page, then per page of 2 questions a think time and an
autosave of the form so far, the submit (POST "submit", 302) and the result page. About 70 %
of the answers are right, so most attempts pass, complete the course and get a certificate
from the Celery worker (its own `certificates` queue).

Steps (VUS=100,200,400) each use fresh learners and are bounded in time (STEP_SECONDS); then a
start spike (SPIKE=2000): every learner presses "start" at the same instant. After each step
the database is checked: attempts = users, answers stored = answers acknowledged, one grading
each, certificates = passes (waiting for the worker up to CERTIFICATE_WAIT seconds).

Results: bench/results/<timestamp>-exam.json, `exam_day` section (schema in the issue), and a
table on the terminal (README.md, "Exam day").

Environment: BENCH_DATABASE_URL (dropped and recreated), BENCH_REDIS_URL, BENCH_BROKER_URL as
for `make bench`; VUS, SPIKE, THINK_SCALE, STEP_SECONDS, CERTIFICATE_WAIT, RIGHT_ANSWERS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench-exam"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/relevo_bench_exam"

# 12 multiple choice (8 one answer, 4 several), 2 true/false, 1 matching, 1 short answer.
QUESTION_TYPES = ["single"] * 8 + ["multiple"] * 4 + ["truefalse"] * 2 + ["matching", "short"]
PAGES = 8
WARM_UP_LEARNERS = 8
KINDS = ("quiz_page", "start", "attempt_page", "autosave", "submit", "result")
REQUEST_TIMEOUT = 60.0


def log(message: str) -> None:
    print(message, flush=True)


# --- seeding ---------------------------------------------------------------------------------


def _question_data(qtype: str, number: int) -> dict:
    if qtype == "single":
        return {
            "choices": [
                {"text": f"Respuesta correcta {number}", "fraction": 1},
                {"text": f"Distractor A {number}", "fraction": 0},
                {"text": f"Distractor B {number}", "fraction": 0},
                {"text": f"Distractor C {number}", "fraction": 0},
            ]
        }
    if qtype == "multiple":
        return {
            "choices": [
                {"text": f"Correcta 1 ({number})", "fraction": 0.5},
                {"text": f"Correcta 2 ({number})", "fraction": 0.5},
                {"text": f"Incorrecta ({number})", "fraction": -1},
                {"text": f"Incorrecta 2 ({number})", "fraction": -1},
            ]
        }
    if qtype == "truefalse":
        return {"answer": number % 2 == 0}
    if qtype == "matching":
        return {
            "pairs": [
                {"left": "Confidencialidad", "right": "Solo quien debe"},
                {"left": "Integridad", "right": "Sin alteraciones"},
                {"left": "Disponibilidad", "right": "Cuando se necesita"},
            ],
            "extra_rights": ["Gratuidad"],
        }
    return {"answers": [{"text": "ECUCERT", "fraction": 1}]}


def seed_exam(users: int, run: str) -> dict:
    """A course with one lesson and a required 16-question final quiz; `users` learners enrolled
    with the lesson done (a pass completes the course). Returns ids for the load."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from assessments.models import QuestionCategory, Quiz, QuizSlot
    from assessments.services import question_create
    from bench.pages import bulk_add_children
    from bench.seed import _catalogue
    from core.roles import Role
    from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress, Topic

    topic, _created = Topic.objects.get_or_create(
        slug="seguridad", defaults={"name": "Ciberseguridad"}
    )

    course = CoursePage(
        title="Examen de Seguridad de la Información",
        slug=f"examen-{run}",
        summary="El examen de la jornada.",
        visibility="public",
        completion_rule="all_lessons_and_quizzes",
        estimated_hours=4,
        topic=topic,
        level="basic",
    )
    bulk_add_children(_catalogue(), [course])
    lesson = LessonPage(
        title="Lección única",
        slug="leccion",
        body=[("rich_text", RichText("<p>Lea el reglamento antes del examen.</p>"))],
    )
    bulk_add_children(course, [lesson])
    category = QuestionCategory.objects.create(name=f"Examen de la jornada {run}")
    quiz = Quiz.objects.create(
        title="Examen final",
        course_id=course.pk,
        pass_mark=60,
        time_limit_minutes=120,
        shuffle_choices=True,
        required_for_completion=True,
    )
    for number, qtype in enumerate(QUESTION_TYPES):
        question = question_create(
            category=category,
            title=f"Pregunta {number + 1}",
            qtype=qtype,
            stem=f"Pregunta {number + 1} del examen: elija la respuesta.",
            data=_question_data(qtype, number),
        )
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=number)

    User = get_user_model()
    accounts = User.objects.bulk_create(
        [
            User(email=f"examen{i:05d}-{run}@bench.relevo", first_name="Eva", last_name=f"E {i}")
            for i in range(users)
        ],
        batch_size=2000,
    )
    for account in accounts:
        account.set_unusable_password()
    User.objects.bulk_update(accounts, ["password"], batch_size=2000)
    learners = Group.objects.get(name=Role.LEARNER)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=u.pk, group_id=learners.pk) for u in accounts], batch_size=5000
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner_id=u.pk,
                course_id=course.pk,
                progress_percent=100,
                last_lesson_id=lesson.pk,
                enrolled_at=now,
            )
            for u in accounts
        ],
        batch_size=5000,
    )
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(enrolment_id=e.pk, lesson_id=lesson.pk, completed_at=now)
            for e in enrolments
        ],
        batch_size=5000,
    )
    return {"quiz": quiz.pk, "course": course.pk, "users": [u.pk for u in accounts]}


def sessions_for(user_ids: list[int]) -> dict[int, str]:
    from bench.targets import session_cookie

    return {pk: session_cookie(pk) for pk in user_ids}


# --- answers -----------------------------------------------------------------------------------


class AnswerBook:
    """The form fields a learner sends for an attempt, from its layout: right with probability
    `right`. Reads the attempt's layout from the database once (the attempt page's option
    values are per-attempt tokens, as a browser would read them from the page)."""

    def __init__(self, quiz_id: int, right: float, seed: int):
        from assessments.models import QuestionVersion, QuizSlot

        slots = QuizSlot.objects.filter(quiz_id=quiz_id).select_related("question")
        ids = [s.question.current_version_id for s in slots]
        self.versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=ids)}
        self.right = right
        self.rng = random.Random(seed)

    def fields(self, attempt_uuid: str) -> dict[int, list[tuple[str, str]]]:
        from assessments import grading
        from assessments.layout import tokens_by_key
        from assessments.models import Attempt

        layout = Attempt.objects.values_list("layout", flat=True).get(uuid=attempt_uuid)
        by_slot: dict[int, list[tuple[str, str]]] = {}
        for entry in layout:
            version = self.versions[entry["version"]]
            tokens = tokens_by_key(entry)
            right = grading.correct_response(version.qtype, version.data)
            good = self.rng.random() < self.right
            name = f"q{entry['slot']}"
            if "choices" in right:
                keys = (
                    right["choices"]
                    if good
                    else [k for k in tokens if k not in right["choices"]][:1]
                )
                by_slot[entry["slot"]] = [(name, tokens[k]) for k in keys]
            elif "value" in right:
                value = right["value"] if good else not right["value"]
                by_slot[entry["slot"]] = [(name, "true" if value else "false")]
            elif "text" in right:
                by_slot[entry["slot"]] = [(name, right["text"] if good else "no sé")]
            else:
                pairs = list(right["pairs"].items())
                if not good:
                    options = [i for _p, i in pairs]
                    options = options[1:] + options[:1]
                    pairs = [(p, options[n]) for n, (p, _i) in enumerate(pairs)]
                by_slot[entry["slot"]] = [(f"{name}-{p}", tokens[i]) for p, i in pairs]
        return by_slot


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Recorder:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=dict)
    requests: int = 0

    def record(self, kind: str, ms: float, ok: bool, detail: str = "") -> None:
        self.requests += 1
        self.latencies[kind].append(ms)
        if not ok:
            key = f"{kind}: {detail}"[:120]
            self.errors[key] = self.errors.get(key, 0) + 1

    def kinds(self) -> dict:
        out = {}
        for kind, values in self.latencies.items():
            if not values:
                continue
            values = sorted(values)

            def pct(p: float, values=values) -> float:
                return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))], 1)

            out[kind] = {
                "count": len(values),
                "p50_ms": pct(50),
                "p95_ms": pct(95),
                "p99_ms": pct(99),
            }
        return out


@dataclass
class Learner:
    user_id: int
    cookie: str
    attempt_uuid: str = ""
    acknowledged: set[int] = field(default_factory=set)
    submitted: bool = False
    done: bool = False


async def _request(session, recorder, kind, method, url, *, cookie, csrf, data=None, expect):
    import aiohttp

    headers = {"Cookie": cookie}
    if method == "POST":
        headers["X-CSRFToken"] = csrf
        headers["Referer"] = url
    started = time.perf_counter()
    try:
        async with session.request(
            method, url, headers=headers, data=data, allow_redirects=False
        ) as response:
            body = await response.read()
            ms = (time.perf_counter() - started) * 1000
            ok = response.status in expect
            recorder.record(kind, ms, ok, f"HTTP {response.status}")
            return response if ok else None, body
    except (TimeoutError, aiohttp.ClientError) as exc:
        recorder.record(kind, (time.perf_counter() - started) * 1000, False, type(exc).__name__)
        return None, b""


async def play(learner, *, base, quiz_id, session, recorder, book, think, arrival, gate, csrf):
    rng = random.Random(learner.user_id)
    await asyncio.sleep(arrival)
    common = {"cookie": learner.cookie, "csrf": csrf}
    await _request(
        session,
        recorder,
        "quiz_page",
        "GET",
        f"{base}/evaluaciones/{quiz_id}/",
        expect=(200,),
        **common,
    )
    gate.arrived()
    await gate.wait()  # the synchronizing timer: everyone presses "start" at once
    response, _ = await _request(
        session,
        recorder,
        "start",
        "POST",
        f"{base}/evaluaciones/{quiz_id}/comenzar/",
        expect=(302,),
        **common,
    )
    if response is None:
        return
    attempt_url = response.headers["Location"]
    learner.attempt_uuid = attempt_url.rstrip("/").rsplit("/", 1)[-1]
    response, _ = await _request(
        session, recorder, "attempt_page", "GET", base + attempt_url, expect=(200,), **common
    )
    if response is None:
        return
    fields = await asyncio.to_thread(book.fields, learner.attempt_uuid)
    slots = sorted(fields)
    per_page = max(1, len(slots) // PAGES)
    for page in range(PAGES):
        await asyncio.sleep(rng.uniform(30, 90) * think)
        answered = slots[: (page + 1) * per_page]
        data = [pair for slot in answered for pair in fields[slot]]
        response, _ = await _request(
            session,
            recorder,
            "autosave",
            "POST",
            f"{base}{attempt_url}guardar/",
            data=data,
            expect=(200,),
            **common,
        )
        if response is not None:
            learner.acknowledged.update(answered)
    data = [pair for slot in slots for pair in fields[slot]] + [("action", "submit")]
    response, _ = await _request(
        session, recorder, "submit", "POST", base + attempt_url, data=data, expect=(302,), **common
    )
    if response is None:
        return
    learner.submitted = True
    learner.acknowledged.update(slots)
    await _request(
        session,
        recorder,
        "result",
        "GET",
        base + response.headers["Location"],
        expect=(200,),
        **common,
    )
    learner.done = True


class Gate:
    """Opens when every virtual user has arrived (or after `timeout`)."""

    def __init__(self, count: int, timeout: float):
        self.count, self.timeout = count, timeout
        self.event = asyncio.Event()
        self.opened_at: float | None = None

    def arrived(self) -> None:
        self.count -= 1
        if self.count <= 0 and not self.event.is_set():
            self.opened_at = time.perf_counter()
            self.event.set()

    async def wait(self) -> None:
        try:
            await asyncio.wait_for(self.event.wait(), self.timeout)
        except TimeoutError:
            if not self.event.is_set():
                self.opened_at = time.perf_counter()
                self.event.set()


def _client_session(connections: int):
    import aiohttp

    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, force_close=False),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
        cookie_jar=aiohttp.DummyCookieJar(),  # each request carries its learner's cookie
    )


async def run_step(
    learners, *, base, quiz_id, book, think, step_seconds, csrf
) -> tuple[Recorder, float, int]:
    recorder = Recorder()
    ramp = 180 * think
    gate = Gate(len(learners), timeout=ramp + 120)
    started = time.perf_counter()
    async with _client_session(len(learners)) as session:
        tasks = [
            asyncio.create_task(
                play(
                    learner,
                    base=base,
                    quiz_id=quiz_id,
                    session=session,
                    recorder=recorder,
                    book=book,
                    think=think,
                    arrival=ramp * i / max(1, len(learners)),
                    gate=gate,
                    csrf=csrf,
                )
            )
            for i, learner in enumerate(learners)
        ]
        finished, pending = await asyncio.wait(tasks, timeout=step_seconds)
        for task in pending:
            task.cancel()
        for task in finished:
            if task.exception() is not None:
                recorder.errors[f"generator: {task.exception()!r}"[:120]] = (
                    recorder.errors.get(f"generator: {task.exception()!r}"[:120], 0) + 1
                )
    return recorder, time.perf_counter() - started, len(pending)


async def run_spike(learners, *, base, quiz_id, csrf) -> dict:
    """Every learner presses "start" at the same instant, then opens the attempt page."""
    recorder = Recorder()
    async with _client_session(len(learners)) as session:
        gate = asyncio.Event()

        async def one(learner):
            await gate.wait()
            response, _ = await _request(
                session,
                recorder,
                "start",
                "POST",
                f"{base}/evaluaciones/{quiz_id}/comenzar/",
                cookie=learner.cookie,
                csrf=csrf,
                expect=(302,),
            )
            if response is not None:
                learner.attempt_uuid = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
                await _request(
                    session,
                    recorder,
                    "attempt_page",
                    "GET",
                    base + response.headers["Location"],
                    cookie=learner.cookie,
                    csrf=csrf,
                    expect=(200,),
                )

        tasks = [asyncio.create_task(one(learner)) for learner in learners]
        await asyncio.sleep(0.5)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
    return {"recorder": recorder, "seconds": seconds}


# --- checks and CPU ----------------------------------------------------------------------------


def integrity(learners: list[Learner], *, quiz_id: int, certificate_wait: float) -> dict:
    from django.db.models import Count

    from assessments.models import Attempt, AttemptAnswer
    from certificates.models import Certificate

    ids = [learner.user_id for learner in learners]
    attempts = Attempt.objects.filter(quiz_id=quiz_id, learner_id__in=ids)
    per_learner = attempts.values("learner_id").annotate(n=Count("pk"))
    stored = AttemptAnswer.objects.filter(attempt__in=attempts, response__isnull=False).count()
    submitted = attempts.filter(state=Attempt.State.SUBMITTED)
    passes = submitted.filter(passed=True).count()
    deadline = time.monotonic() + certificate_wait
    certificates = 0
    while True:
        certificates = Certificate.objects.filter(learner_id__in=ids).count()
        if certificates >= passes or time.monotonic() > deadline:
            break
        time.sleep(2)
    result = {
        "users": len(ids),
        "attempts": attempts.count(),
        "learners_with_more_than_one_attempt": sum(1 for row in per_learner if row["n"] > 1),
        "answers_acknowledged": sum(len(learner.acknowledged) for learner in learners),
        "answers_stored": stored,
        "submits_acknowledged": sum(learner.submitted for learner in learners),
        "graded": submitted.filter(score__isnull=False).count(),
        "passes": passes,
        "certificates": certificates,
    }
    result["ok"] = (
        result["attempts"] == result["users"]
        and result["learners_with_more_than_one_attempt"] == 0
        and result["answers_stored"] == result["answers_acknowledged"]
        and result["graded"] == result["submits_acknowledged"]
        and result["certificates"] == result["passes"]
    )
    return result


def _process_tree_cpu(root_pid: int | None) -> float:
    """CPU seconds (user + system) of a process and its descendants, from /proc."""
    if root_pid is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total, stack = 0.0, [root_pid]
    while stack:
        pid = stack.pop()
        total += cpu.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def _postgres_cpu() -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if "(postgres)" not in stat[: stat.index(")") + 1]:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_snapshot(stack) -> dict:
    return {
        "web": _process_tree_cpu(stack.web.pid),
        "worker": _process_tree_cpu(stack.worker.pid if stack.worker else None),
        "postgres_all": _postgres_cpu(),
        "generator": time.process_time(),
    }


def cpu_delta(before: dict, after: dict) -> dict:
    return {key: round(after[key] - before[key], 1) for key in before}


# --- report ------------------------------------------------------------------------------------


def table(section: dict) -> str:
    lines = [
        "| VUs | think | requests | errors | start p95 | attempt page p95 | autosave p95 "
        "| submit p95 | result p95 | integrity |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for step in section["steps"]:
        kinds = step["kinds"]

        def p95(kind: str, kinds=kinds) -> str:
            return f"{kinds[kind]['p95_ms']:.0f} ms" if kind in kinds else "–"

        lines.append(
            f"| {step['virtual_users']} | {step['think_scale']:g} | {step['requests']} | {step['errors']} | "
            f"{p95('start')} | {p95('attempt_page')} | {p95('autosave')} | {p95('submit')} | "
            f"{p95('result')} | {'ok' if step['integrity']['ok'] else 'FAILED'} |"
        )
    spike = section.get("start_spike")
    if spike:
        lines.append("")
        lines.append(
            f"Start spike: {spike['virtual_users']} learners press start at once: every attempt "
            f"existed after {spike['seconds']:.1f} s, {spike['errors']} errors."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vus", default=os.environ.get("VUS", "100,200,400"))
    parser.add_argument("--spike", type=int, default=int(os.environ.get("SPIKE", "2000")))
    parser.add_argument(
        "--think-scale", type=float, default=float(os.environ.get("THINK_SCALE", "0.1"))
    )
    parser.add_argument(
        "--step-seconds", type=float, default=float(os.environ.get("STEP_SECONDS", "0"))
    )
    parser.add_argument(
        "--certificate-wait", type=float, default=float(os.environ.get("CERTIFICATE_WAIT", "300"))
    )
    parser.add_argument(
        "--right", type=float, default=float(os.environ.get("RIGHT_ANSWERS", "0.7"))
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database (a new exam is seeded in it)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # One socket per virtual user (a spike of 2,000 needs more than the usual 1,024).
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    steps = [int(v) for v in args.vus.split(",") if v.strip()]
    think = args.think_scale
    # A step ends when its learners are done, or after the whole profile plus a margin.
    step_seconds = args.step_seconds or (180 * think + PAGES * 90 * think + 120)
    started = time.perf_counter()

    from bench.run import bench_environment, flush_redis, recreate_database

    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("postgres", "pgsql")):
        sys.exit("make bench-exam runs on PostgreSQL: set BENCH_DATABASE_URL")
    env = bench_environment(database_url)
    os.environ.update(env)
    LOGS.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        log(f"== database {urlparse(database_url).path.lstrip('/')}: drop, create, migrate")
        recreate_database(database_url)
    flush_redis(env)

    import django

    django.setup()
    from django.core.management import call_command

    from bench.stack import ensure_static, running_stack
    from bench.targets import csrf_token

    call_command("migrate", interactive=False, verbosity=0)
    total_users = WARM_UP_LEARNERS + sum(steps) + args.spike
    log(f"== seeding: a 16-question exam, {total_users} enrolled learners")
    facts = seed_exam(total_users, run=time.strftime("%H%M%S"))
    phase = time.perf_counter()
    cookies = sessions_for(facts["users"])
    log(f"  {len(cookies)} signed-in sessions in {time.perf_counter() - phase:.0f} s")
    ensure_static(env)
    book = AnswerBook(facts["quiz"], args.right, seed=17)
    pool = [Learner(pk, cookies[pk]) for pk in facts["users"]]
    section: dict = {"steps": []}
    with running_stack(env, LOGS) as stack:
        # Warm-up, not recorded: a few learners take the whole exam without think time, so
        # that every gunicorn worker has loaded its code and templates and the quiz's cached
        # definition exists before the first step (what a server up since the morning has).
        warm, offset = pool[:WARM_UP_LEARNERS], WARM_UP_LEARNERS
        asyncio.run(
            run_step(
                warm,
                base=stack.base_url,
                quiz_id=facts["quiz"],
                book=book,
                think=0.0,
                step_seconds=120,
                csrf=csrf_token(),
            )
        )
        for vus in steps:
            learners, offset = pool[offset : offset + vus], offset + vus
            log(f"== step: {vus} virtual users, think scale {think:g}")
            before = cpu_snapshot(stack)
            recorder, seconds, unfinished = asyncio.run(
                run_step(
                    learners,
                    base=stack.base_url,
                    quiz_id=facts["quiz"],
                    book=book,
                    think=think,
                    step_seconds=step_seconds,
                    csrf=csrf_token(),
                )
            )
            load_cpu = cpu_delta(before, cpu_snapshot(stack))
            checks = integrity(
                learners, quiz_id=facts["quiz"], certificate_wait=args.certificate_wait
            )
            after_certificates = cpu_delta(before, cpu_snapshot(stack))
            step = {
                "virtual_users": vus,
                "think_scale": think,
                "seconds": round(seconds, 1),
                "requests": recorder.requests,
                "errors": sum(recorder.errors.values()) + unfinished,
                "error_kinds": recorder.errors | ({"unfinished": unfinished} if unfinished else {}),
                "kinds": recorder.kinds(),
                "integrity": checks,
                "cpu_seconds": {
                    **load_cpu,
                    "worker_including_certificates": after_certificates["worker"],
                },
            }
            section["steps"].append(step)
            log(json.dumps({k: step[k] for k in ("virtual_users", "requests", "errors", "kinds")}))
            log(f"  integrity: {checks}")
        if args.spike:
            learners = pool[offset : offset + args.spike]
            log(f"== start spike: {len(learners)} learners at once")
            spike = asyncio.run(
                run_spike(learners, base=stack.base_url, quiz_id=facts["quiz"], csrf=csrf_token())
            )
            from assessments.models import Attempt

            existing = Attempt.objects.filter(learner_id__in=[x.user_id for x in learners]).count()
            recorder = spike["recorder"]
            section["start_spike"] = {
                "virtual_users": len(learners),
                "seconds": round(spike["seconds"], 1),
                "errors": sum(recorder.errors.values()) + (len(learners) - existing),
                "attempts": existing,
                "kinds": recorder.kinds(),
            }
            log(f"  {section['start_spike']}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": {"cpus": os.cpu_count()},
                "profile": {
                    "questions": len(QUESTION_TYPES),
                    "pages": PAGES,
                    "think_seconds": [30, 90],
                    "ramp_up_seconds": 180,
                    "right_answers": args.right,
                },
                "total_seconds": round(time.perf_counter() - started, 1),
                "exam_day": section,
            },
            indent=2,
        )
        + "\n"
    )
    print()
    print(table(section))
    print(f"\nTotal {(time.perf_counter() - started) / 60:.1f} min. JSON: {path.relative_to(ROOT)}")
    failed = any(not s["integrity"]["ok"] for s in section["steps"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
