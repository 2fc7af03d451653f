"""Wire drift: a copy of the core's op table with one wire field renamed
(machines.messages sends `max` instead of `limit`), compiled into a C
conformance runner and into a cmdop-core for the Python client. The
scenario's pinned traffic must catch it in both languages; the unmutated
build passes the same scenario. Surface parity cannot see this drift (every
signature is unchanged): only the recorded wire traffic can."""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, built

sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import run as conformance  # noqa: E402

SCENARIO = ("machines: list to the end (cursor), get, update, info, spend, messages, "
            "active session, disable")
BUILD = os.environ.get("PARITY_BUILD", os.path.join(ROOT, "build"))


def flags(name, fallback_cmd):
    v = os.environ.get(name)
    if v is None:
        v = subprocess.run(fallback_cmd, shell=True, capture_output=True, text=True).stdout
    return v.split()


CFLAGS = ["-std=c11", "-D_DEFAULT_SOURCE", "-D_POSIX_C_SOURCE=200809L", "-O1", "-pthread",
          "-Iruntime/include", "-Igen/c/include", "-Iruntime/src", "-Igen/c/src", "-Igen/c",
          "-Itests/conformance/c", "-Irelay"]


@pytest.fixture(scope="module")
def mutated(tmp_path_factory):
    for f in ("libcmdop.a", "libcmdop-core.a", "librelay.a", "cmdop-core",
              "conformance/dispatch.c"):
        built(os.path.join(BUILD, f), f, "conformance")
    tmp = tmp_path_factory.mktemp("wire")
    pkg_cflags = flags("PARITY_PKG_CFLAGS", "pkg-config --cflags libcurl jansson libmicrohttpd "
                       "libprotobuf-c openssl")
    libs = flags("PARITY_PKG_LIBS", "pkg-config --libs libcurl jansson libmicrohttpd "
                 "libprotobuf-c openssl") + ["-lm"]
    src = open(os.path.join(ROOT, "gen", "c", "src", "op_table.c")).read()
    m = re.search(r"static const cmdop__param_desc machines_messages_params\[\] = \{.*?\n\};",
                  src, re.S)
    block = m.group(0)
    assert '.wire_name = "limit"' in block
    src = src[:m.start()] + block.replace('.wire_name = "limit"', '.wire_name = "max"') + src[m.end():]
    (tmp / "op_table.c").write_text(src)

    def cc(*args):
        subprocess.run(["cc", *CFLAGS, *pkg_cflags, *args], cwd=ROOT, check=True)

    # The mutated object comes first: the archive's own op_table.o is then
    # never pulled in (every symbol it defines is already defined).
    cc("-c", "-o", str(tmp / "op_table.o"), str(tmp / "op_table.c"))
    cc("-o", str(tmp / "conformance-c"), "tests/conformance/c/runner.c",
       os.path.join(BUILD, "conformance", "dispatch.c"), str(tmp / "op_table.o"),
       os.path.join(BUILD, "libcmdop.a"), *libs)
    cc("-o", str(tmp / "cmdop-core"), "runtime/cli/main.c", "runtime/cli/versions.c",
       str(tmp / "op_table.o"),
       os.path.join(BUILD, "librelay.a"), os.path.join(BUILD, "libcmdop-core.a"),
       os.path.join(BUILD, "libcmdop.a"), *libs)
    return tmp


def run_scenario(capsys, runner):
    rc = conformance.main(["--core", os.path.join(BUILD, "cmdop-core"), "--only", SCENARIO,
                           "--runner", runner])
    return rc, capsys.readouterr().out


def test_unmutated_c_passes(capsys):
    rc, out = run_scenario(capsys, "c=" + os.path.join(BUILD, "conformance", "conformance-c"))
    assert rc == 0, out


def test_wire_field_renamed_c(mutated, capsys):
    rc, out = run_scenario(capsys, "c=" + str(mutated / "conformance-c"))
    assert rc == 1
    assert "traffic[9].query.limit: missing (expected \"10\")" in out
    assert "traffic[9].query.max: unexpected \"10\"" in out


def test_wire_field_renamed_python(mutated, capsys):
    pkg = os.environ.get("PARITY_PY_PKG") or os.path.join(ROOT, "clients", "python", "src")
    built(os.path.join(pkg, "cmdop"), "the Python package", "gen")
    runner = ("python=env PYTHONPATH=%s CMDOP_CORE_BINARY=%s %s tests/conformance/python/runner.py"
              % (pkg, mutated / "cmdop-core", sys.executable))
    rc, out = run_scenario(capsys, runner)
    assert rc == 1
    assert "[python] traffic[9].query.max: unexpected \"10\"" in out
