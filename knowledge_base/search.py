"""Search over articles, systems and courses with Wagtail's search backend.

PostgreSQL: the `spanish_unaccent` text search configuration stems Spanish and ignores
accents (migration 0003). SQLite: Wagtail's database backend (FTS5 folds accents).
Any query string is accepted: NUL bytes and control characters are dropped, the length is
capped, and the backend receives plain text (never its query syntax)."""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.query import PlainText

from courses.models import CoursePage

from .markdown import markdown_to_text
from .models import ArticlePage, SystemPage
from .visibility import exclude_restricted

MAX_QUERY_LENGTH = 200
MAX_RESULTS_PER_TYPE = 50
STALE_PENALTY = 0.5
SNIPPET_LENGTH = 240
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents, one output character per input character (so that
    positions in the folded text are positions in the original)."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        out.append(base[0].lower() if len(base[0].lower()) == 1 else char)
    return "".join(out)


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


def highlight(text: str, terms: list[str], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """A snippet of `text` around the first match with each match in <mark>. The text is
    escaped first, then the marks are added, so nothing in the content becomes markup."""
    text = " ".join((text or "").split())
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
    if window_end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))


@dataclass
class SearchHit:
    kind: str  # article / system / course
    page: object
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


def search_knowledge(
    *,
    query: str,
    user,
    system_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    today: date | None = None,
) -> list[SearchHit]:
    query = clean_query(query)
    if not query:
        return []
    today = today or timezone.localdate()
    terms = query_terms(query)
    words = backend_query(query)
    if not words:
        return []
    search_query = PlainText(words)
    filtered = bool(system_id or kind or tag)

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
    hits: list[SearchHit] = []
    article_results = _scored(
        articles.search(search_query, operator="and").annotate_score("_score")[
            :MAX_RESULTS_PER_TYPE
        ]
    )
    for page, score in article_results:
        stale = page.review_due_on is not None and page.review_due_on < today
        text = page.summary + " " + markdown_to_text(page.body)
        hits.append(
            SearchHit(
                kind="article",
                page=page,
                score=score * (STALE_PENALTY if stale else 1.0),
                snippet=highlight(text, terms),
                stale=stale,
                label=page.get_kind_display(),
            )
        )
    if not filtered:
        systems = exclude_restricted(SystemPage.objects.live(), user)
        for page, score in _scored(
            systems.search(search_query, operator="and").annotate_score("_score")[
                :MAX_RESULTS_PER_TYPE
            ]
        ):
            hits.append(
                SearchHit(
                    kind="system",
                    page=page,
                    score=score,
                    snippet=highlight(f"{page.acronym} {page.purpose}", terms),
                    label=str(SystemPage._meta.verbose_name),
                )
            )
        courses = exclude_restricted(CoursePage.objects.live(), user)
        if not getattr(user, "is_authenticated", False):
            courses = courses.filter(visibility=CoursePage.Visibility.PUBLIC)
        for page, score in _scored(
            courses.search(search_query, operator="and").annotate_score("_score")[
                :MAX_RESULTS_PER_TYPE
            ]
        ):
            hits.append(
                SearchHit(
                    kind="course",
                    page=page,
                    score=score,
                    snippet=highlight(page.summary, terms),
                    label=str(CoursePage._meta.verbose_name),
                )
            )
    hits.sort(key=lambda h: (-h.score, h.stale, h.page.title.lower()))
    return hits
