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

/* one IDENTIFY, and the bot never overran a rate-limit bucket */
static void one_session_within_buckets(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    json_t *st = conv_fake_state();
    ck_assert_int_eq(json_integer_value(json_object_get(st, "identifies")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "bucket_violations")), 0);
    json_decref(st);
}

/* the gateway was closed by stop */
static void gateway_closed(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    json_t *st = conv_fake_state();
    ck_assert(json_is_false(json_object_get(st, "connected")));
    json_decref(st);
}

/* Bots for machine alpha; allowed user U42 (channel C42), admin U7. */
static const conv_platform discord = {
    .suite = "botrun_discord", .fake = "discord",
    .fake_args = (const char *const[]){"--token", "discord-fake", NULL},
    .bot_json = "{\"platform\": \"discord\", \"token\": \"discord-fake\", "
                "\"allowed_users\": [\"U42\"], \"admin_users\": [\"U7\"]}",
    .open_waits_running = true,
    .user = "U42", .chat = "C42", .stranger = "U99", .stranger_chat = "C99",
    .send_method = "POST channels/:id/messages",
    .split_words = 300, .split_max = 2000, /* 3000 characters, over Discord's 2000 */
    .bad_token_json = "{\"token\": \"discord-wrong\"}", .bad_secret = "discord-wrong",
    .after_stream = one_session_within_buckets, .after_pin = conv_pin_deleted,
    .after_drain = gateway_closed,
};

/* The fake's state once `ok` holds, waiting up to `tries` changes of the
 * fake (100 ms each at the most); the last state when it never does. */
static json_t *state_when(bool (*ok)(json_t *st), int tries)
{
    json_t *st = NULL;
    for (int i = 0; i < tries; i++) {
        json_decref(st);
        chat_fake_call(&conv.fake, "GET", "/_fake/wait?timeout_ms=100", NULL, NULL);
        st = conv_fake_state();
        if (ok(st))
            break;
    }
    return st;
}

static bool identified_again(json_t *st)
{
    return json_integer_value(json_object_get(st, "identifies")) == 2 &&
           json_is_true(json_object_get(st, "connected"));
}

static bool beat_thrice(json_t *st)
{
    return json_integer_value(json_object_get(st, "heartbeats")) >= 3;
}

static void drop_case(const char *mode, bool resumed)
{
    char body[64];
    snprintf(body, sizeof body, "{\"mode\": \"%s\"}", mode);
    cmdop__bot *b = conv_bot_dropped(body);
    conv_events ev = {0};
    if (!resumed) {
        /* a new session: what was sent in the gap is gone (as on Discord),
         * so speak once the bot identified again */
        json_decref(state_when(identified_again, 100));
    }
    /* in a resumed session, a message sent while the bot is away is
     * replayed */
    conv_echo(b, &ev, "still here");
    /* a lost connection is reported; RECONNECT and INVALID_SESSION are
     * routine */
    ck_assert_int_eq(conv_events_mention(&ev, "\"code\":\"connection\""),
                     strcmp(mode, "abort") == 0);
    json_t *st = conv_fake_state();
    ck_assert_int_eq(json_integer_value(json_object_get(st, "resumes")), resumed ? 1 : 0);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "identifies")), resumed ? 1 : 2);
    json_decref(st);
    conv_stop_bot(b, &ev);
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
    ck_assert_int_eq(
        chat_fake_call(&conv.fake, "POST", "/_fake/drop", "{\"heartbeat_ms\": 200}", NULL), 200);
    cmdop__bot *b = conv_start_bot(NULL);
    json_t *st = state_when(beat_thrice, 50);
    ck_assert_int_ge(json_integer_value(json_object_get(st, "heartbeats")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "connections")), 1);
    json_decref(st);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = conv_suite(&discord, &tc);
    tcase_add_test(tc, gateway_drop_resumes);
    tcase_add_test(tc, gateway_reconnect_request_resumes);
    tcase_add_test(tc, invalid_session_identifies_again);
    tcase_add_test(tc, missed_heartbeat_acks_reconnect);
    return it_run(s);
}
