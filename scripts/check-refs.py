#!/usr/bin/env python3
"""Fail when a file of the repo cites something a reader of the repo cannot open.

Usage: scripts/check-refs.py [ROOT]     (ROOT defaults to this checkout)

Comments and docs say why and point only at what is in the repo, so every
rule stays readable from a clone. One line per finding, `path:line: message`,
exit status 1 when there is any. Checked, in every text file git tracks or
would track (gen/ included: its text comes from generator/templates and idl/):

- a ticket number ("issue 7", "(issue 7)");
- a section of an outside document ("section 1 of the reference",
  "reference, section 4", "(section 6)", "as the reference's", "report 07",
  a section sign);
- a history marker ("additive");
- a path on a developer's machine (under /work/);
- a Markdown document (`name.md`, `dir/name.md`) or a `docs/...` path that
  does not exist: paths resolve against ROOT or the citing file's folder; a
  bare `name.md` must be the name of some file in the repo. URLs are skipped,
  and `$VAR/` before a path stands for ROOT.
Fuzz corpora are inputs, not text, and are not read; neither are this script
and its test, which must spell out what they look for.
"""
import os
import re
import subprocess
import sys

SKIP_DIRS = ("fuzz/corpus/",)
SELF = {"scripts/check-refs.py", "generator/tests/test_check_refs.py"}
# File names that are data of the skills API (a skill package's file), not
# documents of this repo.
DATA_NAMES = {"skill.md"}
SKIP_WALK = {".git", "build", "dist", ".venv", "node_modules", "__pycache__", ".build"}

# Between words: blanks, line breaks and comment leaders, so that a citation
# wrapped over two comment lines is still one.
_ = r"(?:\s|//|/\*|\*|#|--|;)+"
RULES = [
    (re.compile(rf"\bissues?{_}#?\d+\b|\bissues?#\d+\b", re.I), "ticket number"),
    (re.compile(rf"\breference\b[\s,:(]{{0,4}}(?:{_})?(?:section|sec\.|\u00a7){_}?\d", re.I),
     "section of an outside document"),
    (re.compile(rf"\bsections?{_}\d+(?:\.\d+)*{_}of{_}the{_}reference\b", re.I),
     "section of an outside document"),
    (re.compile(rf"\(section{_}\d", re.I), "section of an unnamed document"),
    (re.compile(rf"\bthe{_}reference's\b|\(reference:|\bas{_}(?:in{_})?the{_}reference\b", re.I),
     "an outside reference"),
    (re.compile(rf"\breport{_}\d+\b", re.I), "outside report"),
    (re.compile("\u00a7"), "section sign (a section of an outside document)"),
    (re.compile(r"\badditive\b", re.I), "history marker"),
    (re.compile(r"(?<![\w.}$)\-])/work/"), "path on a developer's machine"),
]
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)
VAR_PREFIX = re.compile(r"\$(?:\{\w+\}|\(\w+\)|\w+)/")
MD_PATH = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)?(?:[\w.-]+/)*[\w-][\w.-]*\.md)\b")
DOCS_PATH = re.compile(r"(?<![\w/.-])(docs/[\w./-]*[\w-])")


def repo_files(root):
    """Paths (relative, '/'-separated) of the files git tracks or would track."""
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout
        names = [n for n in out.decode().split("\0") if n]
        return sorted(n for n in set(names) if os.path.isfile(os.path.join(root, n)))
    except (OSError, subprocess.CalledProcessError):
        found = []
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if x not in SKIP_WALK]
            found += [os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/") for f in files]
        return sorted(found)


def text_of(path):
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def missing_doc(root, rel, cited, basenames):
    if "/" not in cited:
        return cited not in basenames and cited.lower() not in DATA_NAMES
    here = os.path.dirname(os.path.join(root, rel))
    return not any(os.path.exists(os.path.normpath(os.path.join(base, cited)))
                   for base in (root, here))


def check(root):
    files = repo_files(root)
    basenames = {os.path.basename(f) for f in files}
    findings = []
    for rel in files:
        if rel.startswith(SKIP_DIRS) or rel in SELF:
            continue
        text = text_of(os.path.join(root, rel))
        if text is None:
            continue
        for rx, what in RULES:
            for m in rx.finditer(text):
                n = text.count("\n", 0, m.start()) + 1
                findings.append(f"{rel}:{n}: {what}: {' '.join(m.group(0).split())!r}")
        for n, line in enumerate(text.splitlines(), 1):
            bare = VAR_PREFIX.sub("", URL.sub(" ", line))
            cited = dict.fromkeys(m.group(1) for rx in (MD_PATH, DOCS_PATH) for m in rx.finditer(bare))
            for c in cited:
                if missing_doc(root, rel, c, basenames):
                    findings.append(f"{rel}:{n}: cites a document not in the repo: {c!r}")
    return sorted(set(findings), key=lambda f: (f.split(':')[0], int(f.split(':')[1]), f))


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    findings = check(root)
    for f in findings:
        print(f)
    if findings:
        print(f"check-refs: {len(findings)} citation(s) of things not in the repo "
              "(say why in the comment, or bring the text into docs/)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
