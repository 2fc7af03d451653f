/*
 * test_botrun_slack.c — bots.run conversations on Slack (Socket Mode +
 * Web API): the bot engine (runtime/src/bot_*.c) against the Slack fake
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
    const char *args[] = {"--token", "xoxb-fake", "--app-token", "xapp-fake", NULL};
    ck_assert_int_eq(chat_fake_start(&fake, "slack", args), 0);
    client = it_client(IT_BOTH, NULL);
}

static void teardown(void)
{
    cmdop_client_free(client);
    ck_assert_int_eq(chat_fake_stop(&fake), 0);
}

static cmdop__bot *start_bot(const char *extra_json)
{
    json_t *args = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[s], s:s, s:i}", "platform", "slack",
                             "bot_token", "xoxb-fake", "app_token", "xapp-fake", "machine_id",
                             IT_M_ALPHA, "allowed_users", "U42", "admin_users", "U7",
                             "api_base_url", fake.url, "edit_interval_ms", 300);
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
    free(chat_fake_say(&fake, "U42", "D42", prompt));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *chat = chat_fake_chat(&fake, "D42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 1);
    json_t *m = chat_fake_bot_msg(chat, 0);
    ck_assert_str_eq(bot_text(chat, 0), answer);
    ck_assert_int_ge(json_integer_value(json_object_get(m, "edits")), 2);
    size_t i;
    json_t *gap;
    json_array_foreach(json_object_get(m, "edit_gaps_ms"), i, gap)
        ck_assert_int_ge(json_integer_value(gap), 270);
    json_decref(chat);
    /* every envelope was acked */
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_uint_eq(json_array_size(json_object_get(st, "unacked")), 0);
    ck_assert_uint_ge(json_array_size(json_object_get(st, "acked")), 1);
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
    free(chat_fake_say(&fake, "U99", "D99", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "unknown_user");
    json_t *chat = chat_fake_wait_chat(&fake, "D99", conv_has_bot_msgs, (void *)1, 5000);
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
    free(chat_fake_say(&fake, "U42", "D42", "rm -rf /tmp/scratch"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000));
    json_t *chat = chat_fake_wait_chat(&fake, "D42", conv_has_buttons, NULL, 5000);
    ck_assert_ptr_nonnull(chat);
    json_t *m = chat_fake_bot_msg(chat, 0);
    const char *data = conv_button_data(m, button);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(chat_fake_click(&fake, "U42", "D42",
                                     json_string_value(json_object_get(m, "id")), data), 0);
    json_decref(chat);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(ev.last->success, want_success);
    chat = chat_fake_chat(&fake, "D42");
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

START_TEST(pin_by_reply_never_echoed)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 5}", NULL);
    cmdop__bot *b = start_bot("{\"machine_id\": \"" IT_M_CHARLIE "\"}");
    free(chat_fake_say(&fake, "U42", "D42", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_PIN_ASKED, &ev, 10000));
    free(chat_fake_say(&fake, "U42", "D42", "1234"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(ev.last->success);
    /* the bot tried to delete it; a bot token cannot delete a user's
     * message on Slack, and the engine says so */
    json_t *dels = chat_fake_calls(&fake, "chat.delete");
    ck_assert_uint_eq(json_array_size(dels), 1);
    json_decref(dels);
    ck_assert(conv_events_mention(&ev, "pin_not_deleted"));
    json_t *calls = chat_fake_calls(&fake, "chat.postMessage");
    ck_assert(!conv_calls_mention(calls, "1234"));
    json_decref(calls);
    calls = chat_fake_calls(&fake, "chat.update");
    ck_assert(!conv_calls_mention(calls, "1234"));
    json_decref(calls);
    ck_assert(!conv_events_mention(&ev, "1234"));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(long_answer_is_split)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = start_bot(NULL);
    size_t n = 500 * 10; /* 5000 characters, over the 4000 a message keeps */
    char *answer = malloc(n + 1);
    for (size_t i = 0; i < 500; i++)
        memcpy(answer + 10 * i, i == 499 ? "word-0499." : "word-wxyz ", 10);
    answer[n] = '\0';
    char *prompt = malloc(n + 16);
    snprintf(prompt, n + 16, "echo: %s", answer);
    free(chat_fake_say(&fake, "U42", "D42", prompt));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 20000));
    ck_assert_uint_eq(ev.last->n_message_ids, 2);
    json_t *chat = chat_fake_chat(&fake, "D42");
    const char *a = bot_text(chat, 0), *c = bot_text(chat, 1);
    ck_assert_uint_le(strlen(a), 4000);
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
                                    "{\"method\": \"chat.postMessage\", \"status\": 429, "
                                    "\"retry_after\": 1, \"count\": 1}", NULL), 200);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "U42", "D42", "echo: hello there"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *calls = chat_fake_calls(&fake, "chat.postMessage");
    ck_assert_uint_eq(json_array_size(calls), 2);
    json_t *first = json_array_get(calls, 0), *second = json_array_get(calls, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(first, "status")), 429);
    double gap = json_number_value(json_object_get(second, "t")) -
                 json_number_value(json_object_get(first, "t"));
    ck_assert_msg(gap >= 0.95, "retried after %.3f s, Retry-After was 1 s", gap);
    json_decref(calls);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

static void drop_case(const char *mode)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = start_bot(NULL);
    char body[64];
    snprintf(body, sizeof body, "{\"mode\": \"%s\"}", mode);
    ck_assert_int_eq(chat_fake_call(&fake, "POST", "/_fake/drop", body, NULL), 200);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RECONNECTING, &ev, 10000));
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    free(chat_fake_say(&fake, "U42", "D42", "echo: still here"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *chat = chat_fake_chat(&fake, "D42");
    ck_assert_str_eq(bot_text(chat, 0), "still here");
    json_decref(chat);
    /* a new Socket Mode URL for the new connection */
    json_t *opens = chat_fake_calls(&fake, "apps.connections.open");
    ck_assert_uint_eq(json_array_size(opens), 2);
    json_decref(opens);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}

START_TEST(socket_drop_reconnects_with_a_new_url)
{
    drop_case("abort");
}
END_TEST

START_TEST(disconnect_refresh_reconnects)
{
    drop_case("disconnect");
}
END_TEST

START_TEST(stop_drains_the_ask_in_flight)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 100}", NULL);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "U42", "D42", "echo: a b c d e f g h"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_ASK_STARTED, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    json_t *chat = chat_fake_chat(&fake, "D42");
    ck_assert_str_eq(bot_text(chat, 0), "a b c d e f g h");
    json_decref(chat);
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "open_sockets")), 0);
    json_decref(st);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(bad_app_token_fails_the_bot)
{
    json_t *args = json_pack("{s:s, s:s, s:s, s:s, s:s}", "platform", "slack", "bot_token",
                             "xoxb-fake", "app_token", "xapp-wrong", "machine_id", IT_M_ALPHA,
                             "api_base_url", fake.url);
    cmdop__bot *b = NULL;
    ck_assert_int_eq(cmdop__bot_open(client, args, &b), 0);
    json_decref(args);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_FAILED, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), CMDOP_EAUTH);
    ck_assert(!conv_events_mention(&ev, "xapp-wrong"));
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("botrun_slack");
    TCase *tc = tcase_create("conversations");
    it_add_relay_fixture(tc);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ask_streams_an_edited_answer);
    tcase_add_test(tc, unknown_user_is_refused);
    tcase_add_test(tc, confirm_accepted_by_button);
    tcase_add_test(tc, confirm_rejected_by_button);
    tcase_add_test(tc, pin_by_reply_never_echoed);
    tcase_add_test(tc, long_answer_is_split);
    tcase_add_test(tc, rate_limit_is_waited_out);
    tcase_add_test(tc, socket_drop_reconnects_with_a_new_url);
    tcase_add_test(tc, disconnect_refresh_reconnects);
    tcase_add_test(tc, stop_drains_the_ask_in_flight);
    tcase_add_test(tc, bad_app_token_fails_the_bot);
    suite_add_tcase(s, tc);
    return it_run(s);
}
