"""Reads shared by the knowledge base pages. Every function runs a bounded number of queries,
whatever the number of systems, articles or people (set-based, no per-row queries)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision, TaskState

from certificates import api as certificates_api
from core.api import Role, has_role
from courses.api import CourseVisibility, live_courses
from people.api import StaffStatus, learner_ids_in_scope, staff_in_scope

from .cache import without_request_state
from .models import ArticlePage, Criticality, Handover, HandoverItem, SystemPage
from .models.workflow import systems_kept_by
from .paths import page_url_prefix, url_from_path
from .search import fold
from .visibility import drop_restricted, exclude_restricted

RECENT_DAYS = 365
MIN_KNOWLEDGEABLE = 2
ESSENTIAL_KINDS = (ArticlePage.Kind.RUNBOOK, ArticlePage.Kind.ARCHITECTURE)
INACTIVE_STATUSES = (StaffStatus.LEAVING, StaffStatus.LEFT)

SOURCE_OWNER = "owner"
SOURCE_BACKUP = "backup"
SOURCE_CERTIFICATE = "certificate"
SOURCE_AUTHOR = "author"
SOURCE_REVIEWER = "reviewer"


# --- Articles -----------------------------------------------------------------------------


def visible_articles(user):
    return exclude_restricted(ArticlePage.objects.live(), user)


def visible_systems(user):
    return exclude_restricted(SystemPage.objects.live(), user)


def can_mark_reviewed(
    user,
    article: ArticlePage,
    *,
    owner_user_id: int | None = None,
    system_ids: Iterable[int] | None = None,
) -> bool:
    """Owner, a backup or owner of one of its systems, a content reviewer or an administrator.
    `owner_user_id` and `system_ids` spare the queries when the caller has them already."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or has_role(user, Role.REVIEWER, Role.ADMIN):
        return True
    if owner_user_id is None and article.content_owner_id:
        owner_user_id = article.content_owner.user_id
    if owner_user_id is not None and owner_user_id == user.pk:
        return True
    if system_ids is None:
        system_ids = _related_ids(article.systems)
    system_ids = set(system_ids)
    return bool(system_ids) and bool(system_ids & systems_kept_by(user))


def _related_ids(manager) -> Iterable[int]:
    """Primary keys behind a ParentalManyToManyField: a lazy queryset (a subquery, no round
    trip) for a saved page, the draft's own objects in memory for a preview."""
    related = manager.all()
    if isinstance(related, QuerySet):
        return related.values_list("pk", flat=True)
    return [obj.pk for obj in related]


def _owner_and_reviewer(article: ArticlePage):
    """The accounts of the article's owner and of its last reviewer, in one query."""
    User = get_user_model()
    wanted = Q()
    if article.content_owner_id:
        wanted |= Q(staff_profile__pk=article.content_owner_id)
    if article.last_reviewed_by_id:
        wanted |= Q(pk=article.last_reviewed_by_id)
    owner = reviewer = None
    if not wanted:
        return owner, reviewer
    for person in User.objects.filter(wanted).annotate(profile_id=F("staff_profile__pk")):
        if article.content_owner_id and person.profile_id == article.content_owner_id:
            owner = person
        if person.pk == article.last_reviewed_by_id:
            reviewer = person
    return owner, reviewer


def article_detail(*, article: ArticlePage, user) -> dict:
    """What the article page shows beyond the page's own fields, in a fixed number of queries
    whatever its number of systems, courses, attachments or tags. The body's HTML comes from
    the cache (cache.render_markdown_cached)."""
    # Every system of the article, visible or not: keepers of a restricted system may still
    # mark the article reviewed.
    article_systems = list(
        SystemPage.objects.filter(pk__in=_related_ids(article.systems)).order_by("title")
    )
    systems = drop_restricted([s for s in article_systems if s.live], user)
    courses = []
    if systems:
        courses = list(
            live_courses()
            .filter(knowledge_systems__in=[s.pk for s in systems])
            .distinct()
            .order_by("title")
        )
    if not getattr(user, "is_authenticated", False):
        courses = [c for c in courses if c.visibility == CourseVisibility.PUBLIC]
    owner, reviewer = _owner_and_reviewer(article)
    return {
        "systems": systems,
        "teaching_courses": courses,
        "attachments": list(article.attachments.select_related("document")),
        "tag_list": list(article.tags.all()),
        "content_owner_user": owner,
        "last_reviewer": reviewer,
        "can_mark_reviewed": can_mark_reviewed(
            user,
            article,
            owner_user_id=owner.pk if owner else None,
            system_ids=[s.pk for s in article_systems],
        ),
        "rendered": article.rendered,
    }


def pending_reviews_for(user, *, within_days: int = 30):
    """Articles the user owns whose review is overdue or due within `within_days`."""
    horizon = timezone.localdate() + timedelta(days=within_days)
    return (
        ArticlePage.objects.live()
        .filter(content_owner__user=user, review_due_on__lte=horizon)
        .select_related("last_reviewed_by")
        .order_by("review_due_on", "title")
    )


def system_detail(*, system: SystemPage, user) -> dict:
    articles = list(
        visible_articles(user)
        .filter(systems=system)
        .select_related("content_owner__user")
        .order_by("kind", "title")
    )
    knowledge = knowledge_map(system_ids=[system.pk])
    return {
        "owners": list(system.owners.select_related("user")),
        "backups": list(system.backups.select_related("user")),
        "provider_list": list(system.providers.all()),
        "environment_list": list(system.environments.all()),
        "services_provided": [
            s for s in system.interoperability_services.all() if s.direction == "provided"
        ],
        "services_consumed": [
            s for s in system.interoperability_services.all() if s.direction == "consumed"
        ],
        "dependencies": list(visible_systems(user).filter(dependants=system).order_by("title")),
        "dependants": list(visible_systems(user).filter(depends_on=system).order_by("title")),
        # A preview or a draft revision holds them in modelcluster's in-memory FakeQuerySet,
        # which has no `live()`: filter the few related courses here.
        "courses": sorted(
            (course for course in system.related_courses.all() if course.live),
            key=lambda course: course.title,
        ),
        "articles": articles,
        "risk": knowledge.rows[0] if knowledge.rows else None,
    }


def index_listing(*, user, index) -> dict:
    systems = list(
        visible_systems(user)
        .annotate(article_count=Count("articles", filter=Q(articles__live=True), distinct=True))
        .order_by("title")
    )
    recent = list(
        visible_articles(user)
        .select_related("content_owner__user")
        .order_by("-last_published_at")[:10]
    )
    return {"systems": systems, "recent_articles": recent}


# --- Knowledge map: who knows which system --------------------------------------------


@dataclass
class Person:
    user_id: int
    name: str
    email: str


@dataclass
class SystemKnowledge:
    system_id: int
    title: str
    acronym: str
    url_path: str
    criticality: tuple[str, str, str]
    knowers: dict[int, set[str]] = field(default_factory=dict)  # active user id -> sources
    article_count: int = 0
    stale_count: int = 0
    missing_essentials: list[str] = field(default_factory=list)

    @property
    def bus_factor(self) -> int:
        return len(self.knowers)

    @property
    def at_risk(self) -> bool:
        return self.bus_factor < MIN_KNOWLEDGEABLE

    @property
    def stale_share(self) -> float:
        return self.stale_count / self.article_count if self.article_count else 0.0

    @property
    def stale_percent(self) -> int:
        return round(self.stale_share * 100)

    def __str__(self) -> str:
        return f"{self.title} ({self.acronym})" if self.acronym else self.title

    def risk_key(self):
        return (
            not self.at_risk,
            self.bus_factor,
            -len(self.missing_essentials),
            -self.stale_share,
            self.title.lower(),
        )


@dataclass
class KnowledgeMap:
    rows: list[SystemKnowledge]
    people: dict[int, Person]
    # every knower, active or not: system id -> user id -> sources (for "what if" and experts)
    all_knowers: dict[int, dict[int, set[str]]]

    def names(self, row: SystemKnowledge) -> list[Person]:
        """The knowers shown by name: those in `people` (a scoped map leaves out the others,
        who still count in the bus factor)."""
        return sorted(
            (self.people[uid] for uid in row.knowers if uid in self.people),
            key=lambda p: p.name.lower(),
        )


def people_in_view(user) -> set[int] | None:
    """The user ids whose names an HR officer limited to some units may see on the risk,
    "what if" and expertise pages (people.api scope); None for everyone else (the pages are
    about the institution's systems, and the other roles that open them are not scoped)."""
    if user.is_superuser or has_role(user, Role.ADMIN) or not has_role(user, Role.HR):
        return None
    limited = learner_ids_in_scope(user=user)
    return None if limited is None else set(limited.values_list("user_id", flat=True))


def knowledge_map_for(user, *, on: date | None = None) -> KnowledgeMap:
    """`knowledge_map` as this user may see it: for a scoped HR officer, the systems known by
    someone in their units, and only those people by name (bus factors stay true counts)."""
    kmap = knowledge_map(on=on)
    visible = people_in_view(user)
    if visible is None:
        return kmap
    return KnowledgeMap(
        rows=[row for row in kmap.rows if visible.intersection(row.knowers)],
        people={uid: person for uid, person in kmap.people.items() if uid in visible},
        all_knowers={
            sid: {uid: src for uid, src in per.items() if uid in visible}
            for sid, per in kmap.all_knowers.items()
        },
    )


def knowledge_map(*, system_ids: list[int] | None = None, on: date | None = None) -> KnowledgeMap:
    """Per live system: the active people who know it (owners, backups, holders of a valid
    certificate of a related course, authors and reviewers of its articles in the last year),
    its article counts, stale share and missing essentials. Ordered by risk."""
    today = on or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=RECENT_DAYS)
    systems_qs = SystemPage.objects.live().exclude(status=SystemPage.Status.RETIRED)
    if system_ids is not None:
        systems_qs = systems_qs.filter(pk__in=system_ids)
    systems = list(
        systems_qs.values_list(
            "pk", "title", "acronym", "url_path", "confidentiality", "integrity", "availability"
        )
    )
    ids = [row[0] for row in systems]
    knowers: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(system_id, user_id, source):
        if user_id is not None:
            knowers[system_id][user_id].add(source)

    for system_id, user_id in SystemPage.owners.through.objects.filter(
        systempage_id__in=ids
    ).values_list("systempage_id", "staffprofile__user_id"):
        add(system_id, user_id, SOURCE_OWNER)
    for system_id, user_id in SystemPage.backups.through.objects.filter(
        systempage_id__in=ids
    ).values_list("systempage_id", "staffprofile__user_id"):
        add(system_id, user_id, SOURCE_BACKUP)

    course_systems: dict[int, list[int]] = defaultdict(list)
    for system_id, course_id in SystemPage.related_courses.through.objects.filter(
        systempage_id__in=ids
    ).values_list("systempage_id", "coursepage_id"):
        course_systems[course_id].append(system_id)
    certificates = certificates_api.valid_certificates(on=today)
    if course_systems:
        for course_id, learner_id in (
            certificates.filter(course_id__in=list(course_systems))
            .values_list("course_id", "learner_id")
            .distinct()
        ):
            for system_id in course_systems[course_id]:
                add(system_id, learner_id, SOURCE_CERTIFICATE)

    article_systems: dict[int, list[int]] = defaultdict(list)
    article_stats: dict[int, list] = defaultdict(list)
    for (
        article_id,
        system_id,
        kind,
        due,
        reviewed_by,
        reviewed_at,
    ) in ArticlePage.systems.through.objects.filter(
        systempage_id__in=ids, articlepage__live=True
    ).values_list(
        "articlepage_id",
        "systempage_id",
        "articlepage__kind",
        "articlepage__review_due_on",
        "articlepage__last_reviewed_by_id",
        "articlepage__last_reviewed_at",
    ):
        article_systems[article_id].append(system_id)
        article_stats[system_id].append((kind, due))
        if reviewed_by and reviewed_at and reviewed_at >= cutoff:
            add(system_id, reviewed_by, SOURCE_REVIEWER)
    if article_systems:
        article_ct = ContentType.objects.get_for_model(ArticlePage)
        for object_id, user_id in (
            Revision.objects.filter(
                content_type=article_ct,
                object_id__in=[str(pk) for pk in article_systems],
                created_at__gte=cutoff,
                user__isnull=False,
            )
            .values_list("object_id", "user_id")
            .distinct()
        ):
            for system_id in article_systems.get(int(object_id), []):
                add(system_id, user_id, SOURCE_AUTHOR)

    all_user_ids = {uid for per_system in knowers.values() for uid in per_system}
    User = get_user_model()
    people = {
        pk: Person(user_id=pk, name=f"{first} {last}".strip() or email, email=email)
        for pk, first, last, email in User.objects.filter(pk__in=all_user_ids, is_active=True)
        .exclude(staff_profile__status__in=INACTIVE_STATUSES)
        .values_list("pk", "first_name", "last_name", "email")
    }

    rows = []
    for pk, title, acronym, url_path, conf, integ, avail in systems:
        stats = article_stats.get(pk, [])
        kinds = {kind for kind, _due in stats}
        missing = [str(ArticlePage.Kind(k).label) for k in ESSENTIAL_KINDS if k not in kinds]
        row = SystemKnowledge(
            system_id=pk,
            title=title,
            acronym=acronym,
            url_path=url_path,
            criticality=(conf, integ, avail),
            knowers={uid: src for uid, src in knowers.get(pk, {}).items() if uid in people},
            article_count=len(stats),
            stale_count=sum(1 for _kind, due in stats if due is not None and due < today),
            missing_essentials=missing,
        )
        rows.append(row)
    rows.sort(key=SystemKnowledge.risk_key)
    return KnowledgeMap(
        rows=rows,
        people=people,
        all_knowers={sid: dict(per) for sid, per in knowers.items()},
    )


def what_if_leaves(*, user_id: int, kmap: KnowledgeMap | None = None) -> dict:
    """If this person left: the systems that would fall below two knowledgeable people, and
    those already below two that they still hold."""
    kmap = kmap or knowledge_map()
    would_fall, already_at_risk = [], []
    for row in kmap.rows:
        if user_id not in row.knowers:
            continue
        remaining = row.bus_factor - 1
        if remaining < MIN_KNOWLEDGEABLE <= row.bus_factor:
            would_fall.append((row, remaining))
        elif row.at_risk:
            already_at_risk.append((row, remaining))
    return {"would_fall": would_fall, "already_at_risk": already_at_risk}


# --- Expertise directory -----------------------------------------------------------------


@dataclass
class Expert:
    person: Person
    systems: list[tuple[str, str, list[str]]]  # (title, url, sources)
    topics: list[str]


def experts_directory(*, query: str = "", user=None) -> list[Expert]:
    """Active people with what they know: systems (ownership, backups, certificates,
    authorship, reviews) and topics (course topics of their valid certificates, tags of their
    articles). Filtered by name, system or topic, accent-insensitively; for a scoped HR
    officer (`user`), only the people in their units."""
    visible = None if user is None else people_in_view(user)
    kmap = knowledge_map() if user is None else knowledge_map_for(user)
    prefix = page_url_prefix()
    by_person: dict[int, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for row in kmap.rows:
        for uid, sources in row.knowers.items():
            by_person[uid].append((str(row), url_from_path(row.url_path, prefix), sorted(sources)))
    topics: dict[int, set[str]] = defaultdict(set)
    certificates = certificates_api.valid_certificates()
    for learner_id, topic, course in certificates.values_list(
        "learner_id", "course__topic__name", "course__title"
    ):
        if learner_id in kmap.people:
            topics[learner_id].add(topic or course)
        else:
            by_person.setdefault(learner_id, [])
            topics[learner_id].add(topic or course)
    for user_id, tag in (
        ArticlePage.objects.live()
        .filter(content_owner__user__isnull=False, tags__isnull=False)
        .values_list("content_owner__user_id", "tags__name")
        .distinct()
    ):
        topics[user_id].add(tag)

    missing = set(by_person) - set(kmap.people)
    if visible is not None:
        missing &= visible
    if missing:
        User = get_user_model()
        for pk, first, last, email in (
            User.objects.filter(pk__in=missing, is_active=True)
            .exclude(staff_profile__status__in=INACTIVE_STATUSES)
            .values_list("pk", "first_name", "last_name", "email")
        ):
            kmap.people[pk] = Person(
                user_id=pk, name=f"{first} {last}".strip() or email, email=email
            )

    folded_query = fold(query.strip())
    experts = []
    for uid, person in kmap.people.items():
        systems = sorted(by_person.get(uid, []))
        person_topics = sorted(topics.get(uid, set()))
        if not systems and not person_topics:
            continue
        if folded_query:
            haystack = fold(
                " ".join([person.name, person.email, *(s[0] for s in systems), *person_topics])
            )
            if folded_query not in haystack:
                continue
        experts.append(Expert(person=person, systems=systems, topics=person_topics))
    experts.sort(key=lambda e: (-len(e.systems), e.person.name.lower()))
    return experts


def related_systems_for_course(course) -> list[dict]:
    """For courses.hooks.register_course_related: the systems a course teaches."""
    prefix = page_url_prefix()
    return [
        {
            "title": f"{title} ({acronym})" if acronym else title,
            "url": url_from_path(url_path, prefix),
            "kind": str(SystemPage._meta.verbose_name),
        }
        for title, acronym, url_path in SystemPage.objects.live()
        .filter(related_courses=course)
        .order_by("title")
        .values_list("title", "acronym", "url_path")
    ]


def handovers_visible_to(user):
    """Administrators and HR for the whole institution see every handover; an HR officer
    limited to some units those of the people in them (people.api scope); everyone also
    those they started, manage, leave or receive items of."""
    qs = Handover.objects.select_related("profile__user", "profile__unit", "started_by")
    if user.is_superuser or has_role(user, Role.ADMIN):
        return qs
    involved = (
        Q(started_by=user)
        | Q(profile__user=user)
        | Q(profile__manager__user=user)
        | Q(profile__unit__head__user=user)
        | Q(items__successor__user=user)
    )
    if has_role(user, Role.HR):
        if learner_ids_in_scope(user=user) is None:
            return qs
        involved |= Q(profile__in=staff_in_scope(user=user).values("pk"))
    return qs.filter(pk__in=Handover.objects.filter(involved).values("pk"))


def handover_detail(handover) -> dict:
    items = list(
        handover.items.select_related("page", "page__content_type", "successor__user").order_by(
            "kind", "page__title"
        )
    )
    return {"items": items}


def index_context(index, request) -> dict:
    return index_listing(user=request.user, index=index)


def system_context(system: SystemPage, request) -> dict:
    return system_detail(system=system, user=request.user)


def article_route_build(request, path: str) -> tuple[ArticlePage | None, bool]:
    """(the live article a path routes to, whether it needs a signed-in user) when its route
    may be cached (knowledge_base.cache): no arguments after it and no view restriction on it
    or an ancestor other than "signed-in users"; else (None, False)."""
    route = Page.route_for_request(request, path)
    if route is None or route[1] or route[2] or not isinstance(route[0], ArticlePage):
        return None, False
    article = route[0]
    kinds = {r.restriction_type for r in article.get_view_restrictions()}
    if kinds - {PageViewRestriction.LOGIN}:
        return None, False
    return without_request_state(article), bool(kinds)


def article_context(article: ArticlePage, request) -> dict:
    return article_detail(article=article, user=request.user)


def personal_data_for(profile) -> dict:
    """What the knowledge base holds about a person, for their personal-data export: articles
    they wrote or keep, reviews and workflow decisions they made, their handovers and the
    items handed to them, and the systems they own or back up."""
    user = profile.user
    article_type = ContentType.objects.get_for_model(ArticlePage)
    revised = Revision.objects.filter(user=user, content_type=article_type).values_list(
        "object_id", flat=True
    )
    articles = ArticlePage.objects.filter(
        Q(content_owner=profile) | Q(owner=user) | Q(pk__in=[int(pk) for pk in revised])
    ).order_by("pk")
    return {
        "articles": [
            {
                "id": a.pk,
                "title": a.title,
                "kind": a.kind,
                "live": a.live,
                "keeps_it": a.content_owner_id == profile.pk,
                "first_published_at": a.first_published_at,
                "last_reviewed_at": a.last_reviewed_at,
            }
            for a in articles
        ],
        "reviews": list(
            PageLogEntry.objects.filter(user=user, action="knowledge_base.article_reviewed")
            .order_by("timestamp")
            .values("timestamp", "page_id", "label")
        ),
        "workflow_decisions": list(
            TaskState.objects.filter(finished_by=user)
            .order_by("finished_at")
            .values("finished_at", "status", "comment", "workflow_state__object_id")
        ),
        "handovers": list(
            Handover.objects.filter(profile=profile)
            .order_by("created_at")
            .values("id", "reason", "status", "deadline", "note", "created_at", "completed_at")
        ),
        "handover_items_received": list(
            HandoverItem.objects.filter(successor=profile)
            .order_by("pk")
            .values("handover_id", "kind", "page__title", "status", "deadline", "accepted_at")
        ),
        "systems_owned": list(profile.owned_systems.order_by("pk").values("id", "title")),
        "systems_backed_up": list(profile.backed_up_systems.order_by("pk").values("id", "title")),
    }


# --- indicators (knowledge_base.api, for quality) -----------------------------------------


def critical_systems_covered(*, on: date | None = None) -> tuple[int, int]:
    today = on or timezone.localdate()
    high = Criticality.HIGH
    critical_ids = list(
        SystemPage.objects.live()
        .exclude(status=SystemPage.Status.RETIRED)
        .filter(Q(confidentiality=high) | Q(integrity=high) | Q(availability=high))
        .values_list("pk", flat=True)
    )
    if not critical_ids:
        return 0, 0
    overdue = set(
        ArticlePage.systems.through.objects.filter(
            systempage_id__in=critical_ids,
            articlepage__live=True,
            articlepage__kind=ArticlePage.Kind.RUNBOOK,
            articlepage__review_due_on__lt=today,
        ).values_list("systempage_id", flat=True)
    )
    kmap = knowledge_map(system_ids=critical_ids, on=today)
    covered = sum(
        1
        for row in kmap.rows
        if row.bus_factor >= MIN_KNOWLEDGEABLE and row.system_id not in overdue
    )
    return covered, len(critical_ids)


def articles_reviewed_on_time(*, on: date | None = None) -> tuple[int, int]:
    today = on or timezone.localdate()
    row = (
        ArticlePage.objects.live()
        .filter(review_due_on__isnull=False)
        .aggregate(total=Count("pk"), on_time=Count("pk", filter=Q(review_due_on__gte=today)))
    )
    return row["on_time"], row["total"]
