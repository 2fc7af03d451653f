/*
 * test_botrun_public.c — bots.run through the public, generated C API
 * (cmdop_bots_run, cmdop_running_bot_*; cmdop/streams.h): two bots, on
 * Telegram and Slack fakes (tests/fakes), in one client at once, each
 * answering its chat through the real local relay; validation before any
 * network.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_fake.h"
#include "cmdop.h"
#include "it_client.h"

static chat_fake tg, sl;
static cmdop_client *client;

static void setup(void)
{
    const char *slack_args[] = {"--token", "xoxb-fake", "--app-token", "xapp-fake", NULL};
    ck_assert_int_eq(chat_fake_start(&tg, "telegram", NULL), 0);
    ck_assert_int_eq(chat_fake_start(&sl, "slack", slack_args), 0);
    client = it_client(IT_BOTH, NULL);
}

static void teardown(void)
{
    cmdop_client_free(client);
    ck_assert_int_eq(chat_fake_stop(&tg), 0);
    ck_assert_int_eq(chat_fake_stop(&sl), 0);
}

/* Read events until one of `kind`; returns it (NEW) or NULL. */
static cmdop_bot_event *wait_kind(cmdop_running_bot *h, cmdop_bot_event_kind kind)
{
    for (int i = 0; i < 100; i++) {
        cmdop_bot_event *ev = NULL;
        int rc = cmdop_running_bot_next_event(h, &ev);
        if (rc != 0)
            return NULL;
        if (ev->kind == kind)
            return ev;
        cmdop_bot_event_free(ev);
    }
    return NULL;
}

static int running(cmdop_running_bot *h)
{
    for (int i = 0; i < 200 && cmdop_running_bot_status(h) != CMDOP_BOT_STATUS_RUNNING; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return cmdop_running_bot_status(h) == CMDOP_BOT_STATUS_RUNNING;
}

static int has_answer(json_t *chat, void *arg)
{
    json_t *m = chat_fake_bot_msg(chat, 0);
    const char *t = json_string_value(json_object_get(m, "text"));
    return t && strcmp(t, (const char *)arg) == 0;
}

START_TEST(two_bots_in_one_client)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0, \"streams\": 2}", NULL);
    const char *tg_users[] = {"42"}, *sl_users[] = {"U42"};

    cmdop_bots_run_params p1 = CMDOP_BOTS_RUN_PARAMS_INIT;
    p1.platform = CMDOP_BOT_PLATFORM_TELEGRAM;
    p1.token = "123:fake-token";
    p1.machine_id = IT_M_ALPHA;
    p1.allowed_users = tg_users;
    p1.allowed_users_count = 1;
    p1.has_allowed_users = true;
    p1.api_base_url = tg.url;
    cmdop_running_bot *a = NULL;
    ck_assert_int_eq(cmdop_bots_run(&a, client, &p1), 0);

    cmdop_bots_run_params p2 = CMDOP_BOTS_RUN_PARAMS_INIT;
    p2.platform = CMDOP_BOT_PLATFORM_SLACK;
    p2.bot_token = "xoxb-fake";
    p2.app_token = "xapp-fake";
    p2.machine_id = IT_M_BRAVO;
    p2.allowed_users = sl_users;
    p2.allowed_users_count = 1;
    p2.has_allowed_users = true;
    p2.api_base_url = sl.url;
    cmdop_running_bot *b = NULL;
    ck_assert_int_eq(cmdop_bots_run(&b, client, &p2), 0);
    ck_assert(running(a));
    ck_assert(running(b));

    free(chat_fake_say(&tg, "42", "42", "echo: from telegram"));
    free(chat_fake_say(&sl, "U42", "D42", "echo: from slack"));
    cmdop_bot_event *ev = wait_kind(a, CMDOP_BOT_EVENT_REPLY_SENT);
    ck_assert_ptr_nonnull(ev);
    ck_assert(ev->reply_sent->success);
    ck_assert_str_eq(ev->reply_sent->chat_id, "42");
    cmdop_bot_event_free(ev);
    ev = wait_kind(b, CMDOP_BOT_EVENT_REPLY_SENT);
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(ev->reply_sent->chat_id, "D42");
    cmdop_bot_event_free(ev);
    json_t *chat = chat_fake_wait_chat(&tg, "42", has_answer, "from telegram", 5000);
    ck_assert_ptr_nonnull(chat);
    json_decref(chat);
    chat = chat_fake_wait_chat(&sl, "D42", has_answer, "from slack", 5000);
    ck_assert_ptr_nonnull(chat);
    json_decref(chat);

    ck_assert_int_eq(cmdop_running_bot_stop(a), 0);
    ck_assert_int_eq(cmdop_running_bot_status(a), CMDOP_BOT_STATUS_STOPPED);
    /* the other bot is unaffected */
    ck_assert_int_eq(cmdop_running_bot_status(b), CMDOP_BOT_STATUS_RUNNING);
    ck_assert_int_eq(cmdop_running_bot_stop(b), 0);
    cmdop_bot_event *e = NULL;
    int rc;
    while ((rc = cmdop_running_bot_next_event(a, &e)) == 0)
        cmdop_bot_event_free(e);
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    cmdop_running_bot_free(a);
    cmdop_running_bot_free(b);
}
END_TEST

START_TEST(missing_credentials_fail_before_the_network)
{
    cmdop_bots_run_params p = CMDOP_BOTS_RUN_PARAMS_INIT;
    p.platform = CMDOP_BOT_PLATFORM_SLACK;
    p.bot_token = "xoxb-fake";
    p.machine_id = IT_M_ALPHA;
    p.api_base_url = sl.url;
    cmdop_running_bot *h = NULL;
    ck_assert_int_eq(cmdop_bots_run(&h, client, &p), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "app_token");
    ck_assert_ptr_null(h);
    json_t *calls = chat_fake_calls(&sl, NULL);
    ck_assert_uint_eq(json_array_size(calls), 0);
    json_decref(calls);
}
END_TEST

START_TEST(cancel_without_drain)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 200}", NULL);
    const char *users[] = {"42"};
    cmdop_bots_run_params p = CMDOP_BOTS_RUN_PARAMS_INIT;
    p.platform = CMDOP_BOT_PLATFORM_TELEGRAM;
    p.token = "123:fake-token";
    p.machine_id = IT_M_ALPHA;
    p.allowed_users = users;
    p.allowed_users_count = 1;
    p.has_allowed_users = true;
    p.api_base_url = tg.url;
    cmdop_running_bot *h = NULL;
    ck_assert_int_eq(cmdop_bots_run(&h, client, &p), 0);
    free(chat_fake_say(&tg, "42", "42", "echo: a b c d e f g h i j k l m n o p"));
    cmdop_bot_event *ev = wait_kind(h, CMDOP_BOT_EVENT_ASK_STARTED);
    ck_assert_ptr_nonnull(ev);
    cmdop_bot_event_free(ev);
    /* cancel once the relay streams the answer */
    json_t *st = NULL;
    for (int i = 0; i < 50; i++) {
        json_decref(st);
        st = NULL;
        relay_proc_control(&it_relay, "GET", "/streams", NULL, &st);
        if (json_integer_value(json_object_get(st, "active")) >= 1)
            break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_ge(json_integer_value(json_object_get(st, "active")), 1);
    json_decref(st);
    st = NULL;
    cmdop_running_bot_cancel(h);
    cmdop_bot_event *e = NULL;
    int rc;
    while ((rc = cmdop_running_bot_next_event(h, &e)) == 0)
        cmdop_bot_event_free(e);
    ck_assert_int_eq(rc, CMDOP_ECANCELLED);
    cmdop_running_bot_free(h);
    /* the ask was cut: the relay saw its client go */
    for (int i = 0; i < 50; i++) {
        json_decref(st);
        st = NULL;
        relay_proc_control(&it_relay, "GET", "/streams", NULL, &st);
        if (json_integer_value(json_object_get(st, "cancelled")) >= 1)
            break;
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    char *dbg = json_dumps(st, 0);
    ck_assert_msg(json_integer_value(json_object_get(st, "cancelled")) >= 1, "streams: %s", dbg);
    free(dbg);
    json_decref(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("botrun_public");
    TCase *tc = tcase_create("public");
    it_add_relay_fixture(tc);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, two_bots_in_one_client);
    tcase_add_test(tc, missing_credentials_fail_before_the_network);
    tcase_add_test(tc, cancel_without_drain);
    suite_add_tcase(s, tc);
    return it_run(s);
}
