/*
 * test_ask_stream.c — the ask stream driver (cmdop/ask.h) against a scripted
 * SSE server (fake_sse.h): frames in order and typed, terminal errors and
 * their codes, HTTP errors, validation before the network, resume with
 * Last-Event-ID (and when it is impossible), malformed frames, idle timeout
 * vs heartbeats, cancel, collect, the callback form and the side channels.
 * The real relay is exercised by tests/c/integration/test_ask.c.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop.h"
#include "fake_sse.h"

#define F(id, type, json) "id: " id "\nevent: " type "\ndata: " json "\n\n"
#define EV(id, word) F(id, "event", "{\"type\":\"event\",\"event_type\":1,\"payload\":{\"delta\":\"" word "\"}}")
#define DONE(id, text) F(id, "done", "{\"type\":\"done\",\"success\":true,\"text\":\"" text "\",\"error\":\"\",\"duration_ms\":12}")
#define ERR(id, code, msg) F(id, "error", "{\"type\":\"error\",\"code\":\"" code "\",\"message\":\"" msg "\"}")

#define M "m-1"
#define CMDOP_ASK_TEST_BIG 4001

/* ---- per-test scripts: the n-th ask POST gets g_scripts[n] ---- */
static const fs_script *g_scripts[8];
static const fs_script *g_confirm; /* the /confirm answer; NULL: k_answer */
static int g_ask_posts;
static const fs_script k_answer = {200, "application/json", NULL, "{\"accepted\":true}", false};
static const fs_script k_missing = {404, "application/json", NULL,
                                    "{\"code\":\"not_found\",\"message\":\"no such challenge\"}",
                                    false};

static const fs_script *pick_seq(const fs_req *q, void *payload)
{
    (void)payload;
    if (strstr(q->path, "/pin") || strstr(q->path, "/confirm")) {
        if (strstr(q->body, "\"bad\""))
            return &k_missing;
        return strstr(q->path, "/confirm") && g_confirm ? g_confirm : &k_answer;
    }
    int n = __atomic_fetch_add(&g_ask_posts, 1, __ATOMIC_SEQ_CST);
    return g_scripts[n < 8 && g_scripts[n] ? n : 0];
}

static fake_sse *g_srv;
static cmdop_client *g_client;

static cmdop_client *client_for(const char *url, const char *token)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.base_url = url;
    o.token = token;
    o.timeout_ms = 5000;
    cmdop_client *c = NULL;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    return c;
}

static void setup(void)
{
    memset(g_scripts, 0, sizeof g_scripts);
    g_confirm = NULL;
    g_ask_posts = 0;
    g_srv = fs_start(pick_seq, NULL);
    g_client = client_for(g_srv->url, "tok-1");
}

static void teardown(void)
{
    cmdop_client_free(g_client);
    fs_stop(g_srv);
}

static cmdop_ask_stream *open_ask(const char *prompt)
{
    cmdop_ask_stream *s = NULL;
    int rc = cmdop_machines_ask(&s, g_client, M, prompt, NULL);
    ck_assert_msg(rc == 0, "open: %d %s", rc, cmdop_error_last()->message);
    return s;
}

static const char *code_str(void)
{
    return cmdop_error_last() ? cmdop_error_last()->code_str : "";
}

/* ------------------------------------------------------------ frames */

static const fs_step k_all_steps[] = {
    {0, ": hello\n\n", 0},
    {0, EV("s1.1", "hel"), 0},
    {5, EV("s1.2", "lo"), 0},
    {0, F("s1.3", "confirm_required", "{\"type\":\"confirm_required\",\"token\":\"t-1\",\"plan\":\"run: rm x\",\"danger_level\":\"\"}"), 0},
    {0, F("s1.4", "pin_required", "{\"type\":\"pin_required\",\"challenge_id\":\"c-1\",\"label\":\"PIN for x\"}"), 0},
    {0, F("s1.5", "pin_denied", "{\"type\":\"pin_denied\",\"challenge_id\":\"c-1\",\"reason\":\"wrong\"}"), 0},
    {0, F("s1.6", "telemetry", "{\"type\":\"telemetry\",\"cpu\":3}"), 0},
    {0, DONE("s1.7", "hello"), 0},
    {0, NULL, 0}};
static const fs_script k_all = {0, NULL, k_all_steps, NULL, false};

START_TEST(every_frame_type_in_order)
{
    g_scripts[0] = &k_all;
    cmdop_ask_stream *s = open_ask("say hello");
    cmdop_ask_frame *f;
    static const cmdop_ask_frame_kind want[] = {
        CMDOP_ASK_FRAME_EVENT, CMDOP_ASK_FRAME_EVENT, CMDOP_ASK_FRAME_CONFIRM_REQUIRED,
        CMDOP_ASK_FRAME_PIN_REQUIRED, CMDOP_ASK_FRAME_PIN_DENIED, CMDOP_ASK_FRAME_UNKNOWN,
        CMDOP_ASK_FRAME_DONE};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
        ck_assert_int_eq(f->kind, want[i]);
        char id[16];
        snprintf(id, sizeof id, "s1.%zu", i + 1);
        ck_assert_str_eq(cmdop_ask_stream_last_event_id(s), id);
        switch (f->kind) {
        case CMDOP_ASK_FRAME_EVENT:
            ck_assert_int_eq(f->event->event_type, 1);
            ck_assert_str_eq(f->event->payload_json, i == 0 ? "{\"delta\":\"hel\"}"
                                                            : "{\"delta\":\"lo\"}");
            break;
        case CMDOP_ASK_FRAME_CONFIRM_REQUIRED:
            ck_assert_str_eq(f->confirm_required->token, "t-1");
            ck_assert_str_eq(f->confirm_required->plan, "run: rm x");
            ck_assert_str_eq(f->confirm_required->danger_level, "medium");
            break;
        case CMDOP_ASK_FRAME_PIN_REQUIRED:
            ck_assert_str_eq(f->pin_required->challenge_id, "c-1");
            ck_assert_str_eq(f->pin_required->label, "PIN for x");
            break;
        case CMDOP_ASK_FRAME_PIN_DENIED:
            ck_assert_str_eq(f->pin_denied->reason, "wrong");
            break;
        case CMDOP_ASK_FRAME_UNKNOWN:
            ck_assert_str_eq(f->type, "telemetry");
            break;
        case CMDOP_ASK_FRAME_DONE:
            ck_assert(f->done->success);
            ck_assert_str_eq(f->done->text, "hello");
            ck_assert_int_eq(f->done->duration_ms, 12);
            break;
        default:
            ck_abort_msg("unexpected kind %d", f->kind);
        }
        cmdop_ask_frame_free(f);
    }
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    ck_assert_ptr_null(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    /* the request: SSE accept, bearer, body with a generated 32-hex session */
    ck_assert_int_eq(fs_count(g_srv), 1);
    fs_req *q = &g_srv->reqs[0];
    ck_assert_str_eq(q->method, "POST");
    ck_assert_str_eq(q->path, "/api/admin/machines/" M "/ask");
    ck_assert_str_eq(q->accept, "text/event-stream");
    ck_assert_str_eq(q->cache_control, ""); /* never sent, as the official core */
    ck_assert_str_eq(q->auth, "Bearer tok-1");
    json_t *b = json_loads(q->body, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(b, "prompt")), "say hello");
    const char *sid = json_string_value(json_object_get(b, "session_id"));
    ck_assert_uint_eq(strlen(sid), 32);
    ck_assert_uint_eq(strspn(sid, "0123456789abcdef"), 32);
    ck_assert_str_eq(sid, cmdop_ask_stream_session_id(s));
    /* empty options are not sent (as the official 1.1.1 core does) */
    ck_assert_ptr_null(json_object_get(b, "options"));
    ck_assert_ptr_null(json_object_get(b, "pin"));
    json_decref(b);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(params_reach_the_body_and_sessions_differ)
{
    static const fs_step st[] = {{0, DONE("a.1", "x"), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, false};
    g_scripts[0] = g_scripts[1] = g_scripts[2] = &sc;
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.session_id = "sess-given";
    p.agent_type = "shell";
    p.timeout_seconds = 30;
    p.has_timeout_seconds = true;
    p.pin = "1234";
    cmdop_ask_stream *s = NULL;
    ck_assert_int_eq(cmdop_machines_ask(&s, g_client, M, "hi", &p), 0);
    ck_assert_str_eq(cmdop_ask_stream_session_id(s), "sess-given");
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    free(text);
    cmdop_ask_stream_free(s);
    json_t *b = json_loads(g_srv->reqs[0].body, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(b, "session_id")), "sess-given");
    ck_assert_str_eq(json_string_value(json_object_get(b, "agent_type")), "shell");
    ck_assert_int_eq(json_integer_value(json_object_get(b, "timeout_seconds")), 30);
    ck_assert_str_eq(json_string_value(json_object_get(b, "pin")), "1234");
    json_decref(b);
    /* two streams without a session id get two fresh ids */
    cmdop_ask_stream *a = open_ask("one"), *c = open_ask("two");
    ck_assert_str_ne(cmdop_ask_stream_session_id(a), cmdop_ask_stream_session_id(c));
    cmdop_ask_stream_free(a);
    cmdop_ask_stream_free(c);
}
END_TEST

/* ------------------------------------------------------------ endings */

typedef struct err_case {
    const char *frame;
    int code;
    const char *code_str;
    const char *message;
} err_case;

static const err_case k_errs[] = {
    {ERR("e.2", "machine_offline", "machine is offline"), CMDOP_EAGENT, "machine_offline",
     "machine is offline"},
    {ERR("e.2", "pin_denied", "wrong PIN"), CMDOP_EPINDENIED, "pin_denied", "wrong PIN"},
    {ERR("e.2", "pin_required_timeout", "no PIN"), CMDOP_EPINTIMEOUT, "pin_required_timeout",
     "no PIN"},
    {ERR("e.2", "timeout", "agent timed out"), CMDOP_EAGENT, "timeout", "agent timed out"},
    {ERR("e.2", "", "boom"), CMDOP_EAGENT, "internal", "boom"},
};

START_TEST(error_frames_end_with_their_code)
{
    const err_case *ec = &k_errs[_i];
    /* Static, not on the stack: the fake server's thread may still read the
     * script after this test returns, until teardown stops the server. */
    static fs_step st[3];
    static fs_script sc;
    st[0] = (fs_step){0, EV("e.1", "a"), 0};
    st[1] = (fs_step){0, ec->frame, 0};
    st[2] = (fs_step){0, NULL, 0};
    sc = (fs_script){0, NULL, st, NULL, false};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    cmdop_ask_frame_free(f);
    int rc = cmdop_ask_stream_next(s, &f);
    ck_assert_int_eq(rc, ec->code);
    ck_assert_ptr_null(f);
    ck_assert_str_eq(code_str(), ec->code_str);
    ck_assert_str_eq(cmdop_error_last()->message, ec->message);
    ck_assert_str_eq(cmdop_error_last()->request_id, "req-fake");
    /* the end is sticky */
    cmdop_error_clear();
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), ec->code);
    ck_assert_str_eq(code_str(), ec->code_str);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(http_errors_are_mapped)
{
    static const fs_script nf = {404, "application/json", NULL,
                                 "{\"code\":\"not_found\",\"message\":\"Machine m-1 not found\"}",
                                 false};
    static const fs_script val = {422, "application/json", NULL,
                                  "{\"code\":\"validation\",\"message\":\"prompt: too long\","
                                  "\"field\":\"prompt\"}", false};
    g_scripts[0] = _i == 0 ? &nf : &val;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    int rc = cmdop_ask_stream_next(s, &f);
    ck_assert_int_eq(rc, _i == 0 ? CMDOP_ENOTFOUND : CMDOP_EVALIDATION);
    ck_assert_int_eq(cmdop_error_last()->http_status, _i == 0 ? 404 : 422);
    ck_assert_str_eq(cmdop_error_last()->message,
                     _i == 0 ? "Machine m-1 not found" : "prompt: too long");
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(validation_before_the_network)
{
    cmdop_ask_stream *s = (cmdop_ask_stream *)&s;
    ck_assert_int_eq(cmdop_machines_ask(&s, g_client, M, NULL, NULL), CMDOP_EVALIDATION);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(cmdop_error_last()->field, "prompt");
    ck_assert_int_eq(cmdop_machines_ask(&s, g_client, "", "x", NULL), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "machine_id");
    ck_assert_int_eq(cmdop_machines_ask(&s, g_client, NULL, "x", NULL), CMDOP_EVALIDATION);
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.version = 99;
    ck_assert_int_eq(cmdop_machines_ask(&s, g_client, M, "x", &p), CMDOP_EINVALID);
    ck_assert_int_eq(cmdop_machines_ask(NULL, g_client, M, "x", NULL), CMDOP_EINVALID);
    cmdop_client *anon = client_for(g_srv->url, NULL);
    ck_assert_int_eq(cmdop_machines_ask(&s, anon, M, "x", NULL), CMDOP_EAUTH);
    cmdop_client_free(anon);
    ck_assert_int_eq(fs_count(g_srv), 0);
}
END_TEST

/* ------------------------------------------------------------ resume */

static const fs_step k_first_steps[] = {
    {0, EV("r.1", "a"), 0}, {0, EV("r.2", "b"), 0}, {0, "id: r.3\nevent: event\ndata: {\"ty", 0},
    {0, NULL, 0}};
static const fs_script k_first = {0, NULL, k_first_steps, NULL, true};
/* the relay replays after r.2; a stray duplicate of r.2 must not reach the caller */
static const fs_step k_second_steps[] = {
    {0, EV("r.2", "b"), 0}, {0, EV("r.3", "c"), 0}, {0, DONE("r.4", ""), 0}, {0, NULL, 0}};
static const fs_script k_second = {0, NULL, k_second_steps, NULL, false};

START_TEST(drop_resumes_with_last_event_id)
{
    g_scripts[0] = &k_first;
    g_scripts[1] = &k_second;
    cmdop_ask_stream *s = open_ask("x");
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "abc"); /* each delta once: none lost, none doubled */
    free(text);
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 1);
    ck_assert_int_eq(fs_count(g_srv), 2);
    ck_assert_str_eq(g_srv->reqs[0].last_event_id, "");
    ck_assert_str_eq(g_srv->reqs[1].last_event_id, "r.2");
    ck_assert_str_eq(g_srv->reqs[1].body, g_srv->reqs[0].body); /* the same POST */
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(resume_unavailable_is_a_connection_error)
{
    static const fs_script gone = {409, "application/json", NULL,
                                   "{\"code\":\"resume_unavailable\",\"message\":\"unknown id\"}",
                                   false};
    g_scripts[0] = &k_first;
    g_scripts[1] = &gone;
    cmdop_ask_stream *s = open_ask("x");
    char *text = (char *)"sentinel";
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), CMDOP_ECONNECTION);
    ck_assert_ptr_null(text);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "resume_unavailable"));
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(drop_before_any_id_is_a_connection_error)
{
    static const fs_step st[] = {{0, ": ping\n\n", 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, true};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ECONNECTION);
    ck_assert_int_eq(fs_count(g_srv), 1); /* nothing to resume from */
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(resume_attempts_are_bounded)
{
    /* every connection drops right after a frame it already sent */
    static const fs_step st[] = {{0, EV("b.1", "a"), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, true};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ECONNECTION);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "gave up"));
    ck_assert_int_eq(fs_count(g_srv), 6); /* 1 + 5 resumes */
    cmdop_ask_stream_free(s);
}
END_TEST

/* ------------------------------------------------------------ malformed */

START_TEST(malformed_frame_is_internal)
{
    static const fs_step st[] = {
        {0, EV("m.1", "a"), 0}, {0, "id: m.2\nevent: done\ndata: {\"type\":\"done\",\"success\":\"yes\"}\n\n", 0},
        {0, DONE("m.3", "x"), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, false};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "success"));
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "m.2"));
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(not_json_and_overlong_line_are_internal)
{
    static char big[CMDOP_ASK_TEST_BIG];
    static fs_step st[] = {{0, "data: {not json\n\n", 0}, {0, NULL, 0}};
    static fs_script sc = {0, NULL, st, NULL, false};
    if (_i == 1) {
        /* one line beyond the 1 MiB bound, sent in pieces */
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        st[0].bytes = big;
        st[0].repeat = 300;
    }
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EINTERNAL);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(not_an_event_stream_is_internal)
{
    static const fs_script sc = {200, "application/json", NULL, "{\"ok\":true}", false};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "text/event-stream"));
    cmdop_ask_stream_free(s);
}
END_TEST

/* ------------------------------------------------------------ idle, cancel */

START_TEST(idle_timeout_ends_with_timeout)
{
    static const fs_step st[] = {{0, EV("i.1", "a"), 0}, {3000, DONE("i.2", ""), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, false};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    ck_assert_int_eq(cmdop_ask_stream_set_idle_timeout(s, 300), 0);
    ck_assert_int_eq(cmdop_ask_stream_set_idle_timeout(s, 0), CMDOP_EINVALID);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    cmdop_ask_frame_free(f);
    int64_t t0 = (int64_t)time(NULL);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ETIMEOUT);
    ck_assert_str_eq(code_str(), "timeout");
    ck_assert_int_le((int64_t)time(NULL) - t0, 2);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(heartbeats_keep_a_quiet_stream_alive)
{
    static const fs_step st[] = {
        {0, EV("h.1", "a"), 0}, {100, ": ping\n\n", 9}, {0, DONE("h.2", "ok"), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, st, NULL, false};
    g_scripts[0] = &sc;
    cmdop_ask_stream *s = open_ask("x");
    ck_assert_int_eq(cmdop_ask_stream_set_idle_timeout(s, 400), 0);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0); /* ~1 s quiet, never 400 ms idle */
    ck_assert_str_eq(text, "ok");
    free(text);
    cmdop_ask_stream_free(s);
}
END_TEST

static const fs_step k_long_steps[] = {
    {0, EV("c.1", "a"), 0}, {50, ": ping\n\n", 200}, {0, DONE("c.2", ""), 0}, {0, NULL, 0}};
static const fs_script k_long = {0, NULL, k_long_steps, NULL, false};

static void *cancel_later(void *arg)
{
    fs_sleep_ms(100);
    cmdop_ask_stream_cancel(arg);
    return NULL;
}

START_TEST(cancel_from_another_thread_closes_the_connection)
{
    g_scripts[0] = &k_long;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    cmdop_ask_frame_free(f);
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, s);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ECANCELLED); /* wakes the waiter */
    pthread_join(th, NULL);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ECANCELLED);
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 1), 1); /* the server saw the client go */
    cmdop_ask_stream_cancel(s); /* idempotent */
    cmdop_ask_stream_free(s);
}
END_TEST

static int stop_after_first(const cmdop_ask_frame *f, void *payload)
{
    (void)f;
    int *n = payload;
    return ++*n == 1 ? 7 : 0;
}

static int cancel_in_callback(const cmdop_ask_frame *f, void *payload)
{
    (void)f;
    cmdop_ask_stream_cancel(payload);
    return 0;
}

START_TEST(callback_form_stops_and_cancels)
{
    g_scripts[0] = &k_all;
    g_scripts[1] = &k_long;
    cmdop_ask_stream *s = open_ask("x");
    int n = 0;
    ck_assert_int_eq(cmdop_ask_stream_run(s, stop_after_first, &n), 7);
    ck_assert_int_eq(cmdop_ask_stream_run(s, stop_after_first, &n), 0); /* the rest, to done */
    ck_assert_int_eq(n, 7);
    cmdop_ask_stream_free(s);
    s = open_ask("y");
    ck_assert_int_eq(cmdop_ask_stream_run(s, cancel_in_callback, s), CMDOP_ECANCELLED);
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 1), 1);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(free_an_open_stream)
{
    g_scripts[0] = &k_long;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0); /* the response is streaming */
    cmdop_ask_frame_free(f);
    cmdop_ask_stream_free(s); /* cancels and waits for the loop to let go */
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 1), 1);
}
END_TEST

/* ------------------------------------------------------------ collect */

START_TEST(collect_prefers_done_text_else_deltas)
{
    static const fs_step with_text[] = {
        {0, EV("k.1", "a"), 0}, {0, F("k.2", "event", "{\"type\":\"event\",\"payload\":{\"text\":\"b\"}}"), 0},
        {0, F("k.3", "event", "{\"type\":\"event\",\"payload\":\"plain\"}"), 0},
        {0, DONE("k.4", "final"), 0}, {0, NULL, 0}};
    static const fs_step without[] = {
        {0, EV("k.1", "a"), 0}, {0, F("k.2", "event", "{\"type\":\"event\",\"payload\":{\"text\":\"b\"}}"), 0},
        {0, F("k.3", "event", "{\"type\":\"event\",\"payload\":\"plain\"}"), 0},
        {0, F("k.4", "done", "{\"type\":\"done\",\"success\":false,\"error\":\"rejected\"}"), 0},
        {0, NULL, 0}};
    static const fs_script a = {0, NULL, with_text, NULL, false};
    static const fs_script b = {0, NULL, without, NULL, false};
    g_scripts[0] = &a;
    g_scripts[1] = &b;
    char *text = NULL;
    cmdop_ask_stream *s = open_ask("x");
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "final");
    free(text);
    cmdop_ask_stream_free(s);
    s = open_ask("y");
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "ab");
    free(text);
    cmdop_ask_stream_free(s);
}
END_TEST

/* ------------------------------------------------------------ side channels */

START_TEST(pin_and_confirm_post_while_open)
{
    g_scripts[0] = &k_long;
    cmdop_ask_stream *s = open_ask("x");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0); /* the ask was recorded first */
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_EVENT);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_pin(s, "c-1", "1234"), 0);
    /* an HTTP error answer: the caller gets it, the stream stays as it was */
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "bad", true), CMDOP_ENOTFOUND);
    ck_assert_int_eq(cmdop_ask_stream_pin(s, NULL, "1"), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "challenge_id");
    ck_assert_int_eq(fs_count(g_srv), 3);
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 0), 0);
    ck_assert_str_eq(g_srv->reqs[1].path, "/api/admin/machines/" M "/pin");
    ck_assert_str_eq(g_srv->reqs[1].auth, "Bearer tok-1");
    json_t *b = json_loads(g_srv->reqs[1].body, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(b, "challenge_id")), "c-1");
    ck_assert_str_eq(json_string_value(json_object_get(b, "pin")), "1234");
    ck_assert_ptr_null(json_object_get(b, "machine_id")); /* a path param only */
    json_decref(b);
    /* a JSON answer to /confirm: the official core's "confirm rejected" */
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", false), 0);
    ck_assert_int_eq(fs_count(g_srv), 4);
    ck_assert_str_eq(g_srv->reqs[3].path, "/api/admin/machines/" M "/confirm");
    ck_assert_str_eq(g_srv->reqs[3].accept, "text/event-stream, application/json");
    b = json_loads(g_srv->reqs[3].body, 0, NULL);
    /* the hosted confirm body: {"accept", "confirm_token"} */
    ck_assert_str_eq(json_string_value(json_object_get(b, "confirm_token")), "t-1");
    ck_assert_ptr_null(json_object_get(b, "token"));
    ck_assert(json_is_false(json_object_get(b, "accept")));
    ck_assert_uint_eq(json_object_size(b), 2);
    json_decref(b);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), 0);
    ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
    ck_assert(!f->done->success);
    ck_assert_str_eq(f->done->text, "confirm rejected");
    ck_assert_int_eq(f->done->duration_ms, 0);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    /* and the ask connection was closed, as the official core does */
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 1), 1);
    cmdop_ask_stream_free(s);
}
END_TEST

/* The ask connection: a frame, confirm_required, one more frame (which
 * the continuation repeats), then only heartbeats until it is closed. */
#define CONFIRM_REQ(id) F(id, "confirm_required", "{\"type\":\"confirm_required\",\"token\":\"t-1\",\"plan\":\"run: rm x\",\"danger_level\":\"high\"}")
static const fs_step k_parked_steps[] = {
    {0, EV("c.1", "a"), 0}, {0, CONFIRM_REQ("c.2"), 0}, {20, EV("c.3", "b"), 0},
    {50, ": ping\n\n", 200}, {0, NULL, 0}};
static const fs_script k_parked = {0, NULL, k_parked_steps, NULL, false};

/* Frames in order with their ids; NULL-terminated. */
static void expect_ids(cmdop_ask_stream *s, const char *const *ids)
{
    for (; *ids; ids++) {
        cmdop_ask_frame *f = NULL;
        int rc = cmdop_ask_stream_next(s, &f);
        ck_assert_msg(rc == 0, "frame %s: rc %d %s", *ids, rc, cmdop_error_last()->message);
        ck_assert_str_eq(cmdop_ask_stream_last_event_id(s), *ids);
        cmdop_ask_frame_free(f);
    }
}

START_TEST(confirm_continues_on_its_answer)
{
    static const fs_step cont[] = {
        {0, EV("c.3", "b"), 0}, {10, EV("c.4", "c"), 0}, {0, DONE("c.5", "abc"), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, cont, NULL, false};
    g_scripts[0] = &k_parked;
    g_confirm = &sc;
    cmdop_ask_stream *s = open_ask("rm x");
    static const char *const before[] = {"c.1", "c.2", "c.3", NULL};
    expect_ids(s, before); /* c.3 came on the ask connection */
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", true), 0);
    /* the rest from the /confirm answer; its repeat of c.3 is dropped */
    static const char *const after[] = {"c.4", "c.5", NULL};
    expect_ids(s, after);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 1), 1); /* the ask connection */
    ck_assert_int_eq(fs_count(g_srv), 2);
    ck_assert_str_eq(g_srv->reqs[1].accept, "text/event-stream, application/json");
    json_t *b = json_loads(g_srv->reqs[1].body, 0, NULL);
    ck_assert(json_is_true(json_object_get(b, "accept")));
    json_decref(b);
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 0);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(continuation_drop_resumes_through_ask)
{
    static const fs_step cont[] = {{0, EV("c.3", "b"), 0}, {0, NULL, 0}};
    static const fs_script dropped = {0, NULL, cont, NULL, true};
    static const fs_step rest[] = {{0, EV("c.4", "c"), 0}, {0, DONE("c.5", ""), 0}, {0, NULL, 0}};
    static const fs_script resumed = {0, NULL, rest, NULL, false};
    g_scripts[0] = &k_parked;
    g_scripts[1] = &resumed;
    g_confirm = &dropped;
    cmdop_ask_stream *s = open_ask("rm x");
    static const char *const before[] = {"c.1", "c.2", NULL};
    expect_ids(s, before);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", true), 0);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "bc"); /* c.3 once (from either connection), c.4 */
    free(text);
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 1);
    ck_assert_int_eq(fs_count(g_srv), 3);
    /* the resume is the original ask POST with Last-Event-ID */
    ck_assert_str_eq(g_srv->reqs[2].path, "/api/admin/machines/" M "/ask");
    ck_assert_str_eq(g_srv->reqs[2].last_event_id, "c.3");
    ck_assert_str_eq(g_srv->reqs[2].body, g_srv->reqs[0].body);
    ck_assert_str_eq(g_srv->reqs[2].accept, "text/event-stream");
    cmdop_ask_stream_free(s);
}
END_TEST

/* The ask connection after confirm_required: c.3 100 ms later, then done. */
static const fs_step k_goes_on_steps[] = {
    {0, EV("c.1", "a"), 0}, {0, CONFIRM_REQ("c.2"), 0}, {100, EV("c.3", "ask-side"), 0},
    {0, DONE("c.4", ""), 0}, {0, NULL, 0}};
static const fs_script k_goes_on = {0, NULL, k_goes_on_steps, NULL, false};

/* The delta of the next frame (an event), or "" for another kind. */
static char *next_delta(cmdop_ask_stream *s, char *buf, size_t cap)
{
    cmdop_ask_frame *f = NULL;
    int rc = cmdop_ask_stream_next(s, &f);
    ck_assert_msg(rc == 0, "next: %d %s", rc, cmdop_error_last()->message);
    buf[0] = '\0';
    if (f->kind == CMDOP_ASK_FRAME_EVENT) {
        json_t *p = json_loads(f->event->payload_json, 0, NULL);
        snprintf(buf, cap, "%s", json_string_value(json_object_get(p, "delta")));
        json_decref(p);
    }
    cmdop_ask_frame_free(f);
    return buf;
}

START_TEST(frames_after_the_confirm_post_come_from_its_answer)
{
    static const fs_step cont[] = {
        {300, EV("c.3", "cont-side"), 0}, {0, DONE("c.4", ""), 0}, {0, NULL, 0}};
    static const fs_script sc = {0, NULL, cont, NULL, false};
    g_scripts[0] = &k_goes_on;
    g_confirm = &sc;
    cmdop_ask_stream *s = open_ask("rm x");
    static const char *const before[] = {"c.1", "c.2", NULL};
    expect_ids(s, before);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", true), 0);
    /* the ask connection's c.3 (sent while /confirm was pending) is not
     * surfaced: the official core reads nothing more from it */
    char d[64];
    ck_assert_str_eq(next_delta(s, d, sizeof d), "cont-side");
    ck_assert_str_eq(cmdop_ask_stream_last_event_id(s), "c.3");
    ck_assert_str_eq(next_delta(s, d, sizeof d), ""); /* done */
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(a_failed_confirm_keeps_the_ask_connection_frames)
{
    static const fs_step slow404[] = {{300, "{\"detail\":\"no pending confirmation\"}", 0},
                                      {0, NULL, 0}};
    static const fs_script sc = {404, "application/json", slow404, NULL, false};
    g_scripts[0] = &k_goes_on;
    g_confirm = &sc;
    cmdop_ask_stream *s = open_ask("rm x");
    static const char *const before[] = {"c.1", "c.2", NULL};
    expect_ids(s, before);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", true), CMDOP_ENOTFOUND);
    /* what the ask connection sent meanwhile was held, and now comes, once */
    char d[64];
    ck_assert_str_eq(next_delta(s, d, sizeof d), "ask-side");
    ck_assert_str_eq(next_delta(s, d, sizeof d), "");
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    ck_assert_int_eq(fs_count(g_srv), 2);
    cmdop_ask_stream_free(s);
}
END_TEST

START_TEST(cancel_during_a_continuation)
{
    static const fs_step cont[] = {{0, EV("c.3", "b"), 0}, {50, ": ping\n\n", 200}, {0, NULL, 0}};
    static const fs_script quiet = {0, NULL, cont, NULL, false};
    g_scripts[0] = &k_parked;
    g_confirm = &quiet;
    cmdop_ask_stream *s = open_ask("rm x");
    static const char *const ids[] = {"c.1", "c.2", NULL};
    expect_ids(s, ids);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, "t-1", true), 0);
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, s);
    cmdop_ask_frame *f;
    int rc;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0)
        cmdop_ask_frame_free(f);
    ck_assert_int_eq(rc, CMDOP_ECANCELLED);
    pthread_join(th, NULL);
    /* both connections closed: the retired ask one and the continuation */
    ck_assert_int_eq(fs_wait_abandoned(g_srv, 2), 2);
    cmdop_ask_stream_free(s);
}
END_TEST

/* ------------------------------------------------------------ many */

#define N_MANY 40
static fs_step g_many_steps[N_MANY][12];
static fs_script g_many[N_MANY];
static char g_many_bytes[N_MANY][11][160];

static const fs_script *pick_many(const fs_req *q, void *payload)
{
    (void)payload;
    const char *p = strstr(q->body, "\"n");
    int i = p ? atoi(p + 2) : 0;
    return &g_many[i >= 0 && i < N_MANY ? i : 0];
}

START_TEST(many_streams_one_loop_each_in_order)
{
    fake_sse *srv = fs_start(pick_many, NULL);
    for (int i = 0; i < N_MANY; i++) {
        for (int k = 0; k < 10; k++) {
            snprintf(g_many_bytes[i][k], sizeof g_many_bytes[i][k],
                     "id: n%d.%d\nevent: event\ndata: {\"type\":\"event\",\"payload\":"
                     "{\"delta\":\"%d-%d \"}}\n\n", i, k + 1, i, k);
            g_many_steps[i][k] = (fs_step){k % 3 ? 0 : 10, g_many_bytes[i][k], 0};
        }
        snprintf(g_many_bytes[i][10], sizeof g_many_bytes[i][10],
                 "id: n%d.11\nevent: done\ndata: {\"type\":\"done\",\"success\":true}\n\n", i);
        g_many_steps[i][10] = (fs_step){0, g_many_bytes[i][10], 0};
        g_many_steps[i][11] = (fs_step){0, NULL, 0};
        g_many[i] = (fs_script){0, NULL, g_many_steps[i], NULL, false};
    }
    cmdop_client *c = client_for(srv->url, "tok");
    cmdop_ask_stream *s[N_MANY];
    for (int i = 0; i < N_MANY; i++) {
        char prompt[16];
        snprintf(prompt, sizeof prompt, "n%d", i);
        ck_assert_int_eq(cmdop_machines_ask(&s[i], c, M, prompt, NULL), 0);
    }
    for (int i = 0; i < N_MANY; i++) {
        char *text = NULL, want[256] = "";
        for (int k = 0; k < 10; k++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%d-%d ", i, k);
        ck_assert_int_eq(cmdop_ask_stream_collect(s[i], &text), 0);
        ck_assert_str_eq(text, want);
        free(text);
        cmdop_ask_stream_free(s[i]);
    }
    cmdop_client_free(c);
    fs_stop(srv);
}
END_TEST

START_TEST(client_freed_under_an_open_stream)
{
    g_scripts[0] = &k_long;
    cmdop_client *c = client_for(g_srv->url, "tok");
    cmdop_ask_stream *s = NULL;
    ck_assert_int_eq(cmdop_machines_ask(&s, c, M, "x", NULL), 0);
    cmdop_client_free(c); /* the loop stops: the stream ends cancelled */
    cmdop_ask_frame *f;
    int rc;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0)
        cmdop_ask_frame_free(f);
    ck_assert_int_eq(rc, CMDOP_ECANCELLED);
    cmdop_ask_stream_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("ask_stream");
    TCase *tc = tcase_create("ask_stream");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, every_frame_type_in_order);
    tcase_add_test(tc, params_reach_the_body_and_sessions_differ);
    tcase_add_loop_test(tc, error_frames_end_with_their_code, 0,
                        (int)(sizeof k_errs / sizeof k_errs[0]));
    tcase_add_loop_test(tc, http_errors_are_mapped, 0, 2);
    tcase_add_test(tc, validation_before_the_network);
    tcase_add_test(tc, drop_resumes_with_last_event_id);
    tcase_add_test(tc, resume_unavailable_is_a_connection_error);
    tcase_add_test(tc, drop_before_any_id_is_a_connection_error);
    tcase_add_test(tc, resume_attempts_are_bounded);
    tcase_add_test(tc, malformed_frame_is_internal);
    tcase_add_loop_test(tc, not_json_and_overlong_line_are_internal, 0, 2);
    tcase_add_test(tc, not_an_event_stream_is_internal);
    tcase_add_test(tc, idle_timeout_ends_with_timeout);
    tcase_add_test(tc, heartbeats_keep_a_quiet_stream_alive);
    tcase_add_test(tc, cancel_from_another_thread_closes_the_connection);
    tcase_add_test(tc, callback_form_stops_and_cancels);
    tcase_add_test(tc, free_an_open_stream);
    tcase_add_test(tc, collect_prefers_done_text_else_deltas);
    tcase_add_test(tc, pin_and_confirm_post_while_open);
    tcase_add_test(tc, confirm_continues_on_its_answer);
    tcase_add_test(tc, continuation_drop_resumes_through_ask);
    tcase_add_test(tc, cancel_during_a_continuation);
    tcase_add_test(tc, frames_after_the_confirm_post_come_from_its_answer);
    tcase_add_test(tc, a_failed_confirm_keeps_the_ask_connection_frames);
    tcase_add_test(tc, many_streams_one_loop_each_in_order);
    tcase_add_test(tc, client_freed_under_an_open_stream);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
