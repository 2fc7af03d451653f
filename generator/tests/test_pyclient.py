"""The Python client target (generator/pyclient.py): call shapes of the 1.1.0
surface, helpers, errors and frames, rendered from the real IDL."""
import os
import re

import pytest

from generator.model import load_dir
from generator.render import render_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def files():
    return render_all(load_dir(os.path.join(ROOT, "idl")))


def _defs(files):
    """{"Machines.list": "self, *, presence: str = 'any', ..."} from _resources.py."""
    out, cls = {}, None
    for line in files["python/cmdop/_resources.py"].splitlines():
        m = re.match(r"class (\w+)", line)
        if m:
            cls = m.group(1)
        m = re.match(r"    (?:async )?def (\w+)\((.*)\) -> (.*):$", line)
        if m:
            out[f"{cls}.{m.group(1)}"] = (m.group(2), m.group(3))
    return out


# The 1.1.0 call shapes (docs/design.md "Call shapes"): positional / keyword and defaults.
SHAPES = {
    "Machines.list": "self, *, presence: str = 'any', q: str | None = None, limit: int = 100, "
                     "cursor: str | None = None",
    "Machines.update": "self, machine_id: str, name: str | None = None",
    "Machines.spend": "self, machine_id: str, window: str = '7d'",
    "Machines.messages": "self, machine_id: str, limit: int = 50",
    "Machines.ask": "self, machine_id: str, prompt: str, *, session_id: str | None = None, "
                    "agent_type: str | None = None, timeout_seconds: int | None = None, "
                    "options: Mapping[str, str] | None = _EMPTY_MAP, pin: str | None = None",
    # an optional list without IDL default is None (not passed), `= []` a tuple,
    # `= {}` the read-only _EMPTY_MAP
    "Bots.update": "self, bot_id: str, *, name: str | None = None, machine_id: str | None = None, "
                   "allowed_users: Sequence[str] | None = None, "
                   "permission: str | BotPermission | None = None, enabled: bool | None = None",
    "Bots.create": "self, name: str, platform: str | BotPlatform, machine_id: str, *, "
                   "allowed_users: Sequence[str] = (), permission: str | BotPermission = 'execute', "
                   "enabled: bool = True",
    "Tunnels.open": "self, session_id: str, local_port: int, *, protocol: str = 'http', "
                    "local_host: str = '127.0.0.1', subdomain: str = '', "
                    "options: Mapping[str, str] | None = _EMPTY_MAP",
    # page/per_page are sent only when passed (1.1.1 sends none when per_page is unset)
    "Fleets.list": "self, page: int | None = None, per_page: int | None = None",
    "Fleets.create": "self, name: str, slug: str, mfa_required: str | MfaRequirement = 'none'",
    "FleetsMembers.add": "self, email: str, role: str = 'member', *, fleet_id: str | None = None",
    "FleetsMembers.set_role": "self, user_id: str, role: str, *, fleet_id: str | None = None",
    "Keys.issue": "self, name: str, expires_in_days: int | None = None, *, "
                  "fleet_id: str | None = None",
    "Schedules.runs": "self, schedule_id: str, limit: int = 50, cursor: str | None = None, *, "
                      "fleet_id: str | None = None",
    "Schedules.iter_runs": "self, schedule_id: str, limit: int = 50, *, "
                           "fleet_id: str | None = None",
    "Fleets.iter": "self, per_page: int | None = None",
    "Skills.get": "self, slug: str, lang: str | None = None",
}


def test_call_shapes(files):
    defs = _defs(files)
    for name, sig in SHAPES.items():
        assert defs[name][0] == sig, name


def _method_body(files, cls, name):
    src = files["python/cmdop/_resources.py"]
    m = re.search(r"^class %s\b.*?^    (?:async )?def %s\(.*?\n(.*?)(?=^    (?:async )?def |^class |\Z)"
                  % (cls, name), src, re.S | re.M)
    assert m, (cls, name)
    return m.group(1)


def test_passed_lists_and_maps_set_their_presence_companion(files):
    """docs/stdio.md: a passed list/map, also an empty one, sets <name>_present."""
    body = _method_body(files, "Bots", "update")
    assert ("        if allowed_users is not None:\n"
            "            r.allowed_users.extend(_strs(allowed_users, \"allowed_users\"))\n"
            "            r.allowed_users_present = True\n") in body
    body = _method_body(files, "Schedules", "update")
    assert "            r.machine_ids_present = True\n" in body
    body = _method_body(files, "Tunnels", "open")
    assert ("        if options is not None:\n"
            "            r.options.update(_str_map(options, \"options\"))\n"
            "            r.options_present = True\n") in body
    body = _method_body(files, "Bots", "create")
    assert ("        r.allowed_users.extend(_strs(allowed_users, \"allowed_users\"))\n"
            "        r.allowed_users_present = True\n") in body
    src = files["python/cmdop/_resources.py"]
    assert "_EMPTY_MAP: Mapping[str, str] = _MappingProxyType({})" in src


def test_returns(files):
    defs = _defs(files)
    assert defs["Machines.active_session"][1] == "str"
    assert defs["Tunnels.sessions"][1] == "_List[ConnectedSessionOption]"
    assert defs["Machines.disable"][1] == "None"
    assert defs["Machines.ask"][1] == "AskStream"
    assert defs["Machines.iter"][1] == "AsyncIterator[MachineSummary]"
    assert defs["AskStream.pin"] == ("self, challenge_id: str, pin: str", "Awaitable[None]")
    assert defs["AskStream.confirm"] == ("self, token: str, accept: bool", "Awaitable[None]")


def test_every_op_and_helper_is_a_method(files):
    model = load_dir(os.path.join(ROOT, "idl"))
    defs = _defs(files)
    for ns in model["namespaces"]:
        cls = "".join(p[:1].upper() + p[1:] for part in ns["name"].split(".")
                      for p in part.split("_"))
        for op in ns["ops"]:
            assert f"{cls}.{op['name']}" in defs
            for h in op["helpers"]:
                assert f"{cls}.{h['name']}" in defs


def test_errors_and_frames(files):
    err = files["python/cmdop/errors.py"]
    assert "class TimeoutError(ConnectionError, builtins.TimeoutError):" in err
    assert "    retryable = True" in err
    assert "class ConnectionError(CmdopError, builtins.ConnectionError):" in err
    assert "class AgentStreamTimeoutError(AgentStreamError, TimeoutError):" in err
    assert "class PinDeniedError(PermissionError):" in err
    assert '"internal": CmdopError,' in err
    frames = files["python/cmdop/frames.py"]
    for cls in ("EventFrame", "DoneFrame", "PinRequiredFrame", "ConfirmRequiredFrame",
                "PinDeniedFrame", "UnknownFrame"):
        assert re.search(rf"^class {cls}\b", frames, re.M), cls
    # 1.1.0's ErrorFrame exists but is never produced: errors are raised
    assert re.search(r"^class ErrorFrame\b", frames, re.M) and "ErrorFrame," not in frames.split("Frame = ")[1]
    # a frame's decoder fills its slots on the class's builder (past __init__ and the
    # frozen __setattr__), a fill after `or`, and then makes it the frame
    assert re.search(r"^    o\.danger_level = m\.danger_level or 'medium'$", frames, re.M)
    assert re.search(r"^    o: Any = ConfirmRequiredFrame\._builder\(\)", frames, re.M)
    assert re.search(r"^    o\.__class__ = ConfirmRequiredFrame$", frames, re.M)
    # the union's own arm is asked before the envelope's (one WhichOneof for most frames)
    dec = frames.split("def ask_frame_from_envelope")[1].split("\ndef ")[0]
    assert dec.index('u.WhichOneof("type")') < dec.index('env.WhichOneof("payload")')


def test_hash_and_protoc_output(files):
    model = load_dir(os.path.join(ROOT, "idl"))
    from generator.model import model_hash
    assert f'IDL_HASH = "{model_hash(model)}"' in files["python/cmdop/_gen.py"]
    assert "from cmdop.core.v1 import" in files["python/cmdop/core/v1/envelope_pb2.py"]
    for area in ("common", "envelope", "machines", "skills"):
        assert f"python/cmdop/core/v1/{area}_pb2.pyi" in files


def test_files_module_holds_what_the_pb2_modules_register(files):
    """core/v1/_files.py (cmdop/_pb.py's fast path): each file of the descriptor set,
    byte for byte the one its *_pb2.py adds to the pool, after the files it imports."""
    import ast

    from google.protobuf import descriptor_pb2
    ns: dict = {}
    exec(files["python/cmdop/core/v1/_files.py"], ns)
    seen: list[str] = []
    for b in ns["FILES"]:
        fd = descriptor_pb2.FileDescriptorProto.FromString(b)
        assert all(d in seen for d in fd.dependency), (fd.name, fd.dependency, seen)
        seen.append(fd.name)
        area = fd.name.rsplit("/", 1)[1][:-len(".proto")]
        tree = ast.parse(files[f"python/cmdop/core/v1/{area}_pb2.py"])
        added = [n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and getattr(n.func, "attr", "") == "AddSerializedFile"]
        assert added == [b], fd.name
    assert seen[-1] == "cmdop/core/v1/envelope.proto"
    assert len(seen) == sum(1 for k in files if re.fullmatch(r"python/cmdop/core/v1/\w+_pb2\.py", k))


def test_rendered_python_compiles(files):
    for rel, text in files.items():
        if rel.startswith("python/") and rel.endswith(".py"):
            compile(text, rel, "exec")
