"""Grading per question type, including partial-credit edge cases. Pure: no database."""

import pytest

from assessments import grading as g

SINGLE = g.validate_data(
    g.SINGLE,
    {
        "choices": [
            {"text": "A", "fraction": 1, "feedback": "bien"},
            {"text": "B", "fraction": 0.5, "feedback": "casi"},
            {"text": "C", "fraction": 0},
        ]
    },
)
MULTI = g.validate_data(
    g.MULTIPLE,
    {
        "choices": [
            {"text": "A", "fraction": 0.5},
            {"text": "B", "fraction": 0.5},
            {"text": "C", "fraction": -0.5},
            {"text": "D", "fraction": 0},
        ]
    },
)
THIRDS = g.validate_data(
    g.MULTIPLE,
    {
        "choices": [
            {"text": t, "fraction": f}
            for t, f in [("A", 0.3333333), ("B", 0.3333333), ("C", 0.3333334), ("D", -1)]
        ]
    },
)


class TestSingleChoice:
    def test_full_partial_and_wrong(self):
        assert g.grade(g.SINGLE, SINGLE, {"choices": ["c0"]}) == g.Grade(1.0, ("bien",))
        assert g.grade(g.SINGLE, SINGLE, {"choices": ["c1"]}).fraction == 0.5
        assert g.grade(g.SINGLE, SINGLE, {"choices": ["c2"]}).fraction == 0

    def test_no_answer_is_zero(self):
        assert g.grade(g.SINGLE, SINGLE, None).fraction == 0
        assert g.grade(g.SINGLE, SINGLE, {"choices": []}).fraction == 0

    def test_second_choice_is_tampering(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.SINGLE, SINGLE, {"choices": ["c0", "c1"]})

    def test_choice_of_another_question_is_tampering(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.SINGLE, SINGLE, {"choices": ["c9"]})

    def test_single_needs_a_fully_correct_choice_and_no_penalties(self):
        with pytest.raises(g.InvalidData):
            g.validate_data(
                g.SINGLE,
                {"choices": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0}]},
            )
        with pytest.raises(g.InvalidData):
            g.validate_data(
                g.SINGLE,
                {"choices": [{"text": "A", "fraction": 1}, {"text": "B", "fraction": -0.5}]},
            )


class TestMultipleChoice:
    @pytest.mark.parametrize(
        ("chosen", "expected"),
        [
            (["c0", "c1"], 1.0),  # all correct
            (["c0"], 0.5),  # half
            (["c0", "c1", "c3"], 1.0),  # neutral distractor costs nothing
            (["c0", "c1", "c2"], 0.5),  # penalty
            (["c0", "c2"], 0.0),  # penalty cancels credit
            (["c2"], 0.0),  # clamped at zero, never negative
            (["c2", "c3"], 0.0),
            (["c0", "c1", "c2", "c3"], 0.5),  # ticking everything does not pay
            ([], 0.0),
        ],
    )
    def test_partial_credit_with_penalty(self, chosen, expected):
        assert g.grade(g.MULTIPLE, MULTI, {"choices": chosen}).fraction == pytest.approx(expected)

    def test_thirds_sum_to_exactly_one(self):
        assert g.grade(g.MULTIPLE, THIRDS, {"choices": ["c0", "c1", "c2"]}).fraction == 1.0
        assert g.grade(g.MULTIPLE, THIRDS, {"choices": ["c0", "c1", "c2", "c3"]}).fraction == 0.0

    def test_weights_above_one_are_clamped(self):
        data = g.validate_data(
            g.MULTIPLE, {"choices": [{"text": "A", "fraction": 1}, {"text": "B", "fraction": 1}]}
        )
        assert g.grade(g.MULTIPLE, data, {"choices": ["c0", "c1"]}).fraction == 1.0

    def test_feedback_of_each_selected_choice(self):
        data = g.validate_data(
            g.MULTIPLE,
            {
                "choices": [
                    {"text": "A", "fraction": 1, "feedback": "x"},
                    {"text": "B", "fraction": 0, "feedback": "y"},
                ]
            },
        )
        assert g.grade(g.MULTIPLE, data, {"choices": ["c0", "c1"]}).feedback == ("x", "y")

    def test_repeated_choice_is_refused(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.MULTIPLE, MULTI, {"choices": ["c0", "c0"]})

    def test_fractions_outside_range_are_refused(self):
        with pytest.raises(g.InvalidData):
            g.validate_data(
                g.MULTIPLE,
                {"choices": [{"text": "A", "fraction": 2}, {"text": "B", "fraction": 0}]},
            )


class TestTrueFalse:
    DATA = {"answer": False, "feedback_true": "no", "feedback_false": "sí"}

    def test_right_wrong_and_feedback(self):
        assert g.grade(g.TRUEFALSE, self.DATA, {"value": False}) == g.Grade(1.0, ("sí",))
        assert g.grade(g.TRUEFALSE, self.DATA, {"value": True}) == g.Grade(0.0, ("no",))
        assert g.grade(g.TRUEFALSE, self.DATA, None).fraction == 0

    def test_non_boolean_is_refused(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.TRUEFALSE, self.DATA, {"value": "maybe"})


class TestLenientShortAnswer:
    """The rule of questions written before Moodle's (kept by migration 0008)."""

    DATA = g.validate_data(
        g.SHORT,
        {
            "answers": [
                {"text": "Gobierno Electrónico", "fraction": 1},
                {"text": "gobierno*", "fraction": 0.5, "feedback": "incompleto"},
                {"text": "e-gob", "fraction": 0.8},
            ],
            "lenient_matching": True,
        },
    )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Gobierno Electrónico", 1.0),
            ("gobierno electronico", 1.0),  # case and accents
            ("  GOBIERNO   ELECTRÓNICO ", 1.0),  # spacing
            ("Gobierno abierto", 0.5),  # wildcard
            ("gobierno", 0.5),  # wildcard matches the empty run
            ("E-GOB", 0.8),
            ("el gobierno", 0.0),  # wildcard is anchored
            ("", 0.0),
        ],
    )
    def test_accepted_answers(self, text, expected):
        assert g.grade(g.SHORT, self.DATA, {"text": text}).fraction == expected

    def test_best_matching_answer_wins(self):
        assert g.grade(g.SHORT, self.DATA, {"text": "gobierno electrónico"}).fraction == 1.0
        assert g.grade(g.SHORT, self.DATA, {"text": "gobierno x"}).feedback == ("incompleto",)

    def test_regex_characters_are_literal(self):
        data = g.validate_data(g.SHORT, {"answers": [{"text": "a.b(c)", "fraction": 1}]})
        assert g.grade(g.SHORT, data, {"text": "a.b(c)"}).fraction == 1
        assert g.grade(g.SHORT, data, {"text": "axb(c)"}).fraction == 0

    def test_long_text_is_refused(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.SHORT, self.DATA, {"text": "x" * 501})


class TestShortAnswerAsMoodle:
    """qtype_shortanswer: exact after trimming, case aside unless asked, `*` wildcard, `\\*`
    literal, the first matching answer in order."""

    DATA = g.validate_data(
        g.SHORT,
        {
            "answers": [
                {"text": "gobierno*", "fraction": 0.5, "feedback": "incompleto"},
                {"text": "Gobierno Electrónico", "fraction": 1},
                {"text": "5\\*3", "fraction": 1, "feedback": "literal"},
            ]
        },
    )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Gobierno abierto", 0.5),
            ("Gobierno Electrónico", 0.5),  # the first match in order, not the best
            ("  gobierno  ", 0.5),  # trimmed
            ("el gobierno", 0.0),
            ("Gobierno Electronico", 0.5),  # the wildcard still takes it
            ("5*3", 1.0),
            ("5x3", 0.0),  # an escaped asterisk is literal
            ("", 0.0),
        ],
    )
    def test_accepted_answers(self, text, expected):
        assert g.grade(g.SHORT, self.DATA, {"text": text}).fraction == expected

    def test_accents_and_spaces_count_and_case_is_optional(self):
        data = g.validate_data(
            g.SHORT, {"answers": [{"text": "Gobierno Electrónico", "fraction": 1}]}
        )
        grade = lambda text, d=data: g.grade(g.SHORT, d, {"text": text}).fraction  # noqa: E731
        assert grade("gobierno electrónico") == 1
        assert grade("gobierno electronico") == 0  # accents count
        assert grade("Gobierno  Electrónico") == 0  # so do repeated spaces
        assert grade("Gobierno Electro\u0301nico") == 1  # a decomposed accent is the same text
        exact = g.validate_data(g.SHORT, {**data, "case_sensitive": True})
        assert grade("gobierno electrónico", exact) == 0
        assert grade("Gobierno Electrónico", exact) == 1

    def test_the_option_survives_validation(self):
        data = g.validate_data(g.SHORT, {**self.DATA, "lenient_matching": True})
        assert data["lenient_matching"] is True
        assert "lenient_matching" not in g.validate_data(g.SHORT, self.DATA)


class TestNumeric:
    DATA = g.validate_data(
        g.NUMERIC,
        {
            "answers": [
                {"value": 3.14, "tolerance": 0.01, "fraction": 1, "feedback": "exacto"},
                {"min": 3, "max": 3.5, "fraction": 0.5},
                {"value": 22 / 7, "tolerance": 0, "fraction": 0.25},
            ],
            "wrong_feedback": "revise",
        },
    )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3.14", 1.0),
            ("3,14", 1.0),  # decimal comma
            ("3.15", 1.0),  # edge of tolerance
            ("3.13", 1.0),
            ("3.151", 0.5),  # outside tolerance, inside range
            ("3", 0.5),  # range bounds included
            ("3.5", 0.5),
            ("3.51", 0.0),
            ("-3.14", 0.0),
            ("tres", 0.0),
            ("", 0.0),
        ],
    )
    def test_tolerance_and_ranges(self, text, expected):
        assert g.grade(g.NUMERIC, self.DATA, {"text": text}).fraction == expected

    def test_floating_point_noise_is_absorbed(self):
        data = g.validate_data(
            g.NUMERIC, {"answers": [{"value": 0.3, "tolerance": 0, "fraction": 1}]}
        )
        assert g.grade(g.NUMERIC, data, {"text": repr(0.1 + 0.2)}).fraction == 1

    def test_feedback(self):
        assert g.grade(g.NUMERIC, self.DATA, {"text": "3.14"}).feedback == ("exacto",)
        assert g.grade(g.NUMERIC, self.DATA, {"text": "99"}).feedback == ("revise",)

    def test_reversed_range_is_invalid(self):
        with pytest.raises(g.InvalidData):
            g.validate_data(g.NUMERIC, {"answers": [{"min": 5, "max": 1, "fraction": 1}]})


class TestMatching:
    DATA = g.validate_data(
        g.MATCHING,
        {
            "pairs": [
                {"left": "C", "right": "secreto"},
                {"left": "I", "right": "inalterado"},
                {"left": "D", "right": "accesible"},
                {"left": "D2", "right": "accesible"},  # two lefts may share a right
            ],
            "extra_rights": ["público"],
        },
    )

    def rights(self):
        return g.matching_rights(self.DATA)

    def test_options_are_the_distinct_rights(self):
        assert self.rights() == ["secreto", "inalterado", "accesible", "público"]

    def test_per_pair_partial_credit(self):
        ok = g.correct_response(g.MATCHING, self.DATA)
        assert g.grade(g.MATCHING, self.DATA, ok).fraction == 1
        half = {"pairs": {"p0": "0", "p1": "1", "p2": "3", "p3": "3"}}
        assert g.grade(g.MATCHING, self.DATA, half).fraction == 0.5
        assert g.grade(g.MATCHING, self.DATA, {"pairs": {"p2": "2"}}).fraction == 0.25
        assert g.grade(g.MATCHING, self.DATA, None).fraction == 0

    def test_unknown_pair_or_option_is_refused(self):
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.MATCHING, self.DATA, {"pairs": {"p9": "0"}})
        with pytest.raises(g.InvalidResponse):
            g.clean_response(g.MATCHING, self.DATA, {"pairs": {"p0": "9"}})
        assert g.clean_response(g.MATCHING, self.DATA, {"pairs": {"p0": ""}}) is None

    def test_needs_two_pairs(self):
        with pytest.raises(g.InvalidData):
            g.validate_data(g.MATCHING, {"pairs": [{"left": "a", "right": "b"}]})


@pytest.mark.parametrize("qtype", g.TYPES)
def test_correct_response_earns_full_credit_for_every_type(qtype):
    from tests.assessments.factories import SAMPLE_DATA

    data = g.validate_data(qtype, SAMPLE_DATA[qtype])
    response = g.clean_response(qtype, data, g.correct_response(qtype, data))
    assert g.grade(qtype, data, response).fraction == 1.0


def test_response_keys_summarise_for_statistics():
    assert g.response_key(g.MULTIPLE, {"choices": ["c0", "c2"]}) == "|c0|c2|"
    assert g.response_key(g.TRUEFALSE, {"value": False}) == "|false|"
    assert g.response_key(g.SHORT, {"text": " Ecuación "}) == "ecuacion"
    assert g.response_key(g.SINGLE, None) == ""
