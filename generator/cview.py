"""The C view of the model: names, member declarations and per-field mapping
kinds the C templates lay out. Kept in Python so the templates stay readable.
"""
import json
from typing import Any

from .ir import Field, Model, Record
from .model import snake

SCALAR_C = {"int32": "int32_t", "int64": "int64_t", "double": "double", "bool": "bool"}


def c_string(s: str) -> str:
    """A C string literal for s (UTF-8 bytes, escaped)."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def c_string_wrapped(s: str, indent: int, width: int = 76) -> str:
    """A long C string literal as adjacent literals of at most `width` chars."""
    pieces, cur = [], ""
    lit = c_string(s)[1:-1]
    i = 0
    while i < len(lit):
        step = 4 if lit[i] == "\\" and lit[i + 1:i + 2].isdigit() else (2 if lit[i] == "\\" else 1)
        if len(cur) + step > width:
            pieces.append(cur)
            cur = ""
        cur += lit[i:i + step]
        i += step
    pieces.append(cur)
    return ("\n" + " " * indent).join(f'"{p}"' for p in pieces)


class CRecord:
    """A record as the C templates see it: the model record plus its C member
    declarations (`c_fields`, derived here; the model stays as built)."""

    def __init__(self, rec: Record, c_fields: list[dict[str, Any]]) -> None:
        self.rec = rec
        self.c_fields = c_fields

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rec, name)

    def __getitem__(self, key: str) -> Any:
        return self.c_fields if key == "c_fields" else self.rec[key]


class CView:
    def __init__(self, model: Model) -> None:
        self.m = model
        self.records = {r.name: r for r in model.records}
        self.enums = {e.name: e for e in model.enums}
        self.unions = {u.name: u for u in model.unions}
        self.c_records = [CRecord(r, [self.field(r, f) for f in r.fields])
                          for r in model.records]
        self.by_name = {cr.rec.name: cr for cr in self.c_records}
        self.ordered = self.topo_records()

    # ---- types ----
    @staticmethod
    def ctype(kind: str, name: str | None) -> str:
        if kind in ("record", "union", "enum"):
            return "cmdop_" + snake(name or "")
        return SCALAR_C[kind]

    def field(self, rec: Record, f: Field) -> dict[str, Any]:
        kind, ref = f.type, f.ref
        cf: dict[str, Any] = {"name": f.name, "wire": f.wire, "optional": f.optional, "ref": ref,
                              "ref_c": snake(ref) if ref else None, "flatten": f.flatten}
        if f.repeated and kind == "string":
            cf["kind"] = "str_list"
            cf["decl"] = [f"char **{f.name};", f"size_t {f.name}_count;"]
        elif f.repeated:
            cf["kind"] = "rec_list"
            # An array of pointers, not of structs: a record may grow (fields
            # appended) without changing the stride callers index with.
            cf["decl"] = [f"cmdop_{cf['ref_c']} **{f.name};", f"size_t {f.name}_count;"]
        elif kind in ("string", "json"):
            cf["kind"] = "str" if kind == "string" else "json"
            cf["decl"] = [f"char *{f.name};"]
        elif kind == "map":
            cf["kind"] = "map"
            cf["decl"] = [f"cmdop_string_map {f.name};"]
        elif kind == "record":
            cf["kind"] = "rec"
            cf["decl"] = [f"cmdop_{cf['ref_c']} *{f.name};"]
        else:
            cf["kind"] = kind  # int32 int64 double bool enum
            ct = self.ctype(kind, ref)
            cf["decl"] = [f"{ct} {f.name};"]
            if f.optional:
                cf["decl"].append(f"bool has_{f.name};")
        cf["comment"] = self.field_comment(f)
        return cf

    @staticmethod
    def field_comment(f: Field) -> str:
        bits = []
        if f.wire != f.name:
            bits.append(f'wire "{f.wire}"')
        if f.type == "json":
            bits.append("opaque JSON text")
        if f.optional:
            if f.type in ("string", "json", "record"):
                bits.append("NULL when absent")
            elif not f.repeated:
                bits.append(f"valid when has_{f.name}")
        if f.doc:
            bits.append(f.doc)
        return "; ".join(bits)

    def topo_records(self) -> list[CRecord]:
        """Records ordered so that arrays of structs see complete element types."""
        done: set[str] = set()
        out: list[CRecord] = []

        def visit(name: str) -> None:
            if name in done:
                return
            done.add(name)
            for f in self.records[name].fields:
                if f.type == "record" and f.repeated and f.ref:
                    visit(f.ref)
            out.append(self.by_name[name])

        for r in self.m.records:
            visit(r.name)
        return out

    # ---- samples for the JSON mapping test ----
    def sample(self, name: str, seed: int = 1) -> dict[str, Any]:
        """A deterministic JSON document with every field of record `name` set."""
        rec = self.records[name]
        out = {}
        for i, f in enumerate(rec.fields, start=seed):
            out[f.wire] = self.sample_value(f, i)
        return out

    def sample_value(self, f: Field, i: int) -> Any:
        kind = f.type
        one = self.scalar_sample(kind, f, i)
        if f.repeated:
            if kind == "record" and f.ref:
                return [self.sample(f.ref, i), self.sample(f.ref, i + 7)]
            return [f"{f.name}-{i}", f"{f.name}-{i + 1}"]
        return one

    def scalar_sample(self, kind: str, f: Field, i: int) -> Any:
        if kind == "string":
            return f"{f.name}-{i}"
        if kind == "json":
            return {"k": i, "s": "v"}
        if kind == "int32":
            return 1000 + i
        if kind == "int64":
            return 2**40 + i
        if kind == "double":
            return i + 0.5
        if kind == "bool":
            return i % 2 == 1
        if kind == "enum":
            vals = [v.wire for v in self.enums[f.ref or ""].values if v.wire]
            return vals[i % len(vals)]
        if kind == "map":
            return {"a": f"x{i}", "b": f"y{i}"}
        if kind == "record":
            return self.sample(f.ref or "", i + 1)
        raise ValueError(kind)

    def sample_rows(self) -> list[dict[str, Any]]:
        """One row per record and union: name, sample text, opaque-JSON keys."""
        rows: list[dict[str, Any]] = []
        for r in self.m.records:
            rows.append({"name": r.name, "c": r.c_name,
                         "json": _dump(self.sample(r.name)),
                         "opaque": [f.wire for f in r.fields if f.type == "json"],
                         "tag": None, "arm_record": None})
        for u in self.m.unions:
            arm = u.arms[0]
            doc = dict(self.sample(arm.ref))
            doc[u.tag] = arm.name
            rows.append({"name": u.name, "c": u.c_name, "json": _dump(doc),
                         "opaque": [f.wire for f in self.records[arm.ref].fields
                                    if f.type == "json"],
                         "tag": u.tag, "arm_record": arm.ref})
        return rows


def _dump(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
