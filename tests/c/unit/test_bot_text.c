/*
 * test_bot_text.c — the bot engine's message lengths and split points
 * (runtime/src/bot_text.c) and its events' JSON (the BotEvent union form
 * that bot_handle.c decodes into cmdop_bot_event).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bot_internal.h"

START_TEST(units_count_code_points_or_utf16)
{
    /* "a", "é" (2 bytes), "€" (3 bytes), "😀" (4 bytes: a surrogate pair) */
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    ck_assert_uint_eq(cmdop__bot_text_units(s, false), 4);
    ck_assert_uint_eq(cmdop__bot_text_units(s, true), 5);
    ck_assert_uint_eq(cmdop__bot_text_units("", true), 0);
}
END_TEST

START_TEST(a_text_that_fits_is_whole)
{
    ck_assert_uint_eq(cmdop__bot_text_cut("hello world", 11, false), 11);
    ck_assert_uint_eq(cmdop__bot_text_cut("", 5, false), 0);
}
END_TEST

START_TEST(cut_prefers_a_line_break_then_a_space)
{
    ck_assert_uint_eq(cmdop__bot_text_cut("aaaa bbbb\ncccc dddd", 16, false), 10);
    ck_assert_uint_eq(cmdop__bot_text_cut("aaaa bbbb cccc dddd", 16, false), 15);
    /* nothing to cut at in the second half: a hard cut at the limit */
    ck_assert_uint_eq(cmdop__bot_text_cut("a bbbbbbbbbbbbbbbbbbbb", 10, false), 10);
}
END_TEST

START_TEST(cut_never_splits_a_sequence)
{
    /* ten emoji: 40 bytes, 10 code points, 20 UTF-16 units */
    char s[64] = "";
    for (int i = 0; i < 10; i++)
        strcat(s, "\xf0\x9f\x98\x80");
    ck_assert_uint_eq(cmdop__bot_text_cut(s, 3, false), 12);
    ck_assert_uint_eq(cmdop__bot_text_cut(s, 3, true), 4);   /* one pair fits in 3 units */
    ck_assert_uint_eq(cmdop__bot_text_cut(s, 4, true), 8);
}
END_TEST

START_TEST(chunks_rejoin_to_the_text)
{
    char *s = malloc(10001);
    for (int i = 0; i < 10000; i++)
        s[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 26);
    s[10000] = '\0';
    size_t off = 0, parts = 0;
    while (s[off]) {
        size_t n = cmdop__bot_text_cut(s + off, 4096, true);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_le(n, 4096);
        off += n;
        parts++;
    }
    ck_assert_uint_eq(off, 10000);
    ck_assert_uint_eq(parts, 3);
    free(s);
}
END_TEST

START_TEST(event_json_is_the_union_form)
{
    cmdop__bot_event *ev = calloc(1, sizeof *ev);
    ev->kind = CMDOP__BOT_EV_REPLY_SENT;
    ev->chat_id = strdup("42");
    ev->message_ids = calloc(2, sizeof(char *));
    ev->message_ids[0] = strdup("1001");
    ev->message_ids[1] = strdup("1002");
    ev->n_message_ids = 2;
    ev->success = true;
    ev->text_length = 5000;
    json_t *j = cmdop__bot_event_to_json(ev);
    char *txt = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_str_eq(txt, "{\"chat_id\":\"42\",\"message_ids\":[\"1001\",\"1002\"],"
                          "\"success\":true,\"text_length\":5000,\"type\":\"reply_sent\"}");
    free(txt);
    json_decref(j);
    cmdop__bot_event_free(ev);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bot_text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, units_count_code_points_or_utf16);
    tcase_add_test(tc, a_text_that_fits_is_whole);
    tcase_add_test(tc, cut_prefers_a_line_break_then_a_space);
    tcase_add_test(tc, cut_never_splits_a_sequence);
    tcase_add_test(tc, chunks_rejoin_to_the_text);
    tcase_add_test(tc, event_json_is_the_union_form);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
