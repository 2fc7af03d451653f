"""The client configuration target (generator/config.py): the IDL's `client`
block and planes rendered as the Python ClientConfig and the Node
ClientOptions/resolveConfig, checked as text and, for Python, by running it."""
import os
import sys
import types

import pytest

from generator.errors import IdlError
from generator.model import build, load_dir
from generator.render import render_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY, TS = "python/cmdop/_config.py", "node/src/config.ts"


@pytest.fixture(scope="module")
def model():
    return load_dir(os.path.join(ROOT, "idl"))


@pytest.fixture(scope="module")
def files(model):
    return render_all(model)


@pytest.fixture
def config_cls(files, monkeypatch):
    """The rendered ClientConfig, imported from its text, with a clean CMDOP_* env."""
    for k in list(os.environ):
        if k.startswith("CMDOP_"):
            monkeypatch.delenv(k)
    mod = types.ModuleType("rendered_config")
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    exec(compile(files[PY], PY, "exec"), mod.__dict__)
    return mod.ClientConfig


def test_every_plane_env_var_is_rendered(model, files):
    wanted = {"CMDOP_FLEET_ID", "CMDOP_TIMEOUT_MS"}
    for p in model["planes"]:
        wanted |= {p["base_url_env"], *p["auth"]["env"]}
    assert wanted == {"CMDOP_TOKEN", "CMDOP_API_KEY", "CMDOP_BASE_URL", "CMDOP_API_BASE_URL",
                      "CMDOP_FLEET_ID", "CMDOP_TIMEOUT_MS"}
    # every variable is read through the generated OPTIONS table
    py_table = files[PY].split("OPTIONS: Final")[1].split("})")[0]
    ts_table = files[TS].split("export const OPTIONS")[1].split("}) satisfies")[0]
    for var in wanted:
        assert f'"{var}"' in py_table, var
        assert f'"{var}"' in ts_table, var
    assert "os.environ.get(var)" in files[PY] and "const value = e[v];" in files[TS]


def test_options_follow_the_client_block(model):
    assert [(o.name, list(o.env), o.default) for o in model.client] == [
        ("token", ["CMDOP_TOKEN", "CMDOP_API_KEY"], None),
        ("base_url", ["CMDOP_BASE_URL"], None),  # no default relay URL (1.1.1)
        ("api_base_url", ["CMDOP_API_BASE_URL"], "https://api.cmdop.com"),
        ("api_key", ["CMDOP_API_KEY"], None),
        ("fleet_id", ["CMDOP_FLEET_ID"], None),
        ("timeout_ms", ["CMDOP_TIMEOUT_MS"], 30000),
        ("ca_file", ["CMDOP_CA_FILE"], None),
        ("max_streams", ["CMDOP_MAX_STREAMS"], 16384),
    ]


def test_node_rendering_keeps_empty_strings_and_precedence(files):
    ts = files[TS]
    # `??`: explicit > env vars in order > default; "" is a value, as in 1.1.0's Node client
    # (fromEnv: the first of the option's variables that is set, "" included)
    assert 'token: Object.freeze({ env: Object.freeze(["CMDOP_TOKEN", "CMDOP_API_KEY"]) }),' in ts
    assert "if (value !== undefined) return value;" in ts
    assert 'token: o.token ?? fromEnv(e, "token"),' in ts
    assert 'baseUrl: stripOpt(o.baseUrl ?? fromEnv(e, "base_url")),' in ts  # no default relay URL
    assert ('timeoutMs: num(o.timeoutMs ?? Number(fromEnv(e, "timeout_ms") ?? '
            'OPTIONS.timeout_ms.default), Number(OPTIONS.timeout_ms.default)),') in ts
    assert 'timeout_ms: Object.freeze({ env: Object.freeze(["CMDOP_TIMEOUT_MS"]), default: "30000" }),' in ts
    # baseUrl has no default
    assert 'Pick<ClientOptions, "apiBaseUrl" | "timeoutMs" | "maxStreams">' in ts
    for name in ("token", "baseUrl", "apiBaseUrl", "apiKey", "fleetId", "binaryPath"):
        assert f"  {name}?: string;" in ts, name
    assert "  timeoutMs?: number;" in ts


def test_python_defaults_and_precedence(config_cls, monkeypatch):
    c = config_cls.resolve()
    assert (c.token, c.base_url, c.api_base_url, c.api_key, c.fleet_id, c.timeout_ms) == (
        None, None, "https://api.cmdop.com", None, None, 30000)
    monkeypatch.setenv("CMDOP_API_KEY", "key")
    monkeypatch.setenv("CMDOP_BASE_URL", "http://relay.test//")
    monkeypatch.setenv("CMDOP_TIMEOUT_MS", "1234")
    monkeypatch.setenv("CMDOP_FLEET_ID", "")  # Python `or`: "" counts as unset
    c = config_cls.resolve()
    assert c.token == "key" and c.api_key == "key"  # the token's CMDOP_API_KEY fallback
    assert c.base_url == "http://relay.test" and c.timeout_ms == 1234 and c.fleet_id is None
    monkeypatch.setenv("CMDOP_TOKEN", "tok")
    assert config_cls.resolve().token == "tok"
    c = config_cls.resolve(token="x", base_url="http://b/", timeout_ms=5, fleet_id="f",
                           binary_path="/bin/core")
    assert (c.token, c.base_url, c.timeout_ms, c.fleet_id, c.binary_path) == (
        "x", "http://b", 5, "f", "/bin/core")
    assert config_cls.resolve(token="").token == "tok"


def test_python_core_env_carries_only_resolved_values(config_cls, monkeypatch):
    monkeypatch.setenv("CMDOP_TOKEN", "from-env")
    monkeypatch.setenv("CMDOP_FLEET_ID", "")
    monkeypatch.setenv("OTHER_VAR", "kept")
    env = config_cls.resolve(token="explicit", api_base_url="http://p/").core_env()
    assert env["CMDOP_TOKEN"] == "explicit" and env["OTHER_VAR"] == "kept"
    assert env["CMDOP_API_BASE_URL"] == "http://p" and env["CMDOP_TIMEOUT_MS"] == "30000"
    assert "CMDOP_FLEET_ID" not in env and "CMDOP_API_KEY" not in env


PLANES = """\
plane relay {
  base_url "https://r.test" env "R_URL"
  auth bearer "Authorization" env "R_TOKEN", "P_KEY"
  errors auth
}
plane platform {
  base_url "https://p.test" env "P_URL"
  auth header "X-Api-Key" env "P_KEY"
  errors auth
}
error auth { c_code CMDOP_EAUTH status 401 class AuthError parent CmdopError }
enum Kind { KIND_UNSPECIFIED @0 }
"""
CLIENT = """\
client {
  option token from relay.auth
  option base_url from relay.base_url
  option api_base_url from platform.base_url
  option api_key from platform.auth
  option timeout_ms: int32 env "T_MS" = 10
}
"""


def _fails(client, message):
    with pytest.raises(IdlError) as info:
        build([("p.cmdop", PLANES), ("c.cmdop", client)])
    assert message in str(info.value), str(info.value)


def test_a_small_idl_renders_its_own_vars():
    m = build([("p.cmdop", PLANES), ("c.cmdop", CLIENT)])
    assert [list(o.env) for o in m.client] == [["R_TOKEN", "P_KEY"], ["R_URL"], ["P_URL"],
                                               ["P_KEY"], ["T_MS"]]


def test_client_block_errors():
    _fails(CLIENT.replace("option api_key from platform.auth\n", ""),
           "no option takes plane platform's auth")
    _fails(CLIENT.replace("from relay.auth", "from relays.auth"), "unknown plane 'relays'")
    _fails(CLIENT.replace("from relay.auth", "from relay.errors"), "gives base_url or auth")
    _fails(CLIENT.replace("option api_key from", "option token from"), "duplicate client option 'token'")
    _fails(CLIENT.replace("option api_key from platform.auth", "option key from relay.auth"),
           "relay.auth is already option 'token'")
    _fails(CLIENT.replace('= 10', '= "10"'), "default '10' is not of type int32")
    _fails(CLIENT.replace(' = 10', ''), "an int32 option needs a default")
    _fails(CLIENT.replace("int32", "bool"), "type must be string or int32")
    _fails(CLIENT + CLIENT, "duplicate client block")
