"""The pagination helpers and collect() of the generated Python and Node
clients only ask the core (docs/stdio.md "Pages", "Collect"): no stop rule and
no collect rule is rendered into them, so the one copy is the C pager's and
cmdop_ask_stream_collect's (pytest)."""
import os
import re

import pytest

from generator.model import load_dir
from generator.render import render_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# what a client-side pager or collect would have to read
RULES = ("next_cursor", "nextCursor", "has_more", "hasMore", "has_next", "hasNext",
         "next_page", "nextPage", ".total", "number += 1", "n++", "delta", "payload")


@pytest.fixture(scope="module")
def files():
    return render_all(load_dir(os.path.join(ROOT, "idl")))


def _bodies(src, pattern, end):
    """The functions (header + body) whose header line matches `pattern`; a
    body ends before the first line matching `end`."""
    out, cur = [], None
    for line in src.splitlines():
        if cur is not None and re.match(end, line):
            cur = None
        if re.match(pattern, line):
            cur = [line]
            out.append(cur)
        elif cur is not None:
            cur.append(line)
    return ["\n".join(b) for b in out]


def test_python_helpers_only_ask_the_core(files):
    src = files["python/cmdop/_resources.py"]
    helpers = _bodies(src, r"    async def (iter|pages)\w*\(", r"^ {0,4}\S")
    assert len(helpers) >= 20
    for body in helpers:
        for rule in RULES:
            assert rule not in body, (rule, body)
    pages = [b for b in helpers if re.match(r"    async def pages", b)]
    assert pages and all("self._c.pages(env)" in b and "pages.close()" in b for b in pages)


def test_node_helpers_only_ask_the_core(files):
    src = files["node/src/resources.ts"]
    helpers = _bodies(src, r"  async \*(iter|pages)\w*\(", r"^  \}$")
    assert len(helpers) >= 20
    for body in helpers:
        for rule in RULES:
            assert rule not in body, (rule, body)
    pages = [b for b in helpers if re.match(r"  async \*pages", b)]
    assert pages and all("this.t.pages(" in b for b in pages)


def test_collect_asks_the_core(files):
    node = files["node/src/resources.ts"]
    m = re.search(r"  async collect\(\): Promise<string> \{\n(.*?)\n  \}\n", node, re.S)
    assert m and "Kind.COLLECT" in m.group(1)
    for rule in ("delta", "payload.delta", "text +="):
        assert rule not in m.group(1)
    # Python's collect() is the shim's (_core.py), which sends COLLECT
    assert "def collect" not in files["python/cmdop/_resources.py"]
