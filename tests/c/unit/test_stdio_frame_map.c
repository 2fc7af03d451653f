/*
 * test_stdio_frame_map.c — the stdio core's direct route from a typed stream
 * frame to its EVENT envelope (cmdop__stdio_pack_frame,
 * runtime/src/stdio_stream.c) against the JSON
 * route it replaces (to_jsont, the tag key dropped, {tag: record} through
 * cmdop__stdio_json_to_msg, then cmdop__stdio_pack): the same bytes on
 * stdout for hand-written frames and random mutations of them, and the
 * direct route really taken for the common ones.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ask_stream_json.h"
#include "cmdop/types.h"
#include "op_descs.h"
#include "stdio_map.h"
#include "stdio_stream.h"
#include "stdio_writer.h"
#include "types_json.h"

static const char *const base[] = {
    "{\"type\":\"event\",\"event_type\":1,\"payload\":{\"delta\":\"w0 \"}}",
    "{\"type\":\"event\",\"event_type\":0,\"payload\":{\"a\":[1,-2,true,null,{\"b\":\"c\\\"d\"}]}}",
    "{\"type\":\"event\",\"event_type\":3,\"payload\":\"{\\\"x\\\":1}\"}",
    "{\"type\":\"event\",\"event_type\":3,\"payload\":\"{\\\"x\\\": 1}\"}",
    "{\"type\":\"event\",\"payload\":\"not json\"}",
    "{\"type\":\"event\",\"payload\":\"null\"}",
    "{\"type\":\"event\",\"payload\":1.5}",
    "{\"type\":\"event\",\"payload\":\"\\u00e9\"}",
    "{\"type\":\"event\"}",
    "{\"type\":\"pin_required\",\"challenge_id\":\"c1\",\"label\":\"PIN \xe2\x82\xac\"}",
    "{\"type\":\"pin_denied\",\"challenge_id\":\"c1\"}",
    "{\"type\":\"confirm_required\",\"token\":\"t\",\"plan\":\"p\"}",
    "{\"type\":\"error\",\"code\":\"x\",\"message\":\"m\",\"status\":503,\"retry_after_ms\":"
    "123456789012,\"retryable\":false,\"request_id\":\"r\"}",
    "{\"type\":\"error\",\"code\":\"x\"}",
    "{\"type\":\"done\",\"success\":true,\"text\":\"t\",\"duration_ms\":5}",
};

static const char *const pieces[] = {
    "{", "}", "[", "]", "\"", ",", ":", "\\\"", " ", "0", "1", "-", ".", "true", "null",
    "\xc3\xa9", "\\u00e9", "\\/", "\"status\":", "\"retryable\":true,", "\"payload\":",
    "\"event_type\":", "2147483647", "-0", "1.0",
};

static unsigned long rng = 777;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng >> 33) % n);
}

static size_t mutate(const char *b, char *out, size_t cap)
{
    size_t n = strlen(b);
    memcpy(out, b, n);
    for (unsigned k = 0, edits = rnd(3); k < edits; k++) {
        size_t at = n ? rnd((unsigned)n + 1) : 0;
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t pl = strlen(p), del = rnd(3);
        if (at + del > n)
            del = n - at;
        if (n - del + pl >= cap)
            continue;
        memmove(out + at + pl, out + at + del, n - at - del);
        memcpy(out + at, p, pl);
        n = n - del + pl;
    }
    return n;
}

static const ProtobufCFieldDescriptor *ask_arm(void)
{
    const ProtobufCFieldDescriptor *a = protobuf_c_message_descriptor_get_field_by_name(
        &cmdop__core__v1__envelope__descriptor, "ask_frame");
    ck_assert_ptr_nonnull(a);
    return a;
}

/* Both routes for one decoded frame; true when the direct one was taken. */
static bool compare(const cmdop_ask_frame *f, const char *data, size_t len)
{
    const cmdop__frames_desc *fd = &cmdop__frames_ask_frame;
    const ProtobufCFieldDescriptor *ua = ask_arm();
    cmdop__strbuf a = CMDOP__STRBUF_INIT, b = CMDOP__STRBUF_INIT;
    if (!cmdop__stdio_pack_frame(&a, 300, ua->id, fd, f, fd->kind(f), fd->tag(f), ua->descriptor)) {
        ck_assert_uint_eq(a.len, 0); /* nothing appended when the JSON route must decide */
        return false;
    }
    json_t *j = fd->to_jsont(f);
    json_object_del(j, fd->tag_key);
    json_t *doc = json_object();
    json_object_set(doc, fd->tag(f), j);
    json_decref(j);
    ProtobufCMessage *m = NULL;
    char err[256];
    ck_assert_int_eq(cmdop__stdio_json_to_msg(ua->descriptor, doc, &m, err, sizeof err), 0);
    json_decref(doc);
    ck_assert_int_eq(
        cmdop__stdio_pack(&b, 300, CMDOP__CORE__V1__KIND__KIND_EVENT, (int)ua->id, m), 0);
    ck_assert_msg(a.len == b.len && memcmp(a.s, b.s, a.len) == 0,
                  "envelopes differ (%zu vs %zu bytes) for %.*s", a.len, b.len, (int)len, data);
    cmdop__sb_free(&a);
    cmdop__sb_free(&b);
    protobuf_c_message_free_unpacked(m, NULL);
    return true;
}

static unsigned run(const char *data, size_t len)
{
    unsigned direct = 0;
    for (int off = 0; off < 2; off++) {
        cmdop_ask_frame *f = NULL;
        char err[256];
        cmdop__jflat_off = off; /* frames from the scan and from jansson */
        int rc = cmdop__ask_frame_decode_event(&f, "event", data, len, err, sizeof err);
        cmdop__jflat_off = false;
        if (rc == 0 && f->kind != CMDOP_ASK_FRAME_UNKNOWN)
            direct += compare(f, data, len);
        cmdop_ask_frame_free(f);
    }
    return direct;
}

START_TEST(base_frames_same_bytes)
{
    unsigned direct = 0;
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        direct += run(base[i], strlen(base[i]));
    /* all but the payloads the JSON route re-encodes (a string that is not
     * compact JSON, "null", a real, the jansson path's \u text) go direct */
    ck_assert_uint_ge(direct, 2 * 10);
}
END_TEST

START_TEST(mutations_same_bytes)
{
    char buf[512];
    unsigned direct = 0, rounds = 20000;
    for (unsigned i = 0; i < rounds; i++) {
        size_t n = mutate(base[i % (sizeof base / sizeof base[0])], buf, sizeof buf);
        direct += run(buf, n);
    }
    ck_assert_msg(direct > rounds / 4, "only %u direct", direct);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_frame_map");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, base_frames_same_bytes);
    tcase_add_test(tc, mutations_same_bytes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
