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

/* every envelope was acked */
static void envelopes_acked(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    json_t *st = conv_fake_state();
    ck_assert_uint_eq(json_array_size(json_object_get(st, "unacked")), 0);
    ck_assert_uint_ge(json_array_size(json_object_get(st, "acked")), 1);
    json_decref(st);
}

/* the bot tried to delete the PIN; a bot token cannot delete a user's
 * message on Slack, and the engine says so. No message it posted or
 * edited carries the PIN. */
static void pin_delete_tried(conv_ctx *c, cmdop__bot *b, conv_events *ev, const char *pin_id)
{
    json_t *dels = chat_fake_calls(&c->fake, "chat.delete");
    ck_assert_uint_eq(json_array_size(dels), 1);
    json_decref(dels);
    ck_assert(conv_events_mention(ev, "pin_not_deleted"));
    static const char *const sent[] = {"chat.postMessage", "chat.update"};
    for (size_t i = 0; i < 2; i++) {
        json_t *calls = chat_fake_calls(&c->fake, sent[i]);
        ck_assert(!conv_calls_mention(calls, "1234"));
        json_decref(calls);
    }
}

/* the socket was closed by stop */
static void sockets_closed(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    json_t *st = conv_fake_state();
    ck_assert_int_eq(json_integer_value(json_object_get(st, "open_sockets")), 0);
    json_decref(st);
}

/* Bots for machine alpha; allowed user U42 (DM D42), admin U7. */
static const conv_platform slack = {
    .suite = "botrun_slack", .fake = "slack",
    .fake_args = (const char *const[]){"--token", "xoxb-fake", "--app-token", "xapp-fake", NULL},
    .bot_json = "{\"platform\": \"slack\", \"bot_token\": \"xoxb-fake\", "
                "\"app_token\": \"xapp-fake\", \"allowed_users\": [\"U42\"], "
                "\"admin_users\": [\"U7\"]}",
    .open_waits_running = true,
    .user = "U42", .chat = "D42", .stranger = "U99", .stranger_chat = "D99",
    .send_method = "chat.postMessage",
    .split_words = 500, .split_max = 4000, /* 5000 characters, over the 4000 a message keeps */
    .bad_token_json = "{\"app_token\": \"xapp-wrong\"}", .bad_secret = "xapp-wrong",
    .after_stream = envelopes_acked, .after_pin = pin_delete_tried, .after_drain = sockets_closed,
};

static void drop_case(const char *mode)
{
    /* The fake holds the next apps.connections.open until released: a
     * reconnect takes milliseconds and status changes are not queued (next()
     * says one happened, status() says the latest), so without the hold a
     * test thread late to look would find the bot RUNNING again. */
    char body[80];
    snprintf(body, sizeof body, "{\"mode\": \"%s\", \"hold_open\": true}", mode);
    cmdop__bot *b = conv_bot_dropped(body);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RECONNECTING, &ev, 10000));
    ck_assert_int_eq(chat_fake_call(&conv.fake, "POST", "/_fake/release", "{}", NULL), 200);
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    conv_echo(b, &ev, "still here");
    /* a new Socket Mode URL for the new connection */
    json_t *opens = chat_fake_calls(&conv.fake, "apps.connections.open");
    ck_assert_uint_eq(json_array_size(opens), 2);
    json_decref(opens);
    conv_stop_bot(b, &ev);
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

int main(void)
{
    TCase *tc;
    Suite *s = conv_suite(&slack, &tc);
    tcase_add_test(tc, socket_drop_reconnects_with_a_new_url);
    tcase_add_test(tc, disconnect_refresh_reconnects);
    return it_run(s);
}
