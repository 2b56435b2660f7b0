"""GIFT and Aiken parsing as Moodle's documentation defines them, and GIFT export round-trips."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import formats
from assessments import grading as g

SAMPLE = Path(__file__).resolve().parents[2] / "assessments" / "samples" / "egsi_preguntas.gift"


def parse_one(text):
    result = formats.parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def test_sample_file_parses_every_type():
    result = formats.parse_gift(SAMPLE.read_text())
    assert result.errors == []
    assert result.counts() == {
        "single": 3,
        "multiple": 1,
        "truefalse": 3,
        "short": 2,
        "numeric": 2,
        "matching": 1,
    }
    assert {q.category for q in result.questions} == {"EGSI/Fundamentos", "EGSI/Ciberseguridad"}


def test_multiple_choice_with_feedback_title_and_general_feedback():
    q = parse_one("::T1::¿Quién?{=Grant#sí ~Jefferson#no ####General}")
    assert (q.title, q.stem, q.qtype, q.general_feedback) == ("T1", "¿Quién?", g.SINGLE, "General")
    assert q.data["choices"][0] == {"id": "c0", "text": "Grant", "fraction": 1.0, "feedback": "sí"}
    assert q.data["choices"][1]["feedback"] == "no"


def test_weights_make_a_multiple_answer_question():
    q = parse_one("Elija dos{~%50%A ~%50%B ~%-100%C}")
    assert q.qtype == g.MULTIPLE
    assert [c["fraction"] for c in q.data["choices"]] == [0.5, 0.5, -1.0]


def test_partial_weight_in_single_choice():
    q = parse_one("P{=A ~%25%B ~C}")
    assert q.qtype == g.SINGLE
    assert [c["fraction"] for c in q.data["choices"]] == [1.0, 0.25, 0.0]


def test_missing_word():
    q = parse_one("Moodle cuesta {~mucho =nada ~poco} a quien lo descarga.")
    assert q.stem == "Moodle cuesta _____ a quien lo descarga."
    assert q.qtype == g.SINGLE


def test_true_false_variants_and_feedback_order():
    assert parse_one("Es cierto.{T}").data["answer"] is True
    assert parse_one("Es cierto.{TRUE}").data["answer"] is True
    assert parse_one("Es falso.{F}").data["answer"] is False
    q = parse_one("Es falso.{FALSE#incorrecto#correcto}")
    # Moodle: first feedback for the wrong answer, second for the right one.
    assert q.data == {"answer": False, "feedback_true": "incorrecto", "feedback_false": "correcto"}


def test_short_answer_with_weights():
    q = parse_one("Sigla{=ECUCERT =%50%CERT#casi}")
    assert q.qtype == g.SHORT
    assert q.data["answers"][1] == {"text": "CERT", "fraction": 0.5, "feedback": "casi"}


def test_numeric_tolerance_range_and_weighted_answers():
    assert parse_one("Año{#1822:5}").data["answers"] == [
        {"value": 1822.0, "tolerance": 5.0, "fraction": 1.0, "feedback": ""}
    ]
    assert parse_one("Rango{#1..5}").data["answers"][0] | {} == {
        "min": 1.0,
        "max": 5.0,
        "fraction": 1.0,
        "feedback": "",
    }
    q = parse_one("Año{#=1822:0#exacto =%50%1822:2#cerca ~#mal}")
    assert [a["fraction"] for a in q.data["answers"]] == [1.0, 0.5]
    assert q.data["answers"][0]["feedback"] == "exacto"
    assert q.data["wrong_feedback"] == "mal"


def test_matching_with_distractor():
    q = parse_one("Relacione{=Canadá -> Ottawa =Italia -> Roma = -> Lima}")
    assert q.qtype == g.MATCHING
    assert [p["left"] for p in q.data["pairs"]] == ["Canadá", "Italia"]
    assert q.data["extra_rights"] == ["Lima"]


def test_escapes():
    q = parse_one(r"Escriba \{ y \} con \~ \= \# \: y barra \\ fin{=a\=b#uno\#dos}")
    assert q.stem == "Escriba { y } con ~ = # : y barra \\ fin"
    assert q.data["answers"][0] == {"text": "a=b", "fraction": 1.0, "feedback": "uno#dos"}


def test_text_formats():
    assert parse_one("[html]<p>Hola</p>{T}").stem_format == formats.FORMAT_HTML
    assert parse_one("[markdown]**Hola**{T}").stem_format == formats.FORMAT_MARKDOWN
    assert parse_one("[plain]Hola{T}").stem_format == formats.FORMAT_PLAIN
    assert parse_one("[moodle]Hola{T}").stem_format == formats.FORMAT_PLAIN


def test_comments_and_categories():
    text = (
        "// comentario\n$CATEGORY: $course$/top/A/B\n\n// otro\n::x::P{T}\n\n$CATEGORY: C\n\nQ{F}\n"
    )
    result = formats.parse_gift(text)
    assert result.errors == []
    assert [q.category for q in result.questions] == ["A/B", "C"]
    assert result.questions[0].line == 5


def test_multiline_question():
    q = parse_one("::t::Pregunta\nen dos líneas{\n=a\n~b\n}")
    assert q.stem == "Pregunta\nen dos líneas"
    assert len(q.data["choices"]) == 2


def test_errors_are_reported_with_line_numbers_and_nothing_guessed():
    text = (
        "Bien{T}\n\n\nEnsayo{}\n\nDescripción sin respuestas\n\nMal {=a\n\n"
        "Número{#abc}\n\nSolo una{~a}\n\nPar{=a -> b}\n"
    )
    result = formats.parse_gift(text)
    assert len(result.questions) == 1
    lines = {e.line: e.message for e in result.errors}
    assert set(lines) == {4, 6, 8, 10, 12, 14}
    assert "ensayo" in lines[4].lower() or "essay" in lines[4].lower()
    assert "4" in str(result.errors[0])


def test_aiken():
    text = "¿Qué es EGSI?\nA. Un esquema de seguridad\nB) Un lenguaje\nANSWER: A\n\nOtra\nA. x\nB. y\nANSWER: B\n"
    result = formats.parse_aiken(text)
    assert result.errors == []
    assert [q.qtype for q in result.questions] == [g.SINGLE, g.SINGLE]
    assert result.questions[0].data["choices"][0]["fraction"] == 1.0
    assert result.questions[1].line == 6


def test_aiken_errors():
    text = "P1\nA. x\nB. y\nANSWER: C\n\nP2\nA. x\nB. y\n\nP3\nA. solo\nANSWER: A\n"
    result = formats.parse_aiken(text)
    assert result.questions == []
    assert [e.line for e in result.errors] == [4, 6, 10]


def test_aiken_names_the_line_of_a_malformed_answer():
    text = "P1\nA. x\nB. y\nANSWER: 1\n\nP2\nA. x\nB. y\nANSWER B\n\nP3\nA. x\nB. y\nANSWER: A\n"
    result = formats.parse_aiken(text)
    assert [e.line for e in result.errors] == [4, 9]
    assert all("ANSWER" in e.message for e in result.errors)
    assert [q.stem for q in result.questions] == ["P3"]


# --- Issue 15: GIFT to Moodle's letter ------------------------------------------------------

MOODLE_FORMATS = """// [id:colores-1]
// [tag:egsi] [tag:iso27001]
// [points:2.5]
::Colores::¿De qué color es el cielo? {
  =[plain]blue#[html]<b>right</b>
  ~[html]<i>yellow</i>#[html]wrong, it's yellow
}

::Match::Empareje {
  =[html]An <em>activity</em> -> actividad
  =Un recurso -> resource
}

::Corto::Capital del Ecuador {=[plain]Quito#[markdown]**bien** =quito*#casi}

::VF::[markdown]La *Tierra* es plana {F#[html]<b>No</b>#Correcto}
"""


def test_per_answer_formats_are_applied_as_moodle_does():
    result = formats.parse_gift(MOODLE_FORMATS)
    assert result.errors == []
    colours, match, short, truefalse = result.questions
    # Mixed formats: every part in HTML, each converted from the format it was written in.
    assert colours.stem_format == "html"
    assert [c["text"] for c in colours.data["choices"]] == ["blue", "<i>yellow</i>"]
    assert [c["feedback"] for c in colours.data["choices"]] == [
        "<b>right</b>",
        "wrong, it's yellow",
    ]
    assert match.stem_format == "html" and match.data["pairs"][0]["left"] == "An <em>activity</em>"
    assert match.data["pairs"][0]["right"] == "actividad"
    # An accepted answer keeps its text, without a format (Moodle), its feedback is HTML.
    assert [a["text"] for a in short.data["answers"]] == ["Quito", "quito*"]
    assert short.data["answers"][0]["feedback"] == "<p><strong>bien</strong></p>"
    assert truefalse.stem == "<p>La <em>Tierra</em> es plana</p>"
    assert (
        truefalse.data["feedback_true"] == "<b>No</b>"
        and truefalse.data["feedback_false"] == "<p>Correcto</p>"  # Markdown, as the stem
    )
    text = formats.write_gift(result.questions)
    assert "[plain]" not in text.replace("::", "") and "#[html]" not in text


def test_tags_ids_and_points_are_read_and_written():
    result = formats.parse_gift(MOODLE_FORMATS)
    colours = result.questions[0]
    assert (colours.tags, colours.idnumber, colours.points) == (
        ["egsi", "iso27001"],
        "colores-1",
        2.5,
    )
    assert result.questions[1].tags == [] and result.questions[1].points == 1.0
    text = formats.write_gift(result.questions)
    assert (
        "// [id:colores-1]\n// [tag:egsi]\n// [tag:iso27001]\n// [points:2.5]\n::Colores::" in text
    )


def test_a_gift_file_with_formats_tags_and_points_round_trips_with_no_difference():
    first = formats.parse_gift(MOODLE_FORMATS).questions
    second = formats.parse_gift(formats.write_gift(first)).questions
    differences = [
        (a.title, name)
        for a, b in zip(first, second, strict=True)
        for name in a.__dataclass_fields__
        if name != "line" and getattr(a, name) != getattr(b, name)
    ]
    assert differences == []


def test_a_comment_block_on_its_own_belongs_to_no_question():
    text = "// [tag:suelta]\n\n::A::Pregunta {T}\n"
    assert formats.parse_gift(text).questions[0].tags == []


# --- Round trip -------------------------------------------------------------------------------

_alphabet = st.sampled_from(list("abcxyzÁéñü019 ¿?.,;()'\"~=#{}:\\/*%[]->_"))
_text = (
    st.text(_alphabet, min_size=1, max_size=20)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: s and not s.startswith(("%", "[", "//", "=", "~", "#", "$")))
    .filter(lambda s: "->" not in s and "_____" not in s and "//" not in s)
)
_feedback = st.one_of(st.just(""), _text)
_percent = st.integers(min_value=-100, max_value=100).map(lambda p: p / 100)
_positive = st.integers(min_value=1, max_value=100).map(lambda p: p / 100)
_number = st.integers(min_value=-10_000, max_value=10_000).map(lambda n: n / 4)


@st.composite
def _choice_question(draw):
    qtype = draw(st.sampled_from([g.SINGLE, g.MULTIPLE]))
    count = draw(st.integers(2, 5))
    texts = [draw(_text) for _ in range(count)]
    if qtype == g.SINGLE:
        fractions = [1.0] + [
            draw(st.integers(0, 99).map(lambda p: p / 100)) for _ in range(count - 1)
        ]
    else:
        fractions = [draw(_positive)] + [draw(_percent) for _ in range(count - 1)]
    choices = [
        {"text": t, "fraction": f, "feedback": draw(_feedback)}
        for t, f in zip(texts, fractions, strict=True)
    ]
    return qtype, {"choices": draw(st.permutations(choices))}


@st.composite
def _other_question(draw):
    qtype = draw(st.sampled_from([g.TRUEFALSE, g.SHORT, g.NUMERIC, g.MATCHING]))
    if qtype == g.TRUEFALSE:
        return qtype, {
            "answer": draw(st.booleans()),
            "feedback_true": draw(_feedback),
            "feedback_false": draw(_feedback),
        }
    if qtype == g.SHORT:
        answers = [
            {"text": draw(_text), "fraction": draw(_positive), "feedback": draw(_feedback)}
            for _ in range(draw(st.integers(1, 3)))
        ]
        return qtype, {"answers": answers}
    if qtype == g.NUMERIC:
        answers = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                low = draw(_number)
                answers.append(
                    {
                        "min": low,
                        "max": low + draw(st.integers(0, 100)),
                        "fraction": draw(_positive),
                        "feedback": draw(_feedback),
                    }
                )
            else:
                answers.append(
                    {
                        "value": draw(_number),
                        "tolerance": draw(st.integers(0, 20)) / 8,
                        "fraction": draw(_positive),
                        "feedback": draw(_feedback),
                    }
                )
        return qtype, {"answers": answers, "wrong_feedback": draw(_feedback)}
    pairs = [{"left": draw(_text), "right": draw(_text)} for _ in range(draw(st.integers(2, 4)))]
    return qtype, {"pairs": pairs, "extra_rights": draw(st.lists(_text, max_size=2))}


@st.composite
def _question(draw):
    qtype, data = draw(st.one_of(_choice_question(), _other_question()))
    stem = draw(_text)
    if qtype in g.CHOICE_TYPES and draw(st.booleans()):
        stem = f"{stem} _____ {draw(_text)}"
    return formats.ParsedQuestion(
        qtype=qtype,
        title=draw(_text),
        stem=stem,
        line=0,
        stem_format=draw(st.sampled_from(formats.TEXT_FORMATS)),
        general_feedback=draw(_feedback),
        data=g.validate_data(qtype, data),
        category=draw(st.sampled_from(["", "Banco", "Banco/EGSI", "Gobierno abierto/Datos"])),
        points=draw(st.sampled_from([1.0, 2.5, 0.5, 10.0, 0.0])),
        tags=draw(
            st.lists(
                st.sampled_from(["egsi", "iso27001", "datos abiertos", "Ñandú"]),
                unique=True,
                max_size=3,
            )
        ),
        idnumber=draw(st.sampled_from(["", "q-1", "EGSI.2024-07"])),
    )


def _comparable(q):
    return (
        q.qtype,
        q.title,
        q.stem,
        q.stem_format,
        q.general_feedback,
        q.data,
        q.category,
        q.points,
        q.tags,
        q.idnumber,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_question(), min_size=1, max_size=6))
def test_gift_export_then_import_gives_the_same_bank(questions):
    text = formats.write_gift(questions)
    result = formats.parse_gift(text)
    assert result.errors == [], text
    assert [_comparable(q) for q in result.questions] == [_comparable(q) for q in questions], text
