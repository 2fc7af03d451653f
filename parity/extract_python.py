"""Python surface: import the BUILT package and inspect it.

    python parity/extract_python.py PKG_SRC_DIR      # prints the surface JSON

The package is imported in a child interpreter with PKG_SRC_DIR first on
sys.path (so a mutated copy never mixes with another in one process). From
`cmdop.Client` the extractor follows every namespace property (its return
annotation names the namespace class, nested ones too: fleets.members),
and in each namespace class reads:

  - ops: public coroutine methods, and plain methods returning a stream;
    inspect.signature gives names, required (no default) and defaults;
    typing.get_type_hints resolves the annotations to value classes;
  - helpers: async generator methods; `iter`/`pages` page the op `list`,
    `iter_X`/`pages_X` page the op `X` (the 1.1 clients' naming);
  - errors: every exception class of cmdop.errors with its base and `code`.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def extract(pkg_src, python=None):
    out = subprocess.run([python or sys.executable, os.path.abspath(__file__), "--dump", pkg_src],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("extract_python: importing the package from %s failed:\n%s"
                         % (pkg_src, out.stderr[-3000:]))
    return json.loads(out.stdout)


# ---- everything below runs in the child interpreter -------------------------

def _classify(tp, snake):
    import collections.abc as cabc
    import enum
    import types
    import typing
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in typing.get_args(tp) if a is not type(None)]
        kinds = {_classify(a, snake) for a in parts}
        return kinds.pop() if len(kinds) == 1 else "|".join(sorted(kinds))
    if tp is str or (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return "str"
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "float"
    if tp is type(None) or tp is None:
        return None
    if origin in (list, cabc.Sequence, typing.List):
        (arg,) = typing.get_args(tp)
        return "list[%s]" % _classify(arg, snake)
    if origin in (dict, cabc.Mapping, typing.Dict):
        k, v = typing.get_args(tp)
        return "map[%s,%s]" % (_classify(k, snake), _classify(v, snake))
    if isinstance(tp, type):
        return snake(tp.__name__)
    return "<%r>" % (tp,)


def _jsonable(v):
    """A default as its JSON value. Python spells a mutable-literal default
    read-only (a tuple for `[]`, a MappingProxyType for `{}`), so any
    sequence / mapping normalises to the JSON array / object it holds."""
    import collections.abc as cabc
    import enum
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, cabc.Sequence) and not isinstance(v, (str, bytes)):
        return [_jsonable(x) for x in v]
    if isinstance(v, cabc.Mapping):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


def _dump(pkg_src):
    sys.path.insert(0, os.path.abspath(pkg_src))
    sys.path.insert(1, HERE)
    import functools
    import inspect
    import typing

    import cmdop
    import cmdop.errors
    from model import snake

    ops = {}

    def hints(fn):
        return typing.get_type_hints(fn, globalns=sys.modules[fn.__module__].__dict__)

    def members(cls):
        out = {}
        for c in reversed(cls.__mro__[:-1]):  # the class and its bases, not object
            out.update(vars(c))
        return out

    def walk(cls, prefix):
        for name, attr in sorted(members(cls).items()):
            if name.startswith("_"):
                continue
            if isinstance(attr, (functools.cached_property, property)):
                fn = attr.func if isinstance(attr, functools.cached_property) else attr.fget
                target = hints(fn).get("return")
                if isinstance(target, type):
                    walk(target, prefix + [name])
                continue
            if not inspect.isfunction(attr) or not prefix:
                continue  # Client's own methods (aclose, ...) are not ops
            key = "_".join(prefix + [name])
            sig = inspect.signature(attr)
            h = hints(attr)
            if inspect.isasyncgenfunction(attr):
                base = name.split("_", 1)[1] if "_" in name else "list"
                helpers.setdefault("_".join(prefix + [base]), []).append(name)
                continue
            params = {}
            positional = 0
            for p in list(sig.parameters.values())[1:]:
                entry = {"type": _classify(h.get(p.name), snake)}
                if p.kind == p.POSITIONAL_OR_KEYWORD or p.kind == p.POSITIONAL_ONLY:
                    entry["call"] = "positional:%d" % positional
                    positional += 1
                else:
                    entry["call"] = "keyword"
                if p.default is inspect.Parameter.empty:
                    entry["required"] = True
                else:
                    entry["required"] = False
                    entry["default"] = _jsonable(p.default)
                params[p.name] = entry
            ret = h.get("return")
            streaming = not inspect.iscoroutinefunction(attr)
            handle = typing.get_args(ret)[0] if typing.get_origin(ret) is not None and \
                getattr(typing.get_origin(ret), "__name__", "") == "_Opening" else None
            if handle is not None:  # a local op: awaiting it gives the handle
                streaming, result = False, snake(handle.__name__)
            elif streaming:
                result = "ask_frame" if ret is not None and "Stream" in ret.__name__ else \
                    _classify(ret, snake)
            else:
                result = _classify(ret, snake)
            ops[key] = {"params": params, "result": result, "streaming": streaming,
                        "helpers": []}

    helpers = {}
    walk(cmdop.Client, [])
    for base, names in helpers.items():
        if base in ops:
            ops[base]["helpers"] = sorted(names)
        else:
            for n in names:
                ops["<helper %s>" % n] = {"params": {}, "result": None,
                                          "streaming": False, "helpers": []}
    classes = {}
    for name, obj in vars(cmdop.errors).items():
        if isinstance(obj, type) and issubclass(obj, BaseException) \
                and obj.__module__ == cmdop.errors.__name__:
            classes[name] = {"parent": obj.__bases__[0].__name__,
                             "code": getattr(obj, "code", None)}
    if "CmdopError" in classes:
        classes["CmdopError"].pop("code")
    # Only what the package exports counts as its error surface.
    exported = {n for n in dir(cmdop) if not n.startswith("_")}
    classes = {n: c for n, c in classes.items() if n in exported}
    import dataclasses
    import types as _types
    import cmdop.types as ctypes
    records = {}
    for name, obj in vars(ctypes).items():
        if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)) or name.startswith("_"):
            continue
        if obj.__name__ != name:
            continue  # an alias (Fleet = FleetSummary): the record is listed once
        h = typing.get_type_hints(obj, globalns=vars(ctypes))
        fields = {}
        for f in dataclasses.fields(obj):
            tp = h[f.name]
            opt = typing.get_origin(tp) in (typing.Union, _types.UnionType) and \
                type(None) in typing.get_args(tp)
            t = _classify(tp, snake)
            entry = {"type": t}
            if not (isinstance(t, str) and t.startswith("list[")):
                entry["optional"] = opt
            fields[f.name] = entry
        records[snake(name)] = fields
    import cmdop._config as cfg
    tables = {
        "options": {n: {"env": list(o.env), "default": o.default}
                    for n, o in cfg.OPTIONS.items()},
        "planes": {n: {"url_option": p.url_option or None, "cred_option": p.cred_option or None,
                       "auth_header": p.auth_header, "auth_prefix": p.auth_prefix}
                   for n, p in cfg.PLANES.items()},
        "status": [list(r) for r in cfg.STATUS_CODES],
    }
    json.dump({"language": "python", "ops": ops, "errors": {"classes": classes},
               "records": records, "tables": tables},
              sys.stdout, sort_keys=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--dump"]:
        _dump(sys.argv[2])
    else:
        json.dump(extract(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
