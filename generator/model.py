"""Raw declarations -> ONE validated, canonical model (ir.Model, frozen).

The checks below assemble the model's JSON form (ir.py) from the parser's raw
declarations; build() freezes it into the typed model once, at the end, and
nothing changes it after that (the targets derive their own views).
Every check raises IdlError at the position of the offending declaration.
The model holds no positions and no file bytes, so its hash only changes when
the meaning of the IDL changes (not with whitespace or comments).
"""
import glob
import hashlib
import json
import os
import re
from typing import Any

from .errors import IdlError, Pos
from .ir import Model, Param, freeze, to_json
from .parser import Raw, parse_text

SCALARS = ("string", "int32", "int64", "double", "bool", "json")
NUMERIC = ("int32", "int64", "double")
INT_LIMITS = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}
LOCATIONS = ("path", "query", "body", "context", "arg", "local")
EMPTY_ARM = 201
PATH_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Presence companions (docs/stdio.md "Presence of lists and maps"): proto2
# repeated/map fields have no presence, so the request message of an op gets
# `optional bool <param>_present = PRESENT_OFFSET + @N` for every optional
# list/map param. Param numbers stay below it so the companions never clash.
PRESENT_OFFSET = 1000


def snake(name: str) -> str:
    """MachineSummary -> machine_summary."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def camel(name: str) -> str:
    """per_page -> perPage (the Node surface spelling)."""
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def presence(p: Param) -> tuple[str, int] | None:
    """The companion field (name, number) of an op param, or None: only optional
    `string[]` / `map<string,string>` params have one (runtime/src/stdio_map.h)."""
    return _presence(p.name, p.type, p.required, p.number)


def _presence(name: str, ptype: str, required: bool, number: int) -> tuple[str, int] | None:
    if ptype not in ("string_list", "string_map") or required:
        return None
    return name + "_present", PRESENT_OFFSET + number


def implicit(ptype: str, enum: str | None, declared_optional: bool, generated: str | None,
             explicit: bool = False) -> bool:
    """Does an op param have proto3 implicit presence in the 1.1 stdio schema?
    Every scalar param does except those declared `?` without `generated(...)`
    and those marked `explicit_presence` (proto3 `optional` there; the mark is
    for params that have a default here). A client that did not say hello speaks that
    schema, so for it an absent implicit param is its zero value ("", 0,
    false), not "unset" (docs/stdio.md "Presence"). Lists, maps and proto
    enums are never implicit here: their absence already is the empty list /
    the zero value, which the core reads as "not passed"."""
    if ptype in ("string_list", "string_map") or (ptype == "enum" and enum):
        return False
    return not ((declared_optional and generated is None) or explicit)


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in name.split("_"))


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def model_hash(model: Model) -> str:
    """The hash of the model's canonical JSON form (ir.to_json)."""
    return hashlib.sha256(canonical_json(to_json(model)).encode("utf-8")).hexdigest()


def load_dir(idl_dir: str) -> Model:
    """Parse every idl_dir/*.cmdop (sorted by file name) and build the model."""
    files = sorted(glob.glob(os.path.join(idl_dir, "*.cmdop")))
    if not files:
        raise IdlError(idl_dir, 1, 1, "no .cmdop files")
    sources = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            sources.append((path, f.read()))
    return build(sources)


def build(sources: list[tuple[str, str]]) -> Model:
    """sources: [(filename, text)] in IDL order. Returns the canonical model."""
    decls = []
    for filename, text in sources:
        area = os.path.splitext(os.path.basename(filename))[0]
        for d in parse_text(text, filename):
            d["area"] = area
            decls.append(d)
    return _Builder(decls).run()


class _Builder:
    def __init__(self, decls: list[Raw]) -> None:
        self.decls = decls
        self.types: dict[str, Raw] = {}  # name -> raw decl (record, enum, union)
        self.planes: dict[str, Raw] = {}
        self.errors: dict[str, Raw] = {}
        self.namespaces: dict[str, Raw] = {}
        self.ops: dict[str, Raw] = {}  # "ns.op" -> raw op (with "ns")
        self.client: Raw | None = None  # the one `client { option ... }` block, if any
        self.handles: dict[str, Raw] = {}  # name -> raw handle decl
        self.record_models: dict[str, Raw] = {}
        self.handle_models: dict[str, Raw] = {}

    # ---- pass 1: names ----
    def declare(self) -> None:
        for d in self.decls:
            k = d["kind"]
            if k in ("record", "enum", "union"):
                if d["name"] in SCALARS or d["name"] in ("map", "void"):
                    raise d["pos"].error(f"type name '{d['name']}' is reserved")
                self._unique(self.types, d, "type")
            elif k == "plane":
                self._unique(self.planes, d, "plane")
            elif k == "client":
                if self.client is not None:
                    raise d["pos"].error(
                        f"duplicate client block (first declared at {self.client['pos']})")
                self.client = d
            elif k == "error":
                self._unique(self.errors, d, "error")
            elif k == "c_code":
                pass  # checked with the errors' c_codes (c_codes)
            elif k == "handle":
                if d["name"] in self.types:
                    raise d["pos"].error(f"handle '{d['name']}' clashes with a type")
                self._unique(self.handles, d, "handle")
            elif k == "namespace":
                self._unique(self.namespaces, d, "namespace")
                for op in d["ops"]:
                    full = f"{d['name']}.{op['name']}"
                    if full in self.ops:
                        raise op["pos"].error(
                            f"duplicate op '{full}' (first declared at {self.ops[full]['pos']})")
                    op["ns"] = d["name"]
                    op["full"] = full
                    self.ops[full] = op

    @staticmethod
    def _unique(table: dict[str, Raw], d: Raw, what: str) -> None:
        if d["name"] in table:
            raise d["pos"].error(
                f"duplicate {what} '{d['name']}' (first declared at {table[d['name']]['pos']})")
        table[d["name"]] = d

    def run(self) -> Model:
        self.declare()
        kind = self.types.get("Kind")
        if kind is None or kind["kind"] != "enum":
            first = self.decls[0]["pos"] if self.decls else None
            raise IdlError(first.file if first else "idl", 1, 1,
                           "the envelope needs an enum Kind (its field 2)")
        model = {
            "planes": [self.plane(d) for d in self.decls if d["kind"] == "plane"],
            "client": self.client_options(),
            "errors": [self.error(d) for d in self.decls if d["kind"] == "error"],
            "c_codes": self.c_codes(),
            "enums": [self.enum(d) for d in self.decls if d["kind"] == "enum"],
            "records": [self.record(d) for d in self.decls if d["kind"] == "record"],
            "unions": [self.union(d) for d in self.decls if d["kind"] == "union"],
        }
        self.record_models = {r["name"]: r for r in model["records"]}
        model["handles"] = [self.handle(d) for d in self.decls if d["kind"] == "handle"]
        self.handle_models = {h["name"]: h for h in model["handles"]}
        model["namespaces"] = [self.namespace(d) for d in self.decls if d["kind"] == "namespace"]
        self.check_handles(model)
        self.check_routes(model)
        self.resolve_scans(model)
        model["arms"] = self.arms(model)
        # the checks above assembled the model's JSON form; views get it typed
        typed: Model = freeze(Model, model)
        return typed

    # ---- planes and errors ----
    def plane(self, d: Raw) -> Raw:
        for name, pos in d["errors"]:
            self.error_ref(name, pos)
        if d["auth"] not in ("bearer", "header"):
            raise d["pos"].error(f"plane '{d['name']}': auth must be bearer or header")
        return {"name": d["name"], "doc": d["doc"], "base_url": d["base_url"],
                "base_url_env": d["base_env"],
                "auth": {"scheme": d["auth"], "header": d["auth_header"], "env": d["auth_env"]},
                "validation_status": d["validation_status"],
                "errors": [n for n, _ in d["errors"]]}

    def client_options(self) -> list[Raw]:
        """The client's options in declaration order: {name, type, env (the vars in
        precedence order; the first is the one handed to the core), default,
        strip_slash, plane, doc}. A plane's base URL and credential must each be
        some option's, so every plane can be configured."""
        if self.client is None:
            return []
        out: list[Raw] = []
        seen: dict[str, Pos] = {}
        bound: dict[tuple[str, str], str] = {}
        for o in self.client["options"]:
            if o["name"] in seen:
                raise o["pos"].error(f"duplicate client option '{o['name']}' "
                                     f"(first declared at {seen[o['name']]})")
            seen[o["name"]] = o["pos"]
            if o["plane"] is not None:
                p = self.planes.get(o["plane"])
                if p is None:
                    raise o["pos"].error(f"unknown plane '{o['plane']}'")
                if o["part"] not in ("base_url", "auth"):
                    raise o["pos"].error(f"option '{o['name']}': a plane gives base_url or auth, "
                                         f"not '{o['part']}'")
                key = (o["plane"], o["part"])
                if key in bound:
                    raise o["pos"].error(f"{o['plane']}.{o['part']} is already option '{bound[key]}'")
                bound[key] = o["name"]
                base = o["part"] == "base_url"
                out.append({"name": o["name"], "type": "string",
                            "env": [p["base_env"]] if base else list(p["auth_env"]),
                            "default": p["base_url"] if base else None, "strip_slash": base,
                            "plane": o["plane"],
                            "doc": f"{o['plane']} {'REST root' if base else 'credential'}"})
                continue
            if o["type"] not in ("string", "int32"):
                raise o["pos"].error(f"option '{o['name']}': type must be string or int32")
            d = o["default"]
            if d is not None and isinstance(d, str) != (o["type"] == "string"):
                raise o["pos"].error(f"option '{o['name']}': default {d!r} is not of type {o['type']}")
            if o["type"] == "int32" and d is None:  # no client renders an unset number
                raise o["pos"].error(f"option '{o['name']}': an int32 option needs a default")
            out.append({"name": o["name"], "type": o["type"], "env": [o["env"]], "default": d,
                        "strip_slash": False, "plane": None, "doc": o["doc"]})
        for name, p in self.planes.items():
            for part in ("base_url", "auth"):
                if (name, part) not in bound:
                    raise self.client["pos"].error(
                        f"client: no option takes plane {name}'s {part} (option NAME from {name}.{part})")
        return out

    def error_ref(self, name: str, pos: Pos) -> str:
        if name not in self.errors:
            raise pos.error(f"unknown error '{name}'")
        return name

    def error(self, d: Raw) -> Raw:
        if d["parent"] and d["parent"] != "CmdopError" and d["parent"] not in {
                e["class"] for e in self.errors.values()}:
            raise d["pos"].error(f"error '{d['name']}': unknown parent class '{d['parent']}'")
        if not d["c_code"] or not d["class"]:
            raise d["pos"].error(f"error '{d['name']}' needs c_code and class")
        return {"code": d["name"], "c_code": d["c_code"],
                "c_string": d["c_string"] or d["name"], "statuses": d["statuses"],
                "class": d["class"], "parent": d["parent"], "retryable": d["retryable"],
                "doc": d["doc"]}

    def c_codes(self) -> list[Raw]:
        """libcmdop's codes that are no error class (`c_code NAME "string"`), in IDL
        order. Each C code is named once, here or by an error."""
        seen: dict[str, Pos] = {}
        out: list[Raw] = []
        for d in self.decls:
            if d["kind"] not in ("error", "c_code"):
                continue
            c = d["c_code"] if d["kind"] == "error" else d["name"]
            if c is None:
                continue
            if c in seen:
                raise d["pos"].error(f"{c} is already named (at {seen[c]})")
            seen[c] = d["pos"]
            if d["kind"] == "c_code":
                out.append({"c_code": c, "string": d["string"]})
        return out

    # ---- types ----
    def enum(self, d: Raw) -> Raw:
        names: dict[str, Raw] = {}
        numbers: dict[int, Raw] = {}
        wires: dict[str, Raw] = {}
        values: list[Raw] = []
        for v in d["values"]:
            for table, key, what in ((names, v["name"], "value"), (numbers, v["number"], "number")):
                if key in table:
                    raise v["pos"].error(f"enum {d['name']}: duplicate {what} '{key}'")
                table[key] = v
            wire = v["wire"]
            if wire is None and v["number"] != 0:
                wire = v["name"].lower()
            if wire is not None:
                if wire in wires:
                    raise v["pos"].error(f"enum {d['name']}: duplicate wire string '{wire}'")
                wires[wire] = v
            values.append({"name": v["name"], "number": v["number"], "wire": wire,
                           "sends": v["sends"], "accepts": list(v["accepts"])})
        if 0 not in numbers:
            raise d["pos"].error(f"enum {d['name']}: needs a zero value (UNSPECIFIED)")
        # HTTP wire strings (`wire`/`sends`/`accepts`): `wire` above is the surface
        # string; a value sends `sends` (default: its surface string) and decodes
        # from `accepts` plus its own surface string. One wire string decodes to
        # one value only.
        decoded: dict[str, str] = {}
        for v, raw in zip(values, d["values"]):
            if (v["sends"] or v["accepts"]) and v["number"] == 0:
                raise raw["pos"].error(f"enum {d['name']}: the zero value has no wire string")
            for w in v["accepts"]:
                if w in decoded:
                    raise raw["pos"].error(f"enum {d['name']}: wire string '{w}' is already "
                                           f"accepted by {decoded[w]}")
                decoded[w] = v["name"]
        for v in values:
            if v["wire"] is not None and v["wire"] not in decoded:
                decoded[v["wire"]] = v["name"]
            if v["sends"] is not None and decoded.get(v["sends"]) is None:
                decoded[v["sends"]] = v["name"]
        surface = {v["wire"]: v for v in values if v["wire"] is not None}
        by_name = {v["name"]: v for v in values}
        # wire strings that are not the surface string of the value they decode to
        wire_aliases = [{"wire": w, "value": n, "surface": by_name[n]["wire"]}
                        for w, n in sorted(decoded.items())
                        if w not in surface or surface[w]["name"] != n]
        return {"name": d["name"], "area": d["area"], "c_name": snake(d["name"]), "values": values,
                "wire_aliases": wire_aliases}

    def type_ref(self, t: Raw, where: str) -> Raw:
        """Resolve a parsed type into {type, ref, repeated}."""
        name = t["name"]
        if t["kind"] == "map":
            if t["key"] != "string" or name != "string":
                raise t["pos"].error(f"{where}: only map<string,string> is supported")
            return {"type": "map", "ref": None, "repeated": False}
        if name in SCALARS:
            out = {"type": name, "ref": None}
        elif name in self.types:
            out = {"type": self.types[name]["kind"], "ref": name}
        else:
            raise t["pos"].error(f"unknown type '{name}'")
        out["repeated"] = t["kind"] == "list"
        if out["repeated"] and out["type"] not in ("string", "record"):
            raise t["pos"].error(f"{where}: lists of {out['type']} are not supported")
        return out

    def record(self, d: Raw) -> Raw:
        names: dict[str, Raw] = {}
        numbers: dict[int, Raw] = {}
        fields: list[Raw] = []
        for f in d["fields"]:
            if f["name"] in names:
                raise f["pos"].error(f"record {d['name']}: duplicate field '{f['name']}'")
            if f["number"] in numbers:
                raise f["pos"].error(
                    f"record {d['name']}: duplicate field number {f['number']} "
                    f"(also '{numbers[f['number']]['name']}')")
            if f["number"] < 1:
                raise f["pos"].error(f"record {d['name']}: field numbers start at 1")
            names[f["name"]] = numbers[f["number"]] = f
            t = self.type_ref(f["type"], f"{d['name']}.{f['name']}")
            if t["type"] == "union":
                raise f["type"]["pos"].error("a union can not be a record field")
            if f["flatten"] and (t["type"] != "record" or t["repeated"]):
                raise f["pos"].error(f"record {d['name']}: only a record field can be flatten")
            fallback = None
            if f.get("fallback"):
                fallback, fpos = f["fallback"]
                if t["type"] != "string" or t["repeated"]:
                    raise fpos.error(f"record {d['name']}: fallback needs a string field")
            fields.append(dict(name=f["name"], wire=f["wire"] or f["name"], number=f["number"],
                               optional=f["optional"], doc=f["doc"], flatten=f["flatten"],
                               fallback=fallback, **t))
        if d["array"] is not None:
            arr = next((x for x in fields if x["name"] == d["array"]), None)
            if arr is None or not arr["repeated"] or len(fields) != 1:
                raise d["pos"].error(f"record {d['name']}: `wire array {d['array']}` needs "
                                     f"'{d['array']}' to be its only field, a list")
        return {"name": d["name"], "alias": d["alias"], "area": d["area"],
                "c_name": snake(d["name"]), "wire_array": d["array"], "fields": fields}

    def union(self, d: Raw) -> Raw:
        names, numbers, arms = set(), set(), []
        for a in d["arms"]:
            if a["name"] in names or a["number"] in numbers:
                raise a["pos"].error(f"union {d['name']}: duplicate arm '{a['name']}'")
            names.add(a["name"])
            numbers.add(a["number"])
            t = self.type_ref(a["type"], f"{d['name']}.{a['name']}")
            if t["type"] != "record":
                raise a["type"]["pos"].error(f"union {d['name']}: arm '{a['name']}' must be a record")
            arms.append({"name": a["name"], "number": a["number"], "ref": t["ref"]})
        if d["tag"] in ("kind", "raw_json") or d["tag"] in names:
            raise d["pos"].error(f"union {d['name']}: tag \"{d['tag']}\" clashes with a member "
                                 f"of its C type (kind, raw_json, the arms)")
        unknown = d.get("unknown")
        if unknown is not None:
            # a new arm: old readers skip the field number they lack
            if "unknown" in names:
                raise d["pos"].error(f"union {d['name']}: an arm named 'unknown' clashes "
                                     "with `unknown @N`")
            if unknown in numbers:
                raise d["pos"].error(f"union {d['name']}: unknown @{unknown} reuses an arm's number")
            if d["name"] + "Unknown" in self.types:
                raise d["pos"].error(f"union {d['name']}: `unknown @N` needs the message name "
                                     f"{d['name']}Unknown, which a type already uses")
        return {"name": d["name"], "area": d["area"], "c_name": snake(d["name"]),
                "tag": d["tag"], "arms": arms, "unknown": unknown}

    # ---- namespaces and ops ----
    def namespace(self, d: Raw) -> Raw:
        if d["plane"] not in self.planes:
            raise d["plane_pos"].error(f"unknown plane '{d['plane']}'")
        ops = [self.op(d, o) for o in d["ops"]]
        seen = {}
        for raw, op in zip(d["ops"], ops):
            for h in op["helpers"]:
                if h["name"] in seen or h["name"] in {o["name"] for o in ops}:
                    raise raw["paginate"]["helpers_pos"].error(
                        f"helper '{h['name']}' of {op['full_name']} clashes in namespace {d['name']}")
                seen[h["name"]] = op
        return {"name": d["name"], "plane": d["plane"], "area": d["area"],
                "c_name": d["name"].replace(".", "_"), "ops": ops}

    def op(self, ns: Raw, raw: Raw) -> Raw:
        full = raw["full"]
        route = raw["route"]
        res = raw["result"]
        op = {"name": raw["name"], "ns": ns["name"], "full_name": full,
              "c_name": "cmdop_" + full.replace(".", "_"), "plane": ns["plane"],
              "doc": raw["doc"]}
        # result
        op["handle"] = None
        if res["kind"] == "void":
            op["result"] = None
        elif res["kind"] == "handle":
            if res["name"] not in self.handles:
                raise res["pos"].error(f"unknown handle '{res['name']}'")
            if route["kind"] != "local":
                raise res["pos"].error(f"op {full}: only a `local` op returns a handle")
            op["result"] = None
            op["handle"] = res["name"]
        else:
            want = "union" if res["kind"] == "stream" else "record"
            decl = self.types.get(res["name"])
            if decl is None:
                raise res["pos"].error(f"unknown type '{res['name']}'")
            if decl["kind"] != want:
                raise res["pos"].error(f"op {full}: result '{res['name']}' must be a {want}")
            op["result"] = res["name"]
        if route["kind"] == "local":
            if res["kind"] != "handle":
                raise route["pos"].error(f"op {full}: a `local` op returns `handle <Name>`")
            op["kind"] = "local"
            op["method"] = op["path"] = None
        elif route["kind"] == "http":
            op["kind"] = "stream" if res["kind"] == "stream" else "http"
            op["method"], op["path"] = route["method"], route["path"]
            if not op["path"].startswith("/"):
                raise route["path_pos"].error(f"op {full}: path must start with '/'")
        else:
            op["kind"] = "scan"
            op["method"] = op["path"] = None
        op["params"] = self.params(raw, op)
        self.check_path(raw, op)
        op["scan"] = None
        if op["kind"] == "scan":
            if route["arg"] not in {p["name"] for p in op["params"] if p["in"] == "arg"}:
                raise route["arg_pos"].error(
                    f"op {full}: scan argument '{route['arg']}' is not a declared arg param")
            op["scan"] = {"list": route["list"], "match": route["match"], "arg": route["arg"],
                          "_pos": route["pos"]}
        # empty answers
        op["empty"] = None
        if raw["empty"]:
            e = raw["empty"]
            if e["status"] not in (200, 202, 204):
                raise e["pos"].error(f"op {full}: empty status must be 200, 202 or 204")
            if op["result"] is None and e["result"] is not None:
                raise e["pos"].error(f"op {full}: a void op can not synthesize a result")
            if op["result"] is not None and e["result"] is None:
                raise e["pos"].error(f"op {full}: give the synthesized result (=> {{...}})")
            op["empty"] = {"status": e["status"], "result": e["result"]}
        elif op["result"] is None and op["kind"] not in ("scan", "local"):
            raise raw["pos"].error(f"op {full}: a void op needs 'empty 204'")
        # retry safety
        op["idempotent"] = op["method"] in ("GET", "DELETE", "PATCH", "PUT") or op["kind"] == "scan"
        op["idempotency_key"] = op["method"] == "POST" and not raw["no_idem"]
        op["unwrap"] = self.unwrap(raw, op)
        op["paginate"] = self.paginate(raw, op)
        op["helpers"] = []
        if op["paginate"]:
            pg = op["paginate"]
            # helpers take the list op's params minus the cursor / page they drive
            hp = [p["name"] for p in op["params"] if p["name"] not in
                  (pg["req_cursor"], pg["req_page"], pg["req_offset"])]
            op["helpers"] = [{"name": pg["iter"], "node_name": camel(pg["iter"]), "kind": "iter",
                              "yields": pg["item_type"], "params": hp},
                             {"name": pg["pages"], "node_name": camel(pg["pages"]),
                              "kind": "pages", "yields": op["result"], "params": hp}]
        op["errors"] = self.op_errors(raw, op)
        op["channels"] = self.channels(raw, op)
        op["stream"] = self.stream_facts(raw, op)
        op["envelope"] = self.envelope(raw, op)
        op["call"] = self.calls(raw, op)
        return op

    def params(self, raw: Raw, op: Raw) -> list[Raw]:
        names: dict[str, Raw] = {}
        numbers: dict[int, Raw] = {}
        out: list[Raw] = []
        for p in raw["params"]:
            where = f"op {op['full_name']}: param '{p['name']}'"
            if p["name"] in names:
                raise p["pos"].error(f"op {op['full_name']}: duplicate param '{p['name']}'")
            if p["number"] in numbers:
                raise p["pos"].error(
                    f"op {op['full_name']}: duplicate field number {p['number']} "
                    f"(also '{numbers[p['number']]['name']}')")
            if not 1 <= p["number"] < PRESENT_OFFSET:
                raise p["pos"].error(f"{where}: param field numbers are 1..{PRESENT_OFFSET - 1} "
                                     f"(higher ones are the presence companions)")
            names[p["name"]] = numbers[p["number"]] = p
            t = self.type_ref(p["type"], where)
            out.append(self.param(p, t, where, op))
        taken = {q["name"] for q in out}
        for q, raw_p in zip(out, raw["params"]):
            pres = _presence(q["name"], q["type"], q["required"], q["number"])
            if pres and pres[0] in taken:
                raise raw_p["pos"].error(f"op {op['full_name']}: param '{pres[0]}' clashes with "
                                         f"the presence companion of '{q['name']}'")
        return out

    def param(self, p: Raw, t: Raw, where: str, op: Raw) -> Raw:
        kind = t["type"]
        enum_values = None
        if kind == "record" or kind == "union" or kind == "json":
            raise p["type"]["pos"].error(f"{where}: params can not be of type {kind}")
        if kind == "enum":
            enum_values = [v["wire"] for v in self.enum_model(t["ref"])["values"] if v["wire"]]
        if p["one_of"] is not None:
            if kind != "string" or t["repeated"]:
                raise p["pos"].error(f"{where}: one_of needs a string")
            kind, enum_values = "enum", p["one_of"]
        if t["repeated"] and kind != "string":
            raise p["type"]["pos"].error(f"{where}: only string lists are supported")
        ptype = "string_list" if t["repeated"] else ("string_map" if kind == "map" else kind)
        if p["in"] in ("path", "context", "arg") and ptype != "string":
            raise p["pos"].error(f"{where}: {p['in']} params must be strings")
        if p["in"] == "query" and ptype == "string_map":
            raise p["pos"].error(f"{where}: maps can only travel in the body")
        if p["in"] == "path" and (p["optional"] or p["default"] is not None):
            raise p["pos"].error(f"{where}: path params are required")
        if p["from"] is not None and p["in"] != "context":
            raise p["pos"].error(f"{where}: 'from' is only for context params")
        if p["filter"] is not None and (p["in"] != "local" or ptype != "string"):
            raise p["pos"].error(f"{where}: filter(...) needs a local string param")
        if p["omit_empty"] and ptype not in ("string", "string_list", "string_map"):
            raise p["pos"].error(f"{where}: omit_empty needs a string, list or map")
        num_min = num_max = None
        if p["range"] is not None:
            if ptype not in NUMERIC:
                raise p["pos"].error(f"{where}: range needs a number type")
            num_min, num_max = p["range"]
        min_len = max_len = None
        if p["len"] is not None:
            if ptype != "string":
                raise p["pos"].error(f"{where}: len needs a string")
            min_len, max_len = p["len"]
        if p["pattern"] is not None:
            if ptype != "string":
                raise p["pos"].error(f"{where}: pattern needs a string")
            try:
                re.compile(p["pattern"])
            except re.error as exc:
                raise p["pos"].error(f"{where}: bad pattern: {exc}") from None
        out = {"name": p["name"], "wire": p["wire"] or p["name"], "node_name": camel(p["name"]),
               "in": p["in"], "type": ptype, "enum": t["ref"] if t["type"] == "enum" else None,
               "number": p["number"],
               "required": (not p["optional"] and p["default"] is None) or p["in"] == "context",
               "default": p["default"], "min": num_min, "max": num_max,
               "min_len": min_len, "max_len": max_len, "enum_values": enum_values,
               "pattern": p["pattern"], "context_from": p["from"],
               "generated": p["generated"], "doc": p["doc"],
               "filter": p["filter"], "omit_empty": p["omit_empty"],
               "idle_seconds": bool(p.get("idle_seconds"))}
        if out["idle_seconds"] and (op["kind"] != "stream" or ptype != "int32"):
            raise p["pos"].error(f"{where}: idle_seconds needs an int32 param of a stream op")
        if kind == "enum" and t["type"] == "enum":
            sends = {v["wire"] or v["name"].lower(): v["sends"]
                     for v in self.types[t["ref"]]["values"] if v["sends"]}
            out["enum_sends"] = [sends.get(v, v) for v in enum_values or ()] if sends else None
        else:
            out["enum_sends"] = None
        if p.get("explicit") and ptype in ("string_list", "string_map"):
            raise p["pos"].error(f"{where}: explicit_presence is for scalar params "
                                 "(lists and maps have no presence)")
        out["implicit"] = implicit(ptype, out["enum"], p["optional"], p["generated"],
                                   p.get("explicit", False))
        if p["default"] is not None:
            self.check_default(p, out, where)
        return out

    def enum_model(self, name: str) -> Raw:
        d = self.types[name]
        return {"values": [{"wire": v["wire"] if v["wire"] is not None or v["number"] == 0
                            else v["name"].lower()} for v in d["values"]]}

    def check_default(self, p: Raw, out: Raw, where: str) -> None:
        v, pos, t = p["default"], p["default_pos"], out["type"]
        ok = {
            "string": isinstance(v, str), "enum": isinstance(v, str),
            "int32": isinstance(v, int) and not isinstance(v, bool),
            "int64": isinstance(v, int) and not isinstance(v, bool),
            "double": isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": isinstance(v, bool),
            "string_list": isinstance(v, list) and all(isinstance(x, str) for x in v),
            "string_map": isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
        }[t]
        if not ok:
            raise pos.error(f"{where}: default {json.dumps(v)} is not a {t}")
        if t in INT_LIMITS and not INT_LIMITS[t][0] <= v <= INT_LIMITS[t][1]:
            raise pos.error(f"{where}: default {v} does not fit {t}")
        if out["min"] is not None and v < out["min"] or out["max"] is not None and v > out["max"]:
            raise pos.error(f"{where}: default {v} is outside its range "
                            f"{_bounds(out['min'], out['max'])}")
        if t == "enum" and v not in out["enum_values"]:
            raise pos.error(f"{where}: default {json.dumps(v)} is not one of "
                            f"{', '.join(out['enum_values'])}")
        if t == "string":
            n = len(v.encode("utf-8"))
            if (out["min_len"] is not None and n < out["min_len"]) or \
                    (out["max_len"] is not None and n > out["max_len"]):
                raise pos.error(f"{where}: default {json.dumps(v)} is outside its length "
                                f"{_bounds(out['min_len'], out['max_len'])}")
            if out["pattern"] and not re.fullmatch(out["pattern"], v):
                raise pos.error(f"{where}: default {json.dumps(v)} does not match its pattern")

    def check_path(self, raw: Raw, op: Raw) -> None:
        if op["kind"] == "local":
            for p in raw["params"]:
                if p["in"] != "local":
                    raise p["pos"].error(f"op {op['full_name']}: a local op's params are "
                                         f"`local` (never sent anywhere)")
            return
        if op["kind"] == "scan":
            for p in raw["params"]:
                if p["in"] == "path":
                    raise p["pos"].error(f"op {op['full_name']}: a scan op has no path")
            return
        in_path = PATH_VAR.findall(op["path"])
        by_name = {p["name"]: p for p in raw["params"]}
        for var in in_path:
            p = by_name.get(var)
            if p is None or p["in"] not in ("path", "context"):
                raise raw["route"]["path_pos"].error(
                    f"op {op['full_name']}: path parameter '{{{var}}}' is not declared "
                    f"as a path or context param")
        for p in raw["params"]:
            if p["in"] == "path" and p["name"] not in in_path:
                raise p["pos"].error(
                    f"op {op['full_name']}: path param '{p['name']}' is missing from the "
                    f"path template \"{op['path']}\"")

    def unwrap(self, raw: Raw, op: Raw) -> str | None:
        if not raw["unwrap"]:
            return None
        name, pos = raw["unwrap"]
        if op["result"] is None or op["kind"] != "http":
            raise pos.error(f"op {op['full_name']}: unwrap needs a record result")
        fields = {f["name"]: f for f in self.record_models[op["result"]]["fields"]}
        if name not in fields:
            raise pos.error(f"op {op['full_name']}: {op['result']} has no field '{name}'")
        return str(name)

    def paginate(self, raw: Raw, op: Raw) -> Raw | None:
        pg = raw["paginate"]
        if not pg:
            return None
        full, style = op["full_name"], pg["style"]
        if op["result"] is None or op["kind"] != "http":
            raise pg["pos"].error(f"op {full}: only an http op with a record result can paginate")
        defaults = {
            "cursor": {"req_cursor": "cursor", "resp_items": "items",
                       "resp_next_cursor": "next_cursor"},
            # the wire answers page/per_page/has_next/has_prev; the core fills the
            # record's `offset` = (page-1)*per_page (no offset on the wire)
            "offset": {"req_offset": "offset", "req_page": "page", "req_size": "per_page",
                       "resp_items": "items", "resp_total": "total", "resp_page": "page",
                       "resp_per_page": "per_page", "resp_has_next": "has_next",
                       "resp_has_prev": "has_prev", "resp_offset": "offset"},
            "number": {"req_page": "page", "req_size": "page_size", "resp_items": "results",
                       "resp_total": "count", "resp_has_next": "has_next",
                       "resp_next_page": "next_page"},
        }[style]
        keys: dict[str, str | None] = {"req_cursor": None, "req_offset": None, "req_page": None, "req_size": None,
                "resp_items": None, "resp_next_cursor": None, "resp_has_more": None,
                "resp_total": None, "resp_has_next": None, "resp_next_page": None,
                "resp_page": None, "resp_per_page": None, "resp_has_prev": None,
                "resp_offset": None}
        keys.update(defaults)
        for k, (v, pos) in pg["keys"].items():
            key = "resp_" + k if "resp_" + k in keys else k
            if key not in keys:
                raise pos.error(f"op {full}: unknown paginate key '{k}'")
            keys[key] = v
        params = {p["name"]: p for p in op["params"]}
        for k in ("req_cursor", "req_page", "req_size"):
            if keys[k] and keys[k] not in params:
                raise pg["pos"].error(
                    f"op {full}: {style} pagination needs a param '{keys[k]}'")
        fields = {f["wire"]: f for f in self.record_models[op["result"]]["fields"]}
        for k in ("resp_items", "resp_next_cursor", "resp_has_more", "resp_total",
                  "resp_has_next", "resp_next_page", "resp_page", "resp_per_page",
                  "resp_has_prev", "resp_offset"):
            if keys[k] and keys[k] not in fields:
                raise pg["pos"].error(f"op {full}: {op['result']} has no field '{keys[k]}'")
        items = fields[keys["resp_items"]]
        if not items["repeated"] or items["type"] != "record":
            raise pg["pos"].error(f"op {full}: '{keys['resp_items']}' must be a list of records")
        emulated = pg.get("emulated", False)
        if emulated:
            # paging the hosted service does not have: the core fetches the whole
            # list once and slices it (its page params must be `local`)
            if style != "offset":
                raise pg["pos"].error(f"op {full}: only offset paging can be emulated")
            for k in ("req_page", "req_size"):
                if params[keys[k]]["in"] != "local":
                    raise pg["pos"].error(f"op {full}: emulated paging needs a local "
                                          f"param '{keys[k]}'")
        return dict(style=style, iter=pg["iter"], pages=pg["pages"], item_type=items["ref"],
                    emulated=emulated, **keys)

    def op_errors(self, raw: Raw, op: Raw) -> list[str]:
        out = [n for n, _ in self.planes[op["plane"]]["errors"]]
        for name, pos in raw["errors"]:
            self.error_ref(name, pos)
            if name not in out:
                out.append(name)
        if any(p["required"] or p["min"] is not None or p["max"] is not None or p["enum_values"]
               or p["min_len"] is not None or p["max_len"] is not None or p["pattern"]
               for p in op["params"]) and "validation" not in out:
            out.append("validation")
        if op["kind"] == "scan" and "not_found" not in out:
            out.append("not_found")
        return out

    def channels(self, raw: Raw, op: Raw) -> list[Raw]:
        out = []
        for c in raw["channels"]:
            if op["kind"] != "stream":
                raise c["pos"].error(f"op {op['full_name']}: channels need a stream result")
            body = self.types.get(c["body"])
            if body is None or body["kind"] != "record":
                raise c["body_pos"].error(f"unknown type '{c['body']}'")
            union = self.types[op["result"]]
            if c["on"] not in {a["name"] for a in union["arms"]}:
                raise c["pos"].error(f"op {op['full_name']}: '{c['on']}' is not an arm of "
                                     f"{op['result']}")
            for var in PATH_VAR.findall(c["path"]):
                if var not in {p["name"] for p in op["params"] if p["in"] in ("path", "context")}:
                    raise c["pos"].error(f"channel {c['name']}: path parameter '{{{var}}}' "
                                         f"is not a path param of {op['full_name']}")
            rejected = c.get("rejected")
            if rejected is not None:
                tag = union["tag"]
                if not isinstance(rejected, dict) or rejected.get(tag) not in \
                        {a["name"] for a in union["arms"]}:
                    raise c["pos"].error(f"channel {c['name']}: `rejected` must be a frame "
                                         f"object whose \"{tag}\" names an arm of {op['result']}")
            out.append({"name": c["name"], "method": c["method"], "path": c["path"],
                        "body": c["body"], "on": c["on"], "answer_arm": c["answer"],
                        "continues": c.get("continues", False), "rejected": rejected})
        if sum(1 for c in out if c["continues"]) > 1:
            raise raw["pos"].error(f"op {op['full_name']}: at most one channel continues "
                                   f"the stream")
        return out

    def stream_facts(self, raw: Raw, op: Raw) -> Raw | None:
        """How a stream op's frames drive the stream (docs/idl.md "Streams"):
        `ends` the arm that ends it (yielded last), `fails` the arm that ends it
        with an error (its `code` mapped to the IDL errors in `map`, any other
        code to `else`), `collect` the one collect rule."""
        bad = [k for k in ("ends", "fails", "collect") if raw.get(k)]
        if op["kind"] != "stream":
            if bad:
                raise raw["pos"].error(f"op {op['full_name']}: '{bad[0]}' needs a stream result")
            return None
        union = self.types[op["result"]]
        arms = {a["name"]: a for a in union["arms"]}

        def arm_ref(name: str, pos: Pos) -> Raw:
            if name not in arms:
                raise pos.error(f"op {op['full_name']}: '{name}' is not an arm of {op['result']}")
            return self.record_models[arms[name]["type"]["name"]]

        if not raw.get("ends"):
            raise raw["pos"].error(f"op {op['full_name']}: a stream needs `ends <arm>` "
                                   f"(the frame that ends it)")
        ends, pos = raw["ends"]
        ends_rec = arm_ref(ends, pos)
        # the stdio core sends the last frame as DONE + the envelope arm of its name
        if not any(d["kind"] == "arm" and d["name"] == ends and d["type"]["name"] ==
                   ends_rec["name"] for d in self.decls):
            raise pos.error(f"op {op['full_name']}: `ends {ends}` needs a top-level "
                            f"`arm N {ends}: {ends_rec['name']}` (its DONE envelope arm)")
        fails = None
        if raw.get("fails"):
            f = raw["fails"]
            rec = arm_ref(f["arm"], f["pos"])
            fields = {x["name"]: x for x in rec["fields"]}
            for key in ("code", "message"):
                if key not in fields or fields[key]["type"] != "string" or fields[key]["repeated"]:
                    raise f["pos"].error(f"op {op['full_name']}: the `fails` arm {f['arm']} "
                                         f"needs a string field '{key}'")
            if f["arm"] == ends:
                raise f["pos"].error(f"op {op['full_name']}: `fails` and `ends` name one arm")
            codes = []
            for name, p in f["map"]:
                self.error_ref(name, p)
                codes.append({"code": name, "c_code": self.errors[name]["c_code"]})
            other, p = f["else"]
            self.error_ref(other, p)
            fails = {"arm": f["arm"], "map": codes,
                     "else": {"code": other, "c_code": self.errors[other]["c_code"]}}
        collect = None
        if raw.get("collect"):
            c = raw["collect"]
            for arm, field, want in ((c["final_arm"], c["final_field"], "string"),
                                     (c["piece_arm"], c["piece_field"], "json")):
                rec = arm_ref(arm, c["pos"])
                fl = next((x for x in rec["fields"] if x["name"] == field), None)
                if fl is None or fl["type"] != want or fl["repeated"]:
                    raise c["pos"].error(f"op {op['full_name']}: collect needs {arm}.{field} "
                                         f"to be a {want} field")
            collect = {k: c[k] for k in ("final_arm", "final_field", "piece_arm", "piece_field",
                                         "piece_keys")}
        idle = [p["name"] for p in op["params"] if p.get("idle_seconds")]
        return {"ends": ends, "fails": fails, "collect": collect,
                "idle_seconds": idle[0] if idle else None}

    def envelope(self, raw: Raw, op: Raw) -> Raw:
        e = raw["envelope"]
        if e is None:
            raise raw["pos"].error(f"op {op['full_name']}: missing 'envelope' arm numbers")
        if op["kind"] == "local":
            h = self.handles[op["handle"]]
            want = h["state"]["number"] if h["state"] else EMPTY_ARM
            if e["resp"] != want:
                raise e["pos"].error(f"op {op['full_name']}: a local op answers with its handle's "
                                     f"state arm @{want}")
            req_msg = pascal(re.sub(r"_req$", "", e["req_name"])) + "Request"
            return {"request": {"number": e["req"], "name": e["req_name"], "message": req_msg},
                    "response": {"number": e["resp"], "name": e["resp_name"],
                                 "message": self.handle_models[op["handle"]]["state_message"]
                                 if h["state"] else "Empty"},
                    "page": None, "_pos": e["pos"]}
        if op["result"] is None and e["resp"] != EMPTY_ARM:
            raise e["pos"].error(f"op {op['full_name']}: a void op answers with the empty arm "
                                 f"@{EMPTY_ARM}")
        req_msg = pascal(re.sub(r"_req$", "", e["req_name"])) + "Request"
        return {"request": {"number": e["req"], "name": e["req_name"], "message": req_msg},
                "response": {"number": e["resp"], "name": e["resp_name"],
                             "message": op["result"] or "Empty"},
                "page": self.envelope_page(raw, op),
                "_pos": e["pos"]}

    def envelope_page(self, raw: Raw, op: Raw) -> Raw | None:
        """`envelope_page OffsetPage @N`: the op's offset-pagination params (page,
        per_page) travel in the request message as ONE message field named like
        the page param, {offset = (page-1)*per_page, per_page} (the 1.1 schema);
        the core turns it back into page/per_page (docs/stdio.md)."""
        ep = raw.get("envelope_page")
        if ep is None:
            return None
        full, pos, pg = op["full_name"], ep["pos"], op["paginate"]
        if not pg or pg["style"] != "offset":
            raise pos.error(f"op {full}: envelope_page needs `paginate offset`")
        rec = self.record_models.get(ep["message"])
        if rec is None:
            raise pos.error(f"unknown record '{ep['message']}'")
        fields = {f["name"]: f for f in rec["fields"]}
        for key in (pg["req_offset"], pg["req_size"]):
            f = fields.get(key)
            if f is None or f["type"] != "int32" or f["repeated"]:
                raise pos.error(f"op {full}: {ep['message']} needs an int32 field '{key}'")
        moved = (pg["req_page"], pg["req_size"])
        if not 1 <= ep["number"] < PRESENT_OFFSET:
            raise pos.error(f"op {full}: envelope_page @{ep['number']} is outside "
                            f"1..{PRESENT_OFFSET - 1}")
        for p in op["params"]:
            if p["name"] not in moved and p["number"] == ep["number"]:
                raise pos.error(f"op {full}: envelope_page @{ep['number']} is already "
                                f"param '{p['name']}'")
        return {"number": ep["number"], "message": ep["message"], "field": pg["req_page"],
                "page": pg["req_page"], "per_page": pg["req_size"],
                "offset_field": pg["req_offset"], "per_page_field": pg["req_size"]}

    def calls(self, raw: Raw, op: Raw) -> Raw:
        params = op["params"]
        positional = [p["name"] for p in params if p["in"] in ("path", "arg")]
        py_default = positional + [p["name"] for p in params
                                   if p["in"] in ("query", "body") and p["required"]]
        out = {}
        # python: names before "*" are positional (or keyword), the rest keyword-only.
        spec = raw["calls"].get("python")
        slots, seen, star = [], set(), False
        if spec is None:
            for n in py_default:
                slots.append({"param": n, "kind": "positional"})
                seen.add(n)
        else:
            for s in spec["slots"]:
                if s["kind"] == "star":
                    star = True
                    continue
                if s["kind"] != "name":
                    raise s["pos"].error("python call shapes take names and '*' only")
                self.slot_param(op, s["name"], s["pos"], seen)
                slots.append({"param": s["name"], "kind": "keyword" if star else "positional"})
        for p in params:
            if p["name"] not in seen:
                slots.append({"param": p["name"], "kind": "keyword"})
        out["python"] = slots
        # node: positional ids, then option objects (camelCase members).
        spec = raw["calls"].get("node")
        slots, seen = [], set()
        if spec is None:
            for n in positional:
                slots.append({"kind": "positional", "param": n})
                seen.add(n)
            rest = [p["name"] for p in params if p["name"] not in seen]
            if rest:
                slots.append({"kind": "object", "name": "opts", "members": rest})
        else:
            for s in spec["slots"]:
                if s["kind"] == "name":
                    self.slot_param(op, s["name"], s["pos"], seen)
                    slots.append({"kind": "positional", "param": s["name"]})
                elif s["kind"] == "object":
                    for n, pos in s["members"]:
                        self.slot_param(op, n, pos, seen)
                    slots.append({"kind": "object", "name": s["name"],
                                  "members": [n for n, _ in s["members"]]})
                else:
                    raise s["pos"].error("node call shapes take names and {objects} only")
            missing = [p["name"] for p in params if p["name"] not in seen]
            if missing:
                raise spec["pos"].error(f"op {op['full_name']}: node call shape misses "
                                        f"{', '.join(missing)}")
        by_name = {p["name"]: p for p in params}
        for s in slots:
            if s["kind"] == "positional":
                s["node_name"] = camel(s["param"])
                s["optional"] = not by_name[s["param"]]["required"] or \
                    by_name[s["param"]]["in"] == "context"
            else:
                s["node_members"] = [camel(m) for m in s["members"]]
                s["optional"] = all(not by_name[m]["required"] or by_name[m]["in"] == "context"
                                    for m in s["members"])
        out["node"] = slots
        return out

    @staticmethod
    def slot_param(op: Raw, name: str, pos: Pos, seen: set[str]) -> None:
        if name not in {p["name"] for p in op["params"]}:
            raise pos.error(f"op {op['full_name']}: call shape names unknown param '{name}'")
        if name in seen:
            raise pos.error(f"op {op['full_name']}: param '{name}' appears twice in a call shape")
        seen.add(name)

    # ---- whole-model checks ----
    def check_routes(self, model: Raw) -> None:
        seen: dict[tuple[str, str, str], tuple[str, Pos]] = {}
        for ns in model["namespaces"]:
            for op, raw in zip(ns["ops"], self.namespaces[ns["name"]]["ops"]):
                if op["method"] is None:
                    continue
                shape = PATH_VAR.sub("{}", op["path"])
                key = (op["plane"], op["method"], shape)
                if key in seen:
                    first, first_pos = seen[key]
                    raise raw["route"]["pos"].error(
                        f"route {op['method']} {op['path']} on plane {op['plane']} clashes "
                        f"with {first} ({first_pos})")
                seen[key] = (op["full_name"], raw["route"]["pos"])

    def resolve_scans(self, model: Raw) -> None:
        ops = {op["full_name"]: op for ns in model["namespaces"] for op in ns["ops"]}
        for op in ops.values():
            sc = op["scan"]
            if not sc:
                continue
            pos = sc.pop("_pos")
            target = ops.get(sc["list"])
            if target is None:
                raise pos.error(f"op {op['full_name']}: unknown op '{sc['list']}' to scan")
            if not target["paginate"]:
                raise pos.error(f"op {op['full_name']}: '{sc['list']}' is not paginated")
            item = self.record_models[target["paginate"]["item_type"]]
            if sc["match"] not in {f["wire"] for f in item["fields"]}:
                raise pos.error(f"op {op['full_name']}: {item['name']} has no field "
                                f"'{sc['match']}'")
            if op["result"] != item["name"]:
                raise pos.error(f"op {op['full_name']}: result must be {item['name']}")

    def handle(self, d: Raw) -> Raw:
        """A handle (docs/idl.md "handle"): the events union it yields, the state it
        pushes, its methods (params `local`, validated as a local op's; result a
        record or void)."""
        name = d["name"]
        ev = d["events"]
        if ev is None:
            raise d["pos"].error(f"handle {name}: needs `events <Union> envelope <arm> @N`")
        u = self.types.get(ev["union"])
        if u is None or u["kind"] != "union":
            raise ev["pos"].error(f"handle {name}: unknown union '{ev['union']}'")
        state = None
        if d["state"]:
            st = d["state"]
            if name + "State" in self.types:
                raise st["pos"].error(f"handle {name}: its state message {name}State is "
                                      f"already a type's name")
            e = self.types.get(st["enum"])
            if e is None or e["kind"] != "enum":
                raise st["pos"].error(f"handle {name}: unknown enum '{st['enum']}'")
            state = {"name": st["name"], "enum": st["enum"],
                     "arm": {"name": st["arm"], "number": st["number"]}}
        methods = []
        seen = set()
        fake_op = {"full_name": name, "kind": "local", "name": name}
        for m in d["methods"]:
            if m["name"] in seen:
                raise m["pos"].error(f"handle {name}: duplicate method '{m['name']}'")
            seen.add(m["name"])
            where = f"handle {name}: method {m['name']}"
            res = m["result"]
            if res["kind"] not in ("void", "record"):
                raise res["pos"].error(f"{where}: a method returns `void` or a record")
            result = None
            if res["kind"] == "record":
                t = self.types.get(res["name"])
                if t is None or t["kind"] != "record":
                    raise res["pos"].error(f"{where}: unknown record '{res['name']}'")
                result = res["name"]
            # params as a local op's (never sent anywhere; the core validates them
            # before the engine sees them); field 1 of the request is the handle
            fake_op["full_name"] = f"{name}.{m['name']}"
            for p in m["params"]:
                if p["in"] != "local":
                    raise p["pos"].error(f"{where}: a method's params are `local`")
                if p["number"] == 1:
                    raise p["pos"].error(f"{where}: param field 1 is the handle (use @2 and up)")
            params = self.params(m, fake_op)
            e = m["envelope"]
            if e is None:
                raise m["pos"].error(f"{where}: missing 'envelope' arm numbers")
            if result is None and e["resp"] != EMPTY_ARM:
                raise e["pos"].error(f"{where}: a void method answers with the empty arm "
                                     f"@{EMPTY_ARM}")
            if result is not None and e["resp"] == EMPTY_ARM:
                raise e["pos"].error(f"{where}: a method returning {result} answers with "
                                     f"its own arm, not the empty arm @{EMPTY_ARM}")
            req_msg = pascal(re.sub(r"_req$", "", e["req_name"])) + "Request"
            methods.append({"name": m["name"], "doc": m["doc"], "c_name": snake(name) + "_" +
                            m["name"], "node_name": camel(m["name"]), "params": params,
                            "result": result,
                            "envelope": {"request": {"number": e["req"], "name": e["req_name"],
                                                     "message": req_msg},
                                         "response": {"number": e["resp"],
                                                      "name": e["resp_name"],
                                                      "message": result or "Empty"},
                                         "_pos": e["pos"]}})
        del fake_op
        close = None
        if d["close"]:
            close, cpos = d["close"][0]
            if len(d["close"]) > 1:
                raise d["close"][1][1].error(f"handle {name}: a second `close`")
            m = next((x for x in d["methods"] if x["name"] == close), None)
            if m is None:
                raise cpos.error(f"handle {name}: `close {close}` names no method of it")
            if m["params"] or m["result"]["kind"] != "void":
                raise cpos.error(f"handle {name}: `close {close}` needs a method with no "
                                 f"params that returns void")
        return {"name": name, "area": d["area"], "c_name": snake(name), "doc": d["doc"],
                "close": close,
                "events": {"union": ev["union"], "arm": {"name": ev["arm"],
                                                         "number": ev["number"]}},
                "state": state, "state_message": name + "State" if state else None,
                "methods": methods, "_pos": d["pos"]}

    def check_handles(self, model: Raw) -> None:
        """Every handle is returned by exactly one local op."""
        by: dict[str, str] = {}
        for ns in model["namespaces"]:
            for op in ns["ops"]:
                if op["handle"]:
                    if op["handle"] in by:
                        raise self.ops[op["full_name"]]["pos"].error(
                            f"handle {op['handle']} is already returned by {by[op['handle']]}")
                    by[op["handle"]] = op["full_name"]
        for h in model["handles"]:
            if h["name"] not in by:
                raise h["_pos"].error(f"handle {h['name']}: no `local` op returns it")
            h["op"] = by[h["name"]]

    def arms(self, model: Raw) -> list[Raw]:
        arms: dict[int, Raw] = {}

        def add(number: int, name: str, message: str, pos: Pos) -> None:
            for other in arms.values():
                if other["name"] == name and other["number"] != number:
                    raise pos.error(f"envelope arm '{name}' already has number {other['number']}")
            old = arms.get(number)
            if old and (old["name"] != name or old["message"] != message):
                raise pos.error(f"envelope arm {number} is already '{old['name']}' "
                                f"({old['message']})")
            arms[number] = {"number": number, "name": name, "message": message}

        for d in self.decls:
            if d["kind"] == "arm":
                t = self.type_ref(d["type"], f"arm {d['number']}")
                if t["type"] != "record" or t["repeated"]:
                    raise d["type"]["pos"].error(f"arm {d['number']}: must be a record")
                if d["number"] in (1, 2) or d["number"] < 1:
                    raise d["pos"].error(f"arm {d['number']}: 1 and 2 are id and kind")
                add(d["number"], d["name"], t["ref"], d["pos"])
        for h in model["handles"]:
            pos = h.pop("_pos")
            add(h["events"]["arm"]["number"], h["events"]["arm"]["name"], h["events"]["union"],
                pos)
            if h["state"]:
                add(h["state"]["arm"]["number"], h["state"]["arm"]["name"], h["state_message"],
                    pos)
            for m in h["methods"]:
                e = m["envelope"]
                mpos = e.pop("_pos")
                add(e["request"]["number"], e["request"]["name"], e["request"]["message"], mpos)
                add(e["response"]["number"], e["response"]["name"], e["response"]["message"],
                    mpos)
        for ns in model["namespaces"]:
            for op in ns["ops"]:
                e = op["envelope"]
                pos = e.pop("_pos")
                add(e["request"]["number"], e["request"]["name"], e["request"]["message"], pos)
                add(e["response"]["number"], e["response"]["name"], e["response"]["message"], pos)
        return [arms[k] for k in sorted(arms)]


def _bounds(lo: int | float | None, hi: int | float | None) -> str:
    return f"{'' if lo is None else lo}..{'' if hi is None else hi}"
