/*
 * test_ask.c — machines.ask through libcmdop's stream API against the real
 * local relay and its simulated agents (docs/ask-protocol.md): every frame
 * type, pin and confirm answered mid-stream, offline machine, collect, many
 * concurrent streams, drop + resume, idle timeout, cancel. Resume and cancel
 * are asserted through the relay's /_control/streams counters (polled with
 * a bound), never by timing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdop.h"
#include "it_client.h"

/* ---- helpers ---- */

static void ask_control(const char *json)
{
    json_t *resp = NULL;
    int st = relay_proc_control(&it_relay, "POST", "/ask", json, &resp);
    json_decref(resp);
    ck_assert_msg(st == 200, "POST /_control/ask %s -> %d", json, st);
}

/* NEW: the relay's /_control/streams counters. */
static json_t *streams(void)
{
    json_t *out = NULL;
    ck_assert_int_eq(relay_proc_control(&it_relay, "GET", "/streams", NULL, &out), 200);
    return out;
}

static long counter(const char *key)
{
    json_t *s = streams();
    long v = (long)json_integer_value(json_object_get(s, key));
    json_decref(s);
    return v;
}

/* Poll a counter until it equals `want`, for at most 10 s; its last value. */
static long wait_counter(const char *key, long want)
{
    long v = 0;
    for (int i = 0; i < 200 && (v = counter(key)) != want; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return v;
}

/* A validation error naming `field`, raised before the network (the caller
 * compares the relay's request count around it: the stream stays open). */
#define ASK_LOCAL_VALIDATION(rc, field) \
    it_check_error(__FILE__, __LINE__, (rc), CMDOP_EVALIDATION, "validation", 0, (field))

static cmdop_ask_stream *ask(cmdop_client *c, const char *machine, const char *prompt,
                             const cmdop_machines_ask_params *p)
{
    cmdop_ask_stream *s = NULL;
    int rc = cmdop_machines_ask(&s, c, machine, prompt, p);
    ck_assert_msg(rc == 0, "ask: %d %s", rc, cmdop_error_last()->message);
    return s;
}

static cmdop_ask_frame *next_of(cmdop_ask_stream *s, cmdop_ask_frame_kind kind)
{
    cmdop_ask_frame *f = NULL;
    int rc = cmdop_ask_stream_next(s, &f);
    ck_assert_msg(rc == 0, "next: %d %s", rc, rc < 0 && cmdop_error_last()
                                                  ? cmdop_error_last()->message : "");
    ck_assert_msg(f->kind == kind, "frame %s, expected kind %d", f->type, kind);
    return f;
}

/* Read to the end: the concatenated deltas, and the done frame (NEW). */
static char *drain(cmdop_ask_stream *s, cmdop_ask_frame **done)
{
    static char text[8192];
    text[0] = '\0';
    *done = NULL;
    cmdop_ask_frame *f;
    int rc;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        if (f->kind == CMDOP_ASK_FRAME_EVENT) {
            json_t *p = json_loads(f->event->payload_json, 0, NULL);
            const char *d = json_string_value(json_object_get(p, "delta"));
            ck_assert_ptr_nonnull(d);
            strncat(text, d, sizeof text - strlen(text) - 1);
            json_decref(p);
            cmdop_ask_frame_free(f);
        } else {
            ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
            ck_assert_ptr_null(*done);
            *done = f;
        }
    }
    ck_assert_msg(rc == CMDOP_ITEROVER, "end: %d %s", rc, cmdop_error_last()->message);
    ck_assert_ptr_nonnull(*done);
    return text;
}

/* ---- frame types ---- */

START_TEST(plain_prompt_streams_events_then_done)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "hello there world", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_EVENT);
    ck_assert_int_eq(f->event->event_type, 1);
    ck_assert_str_eq(f->event->payload_json, "{\"delta\":\"ok: \"}");
    ck_assert_ptr_nonnull(strstr(cmdop_ask_stream_last_event_id(s), ".1"));
    cmdop_ask_frame_free(f);
    cmdop_ask_frame *done;
    ck_assert_str_eq(drain(s, &done), "hello there world");
    ck_assert(done->done->success);
    ck_assert_str_eq(done->done->text, "ok: hello there world");
    ck_assert_str_eq(done->done->error, "");
    ck_assert_int_ge(done->done->duration_ms, 0);
    cmdop_ask_frame_free(done);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    ck_assert_uint_eq(strlen(cmdop_ask_stream_session_id(s)), 32);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(unknown_frame_type_is_surfaced)
{
    ask_control("{\"unknown_type_after\": 1}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b", NULL);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_EVENT));
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_UNKNOWN);
    ck_assert_str_eq(f->type, "telemetry");
    /* lossless: the whole frame as the relay sent it */
    ck_assert_ptr_nonnull(f->raw_json);
    json_t *raw = json_loads(f->raw_json, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(raw, "type")), "telemetry");
    ck_assert_str_eq(json_string_value(json_object_get(raw, "note")), "injected unknown type");
    ck_assert(json_real_value(json_object_get(raw, "cpu_pct")) == 12.5);
    json_decref(raw);
    /* and it maps back to the same object */
    char *back = cmdop_ask_frame_to_json(f);
    json_t *bj = json_loads(back, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(bj, "note")), "injected unknown type");
    json_decref(bj);
    free(back);
    cmdop_ask_frame_free(f);
    cmdop_ask_frame *done;
    ck_assert_str_eq(drain(s, &done), "b");
    cmdop_ask_frame_free(done);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(malformed_frame_ends_with_internal)
{
    ask_control("{\"malformed_after\": 1}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b c", NULL);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_EVENT));
    cmdop_ask_frame *f = NULL;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "malformed"));
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* ---- confirm ---- */

/* Header `name` of the first recorded request whose path ends with
 * `path_end` (the relay records every header, lowercased), or NULL. */
static const char *recorded_header(json_t *reqs, const char *path_end, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r) {
        const char *path = json_string_value(json_object_get(r, "path"));
        size_t n = path ? strlen(path) : 0, k = strlen(path_end);
        if (n >= k && strcmp(path + n - k, path_end) == 0)
            return json_string_value(json_object_get(json_object_get(r, "headers"), name));
    }
    return NULL;
}

/* After a confirm the relay counts no cancel: the ask connection our core
 * closed had been handed over to the /confirm answer (docs/ask-protocol.md). */
static void assert_confirm_wire(void)
{
    ck_assert_int_eq(wait_counter("completed", 1), 1);
    ck_assert_int_eq(wait_counter("active", 0), 0);
    ck_assert_int_eq(counter("cancelled"), 0);
    json_t *reqs = it_requests();
    ck_assert_str_eq(recorded_header(reqs, "/confirm", "accept"),
                     "text/event-stream, application/json");
    ck_assert_str_eq(recorded_header(reqs, "/ask", "accept"), "text/event-stream");
    ck_assert_ptr_null(recorded_header(reqs, "/ask", "cache-control"));
    json_decref(reqs);
}

START_TEST(confirm_accepted_resumes_the_stream)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "rm -rf /tmp/junk", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_CONFIRM_REQUIRED);
    ck_assert_str_eq(f->confirm_required->plan, "run: rm -rf /tmp/junk");
    ck_assert_str_eq(f->confirm_required->danger_level, "high");
    /* an empty token is refused before the network */
    size_t before = it_request_count();
    ASK_LOCAL_VALIDATION(cmdop_ask_stream_confirm(s, "", true), "token");
    ck_assert_uint_eq(it_request_count(), before);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, f->confirm_required->token, true), 0);
    /* a token is answered once */
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, f->confirm_required->token, true),
                     CMDOP_ENOTFOUND);
    cmdop_ask_frame_free(f);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "ok: rm -rf /tmp/junk");
    free(text);
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 0);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
    assert_confirm_wire();
}
END_TEST

/* The frames after an accepted confirm come over the /confirm answer: the
 * relay's one-shot drop after the first answer frame hits that connection
 * (the ask connection was closed when the answer's first heartbeat came,
 * long before the agent's first frame), and the core resumes it through
 * the ask POST with Last-Event-ID. */
START_TEST(confirm_continuation_is_read_and_resumed)
{
    ask_control("{\"drop_after\": 2, \"delay_ms\": 400, \"heartbeat_ms\": 20}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "rm x", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_CONFIRM_REQUIRED);
    char cr_id[160];
    snprintf(cr_id, sizeof cr_id, "%s", cmdop_ask_stream_last_event_id(s));
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, f->confirm_required->token, true), 0);
    cmdop_ask_frame_free(f);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "ok: rm x");
    free(text);
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 1);
    json_t *st = streams();
    json_t *resumed = json_object_get(st, "resumed");
    ck_assert_uint_eq(json_array_size(resumed), 1);
    /* resumed after the first answer frame: seq 2 of the same stream */
    char want[160];
    snprintf(want, sizeof want, "%.*s.2", (int)(strrchr(cr_id, '.') - cr_id), cr_id);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(resumed, 0),
                                                       "last_event_id")), want);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "cancelled")), 0);
    json_decref(st);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* Many streams at once spread over the client's loop threads (past 32 in
 * flight a second lane takes new requests, docs/runtime.md "Threading
 * model"): each stream's /confirm and its resume after a drop must run on
 * the stream's own lane, since they share its loop-thread-only state. */
START_TEST(confirms_and_resumes_on_many_streams)
{
    enum { N = 80 };
    ask_control("{\"drop_after\": 2, \"delay_ms\": 40, \"heartbeat_ms\": 20, \"streams\": 100}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s[N];
    for (int i = 0; i < N; i++) {
        char prompt[64];
        snprintf(prompt, sizeof prompt, "rm x%d", i);
        s[i] = ask(c, IT_M_ALPHA, prompt, NULL);
    }
    for (int i = 0; i < N; i++) {
        cmdop_ask_frame *f = next_of(s[i], CMDOP_ASK_FRAME_CONFIRM_REQUIRED);
        ck_assert_int_eq(cmdop_ask_stream_confirm(s[i], f->confirm_required->token, true), 0);
        cmdop_ask_frame_free(f);
    }
    for (int i = 0; i < N; i++) {
        char *text = NULL, want[64];
        snprintf(want, sizeof want, "ok: rm x%d", i);
        ck_assert_msg(cmdop_ask_stream_collect(s[i], &text) == 0, "stream %d: %s", i,
                      cmdop_error_last()->message);
        ck_assert_str_eq(text, want);
        free(text);
        ck_assert_uint_eq(cmdop_ask_stream_resume_count(s[i]), 1);
        cmdop_ask_stream_free(s[i]);
    }
    ck_assert_int_eq(counter("cancelled"), 0);
    cmdop_client_free(c);
}
END_TEST

START_TEST(confirm_rejected_ends_with_unsuccessful_done)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_BRAVO, "please sudo reboot", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_CONFIRM_REQUIRED);
    ck_assert_int_eq(cmdop_ask_stream_confirm(s, f->confirm_required->token, false), 0);
    cmdop_ask_frame_free(f);
    f = next_of(s, CMDOP_ASK_FRAME_DONE);
    ck_assert(!f->done->success);
    ck_assert_str_eq(f->done->error, "rejected"); /* the relay's done, not a synthetic one */
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ITEROVER);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
    assert_confirm_wire();
}
END_TEST

/* ---- pin ---- */

START_TEST(pin_answered_right_continues)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_CHARLIE, "echo: secret stuff", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_PIN_REQUIRED);
    ck_assert_str_eq(f->pin_required->label, "PIN for charlie");
    /* an empty PIN or challenge id is refused before the network */
    size_t before = it_request_count();
    ASK_LOCAL_VALIDATION(cmdop_ask_stream_pin(s, f->pin_required->challenge_id, ""), "pin");
    ASK_LOCAL_VALIDATION(cmdop_ask_stream_pin(s, "", "1234"), "challenge_id");
    ck_assert_uint_eq(it_request_count(), before);
    ck_assert_int_eq(cmdop_ask_stream_pin(s, f->pin_required->challenge_id, "1234"), 0);
    cmdop_ask_frame_free(f);
    cmdop_ask_frame *done;
    ck_assert_str_eq(drain(s, &done), "secret stuff");
    ck_assert(done->done->success);
    cmdop_ask_frame_free(done);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(pin_answered_wrong_is_denied)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_CHARLIE, "echo: x", NULL);
    cmdop_ask_frame *f = next_of(s, CMDOP_ASK_FRAME_PIN_REQUIRED);
    char challenge[128];
    snprintf(challenge, sizeof challenge, "%s", f->pin_required->challenge_id);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_pin(s, challenge, "0000"), 0);
    f = next_of(s, CMDOP_ASK_FRAME_PIN_DENIED);
    ck_assert_str_eq(f->pin_denied->challenge_id, challenge);
    cmdop_ask_frame_free(f);
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EPINDENIED);
    ck_assert_str_eq(cmdop_error_last()->code_str, "pin_denied");
    /* the challenge is gone */
    ck_assert_int_eq(cmdop_ask_stream_pin(s, challenge, "1234"), CMDOP_ENOTFOUND);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(upfront_pin)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.pin = "1234";
    cmdop_ask_stream *s = ask(c, IT_M_CHARLIE, "echo: straight in", &p);
    cmdop_ask_frame *done;
    ck_assert_str_eq(drain(s, &done), "straight in"); /* no pin_required at all */
    cmdop_ask_frame_free(done);
    cmdop_ask_stream_free(s);

    p.pin = "9999";
    s = ask(c, IT_M_CHARLIE, "echo: x", &p);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_PIN_DENIED));
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EPINDENIED);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(pin_never_answered_times_out)
{
    ask_control("{\"pin_timeout_ms\": 200}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_CHARLIE, "echo: x", NULL);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_PIN_REQUIRED));
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EPINTIMEOUT);
    ck_assert_str_eq(cmdop_error_last()->code_str, "pin_required_timeout");
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* ---- failures ---- */

START_TEST(offline_machine_is_an_agent_error)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_DELTA, "hello", NULL);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_EAGENT);
    ck_assert_str_eq(cmdop_error_last()->code_str, "machine_offline");
    ck_assert_ptr_nonnull(cmdop_error_last()->request_id);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), CMDOP_EAGENT);
    ck_assert_ptr_null(text);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(request_errors)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_UNKNOWN, "hello", NULL);
    cmdop_ask_frame *f;
    IT_ERR(cmdop_ask_stream_next(s, &f), CMDOP_ENOTFOUND, "not_found", 404);
    cmdop_ask_stream_free(s);
    /* caught before the network: the IDL's ask rules (prompt 1..100000
     * bytes, timeout_seconds 1..86400), the relay's own */
    it_clear_recording();
    IT_LOCAL_VALIDATION(cmdop_machines_ask(&s, c, IT_M_ALPHA, NULL, NULL), "prompt");
    IT_LOCAL_VALIDATION(cmdop_machines_ask(&s, c, IT_M_ALPHA, "", NULL), "prompt");
    char *big = malloc(100002);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 100001);
    big[100001] = '\0';
    IT_LOCAL_VALIDATION(cmdop_machines_ask(&s, c, IT_M_ALPHA, big, NULL), "prompt");
    free(big);
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.timeout_seconds = -1;
    p.has_timeout_seconds = true;
    IT_LOCAL_VALIDATION(cmdop_machines_ask(&s, c, IT_M_ALPHA, "hi", &p), "timeout_seconds");
    cmdop_client_free(c);
    /* no relay token */
    c = it_client(IT_PLATFORM_ONLY, NULL);
    ck_assert_int_eq(cmdop_machines_ask(&s, c, IT_M_ALPHA, "x", NULL), CMDOP_EAUTH);
    cmdop_client_free(c);
}
END_TEST

/* ---- collect ---- */

START_TEST(collect_returns_the_final_text)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ECHO, "echo: one two three", NULL);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "one two three");
    free(text);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* ---- many at once ---- */

#define N_STREAMS 100

START_TEST(hundred_concurrent_streams_in_one_client)
{
    ask_control("{\"delay_ms\": 5, \"streams\": 100}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s[N_STREAMS];
    char want[N_STREAMS][96];
    for (int i = 0; i < N_STREAMS; i++) {
        snprintf(want[i], sizeof want[i], "s%d w1-%d w2-%d w3-%d w4-%d w5-%d", i, i, i, i, i, i);
        char prompt[128];
        snprintf(prompt, sizeof prompt, "echo: %s", want[i]);
        s[i] = ask(c, IT_M_ALPHA, prompt, NULL);
    }
    /* read them interleaved, frame by frame, so every stream is live at once */
    char got[N_STREAMS][96];
    int open = N_STREAMS;
    bool ended[N_STREAMS] = {false};
    memset(got, 0, sizeof got);
    while (open > 0) {
        for (int i = 0; i < N_STREAMS; i++) {
            if (ended[i])
                continue;
            cmdop_ask_frame *f = NULL;
            int rc = cmdop_ask_stream_next(s[i], &f);
            if (rc == CMDOP_ITEROVER) {
                ended[i] = true;
                open--;
                continue;
            }
            ck_assert_msg(rc == 0, "stream %d: %d %s", i, rc, cmdop_error_last()->message);
            if (f->kind == CMDOP_ASK_FRAME_EVENT) {
                json_t *p = json_loads(f->event->payload_json, 0, NULL);
                strncat(got[i], json_string_value(json_object_get(p, "delta")),
                        sizeof got[i] - strlen(got[i]) - 1);
                json_decref(p);
            } else {
                ck_assert_int_eq(f->kind, CMDOP_ASK_FRAME_DONE);
                ck_assert_str_eq(f->done->text, want[i]);
            }
            cmdop_ask_frame_free(f);
        }
    }
    for (int i = 0; i < N_STREAMS; i++) {
        ck_assert_str_eq(got[i], want[i]); /* its own frames, in order */
        cmdop_ask_stream_free(s[i]);
    }
    ck_assert_int_eq(counter("cancelled"), 0);
    cmdop_client_free(c);
}
END_TEST

/* ---- resume ---- */

START_TEST(drop_and_resume_loses_and_doubles_nothing)
{
    ask_control("{\"drop_after\": 2}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b c d e f", NULL);
    /* frame ids must run 1, 2, 3, ... without a gap or a repeat */
    char stream_id[128] = "";
    long seq = 0;
    char text[256] = "";
    cmdop_ask_frame *f;
    int rc;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        const char *id = cmdop_ask_stream_last_event_id(s);
        const char *dot = strrchr(id, '.');
        ck_assert_ptr_nonnull(dot);
        if (!stream_id[0])
            snprintf(stream_id, sizeof stream_id, "%.*s", (int)(dot - id), id);
        ck_assert_int_eq(strncmp(id, stream_id, strlen(stream_id)), 0);
        ck_assert_int_eq(atol(dot + 1), ++seq);
        if (f->kind == CMDOP_ASK_FRAME_EVENT) {
            json_t *p = json_loads(f->event->payload_json, 0, NULL);
            strcat(text, json_string_value(json_object_get(p, "delta")));
            json_decref(p);
        }
        cmdop_ask_frame_free(f);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_str_eq(text, "a b c d e f");
    ck_assert_int_eq(seq, 7); /* six words and done */
    ck_assert_uint_eq(cmdop_ask_stream_resume_count(s), 1);
    json_t *st = streams();
    json_t *resumed = json_object_get(st, "resumed");
    ck_assert_uint_eq(json_array_size(resumed), 1);
    char want_id[160];
    snprintf(want_id, sizeof want_id, "%s.2", stream_id);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(resumed, 0),
                                                       "last_event_id")), want_id);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "cancelled")), 0);
    json_decref(st);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* ---- idle timeout ---- */

START_TEST(idle_stream_times_out)
{
    ask_control("{\"stall_ms\": 4000, \"stall_after\": 1, \"heartbeat_ms\": 0}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.timeout_seconds = 1; /* the idle bound */
    p.has_timeout_seconds = true;
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b", &p);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_EVENT));
    time_t t0 = time(NULL);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ETIMEOUT);
    ck_assert_str_eq(cmdop_error_last()->code_str, "timeout");
    ck_assert_int_le(time(NULL) - t0, 3); /* ~1 s, well before the stall ends */
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* The idle timeout belongs to the connection: it fires while nobody waits
 * in next(), closes the connection at that moment (the relay counts a
 * cancel), and next() reports it afterwards. */
START_TEST(idle_fires_while_the_caller_is_not_waiting)
{
    ask_control("{\"stall_ms\": 8000, \"stall_after\": 1, \"heartbeat_ms\": 0}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b", NULL);
    ck_assert_int_eq(cmdop_ask_stream_set_idle_timeout(s, 500), 0);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_EVENT));
    /* not waiting in next(): the relay must still see the client go away
     * (well before the 8 s stall ends) */
    ck_assert_int_eq(wait_counter("cancelled", 1), 1);
    ck_assert_int_eq(wait_counter("active", 0), 0);
    ck_assert_int_eq(counter("completed"), 0);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ETIMEOUT);
    ck_assert_str_eq(cmdop_error_last()->code_str, "timeout");
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "idle"));
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ETIMEOUT); /* sticky */
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(heartbeats_keep_a_stalled_stream_alive)
{
    ask_control("{\"stall_ms\": 2500, \"stall_after\": 1, \"heartbeat_ms\": 200}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    p.timeout_seconds = 1;
    p.has_timeout_seconds = true;
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: a b", &p);
    char *text = NULL;
    ck_assert_int_eq(cmdop_ask_stream_collect(s, &text), 0);
    ck_assert_str_eq(text, "a b");
    free(text);
    cmdop_ask_stream_free(s);
    cmdop_client_free(c);
}
END_TEST

/* ---- cancel ---- */

START_TEST(cancel_mid_stream_reaches_the_relay)
{
    ask_control("{\"delay_ms\": 200}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_ask_stream *s = ask(c, IT_M_ALPHA, "echo: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12", NULL);
    cmdop_ask_frame_free(next_of(s, CMDOP_ASK_FRAME_EVENT));
    ck_assert_int_eq(counter("cancelled"), 0);
    cmdop_ask_stream_cancel(s);
    cmdop_ask_frame *f;
    ck_assert_int_eq(cmdop_ask_stream_next(s, &f), CMDOP_ECANCELLED);
    ck_assert_int_eq(wait_counter("cancelled", 1), 1);
    ck_assert_int_eq(wait_counter("active", 0), 0); /* the agent stopped */
    cmdop_ask_stream_free(s);
    /* the agent's work stopped: it never completed */
    ck_assert_int_eq(counter("completed"), 0);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("integration_ask");
    TCase *tc = tcase_create("ask");
    it_add_relay_fixture(tc);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, plain_prompt_streams_events_then_done);
    tcase_add_test(tc, unknown_frame_type_is_surfaced);
    tcase_add_test(tc, malformed_frame_ends_with_internal);
    tcase_add_test(tc, confirm_accepted_resumes_the_stream);
    tcase_add_test(tc, confirm_rejected_ends_with_unsuccessful_done);
    tcase_add_test(tc, confirm_continuation_is_read_and_resumed);
    tcase_add_test(tc, confirms_and_resumes_on_many_streams);
    tcase_add_test(tc, pin_answered_right_continues);
    tcase_add_test(tc, pin_answered_wrong_is_denied);
    tcase_add_test(tc, upfront_pin);
    tcase_add_test(tc, pin_never_answered_times_out);
    tcase_add_test(tc, offline_machine_is_an_agent_error);
    tcase_add_test(tc, request_errors);
    tcase_add_test(tc, collect_returns_the_final_text);
    tcase_add_test(tc, hundred_concurrent_streams_in_one_client);
    tcase_add_test(tc, drop_and_resume_loses_and_doubles_nothing);
    tcase_add_test(tc, idle_stream_times_out);
    tcase_add_test(tc, idle_fires_while_the_caller_is_not_waiting);
    tcase_add_test(tc, heartbeats_keep_a_stalled_stream_alive);
    tcase_add_test(tc, cancel_mid_stream_reaches_the_relay);
    suite_add_tcase(su, tc);
    return it_run(su);
}
