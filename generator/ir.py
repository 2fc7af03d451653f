"""The typed model: what model.build() returns and every view reads.

Frozen dataclasses, sequences as tuples: a view never changes the model, it
derives what it needs (its own view objects, built fresh). JSON values taken
from the IDL as they are (param defaults, synthesized empty results, a
channel's `rejected` frame) are typed `Json` and are never modified either.

`to_json()` is the canonical JSON form (gen/surface.json and the model hash):
each field under its name, a trailing `_` dropped (`class_` is "class",
`in_` is "in", `else_` is "else"). `freeze()` builds the typed model from
that form, strictly: a missing or unknown key is an error. Templates address
the model as they always did (`op.name`, `e.class`, `p["in"]`):
`Node.__getitem__` reads a field by its JSON name.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Optional, Union

Json = Any  # a JSON value as the IDL wrote it (str, int, float, bool, list, dict)


def _json_name(field_name: str) -> str:
    return field_name[:-1] if field_name.endswith("_") else field_name


class Node:
    """Base of every model class: read a field by its JSON name (templates)."""

    def __getitem__(self, key: str) -> Any:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if _json_name(f.name) == key:
                return getattr(self, f.name)
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return typing.cast("dict[str, Any]", to_json(self))


# ---- planes, client options, errors ----
@dataclasses.dataclass(frozen=True)
class Auth(Node):
    scheme: str  # bearer | header
    header: Optional[str]
    env: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Plane(Node):
    name: str
    doc: Optional[str]
    base_url: Optional[str]
    base_url_env: Optional[str]
    auth: Auth
    validation_status: Optional[int]
    errors: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ClientOption(Node):
    name: str
    type: str  # string | int32
    env: tuple[str, ...]  # precedence order; the first is handed to the core
    default: Union[str, int, None]
    strip_slash: bool
    plane: Optional[str]  # set when the option is a plane's base_url or auth
    doc: Optional[str]


@dataclasses.dataclass(frozen=True)
class Error(Node):
    code: str
    c_code: str
    c_string: str  # its name in libcmdop (cmdop_error_code_str): `code` unless given
    statuses: tuple[tuple[int, int], ...]
    class_: str
    parent: Optional[str]
    retryable: bool
    doc: Optional[str]


@dataclasses.dataclass(frozen=True)
class CCode(Node):
    """A libcmdop code that is no error class (`c_code NAME "string"`)."""
    c_code: str
    string: str


@dataclasses.dataclass(frozen=True)
class ErrorRef(Node):
    code: str
    c_code: str


# ---- types ----
@dataclasses.dataclass(frozen=True)
class EnumValue(Node):
    name: str
    number: int
    wire: Optional[str]  # the surface string (None: the zero value)
    sends: Optional[str]
    accepts: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class WireAlias(Node):
    wire: str
    value: str
    surface: Optional[str]


@dataclasses.dataclass(frozen=True)
class Enum(Node):
    name: str
    area: str
    c_name: str
    values: tuple[EnumValue, ...]
    wire_aliases: tuple[WireAlias, ...]


@dataclasses.dataclass(frozen=True)
class Field(Node):
    name: str
    wire: str
    number: int
    optional: bool
    doc: Optional[str]
    flatten: bool
    fallback: Optional[str]
    type: str  # string int32 int64 double bool json map record enum
    ref: Optional[str]  # the record or enum name
    repeated: bool


@dataclasses.dataclass(frozen=True)
class Record(Node):
    name: str
    alias: Optional[str]
    area: str
    c_name: str
    wire_array: Optional[str]
    fields: tuple[Field, ...]


@dataclasses.dataclass(frozen=True)
class UnionArm(Node):
    name: str
    number: int
    ref: str


@dataclasses.dataclass(frozen=True)
class TaggedUnion(Node):
    name: str
    area: str
    c_name: str
    tag: str
    arms: tuple[UnionArm, ...]
    unknown: Optional[int]


# ---- envelope arms ----
@dataclasses.dataclass(frozen=True)
class Arm(Node):
    number: int
    name: str
    message: str


@dataclasses.dataclass(frozen=True)
class NamedArm(Node):
    name: str
    number: int


@dataclasses.dataclass(frozen=True)
class EnvelopePage(Node):
    number: int
    message: str
    field: str
    page: str
    per_page: str
    offset_field: str
    per_page_field: str


@dataclasses.dataclass(frozen=True)
class OpEnvelope(Node):
    request: Arm
    response: Arm
    page: Optional[EnvelopePage]


@dataclasses.dataclass(frozen=True)
class MethodEnvelope(Node):
    request: Arm
    response: Arm


# ---- handles ----
@dataclasses.dataclass(frozen=True)
class HandleEvents(Node):
    union: str
    arm: NamedArm


@dataclasses.dataclass(frozen=True)
class HandleState(Node):
    name: str
    enum: str
    arm: NamedArm


@dataclasses.dataclass(frozen=True)
class Method(Node):
    name: str
    doc: Optional[str]
    c_name: str
    node_name: str
    params: tuple[Param, ...]
    result: Optional[str]
    envelope: MethodEnvelope


@dataclasses.dataclass(frozen=True)
class Handle(Node):
    name: str
    area: str
    c_name: str
    doc: Optional[str]
    events: HandleEvents
    state: Optional[HandleState]
    state_message: Optional[str]
    methods: tuple[Method, ...]
    close: Optional[str]  # the method close() and a context exit call (`close <method>`)
    op: str  # the local op that returns it


# ---- ops ----
@dataclasses.dataclass(frozen=True)
class Param(Node):
    name: str
    wire: str
    node_name: str
    in_: str  # path query body context arg local
    type: str  # string int32 int64 double bool enum string_list string_map
    enum: Optional[str]  # the IDL enum (None for one_of strings)
    number: int
    required: bool
    default: Json
    min: Union[int, float, None]
    max: Union[int, float, None]
    min_len: Optional[int]
    max_len: Optional[int]
    enum_values: Optional[tuple[str, ...]]
    pattern: Optional[str]
    context_from: Optional[str]
    generated: Optional[str]
    doc: Optional[str]
    filter: Optional[tuple[str, ...]]
    omit_empty: bool
    idle_seconds: bool
    enum_sends: Optional[tuple[str, ...]]
    implicit: bool


@dataclasses.dataclass(frozen=True)
class Scan(Node):
    list: str
    match: str
    arg: str


@dataclasses.dataclass(frozen=True)
class Empty(Node):
    status: int
    result: Json


@dataclasses.dataclass(frozen=True)
class Paginate(Node):
    style: str  # cursor offset number
    iter: str
    pages: str
    item_type: str
    emulated: bool
    req_cursor: Optional[str]
    req_offset: Optional[str]
    req_page: Optional[str]
    req_size: Optional[str]
    resp_items: Optional[str]
    resp_next_cursor: Optional[str]
    resp_has_more: Optional[str]
    resp_total: Optional[str]
    resp_has_next: Optional[str]
    resp_next_page: Optional[str]
    resp_page: Optional[str]
    resp_per_page: Optional[str]
    resp_has_prev: Optional[str]
    resp_offset: Optional[str]


@dataclasses.dataclass(frozen=True)
class Helper(Node):
    name: str
    node_name: str
    kind: str  # iter | pages
    yields: str
    params: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Channel(Node):
    name: str
    method: str
    path: str
    body: str
    on: str
    answer_arm: str
    continues: bool
    rejected: Json


@dataclasses.dataclass(frozen=True)
class Fails(Node):
    arm: str
    map: tuple[ErrorRef, ...]
    else_: ErrorRef


@dataclasses.dataclass(frozen=True)
class Collect(Node):
    final_arm: str
    final_field: str
    piece_arm: str
    piece_field: str
    piece_keys: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class StreamFacts(Node):
    ends: str
    fails: Optional[Fails]
    collect: Optional[Collect]
    idle_seconds: Optional[str]


@dataclasses.dataclass(frozen=True)
class PySlot(Node):
    param: str
    kind: str  # positional | keyword


@dataclasses.dataclass(frozen=True)
class NodePositional(Node):
    kind: str  # "positional"
    param: str
    node_name: str
    optional: bool


@dataclasses.dataclass(frozen=True)
class NodeObject(Node):
    kind: str  # "object"
    name: str
    members: tuple[str, ...]
    node_members: tuple[str, ...]
    optional: bool


NodeSlot = Union[NodePositional, NodeObject]


@dataclasses.dataclass(frozen=True)
class Calls(Node):
    python: tuple[PySlot, ...]
    node: tuple[NodeSlot, ...]


@dataclasses.dataclass(frozen=True)
class Op(Node):
    name: str
    ns: str
    full_name: str
    c_name: str
    plane: str
    doc: Optional[str]
    handle: Optional[str]
    result: Optional[str]
    kind: str  # http stream scan local
    method: Optional[str]
    path: Optional[str]
    params: tuple[Param, ...]
    scan: Optional[Scan]
    empty: Optional[Empty]
    idempotent: bool
    idempotency_key: bool
    unwrap: Optional[str]
    paginate: Optional[Paginate]
    helpers: tuple[Helper, ...]
    errors: tuple[str, ...]
    channels: tuple[Channel, ...]
    stream: Optional[StreamFacts]
    envelope: OpEnvelope
    call: Calls


@dataclasses.dataclass(frozen=True)
class Namespace(Node):
    name: str
    plane: str
    area: str
    c_name: str
    ops: tuple[Op, ...]


@dataclasses.dataclass(frozen=True)
class Model(Node):
    planes: tuple[Plane, ...]
    client: tuple[ClientOption, ...]
    errors: tuple[Error, ...]
    c_codes: tuple[CCode, ...]
    enums: tuple[Enum, ...]
    records: tuple[Record, ...]
    unions: tuple[TaggedUnion, ...]
    handles: tuple[Handle, ...]
    namespaces: tuple[Namespace, ...]
    arms: tuple[Arm, ...]

    def ops(self) -> list[Op]:
        return [op for ns in self.namespaces for op in ns.ops]


# ---- JSON form <-> typed model ----
def to_json(v: Any) -> Any:
    if isinstance(v, Node):
        return {_json_name(f.name): to_json(getattr(v, f.name))
                for f in dataclasses.fields(v)}  # type: ignore[arg-type]
    if isinstance(v, (tuple, list)):
        return [to_json(x) for x in v]
    return v


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _keys(cls: Any) -> set[str]:
    return {_json_name(f.name) for f in dataclasses.fields(cls)}


def freeze(tp: Any, v: Any, where: str = "model") -> Any:
    """The JSON-form value `v` as type `tp` (a model class, tuple[...], Optional,
    a union of model classes told apart by their keys, or a plain type)."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if v is None and type(None) in args:
            return None
        nodes = [a for a in args if isinstance(a, type) and issubclass(a, Node)]
        if nodes:
            for a in nodes:
                if isinstance(v, dict) and set(v) == _keys(a):
                    return freeze(a, v, where)
            raise TypeError(f"{where}: {v!r} is none of {[a.__name__ for a in nodes]}")
        return v  # a union of plain types (str | int | None ...)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(v, (list, tuple)):
            raise TypeError(f"{where}: expected a list, got {v!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(freeze(args[0], x, f"{where}[{i}]") for i, x in enumerate(v))
        return tuple(freeze(a, x, f"{where}[{i}]") for i, (a, x) in enumerate(zip(args, v)))
    if isinstance(tp, type) and issubclass(tp, Node):
        if not isinstance(v, dict):
            raise TypeError(f"{where}: expected {tp.__name__}, got {v!r}")
        want = _keys(tp)
        if set(v) != want:
            raise TypeError(f"{where}: {tp.__name__} keys differ: missing "
                            f"{sorted(want - set(v))}, unknown {sorted(set(v) - want)}")
        hints = _hints(tp)
        cls: Any = tp
        return cls(**{f.name: freeze(hints[f.name], v[_json_name(f.name)],
                                     f"{where}.{_json_name(f.name)}")
                      for f in dataclasses.fields(cls)})
    return v
