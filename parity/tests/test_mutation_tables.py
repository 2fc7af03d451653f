"""Table drift: one entry of a generated table (client options, planes, HTTP
status -> error code) changed in a copy of a built artifact, run through the
real extractor and the gate, which must fail naming the entry.

- C: a copy of gen/c/src/op_table.c with one entry changed, compiled and
  linked before the built libcmdop.a into the table dump (parity/c_tables.c),
  so the dump reads the mutated table the way the core would carry it.
- Python: the built package's cmdop/_config.py.
- Node: the built package's dist/esm/gen/config.js.
"""
import os
import subprocess

import pytest

from conftest import ROOT, built, run_gate

BUILD = os.environ.get("PARITY_BUILD", os.path.join(ROOT, "build"))
CFLAGS = ["-std=c11", "-D_DEFAULT_SOURCE", "-D_POSIX_C_SOURCE=200809L", "-O1", "-pthread",
          "-Iruntime/include", "-Igen/c/include", "-Iruntime/src", "-Igen/c/src", "-Igen/c"]


def flags(name, fallback_cmd):
    v = os.environ.get(name)
    if v is None:
        v = subprocess.run(fallback_cmd, shell=True, capture_output=True, text=True).stdout
    return v.split()


PKGS = "libcurl jansson libmicrohttpd libprotobuf-c openssl"


def c_tables(tmp_path, old=None, new=None):
    """The table dump linked against the built libcmdop.a, with `old` replaced by
    `new` in a copy of the generated op_table.c (none: the unmutated tables)."""
    built(os.path.join(BUILD, "libcmdop.a"), "libcmdop.a", "all")
    cflags = flags("PARITY_PKG_CFLAGS", "pkg-config --cflags " + PKGS)
    libs = flags("PARITY_PKG_LIBS", "pkg-config --libs " + PKGS) + ["-lm"]
    objs = []
    if old is not None:
        src = open(os.path.join(ROOT, "gen", "c", "src", "op_table.c")).read()
        assert src.count(old) == 1, "mutation anchor not unique: %r" % old
        (tmp_path / "op_table.c").write_text(src.replace(old, new))
        subprocess.run(["cc", *CFLAGS, *cflags, "-c", "-o", str(tmp_path / "op_table.o"),
                        str(tmp_path / "op_table.c")], cwd=ROOT, check=True)
        # first: the archive's own op_table.o is then never pulled in
        objs.append(str(tmp_path / "op_table.o"))
    prog = tmp_path / "c-tables"
    subprocess.run(["cc", *CFLAGS, *cflags, "-o", str(prog), "parity/c_tables.c", *objs,
                    os.path.join(BUILD, "libcmdop.a"), *libs], cwd=ROOT, check=True)
    return prog


def gate_c(prog):
    return run_gate("--c-include", os.path.join(ROOT, "runtime", "include"),
                    "--c-include", os.path.join(ROOT, "gen", "c", "include"),
                    "--c-tables", str(prog))


def edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, "mutation anchor not unique: %r" % old
    path.write_text(text.replace(old, new))


def test_unmutated_c_tables_pass(tmp_path):
    rc, out = gate_c(c_tables(tmp_path))
    assert rc == 0, out


def test_c_credential_header_changed(tmp_path):
    rc, out = gate_c(c_tables(tmp_path, '.auth_header = "X-Api-Key"', '.auth_header = "X-Api-Token"'))
    assert rc == 1
    assert ('[c] tables: table planes: platform.auth_header is "X-Api-Token", '
            'expected "X-Api-Key"') in out


def test_c_status_code_changed(tmp_path):
    rc, out = gate_c(c_tables(tmp_path, '{ 404, 404, "not_found" }', '{ 404, 404, "conflict" }'))
    assert rc == 1
    assert "[c] tables: table status: 404..404 -> not_found is missing" in out
    assert "[c] tables: table status: 404..404 -> conflict is not in the IDL" in out


def test_c_env_var_changed(tmp_path):
    rc, out = gate_c(c_tables(tmp_path, '{ "CMDOP_BASE_URL", NULL }', '{ "CMDOP_RELAY_URL", NULL }'))
    assert rc == 1
    assert ('[c] tables: table options: base_url.env is ["CMDOP_RELAY_URL"], '
            'expected ["CMDOP_BASE_URL"]') in out
    assert ('[c] tables: table planes: relay.base_url_env is "CMDOP_RELAY_URL", '
            'expected "CMDOP_BASE_URL"') in out


def test_python_env_order_changed(py_pkg):
    edit(py_pkg / "cmdop" / "_config.py", '("CMDOP_TOKEN", "CMDOP_API_KEY")',
         '("CMDOP_API_KEY", "CMDOP_TOKEN")')
    rc, out = run_gate("--python-path", str(py_pkg))
    assert rc == 1
    assert ('[python] tables: table options: token.env is ["CMDOP_API_KEY", "CMDOP_TOKEN"], '
            'expected ["CMDOP_TOKEN", "CMDOP_API_KEY"]') in out


def test_python_default_changed(py_pkg):
    edit(py_pkg / "cmdop" / "_config.py", '"https://api.cmdop.com"', '"https://api.example.com"')
    rc, out = run_gate("--python-path", str(py_pkg))
    assert rc == 1
    assert ('[python] tables: table planes: platform.base_url is "https://api.example.com", '
            'expected "https://api.cmdop.com"') in out


def test_node_status_code_changed(node_pkg):
    path = node_pkg / "dist" / "esm" / "gen" / "config.js"
    edit(path, '[429, 429, "rate_limit"]', '[429, 429, "server"]')
    rc, out = run_gate("--node-pkg", str(node_pkg))
    assert rc == 1
    assert "[node] tables: table status: 429..429 -> rate_limit is missing" in out


@pytest.mark.parametrize("lang", ["python", "node"])
def test_unmutated_client_tables_pass(lang, request):
    pkg = request.getfixturevalue("py_pkg" if lang == "python" else "node_pkg")
    rc, out = run_gate("--python-path" if lang == "python" else "--node-pkg", str(pkg))
    assert rc == 0, out
