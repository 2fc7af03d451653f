/*
 * test_relay_ask_json.c — the delta frame's JSON string is written without
 * jansson (relay/relay_ask_json.c); these check it against jansson's own
 * compact dump of json_stringn of the same bytes: every ASCII byte, UTF-8
 * of each length, the invalid forms jansson refuses (which it must refuse
 * too), and many random byte strings; and the delta and done frames an
 * agent stores against the frames jansson makes of the same values.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "relay_ask.h"

/* jansson's text for the bytes (without the quotes), or NULL when jansson
 * refuses them as a string. */
static char *jansson_text(const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    if (!v)
        return NULL;
    char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    ck_assert_ptr_nonnull(d);
    size_t len = strlen(d);
    memmove(d, d + 1, len - 2);    /* drop the quotes */
    d[len - 2] = '\0';
    return d;
}

static void same_as_jansson(const char *s, size_t n)
{
    char *want = jansson_text(s, n);
    char *got = malloc(6 * n + 1);
    ck_assert_ptr_nonnull(got);
    size_t k = ask_json_escape(got, s, n);
    if (!want) {
        ck_assert_msg(k == (size_t)-1, "accepted what jansson refuses (%zu bytes)", n);
    } else {
        ck_assert_msg(k != (size_t)-1, "refused what jansson takes: %s", want);
        got[k] = '\0';
        ck_assert_str_eq(got, want);
    }
    free(want);
    free(got);
}

START_TEST(every_ascii_byte)
{
    for (int c = 1; c < 0x80; c++) {
        char s[3] = {'a', (char)c, 'z'};
        same_as_jansson(s, 3);
    }
    same_as_jansson("", 0);
    static const char mixed[] = "say \"hi\"\\ /path\ttab\nline\r\b\f\x01\x1f\x7f";
    same_as_jansson(mixed, sizeof mixed - 1);
}
END_TEST

START_TEST(utf8_forms)
{
    static const char *ok[] = {
        "\xc2\xa9", "\xdf\xbf", "\xe0\xa0\x80", "\xe2\x82\xac", "\xed\x9f\xbf",
        "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "h\xc3\xa9llo w\xc3\xb6rld ",
    };
    static const char *bad[] = {
        "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41", "\xe0\x80\x80",
        "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x82", "\xf0\x80\x80\x80",
        "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80",
        "\xfe", "\xff", "ok \xe2\x82",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        same_as_jansson(ok[i], strlen(ok[i]));
        char out[64];
        ck_assert(ask_json_escape(out, ok[i], strlen(ok[i])) != (size_t)-1);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        same_as_jansson(bad[i], strlen(bad[i]));
        char out[64];
        ck_assert(ask_json_escape(out, bad[i], strlen(bad[i])) == (size_t)-1);
    }
}
END_TEST

START_TEST(random_bytes)
{
    unsigned seed = 12345;
    char s[24];
    for (int round = 0; round < 50000; round++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof s);
        for (size_t i = 0; i < n; i++) {
            int r = rand_r(&seed);
            /* mostly plausible UTF-8 lead/continuation bytes and escapes */
            s[i] = (char)(r % 3 == 0 ? 0x80 + (r >> 4) % 0x80
                                     : r % 3 == 1 ? 0xc0 + (r >> 4) % 0x40
                                                  : 1 + (r >> 4) % 0x7f);
        }
        same_as_jansson(s, n);
    }
}
END_TEST

/* The data line of frame `i` of st (after "data: "). */
static const char *data_of(const ask_stream *st, size_t i)
{
    ck_assert_uint_gt(st->n_frames, i);
    const char *d = strstr(st->frames[i], "\ndata: ");
    ck_assert_ptr_nonnull(d);
    return d + 7;
}

/* The delta and done frames the agent stores are the frames the generic
 * (jansson) path makes of the same values. */
START_TEST(frames_match_the_generic_path)
{
    relay_ask_registry *reg = calloc(1, sizeof *reg);
    ck_assert_ptr_nonnull(reg);
    ask_stream *fast = ask_stream_new(reg), *slow = ask_stream_new(reg);
    static const char *texts[] = {"w0 ", "ok: say \"hi\"\n", "caf\xc3\xa9 \x01 \\ /", "", "\xe2\x82"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        const char *t = texts[i];
        ck_assert(ask_stream_emit_delta(fast, t, strlen(t)));
        json_t *d = json_string(t);
        ck_assert(ask_stream_emit(slow, "event", json_pack(
            "{s:i, s:{s:o}}", "event_type", 1, "payload", "delta",
            d ? d : json_string("?"))));
        ck_assert_str_eq(data_of(fast, i), data_of(slow, i));
    }
    size_t n = fast->n_frames;
    ck_assert(ask_stream_emit_done(fast, false, "caf\xc3\xa9 \"x\"\t", "rejected", 1234));
    ck_assert(ask_stream_emit(slow, "done", json_pack(
        "{s:b, s:s, s:s, s:I}", "success", 0, "text", "caf\xc3\xa9 \"x\"\t",
        "error", "rejected", "duration_ms", (json_int_t)1234)));
    ck_assert_str_eq(data_of(fast, n), data_of(slow, n));
    ck_assert(fast->terminal && slow->terminal);
    ask_stream_unref(fast);
    ask_stream_unref(slow);
    free(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask_json");
    TCase *tc = tcase_create("escape");
    tcase_add_test(tc, every_ascii_byte);
    tcase_add_test(tc, utf8_forms);
    tcase_add_test(tc, random_bytes);
    tcase_add_test(tc, frames_match_the_generic_path);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
