"""Client configuration target: the Python ClientConfig (gen/python/cmdop/_config.py)
and the Node ClientOptions/ClientConfig (gen/node/src/config.ts), rendered from the
IDL's `client` block and the planes it takes base URLs and credentials from.

Each option resolves explicit > its env vars in order > default (section 1 of the
reference). The languages differ only where 1.1.0 did: Python's `or` skips "",
Node's `??` keeps it. The resolved values reach the core through its environment,
each in the option's first env var.
"""
import json

from .model import camel

PY_TYPE = {"string": "str", "int32": "int"}
TS_TYPE = {"string": "string", "int32": "number"}


def _py_expr(o):
    """The Python expression resolving option `o` from its argument and `env`."""
    envs = [f'env("{v}")' for v in o["env"]]
    if o["type"] == "int32":
        return f"{o['name']} or int({' or '.join(envs)} or {o['default']!r})"
    chain = " or ".join([o["name"]] + envs)
    if o["default"] is None:
        if o["strip_slash"]:
            return f'({chain} or "").rstrip("/") or None'
        return f"{chain} or None"
    expr = f"({chain} or {json.dumps(o['default'])})"
    return expr + '.rstrip("/")' if o["strip_slash"] else expr


def _ts_expr(o):
    """The TypeScript expression resolving option `o` from `o` (options) and `e` (env)."""
    name = camel(o["name"])
    envs = " ?? ".join(f"e.{v}" for v in o["env"])
    if o["type"] == "int32":
        d = o["default"]
        return f"num(o.{name} ?? Number({envs} ?? {d}), {d})"
    if o["default"] is None:
        if o["strip_slash"]:
            return f"stripOpt(o.{name} ?? {envs})"
        return f"o.{name} ?? {envs}"
    expr = f'o.{name} ?? {envs} ?? "{o["default"]}"'
    return f"strip({expr})" if o["strip_slash"] else expr


def view(model):
    opts = []
    for o in model.get("client", []):
        opts.append(dict(o, camel=camel(o["name"]), py_expr=_py_expr(o), ts_expr=_ts_expr(o),
                         py_type=PY_TYPE[o["type"]] + (" | None" if o["default"] is None else ""),
                         ts_type=TS_TYPE[o["type"]]))
    env_vars = list(dict.fromkeys(v for o in opts for v in o["env"]))
    return dict(options=opts, env_vars=env_vars)


def render(e, model, banner):
    v = dict(view(model), banner=banner)
    return {"python/cmdop/_config.py": e.get_template("python/_config.py.j2").render(v),
            "node/src/config.ts": e.get_template("node/config.ts.j2").render(v)}
