"""The generator's parser, validation and rendering (python -m pytest -q generator/tests)."""
import glob
import json
import os
import re
import subprocess
import sys

import pytest

from generator.errors import IdlError
from generator.model import build, load_dir, model_hash
from generator.render import render_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IDL = os.path.join(ROOT, "idl")

BASE = """\
plane relay {
  base_url "https://example.test" env "X_URL"
  auth bearer "Authorization" env "X_TOKEN"
  validation_status 422
  errors auth
}
error auth { c_code CMDOP_EAUTH status 401 class AuthError parent CmdopError }
error validation { c_code CMDOP_EVALIDATION status 422 class ValidationError parent CmdopError }
error not_found { c_code CMDOP_ENOTFOUND status 404 class NotFoundError parent CmdopError }
record Empty {
}
arm 201 empty: Empty
enum Kind {
  UNSPECIFIED @0
  REQUEST @1
}
"""

THINGS = """\
enum Color {
  UNSPECIFIED @0
  RED @1 "red"
  BLUE @2 "blue"
}
record Thing {
  id: string @1
  color?: Color @2
  tags: string[] @3
}
record ThingList {
  items: Thing[] @1
  next_cursor?: string @2
}
namespace things plane relay {
  op list: GET "/things" -> ThingList {
    query limit: int32 @1 = 10 range(1..50)
    query cursor?: string @2
    paginate cursor helpers(iter, pages)
    envelope list_things_req @10 -> thing_list @11
  }
  op get: GET "/things/{thing_id}" -> Thing {
    path thing_id: string @1
    errors not_found
    envelope get_thing_req @12 -> thing @13
  }
  op delete: DELETE "/things/{thing_id}" -> void {
    path thing_id: string @1
    empty 204
    envelope delete_thing_req @14 -> empty @201
  }
}
"""


def position(text, needle, nth=0):
    """1-based (line, col) of the nth occurrence of needle in text."""
    idx = -1
    for _ in range(nth + 1):
        idx = text.index(needle, idx + 1)
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col


def fails(text, needle, message, nth=0):
    """Build base + text; expect an IdlError at `needle` whose message contains `message`."""
    with pytest.raises(IdlError) as info:
        build([("base.cmdop", BASE), ("t.cmdop", text)])
    err = info.value
    line, col = position(text, needle, nth)
    assert (err.file, err.line, err.col) == ("t.cmdop", line, col), str(err)
    assert message in err.message, str(err)
    assert str(err).startswith(f"t.cmdop:{line}:{col}: ")
    return err


def test_valid_mini_idl_renders():
    model = build([("base.cmdop", BASE), ("t.cmdop", THINGS)])
    files = render_all(model)
    for rel in ("c/include/cmdop/types.h", "c/include/cmdop/ops.h", "c/src/ops.c",
                "c/src/op_table.c", "c/src/types_json.c", "surface.json",
                "proto/cmdop/core/v1/t.proto", "proto/cmdop/core/v1/envelope.proto"):
        assert rel in files, rel
    ops_h = files["c/include/cmdop/ops.h"]
    flat = " ".join(ops_h.split())  # declarations wrap at 92 columns
    assert ("CMDOP_EXTERN int cmdop_things_get(cmdop_thing **out, cmdop_client *client, "
            "const char *thing_id);") in flat
    assert "CMDOP_EXTERN int cmdop_things_delete(cmdop_client *client, const char *thing_id);" in flat
    assert "CMDOP_EXTERN int cmdop_things_iter_next(cmdop_pager *pager, cmdop_thing **item);" in flat
    # the _INIT macro's function twin (FFI), declared and defined
    assert ("CMDOP_EXTERN int cmdop_things_list_params_init(cmdop_things_list_params *params, "
            "unsigned int version);") in flat
    assert "int cmdop_things_list_params_init(" in files["c/src/ops.c"]
    # lists of records are arrays of pointers (docs/abi.md)
    assert re.search(r"cmdop_thing \*\*items;", files["c/include/cmdop/types.h"])
    assert "CMDOP_THINGS_LIST_PARAMS_INIT" in ops_h
    table = files["c/src/op_table.c"]
    assert '.path = "/things/{thing_id}"' in table
    assert '.default_json = "10"' in table and ".min = 1.0, .max = 50.0" in table
    assert "CMDOP_COLOR_RED = 1" in files["c/include/cmdop/types.h"]
    surface = json.loads(files["surface.json"])
    assert surface["idl_hash"] == model_hash(model)
    assert [o["name"] for o in surface["namespaces"][0]["ops"]] == ["list", "get", "delete"]
    assert "optional Color color = 2;" in files["proto/cmdop/core/v1/t.proto"]


def test_syntax_error_position():
    text = THINGS.replace('query cursor?: string @2', 'query cursor?: string 2')
    fails(text, "2\n    paginate", "syntax error")


def test_syntax_error_bad_character():
    text = THINGS.replace("record Thing {", "record Thing $ {")
    fails(text, "$", "syntax error")


def test_unknown_type():
    text = THINGS.replace("color?: Color @2", "color?: Colour @2")
    fails(text, "Colour", "unknown type 'Colour'")


def test_unknown_result_type():
    text = THINGS.replace("-> Thing {", "-> Thingy {")
    fails(text, "Thingy", "unknown type 'Thingy'")


def test_duplicate_op():
    dup = '  op get: GET "/things2/{thing_id}" -> Thing {\n    path thing_id: string @1\n' \
          '    envelope get_thing_req @12 -> thing @13\n  }\n}\n'
    text = THINGS[:THINGS.rindex("}")] + dup
    fails(text, 'get: GET "/things2', "duplicate op 'things.get'")


def test_duplicate_field_name():
    text = THINGS.replace("  tags: string[] @3", "  tags: string[] @3\n  id: string @4")
    fails(text, "id: string @4", "duplicate field 'id'")


def test_duplicate_field_number():
    text = THINGS.replace("  tags: string[] @3", "  tags: string[] @2")
    fails(text, "tags", "duplicate field number 2")


def test_duplicate_param_number():
    text = THINGS.replace("query cursor?: string @2", "query cursor?: string @1")
    fails(text, "cursor?: string @1", "duplicate field number 1")


def test_param_number_below_the_presence_offset():
    text = THINGS.replace("query cursor?: string @2", "query cursor?: string @1000")
    fails(text, "cursor?: string @1000", "param field numbers are 1..999")


def test_param_clashing_with_a_presence_companion():
    text = THINGS.replace("query cursor?: string @2",
                          "query cursor?: string @2\n    query tags?: string[] @3\n"
                          "    query tags_present?: bool @4")
    fails(text, "tags?: string[] @3", "clashes with the presence companion of 'tags'")


def test_optional_lists_and_maps_get_a_presence_companion():
    """Request messages: `optional bool <p>_present = 1000 + @N` for optional
    list/map params only (docs/stdio.md); record messages never."""
    text = THINGS.replace("query cursor?: string @2",
                          "query cursor?: string @2\n    query tags?: string[] @3\n"
                          "    query must: string[] @4\n    query dflt: string[] @5 = []\n"
                          "    body opts: map<string,string> @6 = {}")
    proto = render_all(build([("base.cmdop", BASE), ("t.cmdop", text)]))[
        "proto/cmdop/core/v1/t.proto"]
    assert "optional bool tags_present = 1003;" in proto
    assert "optional bool dflt_present = 1005;" in proto
    assert "optional bool opts_present = 1006;" in proto
    assert "must_present" not in proto and "cursor_present" not in proto
    record = proto[proto.index("message Thing {"):proto.index("}", proto.index("message Thing {"))]
    assert "_present" not in record


def test_undeclared_path_param():
    text = THINGS.replace('"/things/{thing_id}" -> Thing', '"/things/{thing_id}/{part}" -> Thing')
    fails(text, '"/things/{thing_id}/{part}"', "path parameter '{part}' is not declared")


def test_path_param_missing_from_template():
    text = THINGS.replace('op delete: DELETE "/things/{thing_id}"', 'op delete: DELETE "/things"')
    fails(text, "thing_id: string @1", "path param 'thing_id' is missing from the path template",
          nth=1)


def test_default_outside_range():
    text = THINGS.replace("= 10 range(1..50)", "= 100 range(1..50)")
    fails(text, "= 100", "default 100 is outside its range 1..50")


def test_default_not_in_enum():
    text = THINGS.replace("query cursor?: string @2",
                          'query cursor?: string @2\n    query color: Color @3 = "green"')
    fails(text, '= "green"', 'default "green" is not one of red, blue')


def test_default_not_in_one_of():
    text = THINGS.replace("query cursor?: string @2",
                          'query cursor?: string @2\n    query mode: string @3 = "x" one_of("a", "b")')
    fails(text, '= "x"', 'default "x" is not one of a, b')


def test_route_clash():
    clash = '  op fetch: GET "/things/{id}" -> Thing {\n    path id: string @1\n' \
            '    envelope fetch_thing_req @15 -> thing @13\n  }\n}\n'
    text = THINGS[:THINGS.rindex("}")] + clash
    err = fails(text, 'GET "/things/{id}"', "clashes with things.get")
    assert "t.cmdop:" in err.message  # names where the first route is


def test_same_path_other_method_is_fine():
    ok = '  op touch: PATCH "/things/{id}" -> Thing {\n    path id: string @1\n' \
         '    envelope touch_thing_req @15 -> thing @13\n  }\n}\n'
    build([("base.cmdop", BASE), ("t.cmdop", THINGS[:THINGS.rindex("}")] + ok)])


def test_cli_reports_position_and_fails(tmp_path):
    (tmp_path / "base.cmdop").write_text(BASE)
    (tmp_path / "t.cmdop").write_text(THINGS.replace("color?: Color @2", "color?: Nope @2"))
    proc = subprocess.run([sys.executable, "-m", "generator", "--idl", str(tmp_path), "--check"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    line, col = position(THINGS, "Color @2")
    assert re.search(rf"t\.cmdop:{line}:{col}: unknown type 'Nope'", proc.stderr), proc.stderr


# ---- the real IDL ----

EXPECTED = {"machines": 10, "fleets": 5, "fleets.members": 4, "fleets.machines": 3,
            "tunnels": 5, "schedules": 7, "keys": 3, "skills": 14, "bots": 6}


@pytest.fixture(scope="module")
def real():
    return load_dir(IDL)


def test_real_idl_has_every_op(real):
    counts = {ns["name"]: len(ns["ops"]) for ns in real["namespaces"]}
    assert counts == EXPECTED
    names = {op["full_name"] for ns in real["namespaces"] for op in ns["ops"]}
    for n in ("machines.ask", "machines.active_session", "fleets.get",
              "fleets.members.set_role", "schedules.runs", "skills.publish_status", "bots.delete"):
        assert n in names


def test_real_idl_specifics(real):
    ops = {op["full_name"]: op for ns in real["namespaces"] for op in ns["ops"]}
    assert ops["fleets.get"]["kind"] == "scan" and ops["fleets.get"]["scan"]["list"] == "fleets.list"
    assert ops["tunnels.sessions"]["unwrap"] == "items"
    assert ops["machines.active_session"]["unwrap"] == "agent_session_id"
    assert ops["skills.publish"].empty.to_json() == {"status": 202, "result": {"status": "accepted"}}
    assert ops["schedules.runs"]["paginate"]["iter"] == "iter_runs"
    assert ops["machines.ask"]["kind"] == "stream"
    assert [c["name"] for c in ops["machines.ask"]["channels"]] == ["pin", "confirm"]
    assert ops["fleets.create"]["idempotency_key"] and not ops["fleets.update"]["idempotency_key"]
    assert ops["bots.list"]["envelope"]["request"]["number"] == 140
    assert ops["keys.list"]["params"][0]["context_from"] == "fleet_id"
    arms = {a["number"] for a in real["arms"]}
    assert {10, 11, 41, 46, 52, 135, 140, 146, 200, 201} <= arms


def test_hash_stable_under_whitespace_and_comments(real):
    sources = []
    for name in sorted(n for n in os.listdir(IDL) if n.endswith(".cmdop")):  # as load_dir
        with open(os.path.join(IDL, name), encoding="utf-8") as f:
            text = f.read()
        noisy = "// a new comment\n\n" + re.sub(r" \{\n", "   {  // x\n", text).replace("\n", "\n   \n")
        sources.append((os.path.join(IDL, name), noisy))
    assert model_hash(build(sources)) == model_hash(real)
    # and a change of meaning changes it
    changed = [(n, t.replace("= 100 range(1..200)", "= 99 range(1..200)", 1)) for n, t in sources]
    assert model_hash(build(changed)) != model_hash(real)


def test_committed_surface_matches_idl(real):
    with open(os.path.join(ROOT, "gen", "surface.json"), encoding="utf-8") as f:
        surface = json.load(f)
    assert surface["idl_hash"] == model_hash(real)


CC_FLAGS = ["-std=c11", "-D_DEFAULT_SOURCE", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra",
            "-Werror", "-Wshadow", "-Wstrict-prototypes", "-Wno-unused-parameter"]


def test_mini_idl_c_compiles(tmp_path):
    """The C rendered from a small IDL compiles warning-free against the runtime headers."""
    import shutil
    if not shutil.which("cc") or not shutil.which("pkg-config"):
        pytest.skip("no C compiler")
    model = build([("base.cmdop", BASE), ("t.cmdop", THINGS)])
    files = render_all(model)
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cflags = subprocess.run(["pkg-config", "--cflags", "jansson"], capture_output=True,
                            text=True).stdout.split()
    for src in ("types.c", "types_json.c", "types_samples.c", "ops.c", "op_table.c"):
        proc = subprocess.run(
            ["cc", *CC_FLAGS, "-I", os.path.join(ROOT, "runtime/include"),
             "-I", str(tmp_path / "c/include"), "-I", os.path.join(ROOT, "runtime/src"),
             "-I", str(tmp_path / "c/src"), *cflags, "-c", str(tmp_path / "c/src" / src),
             "-o", str(tmp_path / (src + ".o"))], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_mini_idl_proto_compiles(tmp_path):
    """protoc-c accepts the rendered proto2 files (envelope included)."""
    import shutil
    if not shutil.which("protoc-c"):
        pytest.skip("no protoc-c")
    files = render_all(build([("base.cmdop", BASE), ("t.cmdop", THINGS)]))
    protos = []
    for rel, text in files.items():
        if rel.startswith("proto/"):
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            protos.append(str(path))
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(["protoc-c", f"--c_out={out}", f"-I{tmp_path / 'proto'}", *protos],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    envelope = (out / "cmdop/core/v1/envelope.pb-c.h").read_text()
    assert "list_things_req" in envelope


def test_unknown_plane_and_error():
    fails(THINGS.replace("plane relay {", "plane relays {"), "relays", "unknown plane 'relays'")
    fails(THINGS.replace("errors not_found", "errors not_there"), "not_there",
          "unknown error 'not_there'")


def test_void_op_needs_empty():
    fails(THINGS.replace("    empty 204\n", ""), "delete: DELETE", "a void op needs 'empty 204'")


ASK = """\
record ErrorInfo {
  code: string @1
  message: string @2
}
record StreamEvent {
  event_type: int32 @1
  payload_json?: json @2 wire "payload"
}
record DoneInfo {
  success: bool @1
  text: string @2
}
record PinAnswer {
  challenge_id: string @1
  pin: string @2
}
union AskFrame tag "type" {
  event: StreamEvent @1
  done: DoneInfo @2
  error: ErrorInfo @3
}
arm 42 done: DoneInfo
arm 45 pin_answer: PinAnswer
namespace agents plane relay {
  op ask: POST "/m/{machine_id}/ask" -> stream AskFrame {
    path machine_id: string @1
    body prompt: string @2
    body session_id?: string @3 generated(hex32)
    channel pin: POST "/m/{machine_id}/pin" body PinAnswer on event answer pin_answer
    ends done
    fails error map not_found else validation
    envelope ask_req @40 -> ask_frame @41
  }
}
"""


def test_stream_op_renders_typed_open_and_stream_desc():
    """A stream op gets cmdop_<ns>_<op>(cmdop_<op>_stream **out, ...) with its required body
    strings positional, and a cmdop__stream_desc with its hex32 params, side channels and
    the arms that end it."""
    files = render_all(build([("base.cmdop", BASE), ("t.cmdop", ASK)]))
    ops_h = files["c/include/cmdop/ops.h"]
    assert '#include "cmdop/streams.h"' in ops_h
    assert re.search(r"CMDOP_EXTERN int cmdop_agents_ask\(cmdop_ask_stream \*\*out,\s+cmdop_client \*client,"
                     r"\s+const char \*machine_id,\s+const char \*prompt,"
                     r"\s+const cmdop_agents_ask_params \*params\);", ops_h), ops_h
    assert "const char *prompt;" not in ops_h  # positional, not a member
    ops_c = files["c/src/ops.c"]
    assert "cmdop__stream_open(client, &cmdop__stream_agents_ask, args, &s)" in ops_c
    table = files["c/src/op_table.c"]
    assert 'static const char *const agents_ask_hex32[] = { "session_id", NULL };' in table
    assert '.path = "/m/{machine_id}/pin"' in table
    assert '{ .name = "pin", .on_arm = "event", .answer_arm = "pin_answer",' in table
    assert ".ends_kind = CMDOP_ASK_FRAME_DONE," in table
    assert ".fails_kind = CMDOP_ASK_FRAME_ERROR," in table
    assert "const cmdop__stream_desc cmdop__stream_agents_ask = {" in table
    # the side channel is not a public op of the table
    ops_list = table[table.index("cmdop__ops[] = {"):]
    assert "cmdop__op_agents_ask_pin" not in ops_list
    assert "extern const cmdop__stream_desc cmdop__stream_agents_ask;" in files["c/src/op_descs.h"]
    streams_h = files["c/include/cmdop/streams.h"]
    assert "CMDOP_EXTERN int cmdop_ask_stream_pin(cmdop_ask_stream *s, const char *challenge_id," \
        in streams_h
    assert "CMDOP_EXTERN const char *cmdop_ask_stream_session_id(const cmdop_ask_stream *s);" \
        in streams_h


def test_stream_needs_ends():
    text = ASK.replace("    ends done\n", "")
    with pytest.raises(IdlError, match="needs `ends <arm>`"):
        build([("base.cmdop", BASE), ("t.cmdop", text)])


def test_mini_stream_idl_c_compiles(tmp_path):
    """The C of a stream op compiles warning-free against the runtime headers."""
    import shutil
    if not shutil.which("cc") or not shutil.which("pkg-config"):
        pytest.skip("no C compiler")
    files = render_all(build([("base.cmdop", BASE), ("t.cmdop", ASK)]))
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cflags = subprocess.run(["pkg-config", "--cflags", "jansson"], capture_output=True,
                            text=True).stdout.split()
    for src in ("types.c", "types_json.c", "ops.c", "op_table.c", "streams.c", "error_codes.c"):
        proc = subprocess.run(
            ["cc", *CC_FLAGS, "-I", os.path.join(ROOT, "runtime/include"),
             "-I", str(tmp_path / "c/include"), "-I", os.path.join(ROOT, "runtime/src"),
             "-I", str(tmp_path / "c/src"), *cflags, "-c", str(tmp_path / "c/src" / src),
             "-o", str(tmp_path / (src + ".o"))], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_the_c_code_table_comes_from_the_idl():
    """gen/c/src/error_codes.c: every IDL error under its libcmdop code (its
    name, or the string after its `c_code`), then the `c_code` declarations;
    a string two codes share parses to the first (the error's)."""
    m = load_dir(os.path.join(ROOT, "idl"))
    table = render_all(m)["c/src/error_codes.c"]
    rows = re.findall(r'^    \{(CMDOP_[A-Z]+), "([a-z_]+)"\},$', table, re.M)
    want = [(e.c_code, e.c_string) for e in m.errors] + [(c.c_code, c.string)
                                                        for c in m.c_codes]
    assert rows == want
    assert ("CMDOP_EAGENT", "agent_error") in rows and ("CMDOP_ETIMEOUT", "timeout") in rows
    assert rows.index(("CMDOP_EINTERNAL", "internal")) < rows.index(("CMDOP_ENOMEM", "internal"))
    assert len({c for c, _ in rows}) == len(rows)


@pytest.mark.parametrize("extra, message", [
    ('c_code CMDOP_ETIMEOUT "late"\n', "CMDOP_ETIMEOUT is already named"),
    ('c_code CMDOP_OK "fine"\n', "CMDOP_OK is already named"),
])
def test_a_c_code_is_named_once(extra, message):
    src = [(p, open(p, encoding="utf-8").read())
           for p in sorted(glob.glob(os.path.join(ROOT, "idl", "*.cmdop")))]
    with pytest.raises(IdlError, match=message):
        build(src + [("zz.cmdop", extra)])
