"""The IDL's HTTP-wire declarations (docs/idl.md, docs/wire.md): enum wire strings,
`wire array`, `flatten`, `local` params with filter(...), omit_empty, emulated paging,
`base_url none`; their checks and what the C target renders."""

from generator.model import build
from generator.render import render_all

from test_model import BASE, fails  # noqa: E402 (pytest puts tests/ on sys.path)

WIRE = """\
enum Mfa {
  UNSPECIFIED @0
  NONE @1 "none"
  SOME @2 "some" sends "any"
  ALL @3 "all" sends "any" accepts "any", "totp"
  DONE @4 "done" wire "completed"
}
record Item {
  id: string @1
  name: string @2
  mfa: Mfa @3
}
record Detail {
  item: Item @1 flatten
  extra: string @2
}
record Bare wire array items {
  items: Item[] @1
}
record Page {
  items: Item[] @1
  offset: int32 @2
  per_page: int32 @3
  total: int32 @4
  page: int32 @5
  has_next: bool @6
  has_prev: bool @7
}
namespace items plane relay {
  op list: GET "/items" -> Page {
    query page?: int32 @1 range(1..)
    query per_page?: int32 @2 range(1..100)
    local q?: string @3 filter("name", "id")
    query cursor?: string @4 omit_empty
    paginate offset helpers(iter, pages)
    envelope list_items_req @10 -> page @11
  }
  op all: GET "/items/all" -> Page {
    local page?: int32 @1 range(1..)
    local per_page?: int32 @2 range(1..100)
    paginate offset emulated helpers(iter_all, pages_all)
    envelope all_items_req @12 -> page @11
  }
  op get: GET "/items/{id}" -> Detail {
    path id: string @1
    envelope get_item_req @13 -> detail @14
  }
  op bare: GET "/bare" -> Bare {
    envelope bare_req @15 -> bare @16
  }
  op set: POST "/items" -> Item {
    body mfa: Mfa @1 = "some"
    envelope set_item_req @17 -> item @18
  }
}
"""


def model():
    return build([("base.cmdop", BASE), ("t.cmdop", WIRE)])


def test_enum_wire_strings_in_the_model():
    e = next(x for x in model()["enums"] if x["name"] == "Mfa")
    assert {(a["wire"], a["surface"]) for a in e["wire_aliases"]} == {
        ("any", "all"), ("totp", "all"), ("completed", "done")}
    op = next(o for n in model()["namespaces"] for o in n["ops"] if o["name"] == "set")
    assert op["params"][0]["enum_sends"] == ["none", "any", "any", "completed"]


def test_c_target_renders_the_wire():
    files = render_all(model())
    wm = files["c/src/wire_map.c"]
    assert '{ "any", "all" }' in wm and '{ "completed", "done" }' in wm
    assert ".kind = CMDOP__WF_FLATTEN" in wm and '"id", "name", "mfa", NULL,' in wm
    assert '.array_key = "items"' in wm
    table = files["c/src/op_table.c"]
    assert '{ "none", "any", "any", "completed", NULL }' in table
    assert ".in = CMDOP__IN_LOCAL" in table and ".filter_fields = items_list_q_filter" in table
    assert ".omit_empty = true" in table
    assert ".emulated = true" in table and '.resp_has_next = "has_next"' in table

# The plane's options: its base URL and credential reach the C tables through them.
CLIENT = """\
client {
  option token from relay.auth
  option base_url from relay.base_url
}
"""


def test_c_tables_carry_the_plane():
    files = render_all(build([("base.cmdop", BASE + CLIENT), ("t.cmdop", WIRE)]))
    table = files["c/src/op_table.c"]
    assert ('[CMDOP__OPT_BASE_URL] = { .name = "base_url", .env = opt_base_url_env,\n'
            '      .default_value = "https://example.test"') in table
    assert 'static const char *const opt_token_env[] = { "X_TOKEN", NULL };' in table
    assert ('[CMDOP__PLANE_RELAY] = { .name = "relay", .url_option = CMDOP__OPT_BASE_URL,\n'
            '      .cred_option = CMDOP__OPT_TOKEN, .auth_header = "Authorization",\n'
            '      .auth_prefix = "Bearer "') in table
    assert "CMDOP__PLANE_RELAY = 0," in files["c/src/planes.h"]
    assert 'PLANES: Final[Mapping[str, Plane]] = MappingProxyType({\n    "relay": Plane(' \
        '"base_url", "token", "Authorization", "Bearer "),' in files["python/cmdop/_config.py"]
    assert '"X_URL",), "https://example.test"),' in files["python/cmdop/_config.py"]
    assert "[401, 401, \"auth\"]" in files["node/src/config.ts"]


def test_base_url_none():
    m = build([("base.cmdop", BASE.replace('base_url "https://example.test"', "base_url none")
                + CLIENT), ("t.cmdop", WIRE)])
    assert m["planes"][0]["base_url"] is None
    assert ('[CMDOP__OPT_BASE_URL] = { .name = "base_url", .env = opt_base_url_env,\n'
            '      .default_value = NULL') in render_all(m)["c/src/op_table.c"]


def test_one_wire_string_decodes_to_one_value():
    fails(WIRE.replace('DONE @4 "done" wire "completed"', 'DONE @4 "done" accepts "totp"'),
          'DONE @4', "already accepted by ALL")


def test_flatten_needs_a_record():
    fails(WIRE.replace("extra: string @2", "extra: string @2 flatten"), "extra",
          "only a record field can be flatten")


def test_wire_array_needs_one_list_field():
    fails(WIRE.replace("record Bare wire array items {\n  items: Item[] @1\n}",
                       "record Bare wire array items {\n  items: Item[] @1\n  n: int32 @2\n}"),
          "Bare", "its only field, a list")


def test_filter_needs_a_local_string():
    fails(WIRE.replace('local q?: string @3 filter("name", "id")',
                       'query q?: string @3 filter("name", "id")'), "q?", "needs a local string")


def test_emulated_paging_needs_local_params():
    fails(WIRE.replace("    local page?: int32 @1 range(1..)\n    local per_page",
                       "    query page?: int32 @1 range(1..)\n    local per_page"),
          "paginate offset emulated", "needs a local param 'page'")
