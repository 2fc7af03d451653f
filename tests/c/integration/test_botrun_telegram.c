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

/* after stop, a message is not taken: it waits in the fake */
static void too_late_is_pending(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    free(chat_fake_say(&c->fake, "42", "42", "echo: too late"));
    json_t *st = conv_fake_state();
    ck_assert_int_eq(json_integer_value(json_object_get(st, "pending_updates")), 1);
    json_decref(st);
}

/* the button click was acknowledged */
static void callback_answered(conv_ctx *c, cmdop__bot *b, conv_events *ev)
{
    json_t *acks = chat_fake_calls(&c->fake, "answerCallbackQuery");
    ck_assert_uint_eq(json_array_size(acks), 1);
    json_decref(acks);
}

/* Bots on the fake for machine alpha; allowed users 42 and the admin 7,
 * each in their own private chat. */
static const conv_platform telegram = {
    .suite = "botrun_telegram", .fake = "telegram",
    .bot_json = "{\"platform\": \"telegram\", \"token\": \"123:fake-token\", "
                "\"allowed_users\": [\"42\"], \"admin_users\": [\"7\"]}",
    .open_waits_running = false,
    .user = "42", .chat = "42", .stranger = "99", .stranger_chat = "99",
    .send_method = "sendMessage",
    .split_words = 600, .split_max = 4096, /* 6000 characters, over Telegram's 4096 */
    .bad_token_json = "{\"token\": \"123:wrong\"}", .bad_secret = "123:wrong",
    .after_confirm = callback_answered, .after_pin = conv_pin_deleted,
    .after_drain = too_late_is_pending,
};

START_TEST(dropped_poll_reconnects)
{
    /* the poll in flight and the next one lose their connection; the poll
     * after them is held until released, so the bot stays RECONNECTING while
     * the test looks (status changes are not queued: a test thread late to
     * look would otherwise find it RUNNING again) */
    cmdop__bot *b = conv_bot_dropped("{\"count\": 2, \"hold\": true}");
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RECONNECTING, &ev, 10000));
    ck_assert_int_eq(chat_fake_call(&conv.fake, "POST", "/_fake/release", "{}", NULL), 200);
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    ck_assert(conv_events_mention(&ev, "\"code\":\"connection\""));
    conv_echo(b, &ev, "still here");
    conv_stop_bot(b, &ev);
}
END_TEST

START_TEST(pending_updates_are_processed_unless_dropped)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0, \"streams\": 2}", NULL);
    free(chat_fake_say(&conv.fake, "42", "42", "echo: waited"));
    cmdop__bot *b = conv_start_bot(NULL);
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    conv_events_clear(&ev);
    cmdop__bot_free(b);

    free(chat_fake_say(&conv.fake, "42", "42", "echo: old news"));
    b = conv_start_bot("{\"drop_pending\": true}");
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    free(chat_fake_say(&conv.fake, "42", "42", "echo: fresh"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    json_t *chat = chat_fake_chat(&conv.fake, "42");
    ck_assert_uint_eq(chat_fake_bot_count(chat), 2);
    ck_assert_str_eq(conv_bot_text(chat, 1), "fresh");
    json_decref(chat);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(permission_levels_and_admin_commands)
{
    /* read: the confirm is rejected and the user told why */
    conv_events ev = {0};
    cmdop__bot *b = conv_bot_told(-1, "{\"permission\": \"read\"}", "rm -rf /tmp/scratch",
                                  CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000);
    ck_assert(!ev.last->offered);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(!ev.last->success);
    json_t *chat = chat_fake_chat(&conv.fake, "42");
    ck_assert_ptr_nonnull(strstr(conv_bot_text(chat, 0), "read permission"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);

    /* admin: /status for the admin user, refused for the others */
    b = conv_start_bot("{\"permission\": \"admin\"}");
    free(chat_fake_say(&conv.fake, "7", "7", "/status"));
    free(chat_fake_say(&conv.fake, "42", "42", "/reset"));
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "not_admin");
    chat = chat_fake_wait_chat(&conv.fake, "7", conv_has_bot_msgs, (void *)1, 5000);
    ck_assert_ptr_nonnull(chat);
    const char *st = conv_bot_text(chat, 0);
    ck_assert_ptr_nonnull(strstr(st, IT_M_ALPHA));
    ck_assert_ptr_nonnull(strstr(st, "running"));
    json_decref(chat);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);

    /* none: everything is refused */
    b = conv_bot_told(-1, "{\"permission\": \"none\"}", "uptime", CMDOP__BOT_EV_REFUSED, &ev,
                      10000);
    ck_assert_str_eq(ev.last->reason, "permission");
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    cmdop__bot_free(b);
    conv_events_clear(&ev);
}
END_TEST

START_TEST(open_validates_before_any_network)
{
    json_t *args = json_pack("{s:s, s:s}", "platform", "telegram", "machine_id", IT_M_ALPHA);
    cmdop__bot *b = NULL;
    ck_assert_int_eq(cmdop__bot_open(conv.client, args, &b), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "token");
    ck_assert_ptr_null(b);
    json_object_set_new(args, "platform", json_string("irc"));
    ck_assert_int_eq(cmdop__bot_open(conv.client, args, &b), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "platform");
    json_decref(args);
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = conv_suite(&telegram, &tc);
    tcase_add_test(tc, dropped_poll_reconnects);
    tcase_add_test(tc, pending_updates_are_processed_unless_dropped);
    tcase_add_test(tc, permission_levels_and_admin_commands);
    tcase_add_test(tc, open_validates_before_any_network);
    return it_run(s);
}
