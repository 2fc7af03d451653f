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


def built(path, what, make_target):
    """A built artifact the mutation tests copy; missing = a failure, not a
    skip, once the client is in the tree (the gate must cover it)."""
    if not os.path.exists(path):
        pytest.fail("%s is not built (%s): run `make %s`" % (what, path, make_target))
    return path


@pytest.fixture
def py_pkg(tmp_path):
    """A copy of the Python package's source tree (clients/python/src)."""
    src = os.environ.get("PARITY_PY_PKG") or os.path.join(ROOT, "clients", "python", "src")
    built(os.path.join(src, "cmdop", "_resources.py"), "the Python package", "gen")
    dst = tmp_path / "pysrc"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


@pytest.fixture
def node_pkg(tmp_path):
    """A copy of the built Node package (package.json + dist/); its
    node_modules is linked, not copied (the extractor only reads it)."""
    src = os.path.join(ROOT, "clients", "node")
    built(os.path.join(src, "dist", "esm", "index.d.ts"), "the Node package", "node-build")
    dst = tmp_path / "node"
    dst.mkdir()
    shutil.copy(os.path.join(src, "package.json"), dst / "package.json")
    shutil.copytree(os.path.join(src, "dist"), dst / "dist")
    os.symlink(os.path.join(src, "node_modules"), dst / "node_modules")
    return dst
