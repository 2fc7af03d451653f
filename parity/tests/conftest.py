"""Shared helpers for the mutation tests: run the real gate on a copy."""
import io
import os
import shutil
import sys
from contextlib import redirect_stdout

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "parity"))

import check  # noqa: E402


def run_gate(*args):
    """Run parity/check.py in-process; returns (exit code, printed text)."""
    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = check.main(["--surface", os.path.join(ROOT, "gen", "surface.json"),
                         "--exceptions", os.path.join(ROOT, "parity", "exceptions.toml"),
                         *args])
    return rc, buf.getvalue()


@pytest.fixture
def c_headers(tmp_path):
    """A copy of the public C headers (the C surface's built artifact)."""
    rt = tmp_path / "runtime_include"
    gen = tmp_path / "gen_include"
    shutil.copytree(os.path.join(ROOT, "runtime", "include"), rt)
    shutil.copytree(os.path.join(ROOT, "gen", "c", "include"), gen)
    return rt, gen
