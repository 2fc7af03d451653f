/* bot_conv.c — see bot_conv.h. */
#include "bot_conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_fake.h"
#include "cmdop/error.h"
#include "it_client.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note(conv_events *ev, const cmdop__bot_event *e)
{
    /* what an event says, not its ids (a Slack ts or a session id could
     * contain any digits) */
    static const char *const keep[] = {"type", "text", "prompt", "reason", "plan", "label",
                                       "code", "message"};
    json_t *j = cmdop__bot_event_to_json(e);
    json_t *k = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (json_object_get(j, keep[i]))
            json_object_set(k, keep[i], json_object_get(j, keep[i]));
    char *line = json_dumps(k, JSON_COMPACT);
    json_decref(k);
    json_decref(j);
    size_t old = ev->all ? strlen(ev->all) : 0;
    char *g = realloc(ev->all, old + strlen(line) + 2);
    if (g) {
        strcpy(g + old, line);
        strcat(g + old, "\n");
        ev->all = g;
    }
    free(line);
    ev->seen[e->kind] = true;
}

/* One step: an event of `kind` returns true (kept), a status change is noted. */
static bool step(cmdop__bot *b, int kind, int status, conv_events *ev, long end)
{
    for (;;) {
        if (status && cmdop__bot_status(b) == status) {
            ev->statuses_seen[status] = true;
            return true;
        }
        long left = end - now_ms();
        if (left <= 0)
            return false;
        cmdop__bot_event *e = NULL;
        int rc = cmdop__bot_next_timed(b, &e, left);
        if (rc == CMDOP__BOT_STATE_CHANGED) {
            ev->statuses_seen[cmdop__bot_status(b)] = true;
            continue;
        }
        if (rc != 0)
            return status && cmdop__bot_status(b) == status;
        note(ev, e);
        if (kind && (int)e->kind == kind) {
            cmdop__bot_event_free(ev->last);
            ev->last = e;
            return true;
        }
        cmdop__bot_event_free(e);
    }
}

bool conv_wait_event(cmdop__bot *b, int kind, conv_events *ev, long timeout_ms)
{
    return step(b, kind, 0, ev, now_ms() + timeout_ms);
}

bool conv_wait_status(cmdop__bot *b, int status, conv_events *ev, long timeout_ms)
{
    return step(b, 0, status, ev, now_ms() + timeout_ms);
}

void conv_events_clear(conv_events *ev)
{
    cmdop__bot_event_free(ev->last);
    free(ev->all);
    memset(ev, 0, sizeof *ev);
}

bool conv_events_mention(const conv_events *ev, const char *s)
{
    return ev->all && strstr(ev->all, s);
}

int conv_has_bot_msgs(json_t *chat, void *arg)
{
    return chat_fake_bot_count(chat) >= (size_t)arg;
}

int conv_has_buttons(json_t *chat, void *arg)
{
    (void)arg;
    for (size_t i = 0; chat_fake_bot_msg(chat, i); i++)
        if (json_array_size(json_object_get(chat_fake_bot_msg(chat, i), "buttons")) > 0)
            return 1;
    return 0;
}

const char *conv_button_data(json_t *msg, const char *label)
{
    size_t i;
    json_t *btn;
    json_array_foreach(json_object_get(msg, "buttons"), i, btn)
    {
        const char *t = json_string_value(json_object_get(btn, "text"));
        if (t && strcmp(t, label) == 0)
            return json_string_value(json_object_get(btn, "data"));
    }
    return NULL;
}

/* The texts a call carried: Telegram's and Slack's text (and Slack's
 * blocks), Discord's content. */
static bool text_has(json_t *params, const char *s)
{
    static const char *const keys[] = {"text", "content", "blocks"};
    json_t *body = json_object_get(params, "body");
    for (size_t k = 0; k < 3; k++) {
        json_t *vals[2] = {json_object_get(params, keys[k]), json_object_get(body, keys[k])};
        for (size_t v = 0; v < 2; v++) {
            if (!vals[v])
                continue;
            char *dump = json_dumps(vals[v], JSON_ENCODE_ANY);
            bool hit = dump && strstr(dump, s);
            free(dump);
            if (hit)
                return true;
        }
    }
    return false;
}

bool conv_calls_mention(json_t *calls, const char *s)
{
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
        if (text_has(json_object_get(c, "params"), s))
            return true;
    return false;
}

bool conv_relay_saw_ask(void)
{
    json_t *reqs = it_requests();
    size_t i;
    json_t *r;
    bool saw = false;
    json_array_foreach(reqs, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        if (path && strstr(path, "/ask"))
            saw = true;
    }
    json_decref(reqs);
    return saw;
}

/* ---- the shared conversations (bot_conv.h) ---- */

conv_ctx conv;

static void conv_setup(void)
{
    ck_assert_int_eq(chat_fake_start(&conv.fake, conv.p->fake, conv.p->fake_args), 0);
    conv.client = it_client(IT_BOTH, NULL);
}

static void conv_teardown(void)
{
    cmdop_client_free(conv.client);
    ck_assert_int_eq(chat_fake_stop(&conv.fake), 0);
}

/* The bot's args: machine alpha on the fake, the platform's, then extra. */
static cmdop__bot *open_bot(const char *extra_json)
{
    json_t *args = json_pack("{s:s, s:s, s:i}", "machine_id", IT_M_ALPHA, "api_base_url",
                             conv.fake.url, "edit_interval_ms", 300);
    const char *layers[2] = {conv.p->bot_json, extra_json};
    for (size_t i = 0; i < 2; i++) {
        if (!layers[i])
            continue;
        json_t *more = json_loads(layers[i], 0, NULL);
        ck_assert_ptr_nonnull(more);
        json_object_update(args, more);
        json_decref(more);
    }
    cmdop__bot *b = NULL;
    int rc = cmdop__bot_open(conv.client, args, &b);
    json_decref(args);
    ck_assert_msg(rc == 0, "open: %d %s", rc, rc ? cmdop_error_last()->message : "");
    return b;
}

cmdop__bot *conv_start_bot(const char *extra_json)
{
    cmdop__bot *b = open_bot(extra_json);
    if (conv.p->open_waits_running) {
        conv_events ev = {0};
        ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
        conv_events_clear(&ev);
    }
    return b;
}

void conv_stop_bot(cmdop__bot *b, conv_events *ev)
{
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    conv_events_clear(ev);
    cmdop__bot_free(b);
}

const char *conv_bot_text(json_t *chat, size_t i)
{
    return json_string_value(json_object_get(chat_fake_bot_msg(chat, i), "text"));
}

void conv_echo(cmdop__bot *b, conv_events *ev, const char *text)
{
    size_t n = strlen(text) + 8;
    char *prompt = malloc(n);
    snprintf(prompt, n, "echo: %s", text);
    free(chat_fake_say(&conv.fake, conv.p->user, conv.p->chat, prompt));
    free(prompt);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, ev, 15000));
    json_t *chat = chat_fake_chat(&conv.fake, conv.p->chat);
    ck_assert_str_eq(conv_bot_text(chat, 0), text);
    json_decref(chat);
}

cmdop__bot *conv_bot_told(int delay_ms, const char *extra_json, const char *text, int kind,
                          conv_events *ev, long timeout_ms)
{
    if (delay_ms >= 0) {
        char body[64];
        snprintf(body, sizeof body, "{\"delay_ms\": %d}", delay_ms);
        relay_proc_control(&it_relay, "POST", "/ask", body, NULL);
    }
    cmdop__bot *b = conv_start_bot(extra_json);
    char *id = chat_fake_say(&conv.fake, conv.p->user, conv.p->chat, text);
    ck_assert_ptr_nonnull(id);
    free(id);
    ck_assert(conv_wait_event(b, kind, ev, timeout_ms));
    return b;
}

cmdop__bot *conv_bot_dropped(const char *drop_json)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    cmdop__bot *b = conv_start_bot(NULL);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_RUNNING, &ev, 10000));
    conv_events_clear(&ev);
    ck_assert_int_eq(chat_fake_call(&conv.fake, "POST", "/_fake/drop", drop_json, NULL), 200);
    return b;
}

json_t *conv_fake_state(void)
{
    json_t *st = NULL;
    chat_fake_call(&conv.fake, "GET", "/_fake/state", NULL, &st);
    ck_assert_ptr_nonnull(st);
    return st;
}

/* The rest of the events, until the engine's final code. */
static int drain(cmdop__bot *b)
{
    cmdop__bot_event *e = NULL;
    int rc;
    while ((rc = cmdop__bot_next_timed(b, &e, 2000)) == 0 || rc == CMDOP__BOT_STATE_CHANGED)
        cmdop__bot_event_free(e);
    return rc;
}

START_TEST(ask_streams_an_edited_answer)
{
    const conv_platform *p = conv.p;
    const char *answer = "one two three four five six seven eight nine ten eleven twelve";
    char prompt[256];
    snprintf(prompt, sizeof prompt, "echo: %s", answer);
    conv_events ev = {0};
    cmdop__bot *b = conv_bot_told(120, NULL, prompt, CMDOP__BOT_EV_REPLY_SENT, &ev, 15000);
    json_t *chat = chat_fake_chat(&conv.fake, p->chat);
    ck_assert_uint_eq(chat_fake_bot_count(chat), 1);
    json_t *m = chat_fake_bot_msg(chat, 0);
    ck_assert_str_eq(conv_bot_text(chat, 0), answer);
    /* streamed: sent early, then edited as deltas came, never faster than
     * edit_interval_ms (300 ms; the fake measures receipt times) */
    ck_assert_int_ge(json_integer_value(json_object_get(m, "edits")), 2);
    size_t i;
    json_t *gap;
    json_array_foreach(json_object_get(m, "edit_gaps_ms"), i, gap)
        ck_assert_int_ge(json_integer_value(gap), 270);
    json_decref(chat);
    ck_assert(ev.seen[CMDOP__BOT_EV_MESSAGE_RECEIVED]);
    ck_assert(ev.seen[CMDOP__BOT_EV_ASK_STARTED]);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_RUNNING);
    if (p->after_stream)
        p->after_stream(&conv, b, &ev);
    conv_stop_bot(b, &ev);
}
END_TEST

START_TEST(unknown_user_is_refused)
{
    const conv_platform *p = conv.p;
    cmdop__bot *b = conv_start_bot(NULL);
    it_clear_recording();
    free(chat_fake_say(&conv.fake, p->stranger, p->stranger_chat, "uptime"));
    conv_events ev = {0};
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REFUSED, &ev, 10000));
    ck_assert_str_eq(ev.last->reason, "unknown_user");
    ck_assert_str_eq(ev.last->user_id, p->stranger);
    json_t *chat = chat_fake_wait_chat(&conv.fake, p->stranger_chat, conv_has_bot_msgs, (void *)1,
                                       5000);
    ck_assert_ptr_nonnull(chat);
    ck_assert_ptr_nonnull(strstr(conv_bot_text(chat, 0), "not allowed"));
    json_decref(chat);
    conv_stop_bot(b, &ev);
    /* nothing reached the machine */
    ck_assert(!conv_relay_saw_ask());
}
END_TEST

static void confirm_case(const char *button, const char *want_text, bool want_success)
{
    const conv_platform *p = conv.p;
    conv_events ev = {0};
    cmdop__bot *b =
        conv_bot_told(5, NULL, "rm -rf /tmp/scratch", CMDOP__BOT_EV_CONFIRM_ASKED, &ev, 10000);
    ck_assert(ev.last->offered);
    ck_assert_str_eq(ev.last->danger_level, "high");
    json_t *chat = chat_fake_wait_chat(&conv.fake, p->chat, conv_has_buttons, NULL, 5000);
    ck_assert_ptr_nonnull(chat);
    json_t *m = chat_fake_bot_msg(chat, 0);
    const char *data = conv_button_data(m, button);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(chat_fake_click(&conv.fake, p->user, p->chat,
                                     json_string_value(json_object_get(m, "id")), data), 0);
    json_decref(chat);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert_int_eq(ev.last->success, want_success);
    chat = chat_fake_chat(&conv.fake, p->chat);
    /* the confirm message lost its buttons; the answer is the last message */
    ck_assert_uint_eq(json_array_size(json_object_get(chat_fake_bot_msg(chat, 0), "buttons")), 0);
    ck_assert_ptr_nonnull(strstr(conv_bot_text(chat, chat_fake_bot_count(chat) - 1), want_text));
    json_decref(chat);
    if (p->after_confirm)
        p->after_confirm(&conv, b, &ev);
    conv_stop_bot(b, &ev);
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
    const conv_platform *p = conv.p;
    conv_events ev = {0};
    cmdop__bot *b = conv_bot_told(5, "{\"machine_id\": \"" IT_M_CHARLIE "\"}", "uptime",
                                  CMDOP__BOT_EV_PIN_ASKED, &ev, 10000);
    ck_assert_ptr_nonnull(strstr(ev.last->label, "PIN for"));
    char *pin_id = chat_fake_say(&conv.fake, p->user, p->chat, "1234");
    ck_assert_ptr_nonnull(pin_id);
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 10000));
    ck_assert(ev.last->success);
    if (p->after_pin)
        p->after_pin(&conv, b, &ev, pin_id);
    /* the PIN is in no event */
    ck_assert(!conv_events_mention(&ev, "1234"));
    conv_stop_bot(b, &ev);
    free(pin_id);
}
END_TEST

void conv_pin_deleted(conv_ctx *c, cmdop__bot *b, conv_events *ev, const char *pin_id)
{
    (void)b;
    (void)ev;
    json_t *chat = chat_fake_chat(&c->fake, c->p->chat);
    size_t i;
    json_t *m;
    bool deleted = false;
    json_array_foreach(chat, i, m)
        if (strcmp(json_string_value(json_object_get(m, "id")), pin_id) == 0)
            deleted = json_is_true(json_object_get(m, "deleted"));
    ck_assert(deleted);
    json_decref(chat);
    /* the PIN is in no call the bot made */
    json_t *calls = chat_fake_calls(&c->fake, NULL);
    ck_assert(!conv_calls_mention(calls, "1234"));
    json_decref(calls);
}

START_TEST(long_answer_is_split)
{
    const conv_platform *p = conv.p;
    /* words of 10 characters, over what one message keeps */
    size_t words = p->split_words, n = words * 10;
    char last[16];
    snprintf(last, sizeof last, "word-%04zu.", words - 1);
    char *answer = malloc(n + 1);
    for (size_t i = 0; i < words; i++)
        memcpy(answer + 10 * i, i == words - 1 ? last : "word-wxyz ", 10);
    answer[n] = '\0';
    ck_assert_uint_gt(n, p->split_max);
    char *prompt = malloc(n + 16);
    snprintf(prompt, n + 16, "echo: %s", answer);
    conv_events ev = {0};
    cmdop__bot *b = conv_bot_told(0, NULL, prompt, CMDOP__BOT_EV_REPLY_SENT, &ev, 20000);
    ck_assert_uint_eq(ev.last->n_message_ids, 2);
    json_t *chat = chat_fake_chat(&conv.fake, p->chat);
    ck_assert_uint_eq(chat_fake_bot_count(chat), 2);
    const char *a = conv_bot_text(chat, 0), *c = conv_bot_text(chat, 1);
    ck_assert_uint_le(strlen(a), p->split_max);
    char *joined = malloc(strlen(a) + strlen(c) + 1);
    strcpy(joined, a);
    strcat(joined, c);
    ck_assert_str_eq(joined, answer);
    free(joined);
    json_decref(chat);
    conv_stop_bot(b, &ev);
    free(answer);
    free(prompt);
}
END_TEST

START_TEST(rate_limit_is_waited_out)
{
    const conv_platform *p = conv.p;
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0}", NULL);
    char body[256], query[128];
    snprintf(body, sizeof body,
             "{\"method\": \"%s\", \"status\": 429, \"retry_after\": 1, \"count\": 1}",
             p->send_method);
    ck_assert_int_eq(chat_fake_call(&conv.fake, "POST", "/_fake/fail", body, NULL), 200);
    /* the method as a query parameter: its spaces escaped */
    size_t q = 0;
    for (const char *s = p->send_method; *s && q + 4 < sizeof query; s++) {
        if (*s == ' ') {
            memcpy(query + q, "%20", 3);
            q += 3;
        } else {
            query[q++] = *s;
        }
    }
    query[q] = '\0';
    cmdop__bot *b = conv_start_bot(NULL);
    conv_events ev = {0};
    conv_echo(b, &ev, "hello there");
    json_t *calls = chat_fake_calls(&conv.fake, query);
    ck_assert_uint_eq(json_array_size(calls), 2);
    json_t *first = json_array_get(calls, 0), *second = json_array_get(calls, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(first, "status")), 429);
    ck_assert_int_eq(json_integer_value(json_object_get(second, "status")), 200);
    double gap = json_number_value(json_object_get(second, "t")) -
                 json_number_value(json_object_get(first, "t"));
    ck_assert_msg(gap >= 0.95, "retried after %.3f s, retry_after was 1 s", gap);
    json_decref(calls);
    conv_stop_bot(b, &ev);
}
END_TEST

START_TEST(stop_drains_the_ask_in_flight)
{
    const conv_platform *p = conv.p;
    conv_events ev = {0};
    cmdop__bot *b =
        conv_bot_told(100, NULL, "echo: a b c d e f g h", CMDOP__BOT_EV_ASK_STARTED, &ev, 10000);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), 0);
    ck_assert_int_eq(cmdop__bot_status(b), CMDOP_BOT_STATUS_STOPPED);
    /* the answer was finished before stop returned */
    json_t *chat = chat_fake_chat(&conv.fake, p->chat);
    ck_assert_str_eq(conv_bot_text(chat, 0), "a b c d e f g h");
    json_decref(chat);
    /* then the events run out */
    ck_assert(conv_wait_event(b, CMDOP__BOT_EV_REPLY_SENT, &ev, 2000));
    ck_assert_int_eq(drain(b), CMDOP_ITEROVER);
    if (p->after_drain)
        p->after_drain(&conv, b, &ev);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

START_TEST(bad_token_fails_the_bot)
{
    const conv_platform *p = conv.p;
    cmdop__bot *b = open_bot(p->bad_token_json);
    conv_events ev = {0};
    ck_assert(conv_wait_status(b, CMDOP_BOT_STATUS_FAILED, &ev, 10000));
    bool error_seen =
        ev.seen[CMDOP__BOT_EV_ERROR] || conv_wait_event(b, CMDOP__BOT_EV_ERROR, &ev, 5000);
    ck_assert_msg(error_seen, "events: %s", ev.all ? ev.all : "(none)");
    ck_assert(conv_events_mention(&ev, "\"code\":\"auth\""));
    /* the token is in no event */
    ck_assert(!conv_events_mention(&ev, p->bad_secret));
    ck_assert_int_eq(drain(b), CMDOP_EAUTH);
    ck_assert_int_eq(cmdop__bot_stop(b, NULL), CMDOP_EAUTH);
    conv_events_clear(&ev);
    cmdop__bot_free(b);
}
END_TEST

Suite *conv_suite(const conv_platform *p, TCase **tc_out)
{
    Suite *s = suite_create(p->suite);
    TCase *tc = tcase_create("conversations");
    it_add_relay_fixture(tc);
    conv.p = p;
    tcase_add_checked_fixture(tc, conv_setup, conv_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ask_streams_an_edited_answer);
    tcase_add_test(tc, unknown_user_is_refused);
    tcase_add_test(tc, confirm_accepted_by_button);
    tcase_add_test(tc, confirm_rejected_by_button);
    tcase_add_test(tc, pin_by_reply_never_echoed);
    tcase_add_test(tc, long_answer_is_split);
    tcase_add_test(tc, rate_limit_is_waited_out);
    tcase_add_test(tc, stop_drains_the_ask_in_flight);
    tcase_add_test(tc, bad_token_fails_the_bot);
    suite_add_tcase(s, tc);
    *tc_out = tc;
    return s;
}
