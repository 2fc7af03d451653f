/*
 * test_ask_frame.c — the generated AskFrame decoder of the stream driver
 * (cmdop__ask_frame_decode_event, gen/c/src/streams.c) on one SSE event's
 * JSON data: every type of the union, the unknown case, defaults for missing
 * fields, the IDL's `fallback` values "internal" and "medium"
 * (docs/design.md), and malformed input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/types.h"
#include "op_descs.h"
#include "cmdop/error.h"

static char g_err[256];

/* Decode `json` (NUL-terminated here for convenience) and demand success. */
static cmdop_ask_frame *ok(const char *sse_event, const char *json)
{
    cmdop_ask_frame *f = NULL;
    int rc = cmdop__ask_frame_decode_event(&f, sse_event, json, strlen(json), g_err, sizeof g_err);
    ck_assert_msg(rc == 0, "decode(%s) = %d: %s", json, rc, g_err);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(g_err, "");
    return f;
}

/* Decode `json` and demand a malformed-frame error whose message contains
 * `needle`. */
static void bad(const char *json, const char *needle)
{
    static cmdop_ask_frame sentinel;
    cmdop_ask_frame *f = &sentinel; /* must be reset to NULL */
    int rc = cmdop__ask_frame_decode_event(&f, NULL, json, strlen(json), g_err, sizeof g_err);
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(g_err, needle) != NULL, "error '%s' lacks '%s'", g_err, needle);
}

START_TEST(test_event)
{
    cmdop_ask_frame *f = ok(NULL, "{\"type\":\"event\",\"event_type\":3,"
                                   "\"payload\":{\"delta\":\"hi\",\"n\":1}}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_EVENT);
    ck_assert_int_eq(f->event->event_type, 3);
    ck_assert_str_eq(f->event->payload_json, "{\"delta\":\"hi\",\"n\":1}");
    cmdop_ask_frame_free(f);

    /* a string payload is already JSON text (proto payload_json) */
    f = ok(NULL, "{\"type\":\"event\",\"event_type\":1,\"payload\":\"{\\\"delta\\\":\\\"x\\\"}\"}");
    ck_assert_str_eq(f->event->payload_json, "{\"delta\":\"x\"}");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"event\",\"payload_json\":\"[1]\"}");
    ck_assert_int_eq(f->event->event_type, 0);
    ck_assert_str_eq(f->event->payload_json, "[1]");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"event\",\"payload\":[1, 2.5, null]}");
    ck_assert_str_eq(f->event->payload_json, "[1,2.5,null]");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"event\",\"payload\":7}");
    ck_assert_str_eq(f->event->payload_json, "7");
    cmdop_ask_frame_free(f);

    /* missing and null payloads are empty (clients map "" to None) */
    f = ok(NULL, "{\"type\":\"event\",\"event_type\":-2147483648}");
    ck_assert_int_eq(f->event->event_type, INT32_MIN);
    ck_assert_ptr_null(f->event->payload_json); /* absent */
    cmdop_ask_frame_free(f);
    f = ok(NULL, "{\"type\":\"event\",\"event_type\":2147483647,\"payload\":null}");
    ck_assert_int_eq(f->event->event_type, INT32_MAX);
    ck_assert_ptr_null(f->event->payload_json); /* absent */
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_done)
{
    cmdop_ask_frame *f = ok(NULL, "{\"type\":\"done\",\"success\":true,\"text\":\"all good\","
                                   "\"error\":\"\",\"duration_ms\":1234}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
    ck_assert(f->done->success);
    ck_assert_str_eq(f->done->text, "all good");
    ck_assert_str_eq(f->done->error, "");
    ck_assert_int_eq(f->done->duration_ms, 1234);
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"done\",\"success\":false,\"error\":\"rejected\"}");
    ck_assert(!f->done->success);
    ck_assert_str_eq(f->done->error, "rejected");
    cmdop_ask_frame_free(f);

    /* every field missing: proto defaults */
    f = ok(NULL, "{\"type\":\"done\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
    ck_assert(!f->done->success);
    ck_assert_str_eq(f->done->text, "");
    ck_assert_str_eq(f->done->error, "");
    ck_assert_int_eq(f->done->duration_ms, 0);
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"done\",\"success\":null,\"text\":null,\"duration_ms\":null}");
    ck_assert(!f->done->success);
    ck_assert_str_eq(f->done->text, "");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_error)
{
    cmdop_ask_frame *f = ok(NULL, "{\"type\":\"error\",\"code\":\"machine_offline\","
                                   "\"message\":\"alpha is offline\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_ERROR);
    ck_assert_str_eq(f->error->code, "machine_offline");
    ck_assert_str_eq(f->error->message, "alpha is offline");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"error\",\"code\":\"\",\"message\":\"boom\"}");
    ck_assert_str_eq(f->error->code, "internal");
    ck_assert_str_eq(f->error->message, "boom");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"error\"}");
    ck_assert_str_eq(f->error->code, "internal");
    ck_assert_str_eq(f->error->message, "");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_confirm_required)
{
    cmdop_ask_frame *f = ok(NULL, "{\"type\":\"confirm_required\",\"token\":\"tok-1\","
                                   "\"plan\":\"rm -rf /tmp/x\",\"danger_level\":\"high\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_CONFIRM_REQUIRED);
    ck_assert_str_eq(f->confirm_required->token, "tok-1");
    ck_assert_str_eq(f->confirm_required->plan, "rm -rf /tmp/x");
    ck_assert_str_eq(f->confirm_required->danger_level, "high");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"confirm_required\",\"token\":\"t\",\"danger_level\":\"\"}");
    ck_assert_str_eq(f->confirm_required->danger_level, "medium");
    ck_assert_str_eq(f->confirm_required->plan, "");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"confirm_required\"}");
    ck_assert_str_eq(f->confirm_required->token, "");
    ck_assert_str_eq(f->confirm_required->danger_level, "medium");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_pin_frames)
{
    cmdop_ask_frame *f = ok(NULL, "{\"type\":\"pin_required\",\"challenge_id\":\"ch-9\","
                                   "\"label\":\"charlie\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_PIN_REQUIRED);
    ck_assert_str_eq(f->pin_required->challenge_id, "ch-9");
    ck_assert_str_eq(f->pin_required->label, "charlie");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"pin_denied\",\"challenge_id\":\"ch-9\",\"reason\":\"wrong pin\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_PIN_DENIED);
    ck_assert_str_eq(f->pin_denied->challenge_id, "ch-9");
    ck_assert_str_eq(f->pin_denied->reason, "wrong pin");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"pin_denied\"}");
    ck_assert_str_eq(f->pin_denied->challenge_id, "");
    ck_assert_str_eq(f->pin_denied->reason, "");
    cmdop_ask_frame_free(f);

    f = ok(NULL, "{\"type\":\"pin_required\",\"challenge_id\":\"c\"}");
    ck_assert_str_eq(f->pin_required->label, "");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_unknown_is_surfaced)
{
    const char *raw = "{ \"type\": \"tool_call\", \"name\": \"ls\" }";
    cmdop_ask_frame *f = ok(NULL, raw);
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_UNKNOWN);
    ck_assert_str_eq(f->type, "tool_call");
    ck_assert_str_eq(f->raw_json, raw); /* verbatim, spacing kept */
    cmdop_ask_frame_free(f);

    /* no type anywhere: still a frame, with an empty type */
    f = ok(NULL, "{\"x\":1}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_UNKNOWN);
    ck_assert_str_eq(f->type, "");
    ck_assert_str_eq(f->raw_json, "{\"x\":1}");
    cmdop_ask_frame_free(f);

    /* the SSE default type is not a frame kind */
    f = ok("message", "{\"x\":1}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_UNKNOWN);
    ck_assert_str_eq(f->type, "message");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_type_from_sse_event)
{
    cmdop_ask_frame *f = ok("pin_required", "{\"challenge_id\":\"c1\",\"label\":\"L\"}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_PIN_REQUIRED);
    ck_assert_str_eq(f->pin_required->challenge_id, "c1");
    cmdop_ask_frame_free(f);

    f = ok("done", "{\"success\":true,\"type\":null}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
    ck_assert(f->done->success);
    cmdop_ask_frame_free(f);

    /* the JSON type wins over the event name */
    f = ok("done", "{\"type\":\"event\",\"event_type\":2}");
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_EVENT);
    ck_assert_int_eq(f->event->event_type, 2);
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_data_not_nul_terminated)
{
    const char buf[] = "{\"type\":\"done\",\"text\":\"t\"}GARBAGE";
    size_t len = strlen("{\"type\":\"done\",\"text\":\"t\"}");
    cmdop_ask_frame *f = NULL;
    ck_assert_int_eq(cmdop__ask_frame_decode_event(&f, NULL, buf, len, NULL, 0), 0);
    ck_assert_str_eq(f->done->text, "t");
    cmdop_ask_frame_free(f);

    const char unk[] = "{\"type\":\"zz\"}XYZ";
    ck_assert_int_eq(cmdop__ask_frame_decode_event(&f, NULL, unk, 13, NULL, 0), 0);
    ck_assert_str_eq(f->raw_json, "{\"type\":\"zz\"}");
    cmdop_ask_frame_free(f);
}
END_TEST

START_TEST(test_malformed)
{
    bad("{", "malformed JSON");
    bad("", "malformed JSON");
    bad("not json", "malformed JSON");
    bad("{\"type\":\"done\"} trailing", "malformed JSON");
    bad("{\"type\":\"done\",\"text\":\"a\\u0000b\"}", "malformed JSON");
    bad("[1,2]", "not a JSON object");
    bad("\"done\"", "not a JSON object");
    bad("{\"type\":5}", "'type'");
    bad("{\"type\":\"done\",\"success\":\"yes\"}", "success: expected a boolean");
    bad("{\"type\":\"done\",\"text\":3}", "text: expected a string");
    bad("{\"type\":\"event\",\"event_type\":\"1\"}", "event_type: expected an integer");
    bad("{\"type\":\"event\",\"event_type\":1.5}", "event_type: expected an integer");
    bad("{\"type\":\"event\",\"event_type\":4294967296}", "out of range");
    bad("{\"type\":\"done\",\"duration_ms\":-2147483649}", "out of range");
    bad("{\"type\":\"error\",\"code\":{}}", "AskFrame 'error': ErrorInfo.code");
    bad("{\"type\":\"confirm_required\",\"danger_level\":1}", "danger_level");
    bad("{\"type\":\"pin_required\",\"label\":[]}", "label");
    bad("{\"type\":\"event\",\"payload_json\":{}}", "'payload_json'");
}
END_TEST

START_TEST(test_error_buffer_and_arguments)
{
    char small[8];
    cmdop_ask_frame *f = NULL;
    ck_assert_int_eq(cmdop__ask_frame_decode_event(&f, NULL, "{", 1, small, sizeof small),
                     CMDOP_EINTERNAL);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    /* no error buffer at all is fine */
    ck_assert_int_eq(cmdop__ask_frame_decode_event(&f, NULL, "{", 1, NULL, 0), CMDOP_EINTERNAL);
    ck_assert_int_eq(cmdop__ask_frame_decode_event(NULL, NULL, "{}", 2, g_err, sizeof g_err),
                     CMDOP_EINVALID);
    ck_assert_int_eq(cmdop__ask_frame_decode_event(&f, NULL, NULL, 0, g_err, sizeof g_err),
                     CMDOP_EINVALID);
    ck_assert_ptr_null(f);
    cmdop_ask_frame_free(NULL);
}
END_TEST

static Suite *ask_frame_suite(void)
{
    Suite *s = suite_create("ask_frame");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_event);
    tcase_add_test(tc, test_done);
    tcase_add_test(tc, test_error);
    tcase_add_test(tc, test_confirm_required);
    tcase_add_test(tc, test_pin_frames);
    tcase_add_test(tc, test_unknown_is_surfaced);
    tcase_add_test(tc, test_type_from_sse_event);
    tcase_add_test(tc, test_data_not_nul_terminated);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_error_buffer_and_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ask_frame_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
