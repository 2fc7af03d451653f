"""IDL text -> raw declarations (plain dicts carrying positions).

Lark (LALR, contextual lexer) does the parsing; this module only reshapes the
tree. Meaning is checked later, in model.py.
"""
import json
import os
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import IdlError, Pos

Raw = dict[str, Any]  # a raw declaration (or part of one), as model.py reads it
# A node of lark's tree (Tree or Token): its shape is the grammar rule's, which
# the reader below follows, so it is not typed further.
LarkNode = Any

_GRAMMAR = os.path.join(os.path.dirname(__file__), "grammar.lark")
_parser = None


def _lark() -> Lark:
    global _parser
    if _parser is None:
        with open(_GRAMMAR, encoding="utf-8") as f:
            _parser = Lark(f.read(), parser="lalr", lexer="contextual",
                           propagate_positions=True, maybe_placeholders=False)
    return _parser


class _BadString(Exception):
    """A STRING token that is not a JSON string (raised while reading the tree)."""

    def __init__(self, tok: LarkNode, why: str) -> None:
        super().__init__(why)
        self.line = getattr(tok, "line", None) or 1
        self.col = getattr(tok, "column", None) or 1
        self.why = why


def _unquote(tok: LarkNode) -> str:
    # STRING tokens use JSON escapes, so json.loads decodes them exactly. The
    # token's pattern admits more than JSON does (any backslash escape, raw
    # control characters), and JSON admits lone surrogates that no UTF-8
    # file can hold: each is an IdlError at the token (found by fuzz/fuzz_idl.py).
    try:
        s: str = json.loads(str(tok))
    except ValueError as exc:
        raise _BadString(tok, f"bad string literal: {getattr(exc, 'msg', exc)}") from None
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _BadString(tok, "bad string literal: a lone surrogate escape") from None
    return s


def _describe(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return "syntax error: unexpected end of file"
        expected = sorted(exc.expected)
        shown = ", ".join(expected[:6]) + (", ..." if len(expected) > 6 else "")
        return f"syntax error: unexpected {exc.token.type} {str(exc.token)!r} (expected {shown})"
    if isinstance(exc, UnexpectedCharacters):
        return f"syntax error: unexpected character {exc.char!r}"
    if isinstance(exc, UnexpectedEOF):
        return "syntax error: unexpected end of file"
    return "syntax error"


def parse_text(text: str, filename: str) -> list[Raw]:
    """Parse one IDL file; returns a list of raw declarations or raises IdlError."""
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", None) or 1
        col = getattr(exc, "column", None) or 1
        if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
        raise IdlError(filename, line, col, _describe(exc)) from None
    try:
        return [_Reader(filename).decl(child) for child in tree.children]
    except _BadString as exc:
        raise IdlError(filename, exc.line, exc.col, exc.why) from None


class _Reader:
    def __init__(self, filename: str) -> None:
        self.file = filename

    def pos(self, node: LarkNode) -> Pos:
        if isinstance(node, Token):
            return Pos(self.file, node.line or 1, node.column or 1)
        return Pos(self.file, node.meta.line, node.meta.column)

    # ---- top level ----
    def decl(self, t: LarkNode) -> Raw:
        d: Raw = getattr(self, "d_" + t.data)(t)
        return d

    def d_plane(self, t: LarkNode) -> Raw:
        name, *props = t.children
        d: Raw = {"kind": "plane", "name": str(name), "pos": self.pos(name), "doc": None,
             "base_url": None, "base_env": None, "auth": None, "auth_header": None,
             "auth_env": [], "validation_status": None, "errors": []}
        for p in props:
            c = p.children
            if p.data == "p_doc":
                d["doc"] = _unquote(c[0])
            elif p.data == "p_base_url":
                d["base_url"], d["base_env"] = _unquote(c[0]), _unquote(c[1])
            elif p.data == "p_base_url_none":  # no default: the URL must be configured
                d["base_url"], d["base_env"] = None, _unquote(c[0])
            elif p.data == "p_auth":
                d["auth"], d["auth_header"] = str(c[0]), _unquote(c[1])
                d["auth_env"] = [_unquote(x) for x in c[2:]]
            elif p.data == "p_validation_status":
                d["validation_status"] = int(c[0])
            elif p.data == "p_errors":
                d["errors"] = self.names(c[0])
        return d

    def d_client(self, t: LarkNode) -> Raw:
        opts = []
        for o in t.children:
            c = o.children
            d: Raw = {"name": str(c[0]), "pos": self.pos(c[0]), "plane": None, "part": None,
                 "type": None, "env": None, "default": None, "doc": None}
            if o.data == "c_from":
                d["plane"], d["part"] = str(c[1]), str(c[2])
            else:
                d["type"], d["env"] = str(c[1]), _unquote(c[2])
                for x in c[3:]:
                    if isinstance(x, Tree):
                        d["default"] = self.value(x)
                    else:
                        d["doc"] = _unquote(x)
            opts.append(d)
        return {"kind": "client", "name": "client", "pos": self.pos(t), "options": opts}

    def d_error_decl(self, t: LarkNode) -> Raw:
        name, *props = t.children
        d: Raw = {"kind": "error", "name": str(name), "pos": self.pos(name), "c_code": None,
             "c_string": None, "statuses": [], "class": None, "parent": None, "retryable": False, "doc": None}
        for p in props:
            c = p.children
            if p.data == "e_c_code":
                d["c_code"] = str(c[0])
                d["c_string"] = _unquote(c[1]) if len(c) > 1 else None
            elif p.data == "e_status":
                for item in c:
                    nums = [int(x) for x in item.children]
                    d["statuses"].append([nums[0], nums[-1]])
            elif p.data == "e_class":
                d["class"] = str(c[0])
            elif p.data == "e_parent":
                d["parent"] = str(c[0])
            elif p.data == "e_retryable":
                d["retryable"] = True
            elif p.data == "e_doc":
                d["doc"] = _unquote(c[0])
        return d

    def d_c_code_decl(self, t: LarkNode) -> Raw:
        name, string = t.children
        return {"kind": "c_code", "name": str(name), "pos": self.pos(name),
                "string": _unquote(string)}

    def d_record(self, t: LarkNode) -> Raw:
        c = t.children
        name = c[0]
        alias = None
        rest = c[1:]
        if rest and isinstance(rest[0], Token):
            alias, rest = str(rest[0]), rest[1:]
        array = None  # `wire array items`: the wire form is a bare array
        if rest and rest[0].data == "record_wire":
            array, rest = str(rest[0].children[0]), rest[1:]
        return {"kind": "record", "name": str(name), "pos": self.pos(name), "alias": alias,
                "array": array, "fields": [self.field(f) for f in rest]}

    def field(self, t: LarkNode) -> Raw:
        c = list(t.children)
        name = c.pop(0)
        optional = False
        if isinstance(c[0], Token) and c[0].type == "OPT":
            optional = True
            c.pop(0)
        typ = self.type(c.pop(0))
        number = int(c.pop(0))
        f: Raw = {"name": str(name), "pos": self.pos(name), "optional": optional, "type": typ,
             "number": number, "wire": None, "doc": None, "flatten": False, "fallback": None}
        for o in c:
            if o.data == "f_wire":
                f["wire"] = _unquote(o.children[0])
            elif o.data == "f_flatten":
                f["flatten"] = True
            elif o.data == "f_fallback":
                f["fallback"] = (_unquote(o.children[0]), self.pos(o))
            else:
                f["doc"] = _unquote(o.children[0])
        return f

    def type(self, t: LarkNode) -> Raw:
        c = t.children
        if t.data == "t_named":
            return {"kind": "named", "name": str(c[0]), "pos": self.pos(c[0])}
        if t.data == "t_list":
            return {"kind": "list", "name": str(c[0]), "pos": self.pos(c[0])}
        return {"kind": "map", "key": str(c[0]), "name": str(c[1]), "pos": self.pos(c[0])}

    def d_enum(self, t: LarkNode) -> Raw:
        name, *vals = t.children
        values = []
        for v in vals:
            vc = v.children
            opts = [x for x in vc[2:] if isinstance(x, Tree)]
            surface = [x for x in vc[2:] if not isinstance(x, Tree)]
            val: Raw = {"name": str(vc[0]), "pos": self.pos(vc[0]), "number": int(vc[1]),
                   "wire": _unquote(surface[0]) if surface else None,
                   "sends": None, "accepts": []}
            for o in opts:  # surface -> HTTP wire strings
                strs = [_unquote(x) for x in o.children]
                if o.data in ("ev_wire", "ev_sends"):
                    val["sends"] = strs[0]
                if o.data in ("ev_wire", "ev_accepts"):
                    val["accepts"] += strs
            values.append(val)
        return {"kind": "enum", "name": str(name), "pos": self.pos(name), "values": values}

    def d_union(self, t: LarkNode) -> Raw:
        name, tag, *arms = t.children
        # `unknown @N`: the proto field number of the arm carrying frames of
        # a tag this version does not know (type + raw JSON), or None
        unknown = None
        if arms and getattr(arms[0], "data", None) == "union_unknown":
            unknown = int(arms.pop(0).children[0])
        return {"kind": "union", "name": str(name), "pos": self.pos(name), "tag": _unquote(tag),
                "unknown": unknown,
                "arms": [{"name": str(a.children[0]), "pos": self.pos(a.children[0]),
                          "type": {"kind": "named", "name": str(a.children[1]),
                                   "pos": self.pos(a.children[1])},
                          "number": int(a.children[2])} for a in arms]}

    def d_arm_decl(self, t: LarkNode) -> Raw:
        num, name, typ = t.children
        return {"kind": "arm", "number": int(num), "name": str(name), "pos": self.pos(num),
                "type": {"kind": "named", "name": str(typ), "pos": self.pos(typ)}}

    def d_namespace(self, t: LarkNode) -> Raw:
        dotted, plane, *ops = t.children
        return {"kind": "namespace", "name": self.dotted(dotted), "pos": self.pos(dotted),
                "plane": str(plane), "plane_pos": self.pos(plane),
                "ops": [self.op(o) for o in ops]}

    def dotted(self, t: LarkNode) -> str:
        return ".".join(str(x) for x in t.children)

    def names(self, t: LarkNode) -> list[tuple[str, Pos]]:
        return [(str(x), self.pos(x)) for x in t.children]

    # ---- ops ----
    def op(self, t: LarkNode) -> Raw:
        name, route, result, *props = t.children
        op: Raw = {"name": str(name), "pos": self.pos(name), "doc": None, "params": [],
              "paginate": None, "errors": [], "envelope": None, "envelope_page": None,
              "empty": None,
              "unwrap": None, "no_idem": False, "channels": [], "calls": {},
              "ends": None, "fails": None, "collect": None}
        rc = route.children
        if route.data == "r_http":
            op["route"] = {"kind": "http", "method": str(rc[0]), "path": _unquote(rc[1]),
                           "pos": self.pos(rc[0]), "path_pos": self.pos(rc[1])}
        elif route.data == "r_local":
            op["route"] = {"kind": "local", "pos": self.pos(name)}
        else:
            op["route"] = {"kind": "scan", "list": self.dotted(rc[0]), "pos": self.pos(rc[0]),
                           "match": str(rc[1]), "arg": str(rc[2]), "arg_pos": self.pos(rc[2])}
        op["result"] = self.result(result)
        for p in props:
            getattr(self, p.data)(op, p)
        return op

    def result(self, result: LarkNode) -> Raw:
        if result.data == "res_void":
            return {"kind": "void", "pos": self.pos(result)}
        tok = result.children[0]
        kind = {"res_stream": "stream", "res_handle": "handle"}.get(result.data, "record")
        return {"kind": kind, "name": str(tok), "pos": self.pos(tok)}

    def d_handle_decl(self, t: LarkNode) -> Raw:
        name, *props = t.children
        h: Raw = {"kind": "handle", "name": str(name), "pos": self.pos(name), "doc": None,
             "events": None, "state": None, "methods": [], "close": []}
        for p in props:
            c = p.children
            if p.data == "h_doc":
                h["doc"] = _unquote(c[0])
            elif p.data == "h_events":
                h["events"] = {"union": str(c[0]), "pos": self.pos(c[0]), "arm": str(c[1]),
                               "number": int(c[2])}
            elif p.data == "h_close":
                h["close"].append((str(c[0]), self.pos(c[0])))
            elif p.data == "h_state":
                h["state"] = {"name": str(c[0]), "enum": str(c[1]), "pos": self.pos(c[1]),
                              "arm": str(c[2]), "number": int(c[3])}
            else:
                mname, result, *mprops = c
                m: Raw = {"name": str(mname), "pos": self.pos(mname), "doc": None, "params": [],
                     "paginate": None, "errors": [], "envelope": None, "envelope_page": None,
                     "empty": None, "unwrap": None, "no_idem": False, "channels": [],
                     "calls": {}, "ends": None, "fails": None, "collect": None,
                     "result": self.result(result)}
                for mp in mprops:
                    getattr(self, mp.data)(m, mp)
                h["methods"].append(m)
        return h

    def o_param(self, op: Raw, t: LarkNode) -> None:
        c = list(t.children)
        loc = c.pop(0)
        name = c.pop(0)
        optional = False
        if isinstance(c[0], Token) and c[0].type == "OPT":
            optional = True
            c.pop(0)
        typ = self.type(c.pop(0))
        number = int(c.pop(0))
        p: Raw = {"name": str(name), "pos": self.pos(name), "in": str(loc), "optional": optional,
             "type": typ, "number": number, "default": None, "default_pos": None,
             "range": None, "len": None, "one_of": None, "pattern": None, "wire": None,
             "from": None, "generated": None, "doc": None, "filter": None,
             "omit_empty": False}
        for o in c:
            oc = o.children
            if o.data == "po_default":
                p["default"] = self.value(oc[0])
                p["default_pos"] = self.pos(o)
            elif o.data == "po_range":
                p["range"] = self.bounds(o)
            elif o.data == "po_len":
                p["len"] = self.bounds(o)
            elif o.data == "po_one_of":
                p["one_of"] = [_unquote(x) for x in oc]
            elif o.data == "po_pattern":
                p["pattern"] = _unquote(oc[0])
            elif o.data == "po_wire":
                p["wire"] = _unquote(oc[0])
            elif o.data == "po_from":
                p["from"] = str(oc[0])
            elif o.data == "po_generated":
                p["generated"] = str(oc[0])
            elif o.data == "po_explicit":
                p["explicit"] = True
            elif o.data == "po_doc":
                p["doc"] = _unquote(oc[0])
            elif o.data == "po_filter":
                p["filter"] = [_unquote(x) for x in oc]
            elif o.data == "po_omit_empty":
                p["omit_empty"] = True
            elif o.data == "po_idle_seconds":
                p["idle_seconds"] = True
        op["params"].append(p)

    def bounds(self, o: LarkNode) -> list[int | None]:
        """range(1..200), range(1..), len(..200): [lo, hi] with None for open."""
        out: list[int | None] = [None, None]
        for x in o.children:
            out[0 if x.data == "lo" else 1] = int(x.children[0])
        return out

    def o_doc(self, op: Raw, t: LarkNode) -> None:
        op["doc"] = _unquote(t.children[0])

    def o_paginate(self, op: Raw, t: LarkNode) -> None:
        c = list(t.children)
        style = str(c.pop(0))
        keys = {}
        if isinstance(c[0], Tree):
            for k in c.pop(0).children:
                keys[str(k.children[0])] = (_unquote(k.children[1]), self.pos(k.children[0]))
        emulated = bool(c) and isinstance(c[0], Token) and c[0].type == "EMULATED"
        if emulated:
            c.pop(0)
        op["paginate"] = {"style": style, "pos": self.pos(t), "keys": keys, "emulated": emulated,
                          "iter": str(c[0]), "pages": str(c[1]), "helpers_pos": self.pos(c[0])}

    def o_errors(self, op: Raw, t: LarkNode) -> None:
        op["errors"].extend(self.names(t.children[0]))

    def o_envelope(self, op: Raw, t: LarkNode) -> None:
        c = t.children
        op["envelope"] = {"req_name": str(c[0]), "req": int(c[1]),
                          "resp_name": str(c[2]), "resp": int(c[3]), "pos": self.pos(c[0])}

    def o_envelope_page(self, op: Raw, t: LarkNode) -> None:
        c = t.children
        op["envelope_page"] = {"message": str(c[0]), "number": int(c[1]), "pos": self.pos(c[0])}

    def o_empty(self, op: Raw, t: LarkNode) -> None:
        c = t.children
        op["empty"] = {"status": int(c[0]), "pos": self.pos(c[0]),
                       "result": self.value(c[1]) if len(c) > 1 else None}

    def o_unwrap(self, op: Raw, t: LarkNode) -> None:
        op["unwrap"] = (str(t.children[0]), self.pos(t.children[0]))

    def o_no_idem(self, op: Raw, t: LarkNode) -> None:
        op["no_idem"] = True

    def o_channel(self, op: Raw, t: LarkNode) -> None:
        c = t.children
        cont = c[6] if len(c) > 6 else None
        op["channels"].append({"name": str(c[0]), "pos": self.pos(c[0]), "method": str(c[1]),
                               "path": _unquote(c[2]), "body": str(c[3]),
                               "body_pos": self.pos(c[3]), "on": str(c[4]),
                               "answer": str(c[5]), "continues": cont is not None,
                               "rejected": self.value(cont.children[0])
                               if cont is not None and cont.children else None})

    def o_ends(self, op: Raw, t: LarkNode) -> None:
        op["ends"] = (str(t.children[0]), self.pos(t.children[0]))

    def o_fails(self, op: Raw, t: LarkNode) -> None:
        c = list(t.children)
        arm = c.pop(0)
        names = self.names(c.pop(0)) if len(c) > 1 else []
        op["fails"] = {"arm": str(arm), "pos": self.pos(arm), "map": names,
                       "else": (str(c[0]), self.pos(c[0]))}

    def o_collect(self, op: Raw, t: LarkNode) -> None:
        c = t.children
        op["collect"] = {"pos": self.pos(c[0]), "final_arm": str(c[0]), "final_field": str(c[1]),
                         "piece_arm": str(c[2]), "piece_field": str(c[3]),
                         "piece_keys": [_unquote(x) for x in c[4:]]}

    def o_call(self, op: Raw, t: LarkNode) -> None:
        lang, *slots = t.children
        out = []
        for s in slots:
            if s.data == "s_name":
                out.append({"kind": "name", "name": str(s.children[0]), "pos": self.pos(s)})
            elif s.data == "s_star":
                out.append({"kind": "star", "pos": self.pos(s)})
            else:
                out.append({"kind": "object", "name": str(s.children[0]), "pos": self.pos(s),
                            "members": [(str(x), self.pos(x)) for x in s.children[1:]]})
        op["calls"][str(lang)] = {"slots": out, "pos": self.pos(lang)}

    # ---- values ----
    def value(self, t: LarkNode) -> Any:
        c = t.children
        if t.data == "v_string":
            return _unquote(c[0])
        if t.data == "v_int":
            return int(c[0])
        if t.data == "v_float":
            return float(c[0])
        if t.data == "v_true":
            return True
        if t.data == "v_false":
            return False
        if t.data == "v_list":
            return [self.value(x) for x in c]
        return {_unquote(c[i]): self.value(c[i + 1]) for i in range(0, len(c), 2)}
