"""Client configuration target: the Python ClientConfig (clients/python/src/cmdop/_config.py)
and the Node ClientOptions/ClientConfig (clients/node/src/gen/config.ts), rendered from the
IDL's `client` block and the planes it takes base URLs and credentials from.

Each option resolves explicit > its env vars in order > default (docs/design.md
"Configuration"). The languages differ only where 1.1.0 did: Python's `or` skips "",
Node's `??` keeps it. The resolved values reach the core through its environment,
each in the option's first env var.
"""

from typing import Any

import jinja2

from .ir import Model
from .model import camel

PY_TYPE = {"string": "str", "int32": "int"}
TS_TYPE = {"string": "string", "int32": "number"}


def _py_expr(o: dict[str, Any]) -> str:
    """The Python expression resolving option `o` from its argument, its env vars
    (`_env`, in OPTIONS order) and its default (`_default`, OPTIONS)."""
    n = o["name"]
    src = f'{n} or _env("{n}")'
    if o["type"] == "int32":
        return f'{n} or int(_env("{n}") or _default("{n}"))'
    if o["strip_slash"]:
        expr = f'({src} or _default("{n}")).rstrip("/")'
        return expr + " or None" if o["default"] is None else expr
    if o["default"] is None:
        return f"{src} or None"
    return f'{src} or _default("{n}")'


def _ts_expr(o: dict[str, Any]) -> str:
    """The TypeScript expression resolving option `o` from `o` (options), its env
    vars (`fromEnv`, in OPTIONS order) and its default (OPTIONS)."""
    name, n = camel(o["name"]), o["name"]
    src = f'o.{name} ?? fromEnv(e, "{n}")'
    if o["type"] == "int32":
        return f"num(o.{name} ?? Number(fromEnv(e, \"{n}\") ?? OPTIONS.{n}.default), Number(OPTIONS.{n}.default))"
    if o["default"] is None:
        return f"stripOpt({src})" if o["strip_slash"] else src
    expr = f"{src} ?? OPTIONS.{n}.default"
    return f"strip({expr})" if o["strip_slash"] else expr


def view(model: Model) -> dict[str, Any]:
    opts = []
    for option in model.client:
        o = option.to_json()  # the view's own dict, extended below
        opts.append(dict(o, camel=camel(o["name"]), py_expr=_py_expr(o), ts_expr=_ts_expr(o),
                         py_type=PY_TYPE[o["type"]] + (" | None" if o["default"] is None else ""),
                         ts_type=TS_TYPE[o["type"]],
                         text_default=None if o["default"] is None else str(o["default"]),
                         py_env="(" + ", ".join(f'"{v}"' for v in o["env"])
                         + ("," if len(o["env"]) == 1 else "") + ")"))
    env_vars = list(dict.fromkeys(v for o in opts for v in o["env"]))
    # A plane's base URL option strips the trailing '/', its credential option not
    # (model.client_options): that is how the two options of a plane are told apart.
    bound = {(o["plane"], "url" if o["strip_slash"] else "cred"): o["name"]
             for o in opts if o["plane"]}
    planes = [dict(name=p.name, url_option=bound.get((p.name, "url")),
                   cred_option=bound.get((p.name, "cred")), auth_header=p.auth.header,
                   auth_prefix="Bearer " if p.auth.scheme == "bearer" else "")
              for p in model.planes]
    status = [(lo, hi, e.code) for e in model.errors for lo, hi in e.statuses]
    return dict(options=opts, env_vars=env_vars, planes=planes, status=status)


def render(e: jinja2.Environment, model: Model, banner: str) -> dict[str, str]:
    v = dict(view(model), banner=banner)
    return {"python/cmdop/_config.py": e.get_template("python/_config.py.j2").render(v),
            "node/src/config.ts": e.get_template("node/config.ts.j2").render(v)}
