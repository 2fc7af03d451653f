"""The client surfaces are placed inside the clients' source trees
(render.PLACES), so every relative import there resolves where the file
stands: the generated modules' imports of the hand-written shim and the
shim's imports of the generated modules. make test-python / test-node check
the same with mypy --strict and tsc --strict; this test names the broken
import without a type checker. It also covers write_all's rules for a folder
shared with hand-written files."""
import ast
import os
import re

import pytest

from generator.model import load_dir
from generator.render import MANIFEST, place, render_all, write_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY_PKG = "clients/python/src/cmdop/"
NODE_SRC = "clients/node/src/"
TS_IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}/[^"]+)\"""")


@pytest.fixture(scope="module")
def placed():
    return {place(rel): text for rel, text in render_all(load_dir(os.path.join(ROOT, "idl"))).items()}


def exists(rel, placed):
    return rel in placed or os.path.isfile(os.path.join(ROOT, rel))


def py_targets(rel, text):
    """The repo paths a module's relative imports need (a module or a package)."""
    pkg = os.path.dirname(rel)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = pkg
            for _ in range(node.level - 1):
                base = os.path.dirname(base)
            if node.module:
                yield node, [os.path.join(base, *node.module.split("."))]
            else:  # `from . import types`: each name is a submodule here
                for alias in node.names:
                    yield node, [os.path.join(base, alias.name)]


def py_resolves(target, placed):
    return exists(target + ".py", placed) or exists(target + "/__init__.py", placed)


def ts_targets(rel, text):
    for m in TS_IMPORT.finditer(text):
        spec = m.group(1)
        assert spec.endswith(".js"), f"{rel}: import {spec!r} without the .js NodeNext needs"
        yield spec, os.path.normpath(os.path.join(os.path.dirname(rel), spec[:-3] + ".ts"))


def hand_files(folder, ext, placed):
    for base, dirs, names in os.walk(os.path.join(ROOT, folder)):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", "gen")]
        for n in names:
            rel = os.path.relpath(os.path.join(base, n), ROOT).replace(os.sep, "/")
            if n.endswith(ext) and rel not in placed:
                yield rel


def test_surfaces_live_in_the_client_source_trees(placed):
    assert "clients/python/src/cmdop/_resources.py" in placed
    assert "clients/python/src/cmdop/core/v1/envelope_pb2.py" in placed
    assert "clients/node/src/gen/resources.ts" in placed
    assert "gen/surface.json" in placed and "gen/c/src/op_table.c" in placed
    assert not [p for p in placed if p.startswith(("gen/python/", "gen/node/"))]


def test_python_imports_resolve_in_the_source_tree(placed):
    broken = []
    files = [(p, t) for p, t in placed.items() if p.startswith(PY_PKG) and p.endswith(".py")]
    files += [(p, open(os.path.join(ROOT, p), encoding="utf-8").read())
              for p in hand_files(PY_PKG, ".py", placed)]
    assert PY_PKG + "_core.py" in dict(files)  # the shim's imports are checked too
    for rel, text in files:
        for node, targets in py_targets(rel, text):
            broken += [f"{rel}:{node.lineno}: {t}" for t in targets if not py_resolves(t, placed)]
    assert not broken, broken


def test_node_imports_resolve_in_the_source_tree(placed):
    broken, seen = [], 0
    files = [(p, t) for p, t in placed.items() if p.startswith(NODE_SRC) and p.endswith(".ts")]
    files += [(p, open(os.path.join(ROOT, p), encoding="utf-8").read())
              for p in hand_files(NODE_SRC, ".ts", placed)]
    assert NODE_SRC + "core.ts" in dict(files)
    for rel, text in files:
        for spec, target in ts_targets(rel, text):
            seen += 1
            # src/gen/proto/* is buf's output (make gen, committed): found on disk.
            if not exists(target, placed):
                broken.append(f"{rel}: {spec}")
    assert seen > 20 and not broken, broken


def test_the_checks_see_a_broken_import(placed):
    """The resolvers fail on a missing file (so an empty result means something)."""
    _, targets = next(py_targets(PY_PKG + "x.py", "from ._nowhere import y\n"))
    assert not py_resolves(targets[0], placed)
    assert py_resolves(PY_PKG + "_core", placed) and py_resolves(PY_PKG + "core/v1", placed)
    [(_, target)] = ts_targets(NODE_SRC + "gen/x.ts", 'import { Call } from "../nowhere.js";\n')
    assert not exists(target, placed) and exists(NODE_SRC + "call.ts", placed)


def test_write_all_keeps_hand_files_and_removes_stale_generated(tmp_path):
    shim = tmp_path / "clients/python/src/cmdop/_core.py"
    shim.parent.mkdir(parents=True)
    shim.write_text("# hand-written\n")
    files = {"python/cmdop/types.py": "T\n", "python/cmdop/old.py": "O\n",
             "python/cmdop/core/v1/a_pb2.py": "A\n", "node/src/index.ts": "I\n", "surface.json": "{}\n"}
    write_all(files, str(tmp_path))
    assert (tmp_path / "clients/python/src/cmdop/types.py").read_text() == "T\n"
    assert (tmp_path / "clients/node/src/gen/index.ts").read_text() == "I\n"
    assert (tmp_path / "gen/surface.json").exists()
    assert "clients/python/src/cmdop/old.py\n" in (tmp_path / MANIFEST).read_text()
    buf = tmp_path / "clients/node/src/gen/proto/x_pb.ts"  # buf's, not the generator's
    buf.parent.mkdir(parents=True)
    buf.write_text("B\n")
    del files["python/cmdop/old.py"], files["python/cmdop/core/v1/a_pb2.py"]
    changed = write_all(files, str(tmp_path))
    assert "clients/python/src/cmdop/old.py (removed)" in changed
    assert "clients/python/src/cmdop/core/v1/a_pb2.py (removed)" in changed
    assert shim.read_text() == "# hand-written\n" and buf.exists()
    assert write_all(files, str(tmp_path)) == []  # a second run changes nothing


def test_write_all_never_overwrites_a_hand_written_file(tmp_path):
    shim = tmp_path / "clients/python/src/cmdop/_core.py"
    shim.parent.mkdir(parents=True)
    shim.write_text("# hand-written\n")
    with pytest.raises(RuntimeError, match="_core.py: exists and is not in"):
        write_all({"python/cmdop/_core.py": "generated\n", "python/cmdop/types.py": "T\n"},
                  str(tmp_path))
    assert shim.read_text() == "# hand-written\n"
    assert not (tmp_path / "clients/python/src/cmdop/types.py").exists()  # nothing written
