"""No hand-written copy of the IDL's tables: the client options' env vars, the
planes' default base URLs and credential headers, and the HTTP status -> error
code map live in idl/common.cmdop and reach the code only through the
generated tables (gen/c/src/op_table.c + planes.h, clients/python/src/cmdop/_config.py,
clients/node/src/gen/config.ts). This test reads the hand-written code and fails on a
literal copy in code: an env-var name, a default URL, a credential header or
scheme in a string literal, or an IDL status number compared with a status.
Comments and docstrings are prose and are not checked.

A hit that must stay goes in ALLOWED with the reason; an entry that no longer
matches fails too, so the list cannot go stale."""
import ast
import os
import re

from generator.model import load_dir

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The code of the core and the two clients. The clients' source trees also
# hold generated files (gen/client-files.txt, and buf's under src/gen), which
# are skipped: they are the generated tables.
TREES = ("runtime/src", "runtime/include", "runtime/cli", "clients/python/src", "clients/node/src")


def generated():
    with open(os.path.join(ROOT, "gen", "client-files.txt"), encoding="utf-8") as f:
        return set(f.read().split())

# (path, fact) -> why the literal stays. Reviewed; keep each reason specific.
ALLOWED = {
    ("runtime/src/debug_log.c", "Bearer"):
        "log redaction masks any 'Bearer <token>' text a log line carries (a server may "
        "echo one), whichever plane sent it: a redaction rule, not the credential table",
    # The bot engine speaks the chat platforms' own APIs (docs/bots.md), not a cmdop
    # plane: their rate-limit status and auth headers are those platforms' wire facts.
    ("runtime/src/bot_telegram.c", "429"):
        "Telegram Bot API's rate-limit answer (retry_after in its body), not a cmdop status rule",
    ("runtime/src/bot_discord.c", "429"):
        "Discord REST's rate-limit answer (per-bucket X-RateLimit headers), not a cmdop status rule",
    ("runtime/src/bot_slack.c", "429"):
        "Slack Web API's rate-limit answer (Retry-After), not a cmdop status rule",
    ("runtime/src/bot_discord.c", "Authorization"):
        "Discord's 'Authorization: Bot <token>' header for the chat platform, not a cmdop plane",
    ("runtime/src/bot_slack.c", "Authorization"):
        "Slack's 'Authorization: Bearer <bot or app token>' header for the chat platform, not a cmdop plane",
    ("runtime/src/bot_slack.c", "Bearer"):
        "Slack's bearer scheme for its own bot/app tokens, not the relay plane's credential",
}


def idl_facts():
    m = load_dir(os.path.join(ROOT, "idl"))
    strings = set()
    for o in m["client"]:
        strings.update(o["env"])
        if isinstance(o["default"], str):
            strings.add(o["default"])
    for p in m["planes"]:
        strings.update([*p.auth.env, p.auth.header, p.base_url_env])
        if p["base_url"]:
            strings.add(p["base_url"])
        if p["auth"]["scheme"] == "bearer":
            strings.add("Bearer")
    statuses = {n for e in m["errors"] for lo, hi in e["statuses"] for n in (lo, hi)}
    statuses |= {p["validation_status"] for p in m["planes"]}
    return strings, statuses


def c_like_code(text):
    """(code without comments, [string literals]) of C or TypeScript source."""
    code, lits, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            code.append(" ")
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            lits.append(text[i + 1:j])
            code.append('""')
            i = j + 1
        else:
            code.append(c)
            i += 1
    return "".join(code), lits


def py_code(text):
    """(code without comments and docstrings, [string literals]) of Python source."""
    tree = ast.parse(text)
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            docs.add(id(body[0].value))
    lits = [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]
    code = "\n".join(line.split("#")[0] for line in text.splitlines())
    return code, lits


STATUS_CMP = re.compile(r"status\w*\s*(?:==|!=|<=|>=|<|>)\s*(\d{3})\b|"
                        r"\b(\d{3})\s*(?:==|!=|<=|>=|<|>)\s*[\w.>-]*status|\bcase\s+(\d{3})\s*:")


def hits():
    strings, statuses = idl_facts()
    words = {s: re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(s)) for s in strings}
    out, skip = set(), generated()
    for tree in TREES:
        for root, _, names in os.walk(os.path.join(ROOT, tree)):
            for name in sorted(names):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
                if rel in skip or rel.startswith("clients/node/src/gen/"):
                    continue
                if name.endswith((".c", ".h", ".ts", ".mjs", ".js")):
                    code, lits = c_like_code(open(path, encoding="utf-8").read())
                elif name.endswith(".py"):
                    code, lits = py_code(open(path, encoding="utf-8").read())
                else:
                    continue
                for lit in lits:
                    for s, rx in words.items():
                        if rx.search(lit):
                            out.add((rel, s))
                for m in STATUS_CMP.finditer(code):
                    num = int(next(g for g in m.groups() if g))
                    if num in statuses:
                        out.add((rel, str(num)))
    return out


def test_no_hand_written_table_copies():
    found = hits()
    new = sorted(found - set(ALLOWED))
    stale = sorted(set(ALLOWED) - found)
    assert not new, ("hand-written copies of IDL table facts (use the generated tables: "
                     "cmdop__options/cmdop__planes/cmdop__status_rules in C, OPTIONS/PLANES/"
                     "STATUS_CODES in Python and Node), or add a reviewed ALLOWED entry: %s" % new)
    assert not stale, "ALLOWED entries that no longer match anything (remove them): %s" % stale


def test_the_check_sees_a_copy(tmp_path):
    """The scanners catch what they are for (so an empty result means something)."""
    code, lits = c_like_code('/* CMDOP_TOKEN */ x = getenv("CMDOP_TOKEN"); if (r->status == 429) {}')
    assert lits == ["CMDOP_TOKEN"] and "429" in code and "CMDOP_TOKEN" not in code
    assert STATUS_CMP.search(code).group(1) == "429"
    code, lits = py_code('"""doc CMDOP_BASE_URL"""\nx = env("CMDOP_BASE_URL")  # CMDOP_API_KEY\n')
    assert lits == ["CMDOP_BASE_URL"] and "CMDOP_API_KEY" not in code
    assert STATUS_CMP.search("if (404 == req->status)").group(2) == "404"
