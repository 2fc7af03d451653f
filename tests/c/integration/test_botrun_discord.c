/*
 * test_botrun_discord.c — bots.run conversations on Discord (Gateway v10 +
 * REST): the bot engine (runtime/src/bot_*.c) against the Discord fake
 * (tests/fakes) and the real local relay's simulated agents
 * (docs/ask-protocol.md). Each test starts its own fake; the relay is the
 * TCase's.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot.h"
#include "bot_conv.h"
#include "chat_fake.h"
#include "it_client.h"

static chat_fake fake;
static cmdop_client *client;

static void setup(void)
{
    const char *args[] = {"--token", "discord-fake", NULL};
    ck_assert_int_eq(chat_fake_start(&fake, "discord", args), 0);
    client = it_client(IT_BOTH, NULL);
}

static void teardown(void)
{
    cmdop_client_free(client);
    ck_assert_int_eq(chat_fake_stop(&fake), 0);
}

static cmdop__bot *start_bot(const char *extra_json)
{
    json_t *args = json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:s, s:i}", "platform", "discord",
                             "token", "discord-fake", "machine_id", IT_M_ALPHA, "allowed_users",
                             "U42", "admin_users", "U7", "api_base_url", fake.url,
                             "edit_interval_ms", 300);
    if (extra_json) {
        json_t *extra = json_loads(extra_json, 0, NULL);
        ck_assert_ptr_nonnull(extra);
        json_object_update(args, extra);
        json_decref(extra);
    }
    cmdop__bot *b = NULL;
    int rc = cmdop__bot_open(client, args, &b);
    json_decref(args);
    ck_assert_msg(rc == 0, "open: %d %s", rc, rc ? cmdop_error_last()->message : "");
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    conv_events_clear(&ev);
    return b;
}

static const char *bot_text(json_t *chat, size_t i)
{
    return json_string_value(json_object_get(chat_fake_bot_msg(chat, i), "text"));
}

START_TEST(ask_streams_an_edited_answer)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 120}", NULL);
    cmdop__bot *b = start_bot(NULL);
    const char *answer = "one two three four five six seven eight nine ten eleven twelve";
    char prompt[256];
    snprintf(prompt, sizeof prompt, "echo: %s", answer);
    free(chat_fake_say(&fake, "U42", "C42", prompt));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *chat = chat_fake_chat(&fake, "C42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 1);
    json_t *m = chat_fake_bot_msg(chat, 0);
    ck_assert_str_eq(bot_text(chat, 0), answer);
    ck_assert_int_ge(json_integer_value(json_object_get(m, "edits")), 2);
    size_t i;
    json_t *gap;
    json_array_foreach(json_object_get(m, "edit_gaps_ms"), i, gap)
        ck_assert_int_ge(json_integer_value(gap), 270);
    json_decref(chat);
    /* one IDENTIFY, and the bot never overran a rate-limit bucket */
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "identifies")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "bucket_violations")), 0);
    json_decref(st);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(unknown_user_is_refused)
{
    cmdop__bot *b = start_bot(NULL);
    it_clear_recording();
    free(chat_fake_say(&fake, "U99", "C99", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "unknown_user");
    json_t *chat = chat_fake_wait_chat(&fake, "C99", conv_has_bot_msgs, (void *)1, 5000);
    ck_assert_ptr_nonnull(chat);
    ck_assert_ptr_nonnull(strstr(bot_text(chat, 0), "not allowed"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert(!conv_relay_saw_ask());
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

static void confirm_case(const char *button, const char *want_text, bool want_success)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 5}", NULL);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "U42", "C42", "rm -rf /tmp/scratch"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000));
    json_t *chat = chat_fake_wait_chat(&fake, "C42", conv_has_buttons, NULL, 5000);
    ck_assert_ptr_nonnull(chat);
    json_t *m = chat_fake_bot_msg(chat, 0);
    const char *data = conv_button_data(m, button);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(chat_fake_click(&fake, "U42", "C42",
                                     json_string_value(json_object_get(m, "id")), data), 0);
    json_decref(chat);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(ev.last->success, want_success);
    chat = chat_fake_chat(&fake, "C42");
    ck_assert_uint_eq(json_array_size(json_object_get(chat_fake_bot_msg(chat, 0), "buttons")), 0);
    ck_assert_ptr_nonnull(strstr(bot_text(chat, chat_fake_bot_count(chat) - 1), want_text));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}

START_TEST(confirm_accepted_by_button)
{
    confirm_case("Approve", "ok: rm -rf /tmp/scratch", true);
}
END_TEST

START_TEST(confirm_rejected_by_button)
{
    confirm_case("Reject", "rejected", false);
}
END_TEST

START_TEST(pin_by_reply_is_deleted_never_echoed)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 5}", NULL);
    cmdop__bot *b = start_bot("{\"machine_id\": \"" IT_M_CHARLIE "\"}");
    free(chat_fake_say(&fake, "U42", "C42", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_PIN_ASKED, &ev, 10000));
    char *pin_id = chat_fake_say(&fake, "U42", "C42", "1234");
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(ev.last->success);
    json_t *chat = chat_fake_chat(&fake, "C42");
    size_t i;
    json_t *m;
    bool deleted = false;
    json_array_foreach(chat, i, m)
        if (strcmp(json_string_value(json_object_get(m, "id")), pin_id) == 0)
            deleted = json_is_true(json_object_get(m, "deleted"));
    ck_assert(deleted);
    json_decref(chat);
    json_t *calls = chat_fake_calls(&fake, NULL);
    ck_assert(!conv_calls_mention(calls, "1234"));
    json_decref(calls);
    ck_assert(!conv_events_mention(&ev, "1234"));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    free(pin_id);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(long_answer_is_split)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = start_bot(NULL);
    size_t n = 300 * 10; /* 3000 characters, over Discord's 2000 */
    char *answer = malloc(n + 1);
    for (size_t i = 0; i < 300; i++)
        memcpy(answer + 10 * i, i == 299 ? "word-0299." : "word-wxyz ", 10);
    answer[n] = '\0';
    char *prompt = malloc(n + 16);
    snprintf(prompt, n + 16, "echo: %s", answer);
    free(chat_fake_say(&fake, "U42", "C42", prompt));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 20000));
    ck_assert_uint_eq(ev.last->n_message_ids, 2);
    json_t *chat = chat_fake_chat(&fake, "C42");
    const char *a = bot_text(chat, 0), *c = bot_text(chat, 1);
    ck_assert_uint_le(strlen(a), 2000);
    char *joined = malloc(strlen(a) + strlen(c) + 1);
    strcpy(joined, a);
    strcat(joined, c);
    ck_assert_str_eq(joined, answer);
    free(joined);
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    free(answer);
    free(prompt);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(rate_limit_is_waited_out)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    ck_assert_int_eq(chat_fake_call(&fake, "POST", "/_fake/fail",
                                    "{\"method\": \"POST channels/:id/messages\", \"status\": 429, "
                                    "\"retry_after\": 1, \"count\": 1}", NULL), 200);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "U42", "C42", "echo: hello there"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *calls = chat_fake_calls(&fake, "POST%20channels/:id/messages");
    ck_assert_uint_eq(json_array_size(calls), 2);
    json_t *first = json_array_get(calls, 0), *second = json_array_get(calls, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(first, "status")), 429);
    double gap = json_number_value(json_object_get(second, "t")) -
                 json_number_value(json_object_get(first, "t"));
    ck_assert_msg(gap >= 0.95, "retried after %.3f s, retry_after was 1 s", gap);
    json_decref(calls);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

static void drop_case(const char *mode, bool resumed)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = start_bot(NULL);
    char body[64];
    snprintf(body, sizeof body, "{\"mode\": \"%s\"}", mode);
    ck_assert_int_eq(chat_fake_call(&fake, "POST", "/_fake/drop", body, NULL), 200);
    conv_events ev = {0};
    if (!resumed) {
        /* a new session: what was sent in the gap is gone (as on Discord),
         * so speak once the bot identified again */
        json_t *st = NULL;
        for (int i = 0; i < 100; i++) {
            json_decref(st);
            st = NULL;
            chat_fake_call(&fake, "GET", "/_fake/wait?timeout_ms=100", NULL, NULL);
            chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
            if (json_integer_value(json_object_get(st, "identifies")) == 2 &&
                json_is_true(json_object_get(st, "connected")))
                break;
        }
        json_decref(st);
    }
    /* in a resumed session, a message sent while the bot is away is
     * replayed */
    free(chat_fake_say(&fake, "U42", "C42", "echo: still here"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    /* a lost connection is reported; RECONNECT and INVALID_SESSION are
     * routine */
    ck_assert_int_eq(conv_events_mention(&ev, "\"code\":\"connection\""),
                     strcmp(mode, "abort") == 0);
    json_t *chat = chat_fake_chat(&fake, "C42");
    ck_assert_str_eq(bot_text(chat, 0), "still here");
    json_decref(chat);
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "resumes")), resumed ? 1 : 0);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "identifies")), resumed ? 1 : 2);
    json_decref(st);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}

START_TEST(gateway_drop_resumes)
{
    drop_case("abort", true);
}
END_TEST

START_TEST(gateway_reconnect_request_resumes)
{
    drop_case("reconnect", true);
}
END_TEST

START_TEST(invalid_session_identifies_again)
{
    drop_case("invalid", false);
}
END_TEST

START_TEST(missed_heartbeat_acks_reconnect)
{
    /* heartbeats every 200 ms: the beat after HELLO is acked by the fake;
     * the engine keeps beating while idle, and stays one session */
    ck_assert_int_eq(chat_fake_call(&fake, "POST", "/_fake/drop", "{\"heartbeat_ms\": 200}", NULL),
                     200);
    cmdop__bot *b = start_bot(NULL);
    json_t *st = NULL;
    for (int i = 0; i < 50; i++) {
        json_decref(st);
        st = NULL;
        chat_fake_call(&fake, "GET", "/_fake/wait?timeout_ms=100", NULL, NULL);
        chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
        if (json_integer_value(json_object_get(st, "heartbeats")) >= 3)
            break;
    }
    ck_assert_int_ge(json_integer_value(json_object_get(st, "heartbeats")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "connections")), 1);
    json_decref(st);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(stop_drains_the_ask_in_flight)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 100}", NULL);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "U42", "C42", "echo: a b c d e f g h"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_ASK_STARTED, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    json_t *chat = chat_fake_chat(&fake, "C42");
    ck_assert_str_eq(bot_text(chat, 0), "a b c d e f g h");
    json_decref(chat);
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert(json_is_false(json_object_get(st, "connected")));
    json_decref(st);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(bad_token_fails_the_bot)
{
    json_t *args = json_pack("{s:s, s:s, s:s, s:s}", "platform", "discord", "token",
                             "discord-wrong", "machine_id", IT_M_ALPHA, "api_base_url", fake.url);
    cmdop__bot *b = NULL;
    ck_assert_int_eq(cmdop__bot_open(client, args, &b), 0);
    json_decref(args);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_FAILED, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), CMDOP_EAUTH);
    ck_assert(!conv_events_mention(&ev, "discord-wrong"));
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("botrun_discord");
    TCase *tc = tcase_create("conversations");
    it_add_relay_fixture(tc);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ask_streams_an_edited_answer);
    tcase_add_test(tc, unknown_user_is_refused);
    tcase_add_test(tc, confirm_accepted_by_button);
    tcase_add_test(tc, confirm_rejected_by_button);
    tcase_add_test(tc, pin_by_reply_is_deleted_never_echoed);
    tcase_add_test(tc, long_answer_is_split);
    tcase_add_test(tc, rate_limit_is_waited_out);
    tcase_add_test(tc, gateway_drop_resumes);
    tcase_add_test(tc, gateway_reconnect_request_resumes);
    tcase_add_test(tc, invalid_session_identifies_again);
    tcase_add_test(tc, missed_heartbeat_acks_reconnect);
    tcase_add_test(tc, stop_drains_the_ask_in_flight);
    tcase_add_test(tc, bad_token_fails_the_bot);
    suite_add_tcase(s, tc);
    return it_run(s);
}
