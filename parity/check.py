"""The surface parity gate: extract each built surface, compare, report.

    python parity/check.py --surface gen/surface.json \
        --c-include runtime/include --c-include gen/c/include \
        [--c-tables PROGRAM] [--python-path DIR] [--node-pkg DIR]
        [--exceptions parity/exceptions.toml]

Exit 0 when every language matches gen/surface.json (after the reviewed
exceptions), 1 with a readable diff otherwise, 2 on a usage/extraction error.
An exception that no longer matches anything also fails: stale entries would
silently hide the next real drift at the same address.
"""
import argparse
import json
import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import diff  # noqa: E402
import model  # noqa: E402


def load_exceptions(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = tomllib.load(f)
    items = data.get("exceptions", [])
    for i, e in enumerate(items):
        for k in ("lang", "where", "reason"):
            if not str(e.get(k, "")).strip():
                raise SystemExit("%s: exception #%d has no %s" % (path, i + 1, k))
    return items


def extract_all(args):
    surfaces = []
    if args.c_include:
        import extract_c
        surfaces.append(extract_c.extract(args.c_include))
        if args.c_tables:
            import extract_c_tables
            surfaces[-1]["tables"] = extract_c_tables.extract(args.c_tables)
    if args.python_path:
        import extract_python
        surfaces.append(extract_python.extract(args.python_path))
    if args.node_pkg:
        import extract_node
        surfaces.append(extract_node.extract(args.node_pkg))
    return surfaces


def run(args):
    with open(args.surface) as f:
        ref = model.load_reference(json.load(f))
    surfaces = extract_all(args)
    if not surfaces:
        print("parity: no language to check", file=sys.stderr)
        return 2
    exceptions = load_exceptions(args.exceptions)
    used = set()
    failures = []
    for s in surfaces:
        if args.dump:
            os.makedirs(args.dump, exist_ok=True)
            with open(os.path.join(args.dump, s["language"] + ".json"), "w") as f:
                json.dump(s, f, indent=1, sort_keys=True)
        for lang, where, msg in diff.compare(s, ref):
            hit = [i for i, e in enumerate(exceptions)
                   if e["lang"] == lang and e["where"] == where]
            if hit:
                used.update(hit)
                continue
            failures.append((lang, where, msg))
    for i, e in enumerate(exceptions):
        if i not in used and e["lang"] in {s["language"] for s in surfaces}:
            failures.append((e["lang"], e["where"],
                             "reviewed exception no longer matches a difference "
                             "(remove it from %s): %s" % (args.exceptions, e["reason"])))
    langs = ", ".join(s["language"] for s in surfaces)
    if failures:
        print("parity: FAILED — %d difference(s) between the built surfaces (%s) "
              "and gen/surface.json:" % (len(failures), langs))
        for lang, where, msg in sorted(failures):
            op = where.split(".")[0]
            print("  [%s] %s: %s" % (lang, op, msg))
        print("Fix the generator/client, or add a reviewed entry with a reason "
              "to parity/exceptions.toml (lang + where: %s)."
              % ", ".join(sorted({"%s %s" % (l, w) for l, w, _ in failures})[:3]))
        return 1
    n_ops = len(ref["ops"])
    n_tables = sum(1 for s in surfaces if "tables" in s)
    print("parity: OK — %d ops, %d error codes agree across %s and gen/surface.json; "
          "options/planes/status tables of %d language(s) "
          "(%d reviewed exception(s))" % (n_ops, len(ref["errors"]), langs, n_tables, len(used)))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--surface", default="gen/surface.json")
    p.add_argument("--c-include", action="append", default=[])
    p.add_argument("--c-tables", help="the table dump (parity/c_tables.c) linked "
                   "against the built libcmdop.a: the core's options, planes and "
                   "status -> code tables (with --c-include)")
    p.add_argument("--python-path")
    p.add_argument("--node-pkg")
    p.add_argument("--exceptions", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "exceptions.toml"))
    p.add_argument("--dump", help="write each extracted surface as JSON here")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
