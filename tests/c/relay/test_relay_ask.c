/*
 * test_relay_ask.c — machines.ask on the in-process relay, read as raw SSE
 * (docs/ask-protocol.md): each simulated agent's behaviour, the pin and
 * confirm side channels, request errors before any stream, frame ids and
 * heartbeats. Fault injection, resume, cancel and concurrency are in
 * test_relay_ask_faults.c.
 */
#include "ask_sse.h"

#define BODY(prompt) "{\"prompt\": \"" prompt "\", \"session_id\": \"s1\"}"

/* Runs a stream to its end; asserts 200, SSE and a clean finish. */
static as_frames run(const char *path, const char *body)
{
    as_stream *s = as_open(path, body);
    CURLcode rc = as_finish(s, 10000);
    ck_assert_msg(rc == CURLE_OK, "stream: %s", curl_easy_strerror(rc));
    ck_assert_int_eq(as_status(s), 200);
    ck_assert_str_eq(s->content_type, "text/event-stream");
    ck_assert(strncmp(s->request_id, "req_", 4) == 0);
    as_frames fs = as_parse(s);
    as_close(s);
    return fs;
}

/* Every frame: id <one stream id>.<1..n>, event == data.type. */
static void assert_ids(const as_frames *fs)
{
    char first[64] = "", sid[64];
    for (size_t i = 0; i < fs->n; i++) {
        const as_frame *f = &fs->f[i];
        ck_assert_int_eq(as_seq(f, sid), (long)i + 1);
        ck_assert(strchr(sid, '.') == NULL && sid[0]);
        if (i == 0)
            snprintf(first, sizeof first, "%s", sid);
        ck_assert_str_eq(sid, first);
        ck_assert_msg(f->json != NULL, "data is not JSON: %s", f->data);
        ck_assert_str_eq(as_str(f, "type"), f->event);
    }
}

/* The events are deltas that add up to `text`, then one done(success). */
static void assert_answer(const as_frames *fs, size_t from, const char *text)
{
    ck_assert_uint_gt(fs->n, from);
    const as_frame *last = &fs->f[fs->n - 1];
    ck_assert_str_eq(last->event, "done");
    ck_assert(json_is_true(json_object_get(last->json, "success")));
    ck_assert_str_eq(as_str(last, "text"), text);
    ck_assert_str_eq(as_str(last, "error"), "");
    ck_assert(json_integer_value(json_object_get(last->json,
                                                 "duration_ms")) >= 0);
    for (size_t i = from; i + 1 < fs->n; i++) {
        ck_assert_str_eq(fs->f[i].event, "event");
        ck_assert_int_eq(json_integer_value(json_object_get(
                             fs->f[i].json, "event_type")), 1);
    }
    as_frames tail = {fs->f + from, fs->n - from, 0};
    char *d = as_deltas(&tail);
    ck_assert_str_eq(d, text);
    free(d);
}

START_TEST(plain_prompt_streams_words_then_done)
{
    as_frames fs = run(AS_ASK(1), BODY("hello there world"));
    assert_ids(&fs);
    ck_assert_uint_eq(fs.n, 5);   /* "ok: ", "hello ", "there ", "world" */
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
                         fs.f[1].json, "payload"), "delta")), "hello ");
    assert_answer(&fs, 0, "ok: hello there world");
    as_frames_free(&fs);

    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), 1);
    ck_assert_int_eq(rh_i(c, "completed"), 1);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    ck_assert_int_eq(rh_i(c, "active"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(c, "resumed")), 0);
    json_decref(c);
}
END_TEST

START_TEST(echo_streams_the_text_back)
{
    as_frames fs = run(AS_ASK(2), BODY("echo: alpha  beta gamma"));
    assert_ids(&fs);
    ck_assert_uint_eq(fs.n, 4);
    assert_answer(&fs, 0, "alpha  beta gamma");
    as_frames_free(&fs);
    /* Deterministic: the same prompt gives the same text again. */
    fs = run(AS_ASK(2), BODY("echo: alpha  beta gamma"));
    assert_answer(&fs, 0, "alpha  beta gamma");
    as_frames_free(&fs);
}
END_TEST

/* Opens a stream and waits for its first frame of `type`. */
static as_frames open_until(as_stream **s, const char *path,
                            const char *body, const char *type)
{
    char needle[64];
    snprintf(needle, sizeof needle, "event: %s\n", type);
    *s = as_open(path, body);
    ck_assert_msg(as_wait_for(*s, needle, 10000) &&
                  as_wait_for(*s, "}\n\n", 10000), "no %s in: %s", type,
                  (*s)->buf ? (*s)->buf : "");
    return as_parse(*s);
}

static void post_answer(const char *machine, const char *what,
                        const char *body, long status, int accepted)
{
    char path[256];
    snprintf(path, sizeof path, "/api/admin/machines/%s/%s", machine, what);
    rh_resp r = rh_relay("POST", path, body);
    ck_assert_msg(r.status == status, "%s: %ld", what, r.status);
    if (status == 200) {
        ck_assert(json_is_boolean(json_object_get(r.body, "accepted")));
        ck_assert_int_eq(json_is_true(json_object_get(r.body, "accepted")),
                         accepted);
        json_decref(r.body);
    } else {
        rh_expect_error(r, status, "not_found", NULL);
    }
}

/* The confirm body as the hosted relay takes it (and the official core
 * sends it). */
static void confirm_body(char *buf, size_t n, const char *token, bool accept)
{
    snprintf(buf, n, "{\"accept\": %s, \"confirm_token\": \"%s\"}",
             accept ? "true" : "false", token);
}

/* POST .../confirm that must fail with `status` (a JSON error). */
static void confirm_fails(const char *machine, const char *token, long status)
{
    char body[256], path[256];
    confirm_body(body, sizeof body, token, true);
    snprintf(path, sizeof path, "/api/admin/machines/%s/confirm", machine);
    rh_expect_error(rh_relay("POST", path, body), status, "not_found", NULL);
}

/* POST .../confirm that is answered with the rest of the stream (SSE):
 * returns its frames, read to the end. */
static as_frames confirm_stream(const char *machine, const char *token,
                                bool accept)
{
    char body[256], path[256];
    confirm_body(body, sizeof body, token, accept);
    snprintf(path, sizeof path, "/api/admin/machines/%s/confirm", machine);
    as_stream *c = as_open(path, body);
    ck_assert_int_eq(as_finish(c, 10000), CURLE_OK);
    ck_assert_int_eq(as_status(c), 200);
    ck_assert_str_eq(c->content_type, "text/event-stream");
    as_frames fs = as_parse(c);
    as_close(c);
    return fs;
}

/* The continuation's ids go on from the confirm_required frame (seq `after`)
 * on the same stream id as `ask`. */
static void assert_continues(const as_frames *cont, const as_frame *ask,
                             long after)
{
    char sid[64], sid2[64];
    as_seq(ask, sid);
    for (size_t i = 0; i < cont->n; i++) {
        ck_assert_int_eq(as_seq(&cont->f[i], sid2), after + 1 + (long)i);
        ck_assert_str_eq(sid2, sid);
    }
}

START_TEST(confirm_accepted_continues)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(1), BODY("rm -rf /tmp/x"),
                              "confirm_required");
    ck_assert_uint_eq(fs.n, 1);
    ck_assert_str_eq(as_str(&fs.f[0], "plan"), "run: rm -rf /tmp/x");
    ck_assert_str_eq(as_str(&fs.f[0], "danger_level"), "high");
    char token[128];
    snprintf(token, sizeof token, "%s", as_str(&fs.f[0], "token"));
    confirm_fails(RH_M(1), "no-such-token", 404);
    as_frames cont = confirm_stream(RH_M(1), token, true);
    assert_continues(&cont, &fs.f[0], 1);
    assert_answer(&cont, 0, "ok: rm -rf /tmp/x");
    as_frames_free(&cont);
    as_frames_free(&fs);
    /* the ask connection carries the same frames */
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    assert_answer(&fs, 1, "ok: rm -rf /tmp/x");
    as_frames_free(&fs);
    as_close(s);
    confirm_fails(RH_M(1), token, 404);   /* answered once: gone */
}
END_TEST

START_TEST(confirm_rejected_ends_with_failed_done)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(1), BODY("please sudo reboot"),
                              "confirm_required");
    char token[128];
    snprintf(token, sizeof token, "%s", as_str(&fs.f[0], "token"));
    as_frames cont = confirm_stream(RH_M(1), token, false);
    assert_continues(&cont, &fs.f[0], 1);
    ck_assert_uint_eq(cont.n, 1);
    ck_assert(json_is_false(json_object_get(cont.f[0].json, "success")));
    ck_assert_str_eq(as_str(&cont.f[0], "error"), "rejected");
    as_frames_free(&cont);
    as_frames_free(&fs);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    ck_assert_uint_eq(fs.n, 2);
    ck_assert_str_eq(fs.f[1].event, "done");
    ck_assert(json_is_false(json_object_get(fs.f[1].json, "success")));
    ck_assert_str_eq(as_str(&fs.f[1], "error"), "rejected");
    as_frames_free(&fs);
    as_close(s);
    /* shutdown is dangerous too */
    fs = open_until(&s, AS_ASK(1), BODY("shutdown now"), "confirm_required");
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

static void pin_answer(const char *challenge, const char *pin, long status,
                       int accepted)
{
    char body[256];
    snprintf(body, sizeof body, "{\"challenge_id\": \"%s\", \"pin\": \"%s\"}",
             challenge, pin);
    post_answer(RH_M(3), "pin", body, status, accepted);
}

START_TEST(pin_answered_right_continues)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(3), BODY("uptime"), "pin_required");
    ck_assert_uint_eq(fs.n, 1);
    ck_assert_str_eq(as_str(&fs.f[0], "label"), "PIN for charlie");
    char ch[128];
    snprintf(ch, sizeof ch, "%s", as_str(&fs.f[0], "challenge_id"));
    as_frames_free(&fs);
    pin_answer("unknown-challenge", "1234", 404, 0);
    /* the right challenge on another machine is not this one */
    char body[256];
    snprintf(body, sizeof body, "{\"challenge_id\": \"%s\", \"pin\": \"1234\"}",
             ch);
    post_answer(RH_M(1), "pin", body, 404, 0);
    pin_answer(ch, "1234", 200, 1);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    assert_answer(&fs, 1, "ok: uptime");
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

static void assert_pin_denied(const as_frames *fs, size_t at)
{
    ck_assert_uint_eq(fs->n, at + 2);
    ck_assert_str_eq(fs->f[at].event, "pin_denied");
    ck_assert_ptr_nonnull(as_str(&fs->f[at], "challenge_id"));
    ck_assert_ptr_nonnull(as_str(&fs->f[at], "reason"));
    ck_assert_str_eq(fs->f[at + 1].event, "error");
    ck_assert_str_eq(as_str(&fs->f[at + 1], "code"), "pin_denied");
}

START_TEST(pin_answered_wrong_is_denied)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(3), BODY("uptime"), "pin_required");
    char ch[128];
    snprintf(ch, sizeof ch, "%s", as_str(&fs.f[0], "challenge_id"));
    as_frames_free(&fs);
    pin_answer(ch, "0000", 200, 0);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    assert_pin_denied(&fs, 1);
    ck_assert_str_eq(as_str(&fs.f[1], "challenge_id"), ch);
    as_frames_free(&fs);
    as_close(s);
    pin_answer(ch, "1234", 404, 0);   /* the challenge is closed */
}
END_TEST

START_TEST(upfront_pin)
{
    as_frames fs = run(AS_ASK(3), "{\"prompt\": \"uptime\", \"session_id\": "
                                  "\"s1\", \"pin\": \"1234\"}");
    assert_ids(&fs);
    for (size_t i = 0; i < fs.n; i++)
        ck_assert_str_ne(fs.f[i].event, "pin_required");
    assert_answer(&fs, 0, "ok: uptime");
    as_frames_free(&fs);

    fs = run(AS_ASK(3), "{\"prompt\": \"uptime\", \"session_id\": \"s1\", "
                        "\"pin\": \"9999\"}");
    assert_ids(&fs);
    assert_pin_denied(&fs, 0);
    as_frames_free(&fs);

    /* A PIN for a machine without one is ignored. */
    fs = run(AS_ASK(1), "{\"prompt\": \"uptime\", \"session_id\": \"s1\", "
                        "\"pin\": \"9999\"}");
    assert_answer(&fs, 0, "ok: uptime");
    as_frames_free(&fs);
}
END_TEST

START_TEST(pin_timeout)
{
    json_decref(rh_expect(rh_control("POST", "/ask",
                                     "{\"pin_timeout_ms\": 200}"), 200));
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(3), BODY("uptime"), "pin_required");
    char ch[128];
    snprintf(ch, sizeof ch, "%s", as_str(&fs.f[0], "challenge_id"));
    as_frames_free(&fs);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    ck_assert_uint_eq(fs.n, 2);
    ck_assert_str_eq(fs.f[1].event, "error");
    ck_assert_str_eq(as_str(&fs.f[1], "code"), "pin_required_timeout");
    as_frames_free(&fs);
    as_close(s);
    pin_answer(ch, "1234", 404, 0);   /* too late */
}
END_TEST

START_TEST(pin_then_confirm_on_a_dangerous_prompt)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(3), BODY("sudo ls"), "pin_required");
    char ch[128];
    snprintf(ch, sizeof ch, "%s", as_str(&fs.f[0], "challenge_id"));
    as_frames_free(&fs);
    pin_answer(ch, "1234", 200, 1);
    ck_assert(as_wait_for(s, "event: confirm_required\n", 10000));
    ck_assert(as_wait_for(s, "}\n\n", 10000));
    fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 2);
    as_frames cont = confirm_stream(RH_M(3), as_str(&fs.f[1], "token"), true);
    assert_continues(&cont, &fs.f[1], 2);
    assert_answer(&cont, 0, "ok: sudo ls");
    as_frames_free(&cont);
    as_frames_free(&fs);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    assert_ids(&fs);
    assert_answer(&fs, 2, "ok: sudo ls");
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

/* What the official core does: after POST /confirm it reads the rest from
 * the confirm response and closes the ask connection. That is no cancel:
 * the agent finishes and the continuation gets every frame. */
START_TEST(confirm_takes_over_when_the_ask_connection_closes)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(1), BODY("rm a b c"),
                              "confirm_required");
    char token[128];
    snprintf(token, sizeof token, "%s", as_str(&fs.f[0], "token"));
    char body[256];
    confirm_body(body, sizeof body, token, true);
    as_stream *c = as_open("/api/admin/machines/" RH_M(1) "/confirm", body);
    as_pump(c, 50);       /* the confirm is in */
    as_close(s);          /* then the ask connection goes */
    ck_assert_int_eq(as_finish(c, 10000), CURLE_OK);
    as_frames cont = as_parse(c);
    assert_continues(&cont, &fs.f[0], 1);
    assert_answer(&cont, 0, "ok: rm a b c");
    as_frames_free(&cont);
    as_frames_free(&fs);
    as_close(c);
    ck_assert_int_eq(as_await_counter("completed", 1), 1);
    json_t *n = as_counters();
    ck_assert_int_eq(rh_i(n, "cancelled"), 0);
    json_decref(n);
}
END_TEST

/* The other order: the ask connection goes while the confirm is pending,
 * then the confirm comes and carries the rest. */
START_TEST(confirm_after_the_ask_connection_closed)
{
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(1), BODY("rm x"), "confirm_required");
    char token[128];
    snprintf(token, sizeof token, "%s", as_str(&fs.f[0], "token"));
    as_close(s);
    struct timespec ts = {0, 300 * 1000000L};   /* > ASK_POLL_MS: noticed */
    nanosleep(&ts, NULL);
    as_frames cont = confirm_stream(RH_M(1), token, true);
    assert_continues(&cont, &fs.f[0], 1);
    assert_answer(&cont, 0, "ok: rm x");
    as_frames_free(&cont);
    as_frames_free(&fs);
    json_t *n = as_counters();
    ck_assert_int_eq(rh_i(n, "cancelled"), 0);
    json_decref(n);
}
END_TEST

START_TEST(offline_machine)
{
    as_frames fs = run(AS_ASK(4), BODY("uptime"));
    assert_ids(&fs);
    ck_assert_uint_eq(fs.n, 1);
    ck_assert_str_eq(fs.f[0].event, "error");
    ck_assert_str_eq(as_str(&fs.f[0], "code"), "machine_offline");
    ck_assert_ptr_nonnull(as_str(&fs.f[0], "message"));
    as_frames_free(&fs);
}
END_TEST

START_TEST(request_errors_are_json_before_any_stream)
{
    rh_expect_error(rh_relay("POST", "/api/admin/machines/nope/ask",
                             BODY("x")), 404, "not_found", NULL);
    rh_expect_error(rh_relay("POST", AS_ASK(1), "{\"session_id\": \"s\"}"),
                    422, "validation", "prompt");
    rh_expect_error(rh_relay("POST", AS_ASK(1),
                             "{\"prompt\": \"\", \"session_id\": \"s\"}"),
                    422, "validation", "prompt");
    rh_expect_error(rh_relay("POST", AS_ASK(1), "{\"prompt\": \"x\"}"), 422,
                    "validation", "session_id");
    rh_expect_error(rh_relay("POST", AS_ASK(1),
                             "{\"prompt\": \"x\", \"session_id\": \"s\", "
                             "\"timeout_seconds\": \"soon\"}"),
                    422, "validation", "timeout_seconds");
    rh_expect_error(rh_relay("POST", AS_ASK(1),
                             "{\"prompt\": \"x\", \"session_id\": \"s\", "
                             "\"options\": []}"),
                    422, "validation", "options");
    static const char *const wrong[] = {"Authorization: Bearer nope", NULL};
    rh_expect_error(rh_call("POST", AS_ASK(1), wrong, BODY("x")), 401, "auth",
                    NULL);
    static const char *const platform[] = {RH_APIKEY, NULL};
    rh_expect_error(rh_call("POST", AS_ASK(1), platform, BODY("x")), 401,
                    "auth", NULL);
    rh_expect_error(rh_relay("POST", "/api/admin/machines/" RH_M(3) "/pin",
                             "{\"challenge_id\": \"x\"}"), 422, "validation",
                    "pin");
    rh_expect_error(rh_relay("POST", "/api/admin/machines/" RH_M(1)
                             "/confirm", "{\"confirm_token\": \"x\"}"), 422,
                    "validation", "accept");
    /* the old "token" key is not read: the hosted name is confirm_token */
    rh_expect_error(rh_relay("POST", "/api/admin/machines/" RH_M(1)
                             "/confirm", "{\"token\": \"x\", \"accept\": true}"),
                    422, "validation", "confirm_token");
    rh_expect_error(rh_relay("POST", "/api/admin/machines/nope/confirm",
                             "{\"confirm_token\": \"x\", \"accept\": true}"),
                    404, "not_found", NULL);
    /* A full set of optional fields is accepted. */
    as_frames fs = run(AS_ASK(1), "{\"prompt\": \"x\", \"session_id\": \"s\", "
                                  "\"agent_type\": \"chat\", "
                                  "\"timeout_seconds\": 30, \"options\": "
                                  "{\"k\": 1}}");
    assert_answer(&fs, 0, "ok: x");
    as_frames_free(&fs);
    /* None of the failures opened a stream. */
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), 1);
    json_decref(c);
}
END_TEST

START_TEST(heartbeats_while_waiting)
{
    json_decref(rh_expect(rh_control("POST", "/ask",
                                     "{\"heartbeat_ms\": 50}"), 200));
    as_stream *s;
    as_frames fs = open_until(&s, AS_ASK(3), BODY("uptime"), "pin_required");
    as_frames_free(&fs);
    /* Pings keep coming while the agent waits for the PIN. */
    long until = as_now_ms() + 10000;
    do {
        as_pump(s, 50);
        fs = as_parse(s);
        if (fs.pings >= 3)
            break;
        as_frames_free(&fs);
    } while (as_now_ms() < until);
    ck_assert_uint_ge(fs.pings, 3);
    ck_assert_uint_eq(fs.n, 1);   /* and nothing else */
    as_frames_free(&fs);
    ck_assert(!s->done);
    as_close(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask");
    TCase *tc = tcase_create("ask");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, plain_prompt_streams_words_then_done);
    tcase_add_test(tc, echo_streams_the_text_back);
    tcase_add_test(tc, confirm_accepted_continues);
    tcase_add_test(tc, confirm_rejected_ends_with_failed_done);
    tcase_add_test(tc, pin_answered_right_continues);
    tcase_add_test(tc, pin_answered_wrong_is_denied);
    tcase_add_test(tc, upfront_pin);
    tcase_add_test(tc, pin_timeout);
    tcase_add_test(tc, pin_then_confirm_on_a_dangerous_prompt);
    tcase_add_test(tc, confirm_takes_over_when_the_ask_connection_closes);
    tcase_add_test(tc, confirm_after_the_ask_connection_closed);
    tcase_add_test(tc, offline_machine);
    tcase_add_test(tc, request_errors_are_json_before_any_stream);
    tcase_add_test(tc, heartbeats_while_waiting);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
