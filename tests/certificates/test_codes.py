from hypothesis import given
from hypothesis import strategies as st

from certificates.codes import ALPHABET, generate_code, normalise_code


def test_codes_use_an_unambiguous_alphabet_in_groups():
    codes = {generate_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 12 and code[4] == "-" and code[9] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)


def test_typed_codes_are_normalised():
    code = generate_code()
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code(f"  {code.replace('-', '')}  ") == code


@given(st.text(max_size=60))
def test_garbled_input_never_normalises_to_something_else(text):
    result = normalise_code(text)
    assert result is None or (len(result) == 12 and set(result.replace("-", "")) <= set(ALPHABET))


def test_ambiguous_characters_are_rejected():
    assert normalise_code("ABCD-EFGH-0O") is None
    assert normalise_code("ABCD-EFGH-1I") is None
    assert normalise_code("") is None
    assert normalise_code("x" * 100) is None
