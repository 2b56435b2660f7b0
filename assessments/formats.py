"""Moodle GIFT and Aiken: parse text into plain dataclasses, and write GIFT back.

Pure module (no database). GIFT follows Moodle's documentation and its reference importer:
questions are separated by blank lines; whole-line `//` comments; `$CATEGORY: A/B/C`;
`::title::`; `[html]`, `[markdown]`, `[plain]`, `[moodle]` text formats; `{...}` answer blocks
(text after the block makes a missing-word question); `=` / `~` / `%weight%` / `#feedback` /
`####general feedback`; true/false `{T}` `{FALSE#wrong#right}`; numeric `{#3.14:0.01}`,
`{#1..5}`, `{#=%100%3:0 =%50%3:1}`; matching `{=a -> b}`; escapes `\\~ \\= \\# \\{ \\} \\:`
and `\\n`. Essay (`{}`) and descriptions (no answer block) are unsupported here and reported
with their line number rather than guessed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown
from django.utils.translation import gettext as _

from . import grading

FORMAT_PLAIN = "plain"
FORMAT_HTML = "html"
FORMAT_MARKDOWN = "markdown"
TEXT_FORMATS = (FORMAT_PLAIN, FORMAT_HTML, FORMAT_MARKDOWN)
_FORMAT_NAMES = {"plain": FORMAT_PLAIN, "moodle": FORMAT_PLAIN, "html": FORMAT_HTML}
_FORMAT_NAMES["markdown"] = FORMAT_MARKDOWN

MISSING_WORD = "_____"


@dataclass
class ParsedQuestion:
    qtype: str
    title: str
    stem: str
    line: int
    stem_format: str = FORMAT_PLAIN
    general_feedback: str = ""
    data: dict = field(default_factory=dict)
    category: str = ""
    points: float = 1.0
    # From the question's `// [tag:…]` and `// [id:…]` comment lines (Moodle 4); points from
    # `// [points:…]`, which Relevo writes (Moodle reads it as a comment).
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""


@dataclass
class ParseError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for question in self.questions:
            result[question.qtype] = result.get(question.qtype, 0) + 1
        return result


class _GiftError(ValueError):
    pass


# --- Escapes --------------------------------------------------------------------------------
# Escaped control characters become private-use placeholders while parsing, as Moodle does.

_ESCAPES = {
    ":": "\ue03a",
    "#": "\ue023",
    "=": "\ue03d",
    "{": "\ue07b",
    "}": "\ue07d",
    "~": "\ue07e",
}
_BACKSLASH = "\ue05c"
_RESTORE = {v: k for k, v in _ESCAPES.items()} | {_BACKSLASH: "\\"}


def _protect(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def escape(text: str) -> str:
    """GIFT-escape a text for export (Moodle's repchar)."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


# --- GIFT parsing ---------------------------------------------------------------------------


def _blocks(text: str):
    """Yield (first line number, lines, comment lines) for each blank-line separated block:
    whole-line `//` comments are taken out of the text and kept with their block (Moodle
    reads a question's tags and id from them)."""
    current: list[str] = []
    comments: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped[2:])
            continue
        if not stripped:
            if current:
                yield start, current, comments
                current = []
            comments = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        yield start, current, comments


_TAG = re.compile(r"\[tag:([^\]]+)\]")
_IDNUMBER = re.compile(r"\[id:([^\]]+)\]")
_POINTS = re.compile(r"\[points:\s*(\d+(?:\.\d+)?)\s*\]")


def _comment_metadata(comments: list[str]) -> dict:
    text = "\n".join(comments)
    meta: dict = {"tags": [], "idnumber": ""}
    for tag in _TAG.findall(text):
        tag = tag.strip()
        if tag and tag not in meta["tags"]:
            meta["tags"].append(tag)
    ids = _IDNUMBER.findall(text)
    if ids:
        meta["idnumber"] = ids[0].strip()
    points = _POINTS.findall(text)
    if points:
        meta["points"] = float(points[0])
    return meta


_CATEGORY_PREFIXES = ("$course$/", "$system$/", "$module$/", "$coursecategory$/")


def clean_category_path(raw: str) -> str:
    path = raw.strip()
    for prefix in _CATEGORY_PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) :]
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def _text_with_format(raw: str, default: str | None = FORMAT_PLAIN) -> tuple[str, str | None]:
    raw = raw.strip()
    match = re.match(r"^\[(\w+)\]", raw)
    if match and match.group(1).lower() in _FORMAT_NAMES:
        return _restore(raw[match.end() :]).strip(), _FORMAT_NAMES[match.group(1).lower()]
    return _restore(raw).strip(), default


_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _weight(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if not match:
        return default, answer
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        raise _GiftError(_("weight %(weight)s%% is outside -100%%..100%%") % {"weight": percent})
    return round(percent / 100, 7), answer[match.end() :]


class _Formats:
    """The formats parts of one question were written in (`[html]` etc. before an answer or
    a feedback, as Moodle reads them); None: the question text's format."""

    def __init__(self):
        self.parts: list[tuple[dict, str, str | None]] = []

    def text(self, raw: str, container: dict, key: str) -> None:
        """Read `raw` (escapes still protected) into container[key], noting its format."""
        text, fmt = _text_with_format(raw, None)
        container[key] = text
        self.parts.append((container, key, fmt))


def _split_feedback_raw(answer: str) -> tuple[str, str]:
    text, _sep, feedback = answer.partition("#")
    return text, feedback


def _to_html(text: str, fmt: str) -> str:
    if fmt == FORMAT_HTML:
        return text
    if fmt == FORMAT_MARKDOWN:
        return markdown.markdown(text, extensions=["tables", "fenced_code"])
    return html.escape(text, quote=False).replace("\n", "<br>")


def _unify_formats(question: ParsedQuestion, formats: _Formats, general_format: str) -> None:
    """Relevo renders every part of a question in its text's format. When parts were
    written in other formats, Moodle shows each in its own: convert them all to HTML (plain
    text escaped, Markdown rendered), which shows the same, and make the question HTML."""
    stem_format = question.stem_format
    used = {stem_format, general_format} | {fmt for _c, _k, fmt in formats.parts if fmt}
    if len(used) == 1:
        return
    for container, key, fmt in formats.parts:
        if container[key]:
            container[key] = _to_html(container[key], fmt or stem_format)
    question.stem = _to_html(question.stem, stem_format)
    if question.general_feedback:
        question.general_feedback = _to_html(question.general_feedback, general_format)
    question.stem_format = FORMAT_HTML


def _split_answers(body: str, separators: str) -> list[str]:
    """Split an answer block at each separator character, keeping the separator."""
    parts: list[str] = []
    current = ""
    for char in body:
        if char in separators:
            if current.strip():
                parts.append(current.strip())
            current = char
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _number(text: str) -> float:
    value = grading.parse_number(_restore(text).replace(",", "."))
    if value is None:
        raise _GiftError(_("%(text)r is not a number") % {"text": _restore(text).strip()})
    return value


def _parse_numeric(body: str, fm: _Formats) -> dict:
    body = body[1:]  # the leading '#'
    result: dict = {"wrong_feedback": ""}
    if "~" in body:
        body, wrong = body.split("~", 1)
        fm.text(wrong.partition("#")[2], result, "wrong_feedback")
    raw_answers = _split_answers(body, "=")
    if not raw_answers:
        raise _GiftError(_("a numeric question needs at least one answer"))
    answers = []
    for raw in raw_answers:
        raw = raw[1:].strip() if raw.startswith("=") else raw
        fraction, raw = _weight(raw.strip(), 1.0)
        value_text, _sep, feedback_raw = raw.partition("#")
        value_text = value_text.strip()
        feedback = ""
        if ".." in value_text:
            low, high = value_text.split("..", 1)
            low_v, high_v = _number(low), _number(high)
            if low_v > high_v:
                raise _GiftError(_("the range %(text)s is reversed") % {"text": value_text})
            answers.append(
                {"min": low_v, "max": high_v, "fraction": fraction, "feedback": feedback}
            )
        elif "\ue03a" in value_text or ":" in value_text:
            value, tolerance = re.split(r":|\ue03a", value_text, maxsplit=1)
            answers.append(
                {
                    "value": _number(value),
                    "tolerance": abs(_number(tolerance)),
                    "fraction": fraction,
                    "feedback": feedback,
                }
            )
        else:
            answers.append(
                {
                    "value": _number(value_text),
                    "tolerance": 0.0,
                    "fraction": fraction,
                    "feedback": feedback,
                }
            )
        fm.text(feedback_raw, answers[-1], "feedback")
    result["answers"] = answers
    return result


def _parse_choices(body: str, fm: _Formats) -> tuple[str, dict]:
    qtype = grading.SINGLE if "=" in body else grading.MULTIPLE
    raw_answers = _split_answers(body, "=~")
    if len(raw_answers) < 2:
        raise _GiftError(_("a multiple-choice question needs at least two answers"))
    choices = []
    for index, raw in enumerate(raw_answers):
        marker, rest = raw[0], raw[1:].strip()
        if marker == "=":
            fraction = 1.0
        elif marker == "~":
            fraction, rest = _weight(rest, 0.0)
        else:
            raise _GiftError(
                _("an answer must start with = or ~: %(text)r") % {"text": _restore(raw)}
            )
        text_raw, feedback_raw = _split_feedback_raw(rest)
        choice = {"id": f"c{index}", "fraction": fraction}
        fm.text(text_raw, choice, "text")
        fm.text(feedback_raw, choice, "feedback")
        if not choice["text"]:
            raise _GiftError(_("an answer has no text"))
        choices.append(choice)
    return qtype, {"choices": choices}


def _parse_matching(body: str, fm: _Formats) -> dict:
    raw_answers = _split_answers(body, "=")
    pairs, extra = [], []
    for raw in raw_answers:
        raw = raw[1:] if raw.startswith("=") else raw
        if "->" not in raw:
            raise _GiftError(
                _("a matching pair needs '->': %(text)r") % {"text": _restore(raw).strip()}
            )
        left_raw, right = raw.split("->", 1)
        right = _restore(right).strip()  # Moodle: the answer side is plain text
        if not right:
            raise _GiftError(_("a matching pair has nothing after '->'"))
        if left_raw.strip():
            pair = {"id": f"p{len(pairs)}", "left": "", "right": right}
            fm.text(left_raw, pair, "left")
            pairs.append(pair)
        else:
            extra.append(right)
    if len(pairs) < 2:
        raise _GiftError(_("a matching question needs at least two pairs"))
    return {"pairs": pairs, "extra_rights": extra}


def _parse_short(body: str, fm: _Formats) -> dict:
    answers = []
    for raw in _split_answers(body, "="):
        raw = raw[1:].strip() if raw.startswith("=") else raw
        fraction, raw = _weight(raw, 1.0)
        text_raw, feedback_raw = _split_feedback_raw(raw)
        # Moodle keeps the text of an accepted answer and drops its format marker.
        text, _fmt = _text_with_format(text_raw)
        if not text:
            raise _GiftError(_("an accepted answer is empty"))
        answer = {"text": text, "fraction": fraction}
        fm.text(feedback_raw, answer, "feedback")
        answers.append(answer)
    if not answers:
        raise _GiftError(_("a short-answer question needs at least one answer"))
    return {"answers": answers}


def _parse_question(text: str, line: int, category: str) -> ParsedQuestion:
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise _GiftError(_("the title has no closing '::'"))
        title = _restore(text[2:end]).strip()
        text = text[end + 2 :].strip()

    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        raise _GiftError(_("unsupported question type: description (no answer block)"))
    if start == -1 or finish == -1 or finish < start:
        raise _GiftError(_("unbalanced braces { }"))
    if text.find("{", start + 1) != -1 and text.find("{", start + 1) < finish:
        raise _GiftError(_("unbalanced braces { }"))
    if "{" in text[finish + 1 :] or "}" in text[finish + 1 :]:
        raise _GiftError(_("only one answer block is allowed per question"))
    body = text[start + 1 : finish].strip()
    before, after = text[:start], text[finish + 1 :]
    stem_raw = before + (MISSING_WORD + after if after.strip() else "")

    general_feedback_raw = ""
    separator = body.rfind("####")
    if separator != -1:
        general_feedback_raw = body[separator + 4 :]
        body = body[:separator].strip()

    stem, stem_format = _text_with_format(stem_raw)
    general_feedback, general_format = _text_with_format(general_feedback_raw, stem_format)
    fm = _Formats()
    if not stem:
        raise _GiftError(_("the question has no text"))

    if not body:
        raise _GiftError(_("unsupported question type: essay ({})"))
    if body.startswith("#"):
        qtype, data = grading.NUMERIC, _parse_numeric(body, fm)
    elif "~" in body:
        qtype, data = _parse_choices(body, fm)
    elif "=" in body and "->" in body:
        qtype, data = grading.MATCHING, _parse_matching(body, fm)
    else:
        head = body.split("#", 1)[0].strip()
        if head in ("T", "TRUE", "F", "FALSE"):
            qtype = grading.TRUEFALSE
            bits = body.split("#", 2)
            answer = head in ("T", "TRUE")
            data = {"answer": answer}
            # `{T#wrong#right}`: the first feedback is for a wrong answer.
            fm.text(
                bits[1] if len(bits) > 1 else "",
                data,
                "feedback_false" if answer else "feedback_true",
            )
            fm.text(
                bits[2] if len(bits) > 2 else "",
                data,
                "feedback_true" if answer else "feedback_false",
            )
        else:
            # Anything else is a short answer, as in Moodle's importer (`{=a =b}` or `{a}`).
            qtype, data = grading.SHORT, _parse_short(body, fm)

    if not title:
        title = re.sub(r"\s+", " ", stem)[:60]
    question = ParsedQuestion(
        qtype=qtype,
        title=title,
        stem=stem,
        stem_format=stem_format,
        general_feedback=general_feedback,
        data=data,
        category=category,
        line=line,
    )
    _unify_formats(question, fm, general_format)
    try:
        question.data = grading.validate_data(qtype, data)
    except grading.InvalidData as exc:
        raise _GiftError(str(exc))
    return question


def parse_gift(text: str, *, category: str = "") -> ParseResult:
    result = ParseResult()
    current_category = clean_category_path(category)
    for line, lines, comments in _blocks(text.lstrip("\ufeff")):
        block = _protect("\n".join(lines).strip())
        if block.startswith("$CATEGORY:"):
            first, _nl, rest = block.partition("\n")
            current_category = clean_category_path(_restore(first[len("$CATEGORY:") :]))
            if not rest.strip():
                continue
            block, line = rest.strip(), line + 1
        try:
            question = _parse_question(block, line, current_category)
        except _GiftError as exc:
            result.errors.append(ParseError(line, str(exc)))
            continue
        meta = _comment_metadata(comments)
        question.tags, question.idnumber = meta["tags"], meta["idnumber"]
        question.points = meta.get("points", question.points)
        result.questions.append(question)
    return result


# --- Aiken ----------------------------------------------------------------------------------

_AIKEN_CHOICE = re.compile(r"^([A-Z])[.)]\s+(.*\S)\s*$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*([A-Z])\s*$")


def parse_aiken(text: str, *, category: str = "") -> ParseResult:
    """Aiken: question text, lettered choices `A.` or `A)`, then `ANSWER: X`."""
    result = ParseResult()
    category = clean_category_path(category)
    stem_lines: list[str] = []
    choices: list[tuple[str, str]] = []
    start = 0

    def reset():
        stem_lines.clear()
        choices.clear()

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _AIKEN_ANSWER.match(line)
        choice = _AIKEN_CHOICE.match(line)
        if answer:
            letters = [letter for letter, _t in choices]
            if not stem_lines:
                result.errors.append(ParseError(number, _("ANSWER without a question")))
            elif len(choices) < 2:
                result.errors.append(ParseError(start, _("a question needs at least two choices")))
            elif answer.group(1) not in letters:
                result.errors.append(
                    ParseError(
                        number,
                        _("the answer %(letter)s is not one of the choices")
                        % {"letter": answer.group(1)},
                    )
                )
            else:
                stem = " ".join(stem_lines)
                data = {
                    "choices": [
                        {
                            "id": f"c{i}",
                            "text": t,
                            "fraction": 1.0 if letter == answer.group(1) else 0.0,
                            "feedback": "",
                        }
                        for i, (letter, t) in enumerate(choices)
                    ]
                }
                result.questions.append(
                    ParsedQuestion(
                        qtype=grading.SINGLE,
                        title=stem[:60],
                        stem=stem,
                        data=grading.validate_data(grading.SINGLE, data),
                        category=category,
                        line=start,
                    )
                )
            reset()
        elif line.upper().startswith("ANSWER") and stem_lines:
            # Name the line: read as question text, it would only say "no ANSWER line".
            result.errors.append(
                ParseError(
                    number,
                    _("the ANSWER line must be “ANSWER: ” and the letter of a choice: %(line)r")
                    % {"line": line},
                )
            )
            reset()
        elif choice and stem_lines:
            choices.append((choice.group(1), choice.group(2)))
        else:
            if choices:
                result.errors.append(ParseError(start, _("the question has no ANSWER line")))
                reset()
            if not stem_lines:
                start = number
            stem_lines.append(line)
    if stem_lines:
        result.errors.append(ParseError(start, _("the question has no ANSWER line")))
    return result


def parse(text: str, *, fmt: str, category: str = "") -> ParseResult:
    if fmt == "gift":
        return parse_gift(text, category=category)
    if fmt == "aiken":
        return parse_aiken(text, category=category)
    raise ValueError(f"unknown format {fmt!r}")


# --- GIFT export ----------------------------------------------------------------------------


def _percent(fraction: float) -> str:
    return f"{round(float(fraction) * 100, 5):.5f}".rstrip("0").rstrip(".")


def _number_text(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def write_question(question: ParsedQuestion) -> str:
    """One question in GIFT, as Moodle writes it (answers one per line, tab-indented)."""
    marker = "" if question.stem_format == FORMAT_PLAIN else f"[{question.stem_format}]"
    stem = marker + escape(question.stem)
    # Missing word: the answer block goes where the blank is, unless nothing follows the blank
    # (then the stem keeps its blank and the block follows it, which reads back the same).
    missing = (
        question.qtype in grading.CHOICE_TYPES
        and MISSING_WORD in stem
        and bool(stem.split(MISSING_WORD, 1)[1].strip())
    )
    data = question.data
    lines: list[str] = []
    if question.qtype in grading.CHOICE_TYPES:
        for choice in data["choices"]:
            if question.qtype == grading.SINGLE and choice["fraction"] == 1:
                prefix = "="
            elif choice["fraction"] == 0:
                prefix = "~"
            else:
                prefix = f"~%{_percent(choice['fraction'])}%"
            lines.append(prefix + escape(choice["text"]) + _feedback(choice["feedback"]))
    elif question.qtype == grading.TRUEFALSE:
        answer = bool(data["answer"])
        right = data["feedback_true"] if answer else data["feedback_false"]
        wrong = data["feedback_false"] if answer else data["feedback_true"]
        text = "TRUE" if answer else "FALSE"
        if wrong or right:
            text += "#" + escape(wrong)
        if right:
            text += "#" + escape(right)
        lines.append(text)
    elif question.qtype == grading.SHORT:
        for answer in data["answers"]:
            lines.append(
                f"=%{_percent(answer['fraction'])}%{escape(answer['text'])}{_feedback(answer['feedback'])}"
            )
    elif question.qtype == grading.NUMERIC:
        lines.append("#")
        for answer in data["answers"]:
            if "min" in answer:
                value = f"{_number_text(answer['min'])}..{_number_text(answer['max'])}"
            else:
                value = f"{_number_text(answer['value'])}:{_number_text(answer['tolerance'])}"
            lines.append(f"=%{_percent(answer['fraction'])}%{value}{_feedback(answer['feedback'])}")
        if data.get("wrong_feedback"):
            lines.append("~#" + escape(data["wrong_feedback"]))
    elif question.qtype == grading.MATCHING:
        for pair in data["pairs"]:
            lines.append(f"={escape(pair['left'])} -> {escape(pair['right'])}")
        for right in data.get("extra_rights", []):
            lines.append(f"= -> {escape(right)}")
    if question.general_feedback:
        lines.append("####" + escape(question.general_feedback))
    block = "{\n\t" + "\n\t".join(lines) + "\n}"
    if question.qtype == grading.NUMERIC:
        block = "{#\n\t" + "\n\t".join(lines[1:]) + "\n}"
    title = f"::{escape(question.title)}::" if question.title else ""
    head = _metadata_comments(question)
    if missing:
        before, after = stem.split(MISSING_WORD, 1)
        return f"{head}{title}{before}{block}{after}\n"
    return f"{head}{title}{stem}{block}\n"


def _metadata_comments(question: ParsedQuestion) -> str:
    """Moodle 4's `// [id:…]` and `// [tag:…]` lines, and the points (a comment to Moodle)."""
    lines = []
    if question.idnumber:
        lines.append(f"// [id:{question.idnumber}]")
    lines.extend(f"// [tag:{tag}]" for tag in question.tags)
    if float(question.points) != 1:
        lines.append(f"// [points:{_number_text(question.points)}]")
    return "".join(line + "\n" for line in lines)


def write_gift(questions: list[ParsedQuestion]) -> str:
    out: list[str] = []
    category = None
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(
                f"$CATEGORY: $course$/top/{category}\n" if category else "$CATEGORY: $course$/top\n"
            )
        out.append(write_question(question))
    return "\n".join(out)
