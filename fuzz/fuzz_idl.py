"""fuzz_idl.py — atheris (libFuzzer for Python) harness for the IDL parser.

The input, decoded as UTF-8 (other bytes are skipped), is one IDL file:
generator/parser.py parse_text must return its declarations or raise
IdlError, and model.build over that one file must give a model or raise
IdlError. Any other exception (a KeyError, a JSONDecodeError, a
RecursionError, ...) is a bug: atheris reports it and saves the input.

Run (libFuzzer's flags): .venv/bin/python fuzz/fuzz_idl.py [-max_total_time=N] DIR...
`make fuzz` / `make fuzz-check` run it through fuzz/run.sh. The pinned
atheris is in fuzz/requirements.txt.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["generator", "lark"]):
    from generator import model, parser  # noqa: E402
from generator.errors import IdlError  # noqa: E402


def test_one_input(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        decls = parser.parse_text(text, "fuzz.cmdop")
    except IdlError:
        return
    if not isinstance(decls, list):
        raise AssertionError(f"parse_text gave {type(decls).__name__}")
    try:
        model.build([("fuzz.cmdop", text)])
    except IdlError:
        pass


def main():
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
