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
 *     unknown keys are absent; `<x>_json` fields take the JSON text of <x>;
 *   - the 1.1 schema: its field numbers (AskRequest, AskFrame, OpenTunnel,
 *     CreateSchedule, the OffsetPage of list requests), its presence reading
 *     for a client without hello (absent implicit field = its zero value) vs
 *     ours (absent = not passed), and OffsetPage -> page/per_page.
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
#include "stream_desc.h"
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
        size_t companions = 0, folded = 0;
        /* an `envelope_page` op: page is the 1.1 OffsetPage message, and
         * per_page travels inside it */
        const ProtobufCFieldDescriptor *pg =
            op->page && op->page->style == CMDOP__PAGE_OFFSET
                ? protobuf_c_message_descriptor_get_field_by_name(d, op->page->req_page)
                : NULL;
        bool envelope_page = pg && pg->type == PROTOBUF_C_TYPE_MESSAGE;
        if (envelope_page) {
            const ProtobufCMessageDescriptor *od = pg->descriptor;
            ck_assert_str_eq(od->short_name, "OffsetPage");
            ck_assert_uint_eq(protobuf_c_message_descriptor_get_field_by_name(
                                  od, op->page->req_offset)->id, 1);
            ck_assert_uint_eq(protobuf_c_message_descriptor_get_field_by_name(
                                  od, op->page->req_size)->id, 2);
        }
        for (size_t k = 0; k < op->n_params; k++) {
            const cmdop__param_desc *p = &op->params[k];
            if (envelope_page && strcmp(p->name, op->page->req_size) == 0) {
                ck_assert_ptr_null(protobuf_c_message_descriptor_get_field_by_name(d, p->name));
                folded++;
                continue;
            }
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
        ck_assert_uint_eq(d->n_fields, op->n_params - folded + companions);
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

/* A message only clients send (an envelope arm `<x>_answer`): the core maps
 * it to args keyed by its field names, never from the wire's JSON, so its
 * fields may have other wire keys (ConfirmAnswer.token is "confirm_token"). */
static bool client_only(const ProtobufCMessageDescriptor *d)
{
    const ProtobufCMessageDescriptor *env = &cmdop__core__v1__envelope__descriptor;
    for (unsigned i = 0; i < env->n_fields; i++) {
        size_t n = strlen(env->fields[i].name);
        if (env->fields[i].descriptor == d && n > 7 &&
            strcmp(env->fields[i].name + n - 7, "_answer") == 0)
            return true;
    }
    return false;
}

START_TEST(every_record_sample_round_trips_through_the_wire)
{
    size_t tested = 0;
    for (size_t i = 0; i < cmdop__record_samples_count; i++) {
        const cmdop__record_sample *s = &cmdop__record_samples[i];
        if (s->tag)   /* unions are tagged JSON, not mapped field by field */
            continue;
        const ProtobufCMessageDescriptor *d = desc_named(s->name);
        if (!d || client_only(d))
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

/* The sample document of record `name` (every field set, types_samples.c). */
static json_t *sample(const char *name)
{
    for (size_t i = 0; i < cmdop__record_samples_count; i++)
        if (strcmp(cmdop__record_samples[i].name, name) == 0)
            return load(cmdop__record_samples[i].json);
    ck_abort_msg("no sample %s", name);
    return NULL;
}

/* The sample of `name` with the keys of the object `over` (JSON text) set. */
static json_t *sample_with(const char *name, const char *over)
{
    json_t *s = sample(name), *o = load(over);
    json_object_update(s, o);
    json_decref(o);
    return s;
}

/* A MachineList whose items are `items` (stolen). */
static json_t *machine_list_of(json_t *items)
{
    json_t *l = sample("MachineList");
    json_object_set_new(l, "items", items);
    return l;
}

START_TEST(response_type_errors_name_the_path)
{
    const ProtobufCMessageDescriptor *d = &cmdop__core__v1__machine_list__descriptor;
    json_t *bad_specs = sample("MachineSummary"), *big = sample("MachineSummary");
    json_t *bad_ref = sample("MachineSummary"), *no_name = sample("MachineSummary");
    json_t *null_name = sample("MachineSummary");
    json_object_set_new(bad_specs, "specs", sample_with("MachineSpecs", "{\"cpu_count\":\"many\"}"));
    json_object_set_new(big, "specs", sample_with("MachineSpecs", "{\"cpu_count\":4294967296}"));
    json_object_set_new(bad_ref, "fleets",
                        json_pack("[o]", sample_with("MachineFleetRef", "{\"slug\":7}")));
    json_object_del(no_name, "name");
    json_object_set_new(null_name, "name", json_null());
    json_t *no_more = sample("MachineList");
    json_object_del(no_more, "has_more");
    struct {
        json_t *doc;
        const char *path, *what;
    } cases[] = {
        {machine_list_of(json_pack("[oo]", sample("MachineSummary"), bad_specs)),
         "items[1].specs.cpu_count", "expected an integer"},
        {load("{\"items\":{}}"), "items", "expected an array"},
        {sample_with("MachineList", "{\"has_more\":1}"), "has_more", "expected a boolean"},
        {machine_list_of(json_pack("[o]", big)), "items[0].specs.cpu_count", "out of range"},
        {machine_list_of(json_pack("[o]", bad_ref)), "items[0].fleets[0].slug", "expected a string"},
        /* a field the IDL requires (no `?`) missing or null is no default */
        {machine_list_of(json_pack("[o]", no_name)), "items[0].name", "required field missing"},
        {machine_list_of(json_pack("[o]", null_name)), "items[0].name", "required field is null"},
        {no_more, "has_more", "required field missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ProtobufCMessage *m = (ProtobufCMessage *)1;
        char err[256];
        cmdop_error_clear();
        ck_assert_int_eq(cmdop__stdio_response_to_msg(d, cases[i].doc, &m, err, sizeof err),
                         CMDOP_EDECODE);
        ck_assert_ptr_null(m);
        ck_assert_msg(strncmp(err, cases[i].path, strlen(cases[i].path)) == 0 &&
                          err[strlen(cases[i].path)] == ':' && strstr(err, cases[i].what),
                      "case %zu: %s", i, err);
        /* the thread's error: code decode, the path as its field, the record named */
        const cmdop_error *e = cmdop_error_last();
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->code_str, "decode");
        ck_assert_str_eq(e->field, cases[i].path);
        ck_assert_msg(strstr(e->message, "MachineList") != NULL, "%s", e->message);
        json_decref(cases[i].doc);
    }
}
END_TEST

START_TEST(response_optional_fields_may_be_absent_or_null)
{
    /* `?` fields absent or null, and records reached only as a stream
     * frame's arm (the 1.1 frame schema has no presence), stay lenient */
    json_t *item = sample("MachineSummary");
    json_object_del(item, "last_heartbeat_at");
    json_object_set_new(item, "disabled_at", json_null());
    json_t *j = machine_list_of(json_pack("[o]", item));
    json_object_del(j, "next_cursor");
    ProtobufCMessage *m = NULL;
    char err[256];
    ck_assert_int_eq(cmdop__stdio_response_to_msg(&cmdop__core__v1__machine_list__descriptor, j,
                                                  &m, err, sizeof err),
                     0);
    const Cmdop__Core__V1__MachineList *l = (const Cmdop__Core__V1__MachineList *)m;
    ck_assert_uint_eq(l->n_items, 1);
    ck_assert_ptr_null(l->items[0]->last_heartbeat_at);
    ck_assert_ptr_null(l->next_cursor);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
    j = load("{\"done\":{\"success\":true}}");
    ck_assert_int_eq(cmdop__stdio_response_to_msg(&cmdop__core__v1__ask_frame__descriptor, j, &m,
                                                  err, sizeof err),
                     0);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
    /* a request's JSON (the envelope's own, mapped back) has no presence
     * rule: an OffsetPage without its offset maps */
    j = load("{\"per_page\":0}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__offset_page__descriptor, j, &m,
                                              err, sizeof err),
                     0);
    protobuf_c_message_free_unpacked(m, NULL);
    m = NULL;
    ck_assert_int_eq(cmdop__stdio_response_to_msg(&cmdop__core__v1__offset_page__descriptor, j,
                                                  &m, err, sizeof err),
                     CMDOP_EDECODE);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
}
END_TEST

/* Shown by fuzz/fuzz_json.c (fuzz/corpus/json/regress-oneof-two-arms and
 * regress-oneof-half-built): an object naming two members of a oneof
 * (AskFrame's arms) overwrote the first, leaking it; it is refused naming
 * the second. A member that fails half way is freed with the message
 * (valgrind and ASan runs of this test see no leak). */
START_TEST(oneof_takes_one_member)
{
    const ProtobufCMessageDescriptor *d = &cmdop__core__v1__ask_frame__descriptor;
    json_t *j = load("{\"event\":{\"event_type\":1},\"done\":{\"success\":true}}");
    ProtobufCMessage *m = (ProtobufCMessage *)1;
    char err[256];
    ck_assert_int_eq(cmdop__stdio_json_to_msg(d, j, &m, err, sizeof err), CMDOP_EDECODE);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, "oneof") != NULL, "%s", err);
    json_decref(j);
    j = load("{\"event\":{\"event_type\":\"x\"}}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(d, j, &m, err, sizeof err), CMDOP_EDECODE);
    ck_assert_ptr_null(m);
    ck_assert_msg(strncmp(err, "event.event_type:", 17) == 0, "%s", err);
    json_decref(j);
    j = load("{\"event\":null,\"done\":{\"success\":true}}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(d, j, &m, err, sizeof err), 0);
    ck_assert_uint_eq(((Cmdop__Core__V1__AskFrame *)m)->type_case,
                      CMDOP__CORE__V1__ASK_FRAME__TYPE_DONE);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
}
END_TEST

START_TEST(response_lenient_where_the_typed_mapping_is)
{
    /* unknown keys ignored, null = absent, unknown enum string = absent,
     * integral numbers accepted for doubles */
    json_t *j = sample_with("FleetSummary",
                            "{\"id\":\"f\",\"mfa_required\":\"sometimes\",\"role\":null,\"extra\":[1]}");
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

    j = sample_with("FleetSummary", "{\"mfa_required\":\"required\"}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__fleet_summary__descriptor, j,
                                              &m, err, sizeof err),
                     0);
    f = (const Cmdop__Core__V1__FleetSummary *)m;
    ck_assert(f->has_mfa_required);
    ck_assert_int_eq(f->mfa_required, CMDOP__CORE__V1__MFA_REQUIREMENT__MFA_REQUIREMENT_REQUIRED);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);

    j = sample_with("LiveMetrics", "{\"cpu_usage\":3,\"uptime_seconds\":9007199254740993}");
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

/* ---- the 1.1 schema ------------------------------------------------- */

static uint32_t field_id(const ProtobufCMessageDescriptor *d, const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    ck_assert_msg(f != NULL, "%s has no field %s", d->short_name, name);
    return f->id;
}

/* The numbers the official 1.1.1 descriptors have (docs/stdio.md). */
START_TEST(field_numbers_are_the_official_schema)
{
    const ProtobufCMessageDescriptor *ask = &cmdop__core__v1__ask_request__descriptor;
    ck_assert_uint_eq(field_id(ask, "machine_id"), 1);
    ck_assert_uint_eq(field_id(ask, "session_id"), 2);
    ck_assert_uint_eq(field_id(ask, "prompt"), 3);
    ck_assert_uint_eq(field_id(ask, "pin"), 7);
    const ProtobufCMessageDescriptor *af = &cmdop__core__v1__ask_frame__descriptor;
    ck_assert_uint_eq(field_id(af, "event"), 1);
    ck_assert_uint_eq(field_id(af, "confirm_required"), 2);
    ck_assert_uint_eq(field_id(af, "pin_required"), 3);
    ck_assert_uint_eq(field_id(af, "pin_denied"), 4);
    ck_assert_uint_ge(field_id(af, "done"), 5);
    ck_assert_uint_ge(field_id(af, "error"), 5);
    ck_assert_uint_ge(field_id(af, "unknown"), 5);
    /* the confirm arm has StreamConfirm's shape: token 1, plan 2, danger_level 3 */
    const ProtobufCMessageDescriptor *cr =
        protobuf_c_message_descriptor_get_field_by_name(af, "confirm_required")->descriptor;
    ck_assert_uint_eq(field_id(cr, "token"), 1);
    ck_assert_uint_eq(field_id(cr, "plan"), 2);
    ck_assert_uint_eq(field_id(cr, "danger_level"), 3);
    const ProtobufCMessageDescriptor *ot = &cmdop__core__v1__open_tunnel_request__descriptor;
    ck_assert_uint_eq(field_id(ot, "session_id"), 1);
    ck_assert_uint_eq(field_id(ot, "protocol"), 2);
    ck_assert_uint_eq(field_id(ot, "local_host"), 3);
    ck_assert_uint_eq(field_id(ot, "local_port"), 4);
    ck_assert_uint_eq(field_id(ot, "subdomain"), 5);
    ck_assert_uint_eq(field_id(ot, "options"), 6);
    const ProtobufCMessageDescriptor *cs = &cmdop__core__v1__create_schedule_request__descriptor;
    ck_assert_uint_eq(field_id(cs, "name"), 2);
    ck_assert_uint_eq(field_id(cs, "description"), 3);
    ck_assert_uint_eq(field_id(cs, "cron_expr"), 4);
    ck_assert_uint_eq(field_id(cs, "timezone"), 5);
    ck_assert_uint_eq(field_id(cs, "command"), 6);
    ck_assert_uint_eq(field_id(cs, "target_kind"), 7);
    ck_assert_uint_eq(field_id(cs, "is_enabled"), 8);
    ck_assert_uint_eq(field_id(cs, "machine_ids"), 9);
    static const struct { const ProtobufCMessageDescriptor *d; uint32_t page; } lists[] = {
        {&cmdop__core__v1__list_fleets_request__descriptor, 1},
        {&cmdop__core__v1__list_tunnels_request__descriptor, 1},
        {&cmdop__core__v1__list_members_request__descriptor, 2},
        {&cmdop__core__v1__list_keys_request__descriptor, 2},
        {&cmdop__core__v1__list_schedules_request__descriptor, 2},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(lists[i].d, "page");
        ck_assert_uint_eq(f->id, lists[i].page);
        ck_assert_int_eq(f->type, PROTOBUF_C_TYPE_MESSAGE);
        ck_assert_ptr_eq(f->descriptor, &cmdop__core__v1__offset_page__descriptor);
        ck_assert_ptr_null(protobuf_c_message_descriptor_get_field_by_name(lists[i].d,
                                                                            "per_page"));
    }
    /* the envelope arms of a stream's frames */
    const ProtobufCMessageDescriptor *env = &cmdop__core__v1__envelope__descriptor;
    ck_assert_uint_eq(field_id(env, "ask_req"), 40);
    ck_assert_uint_eq(field_id(env, "ask_frame"), 41);
    ck_assert_uint_eq(field_id(env, "done"), 42);
    ck_assert_uint_eq(field_id(env, "pin_required"), 43);
    ck_assert_uint_eq(field_id(env, "confirm_required"), 44);
    ck_assert_uint_eq(field_id(env, "pin_answer"), 45);
    ck_assert_uint_eq(field_id(env, "confirm_answer"), 46);
    ck_assert_uint_eq(field_id(env, "error"), 200);
    ck_assert_uint_eq(field_id(env, "hello"), 202);
}
END_TEST

/* An ANSWER's message is its side channel's params, field by field. */
START_TEST(answer_messages_are_their_channel_params)
{
    size_t n = 0;
    for (size_t i = 0; i < cmdop__stream_descs_count; i++) {
        const cmdop__stream_desc *sd = cmdop__stream_descs[i];
        for (size_t c = 0; c < sd->n_channels; c++) {
            char arm[96];
            snprintf(arm, sizeof arm, "%s_answer", sd->channels[c].name);
            const ProtobufCFieldDescriptor *a = protobuf_c_message_descriptor_get_field_by_name(
                &cmdop__core__v1__envelope__descriptor, arm);
            ck_assert_msg(a != NULL, "no envelope arm %s", arm);
            const ProtobufCMessageDescriptor *d = a->descriptor;
            ck_assert(client_only(d));
            const cmdop__op_desc *op = sd->channels[c].op;
            for (unsigned f = 0; f < d->n_fields; f++) {
                bool found = false;
                for (size_t k = 0; k < op->n_params; k++)
                    found = found || strcmp(op->params[k].name, d->fields[f].name) == 0;
                ck_assert_msg(found, "%s.%s is not a param of %s", d->short_name,
                              d->fields[f].name, op->name);
                n++;
            }
        }
    }
    ck_assert_uint_ge(n, 4);
}
END_TEST

static json_t *to_json_read(const ProtobufCMessage *m, unsigned flags)
{
    json_t *j = NULL;
    char err[128];
    ck_assert_int_eq(cmdop__stdio_msg_to_json_ex(m, flags, &j, err, sizeof err), 0);
    return j;
}

/* m -> wire -> a message as the core receives it */
static ProtobufCMessage *via_wire(const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(buf);
    protobuf_c_message_pack(m, buf);
    ProtobufCMessage *out = protobuf_c_message_unpack(m->descriptor, NULL, n, buf);
    free(buf);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* A client without hello (1.1) means "" / 0 / false by an absent field
 * unless the 1.1 schema has it proto3 `optional`; our clients (hello) mean
 * "not passed". */
START_TEST(presence_without_hello_is_the_official_reading)
{
    const unsigned official = CMDOP__STDIO_IMPLICIT;
    /* confirm(token, False): accept is not on the wire at all */
    Cmdop__Core__V1__ConfirmAnswer ca = CMDOP__CORE__V1__CONFIRM_ANSWER__INIT;
    ca.token = "ct_1";
    ProtobufCMessage *w = via_wire(&ca.base);
    assert_json(to_json_read(w, official), "{\"token\":\"ct_1\",\"accept\":false}");
    assert_json(to_json_read(w, 0), "{\"token\":\"ct_1\"}");
    protobuf_c_message_free_unpacked(w, NULL);

    /* schedules.create(..., is_enabled=False, description="") */
    Cmdop__Core__V1__CreateScheduleRequest cs = CMDOP__CORE__V1__CREATE_SCHEDULE_REQUEST__INIT;
    cs.fleet_id = "f";
    cs.name = "n";
    cs.has_target_kind = 1;
    cs.target_kind = CMDOP__CORE__V1__SCHEDULE_TARGET_KIND__SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES;
    w = via_wire(&cs.base);
    assert_json(to_json_read(w, official),
                "{\"fleet_id\":\"f\",\"name\":\"n\",\"description\":\"\",\"cron_expr\":\"\","
                "\"timezone\":\"\",\"command\":\"\",\"target_kind\":\"all_fleet_machines\","
                "\"is_enabled\":false}");
    assert_json(to_json_read(w, 0),
                "{\"fleet_id\":\"f\",\"name\":\"n\",\"target_kind\":\"all_fleet_machines\"}");
    protobuf_c_message_free_unpacked(w, NULL);

    /* proto3 `optional`s of 1.1 (update's name, list's q/cursor, ask's pin) stay
     * absent; one sent as "" is passed as "" either way */
    Cmdop__Core__V1__UpdateMachineRequest um = CMDOP__CORE__V1__UPDATE_MACHINE_REQUEST__INIT;
    um.machine_id = "m";
    w = via_wire(&um.base);
    assert_json(to_json_read(w, official), "{\"machine_id\":\"m\"}");
    protobuf_c_message_free_unpacked(w, NULL);
    um.name = "";
    w = via_wire(&um.base);
    assert_json(to_json_read(w, official), "{\"machine_id\":\"m\",\"name\":\"\"}");
    assert_json(to_json_read(w, 0), "{\"machine_id\":\"m\",\"name\":\"\"}");
    protobuf_c_message_free_unpacked(w, NULL);

    Cmdop__Core__V1__AskRequest ar = CMDOP__CORE__V1__ASK_REQUEST__INIT;
    ar.machine_id = "m";
    ar.session_id = "s";
    w = via_wire(&ar.base);
    /* prompt is implicit (""), agent_type/timeout_seconds/pin are not; an
     * empty map is absent in both readings */
    assert_json(to_json_read(w, official),
                "{\"machine_id\":\"m\",\"session_id\":\"s\",\"prompt\":\"\"}");
    assert_json(to_json_read(w, 0), "{\"machine_id\":\"m\",\"session_id\":\"s\"}");
    protobuf_c_message_free_unpacked(w, NULL);

    /* a list request: 0 is the value of an absent int32 (limit) */
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    assert_json(to_json_read(&lm.base, official), "{\"presence\":\"\",\"limit\":0}");
    assert_json(to_json_read(&lm.base, 0), "{}");

    /* a value that IS on the wire reads the same in both */
    Cmdop__Core__V1__MessagesRequest mr = CMDOP__CORE__V1__MESSAGES_REQUEST__INIT;
    mr.machine_id = "m";
    mr.has_limit = 1;
    mr.limit = 7;
    w = via_wire(&mr.base);
    assert_json(to_json_read(w, official), "{\"machine_id\":\"m\",\"limit\":7}");
    assert_json(to_json_read(w, 0), "{\"machine_id\":\"m\",\"limit\":7}");
    protobuf_c_message_free_unpacked(w, NULL);
}
END_TEST

static void assert_unfold_as(unsigned flags, const char *in, const char *want)
{
    json_t *a = load(in);
    ck_assert_int_eq(cmdop__stdio_unfold_offset_page(a, "page", "per_page", "offset", flags), 0);
    assert_json(a, want);
}

/* both readings agree */
static void assert_unfold(const char *in, const char *want)
{
    assert_unfold_as(0, in, want);
    assert_unfold_as(CMDOP__STDIO_IMPLICIT, in, want);
}

START_TEST(offset_page_becomes_page_and_per_page)
{
    /* per_page 0 (the 1.1 client's "not given"): neither is passed */
    assert_unfold_as(CMDOP__STDIO_IMPLICIT,
                     "{\"fleet_id\":\"f\",\"page\":{\"offset\":0,\"per_page\":0}}",
                     "{\"fleet_id\":\"f\"}");
    /* a client that said hello passed per_page 0: its range check names it */
    assert_unfold_as(0, "{\"fleet_id\":\"f\",\"page\":{\"offset\":0,\"per_page\":0}}",
                     "{\"fleet_id\":\"f\",\"per_page\":0}");
    assert_unfold("{\"page\":{}}", "{}");
    assert_unfold("{\"page\":{\"offset\":3}}", "{}");
    /* page = floor(offset / per_page) + 1 */
    assert_unfold("{\"page\":{\"offset\":0,\"per_page\":20}}", "{\"page\":1,\"per_page\":20}");
    assert_unfold("{\"page\":{\"offset\":40,\"per_page\":20}}", "{\"page\":3,\"per_page\":20}");
    assert_unfold("{\"page\":{\"offset\":3,\"per_page\":2}}", "{\"page\":2,\"per_page\":2}");
    /* no offset: page 1 in the 1.1 reading; with hello the page was not given */
    assert_unfold_as(CMDOP__STDIO_IMPLICIT, "{\"page\":{\"per_page\":5}}",
                     "{\"page\":1,\"per_page\":5}");
    assert_unfold_as(0, "{\"page\":{\"per_page\":5}}", "{\"per_page\":5}");
    /* page 0 / -1 of a client stay invalid (the range check names `page`) */
    assert_unfold("{\"page\":{\"offset\":-20,\"per_page\":20}}", "{\"page\":0,\"per_page\":20}");
    assert_unfold("{\"page\":{\"offset\":-10,\"per_page\":20}}", "{\"page\":0,\"per_page\":20}");
    assert_unfold("{\"page\":{\"offset\":-40,\"per_page\":20}}", "{\"page\":-1,\"per_page\":20}");
    /* a negative size is passed for its range check to name */
    assert_unfold("{\"page\":{\"offset\":4,\"per_page\":-2}}", "{\"per_page\":-2}");
    /* not an OffsetPage: left alone */
    assert_unfold("{\"page\":2,\"per_page\":5}", "{\"page\":2,\"per_page\":5}");

    /* end to end from a list request message as the 1.1 client builds it */
    Cmdop__Core__V1__ListMembersRequest lr = CMDOP__CORE__V1__LIST_MEMBERS_REQUEST__INIT;
    Cmdop__Core__V1__OffsetPage op = CMDOP__CORE__V1__OFFSET_PAGE__INIT;
    op.has_offset = 1;
    op.offset = 4;
    op.has_per_page = 1;
    op.per_page = 2;
    lr.fleet_id = "f";
    lr.page = &op;
    ProtobufCMessage *w = via_wire(&lr.base);
    for (unsigned flags = 0; flags < 2; flags++) {
        json_t *a = to_json_read(w, flags);
        ck_assert_int_eq(
            cmdop__stdio_unfold_offset_page(a, "page", "per_page", "offset", flags), 0);
        assert_json(a, "{\"fleet_id\":\"f\",\"page\":3,\"per_page\":2}");
    }
    protobuf_c_message_free_unpacked(w, NULL);
    /* OffsetPage{} on the wire (1.1: page=1, per_page=None) */
    op.has_offset = op.has_per_page = 0;
    w = via_wire(&lr.base);
    for (unsigned flags = 0; flags < 2; flags++) {
        json_t *a = to_json_read(w, flags);
        ck_assert_int_eq(
            cmdop__stdio_unfold_offset_page(a, "page", "per_page", "offset", flags), 0);
        assert_json(a, "{\"fleet_id\":\"f\"}");
    }
    protobuf_c_message_free_unpacked(w, NULL);
    /* per_page 0 set on the wire: "not given" in 1.1, passed with hello */
    op.has_per_page = 1;
    op.per_page = 0;
    w = via_wire(&lr.base);
    for (unsigned flags = 0; flags < 2; flags++) {
        json_t *a = to_json_read(w, flags);
        ck_assert_int_eq(
            cmdop__stdio_unfold_offset_page(a, "page", "per_page", "offset", flags), 0);
        assert_json(a, flags ? "{\"fleet_id\":\"f\"}" : "{\"fleet_id\":\"f\",\"per_page\":0}");
    }
    protobuf_c_message_free_unpacked(w, NULL);
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

/* The path in a message is written out only on failure (stdio_map.c keeps
 * it as a chain of steps): map keys after a dot, list indexes in brackets,
 * nested fields after a dot, and a path past 255 characters cut there. */
/* stdio_map.c finds a record's required fields by bsearch on its name. */
START_TEST(required_fields_table_is_sorted_by_name)
{
    ck_assert_uint_gt(cmdop__record_required_count, 1);
    for (size_t i = 1; i < cmdop__record_required_count; i++)
        ck_assert_msg(strcmp(cmdop__record_required_fields[i - 1].name,
                             cmdop__record_required_fields[i].name) < 0,
                      "%s before %s", cmdop__record_required_fields[i - 1].name,
                      cmdop__record_required_fields[i].name);
}
END_TEST

START_TEST(error_paths_of_map_keys_and_long_paths)
{
    char err[512];
    ProtobufCMessage *m = (ProtobufCMessage *)1;
    json_t *doc = load("{\"options\":{\"model\":\"fast\",\"mode\":7}}");
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__ask_request__descriptor, doc, &m,
                                              err, sizeof err),
                     CMDOP_EDECODE);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err, "options.mode: expected a string, got a number");
    json_decref(doc);

    /* a key of 300 characters: the path is the first 255 characters of
     * "options.kkk...", then ": " and the reason */
    char key[301], want[400];
    memset(key, 'k', 300);
    key[300] = '\0';
    doc = json_pack("{s:{s:i}}", "options", key, 7);
    m = (ProtobufCMessage *)1;
    ck_assert_int_eq(cmdop__stdio_json_to_msg(&cmdop__core__v1__ask_request__descriptor, doc, &m,
                                              err, sizeof err),
                     CMDOP_EDECODE);
    snprintf(want, sizeof want, "options.%.247s: expected a string, got a number", key);
    ck_assert_str_eq(err, want);
    json_decref(doc);
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
    tcase_add_test(tc, error_paths_of_map_keys_and_long_paths);
    tcase_add_test(tc, response_optional_fields_may_be_absent_or_null);
    tcase_add_test(tc, oneof_takes_one_member);
    tcase_add_test(tc, response_lenient_where_the_typed_mapping_is);
    tcase_add_test(tc, enum_strings_by_suffix);
    tcase_add_test(tc, field_numbers_are_the_official_schema);
    tcase_add_test(tc, answer_messages_are_their_channel_params);
    tcase_add_test(tc, presence_without_hello_is_the_official_reading);
    tcase_add_test(tc, offset_page_becomes_page_and_per_page);
    tcase_add_test(tc, required_fields_table_is_sorted_by_name);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
