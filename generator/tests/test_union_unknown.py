"""A union's `unknown @N` arm (docs/idl.md "union") and the C table of stream
descriptors: python -m pytest -q generator/tests/test_union_unknown.py."""
import pytest

from generator.errors import IdlError
from generator.model import build
from generator.render import render_all
from generator.tests.test_model import ASK, BASE

ASK_UNKNOWN = ASK.replace('union AskFrame tag "type" {', 'union AskFrame tag "type" unknown @9 {')


def files_of(text):
    return render_all(build([("base.cmdop", BASE), ("t.cmdop", text)]))


def test_unknown_arm_is_in_the_model_and_the_proto():
    model = build([("base.cmdop", BASE), ("t.cmdop", ASK_UNKNOWN)])
    assert model["unions"][0]["unknown"] == 9
    proto = next(v for k, v in files_of(ASK_UNKNOWN).items()
                 if k.startswith("proto/") and "message AskFrame {" in v)
    assert "message AskFrameUnknown {\n  optional string type = 1;\n" \
           "  optional string raw_json = 2;\n}" in proto
    oneof = proto[proto.index("message AskFrame {"):]
    assert "AskFrameUnknown unknown = 9;" in oneof


def test_without_unknown_no_arm_and_no_message():
    model = build([("base.cmdop", BASE), ("t.cmdop", ASK)])
    assert model["unions"][0]["unknown"] is None
    assert not any("AskFrameUnknown" in v for k, v in files_of(ASK).items()
                   if k.startswith("proto/"))


def test_unknown_number_must_be_free():
    with pytest.raises(IdlError, match="reuses an arm's number"):
        build([("base.cmdop", BASE),
               ("t.cmdop", ASK_UNKNOWN.replace("unknown @9", "unknown @2"))])


def test_unknown_message_name_must_be_free():
    text = ASK_UNKNOWN + "record AskFrameUnknown {\n  x: string @1\n}\n"
    with pytest.raises(IdlError, match="AskFrameUnknown"):
        build([("base.cmdop", BASE), ("t.cmdop", text)])


def test_c_union_keeps_the_raw_json_of_an_unknown_tag():
    files = files_of(ASK_UNKNOWN)
    assert "char *raw_json;" in files["c/include/cmdop/types.h"]
    tj = files["c/src/types_json.c"]
    assert "v->raw_json = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);" in tj
    assert "free(v->raw_json);" in files["c/src/types.c"]


def test_frames_decode_the_unknown_arm():
    files = files_of(ASK_UNKNOWN)
    py = files["python/cmdop/frames.py"]
    assert 'if sub == "unknown":' in py and "json.loads(m.raw_json)" in py
    ts = files["node/src/frames.ts"]
    assert 'case "unknown":' in ts and "frameType: v.type" in ts
    # without the arm neither client looks for it
    plain = files_of(ASK)
    assert 'sub == "unknown"' not in plain["python/cmdop/frames.py"]
    assert 'case "unknown":' not in plain["node/src/frames.ts"]


def test_stream_descs_table_lists_every_stream_op():
    table = files_of(ASK)["c/src/op_table.c"]
    body = table[table.index("cmdop__stream_descs[] = {"):]
    body = body[:body.index("};")]
    assert "&cmdop__stream_agents_ask," in body and "NULL," in body
    assert "const size_t cmdop__stream_descs_count = 1;" in table
    # a second stream op needs no hand edit anywhere: it is in the table
    two = ASK.replace("    envelope ask_req @40 -> ask_frame @41\n  }\n}",
                      "    envelope ask_req @40 -> ask_frame @41\n  }\n"
                      '  op ask2: POST "/m/{machine_id}/ask2" -> stream AskFrame {\n'
                      "    path machine_id: string @1\n"
                      "    body prompt: string @2\n"
                      "    ends done\n"
                      "    envelope ask2_req @47 -> ask_frame @41\n  }\n}")
    table2 = files_of(two)["c/src/op_table.c"]
    assert "&cmdop__stream_agents_ask2," in table2
    assert "const size_t cmdop__stream_descs_count = 2;" in table2
