/*
 * test_stdio_map.c — the stdio server's reflection mapping (stdio_map.h):
 *   - every op: its request arm's fields are exactly its surface params and
 *     its response arm exists (void ops answer `empty`);
 *   - request messages -> args JSON: presence (has_, NULL, empty lists,
 *     the <list>_present companions of optional lists/maps),
 *     enums as lowercase strings, lists, maps, invalid UTF-8;
 *   - every record sample of the IDL (types_samples.c) -> message -> wire
 *     bytes -> message -> JSON gives the sample back;
 *   - wrong JSON types fail naming the field path; unknown enum strings and
 *     unknown keys are absent; `<x>_json` fields take the JSON text of <x>.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "cmdop/error.h"
#include "op_table.h"
#include "stdio_map.h"
#include "stdio_server.h"
#include "stdio_writer.h"
#include "types_json.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad JSON (%s): %s", e.text, text);
    return j;
}

static const ProtobufCMessageDescriptor *arm_desc(int arm)
{
    const ProtobufCFieldDescriptor *f = cmdop__stdio_arm(arm);
    ck_assert_msg(f != NULL, "no envelope arm %d", arm);
    return f->descriptor;
}

START_TEST(every_op_request_arm_matches_its_params)
{
    ck_assert_uint_gt(cmdop__ops_count, 50);
    for (size_t i = 0; i < cmdop__ops_count; i++) {
        const cmdop__op_desc *op = cmdop__ops[i];
        ck_assert_msg(op->env_req_field > 2, "%s has no request arm", op->name);
        ck_assert_ptr_eq(cmdop__stdio_op_by_req_arm((uint32_t)op->env_req_field), op);
        const ProtobufCMessageDescriptor *d = arm_desc(op->env_req_field);
        size_t companions = 0;
        for (size_t k = 0; k < op->n_params; k++) {
            const cmdop__param_desc *p = &op->params[k];
            const ProtobufCFieldDescriptor *f =
                protobuf_c_message_descriptor_get_field_by_name(d, p->name);
            ck_assert_msg(f != NULL, "%s: param %s is not a field of %s", op->name, p->name,
                          d->short_name);
            if (p->required ||
                (p->type != CMDOP__T_STRING_LIST && p->type != CMDOP__T_STRING_MAP))
                continue;
            /* every optional list/map param has its presence companion */
            char cname[128];
            snprintf(cname, sizeof cname, "%s_present", p->name);
            const ProtobufCFieldDescriptor *c =
                protobuf_c_message_descriptor_get_field_by_name(d, cname);
            ck_assert_msg(c != NULL, "%s: %s has no field %s", op->name, d->short_name, cname);
            ck_assert_uint_eq(c->id, f->id + CMDOP__STDIO_PRESENT_OFFSET);
            ck_assert_int_eq(c->type, PROTOBUF_C_TYPE_BOOL);
            ck_assert_int_eq(c->label, PROTOBUF_C_LABEL_OPTIONAL);
            companions++;
        }
        ck_assert_uint_eq(d->n_fields, op->n_params + companions);
        const ProtobufCMessageDescriptor *r = arm_desc(op->env_resp_field);
        if (!op->result_type)
            ck_assert_str_eq(r->short_name, "Empty");
        else if (op->kind != CMDOP__OP_STREAM)
            ck_assert_msg(strcmp(r->short_name, op->result_type) == 0,
                          "%s answers %s on arm %d, expected %s", op->name, r->short_name,
                          op->env_resp_field, op->result_type);
    }
    /* response and shared arms are not requests */
    ck_assert_ptr_null(cmdop__stdio_op_by_req_arm(11));
    ck_assert_ptr_null(cmdop__stdio_op_by_req_arm(200));
    ck_assert_ptr_null(cmdop__stdio_op_by_req_arm(202));
    ck_assert_ptr_null(cmdop__stdio_op_by_req_arm(0));
}
END_TEST

static json_t *to_json(const ProtobufCMessage *m)
{
    json_t *j = NULL;
    char err[128];
    ck_assert_int_eq(cmdop__stdio_msg_to_json(m, &j, err, sizeof err), 0);
    return j;
}

static void assert_json(json_t *got, const char *want_text)
{
    json_t *want = load(want_text);
    char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
    ck_assert_msg(json_equal(got, want), "got %s, want %s", g, want_text);
    free(g);
    json_decref(want);
    json_decref(got);
}

START_TEST(request_to_args_presence_and_types)
{
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    assert_json(to_json(&lm.base), "{}");
    lm.presence = "offline";
    lm.has_limit = 1;
    lm.limit = 5;
    assert_json(to_json(&lm.base), "{\"presence\":\"offline\",\"limit\":5}");
    /* a value without its has_ flag is not passed */
    lm.has_limit = 0;
    assert_json(to_json(&lm.base), "{\"presence\":\"offline\"}");

    Cmdop__Core__V1__BotsCreateRequest bc = CMDOP__CORE__V1__BOTS_CREATE_REQUEST__INIT;
    char *users[] = {"u1", "u2"};
    bc.name = "b";
    bc.has_platform = 1;
    bc.platform = CMDOP__CORE__V1__BOT_PLATFORM__BOT_PLATFORM_TELEGRAM;
    bc.n_allowed_users = 2;
    bc.allowed_users = users;
    bc.has_permission = 1;
    bc.permission = CMDOP__CORE__V1__BOT_PERMISSION__BOT_PERMISSION_EXECUTE;
    bc.has_enabled = 1;
    bc.enabled = 0;   /* false is passed: proto2 presence, not zero-ness */
    assert_json(to_json(&bc.base),
                "{\"name\":\"b\",\"platform\":\"telegram\",\"allowed_users\":[\"u1\",\"u2\"],"
                "\"permission\":\"execute\",\"enabled\":false}");
    /* the zero enum value and an empty list are "not passed" */
    bc.platform = CMDOP__CORE__V1__BOT_PLATFORM__BOT_PLATFORM_UNSPECIFIED;
    bc.n_allowed_users = 0;
    bc.has_enabled = 0;
    assert_json(to_json(&bc.base), "{\"name\":\"b\",\"permission\":\"execute\"}");

    Cmdop__Core__V1__CreateScheduleRequest cs = CMDOP__CORE__V1__CREATE_SCHEDULE_REQUEST__INIT;
    cs.has_target_kind = 1;
    cs.target_kind = CMDOP__CORE__V1__SCHEDULE_TARGET_KIND__SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES;
    assert_json(to_json(&cs.base), "{\"target_kind\":\"all_fleet_machines\"}");

    Cmdop__Core__V1__AskRequest ar = CMDOP__CORE__V1__ASK_REQUEST__INIT;
    Cmdop__Core__V1__AskRequest__OptionsEntry e1 =
        CMDOP__CORE__V1__ASK_REQUEST__OPTIONS_ENTRY__INIT;
    Cmdop__Core__V1__AskRequest__OptionsEntry e2 =
        CMDOP__CORE__V1__ASK_REQUEST__OPTIONS_ENTRY__INIT;
    e1.key = "model";
    e1.value = "fast";
    e2.key = "mode";
    e2.value = "";
    Cmdop__Core__V1__AskRequest__OptionsEntry *opts[] = {&e1, &e2};
    ar.machine_id = "m";
    ar.prompt = "";   /* an empty string is still passed */
    ar.n_options = 2;
    ar.options = opts;
    ar.has_timeout_seconds = 1;
    ar.timeout_seconds = -1;
    assert_json(to_json(&ar.base), "{\"machine_id\":\"m\",\"prompt\":\"\",\"timeout_seconds\":-1,"
                                   "\"options\":{\"model\":\"fast\",\"mode\":\"\"}}");
}
END_TEST

/* An empty list/map is passed only with its companion set (1.1.0 clients
 * never set it: their empty list stays "not passed"). */
START_TEST(request_empty_list_passed_with_its_companion)
{
    Cmdop__Core__V1__BotsUpdateRequest bu = CMDOP__CORE__V1__BOTS_UPDATE_REQUEST__INIT;
    bu.bot_id = "b1";
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\"}");
    /* has_ without the value true, or the value without has_: not passed */
    bu.has_allowed_users_present = 1;
    bu.allowed_users_present = 0;
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\"}");
    bu.has_allowed_users_present = 0;
    bu.allowed_users_present = 1;
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\"}");
    bu.has_allowed_users_present = 1;
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\",\"allowed_users\":[]}");
    /* a non-empty list is passed with or without it (1.1.0 clients) */
    char *users[] = {"u1"};
    bu.n_allowed_users = 1;
    bu.allowed_users = users;
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\",\"allowed_users\":[\"u1\"]}");
    bu.has_allowed_users_present = 0;
    bu.allowed_users_present = 0;
    assert_json(to_json(&bu.base), "{\"bot_id\":\"b1\",\"allowed_users\":[\"u1\"]}");

    Cmdop__Core__V1__UpdateScheduleRequest us = CMDOP__CORE__V1__UPDATE_SCHEDULE_REQUEST__INIT;
    us.schedule_id = "s1";
    us.has_machine_ids_present = 1;
    us.machine_ids_present = 1;
    assert_json(to_json(&us.base), "{\"schedule_id\":\"s1\",\"machine_ids\":[]}");

    /* maps too: an empty options object is passed as {} */
    Cmdop__Core__V1__OpenTunnelRequest ot = CMDOP__CORE__V1__OPEN_TUNNEL_REQUEST__INIT;
    ot.session_id = "s";
    assert_json(to_json(&ot.base), "{\"session_id\":\"s\"}");
    ot.has_options_present = 1;
    ot.options_present = 1;
    assert_json(to_json(&ot.base), "{\"session_id\":\"s\",\"options\":{}}");
}
END_TEST

/* JSON -> message is the inverse: a list key that is there, even [], sets
 * the companion; an absent or null one does not. */
START_TEST(json_list_key_sets_the_companion)
{
    const ProtobufCMessageDescriptor *d = &cmdop__core__v1__bots_update_request__descriptor;
    const char *cases[] = {"{\"bot_id\":\"b\",\"allowed_users\":[]}",
                           "{\"bot_id\":\"b\",\"allowed_users\":[\"x\"]}",
                           "{\"bot_id\":\"b\"}", "{\"bot_id\":\"b\",\"allowed_users\":null}"};
    for (size_t i = 0; i < 4; i++) {
        json_t *in = load(cases[i]);
        ProtobufCMessage *m = NULL;
        char err[128];
        ck_assert_int_eq(cmdop__stdio_json_to_msg(d, in, &m, err, sizeof err), 0);
        const Cmdop__Core__V1__BotsUpdateRequest *bu = (const void *)m;
        ck_assert_int_eq(bu->has_allowed_users_present && bu->allowed_users_present, i < 2);
        /* and back: the same JSON, the companion never a key of its own */
        json_t *back = to_json(m);
        json_t *want = load(i == 3 ? "{\"bot_id\":\"b\"}" : cases[i]);
        ck_assert(json_equal(back, want));
        json_decref(back);
        json_decref(want);
        json_decref(in);
        protobuf_c_message_free_unpacked(m, NULL);
    }
}
END_TEST

START_TEST(request_with_invalid_utf8_names_the_field)
{
    Cmdop__Core__V1__GetMachineRequest g = CMDOP__CORE__V1__GET_MACHINE_REQUEST__INIT;
    g.machine_id = "\xff\xfe";
    json_t *j = NULL;
    char err[128];
    ck_assert_int_eq(cmdop__stdio_msg_to_json(&g.base, &j, err, sizeof err), CMDOP_EVALIDATION);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(err, "machine_id") != NULL, "%s", err);
}
END_TEST

/* ---- records: sample -> message -> bytes -> message -> JSON ---------- */

/* Numbers compare by value (a double sample may be written as 3); objects by
 * their key sets. */
static int same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_is_object(a) && json_is_object(b)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) {
            if (!same(v, json_object_get(b, k)))
                return 0;
        }
        return 1;
    }
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    return json_equal(a, b);
}

#define MAX_DESCS 256
static const ProtobufCMessageDescriptor *g_descs[MAX_DESCS];
static size_t g_n_descs;

/* Every message type reachable from the envelope. */
static void collect(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < g_n_descs; i++)
        if (g_descs[i] == d)
            return;
    ck_assert_uint_lt(g_n_descs, MAX_DESCS);
    g_descs[g_n_descs++] = d;
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
            collect(d->fields[i].descriptor);
}

static const ProtobufCMessageDescriptor *desc_named(const char *name)
{
    if (!g_n_descs)
        collect(&cmdop__core__v1__envelope__descriptor);
    for (size_t i = 0; i < g_n_descs; i++)
        if (strcmp(g_descs[i]->short_name, name) == 0)
            return g_descs[i];
    return NULL;
}

START_TEST(every_record_sample_round_trips_through_the_wire)
{
    size_t tested = 0;
    for (size_t i = 0; i < cmdop__record_samples_count; i++) {
        const cmdop__record_sample *s = &cmdop__record_samples[i];
        if (s->tag)   /* unions are tagged JSON, not mapped field by field */
            continue;
        const ProtobufCMessageDescriptor *d = desc_named(s->name);
        if (!d)
            continue;
        json_t *in = load(s->json);
        ProtobufCMessage *m = NULL;
        char err[256];
        int rc = cmdop__stdio_json_to_msg(d, in, &m, err, sizeof err);
        ck_assert_msg(rc == 0, "%s: %s", s->name, err);
        size_t n = protobuf_c_message_get_packed_size(m);
        uint8_t *buf = malloc(n ? n : 1);
        protobuf_c_message_pack(m, buf);
        protobuf_c_message_free_unpacked(m, NULL);
        ProtobufCMessage *back = protobuf_c_message_unpack(d, NULL, n, buf);
        free(buf);
        ck_assert_msg(back != NULL, "%s does not unpack", s->name);
        json_t *out = to_json(back);
        protobuf_c_message_free_unpacked(back, NULL);
        /* opaque JSON travels as text in <key>_json */
        for (const char *const *o = s->opaque; o && *o; o++) {
            char key[128];
            snprintf(key, sizeof key, "%s_json", *o);
            json_t *t = json_object_get(out, key);
            ck_assert_msg(json_is_string(t), "%s.%s_json missing", s->name, *o);
            json_t *parsed = json_loads(json_string_value(t), JSON_DECODE_ANY, NULL);
            ck_assert_msg(parsed && same(parsed, json_object_get(in, *o)), "%s.%s differs",
                          s->name, *o);
            json_decref(parsed);
            json_object_del(out, key);
            json_object_set(out, *o, json_object_get(in, *o));
        }
        char *got = json_dumps(out, JSON_SORT_KEYS | JSON_COMPACT);
        ck_assert_msg(same(in, out), "%s: got %s, want %s", s->name, got, s->json);
        free(got);
        json_decref(in);
        json_decref(out);
        tested++;
    }
    /* every record the envelope carries has a sample */
    ck_assert_uint_ge(tested, 60);
}
END_TEST

START_TEST(response_type_errors_name_the_path)
{
    const ProtobufCMessageDescriptor *d = &cmdop__core__v1__machine_list__descriptor;
    const char *cases[][2] = {
        {"{\"items\":[{\"id\":\"a\"},{\"specs\":{\"cpu_count\":\"many\"}}]}",
         "items[1].specs.cpu_count"},
        {"{\"items\":{}}", "items"},
        {"{\"has_more\":1}", "has_more"},
        {"{\"items\":[{\"specs\":{\"cpu_count\":4294967296}}]}", "items[0].specs.cpu_count"},
        {"{\"items\":[{\"fleets\":[{\"slug\":7}]}]}", "items[0].fleets[0].slug"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = load(cases[i][0]);
        ProtobufCMessage *m = (ProtobufCMessage *)1;
        char err[256];
        ck_assert_int_eq(cmdop__stdio_json_to_msg(d, j, &m, err, sizeof err), CMDOP_EINTERNAL);
        ck_assert_ptr_null(m);
        ck_assert_msg(strncmp(err, cases[i][1], strlen(cases[i][1])) == 0 &&
                          err[strlen(cases[i][1])] == ':',
                      "case %zu: %s", i, err);
        json_decref(j);
    }
}
END_TEST

START_TEST(response_lenient_where_the_typed_mapping_is)
{
    /* unknown keys ignored, null = absent, unknown enum string = absent,
     * integral numbers accepted for doubles */
    json_t *j = load("{\"id\":\"f\",\"mfa_required\":\"sometimes\",\"role\":null,\"extra\":[1]}");
    ProtobufCMessage *m = NULL;
    char err[256];
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__fleet_summary__descriptor, j,
                                              &m, err, sizeof err),
                     0);
    const Cmdop__Core__V1__FleetSummary *f = (const Cmdop__Core__V1__FleetSummary *)m;
    ck_assert_str_eq(f->id, "f");
    ck_assert(!f->has_mfa_required);
    ck_assert_ptr_null(f->role);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);

    j = load("{\"mfa_required\":\"required\"}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__fleet_summary__descriptor, j,
                                              &m, err, sizeof err),
                     0);
    f = (const Cmdop__Core__V1__FleetSummary *)m;
    ck_assert(f->has_mfa_required);
    ck_assert_int_eq(f->mfa_required, CMDOP__CORE__V1__MFA_REQUIREMENT__MFA_REQUIREMENT_REQUIRED);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);

    j = load("{\"cpu_usage\":3,\"uptime_seconds\":9007199254740993}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__live_metrics__descriptor, j, &m,
                                              err, sizeof err),
                     0);
    const Cmdop__Core__V1__LiveMetrics *lm = (const Cmdop__Core__V1__LiveMetrics *)m;
    ck_assert(lm->has_cpu_usage && lm->cpu_usage == 3.0);
    ck_assert(lm->has_uptime_seconds && lm->uptime_seconds == 9007199254740993LL);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);

    /* opaque payload: any JSON becomes text in payload_json */
    j = load("{\"event_type\":2,\"payload\":{\"delta\":\"hi\",\"n\":[1,2]}}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__stream_event__descriptor, j, &m,
                                              err, sizeof err),
                     0);
    const Cmdop__Core__V1__StreamEvent *se = (const Cmdop__Core__V1__StreamEvent *)m;
    ck_assert_int_eq(se->event_type, 2);
    ck_assert_str_eq(se->payload_json, "{\"delta\":\"hi\",\"n\":[1,2]}");
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
}
END_TEST

START_TEST(enum_strings_by_suffix)
{
    const ProtobufCEnumDescriptor *k = &cmdop__core__v1__kind__descriptor;
    char b[64];
    ck_assert_str_eq(cmdop__stdio_enum_to_str(k, 8, b, sizeof b), "cancel");
    ck_assert_ptr_null(cmdop__stdio_enum_to_str(k, 0, b, sizeof b));
    ck_assert_ptr_null(cmdop__stdio_enum_to_str(k, 99, b, sizeof b));
    ck_assert_int_eq(cmdop__stdio_enum_from_str(k, "callback"), 6);
    ck_assert_int_eq(cmdop__stdio_enum_from_str(k, "unspecified"), -1);
    ck_assert_int_eq(cmdop__stdio_enum_from_str(k, "KIND_REQUEST"), -1);
    const ProtobufCEnumDescriptor *t = &cmdop__core__v1__schedule_target_kind__descriptor;
    ck_assert_int_eq(cmdop__stdio_enum_from_str(t, "specific_machines"), 2);
    ck_assert_str_eq(cmdop__stdio_enum_to_str(t, 1, b, sizeof b), "all_fleet_machines");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_map");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, every_op_request_arm_matches_its_params);
    tcase_add_test(tc, request_to_args_presence_and_types);
    tcase_add_test(tc, request_empty_list_passed_with_its_companion);
    tcase_add_test(tc, json_list_key_sets_the_companion);
    tcase_add_test(tc, request_with_invalid_utf8_names_the_field);
    tcase_add_test(tc, every_record_sample_round_trips_through_the_wire);
    tcase_add_test(tc, response_type_errors_name_the_path);
    tcase_add_test(tc, response_lenient_where_the_typed_mapping_is);
    tcase_add_test(tc, enum_strings_by_suffix);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
