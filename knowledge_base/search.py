"""Search over articles, systems and courses with Wagtail's search backend.

PostgreSQL: the `spanish_unaccent` text search configuration stems Spanish and ignores
accents (migration 0003). SQLite: Wagtail's database backend (FTS5 folds accents).
Any query string is accepted: NUL bytes and control characters are dropped, the length is
capped, and the backend receives plain text (never its query syntax).

Snippets come from the stored plain text of each article (ArticlePage.body_text), never from
rendering Markdown, and only from its first SNIPPET_SCAN characters. Results are cached per
query, filters, language, day and the set of view restrictions the user fails (cache.py)."""

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.query import PlainText

from courses.api import CoursePage, CourseVisibility, live_courses

from .cache import RESULTS_TIMEOUT, search_version
from .models import ArticlePage, SystemPage
from .paths import page_url_prefix, url_from_path
from .visibility import exclude_restricted, restricted_paths

MAX_QUERY_LENGTH = 200
MAX_RESULTS_PER_TYPE = 50
STALE_PENALTY = 0.5
SNIPPET_LENGTH = 240
# Snippets show the first match within this many characters of the text (else its start):
# the cost of a snippet no longer grows with the length of the article.
SNIPPET_SCAN = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: its lower-case base
    letter without accents when that is one character, else the character itself."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        lower = base[0].lower()
        folded = lower if len(lower) == 1 else char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents, one output character per input character (so that
    positions in the folded text are positions in the original)."""
    return text.translate(_FOLD_TABLE)


def clean_query(raw: str | None) -> str:
    text = _CONTROL.sub(" ", raw or "")
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


def query_terms(query: str) -> list[str]:
    """Words of the query, folded, with a crude Spanish suffix trim so that highlighting
    follows what the stemmer matched ("respaldos" marks "respaldo")."""
    terms = []
    for word in _WORD.findall(fold(query)):
        if len(word) < 3:
            continue
        stem = word
        for suffix in ("aciones", "acion", "es", "s"):
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
                stem = stem[: -len(suffix)]
                break
        terms.append(stem)
    return sorted(set(terms), key=len, reverse=True)


def highlight(
    text: str, terms: list[str], *, length: int = SNIPPET_LENGTH, scan: int = SNIPPET_SCAN
) -> SafeString:
    """A snippet of `text` around the first match within its first `scan` characters, with
    each match in <mark>. The text is escaped first, then the marks are added, so nothing in
    the content becomes markup."""
    text = text or ""
    more = len(text) > scan
    text = " ".join(text[:scan].split())
    folded = fold(text)
    spans = []
    for term in terms:
        for match in re.finditer(re.escape(term) + r"\w*", folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    window_start = max(0, merged[0][0] - length // 3) if merged else 0
    window_end = min(len(text), window_start + length)
    pieces = ["…" if window_start > 0 else ""]
    cursor = window_start
    for start, end in merged:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        pieces.append(html.escape(text[cursor:start]))
        pieces.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:window_end]))
    if window_end < len(text) or more:
        pieces.append("…")
    return mark_safe("".join(pieces))


@dataclass
class SearchHit:
    """One result, plain data (cached as is): no page instance to pickle or to query from."""

    kind: str  # article / system / course
    page_id: int
    title: str
    url: str
    score: float
    snippet: SafeString
    stale: bool = False
    label: str = ""


def backend_query(query: str) -> str:
    """Only the words, in lower case: the backends' own syntax (FTS5 quotes and upper-case
    operators, tsquery symbols) never reaches them."""
    return " ".join(word.lower() for word in _WORD.findall(query))[:MAX_QUERY_LENGTH]


def _scored(results) -> list[tuple[object, float]]:
    """Scores as "higher is better" on every backend (SQLite's FTS rank is lower-is-better)."""
    flip = connection.vendor == "sqlite"
    out = []
    for position, page in enumerate(results):
        raw = getattr(page, "_score", None)
        score = (-raw if flip else raw) if raw is not None else 0.0
        if score <= 0:
            score = 1e-6 / (position + 1)
        out.append((page, float(score)))
    return out


def results_key(
    *,
    query: str,
    user,
    system_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    today: date | None = None,
) -> str | None:
    """The cache key of a search's results (None: nothing to search). Everything the results
    depend on besides content, whose changes bump the version, is part of it; the search page
    also keys its rendered result list on it."""
    query = clean_query(query)
    if not query or not backend_query(query):
        return None
    today = today or timezone.localdate()
    is_authenticated = bool(getattr(user, "is_authenticated", False))
    signature = repr(
        (
            query,
            system_id,
            kind,
            tag,
            today.isoformat(),
            translation.get_language(),
            is_authenticated,
            sorted(restricted_paths(user)),
        )
    )
    digest = hashlib.sha256(signature.encode()).hexdigest()
    return f"knowledge_base:search:{search_version()}:{digest}"


def search_knowledge(
    *,
    query: str,
    user,
    system_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    today: date | None = None,
    key: str | None = None,
) -> list[SearchHit]:
    """Articles, systems and courses matching every word of `query` that `user` may see,
    best first (overdue articles count half). Cached (see cache.py) under `key`, from
    results_key() when the caller has not computed it already."""
    key = key or results_key(
        query=query, user=user, system_id=system_id, kind=kind, tag=tag, today=today
    )
    if key is None:
        return []
    query = clean_query(query)
    today = today or timezone.localdate()
    hits = cache.get(key)
    if hits is None:
        hits = _search(query=query, user=user, system_id=system_id, kind=kind, tag=tag, today=today)
        cache.set(key, hits, RESULTS_TIMEOUT)
    return hits


def _search(
    *, query: str, user, system_id: int | None, kind: str | None, tag: str | None, today: date
) -> list[SearchHit]:
    terms = query_terms(query)
    search_query = PlainText(backend_query(query))
    filtered = bool(system_id or kind or tag)
    prefix = page_url_prefix()

    articles = exclude_restricted(ArticlePage.objects.live(), user)
    if kind:
        articles = articles.filter(kind=kind)
    if system_id:
        articles = articles.filter(
            pk__in=list(
                ArticlePage.systems.through.objects.filter(systempage_id=system_id).values_list(
                    "articlepage_id", flat=True
                )
            )
        )
    if tag:
        articles = articles.filter(
            pk__in=list(ArticlePage.objects.filter(tags__slug=tag).values_list("pk", flat=True))
        )
    # The ranking query computes a score for every match, so its rows stay narrow; the text
    # for snippets is read afterwards for the winners only, and only its first characters.
    articles = articles.only("title", "url_path", "kind", "review_due_on")
    ranked = _scored(
        articles.search(search_query, operator="and").annotate_score("_score")[
            :MAX_RESULTS_PER_TYPE
        ]
    )
    texts = {
        pk: f"{summary} {head}"
        for pk, summary, head in ArticlePage.objects.filter(pk__in=[p.pk for p, _ in ranked])
        .annotate(head=Substr("body_text", 1, SNIPPET_SCAN))
        .values_list("pk", "summary", "head")
    }
    hits: list[SearchHit] = []
    for page, score in ranked:
        stale = page.review_due_on is not None and page.review_due_on < today
        hits.append(
            SearchHit(
                kind="article",
                page_id=page.pk,
                title=page.title,
                url=url_from_path(page.url_path, prefix),
                score=score * (STALE_PENALTY if stale else 1.0),
                snippet=highlight(texts.get(page.pk, ""), terms),
                stale=stale,
                label=str(page.get_kind_display()),
            )
        )
    if not filtered:
        systems = exclude_restricted(SystemPage.objects.live(), user).only(
            "title", "url_path", "acronym", "purpose"
        )
        system_label = str(SystemPage._meta.verbose_name)
        for page, score in _scored(
            systems.search(search_query, operator="and").annotate_score("_score")[
                :MAX_RESULTS_PER_TYPE
            ]
        ):
            hits.append(
                SearchHit(
                    kind="system",
                    page_id=page.pk,
                    title=page.title,
                    url=url_from_path(page.url_path, prefix),
                    score=score,
                    snippet=highlight(f"{page.acronym} {page.purpose}", terms),
                    label=system_label,
                )
            )
        courses = exclude_restricted(live_courses(), user)
        if not getattr(user, "is_authenticated", False):
            courses = courses.filter(visibility=CourseVisibility.PUBLIC)
        courses = courses.only("title", "url_path", "summary")
        course_label = str(CoursePage._meta.verbose_name)
        for page, score in _scored(
            courses.search(search_query, operator="and").annotate_score("_score")[
                :MAX_RESULTS_PER_TYPE
            ]
        ):
            hits.append(
                SearchHit(
                    kind="course",
                    page_id=page.pk,
                    title=page.title,
                    url=url_from_path(page.url_path, prefix),
                    score=score,
                    snippet=highlight(page.summary, terms),
                    label=course_label,
                )
            )
    hits.sort(key=lambda h: (-h.score, h.stale, h.title.lower()))
    return hits
