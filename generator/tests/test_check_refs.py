"""scripts/check-refs.py: no file of the repo cites a document or ticket that
is not in the repo (run here so `make test-gen`, hence `make test`, enforces it)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check-refs.py")


def run(root):
    return subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True)


def test_the_repo_cites_only_what_it_holds():
    r = run(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def plant(tmp_path, rel, text):
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_planted_citations_fail(tmp_path):
    plant(tmp_path, "docs/ok.md", "# ok\n")
    plant(tmp_path, "runtime/a.c", "/* fixed in (" + "issue 12) */\n")
    plant(tmp_path, "runtime/b.h", "/* as in section 4 of the " + "reference */\n")
    plant(tmp_path, "idl/c.cmdop", "// fields 3-7 are " + "additive\n")
    plant(tmp_path, "mk/d.mk", "# see docs/" + "gone.md and DESIGN" + ".md\n")
    plant(tmp_path, "e.py", "# from /" + "work/shared/notes\n")
    plant(tmp_path, "f.h", "/* x */\n/* measured in the work on " + "issue\n * 8, (section" + " 6) */\n")
    r = run(str(tmp_path))
    assert r.returncode == 1
    out = r.stdout
    for where in ("runtime/a.c:1: ticket number", "runtime/b.h:1: section of an outside",
                  "idl/c.cmdop:1: history marker", "mk/d.mk:1: cites a document not in the repo: 'docs/gone.md'",
                  "mk/d.mk:1: cites a document not in the repo: 'DESIGN.md'",
                  "e.py:1: path on a developer's machine", "f.h:2: ticket number",
                  "f.h:3: section of an unnamed document"):
        assert where in out, out
    assert len(out.splitlines()) == 8, out


def test_existing_documents_and_urls_pass(tmp_path):
    plant(tmp_path, "docs/ok.md", "# ok\n")
    plant(tmp_path, "docs/README.md", "see ok.md, docs/ok.md and ../docs/ok.md\n")
    plant(tmp_path, "scripts/x.sh", 'cat "$ROOT/docs/ok.md"  # https://example.com/DESIGN.md\n')
    r = run(str(tmp_path))
    assert r.returncode == 0, r.stdout
