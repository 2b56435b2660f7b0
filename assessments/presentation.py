"""What the attempt and result pages show for each question.

`attempt_questions` builds the attempt page: texts, choices in the frozen order and the
learner's saved answers, and nothing else. Fractions, feedback and which choice is correct are
only added by `review_questions`, after submission and as the review policy allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from . import grading
from .layout import tokens_by_key
from .text import render_inline, render_text


@dataclass
class Option:
    value: str  # what the form sends: the attempt's opaque token (or "true"/"false")
    html: str
    selected: bool = False
    key: str = ""  # the internal key (choice id, matching option index): never rendered
    # Review only:
    correct: bool | None = None
    feedback: str = ""


@dataclass
class MatchRow:
    pair_id: str
    html: str
    selected: str = ""  # the token of the chosen option
    selected_key: str = ""
    correct_html: str = ""
    is_correct: bool | None = None


@dataclass
class QuestionView:
    number: int
    slot: int
    qtype: str
    stem_html: str
    points: str
    options: list[Option] = field(default_factory=list)
    rows: list[MatchRow] = field(default_factory=list)
    text: str = ""
    # Review only:
    answered: bool = False
    fraction: float | None = None
    earned: str = ""
    feedback: list[str] = field(default_factory=list)
    general_feedback_html: str = ""
    correct_answer: str = ""

    @property
    def points_count(self) -> int:
        """For ngettext ("1 punto", "2 puntos", "1,5 puntos"): plural rules take integers."""
        return 1 if Decimal(self.points) == 1 else 2

    @property
    def field_name(self) -> str:
        return f"q{self.slot}"

    @property
    def state(self) -> str:
        if self.fraction is None:
            return ""
        if self.fraction >= 1:
            return "correct"
        return "partial" if self.fraction > 0 else "incorrect"


def _base(answer, entry: dict) -> QuestionView:
    version = answer.version
    response = answer.response or {}
    view = QuestionView(
        number=answer.slot + 1,
        slot=answer.slot,
        qtype=version.qtype,
        stem_html=render_text(version.stem, version.stem_format),
        points=entry.get("points", str(version.points)),
        answered=bool(answer.response),
    )
    fmt = version.stem_format
    tokens = tokens_by_key(entry)
    if version.qtype in grading.CHOICE_TYPES:
        by_id = {c["id"]: c for c in version.data["choices"]}
        chosen = set(response.get("choices", []))
        view.options = [
            Option(
                value=tokens.get(cid, cid),
                key=cid,
                html=render_inline(by_id[cid]["text"], fmt),
                selected=cid in chosen,
            )
            for cid in entry.get("order") or list(by_id)
            if cid in by_id
        ]
    elif version.qtype == grading.TRUEFALSE:
        value = response.get("value")
        view.options = [
            Option(value="true", html="", selected=value is True),
            Option(value="false", html="", selected=value is False),
        ]
    elif version.qtype in (grading.SHORT, grading.NUMERIC):
        view.text = response.get("text", "")
    elif version.qtype == grading.MATCHING:
        rights = grading.matching_rights(version.data)
        order = entry.get("order") or [str(i) for i in range(len(rights))]
        view.options = [
            Option(value=tokens.get(i, i), key=i, html=render_inline(rights[int(i)], fmt))
            for i in order
        ]
        given = response.get("pairs", {})
        view.rows = [
            MatchRow(
                pair_id=p["id"],
                html=render_inline(p["left"], fmt),
                selected=tokens.get(given[p["id"]], "") if given.get(p["id"]) else "",
                selected_key=given.get(p["id"], ""),
            )
            for p in version.data["pairs"]
        ]
    return view


def attempt_questions(attempt, answers) -> list[QuestionView]:
    layout = {entry["slot"]: entry for entry in attempt.layout}
    return [_base(answer, layout.get(answer.slot, {})) for answer in answers]


def preview_question(question) -> QuestionView:
    """How learners will see `question` (a Question or a version, saved or not): the admin's
    live preview. Nothing is chosen; choices keep the authored order."""
    return _base(SimpleNamespace(version=question, response={}, slot=0), {})


def review_questions(
    attempt, answers, *, show_responses: bool, show_correct: bool, show_feedback: bool
) -> list[QuestionView]:
    layout = {entry["slot"]: entry for entry in attempt.layout}
    views = []
    for answer in answers:
        view = _base(answer, layout.get(answer.slot, {}))
        version = answer.version
        view.fraction = answer.fraction
        view.earned = f"{answer.points or 0:.2f}"
        if show_feedback:
            result = grading.grade(version.qtype, version.data, answer.response)
            # Per-answer feedback in the question's format (a GIFT `[html]` feedback is HTML).
            view.feedback = [render_inline(text, version.stem_format) for text in result.feedback]
            view.general_feedback_html = render_text(version.general_feedback, version.stem_format)
        if show_correct:
            _mark_correct(view, version)
        if not show_responses:
            for option in view.options:
                option.selected = False
            for row in view.rows:
                row.selected = row.selected_key = ""
            view.text = ""
        views.append(view)
    return views


def _mark_correct(view: QuestionView, version) -> None:
    data = version.data
    fmt = version.stem_format
    if version.qtype in grading.CHOICE_TYPES:
        fractions = {c["id"]: float(c["fraction"]) for c in data["choices"]}
        best = max(fractions.values())
        for option in view.options:
            fraction = fractions[option.key]
            option.correct = fraction > 0 if version.qtype == grading.MULTIPLE else fraction == best
    elif version.qtype == grading.TRUEFALSE:
        for option in view.options:
            option.correct = (option.value == "true") == bool(data["answer"])
    elif version.qtype in (grading.SHORT, grading.NUMERIC):
        view.correct_answer = grading.correct_response(version.qtype, data)["text"]
    elif version.qtype == grading.MATCHING:
        rights = grading.matching_rights(data)
        by_pair = {p["id"]: p["right"] for p in data["pairs"]}
        for row in view.rows:
            row.correct_html = render_inline(by_pair[row.pair_id], fmt)
            row.is_correct = (
                bool(row.selected_key) and rights[int(row.selected_key)] == by_pair[row.pair_id]
            )
