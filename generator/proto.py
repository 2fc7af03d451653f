"""Proto target: gen/proto/cmdop/core/v1/<area>.proto and envelope.proto.

proto2 on purpose: Debian's protoc-c 1.4.1 rejects proto3 `optional`, and
proto2 `optional` keeps presence for every scalar. Repeated and map fields
have none, so optional list/map params get a bool companion (model.presence).

Field numbers are the 1.1 stdio schema's. Fields that schema reads with proto3
implicit presence (model.implicit: request params, and the fields of the
records a client sends: side-channel answers, OffsetPage) carry an explicit
`[default = <zero>]`: the core reads "absent" as that value for a client that
did not say hello (docs/stdio.md "Presence"). A default changes no byte on
the wire.
"""
from typing import Any

import jinja2

from .ir import Model, Op, Param
from .model import presence, snake

PACKAGE = "cmdop.core.v1"
DIR = "proto/cmdop/core/v1"
SCALAR = {"string": "string", "json": "string", "int32": "int32", "int64": "int64",
          "double": "double", "bool": "bool"}


def _type(kind: str, ref: str | None) -> str:
    if kind in SCALAR:
        return SCALAR[kind]
    assert ref is not None, kind  # a record or enum field names its type
    return ref


# The proto3 zero value of an implicit-presence scalar, as a proto2 default.
ZERO = {"string": '""', "json": '""', "int32": "0", "int64": "0", "double": "0",
        "bool": "false"}


def field_line(name: str, kind: str, ref: str | None, repeated: bool, number: int,
               implicit: bool = False) -> str:
    if kind == "map":
        return f"map<string, string> {name} = {number};"
    label = "repeated" if repeated else "optional"
    dflt = f" [default = {ZERO[kind]}]" if implicit and not repeated and kind in ZERO else ""
    return f"{label} {_type(kind, ref)} {name} = {number}{dflt};"


def param_line(p: Param) -> str:
    t = p.type
    if t == "string_list":
        return field_line(p.name, "string", None, True, p.number)
    if t == "string_map":
        return field_line(p.name, "map", None, False, p.number)
    if t == "enum":
        if p.enum:
            return field_line(p.name, "enum", p.enum, False, p.number)
        return field_line(p.name, "string", None, False, p.number, p.implicit)
    return field_line(p.name, t, None, False, p.number, p.implicit)


def request_lines(op: Op) -> list[str]:
    """The request message of an op: its params by number, except that an
    `envelope_page` op carries page/per_page as one OffsetPage field."""
    ep = op.envelope.page
    moved = (ep.page, ep.per_page) if ep else ()
    lines = []
    for p in op.params:
        if ep and p.name == ep.page:
            lines.append(f"optional {ep.message} {ep.field} = {ep.number};"
                         f"  // {ep.page} + {ep.per_page}: offset = (page-1)*per_page")
        elif p.name not in moved:
            lines.append(param_line(p))
    return lines


def client_records(model: Model) -> set[str]:
    """Records a client sends to the core (side-channel answers, envelope pages):
    their non-optional scalar fields get the implicit-presence default."""
    out: set[str] = set()
    for ns in model.namespaces:
        for op in ns.ops:
            out.update(c.body for c in op.channels)
            if op.envelope.page:
                out.add(op.envelope.page.message)
    return out


def render(e: jinja2.Environment, model: Model) -> dict[str, str]:
    area_of = {}
    for kind in ("enums", "records", "unions"):
        for t in getattr(model, kind):
            area_of[t.name] = t.area
    areas = []
    for t in model.enums + model.records + model.unions + model.namespaces:
        if t.area not in areas:
            areas.append(t.area)
    files = {}
    sent = client_records(model)
    for area in areas:
        deps = set()
        enums = [x for x in model.enums if x.area == area]
        records = []
        for r in model.records:
            if r.area != area:
                continue
            lines = []
            for f in r.fields:
                lines.append(field_line(f.name, f.type, f.ref, f.repeated,
                                        f.number, r.name in sent and not f.optional))
                if f.ref:
                    deps.add(area_of[f.ref])
            records.append({"name": r.name, "lines": lines, "alias": r.alias})
        unions = []
        for u in model.unions:
            if u.area != area:
                continue
            lines = [f"{a.ref} {a.name} = {a.number};" for a in u.arms]
            if u.unknown is not None:
                lines.append(f"{u.name}Unknown unknown = {u.unknown};"
                             "  // a tag this version does not know")
            unions.append({"name": u.name, "tag": u.tag, "lines": lines,
                           "unknown": u.unknown is not None})
            deps.update(area_of[a.ref] for a in u.arms)
        requests = []
        for ns in model.namespaces:
            if ns.area != area:
                continue
            for op in ns.ops:
                lines = request_lines(op)
                # presence companions after the params (docs/stdio.md)
                for p in op.params:
                    pres = presence(p)
                    if pres:
                        lines.append(f"optional bool {pres[0]} = {pres[1]};"
                                     f"  // {p.name} passed (also when empty)")
                deps.update(area_of[p.enum] for p in op.params if p.enum)
                if op.envelope.page:
                    deps.add(area_of[op.envelope.page.message])
                requests.append({"name": op.envelope.request.message,
                                 "op": op.full_name, "lines": lines})
        for h in model.handles:
            if h.area != area:
                continue
            # the state a handle pushes, and its methods' requests: field 1 is the
            # handle (the envelope id of the op that opened it; docs/stdio.md "Handles")
            if h.state:
                requests.append({"name": h.state_message or "", "op": f"{h.name} state",
                                 "lines": [field_line(h.state.name, "enum",
                                                      h.state.enum, False, 1)]})
                deps.add(area_of[h.state.enum])
            for m in h.methods:
                # then its params by number, with their presence companions, as an op's
                mlines = ["optional uint32 handle = 1;"] + [param_line(p) for p in m.params]
                for p in m.params:
                    pres = presence(p)
                    if pres:
                        mlines.append(f"optional bool {pres[0]} = {pres[1]};"
                                      f"  // {p.name} passed (also when empty)")
                deps.update(area_of[p.enum] for p in m.params if p.enum)
                if m.result:
                    deps.add(area_of[m.result])
                requests.append({"name": m.envelope.request.message,
                                 "op": f"{h.name}.{m.name}", "lines": mlines})
            deps.add(area_of[h.events.union])
        deps.discard(area)
        files[f"{DIR}/{area}.proto"] = e.get_template("proto/area.proto.j2").render(
            package=PACKAGE, area=area, imports=[f"cmdop/core/v1/{d}.proto" for d in sorted(deps)],
            enums=[{"name": x.name, "prefix": snake(x.name).upper(), "values": x.values}
                   for x in enums],
            records=records, unions=unions, requests=requests)
    files[f"{DIR}/envelope.proto"] = e.get_template("proto/envelope.proto.j2").render(
        package=PACKAGE, imports=[f"cmdop/core/v1/{a}.proto" for a in areas],
        arms=model.arms)
    return files
