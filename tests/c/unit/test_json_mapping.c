/*
 * test_json_mapping.c — the generated JSON mapping of every IDL type
 * (gen/c/src/types_json.c), driven by the generated sample table
 * (gen/c/src/types_samples.c):
 *   - from_json(sample) -> to_json gives back the sample (as canonical JSON);
 *   - every top-level field given a value of the wrong JSON type fails with
 *     CMDOP_EINTERNAL and an error naming "<Record>.<field>" and the field;
 *   - unknown keys are ignored; JSON null counts as absent.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "cmdop/types.h"
#include "types_json.h"

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
    ck_assert_msg(j != NULL, "bad JSON (%s): %s", err.text, text);
    return j;
}

static int is_opaque(const cmdop__record_sample *s, const char *key)
{
    const char *const *o;
    for (o = s->opaque; o && *o; o++)
        if (strcmp(*o, key) == 0)
            return 1;
    return 0;
}

/* A value of another JSON type than `v`. */
static json_t *wrong_value(const json_t *v)
{
    if (json_is_string(v))
        return json_integer(12345);
    return json_string("wrong-type");
}

START_TEST(test_table_covers_types)
{
    /* the table is generated for every record and union; spot-check a few */
    const char *want[] = { "MachineSummary", "MachineList", "FleetSummary", "ScheduleView",
                           "SkillDetail", "Bot", "AskFrame", "ErrorInfo" };
    size_t i, k;
    ck_assert_uint_ge(cmdop__record_samples_count, 60);
    for (k = 0; k < sizeof want / sizeof want[0]; k++) {
        int found = 0;
        for (i = 0; i < cmdop__record_samples_count; i++)
            found |= strcmp(cmdop__record_samples[i].name, want[k]) == 0;
        ck_assert_msg(found, "no sample for %s", want[k]);
    }
}
END_TEST

START_TEST(test_roundtrip)
{
    const cmdop__record_sample *s = &cmdop__record_samples[_i];
    char *out = NULL;
    json_t *a, *b;
    int rc = s->roundtrip(s->json, &out);

    ck_assert_msg(rc == 0, "%s: round trip failed (%d): %s", s->name, rc,
                  cmdop_error_last() ? cmdop_error_last()->message : "?");
    a = load(s->json);
    b = load(out);
    ck_assert_msg(json_equal(a, b), "%s: round trip changed the document\n in:  %s\n out: %s",
                  s->name, s->json, out);
    json_decref(a);
    json_decref(b);
    free(out);
}
END_TEST

START_TEST(test_wrong_types_name_the_field)
{
    const cmdop__record_sample *s = &cmdop__record_samples[_i];
    json_t *doc = load(s->json);
    const char *key;
    json_t *value;
    size_t checked = 0;

    json_object_foreach(doc, key, value) {
        json_t *bad;
        char *text, *out = NULL, want[256];
        const cmdop_error *err;
        int rc;

        if (is_opaque(s, key))
            continue; /* any JSON is valid there */
        bad = json_deep_copy(doc);
        json_object_set_new(bad, key, wrong_value(value));
        text = json_dumps(bad, JSON_COMPACT);
        cmdop_error_clear();
        rc = s->roundtrip(text, &out);
        ck_assert_msg(rc == CMDOP_EDECODE, "%s.%s: wrong type accepted (rc %d)", s->name,
                      key, rc);
        ck_assert_ptr_null(out);
        err = cmdop_error_last();
        ck_assert_ptr_nonnull(err);
        /* a union names itself for its tag, else the record of its arm */
        snprintf(want, sizeof want, "%s.%s",
                 (s->tag && strcmp(key, s->tag) != 0) ? s->arm_record : s->name, key);
        ck_assert_msg(strstr(err->message, want) != NULL, "message '%s' does not name %s",
                      err->message, want);
        ck_assert_ptr_nonnull(err->field);
        ck_assert_str_eq(err->field, key);
        checked++;
        free(text);
        json_decref(bad);
    }
    ck_assert_msg(checked > 0 || json_object_size(doc) == 0, "%s: nothing checked", s->name);
    json_decref(doc);
}
END_TEST

/* The sample of record `name` (types_samples.c) with the keys of the object
 * `over` (JSON text) set, as compact text (NEW, free()). */
static char *sample_with(const char *name, const char *over)
{
    for (size_t i = 0; i < cmdop__record_samples_count; i++) {
        if (strcmp(cmdop__record_samples[i].name, name) != 0)
            continue;
        json_t *s = load(cmdop__record_samples[i].json), *o = load(over);
        json_object_update(s, o);
        char *text = json_dumps(s, JSON_COMPACT);
        json_decref(s);
        json_decref(o);
        return text;
    }
    ck_abort_msg("no sample %s", name);
    return NULL;
}

START_TEST(test_unknown_keys_and_nulls)
{
    cmdop_machine_summary *m = NULL;
    char *text = sample_with("MachineSummary",
                             "{\"id\":\"m1\",\"future_field\":{\"x\":[1,2]},\"last_heartbeat_at\":null,"
                             "\"fleets\":[]}");
    char *out;

    ck_assert_int_eq(cmdop_machine_summary_from_json(&m, text), 0);
    ck_assert_str_eq(m->id, "m1");
    ck_assert_ptr_null(m->last_heartbeat_at);
    ck_assert_ptr_nonnull(m->specs);
    ck_assert_uint_eq(m->fleets_count, 0);
    out = cmdop_machine_summary_to_json(m);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_null(strstr(out, "future_field"));
    ck_assert_ptr_null(strstr(out, "last_heartbeat_at"));
    free(out);
    free(text);
    cmdop_machine_summary_free(m);
}
END_TEST

/* A field the IDL does not mark optional, absent or null, is a decode error
 * naming the record and the field, never a record with a default in it. */
START_TEST(test_required_fields)
{
    cmdop_machine_summary *m = NULL;
    const cmdop_error *e;
    char *text = sample_with("MachineSummary", "{\"name\":null}");

    ck_assert_int_eq(cmdop_machine_summary_from_json(&m, text), CMDOP_EDECODE);
    ck_assert_ptr_null(m);
    e = cmdop_error_last();
    ck_assert_str_eq(e->code_str, "decode");
    ck_assert_str_eq(e->field, "name");
    ck_assert_msg(strstr(e->message, "MachineSummary.name: required field is null"), "%s",
                  e->message);
    free(text);

    /* a nested record names its own record */
    text = sample_with("MachineSummary", "{\"specs\":{\"cpu_model\":\"x\"}}");
    ck_assert_int_eq(cmdop_machine_summary_from_json(&m, text), CMDOP_EDECODE);
    ck_assert_msg(strstr(cmdop_error_last()->message, "MachineSpecs.cpu_count: required field "
                                                      "missing"),
                  "%s", cmdop_error_last()->message);
    free(text);

    /* records that are only a stream frame's arm stay lenient */
    cmdop_ask_frame *f = NULL;
    ck_assert_int_eq(cmdop_ask_frame_from_json(&f, "{\"type\":\"done\",\"success\":true}"), 0);
    ck_assert(f->done->success);
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_enums_and_optional_scalars)
{
    cmdop_schedule_view *s = NULL;
    char *out;

    char *text = sample_with("ScheduleView",
        "{\"target_kind\":\"specific_machines\",\"last_status\":\"failed\","
        "\"machine_ids\":[\"a\",\"b\"]}");
    ck_assert_int_eq(cmdop_schedule_view_from_json(&s, text), 0);
    free(text);
    ck_assert_int_eq(s->target_kind, CMDOP_SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES);
    ck_assert(s->has_last_status);
    ck_assert_int_eq(s->last_status, CMDOP_SCHEDULE_RUN_STATUS_FAILED);
    ck_assert_uint_eq(s->machine_ids_count, 2);
    ck_assert_str_eq(s->machine_ids[1], "b");
    out = cmdop_schedule_view_to_json(s);
    ck_assert_ptr_nonnull(strstr(out, "\"last_status\":\"failed\""));
    free(out);
    cmdop_schedule_view_free(s);

    ck_assert_str_eq(cmdop_mfa_requirement_to_string(CMDOP_MFA_REQUIREMENT_OPTIONAL), "optional");
    ck_assert_ptr_null(cmdop_mfa_requirement_to_string(CMDOP_MFA_REQUIREMENT_UNSPECIFIED));
    ck_assert_int_eq(cmdop_bot_permission_from_string("files"), CMDOP_BOT_PERMISSION_FILES);
    ck_assert_int_eq(cmdop_bot_permission_from_string("nope"), CMDOP_BOT_PERMISSION_UNSPECIFIED);
}
END_TEST

START_TEST(test_union_arms)
{
    cmdop_ask_frame *f = NULL;

    ck_assert_int_eq(cmdop_ask_frame_from_json(&f,
        "{\"type\":\"pin_required\",\"challenge_id\":\"c1\",\"label\":\"PIN\"}"), 0);
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_PIN_REQUIRED);
    ck_assert_str_eq(f->pin_required->challenge_id, "c1");
    cmdop_ask_frame_free(f);

    ck_assert_int_eq(cmdop_ask_frame_from_json(&f, "{\"type\":\"from_the_future\",\"x\":1}"), 0);
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_UNKNOWN);
    ck_assert_str_eq(f->type, "from_the_future");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_bad_text)
{
    cmdop_bot *b = NULL;
    ck_assert_int_eq(cmdop_bot_from_json(&b, "{not json"), CMDOP_EINVALID);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(cmdop_bot_from_json(&b, "[1,2]"), CMDOP_EDECODE);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(cmdop_bot_from_json(NULL, "{}"), CMDOP_EINVALID);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("json_mapping");
    TCase *tc = tcase_create("core");
    int n = (int)cmdop__record_samples_count;

    tcase_add_test(tc, test_table_covers_types);
    tcase_add_loop_test(tc, test_roundtrip, 0, n);
    tcase_add_loop_test(tc, test_wrong_types_name_the_field, 0, n);
    tcase_add_test(tc, test_unknown_keys_and_nulls);
    tcase_add_test(tc, test_required_fields);
    tcase_add_test(tc, test_enums_and_optional_scalars);
    tcase_add_test(tc, test_union_arms);
    tcase_add_test(tc, test_bad_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
