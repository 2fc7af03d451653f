"""Comparison helpers of the compatibility suite (no cmdop import here).

Three comparisons:

* ``decoded_vs_wire`` (check a): a decoded official protobuf record against the
  JSON the relay holds, fetched with a plain HTTP GET. Normalisation, all of it
  here and nowhere else:
    - absent, JSON ``null`` and the proto3 default (``""``, 0, false, empty
      list/message) are the same value: the official client speaks proto3
      implicit presence, so it cannot tell them apart;
    - a proto enum equals the wire string that is its value name without the
      enum's common prefix, lower-cased (``MFA_REQUIREMENT_NONE`` = ``none``);
      the aliases are in ENUM_ALIASES, each one a mapping the official core
      itself makes (e.g. the wire ``any`` of the hosted MfaRequirement stands
      for ``optional`` and ``required``: information is lost by design, so
      either surface value is accepted here; check (b) still pins which one
      the official core picks);
    - two timestamps are equal when they are the same instant (the official
      core re-renders the JSON timestamps it decodes);
    - a proto string equals a JSON number or id with the same text;
    - a record field ``summary`` that the wire does not have is compared
      against the flat wire object (``MachineDetail`` is flat on the wire);
    - a record ``offset`` that the wire does not have equals
      ``(page - 1) * per_page`` of the wire page (the core derives it);
    - a JSON array answer is compared against the record's only repeated
      field (``tunnels.sessions`` is a bare array on the wire);
    - JSON keys the record does not have are ignored (the hosted schemas are
      richer than the 1.1.x records).
* ``diff_data`` (check b): two JSON-able values (MessageToDict with proto
  field names and defaults printed) must be equal, after ``Volatile``.
* ``Volatile``: values the relay generates afresh in every run (new uuids,
  tokens, cursors' random parts, challenge ids, ``now`` timestamps, ask
  durations) are replaced by placeholders numbered in order of first
  appearance in the run, so the same value keeps the same placeholder
  within a run (an id returned by a create still matches the path of the
  update that follows). Seed values are never replaced.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

MISSING = object()

# Record fields the official core does not carry from the wire into its
# decoded records (it leaves them at the proto3 default), set per op by the
# tour from differences.toml's [[decoded]] entries: check (a) accepts the
# default for them, check (b) accepts our value where the official one is
# the default. Any other value is still a difference.
DROPPED_BY_OFFICIAL: frozenset[str] = frozenset()

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_TOKEN_RE = re.compile(rf"{UUID}|[0-9a-f]{{8,}}")
_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_ts(v: Any) -> _dt.datetime | None:
    if not isinstance(v, str) or not _TS_RE.match(v):
        return None
    s = v.replace(" ", "T")
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    try:
        d = _dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.timezone.utc)
    return d


def short(v: Any, n: int = 80) -> str:
    s = json.dumps(v, sort_keys=True, default=str) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[: n - 3] + "..."


# --------------------------------------------------------------------------
# check (a): decoded record vs the wire JSON
# --------------------------------------------------------------------------

# Wire enum values the official core maps onto a proto value of another name
# (measured: what the official core decodes from that wire value).
ENUM_ALIASES = {
    # hosted MfaRequirement is none|any; the official core decodes any as one
    # of these (lossy by design, docs/wire.md; check b pins which one)
    ("MfaRequirement", "any"): {"optional", "required"},
    # hosted ScheduleRunStatus says completed where the 1.1.x record says
    # SUCCESS (the official core decodes a wire `completed` as SUCCESS)
    ("ScheduleRunStatus", "completed"): {"success"},
}


def _enum_prefix(enum_type: Any) -> str:
    names = [v.name for v in enum_type.values]
    pre = names[0]
    for n in names[1:]:
        while not n.startswith(pre):
            pre = pre[:-1]
    return pre


def _enum_surface(field: Any, number: int) -> str:
    v = field.enum_type.values_by_number.get(number)
    if v is None:
        return str(number)
    return v.name[len(_enum_prefix(field.enum_type)):].lower()


def _scalar_default(field: Any) -> Any:
    if field.type == field.TYPE_ENUM:
        return 0
    return field.default_value


def _scalar_eq(field: Any, pv: Any, jv: Any) -> bool:
    if jv is MISSING or jv is None:
        if field.type == field.TYPE_ENUM:
            return pv == 0
        return pv == _scalar_default(field)
    if field.type == field.TYPE_ENUM:
        got = _enum_surface(field, pv)
        want = str(jv).lower()
        if got == want:
            return True
        return got in ENUM_ALIASES.get((field.enum_type.name, want), set())
    if field.type == field.TYPE_BOOL:
        return isinstance(jv, bool) and pv == jv
    if field.cpp_type in (field.CPPTYPE_FLOAT, field.CPPTYPE_DOUBLE):
        return isinstance(jv, (int, float)) and not isinstance(jv, bool) and abs(pv - jv) <= 1e-6 * max(1.0, abs(jv))
    if field.cpp_type in (field.CPPTYPE_INT32, field.CPPTYPE_INT64, field.CPPTYPE_UINT32, field.CPPTYPE_UINT64):
        return isinstance(jv, int) and not isinstance(jv, bool) and pv == jv
    if field.type == field.TYPE_STRING:
        if isinstance(jv, str):
            if pv == jv:
                return True
            a, b = parse_ts(pv), parse_ts(jv)
            return a is not None and b is not None and a == b
        if isinstance(jv, bool):
            return pv == ("true" if jv else "false")
        if isinstance(jv, (int, float)):
            return pv == str(jv)
        if isinstance(jv, (dict, list)):  # e.g. a *_json field holding JSON text
            try:
                return json.loads(pv) == jv
            except ValueError:
                return False
    return pv == jv


def _is_empty_msg(msg: Any) -> bool:
    return msg.ByteSize() == 0


def decoded_vs_wire(msg: Any, wire: Any, path: str = "", skip: frozenset[str] = frozenset()) -> list[str]:
    """Differences between a decoded proto message and the wire JSON value.
    ``skip`` names top-level record fields the state GET cannot show (e.g. an
    api key's raw_token, returned once and never stored); the caller checks
    those another way."""
    diffs: list[str] = []
    desc = msg.DESCRIPTOR
    if isinstance(wire, list):
        reps = [f for f in desc.fields if f.is_repeated]
        if len(reps) != 1:
            return [f"{path or '<root>'}: wire is an array, record {desc.name} has no single list field"]
        wire = {reps[0].name: wire}
    if not isinstance(wire, dict):
        return [f"{path or '<root>'}: wire value {short(wire)} is not an object ({desc.name})"]
    for f in desc.fields:
        if f.name in skip:
            continue
        p = f"{path}.{f.name}" if path else f.name
        if f.name in wire:
            jv = wire[f.name]
        elif f.name == "offset" and isinstance(wire.get("page"), int) and isinstance(wire.get("per_page"), int):
            jv = (wire["page"] - 1) * wire["per_page"]
        elif f.name == "summary" and f.message_type is not None:
            jv = wire
        else:
            jv = MISSING
        pv = getattr(msg, f.name)
        if f.name in DROPPED_BY_OFFICIAL and not f.is_repeated and f.message_type is None \
                and pv == _scalar_default(f):
            continue
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            want = jv if isinstance(jv, dict) else {}
            if jv not in (MISSING, None) and not isinstance(jv, dict):
                diffs.append(f"{p}: wire {short(jv)} is not an object")
                continue
            got = dict(pv)
            vfield = f.message_type.fields_by_name["value"]
            if set(got) != set(want):
                diffs.append(f"{p}: keys {sorted(got)} != wire {sorted(want)}")
                continue
            for k in got:
                if vfield.message_type is not None:
                    diffs += decoded_vs_wire(got[k], want[k], f"{p}[{k!r}]")
                elif not _scalar_eq(vfield, got[k], want[k]):
                    diffs.append(f"{p}[{k!r}]: decoded {short(got[k])} != wire {short(want[k])}")
            continue
        if f.is_repeated:
            if jv is MISSING or jv is None:
                jv = []
            if not isinstance(jv, list):
                diffs.append(f"{p}: wire {short(jv)} is not an array")
                continue
            if len(pv) != len(jv):
                diffs.append(f"{p}: {len(pv)} decoded items != {len(jv)} on the wire")
                continue
            for i, (a, b) in enumerate(zip(pv, jv)):
                if f.message_type is not None:
                    diffs += decoded_vs_wire(a, b, f"{p}[{i}]")
                elif not _scalar_eq(f, a, b):
                    diffs.append(f"{p}[{i}]: decoded {short(a)} != wire {short(b)}")
            continue
        if f.message_type is not None:
            if jv is MISSING or jv is None:
                if not _is_empty_msg(pv):
                    diffs.append(f"{p}: decoded a non-empty {f.message_type.name}, wire has none")
                continue
            diffs += decoded_vs_wire(pv, jv, p)
            continue
        if not _scalar_eq(f, pv, jv):
            shown = _enum_surface(f, pv) if f.type == f.TYPE_ENUM else pv
            wshown = "absent" if jv is MISSING else short(jv)
            diffs.append(f"{p}: decoded {short(shown)} != wire {wshown}")
    return diffs


# --------------------------------------------------------------------------
# check (b)/(c): volatile values, then plain equality
# --------------------------------------------------------------------------


def strings_of(obj: Any, out: set[str]) -> set[str]:
    if isinstance(obj, str):
        out.add(obj)
        for m in _TOKEN_RE.finditer(obj):
            out.add(m.group(0))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            strings_of(k, out)
            strings_of(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            strings_of(v, out)
    return out


class Volatile:
    """Per-run placeholder map for the values the relay generates."""

    def __init__(self, keep: set[str], t0: float, t1: float) -> None:
        self.keep = keep
        self.t0 = t0
        self.t1 = t1
        self.ph: dict[str, str] = {}
        self.count: dict[str, int] = {}
        self.originals: list[str] = []  # whole strings holding a generated token

    def _is_gen(self, tok: str) -> bool:
        # A run of hex digits inside a longer string is generated even when
        # every digit happens to be decimal (a subdomain `t83315161`); a
        # string that is only digits never reaches here (collect skips it).
        return tok not in self.keep

    def collect(self, obj: Any, scope: str) -> None:
        """First pass over a whole run, op by op: number the generated tokens
        per op (``<fleets.create#1>``), so one op's failure in one run does
        not shift the numbering of the ops after it."""
        if isinstance(obj, str):
            if obj in self.keep or obj.isdigit():
                return
            found = False
            for m in _TOKEN_RE.finditer(obj):
                tok = m.group(0)
                if self._is_gen(tok):
                    found = True
                    if tok not in self.ph:
                        self.count[scope] = self.count.get(scope, 0) + 1
                        self.ph[tok] = f"<{scope}#{self.count[scope]}>"
            if found:
                self.originals.append(obj)
        elif isinstance(obj, dict):
            for k in obj:
                self.collect(obj[k], scope)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                self.collect(v, scope)

    def _ts(self, s: str) -> str | None:
        d = parse_ts(s)
        if d is None:
            return None
        t = d.timestamp()
        slack = (self.t1 - self.t0) + 120
        shape = re.sub(r"\d", "9", s)  # keep the rendering: a format change is a difference
        if self.t0 - 120 <= t <= self.t1 + 120:
            return f"<now {shape}>"
        days = round((t - self.t0) / 86400)
        if days and abs(t - self.t0 - days * 86400) <= slack:
            return f"<now{days:+d}d {shape}>"
        return None

    def apply(self, obj: Any) -> Any:
        """Second pass: replace generated values by their placeholders."""
        if isinstance(obj, str):
            if obj in self.keep:
                return obj
            ts = self._ts(obj)
            if ts is not None:
                return ts
            out = _TOKEN_RE.sub(lambda m: self.ph.get(m.group(0), m.group(0)), obj)
            if out == obj and len(obj) >= 8:
                # a prefix that ends inside a generated token (an api key's
                # key_prefix: the first 12 characters of its raw token)
                for orig in self.originals:
                    if orig != obj and orig.startswith(obj):
                        for m in _TOKEN_RE.finditer(orig):
                            if m.start() < len(obj) < m.end() and m.group(0) in self.ph:
                                return f"<prefix of {self.apply(orig)}>"
            return out
        if isinstance(obj, dict):
            return {k: ("<duration>" if k == "duration_ms" and isinstance(v, int) and not isinstance(v, bool)
                        else self.apply(v)) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.apply(v) for v in obj]
        return obj


def diff_data(a: Any, b: Any, path: str = "", limit: int = 8,
              dropped: frozenset[str] = frozenset()) -> list[str]:
    """Structural differences between two JSON-able values (a = official).
    ``dropped``: keys whose official value may be the proto3 default where
    ours carries the wire value (differences.toml [[decoded]])."""
    out: list[str] = []

    def walk(x: Any, y: Any, p: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                q = f"{p}.{k}" if p else k
                if k not in y:
                    out.append(f"{q}: official {short(x[k])}, ours absent")
                elif k not in x:
                    out.append(f"{q}: official absent, ours {short(y[k])}")
                elif k in dropped and x[k] in (False, 0, "", None):
                    continue
                else:
                    walk(x[k], y[k], q)
            return
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{p or '<root>'}: official {len(x)} items, ours {len(y)}")
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{p}[{i}]")
            return
        if x != y:
            out.append(f"{p or '<root>'}: official {short(x)}, ours {short(y)}")

    walk(a, b, path)
    return out


def canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
