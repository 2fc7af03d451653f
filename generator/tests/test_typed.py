"""The generator itself type-checks under mypy --strict (generator/ir.py is the
typed model every target reads; views derive their own objects from it)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_generator_is_mypy_strict_clean(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / ".mypy"), "--exclude", "generator/tests", "generator"],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_model_is_frozen_and_round_trips():
    import dataclasses

    import pytest

    from generator.ir import Model, freeze, to_json
    from generator.model import load_dir
    m = load_dir(os.path.join(ROOT, "idl"))
    op = m.namespaces[0].ops[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        op.name = "x"  # type: ignore[misc]
    assert isinstance(op.params, tuple)
    assert freeze(Model, to_json(m)) == m
