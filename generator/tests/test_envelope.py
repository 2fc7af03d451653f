"""The stdio envelope as the 1.1 schema has it (docs/stdio.md "The 1.1 schema"):
field numbers, `envelope_page`, and which params have proto3 implicit presence.
python -m pytest -q generator/tests/test_envelope.py."""
import os

import pytest

from generator.errors import IdlError
from generator.model import build, load_dir
from generator.proto import render as render_proto
from generator.render import env
from generator.tests.test_model import BASE

IDL = os.path.join(os.path.dirname(__file__), "..", "..", "idl")

# The proto3 `optional` fields of every request message of the official 1.1.1
# descriptors (cmdop/_proto/cmdop/core/v1/*_pb2.py of the cmdop-1.1.1 wheel,
# FieldDescriptor.proto3_optional). Every other scalar field of those messages
# has implicit presence there.
OFFICIAL_P3OPT = {
    "ActiveSessionRequest": [], "AddMemberRequest": [],
    "AskRequest": ["agent_type", "pin", "timeout_seconds"], "AttachMachineRequest": [],
    "ClearMessagesRequest": [], "CloseTunnelRequest": [], "CreateFleetRequest": [],
    "CreateScheduleRequest": [], "DeleteScheduleRequest": [], "DetachMachineRequest": [],
    "DisableFleetRequest": [], "DisableMachineRequest": [], "GetFleetRequest": [],
    "GetMachineRequest": [], "GetScheduleRequest": [], "GetTunnelRequest": [],
    "IssueKeyRequest": ["expires_in_days"], "ListFleetMachinesRequest": ["cursor", "q"],
    "ListFleetsRequest": [], "ListKeysRequest": [], "ListMachinesRequest": ["cursor", "q"],
    "ListMembersRequest": [], "ListSchedulesRequest": [], "ListSessionsRequest": [],
    "ListTunnelsRequest": [], "MachineInfoRequest": [], "MachineSpendRequest": [],
    "MessagesRequest": [], "OpenTunnelRequest": ["subdomain"], "RemoveMemberRequest": [],
    "RevokeKeyRequest": [], "ScheduleRunsRequest": ["cursor"], "SetMemberRoleRequest": [],
    "SkillsCategoriesRequest": ["ordering", "search"], "SkillsCreateRequest": [],
    "SkillsDeleteRequest": [], "SkillsGetRequest": ["lang"], "SkillsInstallRequest": [],
    "SkillsListRequest": ["category", "lang", "ordering", "page", "page_size", "search", "tag"],
    "SkillsMyRequest": ["ordering", "page", "page_size", "search"],
    "SkillsPublishRequest": ["changelog", "readme", "skill_md"],
    "SkillsPublishStatusRequest": [],
    "SkillsReviewsRequest": ["ordering", "page", "page_size", "search"],
    "SkillsStarRequest": [], "SkillsTagsRequest": ["ordering", "search"],
    "SkillsUpdateRequest": ["category", "cover", "icon", "name", "repository_url", "status",
                            "visibility"],
    "SkillsVersionsRequest": [], "TriggerScheduleRequest": [],
    "UpdateFleetRequest": ["mfa_required", "name"], "UpdateMachineRequest": ["name"],
    "UpdateScheduleRequest": ["command", "cron_expr", "description", "is_enabled", "name",
                              "target_kind", "timezone"],
}


@pytest.fixture(scope="module")
def model():
    return load_dir(IDL)


@pytest.fixture(scope="module")
def protos(model):
    return "\n".join(render_proto(env(), model).values())


def message(protos, name):
    start = protos.index(f"message {name} {{")
    return protos[start:protos.index("\n}", start)]


def test_explicit_presence_is_the_official_p3opt_set(model):
    seen = set()
    for ns in model["namespaces"]:
        for op in ns["ops"]:
            msg = op["envelope"]["request"]["message"]
            if msg not in OFFICIAL_P3OPT:
                continue  # ours only (bots)
            seen.add(msg)
            # enums, lists and maps carry no default either way (absent = not passed)
            # (an envelope_page op's page/per_page travel inside OffsetPage)
            ep = op.envelope.page
            scalars = [p for p in op["params"]
                       if p["type"] not in ("string_list", "string_map")
                       and not (p["type"] == "enum" and p["enum"])
                       and not (ep and p["name"] in (ep["page"], ep["per_page"]))]
            ours = sorted(p["name"] for p in scalars if not p["implicit"])
            official = sorted(n for n in OFFICIAL_P3OPT[msg]
                              if n in {p["name"] for p in scalars})
            assert ours == official, msg
    assert seen == set(OFFICIAL_P3OPT)


def test_implicit_fields_declare_their_zero_value(protos):
    ca = message(protos, "ConfirmAnswer")
    assert "optional string token = 1 [default = \"\"];" in ca
    assert "optional bool accept = 2 [default = false];" in ca
    lm = message(protos, "ListMachinesRequest")
    assert "optional int32 limit = 3 [default = 0];" in lm
    assert "optional string q = 2;" in lm and "optional string cursor = 4;" in lm
    cs = message(protos, "CreateScheduleRequest")
    assert "optional bool is_enabled = 8 [default = false];" in cs
    assert "repeated string machine_ids = 9;" in cs
    # records the core sends carry no defaults
    assert "[default" not in message(protos, "MachineSummary")


def test_official_field_numbers(protos):
    ask = message(protos, "AskRequest")
    assert "string session_id = 2 " in ask and "string prompt = 3 " in ask
    frame = message(protos, "AskFrame")
    for line in ("StreamEvent event = 1;", "ConfirmRequired confirm_required = 2;",
                 "PinRequired pin_required = 3;", "PinDenied pin_denied = 4;"):
        assert line in frame
    ot = message(protos, "OpenTunnelRequest")
    for f in ("string protocol = 2 ", "string local_host = 3 ", "int32 local_port = 4 "):
        assert f in ot
    cs = message(protos, "CreateScheduleRequest")
    for f in ("description = 3 ", "cron_expr = 4 ", "timezone = 5 ", "command = 6 "):
        assert f in cs
    for name, n in (("ListFleetsRequest", 1), ("ListTunnelsRequest", 1),
                    ("ListMembersRequest", 2), ("ListKeysRequest", 2),
                    ("ListSchedulesRequest", 2)):
        m = message(protos, name)
        assert f"optional OffsetPage page = {n};" in m, name
        assert "int32 per_page" not in m, name
    op = message(protos, "OffsetPage")
    assert "optional int32 offset = 1 [default = 0];" in op
    assert "optional int32 per_page = 2 [default = 0];" in op


LIST = """
record Row {
  id: string @1
}
record Rows {
  items: Row[] @1
  offset: int32 @2
  per_page: int32 @3
  total: int32 @4
  page: int32 @5
  has_next: bool @6
  has_prev: bool @7
}
record OffsetPage {
  offset: int32 @1
  per_page: int32 @2
}
namespace rows plane relay {
  op list: GET "/rows/{fleet_id}" -> Rows {
    context fleet_id: string @1 from fleet_id
    query page?: int32 @2 range(1..)
    query per_page?: int32 @3 range(1..100)
    paginate offset helpers(iter, pages)
    envelope list_rows_req @60 -> rows @61
    envelope_page OffsetPage @2
  }
}
"""


def test_envelope_page_model_and_clients():
    from generator.render import render_all
    m = build([("base.cmdop", BASE), ("t.cmdop", LIST)])
    op = m["namespaces"][-1]["ops"][0]
    assert op.envelope.page.to_json() == {
        "number": 2, "message": "OffsetPage", "field": "page", "page": "page",
        "per_page": "per_page", "offset_field": "offset", "per_page_field": "per_page"}
    files = render_all(m)
    proto = next(v for k, v in files.items() if k.startswith("proto/") and "ListRowsRequest" in v)
    req = message(proto, "ListRowsRequest")
    assert "optional OffsetPage page = 2;" in req and "per_page = 3" not in req
    py = files["python/cmdop/_resources.py"]
    assert "_offset_page(r.page, page, per_page, 0)" in py
    assert "r.per_page" not in py
    ts = files["node/src/resources.ts"]
    assert "page: offsetPage(opts?.page, opts?.perPage, 0)," in ts
    assert "perPage: opts?.perPage" not in ts


@pytest.mark.parametrize("edit, error", [
    (("    paginate offset helpers(iter, pages)\n", ""), "needs `paginate offset`"),
    (("envelope_page OffsetPage @2", "envelope_page Nope @2"), "unknown record 'Nope'"),
    (("envelope_page OffsetPage @2", "envelope_page OffsetPage @1"),
     "already param 'fleet_id'"),
    (("  per_page: int32 @2\n}", "  size: int32 @2\n}"), "needs an int32 field 'per_page'"),
])
def test_envelope_page_errors(edit, error):
    with pytest.raises(IdlError, match=error):
        build([("base.cmdop", BASE), ("t.cmdop", LIST.replace(*edit))])


def test_explicit_presence_marks_a_defaulted_param():
    text = LIST.replace("query page?: int32 @2 range(1..)",
                        "query page: int32 @2 = 1 range(1..) explicit_presence")
    m = build([("base.cmdop", BASE), ("t.cmdop", text)])
    params = {p["name"]: p for p in m["namespaces"][-1]["ops"][0]["params"]}
    assert params["page"]["implicit"] is False
    assert params["fleet_id"]["implicit"] is True
    bad = LIST.replace("    query per_page?: int32 @3 range(1..100)\n",
                       "    query per_page?: int32 @3 range(1..100)\n"
                       "    query tags: string[] @4 = [] explicit_presence\n")
    with pytest.raises(IdlError, match="explicit_presence is for scalar params"):
        build([("base.cmdop", BASE), ("t.cmdop", bad)])
