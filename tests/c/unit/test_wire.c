/*
 * test_wire.c — the hosted wire, op by op, with the GENERATED descriptors
 * (gen/c/src/op_table.c, wire_map.c): the request each op builds (measured
 * against the official 1.1.1 core, docs/wire.md), and the answer shaping
 * (wire -> model, offset fill, emulated keys paging, client-side q filter).
 * No network.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "call_internal.h"
#include "cmdop.h"
#include "op_descs.h"
#include "request.h"
#include "result_shape.h"
#include "types_json.h"
#include "validate.h"
#include "wire_map.h"

#define FLEET "10000000-0000-4000-8000-000000000001"

static cmdop__request_ctx ctx(cmdop__plane plane)
{
    cmdop__request_ctx c = {plane == CMDOP__PLANE_RELAY ? "http://r" : "http://p",
                            "cred", plane, NULL, -1};
    return c;
}

/* Validate `args_json` for `op` (fleet FLEET as the client default) and build
 * the request; returns it (NEW). */
static cmdop__http_req *build(const cmdop__op_desc *op, const char *args_json)
{
    json_t *args = json_loads(args_json, 0, NULL);
    ck_assert_ptr_nonnull(args);
    json_t *a = NULL;
    int rc = cmdop__validate_args(op, args, FLEET, &a);
    ck_assert_msg(rc == 0, "%s: %s", op->name, rc ? cmdop_error_last()->message : "");
    cmdop__http_req *r = NULL;
    cmdop__request_ctx c = ctx(op->plane);
    ck_assert_int_eq(cmdop__request_build(op, a, &c, &r), 0);
    json_decref(a);
    json_decref(args);
    return r;
}

/* The request's URL must be `url` and its body (canonical JSON) `body`
 * (NULL = no body). */
static void expect(const char *name, const char *args, const char *url, const char *body)
{
    const cmdop__op_desc *op = cmdop__op_find(name);
    ck_assert_msg(op != NULL, "no op %s", name);
    cmdop__http_req *r = build(op, args);
    ck_assert_str_eq(r->url, url);
    if (!body) {
        ck_assert_ptr_null(r->body);
    } else {
        json_t *got = json_loadb(r->body, r->body_len, 0, NULL), *want = json_loads(body, 0, NULL);
        ck_assert_ptr_nonnull(got);
        ck_assert_ptr_nonnull(want);
        char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
        char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
        ck_assert_str_eq(g, w);
        free(g);
        free(w);
        json_decref(got);
        json_decref(want);
    }
    cmdop__http_req_free(r);
}

START_TEST(offset_lists_send_page_only_when_passed)
{
    /* 1.1.1: per_page unset -> no query at all; else page and per_page */
    expect("fleets.list", "{}", "http://r/api/fleets", NULL);
    expect("fleets.list", "{\"page\": 1, \"per_page\": 5}", "http://r/api/fleets?page=1&per_page=5", NULL);
    expect("fleets.list", "{\"page\": 2, \"per_page\": 1}", "http://r/api/fleets?page=2&per_page=1", NULL);
    expect("fleets.members.list", "{}", "http://r/api/fleets/" FLEET "/members", NULL);
    expect("tunnels.list", "{\"per_page\": 5}", "http://r/api/tunnels?per_page=5", NULL);
    expect("schedules.list", "{\"page\": 1, \"per_page\": 5}",
           "http://r/api/fleets/" FLEET "/schedules?page=1&per_page=5", NULL);
}
END_TEST

START_TEST(keys_list_sends_no_paging)
{
    expect("keys.list", "{}", "http://r/api/fleets/" FLEET "/api-keys", NULL);
    expect("keys.list", "{\"page\": 2, \"per_page\": 1}", "http://r/api/fleets/" FLEET "/api-keys", NULL);
}
END_TEST

START_TEST(machine_lists_never_send_q)
{
    expect("machines.list", "{\"q\": \"al\", \"cursor\": \"\"}",
           "http://r/api/machines?presence=any&limit=100", NULL);
    expect("machines.list", "{\"presence\": \"online\", \"limit\": 2, \"cursor\": \"c2\"}",
           "http://r/api/machines?presence=online&limit=2&cursor=c2", NULL);
    expect("fleets.machines.list", "{\"q\": \"al\", \"limit\": 3, \"presence\": \"offline\"}",
           "http://r/api/fleets/" FLEET "/machines?presence=offline&limit=3", NULL);
    expect("schedules.runs", "{\"schedule_id\": \"s1\", \"cursor\": \"\"}",
           "http://r/api/fleets/" FLEET "/schedules/s1/runs?limit=50", NULL);
}
END_TEST

START_TEST(mfa_surface_to_wire)
{
    expect("fleets.create", "{\"name\": \"W\", \"slug\": \"w-a\", \"mfa_required\": \"optional\"}",
           "http://r/api/fleets", "{\"name\":\"W\",\"slug\":\"w-a\",\"mfa_required\":\"any\"}");
    expect("fleets.create", "{\"name\": \"W\", \"slug\": \"w-a\", \"mfa_required\": \"required\"}",
           "http://r/api/fleets", "{\"name\":\"W\",\"slug\":\"w-a\",\"mfa_required\":\"any\"}");
    expect("fleets.create", "{\"name\": \"W\", \"slug\": \"w-a\"}",
           "http://r/api/fleets", "{\"name\":\"W\",\"slug\":\"w-a\",\"mfa_required\":\"none\"}");
    expect("fleets.update", "{\"fleet_id\": \"f\", \"name\": \"\", \"mfa_required\": \"none\"}",
           "http://r/api/fleets/f", "{\"name\":\"\",\"mfa_required\":\"none\"}");
}
END_TEST

START_TEST(bodies_as_measured)
{
    expect("tunnels.open", "{\"session_id\": \"s-alpha\", \"local_port\": 8080, \"options\": {}}",
           "http://r/api/tunnels",
           "{\"session_id\":\"s-alpha\",\"local_port\":8080,\"protocol\":\"http\","
           "\"local_host\":\"127.0.0.1\",\"subdomain\":\"\"}");
    expect("tunnels.open", "{\"session_id\": \"s\", \"local_port\": 1, \"options\": {\"a\": \"b\"},"
           " \"subdomain\": \"db-one\"}", "http://r/api/tunnels",
           "{\"session_id\":\"s\",\"local_port\":1,\"protocol\":\"http\",\"local_host\":\"127.0.0.1\","
           "\"subdomain\":\"db-one\",\"options\":{\"a\":\"b\"}}");
    expect("machines.update", "{\"machine_id\": \"m\", \"name\": \"\"}", "http://r/api/machines/m",
           "{\"name\":\"\"}");
    expect("schedules.create", "{\"name\": \"n\", \"cron_expr\": \"0 3 * * *\", \"command\": \"c\"}",
           "http://r/api/fleets/" FLEET "/schedules",
           "{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"c\",\"description\":\"\","
           "\"timezone\":\"UTC\",\"target_kind\":\"all_fleet_machines\",\"is_enabled\":true,"
           "\"machine_ids\":[]}");
    expect("skills.install", "{\"slug\": \"skill-01\"}", "http://p/apix/skills/skills/skill-01/install/",
           NULL);
    expect("skills.list", "{}", "http://p/apix/skills/skills/", NULL);
    expect("skills.categories", "{}", "http://p/apix/skills/categories/", NULL);
    expect("bots.list", "{}", "http://p/apix/bots/?page=1&page_size=20", NULL);
}
END_TEST

START_TEST(ask_and_its_side_channels)
{
    const cmdop__stream_desc *sd = &cmdop__stream_machines_ask;
    cmdop__http_req *r = build(sd->op, "{\"machine_id\": \"m\", \"prompt\": \"hi\", \"session_id\": "
                                       "\"0123456789abcdef0123456789abcdef\", \"options\": {}}");
    ck_assert_str_eq(r->url, "http://r/api/admin/machines/m/ask");
    ck_assert_str_eq(r->body, "{\"prompt\":\"hi\",\"session_id\":\"0123456789abcdef0123456789abcdef\"}");
    cmdop__http_req_free(r);
    const cmdop__op_desc *confirm = NULL, *pin = NULL;
    for (size_t i = 0; i < sd->n_channels; i++) {
        if (!strcmp(sd->channels[i].name, "confirm"))
            confirm = sd->channels[i].op;
        if (!strcmp(sd->channels[i].name, "pin"))
            pin = sd->channels[i].op;
    }
    ck_assert_ptr_nonnull(confirm);
    ck_assert_ptr_nonnull(pin);
    r = build(confirm, "{\"machine_id\": \"m\", \"token\": \"ct_1\", \"accept\": false}");
    ck_assert_str_eq(r->url, "http://r/api/admin/machines/m/confirm");
    ck_assert_str_eq(r->body, "{\"confirm_token\":\"ct_1\",\"accept\":false}");
    cmdop__http_req_free(r);
    r = build(pin, "{\"machine_id\": \"m\", \"challenge_id\": \"pc_1\", \"pin\": \"1234\"}");
    ck_assert_str_eq(r->body, "{\"challenge_id\":\"pc_1\",\"pin\":\"1234\"}");
    cmdop__http_req_free(r);
}
END_TEST

/* Shape `answer` as op `name`'s result with `args`; returns the model (NEW). */
static json_t *shape(const char *name, const char *args_json, const char *answer)
{
    const cmdop__op_desc *op = cmdop__op_find(name);
    ck_assert_ptr_nonnull(op);
    json_t *args = json_loads(args_json, 0, NULL), *a = NULL;
    ck_assert_int_eq(cmdop__validate_args(op, args, FLEET, &a), 0);
    json_t *doc = json_loads(answer, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(cmdop__result_shape(op, a, "req-1", &doc), 0);
    json_decref(a);
    json_decref(args);
    return doc;
}

/* The sample of record `name` (types_samples.c: every field set, as on the
 * wire) with the keys of the object `over` (JSON text) set; NEW text, free(). */
static char *sample_with(const char *name, const char *over)
{
    for (size_t i = 0; i < cmdop__record_samples_count; i++) {
        if (strcmp(cmdop__record_samples[i].name, name) != 0)
            continue;
        json_t *s = json_loads(cmdop__record_samples[i].json, 0, NULL);
        json_t *o = json_loads(over, 0, NULL);
        ck_assert(s && o);
        /* a `flatten` field (MachineDetail.summary) sits at the top on the wire */
        json_t *nested = json_object_get(s, "summary");
        if (strcmp(name, "MachineDetail") == 0 && json_is_object(nested)) {
            json_incref(nested);
            json_object_del(s, "summary");
            json_object_update(s, nested);
            json_decref(nested);
        }
        json_object_update(s, o);
        char *text = json_dumps(s, JSON_COMPACT);
        json_decref(s);
        json_decref(o);
        return text;
    }
    ck_abort_msg("no sample %s", name);
    return NULL;
}

static json_int_t geti(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

START_TEST(offset_answer_fills_offset)
{
    json_t *d = shape("fleets.list", "{\"page\": 3, \"per_page\": 2}",
                      "{\"items\": [{\"id\": \"a\", \"mfa_required\": \"any\", \"disabled_at\": null}],"
                      " \"total\": 5, \"page\": 3, \"per_page\": 2, \"has_next\": false,"
                      " \"has_prev\": true}");
    ck_assert_int_eq(geti(d, "offset"), 4);
    json_t *it = json_array_get(json_object_get(d, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(it, "mfa_required")), "required");
    ck_assert(json_is_null(json_object_get(it, "disabled_at")));
    json_decref(d);
}
END_TEST

START_TEST(keys_paging_is_emulated)
{
    const char *all = "{\"items\": [{\"id\": \"k1\"}, {\"id\": \"k2\"}, {\"id\": \"k3\"}],"
                      " \"total\": 3, \"page\": 1, \"per_page\": 50}";
    json_t *d = shape("keys.list", "{\"page\": 2, \"per_page\": 2}", all);
    json_t *items = json_object_get(d, "items");
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "id")), "k3");
    ck_assert_int_eq(geti(d, "offset"), 2);
    ck_assert_int_eq(geti(d, "per_page"), 2);
    ck_assert_int_eq(geti(d, "total"), 3);
    ck_assert_int_eq(geti(d, "page"), 2);
    ck_assert(json_is_false(json_object_get(d, "has_next")));
    ck_assert(json_is_true(json_object_get(d, "has_prev")));
    json_decref(d);
    d = shape("keys.list", "{}", all);   /* no per_page: all, the answer's per_page */
    ck_assert_uint_eq(json_array_size(json_object_get(d, "items")), 3);
    ck_assert(json_is_false(json_object_get(d, "has_next")));
    ck_assert_int_eq(geti(d, "offset"), 0);
    ck_assert_int_eq(geti(d, "per_page"), 50);
    ck_assert_int_eq(geti(d, "total"), 3);
    json_decref(d);
}
END_TEST

START_TEST(q_is_filtered_client_side)
{
    const char *page = "{\"items\": [{\"id\": \"m1\", \"name\": \"Alpha\", \"hostname\": \"a\"},"
                       " {\"id\": \"m2\", \"name\": \"bravo\", \"hostname\": \"b.lan\"},"
                       " {\"id\": \"xal\", \"name\": \"c\", \"hostname\": \"c\"}],"
                       " \"next_cursor\": \"c3\", \"has_more\": true}";
    json_t *d = shape("machines.list", "{\"q\": \"AL\"}", page);
    json_t *items = json_object_get(d, "items");
    ck_assert_uint_eq(json_array_size(items), 2);   /* Alpha by name, xal by id */
    ck_assert_str_eq(json_string_value(json_object_get(d, "next_cursor")), "c3");
    ck_assert(json_is_true(json_object_get(d, "has_more")));
    json_decref(d);
    d = shape("fleets.machines.list", "{\"q\": \"lan\"}", page);
    ck_assert_uint_eq(json_array_size(json_object_get(d, "items")), 1);
    json_decref(d);
    d = shape("machines.list", "{}", page);
    ck_assert_uint_eq(json_array_size(json_object_get(d, "items")), 3);
    json_decref(d);
}
END_TEST

START_TEST(wire_to_model)
{
    /* flat MachineDetail -> summary nested */
    char *flat = sample_with("MachineDetail",
                             "{\"id\": \"m\", \"name\": \"alpha\", \"disabled_at\": null,"
                             " \"is_root\": true, \"username\": \"ops\"}");
    json_t *d = shape("machines.get", "{\"machine_id\": \"m\"}", flat);
    free(flat);
    json_t *s = json_object_get(d, "summary");
    ck_assert(json_is_object(s));
    ck_assert_str_eq(json_string_value(json_object_get(s, "name")), "alpha");
    ck_assert(json_is_object(json_object_get(s, "specs")));
    cmdop_machine_detail *md = NULL;
    char *text = json_dumps(d, JSON_COMPACT);
    ck_assert_int_eq(cmdop_machine_detail_from_json(&md, text), 0);
    ck_assert_str_eq(md->summary->name, "alpha");
    ck_assert(md->is_root);
    ck_assert_ptr_null(md->summary->disabled_at);
    cmdop_machine_detail_free(md);
    free(text);
    json_decref(d);
    /* bare array -> {items} */
    d = shape("tunnels.sessions", "{}", "[{\"session_id\": \"s-1\", \"machine_id\": null}]");
    ck_assert_uint_eq(json_array_size(json_object_get(d, "items")), 1);
    json_decref(d);
    d = shape("skills.tags", "{}", "[]");
    ck_assert(json_is_array(json_object_get(d, "items")));
    json_decref(d);
    /* schedule statuses: completed -> success */
    d = shape("schedules.runs", "{\"schedule_id\": \"s\"}",
              "{\"items\": [{\"status\": \"completed\", \"finished_at\": null,"
              " \"duration_seconds\": null}, {\"status\": \"failed\"}]}");
    json_t *items = json_object_get(d, "items");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "status")), "success");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "status")), "failed");
    json_decref(d);
    d = shape("schedules.get", "{\"schedule_id\": \"s\"}", "{\"last_status\": \"completed\"}");
    ck_assert_str_eq(json_string_value(json_object_get(d, "last_status")), "success");
    json_decref(d);
    d = shape("fleets.create", "{\"name\": \"n\", \"slug\": \"n-1\"}", "{\"mfa_required\": \"totp\"}");
    ck_assert_str_eq(json_string_value(json_object_get(d, "mfa_required")), "required");
    json_decref(d);
}
END_TEST

START_TEST(typed_readers_take_the_wire_too)
{
    cmdop_machine_detail *md = NULL;
    char *text = sample_with("MachineDetail", "{\"id\": \"m\", \"name\": \"flat\","
                                              " \"disabled_at\": null, \"username\": \"u\"}");
    ck_assert_int_eq(cmdop_machine_detail_from_json(&md, text), 0);
    free(text);
    ck_assert_ptr_nonnull(md->summary);
    ck_assert_str_eq(md->summary->name, "flat");
    ck_assert_str_eq(md->username, "u");
    cmdop_machine_detail_free(md);
    cmdop_fleet_summary *f = NULL;
    text = sample_with("FleetSummary", "{\"id\": \"f\", \"mfa_required\": \"any\"}");
    ck_assert_int_eq(cmdop_fleet_summary_from_json(&f, text), 0);
    free(text);
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_REQUIRED);
    cmdop_fleet_summary_free(f);
    cmdop_schedule_run_view *r = NULL;
    text = sample_with("ScheduleRunView", "{\"status\": \"completed\","
                                          " \"finished_at\": null, \"duration_seconds\": null}");
    ck_assert_int_eq(cmdop_schedule_run_view_from_json(&r, text), 0);
    free(text);
    ck_assert_int_eq(r->status, CMDOP_SCHEDULE_RUN_STATUS_SUCCESS);
    ck_assert(!r->has_duration_seconds);
    ck_assert_ptr_null(r->finished_at);
    cmdop_schedule_run_view_free(r);
}
END_TEST

START_TEST(wrong_shapes_fail_typed)
{
    const cmdop__op_desc *op = cmdop__op_find("fleets.list");
    json_t *doc = json_loads("[1, 2]", JSON_DECODE_ANY, NULL), *a = json_object();
    ck_assert_int_eq(cmdop__result_shape(op, a, "req-9", &doc), CMDOP_EINTERNAL);
    ck_assert_str_eq(cmdop_error_last()->request_id, "req-9");
    json_decref(doc);
    json_decref(a);
}
END_TEST

START_TEST(relay_op_without_base_url_fails_before_network)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = "tok";
    cmdop_client *c = NULL;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    ck_assert_ptr_null(cmdop_client_base_url(c));
    cmdop_fleet_list *out = NULL;
    ck_assert_int_eq(cmdop_fleets_list(&out, c, NULL), CMDOP_EVALIDATION);
    ck_assert_ptr_null(out);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_ptr_nonnull(strstr(e->message, "CMDOP_BASE_URL"));
    ck_assert_str_eq(e->field, "base_url");
    ck_assert_int_eq(e->http_status, 0);
    cmdop_ask_stream *s = NULL;
    ck_assert_int_eq(cmdop_machines_ask(&s, c, "m", "hi", NULL), CMDOP_EVALIDATION);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "CMDOP_BASE_URL"));
    cmdop_client_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("wire");
    TCase *t = tcase_create("requests");
    tcase_add_test(t, offset_lists_send_page_only_when_passed);
    tcase_add_test(t, keys_list_sends_no_paging);
    tcase_add_test(t, machine_lists_never_send_q);
    tcase_add_test(t, mfa_surface_to_wire);
    tcase_add_test(t, bodies_as_measured);
    tcase_add_test(t, ask_and_its_side_channels);
    tcase_add_test(t, relay_op_without_base_url_fails_before_network);
    suite_add_tcase(s, t);
    t = tcase_create("answers");
    tcase_add_test(t, offset_answer_fills_offset);
    tcase_add_test(t, keys_paging_is_emulated);
    tcase_add_test(t, q_is_filtered_client_side);
    tcase_add_test(t, wire_to_model);
    tcase_add_test(t, typed_readers_take_the_wire_too);
    tcase_add_test(t, wrong_shapes_fail_typed);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
