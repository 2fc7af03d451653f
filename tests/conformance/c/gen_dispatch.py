"""Generate the C conformance runner's dispatcher from the PUBLIC HEADERS.

    python tests/conformance/c/gen_dispatch.py OUT.c [include dirs...]

For every typed op function the headers declare (parsed with pycparser by
parity/extract_c.py, the same parse the surface gate uses) this emits
`d_<key>()`, which turns a scenario's JSON args into that op's positional
arguments and `cmdop_<key>_params` struct and calls the TYPED function
(never the generic op table), and for each pagination helper `p_<key>_<h>()`,
which walks cmdop_<ns>_<iter|pages> + _next to the end. Results go back as
JSON through the public cmdop_<type>_to_json(). Because the code is derived
from the headers, a header drift shows up here as a compile error or a
wrong call, and a wire drift as a traffic diff. Output goes to the build
tree (never committed).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "parity"))

from pycparser import c_ast  # noqa: E402

import extract_c  # noqa: E402


def shape(t):
    return extract_c.type_text(t)


def fill_struct(lines, struct_name, decls, enums):
    """Emit code filling `p` (the params struct) from json object `a`."""
    names = [d.name for d in decls]
    lines.append("    %s p = %s_INIT;" % (struct_name, struct_name.upper()))
    for d in decls:
        n = d.name
        if n == "version" or (n.startswith("has_") and n[4:] in names) or \
                (n.endswith("_count") and n[:-6] in names):
            continue
        base, depth, _ = shape(d.type)
        has = ("has_" + n) in names
        get = 'json_object_get(a, "%s")' % n
        if base == "char" and depth == 1:
            lines.append('    p.%s = jstr(a, "%s");' % (n, n))
        elif base == "char" and depth == 2:
            lines.append('    const char **l_%s = NULL;' % n)
            lines.append('    if (%s) { l_%s = jlist(%s, &p.%s_count); p.%s = l_%s;%s }'
                         % (get, n, get, n, n, n, " p.has_%s = true;" % n if has else ""))
            lines.append('    to_free[n_free++] = (void *)l_%s;' % n)
        elif base == "cmdop_string_map" and depth == 1:
            lines.append('    cmdop_string_map m_%s = {0};' % n)
            lines.append('    if (%s) { jmap(%s, &m_%s); p.%s = &m_%s; }' % (get, get, n, n, n))
            lines.append('    to_free[n_free++] = (void *)m_%s.keys; to_free[n_free++] = (void *)m_%s.values;'
                         % (n, n))
        elif depth == 0 and base in enums:
            # a string that is no value of the enum is a C caller's out-of-range
            # value (-1), which the typed call must reject; it is not "unset" (0)
            lines.append('    if (%s) { p.%s = %s_from_string(json_string_value(%s));'
                         ' if (!p.%s) p.%s = (%s)-1; }' % (get, n, base, get, n, n, base))
        elif depth == 0 and base in ("int32_t", "int64_t"):
            lines.append('    if (%s) { p.%s = (%s)json_integer_value(%s);%s }'
                         % (get, n, base, get, " p.has_%s = true;" % n if has else ""))
        elif depth == 0 and base == "double":
            lines.append('    if (%s) { p.%s = json_number_value(%s);%s }'
                         % (get, n, get, " p.has_%s = true;" % n if has else ""))
        elif depth == 0 and base in ("bool", "_Bool"):
            lines.append('    if (%s) { p.%s = json_is_true(%s);%s }'
                         % (get, n, get, " p.has_%s = true;" % n if has else ""))
        else:
            raise SystemExit("gen_dispatch: %s.%s: unsupported C type %s%s"
                             % (struct_name, n, base, "*" * depth))


def to_json_expr(base, var):
    if base == "char":
        return "json_string(%s)" % var
    return "tojson(%s_to_json(%s))" % (base, var)


def free_stmt(base, var):
    return "free(%s);" % var if base == "char" else "%s_free(%s);" % (base, var)


def split_args(f):
    args = [a for a in (f.type.args.params if f.type.args else [])
            if isinstance(a, c_ast.Decl)]
    ci = next(i for i, a in enumerate(args) if shape(a.type)[:2] == ("cmdop_client", 1))
    out = shape(args[0].type) if ci == 1 else None
    rest = args[ci + 1:]
    struct = None
    if rest and shape(rest[-1].type)[0].endswith("_params"):
        struct = shape(rest[-1].type)[0]
        rest = rest[:-1]
    return out, [a.name for a in rest], struct


def _is_pager(f):
    args = [a for a in f.type.args.params if isinstance(a, c_ast.Decl)]
    return bool(args) and shape(args[0].type)[:2] == ("cmdop_pager", 2)


def emit_prologue(lines, positional, struct, structs, enums):
    lines.append("    void *to_free[64]; size_t n_free = 0; (void)to_free; (void)n_free;")
    for n in positional:
        lines.append('    const char *arg_%s = jstr(a, "%s");' % (n, n))
    if struct:
        fill_struct(lines, struct, structs[struct], enums)


def call_args(positional, struct):
    return "".join(", arg_%s" % n for n in positional) + (", &p" if struct else "")


def generate(include_dirs):
    enums, structs, funcs, _ = extract_c.declarations(include_dirs)
    by_name = {f.name: f for f in funcs}
    surface = extract_c.extract(include_dirs)
    out = ['/* Generated by tests/conformance/c/gen_dispatch.py from the public',
           ' * headers. Do not edit; not committed. */',
           '#include "dispatch_support.h"', '']
    table = []
    for key, op in sorted(surface["ops"].items()):
        f = by_name.get("cmdop_" + key)
        if f is None:
            continue
        out_t, positional, struct = split_args(f)
        # a handle of a local op (bots.run): opened, then freed (its result is null)
        handle = (out_t and out_t[0].startswith("cmdop_") and out_t[0] != "cmdop_ask_stream"
                  and out_t[0] + "_to_json" not in by_name)
        lines = ["static int d_%s(cmdop_client *c, const json_t *a, json_t **res,"
                 " cmdop_ask_stream **stream) {" % key]
        emit_prologue(lines, positional, struct, structs, enums)
        lines.append("    (void)stream; (void)res; int rc;")
        if out_t is None:
            lines.append("    rc = cmdop_%s(c%s);" % (key, call_args(positional, struct)))
            lines.append("    if (rc == 0) *res = json_null();")
        elif out_t[0] == "cmdop_ask_stream":
            lines.append("    rc = cmdop_%s(stream, c%s);" % (key, call_args(positional, struct)))
        elif handle:
            lines.append("    %s *out = NULL;" % out_t[0])
            lines.append("    rc = cmdop_%s(&out, c%s);" % (key, call_args(positional, struct)))
            lines.append("    if (rc == 0) { *res = json_null(); %s_free(out); }" % out_t[0])
        else:
            lines.append("    %s *out = NULL;" % out_t[0])
            lines.append("    rc = cmdop_%s(&out, c%s);" % (key, call_args(positional, struct)))
            lines.append("    if (rc == 0) { *res = %s; %s }"
                         % (to_json_expr(out_t[0], "out"), free_stmt(out_t[0], "out")))
        lines.append("    for (size_t i = 0; i < n_free; i++) free(to_free[i]);")
        lines.append("    return rc;")
        lines.append("}")
        out += lines + [""]
        helpers = {}
        for h in op["helpers"]:
            # the helper: a pager-returning function over the same params
            # struct whose name ends with the helper's name
            hname = next(cand for cand, cf in by_name.items()
                         if cand.endswith("_" + h) and cf.type.args
                         and _is_pager(cf) and split_args(cf)[2] == struct)
            nxt = by_name[hname + "_next"]
            item = shape([a for a in nxt.type.args.params][1].type)[0]
            kind = "iter" if h.startswith("iter") else "pages"
            hl = ["static int p_%s_%s(cmdop_client *c, const json_t *a, json_t **res) {"
                  % (key, kind)]
            emit_prologue(hl, positional, struct, structs, enums)
            hl.append("    cmdop_pager *pg = NULL;")
            hl.append("    int rc = %s(&pg, c%s);" % (hname, call_args(positional, struct)))
            hl.append("    json_t *all = json_array();")
            hl.append("    while (rc == 0) {")
            hl.append("        %s *it = NULL;" % item)
            hl.append("        rc = %s_next(pg, &it);" % hname)
            hl.append("        if (rc == 0) { json_array_append_new(all, %s); %s }"
                      % (to_json_expr(item, "it"), free_stmt(item, "it")))
            hl.append("    }")
            hl.append("    cmdop_pager_free(pg);")
            hl.append("    for (size_t i = 0; i < n_free; i++) free(to_free[i]);")
            hl.append("    if (rc == CMDOP_ITEROVER) { *res = all; return 0; }")
            hl.append("    json_decref(all); return rc;")
            hl.append("}")
            out += hl + [""]
            helpers[kind] = "p_%s_%s" % (key, kind)
        table.append('    {"%s", d_%s, %s, %s},' % (
            key, key, helpers.get("iter", "NULL"), helpers.get("pages", "NULL")))
    out.append("const dispatch_entry dispatch_table[] = {")
    out += table
    out.append("    {NULL, NULL, NULL, NULL}")
    out.append("};")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    dest = sys.argv[1]
    dirs = sys.argv[2:] or [os.path.join(ROOT, "runtime", "include"),
                            os.path.join(ROOT, "gen", "c", "include")]
    text = generate(dirs)
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    with open(dest, "w") as f:
        f.write(text)
