"""Grading: pure functions, one per question type. No database, no Django models.

A question version's `data` holds what grading needs (its shape per type is checked by
`validate_data`); a learner's `response` is a small dict whose shape per type is checked by
`clean_response` (anything else is tampering and is refused). `grade` returns a fraction in
[0, 1] of the question's points.

Shapes:
    single / multiple   data {"choices": [{"id", "text", "fraction", "feedback"}]}
                        response {"choices": ["c0", ...]}  (one id for single)
    truefalse           data {"answer": bool, "feedback_true": str, "feedback_false": str}
                        response {"value": bool}
    short               data {"answers": [{"text", "fraction", "feedback"}],
                              "case_sensitive": true (only when case must match),
                              "lenient_matching": true (only for the accent- and
                              spacing-insensitive, best-match rule of versions before
                              Moodle's; migration 0008 set it on those)}
                        response {"text": str}
    numeric             data {"answers": [{"value", "tolerance", "fraction", "feedback"}
                                          | {"min", "max", "fraction", "feedback"}],
                              "wrong_feedback": str}
                        response {"text": str}
    matching            data {"pairs": [{"id", "left", "right"}], "extra_rights": [str]}
                        response {"pairs": {"p0": "2", ...}}  (index into `matching_rights`)
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
SHORT = "short"
NUMERIC = "numeric"
MATCHING = "matching"
TYPES = (SINGLE, MULTIPLE, TRUEFALSE, SHORT, NUMERIC, MATCHING)
CHOICE_TYPES = (SINGLE, MULTIPLE)

MAX_TEXT_RESPONSE = 500


class InvalidResponse(ValueError):
    """A response that the attempt page could not have produced (tampering)."""


class InvalidData(ValueError):
    """A question version whose data does not fit its type."""


@dataclass(frozen=True)
class Grade:
    fraction: float
    feedback: tuple[str, ...] = ()


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


# --- Normalisation ------------------------------------------------------------------------


def normalise_text(text: str, *, keep_case: bool = False) -> str:
    """Case-, accent- and spacing-insensitive form of a short answer (`keep_case`: only
    accent- and spacing-insensitive)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join((without_marks if keep_case else without_marks.casefold()).split())


_WILDCARDS = re.compile(r"(?<!\\)\*+")


def short_answer_matches(
    pattern: str, response: str, *, case_sensitive: bool = False, lenient: bool = False
) -> bool:
    """Moodle's rule (qtype_shortanswer::compare_string_with_wildcard): the trimmed response
    equals the accepted answer exactly, upper and lower case aside unless `case_sensitive`;
    a run of `*` matches any characters and `\\*` is a literal asterisk. `lenient`: the rule
    of earlier versions, which also ignored accents and repeated spaces."""
    if lenient:
        pattern_n = normalise_text(pattern, keep_case=case_sensitive)
        response_n = normalise_text(response, keep_case=case_sensitive)
        if "*" not in pattern_n:
            return pattern_n == response_n
        regex = ".*".join(re.escape(part) for part in pattern_n.split("*"))
        return re.fullmatch(regex, response_n, flags=re.DOTALL) is not None
    # Composed and decomposed accents are the same text (Moodle normalises to NFC too).
    pattern = unicodedata.normalize("NFC", pattern or "")
    response = unicodedata.normalize("NFC", response or "").strip()
    bits = _WILDCARDS.split(pattern)
    regex = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.fullmatch(regex, response, flags=flags) is not None


def parse_number(text: str) -> float | None:
    """A number as a learner types it: `3.14`, `3,14`, ` -2 `, `1e3`. None if not a number."""
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def matching_rights(data: dict) -> list[str]:
    """The options offered for each left item: every distinct right text, in a stable order."""
    seen: list[str] = []
    for right in [p["right"] for p in data.get("pairs", [])] + list(data.get("extra_rights", [])):
        if right not in seen:
            seen.append(right)
    return seen


# --- Per-type grading ---------------------------------------------------------------------


def grade_single(data: dict, response: dict | None) -> Grade:
    chosen = (response or {}).get("choices") or []
    if not chosen:
        return Grade(0.0)
    choice = next((c for c in data["choices"] if c["id"] == chosen[0]), None)
    if choice is None:
        return Grade(0.0)
    return Grade(clamp(float(choice["fraction"])), _nonempty(choice.get("feedback")))


def grade_multiple(data: dict, response: dict | None) -> Grade:
    """Sum of the fractions of the selected choices (wrong ones may be negative: the penalty),
    clamped to [0, 1]. Selecting every choice therefore never earns full credit when wrong
    choices carry a penalty."""
    chosen = set((response or {}).get("choices") or [])
    if not chosen:
        return Grade(0.0)
    total = 0.0
    feedback: list[str] = []
    for choice in data["choices"]:
        if choice["id"] in chosen:
            total += float(choice["fraction"])
            feedback.extend(_nonempty(choice.get("feedback")))
    return Grade(clamp(round(total, 7)), tuple(feedback))


def grade_truefalse(data: dict, response: dict | None) -> Grade:
    value = (response or {}).get("value")
    if value is None:
        return Grade(0.0)
    feedback = data.get("feedback_true" if value else "feedback_false", "")
    return Grade(1.0 if bool(value) == bool(data["answer"]) else 0.0, _nonempty(feedback))


def grade_short(data: dict, response: dict | None) -> Grade:
    """The first accepted answer, in order, that matches (Moodle); with `lenient_matching`
    the best-scoring one, as earlier versions graded."""
    text = (response or {}).get("text") or ""
    if not text.strip():
        return Grade(0.0)
    best: dict | None = None
    case_sensitive = bool(data.get("case_sensitive"))
    lenient = bool(data.get("lenient_matching"))
    for answer in data["answers"]:
        if not short_answer_matches(
            answer["text"], text, case_sensitive=case_sensitive, lenient=lenient
        ):
            continue
        if not lenient:
            best = answer
            break
        if best is None or float(answer["fraction"]) > float(best["fraction"]):
            best = answer
    if best is None:
        return Grade(0.0)
    return Grade(clamp(float(best["fraction"])), _nonempty(best.get("feedback")))


def numeric_answer_matches(answer: dict, value: float) -> bool:
    if "min" in answer:
        low, high = float(answer["min"]), float(answer["max"])
    else:
        centre, tolerance = float(answer["value"]), abs(float(answer.get("tolerance", 0)))
        low, high = centre - tolerance, centre + tolerance
    # Absorb binary floating-point noise (0.1 + 0.2) without widening real tolerances.
    epsilon = 1e-9 * max(1.0, abs(low), abs(high))
    return low - epsilon <= value <= high + epsilon


def grade_numeric(data: dict, response: dict | None) -> Grade:
    value = parse_number((response or {}).get("text") or "")
    wrong = _nonempty(data.get("wrong_feedback"))
    if value is None:
        return Grade(0.0, wrong if (response or {}).get("text") else ())
    best: dict | None = None
    for answer in data["answers"]:
        if numeric_answer_matches(answer, value) and (
            best is None or float(answer["fraction"]) > float(best["fraction"])
        ):
            best = answer
    if best is None:
        return Grade(0.0, wrong)
    return Grade(clamp(float(best["fraction"])), _nonempty(best.get("feedback")))


def grade_matching(data: dict, response: dict | None) -> Grade:
    """Each pair earns an equal share; an unanswered or wrong pair earns nothing."""
    pairs = data["pairs"]
    if not pairs:
        return Grade(0.0)
    rights = matching_rights(data)
    given = (response or {}).get("pairs") or {}
    correct = 0
    for pair in pairs:
        index = given.get(pair["id"])
        if index is not None and rights[int(index)] == pair["right"]:
            correct += 1
    return Grade(round(correct / len(pairs), 7))


_GRADERS = {
    SINGLE: grade_single,
    MULTIPLE: grade_multiple,
    TRUEFALSE: grade_truefalse,
    SHORT: grade_short,
    NUMERIC: grade_numeric,
    MATCHING: grade_matching,
}


def grade(qtype: str, data: dict, response: dict | None) -> Grade:
    return _GRADERS[qtype](data, response)


def correct_response(qtype: str, data: dict) -> dict:
    """A response earning full (or the best possible) credit: shown in reviews, used in tests."""
    if qtype == SINGLE:
        best = max(data["choices"], key=lambda c: float(c["fraction"]))
        return {"choices": [best["id"]]}
    if qtype == MULTIPLE:
        return {"choices": [c["id"] for c in data["choices"] if float(c["fraction"]) > 0]}
    if qtype == TRUEFALSE:
        return {"value": bool(data["answer"])}
    if qtype in (SHORT, NUMERIC):
        best = max(data["answers"], key=lambda a: float(a["fraction"]))
        if qtype == SHORT:
            return {"text": best["text"].replace("*", "")}
        text = best["value"] if "value" in best else (best["min"] + best["max"]) / 2
        return {"text": f"{float(text):g}"}
    rights = matching_rights(data)
    return {"pairs": {p["id"]: str(rights.index(p["right"])) for p in data["pairs"]}}


# --- Responses: what the form may send ------------------------------------------------------


def clean_response(qtype: str, data: dict, raw) -> dict | None:
    """Check a response against the version's data. Raises InvalidResponse on anything the
    attempt page could not have sent (a choice of another question, a pair that does not
    exist, a second choice for a single-choice question...). Returns None for "no answer"."""
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise InvalidResponse("response must be an object")
    if qtype in CHOICE_TYPES:
        chosen = raw.get("choices")
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise InvalidResponse("choices must be a list of ids")
        valid = {c["id"] for c in data["choices"]}
        if not set(chosen) <= valid:
            raise InvalidResponse("choice not in this question")
        if qtype == SINGLE and len(chosen) > 1:
            raise InvalidResponse("single choice accepts one choice")
        if len(set(chosen)) != len(chosen):
            raise InvalidResponse("repeated choice")
        ordered = [c["id"] for c in data["choices"] if c["id"] in set(chosen)]
        return {"choices": ordered} if ordered else None
    if qtype == TRUEFALSE:
        value = raw.get("value")
        if not isinstance(value, bool):
            raise InvalidResponse("true/false expects a boolean")
        return {"value": value}
    if qtype in (SHORT, NUMERIC):
        text = raw.get("text")
        if not isinstance(text, str) or len(text) > MAX_TEXT_RESPONSE or "\x00" in text:
            raise InvalidResponse("text too long, missing or with a NUL character")
        text = text.strip()
        return {"text": text} if text else None
    if qtype == MATCHING:
        given = raw.get("pairs")
        if not isinstance(given, dict):
            raise InvalidResponse("pairs must be an object")
        pair_ids = {p["id"] for p in data["pairs"]}
        option_count = len(matching_rights(data))
        cleaned = {}
        for pair_id, index in given.items():
            if pair_id not in pair_ids:
                raise InvalidResponse("pair not in this question")
            if index in (None, ""):
                continue
            if not (isinstance(index, str) and index.isdigit() and int(index) < option_count):
                raise InvalidResponse("option not in this question")
            cleaned[pair_id] = index
        return {"pairs": cleaned} if cleaned else None
    raise InvalidResponse("unknown question type")


def response_key(qtype: str, response: dict | None) -> str:
    """A short, indexable summary of a response for item statistics (counts per choice)."""
    if not response:
        return ""
    if qtype in CHOICE_TYPES:
        return "|" + "|".join(response["choices"]) + "|"
    if qtype == TRUEFALSE:
        return "|true|" if response["value"] else "|false|"
    if qtype in (SHORT, NUMERIC):
        return normalise_text(response["text"])[:200]
    return "|" + "|".join(f"{k}={v}" for k, v in sorted(response["pairs"].items())) + "|"


# --- Data: what an author may save ----------------------------------------------------------


def validate_data(qtype: str, data) -> dict:
    """Check a version's data; returns it normalised (ids filled in). Raises InvalidData."""
    if qtype not in TYPES:
        raise InvalidData(f"unknown type {qtype!r}")
    if not isinstance(data, dict):
        raise InvalidData("data must be an object")
    try:
        return _VALIDATORS[qtype](data)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidData):
            raise
        raise InvalidData(f"malformed data: {exc}") from exc


def _fraction(value) -> float:
    fraction = float(value)
    if not -1.0 <= fraction <= 1.0:
        raise InvalidData("fractions must be between -1 and 1")
    return round(fraction, 7)


def _validate_choices(data: dict, *, single: bool) -> dict:
    choices = data["choices"]
    if len(choices) < 2:
        raise InvalidData("at least two choices are needed")
    cleaned = []
    for index, choice in enumerate(choices):
        text = str(choice["text"]).strip()
        if not text:
            raise InvalidData("a choice has no text")
        cleaned.append(
            {
                "id": str(choice.get("id") or f"c{index}"),
                "text": text,
                "fraction": _fraction(choice.get("fraction", 0)),
                "feedback": str(choice.get("feedback", "")),
            }
        )
    if len({c["id"] for c in cleaned}) != len(cleaned):
        raise InvalidData("choice ids must be unique")
    if not any(c["fraction"] > 0 for c in cleaned):
        raise InvalidData("at least one choice must earn credit")
    if single and any(c["fraction"] < 0 for c in cleaned):
        raise InvalidData("single choice cannot carry negative fractions")
    if single and not any(c["fraction"] == 1 for c in cleaned):
        raise InvalidData("single choice needs one fully correct choice")
    return {"choices": cleaned}


def _validate_truefalse(data: dict) -> dict:
    if not isinstance(data["answer"], bool):
        raise InvalidData("answer must be true or false")
    return {
        "answer": data["answer"],
        "feedback_true": str(data.get("feedback_true", "")),
        "feedback_false": str(data.get("feedback_false", "")),
    }


def _validate_short(data: dict) -> dict:
    answers = [
        {
            "text": str(a["text"]).strip(),
            "fraction": _fraction(a.get("fraction", 1)),
            "feedback": str(a.get("feedback", "")),
        }
        for a in data["answers"]
    ]
    if not answers or not all(a["text"] for a in answers):
        raise InvalidData("short answer needs non-empty accepted answers")
    if not any(a["fraction"] > 0 for a in answers):
        raise InvalidData("at least one answer must earn credit")
    result = {"answers": answers}
    if data.get("case_sensitive"):
        result["case_sensitive"] = True
    if data.get("lenient_matching"):
        result["lenient_matching"] = True
    return result


def _validate_numeric(data: dict) -> dict:
    answers = []
    for a in data["answers"]:
        item = {"fraction": _fraction(a.get("fraction", 1)), "feedback": str(a.get("feedback", ""))}
        if "min" in a:
            low, high = float(a["min"]), float(a["max"])
            if low > high:
                raise InvalidData("range minimum is above its maximum")
            item.update(min=low, max=high)
        else:
            item.update(value=float(a["value"]), tolerance=abs(float(a.get("tolerance", 0))))
        if not all(math.isfinite(v) for k, v in item.items() if k not in ("feedback",)):
            raise InvalidData("numbers must be finite")
        answers.append(item)
    if not answers or not any(a["fraction"] > 0 for a in answers):
        raise InvalidData("at least one answer must earn credit")
    return {"answers": answers, "wrong_feedback": str(data.get("wrong_feedback", ""))}


def _validate_matching(data: dict) -> dict:
    pairs = []
    for index, pair in enumerate(data["pairs"]):
        left, right = str(pair["left"]).strip(), str(pair["right"]).strip()
        if not left or not right:
            raise InvalidData("every pair needs both sides")
        pairs.append({"id": str(pair.get("id") or f"p{index}"), "left": left, "right": right})
    if len(pairs) < 2:
        raise InvalidData("matching needs at least two pairs")
    if len({p["id"] for p in pairs}) != len(pairs):
        raise InvalidData("pair ids must be unique")
    extra = [str(r).strip() for r in data.get("extra_rights", []) if str(r).strip()]
    return {"pairs": pairs, "extra_rights": extra}


_VALIDATORS = {
    SINGLE: lambda d: _validate_choices(d, single=True),
    MULTIPLE: lambda d: _validate_choices(d, single=False),
    TRUEFALSE: _validate_truefalse,
    SHORT: _validate_short,
    NUMERIC: _validate_numeric,
    MATCHING: _validate_matching,
}


def _nonempty(text: str | None) -> tuple[str, ...]:
    return (text,) if text else ()
