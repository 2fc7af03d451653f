"""String literals the IDL grammar's token admits but JSON does not (found
by fuzz/fuzz_idl.py; regression inputs in fuzz/corpus/idl/regress-*): each is
an IdlError at the string, never a JSONDecodeError or a file the generator
cannot write."""
import pytest

from generator.errors import IdlError
from generator.parser import parse_text


@pytest.mark.parametrize("literal, message", [
    (r'"\q"', "Invalid \\escape"),
    ('"a\tb"', "Invalid control character"),
    (r'"\ud800"', "lone surrogate"),
    (r'"\u12"', "Invalid \\uXXXX escape"),
])
def test_bad_string_literal_is_an_idl_error(literal, message):
    with pytest.raises(IdlError) as info:
        parse_text('plane x {\n  doc ' + literal + '\n}\n', "f.cmdop")
    e = info.value
    assert (e.file, e.line, e.col) == ("f.cmdop", 2, 7)
    assert e.message.startswith("bad string literal") and message in e.message


def test_good_escapes_still_decode():
    decls = parse_text(r'plane x { doc "tab\t quote\" \ud83d\ude00 \u00e9" }', "f.cmdop")
    assert decls[0]["doc"] == 'tab\t quote" \U0001F600 \u00e9'
