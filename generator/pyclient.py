"""Python client target: the typed surface of the `cmdop` package, placed in
clients/python/src/cmdop/ beside the hand-written shim (render.PLACES).

Renders records (frozen dataclasses decoding the protobuf messages), enums,
the error classes, the ask frames, one resource class per namespace with an
explicit async method per op (call shapes from the IDL's `call python`), the
pagination helpers, and compiles gen/proto with protoc from a pinned
grpcio-tools into cmdop/core/v1/*_pb2.py(i) (protoc's own imports
are `from cmdop.core.v1 import ...`, so the modules live at that package path).
"""
import dataclasses
import keyword
import os
import re
import tempfile

from typing import Any, Sequence

import jinja2

from .ir import Field, Method, Model, Op, Param, PySlot, Record
from .model import pascal, presence, snake

DIR = "python/cmdop"
PY_SCALAR = {"string": "str", "int32": "int", "int64": "int", "double": "float",
             "bool": "bool", "json": "Any"}


def frame_names(union_name: str) -> str:
    """The class names of a stream union's frames: each arm is Pascal(arm) + the
    union's last word (AskFrame: EventFrame, DoneFrame, UnknownFrame), so two
    stream unions clash only when they end in the same word and share an arm."""
    words: list[str] = re.findall(r"[A-Z][a-z0-9]*", union_name) or [union_name]
    return words[-1]


def own_arm_frames(model: Model) -> dict[str, set[str]]:
    """Per stream union, the arms that travel in an envelope arm of their own
    (CALLBACK frames a side channel answers, the DONE frame that ends it),
    not inside the union's arm (docs/stdio.md "Streams")."""
    out: dict[str, set[str]] = {}
    names = {a.name for a in model.arms}
    for ns in model.namespaces:
        for op in ns.ops:
            if op.kind == "stream" and op.result and op.stream:
                s = out.setdefault(op.result, set())
                s.update(c.on for c in op.channels if c.on in names)
                if op.stream.ends in names:
                    s.add(op.stream.ends)
    return out


def stream_unions(model: Model) -> dict[str, set[str]]:
    """The unions some stream op reads, in IDL order of first use, with the arms
    a stream raises instead of yielding (its `fails` arm)."""
    out: dict[str, set[str]] = {}
    for ns in model.namespaces:
        for op in ns.ops:
            if op.kind == "stream" and op.result:
                raised = out.setdefault(op.result, set())
                if op.stream and op.stream.fails:
                    raised.add(op.stream.fails.arm)
    # a handle's events are a stream union too (nothing raised: an event is data)
    for h in model.handles:
        out.setdefault(h.events.union, set())
    return out


def ident(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _field_view(f: Field) -> dict[str, Any]:
    """A record field: python name, annotation and the expression decoding it from `m`."""
    name = f.wire if f.type == "json" else f.name
    t, ref, src = f.type, f.ref or "", f"m.{f.name}"
    if f.type == "map":
        ann, expr = "dict[str, str]", f"dict({src})"
    elif f.repeated:
        if t == "record":
            ann, expr = f"list[{ref}]", f"[{ref}._from_pb(x) for x in {src}]"
        else:
            ann, expr = f"list[{PY_SCALAR[t]}]", f"list({src})"
    elif t == "record":
        ann, expr = ref, f"{ref}._from_pb({src})"
    elif t == "enum":
        ann, expr = ref, f"{ref}({src})"
    elif t == "json":
        ann, expr = "Any", f"_json_value({src})"
    else:
        ann, expr = PY_SCALAR[t], src
    if f.optional and not f.repeated and t != "map":
        ann = "Any" if t == "json" else f"{ann} | None"
        if t != "json":  # _json_value("") is None already: no HasField call per frame
            expr = f'{expr} if m.HasField("{f.name}") else None'
    return {"name": ident(name), "ann": ann, "expr": expr, "doc": f.doc}


def _default(p: Param) -> str:
    """The Python default of a param with an IDL default. Mutable literals are
    not Python defaults: a list is a tuple, a map a read-only mapping."""
    d = p.default
    if p.type == "string_list":
        return repr(tuple(d))
    if p.type == "string_map":
        return "_EMPTY_MAP" if not d else f"_MappingProxyType({d!r})"
    return repr(d)


def _param_view(p: Param) -> dict[str, Any]:
    """Signature piece and the request-building lines for one op param."""
    n, t = ident(p.name), p.type
    base = {"string": "str", "int32": "int", "int64": "int", "double": "float", "bool": "bool",
            "string_list": "Sequence[str]", "string_map": "Mapping[str, str]"}.get(t, "str")
    if t == "enum" and p.enum:
        base = f"str | {p.enum}"
    ctx = p.in_ == "context"
    optional = ctx or (not p.required and p.default is None)
    if optional:
        ann, default = f"{base} | None", "None"
    elif p.default is not None:
        ann, default = base, _default(p)
        if t == "string_map":
            # 1.1.0 typed it `| None` (default None): None still means "not passed"
            ann = f"{base} | None"
    else:
        ann, default = base, None
    lines = []
    if ctx:
        lines.append(f'{n} = _context({n}, self._c.fleet_id, "{p.name}")')
    if p.generated == "hex32":
        lines.append(f"r.{p.name} = _str({n}, \"{p.name}\") if {n} is not None "
                     f"else _hex32()")
        return {"name": n, "ann": ann, "default": default, "lines": lines}
    if t in ("string_list", "string_map"):
        # a passed list/map sets its presence companion, so an empty one is
        # passed too (docs/stdio.md "Presence of lists and maps")
        pres = presence(p)
        guarded = ann.endswith("| None")
        ind = "    " if guarded else ""
        if guarded:
            lines.append(f"if {n} is not None:")
        fn = "_strs" if t == "string_list" else "_str_map"
        lines.append(f"{ind}r.{p.name}.{'extend' if t == 'string_list' else 'update'}"
                     f"({fn}({n}, \"{p.name}\"))")
        if pres:
            lines.append(f"{ind}r.{pres[0]} = True")
    elif t == "enum" and p.enum:
        lines.append(f'_set_enum(r, "{p.name}", "{p.enum}", {n})')
    else:
        # a string is checked (type, no NUL) before it enters the envelope
        check = {"string": "_str", "int32": "_int32", "bool": "_bool"}.get(t)
        val = f"{check}({n}, \"{p.name}\")" if check and not ctx else n
        if default == "None" and not ctx:
            lines.append(f"if {n} is not None:")
            lines.append(f"    r.{p.name} = {val}")
        else:
            lines.append(f"r.{p.name} = {val}")
    return {"name": n, "ann": ann, "default": default, "lines": lines}


def _signature(slots: Sequence[PySlot], pviews: dict[str, dict[str, Any]], full: str) -> str:
    parts, star, seen_default = ["self"], False, False
    for s in slots:
        v = pviews[s.param]
        if s.kind == "keyword" and not star:
            parts.append("*")
            star = True
        if not star:
            if v["default"] is None and seen_default:
                raise ValueError(f"{full}: python call shape puts a required param after "
                                 f"an optional one ({v['name']})")
            seen_default = seen_default or v["default"] is not None
        parts.append(f"{v['name']}: {v['ann']}" + ("" if v["default"] is None
                                                   else f" = {v['default']}"))
    return ", ".join(parts)


def _result_view(op: Op, records: dict[str, Record]) -> dict[str, Any]:
    arm = op.envelope.response.name
    if op.result is None:
        return {"ann": "None", "arm": arm, "expr": None}
    if op.unwrap:
        f = next(x for x in records[op.result].fields if x.name == op.unwrap)
        fv = _field_view(dataclasses.replace(f, optional=False))
        zero = {"str": '""', "int": "0", "float": "0.0", "bool": "False"}.get(fv["ann"])
        src = f"out.{arm}.{f.name}"
        if f.repeated:
            expr = fv["expr"].replace(f"m.{f.name}", src)
        else:
            expr = src if f.type != "record" else fv["expr"].replace(f"m.{f.name}", src)
        if f.optional and zero is not None:
            expr = f'{src} if out.{arm}.HasField("{f.name}") else {zero}'
        return {"ann": fv["ann"], "arm": arm, "expr": expr}
    return {"ann": op.result, "arm": arm, "expr": f"{op.result}._from_pb(out.{arm})"}


def _helpers(op: Op, pviews: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The pagination helpers: `pages` asks the core for each page (the stop
    rules are the core's pager's, docs/stdio.md "Pages"), `iter` walks them."""
    out = []
    slots = [s for s in op.call.python if s.param in op.helpers[0].params]
    sig = _signature(slots, pviews, op.full_name)
    pass_args = ", ".join(f"{pviews[s.param]['name']}={pviews[s.param]['name']}"
                          for s in slots)
    # the pages helper builds the list op's request without its page/cursor
    # param: the core's pager starts from the service's first page
    body = _body(op, pviews, keep=set(op.helpers[0].params))
    for h in op.helpers:
        out.append({"name": h.name, "kind": h.kind, "sig": sig, "args": pass_args,
                    "body": body, "yields": h.yields, "page_type": op.result,
                    "pg": op.paginate})
    return out


def _body(op: Op, pviews: dict[str, dict[str, Any]], keep: set[str] | None = None) -> list[str]:
    """The request-building lines; an `envelope_page` op sends page/per_page as
    the 1.1 schema's OffsetPage message (docs/stdio.md "Offset pages").
    `keep`: only these params (a pagination helper's); the others are not passed."""
    ep = op.envelope.page
    kept = [p for p in op.params if keep is None or p.name in keep]
    if not ep:
        return [ln for p in kept for ln in pviews[p.name]["lines"]]
    out = []
    for p in op.params:
        if p.name == ep.page:
            size = next(q for q in op.params if q.name == ep.per_page)
            page = pviews[ep.page]["name"] if keep is None or ep.page in keep else "None"
            out.append(f"_offset_page(r.{ep.field}, {page}, "
                       f"{pviews[ep.per_page]['name']}, {size.default or 0})")
        elif p.name != ep.per_page and p in kept:
            out.extend(pviews[p.name]["lines"])
    return out


def _method_view(m: Method, closes: bool) -> dict[str, Any]:
    """A handle method: its params keyword-only (the request-building lines an
    op's would have), its result record decoded from its own arm."""
    pviews = {p.name: _param_view(p) for p in m.params}
    slots = [PySlot(param=p.name, kind="keyword") for p in m.params]
    return {"name": ident(m.name), "doc": m.doc, "arm": m.envelope.request.name,
            "closes": closes, "sig": _signature(slots, pviews, m.name),
            "body": [ln for p in m.params for ln in pviews[p.name]["lines"]],
            "result": m.result, "resp_arm": m.envelope.response.name}


def _class_name(ns_name: str) -> str:
    return "".join(pascal(p) for p in ns_name.split("."))


def view(model: Model) -> dict[str, Any]:
    records = {r.name: r for r in model.records}
    area_of = {}
    for kind in ("enums", "records", "unions"):
        for t in getattr(model, kind):
            area_of[t.name] = t.area
    recs = []
    for r in model.records:
        recs.append({"name": r.name, "alias": r.alias, "area": r.area,
                     "fields": [_field_view(f) for f in r.fields]})
    enums = []
    for e in model.enums:
        prefix = snake(e.name).upper() + "_"
        enums.append({"name": e.name, "prefix": prefix,
                      "values": [{"name": prefix + v.name, "number": v.number,
                                  "wire": v.wire} for v in e.values]})
    namespaces, streams = [], []
    ns_names = [ns.name for ns in model.namespaces]
    for ns in model.namespaces:
        ops = []
        for op in ns.ops:
            pviews = {p.name: _param_view(p) for p in op.params}
            sig = _signature(op.call.python, pviews, op.full_name)
            body = _body(op, pviews)
            ov = {"name": ident(op.name), "full": op.full_name, "kind": op.kind,
                  "doc": op.doc, "sig": sig, "body": body,
                  "req_arm": op.envelope.request.name,
                  "result": _result_view(op, records),
                  "helpers": _helpers(op, pviews) if op.paginate else []}
            if op.kind == "local":
                ov["handle"] = op.handle
            if op.kind == "stream" and op.result:
                sname = pascal(op.name) + "Stream"
                ov["stream"] = sname
                streams.append({"name": sname, "union": op.result,
                                "decoder": f"{snake(op.result)}_from_envelope",
                                "channels": [{"name": c.name, "arm": c.answer_arm,
                                              "fields": [_field_view(f) for f in
                                                         records[c.body].fields],
                                              "raw": records[c.body].fields}
                                             for c in op.channels]})
            ops.append(ov)
        subs = [{"attr": n.split(".")[-1], "cls": _class_name(n)} for n in ns_names
                if n.rsplit(".", 1)[0] == ns.name and "." in n]
        namespaces.append({"name": ns.name, "cls": _class_name(ns.name), "ops": ops,
                           "subs": subs, "top": "." not in ns.name})
    own = own_arm_frames(model)
    unions: list[dict[str, Any]] = []
    taken: dict[str, str] = {}
    used = stream_unions(model)
    union_of = {u.name: u for u in model.unions}
    for u in (union_of[n] for n in used):  # stream ops' unions first (Frame is the first)
        suffix = frame_names(u.name)
        arms = []
        for a in u.arms:
            fields = [_field_view(f) for f in records[a.ref].fields]
            for f, raw in zip(fields, records[a.ref].fields):
                f["zero"] = {"str": '""', "int": "0", "float": "0.0", "bool": "False"}.get(
                    f["ann"], "None")
                if raw.repeated or raw.type == "map":
                    f["zero"] = "dataclasses.field(default_factory={})".format(
                        "dict" if raw.type == "map" else "list")
                if raw.fallback:
                    f["fill"] = repr(raw.fallback)
            # a `fails` arm is raised as an error, never yielded; the class exists for
            # 1.1.0 code that names it (1.1.0's ErrorFrame is never produced either).
            arms.append({"name": a.name, "cls": pascal(a.name) + suffix, "ref": a.ref,
                         "fields": fields,
                         "envelope_arm": a.name in own.get(u.name, set()),
                         "raised": a.name in used[u.name]})
        unknown_cls = "Unknown" + suffix
        for cls in [str(a["cls"]) for a in arms] + [unknown_cls, u.name]:
            if cls in taken:
                raise ValueError(f"union {u.name}: Python class {cls} is also "
                                 f"{taken[cls]}'s; rename an arm or the union")
            taken[cls] = u.name
        unions.append({"name": u.name, "tag": u.tag, "arms": arms, "area": u.area,
                       "unknown": u.unknown is not None, "unknown_cls": unknown_cls,
                       "decoder": f"{snake(u.name)}_from_envelope",
                       "arm": next(x.name for x in model.arms if x.message == u.name)})
    handles = []
    for h in model.handles:
        st = h.state
        handles.append({"name": h.name, "doc": h.doc, "events": h.events.union,
                        "decoder": f"{snake(h.events.union)}_from_envelope",
                        "state_arm": st.arm.name if st else "",
                        "state": st and {"name": st.name, "enum": st.enum},
                        "state_fn": f"_{snake(h.name)}_state",
                        "methods": [_method_view(m, m.name == h.close) for m in h.methods],
                        "closes": ident(h.close) if h.close else None})
    errors = model.errors
    areas = sorted({t.area for t in model.records + model.enums + model.unions} |
                   {ns.area for ns in model.namespaces})
    offset_pages = any(op.envelope.page for ns in model.namespaces
                       for op in ns.ops)
    return dict(records=recs, enums=enums, namespaces=namespaces, streams=streams,
                offset_pages=offset_pages, handles=handles,
                unions=unions, errors=errors, areas=areas, areas_of=area_of)


def _serialized_files(descriptor_set: bytes) -> list[bytes]:
    """Each FileDescriptorProto of protoc's FileDescriptorSet, serialized as its
    *_pb2.py module registers it: protoc adds json_name to a descriptor set, not to
    the python output, and a pool holding one file twice needs both to be equal."""
    from google.protobuf import descriptor_pb2  # pinned with grpcio-tools: requirements.txt

    def strip(msgs: Any) -> None:
        for m in msgs:
            for f in list(m.field) + list(m.extension):
                f.ClearField("json_name")
            strip(m.nested_type)

    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)
    out = []
    for f in fds.file:
        strip(f.message_type)
        for x in f.extension:
            x.ClearField("json_name")
        out.append(f.SerializeToString(deterministic=True))
    return out


def files_module(descriptor_set: bytes) -> str:
    """cmdop/core/v1/_files.py: every serialized file of protoc's descriptor set
    (--include_imports: each file after the files it imports), for cmdop/_pb.py
    to add to the protobuf runtime's pool without the *_pb2.py modules."""
    lines = ['"""The serialized FileDescriptorProtos of cmdop/core/v1/*.proto, each after',
             "the files it imports: protoc's --descriptor_set_out, the same bytes its",
             "*_pb2.py modules register. Generated by `make gen`. Do not edit.",
             '"""', "FILES: tuple[bytes, ...] = ("]
    for b in _serialized_files(descriptor_set):
        lines.append(f"    {b!r},")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _protoc(proto_files: dict[str, str]) -> dict[str, str]:
    """Compiles the rendered protos with grpcio-tools' bundled protoc (pinned)."""
    from grpc_tools import protoc  # type: ignore[import-untyped]  # pinned: requirements.txt
    import grpc_tools
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "out")
        names = []
        for rel, text in proto_files.items():
            path = os.path.join(src, rel[len("proto/"):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            names.append(path)
        os.makedirs(dst)
        inc = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        fds = os.path.join(tmp, "files.pb")
        rc = protoc.main(["protoc", f"-I{src}", f"-I{inc}", f"--python_out={dst}",
                          f"--pyi_out={dst}", f"--descriptor_set_out={fds}",
                          "--include_imports"] + sorted(names))
        if rc != 0:
            raise RuntimeError(f"protoc failed with status {rc}")
        with open(fds, "rb") as f:
            out[f"{DIR}/core/v1/_files.py"] = files_module(f.read())
        for root, _, files in os.walk(dst):
            for n in sorted(files):
                p = os.path.join(root, n)
                with open(p, encoding="utf-8") as f:
                    out[f"python/{os.path.relpath(p, dst)}"] = f.read()
    out[f"{DIR}/core/__init__.py"] = ""
    out[f"{DIR}/core/v1/__init__.py"] = ""
    return out


def render(e: jinja2.Environment, model: Model, idl_hash: str,
           proto_files: dict[str, str]) -> dict[str, str]:
    v = view(model)
    v["idl_hash"] = idl_hash
    out = {}
    for name in ("__init__.py", "_gen.py", "errors.py", "types.py", "frames.py",
                 "_resources.py"):
        out[f"{DIR}/{name}"] = e.get_template(f"python/{name}.j2").render(v)
    out.update(_protoc(proto_files))
    return out
