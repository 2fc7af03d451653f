/*
 * test_botrun_telegram.c — bots.run conversations on Telegram: the bot
 * engine (runtime/src/bot_*.c) against the Telegram fake (tests/fakes)
 * and the real local relay's simulated agents (docs/ask-protocol.md).
 * Each test starts its own fake; the relay is the TCase's.
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
    ck_assert_int_eq(chat_fake_start(&fake, "telegram", NULL), 0);
    client = it_client(IT_BOTH, NULL);
}

static void teardown(void)
{
    cmdop_client_free(client);
    ck_assert_int_eq(chat_fake_stop(&fake), 0);
}

/* A bot on the fake for machine alpha; allowed users 42 and the admin 7. */
static cmdop__bot *start_bot(const char *extra_json)
{
    json_t *args = json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:s, s:i}", "platform", "telegram",
                             "token", "123:fake-token", "machine_id", IT_M_ALPHA,
                             "allowed_users", "42", "admin_users", "7", "api_base_url", fake.url,
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
    return b;
}

START_TEST(ask_streams_an_edited_answer)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 120}", NULL);
    cmdop__bot *b = start_bot(NULL);
    const char *answer = "one two three four five six seven eight nine ten eleven twelve";
    char prompt[256];
    snprintf(prompt, sizeof prompt, "echo: %s", answer);
    char *mid = chat_fake_say(&fake, "42", "42", prompt);
    ck_assert_ptr_nonnull(mid);
    free(mid);
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 1);
    json_t *m = chat_fake_bot_msg(chat, 0);
    ck_assert_str_eq(json_string_value(json_object_get(m, "text")), answer);
    /* streamed: sent early, then edited as deltas came, never faster than
     * edit_interval_ms (300 ms; the fake measures receipt times) */
    ck_assert_int_ge(json_integer_value(json_object_get(m, "edits")), 2);
    size_t i;
    json_t *gap;
    json_array_foreach(json_object_get(m, "edit_gaps_ms"), i, gap)
        ck_assert_int_ge(json_integer_value(gap), 270);
    ck_assert(ev.seen[CMDOP__BOT_EV_MESSAGE_RECEIVED]);
    ck_assert(ev.seen[CMDOP__BOT_EV_ASK_STARTED]);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_RUNNING);
    json_decref(chat);
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
    free(chat_fake_say(&fake, "99", "99", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "unknown_user");
    ck_assert_str_eq(ev.last->user_id, "99");
    json_t *chat = chat_fake_wait_chat(&fake, "99", conv_has_bot_msgs, (void *)1, 5000);
    ck_assert_ptr_nonnull(chat);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(chat_fake_bot_msg(chat, 0),
                                                                   "text")), "not allowed"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    /* nothing reached the machine */
    ck_assert(!conv_relay_saw_ask());
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

static void confirm_case(const char *button, const char *want_text, bool want_success)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 5}", NULL);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "42", "42", "rm -rf /tmp/scratch"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000));
    ck_assert(ev.last->offered);
    ck_assert_str_eq(ev.last->danger_level, "high");
    json_t *chat = chat_fake_wait_chat(&fake, "42", conv_has_buttons, NULL, 5000);
    ck_assert_ptr_nonnull(chat);
    json_t *m = chat_fake_bot_msg(chat, 0);
    const char *data = conv_button_data(m, button);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(chat_fake_click(&fake, "42", "42",
                                     json_string_value(json_object_get(m, "id")), data), 0);
    json_decref(chat);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(ev.last->success, want_success);
    chat = chat_fake_chat(&fake, "42");
    /* the confirm message lost its buttons; the answer is the last message */
    ck_assert_uint_eq(json_array_size(json_object_get(chat_fake_bot_msg(chat, 0), "buttons")), 0);
    size_t n = chat_fake_bot_count(chat);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(chat_fake_bot_msg(chat, n - 1),
                                                                   "text")), want_text));
    json_decref(chat);
    json_t *acks = chat_fake_calls(&fake, "answerCallbackQuery");
    ck_assert_uint_eq(json_array_size(acks), 1);
    json_decref(acks);
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
    free(chat_fake_say(&fake, "42", "42", "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_PIN_ASKED, &ev, 10000));
    ck_assert_ptr_nonnull(strstr(ev.last->label, "PIN for"));
    char *pin_id = chat_fake_say(&fake, "42", "42", "1234");
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(ev.last->success);
    json_t *chat = chat_fake_chat(&fake, "42");
    size_t i;
    json_t *m;
    bool deleted = false;
    json_array_foreach(chat, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        if (strcmp(id, pin_id) == 0)
            deleted = json_is_true(json_object_get(m, "deleted"));
    }
    ck_assert(deleted);
    json_decref(chat);
    /* the PIN is in no call the bot made and in no event */
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
    /* 600 words of 10 characters: 6000 characters, over Telegram's 4096 */
    size_t n = 600 * 10;
    char *answer = malloc(n + 1);
    for (size_t i = 0; i < 600; i++)
        memcpy(answer + 10 * i, i == 599 ? "word-0599." : "word-wxyz ", 10);
    answer[n] = '\0';
    char *prompt = malloc(n + 16);
    snprintf(prompt, n + 16, "echo: %s", answer);
    free(chat_fake_say(&fake, "42", "42", prompt));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 20000));
    ck_assert_uint_eq(ev.last->n_message_ids, 2);
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 2);
    const char *a = json_string_value(json_object_get(chat_fake_bot_msg(chat, 0), "text"));
    const char *c = json_string_value(json_object_get(chat_fake_bot_msg(chat, 1), "text"));
    ck_assert_uint_le(strlen(a), 4096);
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
                                    "{\"method\": \"sendMessage\", \"status\": 429, "
                                    "\"retry_after\": 1, \"count\": 1}", NULL), 200);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "42", "42", "echo: hello there"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *calls = chat_fake_calls(&fake, "sendMessage");
    ck_assert_uint_eq(json_array_size(calls), 2);
    json_t *first = json_array_get(calls, 0), *second = json_array_get(calls, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(first, "status")), 429);
    ck_assert_int_eq(json_integer_value(json_object_get(second, "status")), 200);
    double gap = json_number_value(json_object_get(second, "t")) -
                 json_number_value(json_object_get(first, "t"));
    ck_assert_msg(gap >= 0.95, "retried after %.3f s, retry_after was 1 s", gap);
    json_decref(calls);
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_str_eq(json_string_value(json_object_get(chat_fake_bot_msg(chat, 0), "text")),
                     "hello there");
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(dropped_poll_reconnects)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = start_bot(NULL);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    /* the poll in flight and the next one lose their connection */
    ck_assert_int_eq(chat_fake_call(&fake, "POST", "/_fake/drop", "{\"count\": 2}", NULL), 200);
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RECONNECTING, &ev, 10000));
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    ck_assert(conv_events_mention(&ev, "\"code\":\"connection\""));
    free(chat_fake_say(&fake, "42", "42", "echo: still here"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000));
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_str_eq(json_string_value(json_object_get(chat_fake_bot_msg(chat, 0), "text")),
                     "still here");
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(stop_drains_the_ask_in_flight)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 100}", NULL);
    cmdop__bot *b = start_bot(NULL);
    free(chat_fake_say(&fake, "42", "42", "echo: a b c d e f g h"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_ASK_STARTED, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    /* the answer was finished before stop returned */
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_str_eq(json_string_value(json_object_get(chat_fake_bot_msg(chat, 0), "text")),
                     "a b c d e f g h");
    json_decref(chat);
    /* then the events run out */
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 2000));
    cmdop__bot_event *e = NULL;
    int rc;
    while ((rc = cmdop__bot_next_timed(b, &e, 2000)) == 0 || rc == CMDOP__BOT_STATE_CHANGED)
        cmdop__bot_event_free(e);
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    /* a message after stop is not taken */
    free(chat_fake_say(&fake, "42", "42", "echo: too late"));
    json_t *st = NULL;
    chat_fake_call(&fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "pending_updates")), 1);
    json_decref(st);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(pending_updates_are_processed_unless_dropped)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0, \"streams\": 2}", NULL);
    free(chat_fake_say(&fake, "42", "42", "echo: waited"));
    cmdop__bot *b = start_bot(NULL);
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);

    free(chat_fake_say(&fake, "42", "42", "echo: old news"));
    b = start_bot("{\"drop_pending\": true}");
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    free(chat_fake_say(&fake, "42", "42", "echo: fresh"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 2);
    ck_assert_str_eq(json_string_value(json_object_get(chat_fake_bot_msg(chat, 1), "text")),
                     "fresh");
    json_decref(chat);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(permission_levels_and_admin_commands)
{
    /* read: the confirm is rejected and the user told why */
    cmdop__bot *b = start_bot("{\"permission\": \"read\"}");
    free(chat_fake_say(&fake, "42", "42", "rm -rf /tmp/scratch"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000));
    ck_assert(!ev.last->offered);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(!ev.last->success);
    json_t *chat = chat_fake_chat(&fake, "42");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(chat_fake_bot_msg(chat, 0),
                                                                   "text")), "read permission"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);

    /* admin: /status for the admin user, refused for the others */
    b = start_bot("{\"permission\": \"admin\"}");
    free(chat_fake_say(&fake, "7", "7", "/status"));
    free(chat_fake_say(&fake, "42", "42", "/reset"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "not_admin");
    chat = chat_fake_wait_chat(&fake, "7", conv_has_bot_msgs, (void *)1, 5000);
    ck_assert_ptr_nonnull(chat);
    const char *st = json_string_value(json_object_get(chat_fake_bot_msg(chat, 0), "text"));
    ck_assert_ptr_nonnull(strstr(st, IT_M_ALPHA));
    ck_assert_ptr_nonnull(strstr(st, "running"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);

    /* none: everything is refused */
    b = start_bot("{\"permission\": \"none\"}");
    free(chat_fake_say(&fake, "42", "42", "uptime"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "permission");
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);
    conv_events_clear(&ev);
}
END_TEST

START_TEST(bad_token_fails_the_bot)
{
    cmdop__bot *b = start_bot("{\"token\": \"123:wrong\"}");
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_FAILED, &ev, 10000));
    ck_assert_msg(ev.seen[CMDOP__BOT_EV_ERROR] || conv_wait_event(b, CMDOP__BOT_EV_ERROR, &ev, 5000),
                  "events: %s", ev.all ? ev.all : "(none)");
    ck_assert(conv_events_mention(&ev, "\"code\":\"auth\""));
    /* the token is in no event */
    ck_assert(!conv_events_mention(&ev, "123:wrong"));
    cmdop__bot_event *e = NULL;
    int rc;
    while ((rc = cmdop__bot_next_timed(b, &e, 2000)) == 0 || rc == CMDOP__BOT_STATE_CHANGED)
        cmdop__bot_event_free(e);
    ck_assert_int_eq(rc, CMDOP_EAUTH);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), CMDOP_EAUTH);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(open_validates_before_any_network)
{
    json_t *args = json_pack("{s:s, s:s}", "platform", "telegram", "machine_id", IT_M_ALPHA);
    cmdop__bot *b = NULL;
    ck_assert_int_eq(cmdop__bot_open(client, args, &b), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "token");
    ck_assert_ptr_null(b);
    json_object_set_new(args, "platform", json_string("irc"));
    ck_assert_int_eq(cmdop__bot_open(client, args, &b), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "platform");
    json_decref(args);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("botrun_telegram");
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
    tcase_add_test(tc, dropped_poll_reconnects);
    tcase_add_test(tc, stop_drains_the_ask_in_flight);
    tcase_add_test(tc, pending_updates_are_processed_unless_dropped);
    tcase_add_test(tc, permission_levels_and_admin_commands);
    tcase_add_test(tc, bad_token_fails_the_bot);
    tcase_add_test(tc, open_validates_before_any_network);
    suite_add_tcase(s, tc);
    return it_run(s);
}
