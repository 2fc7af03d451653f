"""The normalised surface every extractor produces, and the reference one.

A surface is a plain dict (so it can be dumped as JSON for a human to read):

    {"language": "c" | "python" | "node" | "surface.json",
     "ops": {KEY: {"params": {NAME: {"type": T, "required": bool,
                                      "default": JSON value}},
                   "result": TYPE or None,
                   "streaming": bool,
                   "helpers": [helper names]}},
     "errors": {CODE: {"class": Name, "parent": Name}}}

KEY is the op's dotted IDL name flattened with "_" ("fleets.members.set_role"
-> "fleets_members_set_role"): C cannot tell a namespace from an op inside
cmdop_fleets_members_set_role, Python and Node can, so the flat form is the
one all four sources can produce. NAME is snake_case. TYPE is one of the
classes in TYPE_CLASSES, or a record name in snake_case ("bot_list_page").

A key that a language cannot express is simply left out (C has no defaults
in its headers, nor required flags for fields of a params struct): the diff
compares an attribute only where both sides state it.
"""
import re

# The value classes the three languages can all express. An IDL enum is a
# string on every surface (C keeps a C enum for some, a plain string with
# a documented set of values for others), so it is compared as "str".
TYPE_CLASSES = ("str", "int", "float", "bool", "list[str]", "map[str,str]")

def reachable_records(surface):
    """The records an op can return, directly or nested: the data surface."""
    records = {r["name"]: r for r in surface["records"]}
    seen = set()

    def walk(name):
        if name in seen or name not in records:
            return
        seen.add(name)
        for f in records[name]["fields"]:
            if f["ref"]:
                walk(f["ref"])
    for ns in surface["namespaces"]:
        for op in ns["ops"]:
            if op["result"]:
                walk(op["result"])
    return seen


IDL_TYPES = {
    "string": "str", "enum": "str", "int32": "int", "int64": "int",
    "double": "float", "bool": "bool", "string_list": "list[str]",
    "string_map": "map[str,str]",
    "json": "json",  # a JSON value carried as text in C, parsed in Python/Node
}


def snake(name):
    """camelCase / PascalCase / snake_case -> snake_case."""
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", s)
    return s.lower()


def op_key(full_name):
    return full_name.replace(".", "_")


def load_reference(surface):
    """gen/surface.json -> the normalised reference surface."""
    records = {r["name"]: r for r in surface["records"]}
    ops = {}
    for ns in surface["namespaces"]:
        for op in ns["ops"]:
            params = {}
            for p in op["params"]:
                # A context param (fleet_id) falls back to the client's
                # default and a generated one (ask's session_id) is made by
                # the core: both are optional on every surface.
                implicit = p["in"] == "context" or p["generated"]
                required = bool(p["required"]) and not implicit
                entry = {"type": IDL_TYPES[p["type"]], "required": required}
                if not required:
                    entry["default"] = p["default"]
                params[p["name"]] = entry
            result = op["result"]
            if result is not None and op["unwrap"]:
                field = next(f for f in records[result]["fields"]
                             if f["name"] == op["unwrap"])
                if field["type"] == "string" and not field["repeated"]:
                    result = "str"
                elif field["repeated"] and field["ref"]:
                    result = "list[%s]" % snake(field["ref"])
                else:
                    result = snake(field["ref"] or field["type"])
            elif result is not None:
                result = snake(result)
            elif op.get("handle"):
                result = snake(op["handle"])  # a local op returns its handle
            # Call shapes the IDL prescribes per language (docs/idl.md `call
            # python(...)`): "positional" params in this order, the rest
            # keyword (Python) or members of an options object (Node).
            call = {}
            for lang, shape in (op.get("call") or {}).items():
                pos = [c["param"] for c in shape if c["kind"] == "positional"]
                call[lang] = {n: ("positional:%d" % pos.index(n) if n in pos else "keyword")
                              for n in params}
            helpers = []
            if op["paginate"]:
                helpers = sorted([op["paginate"]["iter"], op["paginate"]["pages"]])
            ops[op_key(op["full_name"])] = {
                "params": params,
                "result": result,
                "streaming": op["kind"] == "stream",
                "helpers": helpers,
                "call": call,
            }
    return_records = reachable_records(surface)
    recs = {}
    for name in sorted(return_records):
        fields = {}
        for f in records[name]["fields"]:
            t = snake(f["ref"]) if f["type"] == "record" else IDL_TYPES.get(f["type"], f["type"])
            entry = {"type": "list[%s]" % t if f["repeated"] else t}
            if not f["repeated"]:
                entry["optional"] = bool(f["optional"])
            fields[f["name"]] = entry
        recs[snake(name)] = fields
    errors = {e["code"]: {"class": e["class"], "parent": e["parent"],
                          "c_code": e["c_code"]}
              for e in surface["errors"]}
    return {"language": "surface.json", "ops": ops, "errors": errors, "records": recs,
            "tables": reference_tables(surface),
            "aliases": {snake(r["alias"]): snake(r["name"])
                        for r in surface["records"] if r["alias"]}}


def reference_tables(surface):
    """The IDL's client options, planes and status -> code rules, in the form every
    language's tables are extracted in (options' defaults as text, as C holds them).
    A plane's base-URL option is the one of its options that strips '/'."""
    options = {o["name"]: {"env": list(o["env"]),
                           "default": None if o["default"] is None else str(o["default"])}
               for o in surface["client"]}
    planes = {}
    for p in surface["planes"]:
        mine = [o for o in surface["client"] if o["plane"] == p["name"]]
        planes[p["name"]] = {
            "url_option": next((o["name"] for o in mine if o["strip_slash"]), None),
            "cred_option": next((o["name"] for o in mine if not o["strip_slash"]), None),
            "auth_header": p["auth"]["header"],
            "auth_prefix": "Bearer " if p["auth"]["scheme"] == "bearer" else "",
        }
    status = [[lo, hi, e["code"]] for e in surface["errors"] for lo, hi in e["statuses"]]
    return {"options": options, "planes": planes, "status": status}
