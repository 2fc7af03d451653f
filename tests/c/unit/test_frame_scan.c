/*
 * test_frame_scan.c — the stream frame decoders' one-pass path
 * (runtime/src/ask_stream_json.c, the *_decode_scanned functions of the
 * generated gen/c/src/streams.c) against their jansson path: the same
 * result code, error text and frame for hand-written frames and for many
 * random mutations of them (decoded once with the scan, once with
 * cmdop__jflat_off set), and the scan really taking the common frames.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ask_stream_json.h"
#include "cmdop/error.h"
#include "cmdop/types.h"
#include "op_descs.h"
#include "types_json.h"

static const char *const ask_base[] = {
    "{\"type\":\"event\",\"event_type\":1,\"payload\":{\"delta\":\"w0 \"}}",
    "{\"type\":\"event\",\"event_type\":2,\"payload\":{\"a\":[1,-2,true,null,{\"b\":\"c\\\"d\"}],\"e\":{}}}",
    "{\"type\":\"event\",\"event_type\":3,\"payload\":\"{\\\"x\\\":1}\"}",
    "{\"type\":\"event\",\"payload_json\":\"[1,2]\"}",
    "{\"type\":\"event\",\"event_type\":-7,\"payload\":[],\"extra\":{\"k\":1.5}}",
    " {\"type\" : \"event\" , \"payload\" : { \"d\" : \"\xc3\xa9\\n\\t\" } } ",
    "{\"type\":\"done\",\"success\":true,\"text\":\"w0 w1\",\"error\":\"\",\"duration_ms\":23}",
    "{\"type\":\"done\",\"success\":false,\"text\":null,\"error\":\"boom\\\\\"}",
    "{\"type\":\"error\",\"code\":\"\",\"message\":\"m\",\"status\":503,\"retry_after_ms\":"
    "123456789012,\"retryable\":true,\"request_id\":\"r\",\"field\":\"f\"}",
    "{\"type\":\"pin_required\",\"challenge_id\":\"c1\",\"label\":\"PIN \xe2\x82\xac\"}",
    "{\"type\":\"pin_denied\",\"challenge_id\":\"c1\",\"reason\":\"wrong\"}",
    "{\"type\":\"confirm_required\",\"token\":\"t\",\"plan\":\"rm -rf \\/\",\"danger_level\":\"\"}",
    "{\"type\":\"later_kind\",\"x\":[1,2,{\"y\":null}]}",
    "{\"event_type\":1,\"payload\":{\"p\":1}}",
    "{\"type\":null,\"code\":\"x\"}",
    "{}",
};

static const char *const bot_base[] = {
    "{\"type\":\"message_received\",\"chat_id\":\"c\",\"user_id\":\"u\",\"message_id\":\"m\","
    "\"text\":\"hi \xf0\x9f\x98\x80\"}",
    "{\"type\":\"reply_sent\",\"chat_id\":\"c\",\"message_ids\":[\"1\",\"2\"],\"success\":true,"
    "\"text_length\":5}",
    "{\"type\":\"confirm_asked\",\"chat_id\":\"c\",\"plan\":\"p\",\"offered\":false}",
    "{\"type\":\"error\",\"code\":\"c\",\"message\":\"m\"}",
};

/* What a mutation inserts or writes over: JSON's own characters, escapes,
 * numbers' pieces, whitespace, UTF-8 (valid and not). */
static const char *const pieces[] = {
    "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u00e9", "\\u0000", "\\/", "\\n", " ", "\t",
    "\n", "0", "1", "9", "-", ".", "e", "E", "+", "true", "false", "null", "tru", "x",
    "\xc3\xa9", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x01",
    "99999999999999999999", "2147483648", "-0", "1e999", "\"type\"", "\"payload\"",
    "\"event\"", "\"done\"", "\"error\"", "\"status\"", "\"success\"", "{\"a\":1,\"a\":2}",
};

typedef int (*decode_fn)(void **out, const char *ev, const char *data, size_t len, char *err,
                         size_t err_size);
typedef json_t *(*dump_fn)(const void *f);
typedef void (*free_fn)(void *f);

static int ask_decode(void **out, const char *ev, const char *d, size_t n, char *e, size_t es)
{
    cmdop_ask_frame *f = NULL;
    int rc = cmdop__ask_frame_decode_event(&f, ev, d, n, e, es);
    *out = f;
    return rc;
}

static int bot_decode(void **out, const char *ev, const char *d, size_t n, char *e, size_t es)
{
    cmdop_bot_event *f = NULL;
    int rc = cmdop__bot_event_decode_event(&f, ev, d, n, e, es);
    *out = f;
    return rc;
}

/* Everything a frame holds, as one text: its JSON mapping (sorted keys),
 * its tag, its raw text and, for an event, its payload text verbatim. */
static char *ask_render(const void *p)
{
    const cmdop_ask_frame *f = p;
    json_t *j = cmdop__ask_frame_to_jsont(f);
    char *body = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    const char *pl = f->kind == CMDOP_ASK_FRAME_EVENT && f->event && f->event->payload_json
                         ? f->event->payload_json : "(none)";
    size_t n = strlen(body ? body : "") + strlen(pl) + strlen(f->type ? f->type : "") +
               strlen(f->raw_json ? f->raw_json : "") + 64;
    char *out = malloc(n);
    snprintf(out, n, "%d|%s|%s|%s|%s", (int)f->kind, f->type ? f->type : "(null)",
             body ? body : "(null)", pl, f->raw_json ? f->raw_json : "(null)");
    free(body);
    return out;
}

static char *bot_render(const void *p)
{
    const cmdop_bot_event *f = p;
    json_t *j = cmdop__bot_event_to_jsont(f);
    char *body = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    size_t n = strlen(body ? body : "") + strlen(f->type ? f->type : "") +
               strlen(f->raw_json ? f->raw_json : "") + 64;
    char *out = malloc(n);
    snprintf(out, n, "%d|%s|%s|%s", (int)f->kind, f->type ? f->type : "(null)",
             body ? body : "(null)", f->raw_json ? f->raw_json : "(null)");
    free(body);
    return out;
}

static void ask_free(void *f)
{
    cmdop_ask_frame_free(f);
}

static void bot_free(void *f)
{
    cmdop_bot_event_free(f);
}

/* Decodes data both ways and demands the same outcome. */
static void same(decode_fn dec, char *(*render)(const void *), free_fn fr, const char *ev,
                 const char *data, size_t len)
{
    char e1[256], e2[256];
    void *f1 = NULL, *f2 = NULL;
    cmdop__jflat_off = false;
    int rc1 = dec(&f1, ev, data, len, e1, sizeof e1);
    cmdop__jflat_off = true;
    int rc2 = dec(&f2, ev, data, len, e2, sizeof e2);
    cmdop__jflat_off = false;
    ck_assert_msg(rc1 == rc2, "rc %d vs %d for %.*s", rc1, rc2, (int)len, data);
    ck_assert_msg(strcmp(e1, e2) == 0, "error '%s' vs '%s' for %.*s", e1, e2, (int)len, data);
    ck_assert_msg((f1 == NULL) == (f2 == NULL), "frame presence differs for %.*s", (int)len,
                  data);
    if (f1) {
        char *r1 = render(f1), *r2 = render(f2);
        ck_assert_msg(strcmp(r1, r2) == 0, "frames differ for %.*s:\n%s\n%s", (int)len, data, r1,
                      r2);
        free(r1);
        free(r2);
    }
    fr(f1);
    fr(f2);
}

static unsigned long rng = 12345;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng >> 33) % n);
}

/* One to three random edits of base: insert, overwrite or delete. */
static size_t mutate(const char *base, char *out, size_t cap)
{
    size_t n = strlen(base);
    memcpy(out, base, n);
    for (unsigned k = 0, edits = 1 + rnd(3); k < edits; k++) {
        size_t at = n ? rnd((unsigned)n + 1) : 0;
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t pl = strlen(p);
        unsigned op = rnd(3);
        size_t del = op == 0 ? 0 : 1 + rnd(4);
        if (at + del > n)
            del = n - at;
        if (op == 2)
            pl = 0; /* a pure deletion */
        if (n - del + pl >= cap)
            continue;
        memmove(out + at + pl, out + at + del, n - at - del);
        memcpy(out + at, p, pl);
        n = n - del + pl;
    }
    return n;
}

static void fuzz(const char *const *base, size_t nbase, decode_fn dec,
                 char *(*render)(const void *), free_fn fr, unsigned rounds)
{
    char buf[1024];
    unsigned scanned = 0;
    for (unsigned i = 0; i < rounds; i++) {
        size_t n = mutate(base[i % nbase], buf, sizeof buf);
        cmdop__jflat o;
        scanned += cmdop__jflat_scan(&o, buf, n);
        same(dec, render, fr, i % 3 ? "event" : NULL, buf, n);
    }
    /* the comparison means something only if many mutants take the scan */
    ck_assert_msg(scanned > rounds / 10, "only %u of %u mutants scanned", scanned, rounds);
}

START_TEST(base_frames_take_the_scan)
{
    /* every base frame but the ones with a \/ or a real in a json field
     * is read by the scan, and each agrees with jansson */
    size_t taken = 0;
    for (size_t i = 0; i < sizeof ask_base / sizeof ask_base[0]; i++) {
        cmdop__jflat o;
        taken += cmdop__jflat_scan(&o, ask_base[i], strlen(ask_base[i]));
        same(ask_decode, ask_render, ask_free, "event", ask_base[i], strlen(ask_base[i]));
        same(ask_decode, ask_render, ask_free, NULL, ask_base[i], strlen(ask_base[i]));
    }
    ck_assert_uint_eq(taken, sizeof ask_base / sizeof ask_base[0]);
    for (size_t i = 0; i < sizeof bot_base / sizeof bot_base[0]; i++)
        same(bot_decode, bot_render, bot_free, NULL, bot_base[i], strlen(bot_base[i]));
}
END_TEST

START_TEST(scan_reads_members)
{
    const char *d = "{\"type\":\"event\",\"event_type\":-12,\"payload\":{\"d\":\"a\\\"b\"},"
                    "\"s\":\"x\\\\y\\/z\",\"n\":null,\"r\":0.5,\"w\":{ \"a\":1}}";
    cmdop__jflat o;
    ck_assert(cmdop__jflat_scan(&o, d, strlen(d)));
    ck_assert_uint_eq(o.n, 7);
    const cmdop__jmember *m = cmdop__jflat_get(&o, "event_type");
    ck_assert_int_eq(m->type, CMDOP__JV_INT);
    ck_assert_int_eq(m->ival, -12);
    m = cmdop__jflat_get(&o, "payload");
    ck_assert_int_eq(m->type, CMDOP__JV_OBJECT);
    ck_assert(m->canon);
    char *t = cmdop__jflat_text(m);
    ck_assert_str_eq(t, "{\"d\":\"a\\\"b\"}");
    free(t);
    t = cmdop__jflat_str(cmdop__jflat_get(&o, "s"));
    ck_assert_str_eq(t, "x\\y/z");
    free(t);
    ck_assert_int_eq(cmdop__jflat_get(&o, "n")->type, CMDOP__JV_NULL);
    ck_assert(!cmdop__jflat_get(&o, "r")->canon);
    ck_assert(!cmdop__jflat_get(&o, "w")->canon);
    ck_assert_ptr_null(cmdop__jflat_get(&o, "missing"));
    /* declined: a \u escape, an exponent, a duplicate key, trailing bytes */
    const char *no[] = {"{\"a\":\"\\u00e9\"}", "{\"a\":1e5}", "{\"a\":1,\"a\":2}", "{} x",
                        "[1]", "{\"a\":01}", "{\"a\":\"\xc0\xaf\"}", ""};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(!cmdop__jflat_scan(&o, no[i], strlen(no[i])), "took %s", no[i]);
}
END_TEST

START_TEST(mutations_agree_ask)
{
    fuzz(ask_base, sizeof ask_base / sizeof ask_base[0], ask_decode, ask_render, ask_free, 40000);
}
END_TEST

START_TEST(mutations_agree_bot)
{
    fuzz(bot_base, sizeof bot_base / sizeof bot_base[0], bot_decode, bot_render, bot_free, 10000);
}
END_TEST

static Suite *frame_scan_suite(void)
{
    Suite *s = suite_create("frame_scan");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, base_frames_take_the_scan);
    tcase_add_test(tc, scan_reads_members);
    tcase_add_test(tc, mutations_agree_ask);
    tcase_add_test(tc, mutations_agree_bot);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(frame_scan_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
