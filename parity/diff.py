"""Compare normalised surfaces (model.py) and render a readable diff.

Every language is compared with the reference (gen/surface.json) attribute
by attribute; an attribute a side does not state (C defaults, say) is not
compared. Two languages that both equal the reference on what they state
agree with each other, so the pairwise comparison adds nothing but noise.

A mismatch is (language, where, message): `where` is a stable address such
as "bots_list.param.page.default" that an exception in exceptions.toml
names; `message` says what differs and what was expected.
"""

MISSING = object()


def _fmt(v):
    import json
    return json.dumps(v, sort_keys=True)


def compare_op(lang, key, got, want, aliases):
    out = []
    where = key
    gp, wp = got["params"], want["params"]
    for name in wp:
        if name not in gp:
            out.append((lang, "%s.param.%s" % (where, name),
                        "param '%s' is missing (expected %s)" % (name, _fmt(wp[name]))))
    for name in gp:
        if name not in wp:
            out.append((lang, "%s.param.%s" % (where, name),
                        "param '%s' is not in the IDL (expected one of: %s)"
                        % (name, ", ".join(sorted(wp)) or "no params")))
    for name in sorted(set(gp) & set(wp)):
        for attr in ("type", "required", "default"):
            g, w = gp[name].get(attr, MISSING), wp[name].get(attr, MISSING)
            if attr == "type" and g == "number" and w in ("int", "float"):
                continue  # TypeScript has one number type for both
            if attr == "type" and g is not MISSING and same_type(g, w):
                continue
            if g is not MISSING and w is not MISSING and g != w:
                out.append((lang, "%s.param.%s.%s" % (where, name, attr),
                            "param '%s': %s is %s, expected %s"
                            % (name, attr, _fmt(gp[name][attr]), _fmt(wp[name][attr]))))
    shape = want.get("call", {}).get(lang)
    if shape:
        for name in sorted(set(gp) & set(shape)):
            if "call" in gp[name] and gp[name]["call"] != shape[name]:
                out.append((lang, "%s.param.%s.call" % (where, name),
                            "param '%s' is passed %s, expected %s (docs/idl.md call %s)"
                            % (name, gp[name]["call"], shape[name], lang)))
    for attr in ("result", "streaming", "helpers"):
        if attr not in got:
            continue
        g, w = got[attr], want[attr]
        if attr == "result" and isinstance(g, str):
            g = aliases.get(g, g)
        if g != w:
            out.append((lang, "%s.%s" % (where, attr),
                        "%s is %s, expected %s" % (attr, _fmt(g), _fmt(w))))
    return out


def compare_errors(lang, got, ref):
    out = []
    if "c_codes" in got:
        have = set(got["c_codes"])
        for code, e in sorted(ref.items()):
            if e["c_code"] not in have:
                out.append((lang, "errors.%s" % e["c_code"],
                            "error code %s (%s) is missing" % (e["c_code"], code)))
        return out
    classes = got.get("classes", {})
    known = {e["class"] for e in ref.values()} | {"CmdopError"}
    for code, e in sorted(ref.items()):
        cls = e["class"]
        if cls not in classes:
            out.append((lang, "errors.%s" % cls,
                        "error class %s (code %s) is missing" % (cls, code)))
        elif e["parent"] is not None and classes[cls].get("parent") != e["parent"]:
            out.append((lang, "errors.%s.parent" % cls,
                        "error class %s derives from %s, expected %s"
                        % (cls, classes[cls].get("parent"), e["parent"])))
        elif "code" in classes[cls] and classes[cls]["code"] != code:
            out.append((lang, "errors.%s.code" % cls,
                        "error class %s has code %s, expected %s"
                        % (cls, _fmt(classes[cls]["code"]), _fmt(code))))
    if "CmdopError" not in classes:
        out.append((lang, "errors.CmdopError", "base error class CmdopError is missing"))
    for cls in sorted(set(classes) - known):
        out.append((lang, "errors.%s" % cls,
                    "error class %s is not in the IDL" % cls))
    return out


def same_type(g, w):
    """Type equality up to what a language can say: TypeScript has one
    `number` (int and float) and `bigint` for int64."""
    if g == w:
        return True
    if isinstance(g, str) and isinstance(w, str):
        if g.startswith("list[") and w.startswith("list["):
            return same_type(g[5:-1], w[5:-1])
        return (g == "number" and w in ("int", "float")) or (g == "bigint" and w == "int")
    return False


def compare_records(lang, got, ref, aliases):
    out = []
    for rec, wfields in sorted(ref.items()):
        gfields = got.get(rec)
        if gfields is None:
            out.append((lang, "records.%s" % rec, "record type %s is missing" % rec))
            continue
        for f in sorted(set(wfields) - set(gfields)):
            out.append((lang, "records.%s.%s" % (rec, f),
                        "record %s: field '%s' is missing (expected %s)" % (rec, f, _fmt(wfields[f]))))
        for f in sorted(set(gfields) - set(wfields)):
            out.append((lang, "records.%s.%s" % (rec, f),
                        "record %s: field '%s' is not in the IDL" % (rec, f)))
        for f in sorted(set(gfields) & set(wfields)):
            g, w = gfields[f], wfields[f]
            gt = g.get("type")
            if isinstance(gt, str):
                gt = aliases.get(gt, gt)
                if gt.startswith("list[") and gt[5:-1] in aliases:
                    gt = "list[%s]" % aliases[gt[5:-1]]
            if gt is not None and not same_type(gt, w["type"]):
                out.append((lang, "records.%s.%s.type" % (rec, f),
                            "record %s: field '%s' has type %s, expected %s"
                            % (rec, f, _fmt(gt), _fmt(w["type"]))))
            if "optional" in g and "optional" in w and g["optional"] != w["optional"]:
                out.append((lang, "records.%s.%s.optional" % (rec, f),
                            "record %s: field '%s' is %s, expected %s" % (
                                rec, f, "optional" if g["optional"] else "always present",
                                "optional (absent stays absent)" if w["optional"] else "always present")))
    return out


def _plane_facts(tables):
    """Each plane with the facts its options give it: the base URL's env var and
    default, the credential's env vars (so a drift there names the plane too)."""
    out = {}
    opts = tables.get("options", {})
    for name, p in tables.get("planes", {}).items():
        url, cred = opts.get(p.get("url_option") or "", {}), opts.get(p.get("cred_option") or "", {})
        out[name] = dict(p, base_url=url.get("default"),
                         base_url_env=(url.get("env") or [None])[0],
                         cred_env=cred.get("env"))
    return out


def compare_tables(lang, got, want):
    """The generated tables (options, planes, status -> code) against the IDL's."""
    out = []
    for kind, g_all, w_all in (("options", got.get("options", {}), want["options"]),
                               ("planes", _plane_facts(got), _plane_facts(want))):
        for name in sorted(set(w_all) - set(g_all)):
            out.append((lang, "tables.%s.%s" % (kind, name),
                        "table %s: '%s' is missing (expected %s)" % (kind, name, _fmt(w_all[name]))))
        for name in sorted(set(g_all) - set(w_all)):
            out.append((lang, "tables.%s.%s" % (kind, name),
                        "table %s: '%s' is not in the IDL" % (kind, name)))
        for name in sorted(set(g_all) & set(w_all)):
            for attr in sorted(w_all[name]):
                g, w = g_all[name].get(attr, MISSING), w_all[name][attr]
                if g != w:
                    out.append((lang, "tables.%s.%s.%s" % (kind, name, attr),
                                "table %s: %s.%s is %s, expected %s" % (
                                    kind, name, attr,
                                    "missing" if g is MISSING else _fmt(g), _fmt(w))))
    g_rules = {tuple(r) for r in got.get("status", [])}
    w_rules = {tuple(r) for r in want["status"]}
    for lo, hi, code in sorted(w_rules - g_rules):
        out.append((lang, "tables.status.%d" % lo,
                    "table status: %d..%d -> %s is missing" % (lo, hi, code)))
    for lo, hi, code in sorted(g_rules - w_rules):
        out.append((lang, "tables.status.%d" % lo,
                    "table status: %d..%d -> %s is not in the IDL" % (lo, hi, code)))
    return out


def compare(surface, ref):
    lang = surface["language"]
    out = []
    for key in ref["ops"]:
        if key not in surface["ops"]:
            out.append((lang, key, "op is missing"))
    for key in surface["ops"]:
        if key not in ref["ops"]:
            out.append((lang, key, "op is not in the IDL (extra)"))
    for key in sorted(set(ref["ops"]) & set(surface["ops"])):
        out += compare_op(lang, key, surface["ops"][key], ref["ops"][key],
                          ref.get("aliases", {}))
    out += compare_errors(lang, surface["errors"], ref["errors"])
    if "records" in surface and "records" in ref:
        out += compare_records(lang, surface["records"], ref["records"], ref.get("aliases", {}))
    if "tables" in surface and "tables" in ref:
        out += compare_tables(lang, surface["tables"], ref["tables"])
    for problem in surface.get("problems", []):
        # declaration/runtime disagreements found by the extractor itself
        out.append((lang, problem.split(":")[0].replace(" ", "_"), problem))
    return out
