/*
 * test_relay_ask_faults.c — the ask stream's fault injection and
 * bookkeeping on the in-process relay (docs/ask-protocol.md, "Resume" and
 * "Test controls"): drop + Last-Event-ID resume with nothing lost or
 * doubled, unknown resume ids, stalls with and without heartbeats, the
 * malformed and unknown-type injections, a client cancel reaching the
 * agent, many concurrent streams, reset, and SIGTERM with open streams.
 * Cancel and resume are asserted through /_control/streams, never timing.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ask_sse.h"

#define BODY(prompt) "{\"prompt\": \"" prompt "\", \"session_id\": \"s1\"}"

static void arm(const char *controls)
{
    json_decref(rh_expect(rh_control("POST", "/ask", controls), 200));
}

START_TEST(drop_then_resume_loses_and_doubles_nothing)
{
    arm("{\"drop_after\": 3, \"delay_ms\": 1}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b c d e f g"));
    CURLcode rc = as_finish(s, 10000);
    ck_assert_msg(rc != CURLE_OK, "the injected drop must fail the transfer");
    as_frames first = as_parse(s);
    ck_assert_uint_eq(first.n, 3);
    char sid[64], sid2[64], last[128];
    for (size_t i = 0; i < first.n; i++)
        ck_assert_int_eq(as_seq(&first.f[i], sid), (long)i + 1);
    snprintf(last, sizeof last, "%s", first.f[2].id);
    as_close(s);

    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);   /* a drop is no cancel */
    json_decref(c);

    s = as_open_full(AS_ASK(1), BODY("echo: a b c d e f g"), last, NULL);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    ck_assert_int_eq(as_status(s), 200);
    as_frames rest = as_parse(s);
    as_close(s);
    ck_assert_uint_eq(rest.n, 5);   /* d e f g + done */
    for (size_t i = 0; i < rest.n; i++) {
        ck_assert_int_eq(as_seq(&rest.f[i], sid2), (long)i + 4);
        ck_assert_str_eq(sid2, sid);
    }
    char *a = as_deltas(&first), *b = as_deltas(&rest);
    ck_assert_str_eq(a, "a b c ");
    ck_assert_str_eq(b, "d e f g");
    free(a);
    free(b);
    ck_assert_str_eq(rest.f[4].event, "done");
    ck_assert_str_eq(as_str(&rest.f[4], "text"), "a b c d e f g");
    as_frames_free(&first);
    as_frames_free(&rest);

    c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), 1);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    ck_assert_int_eq(rh_i(c, "completed"), 1);
    json_t *r = json_object_get(c, "resumed");
    ck_assert_uint_eq(json_array_size(r), 1);
    ck_assert_str_eq(rh_s(json_array_get(r, 0), "stream_id"), sid);
    ck_assert_str_eq(rh_s(json_array_get(r, 0), "last_event_id"), last);
    json_decref(c);
}
END_TEST

START_TEST(resume_of_a_finished_stream_replays_the_tail)
{
    as_stream *s = as_open(AS_ASK(1), BODY("echo: x y"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames all = as_parse(s);
    as_close(s);
    ck_assert_uint_eq(all.n, 3);
    /* A client that lost the done frame still gets it, exactly once. */
    s = as_open_full(AS_ASK(1), BODY("echo: x y"), all.f[1].id, NULL);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames tail = as_parse(s);
    as_close(s);
    ck_assert_uint_eq(tail.n, 1);
    ck_assert_str_eq(tail.f[0].id, all.f[2].id);
    ck_assert_str_eq(tail.f[0].data, all.f[2].data);
    as_frames_free(&all);
    as_frames_free(&tail);
}
END_TEST

static void expect_409(const char *last_id, const char *path)
{
    as_stream *s = as_open_full(path, BODY("x"), last_id, NULL);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    ck_assert_int_eq(as_status(s), 409);
    json_t *b = json_loads(s->buf, 0, NULL);
    ck_assert_ptr_nonnull(b);
    /* {"detail"} only: the code comes from the status */
    ck_assert_ptr_nonnull(rh_s(b, "detail"));
    ck_assert_uint_eq(json_object_size(b), 1);
    json_decref(b);
    as_close(s);
}

START_TEST(unknown_last_event_id_is_409)
{
    expect_409("st_nosuchstream.3", AS_ASK(1));
    expect_409("garbage", AS_ASK(1));
    expect_409("st_x.", AS_ASK(1));
    /* a known stream, but past its end, or on another machine */
    as_stream *s = as_open(AS_ASK(1), BODY("echo: x"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames fs = as_parse(s);
    as_close(s);
    char sid[64], id[128];
    as_seq(&fs.f[0], sid);
    snprintf(id, sizeof id, "%s.99", sid);
    expect_409(id, AS_ASK(1));
    expect_409(fs.f[0].id, AS_ASK(2));
    as_frames_free(&fs);
    json_t *c = as_counters();
    ck_assert_uint_eq(json_array_size(json_object_get(c, "resumed")), 0);
    json_decref(c);
}
END_TEST

/* Offset of the first frame (an "id:" line) in the body. */
static size_t first_frame_at(const as_stream *s)
{
    const char *p = strstr(s->buf, "id: ");
    ck_assert_ptr_nonnull(p);
    return (size_t)(p - s->buf);
}

START_TEST(stall_keeps_heartbeats_unless_zero)
{
    arm("{\"stall_ms\": 600, \"heartbeat_ms\": 50}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: one"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 2);
    ck_assert_uint_ge(fs.pings, 3);
    /* the pings came before the first frame, during the stall */
    size_t at = first_frame_at(s);
    size_t pings_before = 0;
    for (const char *p = s->buf; (p = strstr(p, ": ping\n\n")) &&
                                 (size_t)(p - s->buf) < at; p++)
        pings_before++;
    ck_assert_uint_ge(pings_before, 3);
    as_frames_free(&fs);
    as_close(s);

    arm("{\"stall_ms\": 300, \"heartbeat_ms\": 0, \"stall_after\": 1}");
    s = as_open(AS_ASK(1), BODY("echo: one two"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 3);
    ck_assert_uint_eq(fs.pings, 0);
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

START_TEST(malformed_data_line_after_frame_n)
{
    arm("{\"malformed_after\": 2}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b c"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    const char *bad = "event: event\ndata: {\"type\": \"event\", "
                      "\"payload\": \n\n";
    const char *at = strstr(s->buf, bad);
    ck_assert_msg(at != NULL, "no malformed frame in: %s", s->buf);
    as_frames fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 5);      /* a, b, <malformed>, c, done */
    ck_assert_str_eq(fs.f[2].id, "");
    ck_assert_ptr_null(fs.f[2].json);
    char sid[64];
    ck_assert_int_eq(as_seq(&fs.f[1], sid), 2);
    ck_assert_int_eq(as_seq(&fs.f[3], sid), 3);   /* no seq used */
    ck_assert_str_eq(as_str(&fs.f[4], "text"), "a b c");
    as_frames_free(&fs);
    as_close(s);
    /* one stream only: the next is clean */
    s = as_open(AS_ASK(1), BODY("echo: a b c"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    ck_assert_ptr_null(strstr(s->buf, bad));
    as_close(s);
}
END_TEST

START_TEST(unknown_type_frame_after_frame_n)
{
    arm("{\"unknown_type_after\": 1}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 4);      /* a, telemetry, b, done */
    char sid[64];
    for (size_t i = 0; i < fs.n; i++)
        ck_assert_int_eq(as_seq(&fs.f[i], sid), (long)i + 1);
    ck_assert_str_eq(fs.f[1].event, "telemetry");
    ck_assert_str_eq(as_str(&fs.f[1], "type"), "telemetry");
    ck_assert_str_eq(fs.f[3].event, "done");
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

/* empty_delta_after: an event {"delta": "", "text"} after frame N, a real
 * resumable frame; empty_done_text: the done frame's text is "". */
START_TEST(empty_delta_and_empty_done_text)
{
    arm("{\"empty_delta_after\": 1, \"empty_done_text\": 1}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_frames fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 4);      /* a, empty delta, b, done */
    char sid[64];
    for (size_t i = 0; i < fs.n; i++)
        ck_assert_int_eq(as_seq(&fs.f[i], sid), (long)i + 1);
    json_t *pl = json_object_get(fs.f[1].json, "payload");
    ck_assert_str_eq(json_string_value(json_object_get(pl, "delta")), "");
    ck_assert_str_eq(json_string_value(json_object_get(pl, "text")), "[empty delta]");
    ck_assert_str_eq(fs.f[3].event, "done");
    ck_assert_str_eq(as_str(&fs.f[3], "text"), "");
    as_frames_free(&fs);
    as_close(s);
    /* armed for one stream only: the next has the plain text */
    s = as_open(AS_ASK(1), BODY("echo: a b"));
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    fs = as_parse(s);
    ck_assert_uint_eq(fs.n, 3);
    ck_assert_str_eq(as_str(&fs.f[2], "text"), "a b");
    as_frames_free(&fs);
    as_close(s);
}
END_TEST

START_TEST(client_close_is_a_cancel_and_stops_the_agent)
{
    /* While the agent waits for a PIN. */
    as_stream *s = as_open(AS_ASK(3), BODY("uptime"));
    ck_assert(as_wait_for(s, "event: pin_required\n", 10000));
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "active"), 1);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    json_decref(c);
    as_close(s);
    ck_assert_int_eq(as_await_counter("cancelled", 1), 1);

    /* While it streams: it stops before its done frame. */
    arm("{\"delay_ms\": 200}");
    s = as_open(AS_ASK(1), BODY("echo: a b c d e f g h i j k l m n o p"));
    ck_assert(as_wait_for(s, "event: event\n", 10000));
    as_close(s);
    ck_assert_int_eq(as_await_counter("cancelled", 2), 2);
    long until = as_now_ms() + 10000;
    long long active;
    for (;;) {
        c = as_counters();
        active = rh_i(c, "active");
        json_decref(c);
        if (active == 0 || as_now_ms() >= until)
            break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(active, 0);
    c = as_counters();
    ck_assert_int_eq(rh_i(c, "completed"), 0);
    ck_assert_int_eq(rh_i(c, "opened"), 2);
    json_decref(c);
}
END_TEST

START_TEST(cancelled_stream_cannot_resume)
{
    arm("{\"delay_ms\": 200}");
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b c d e f"));
    ck_assert(as_wait_for(s, "}\n\n", 10000));
    as_frames fs = as_parse(s);
    char last[128];
    snprintf(last, sizeof last, "%s", fs.f[0].id);
    as_frames_free(&fs);
    as_close(s);
    ck_assert_int_eq(as_await_counter("cancelled", 1), 1);
    expect_409(last, AS_ASK(1));
}
END_TEST

#define N_CONCURRENT 100

START_TEST(concurrent_streams_each_get_their_own_frames)
{
    as_stream *s[N_CONCURRENT];
    char body[256];
    for (int i = 0; i < N_CONCURRENT; i++) {
        snprintf(body, sizeof body, "{\"prompt\": \"echo: s%d w1 w2 w3 w4 "
                 "w5\", \"session_id\": \"c%d\"}", i, i);
        s[i] = as_open(AS_ASK(1), body);
    }
    long until = as_now_ms() + 20000;
    for (bool all = false; !all && as_now_ms() < until;) {
        all = true;
        for (int i = 0; i < N_CONCURRENT; i++) {
            as_pump(s[i], 0);
            all = all && s[i]->done;
        }
        struct timespec ts = {0, 2 * 1000000L};
        nanosleep(&ts, NULL);
    }
    char sids[N_CONCURRENT][64];
    for (int i = 0; i < N_CONCURRENT; i++) {
        ck_assert_msg(s[i]->done && s[i]->result == CURLE_OK, "stream %d", i);
        as_frames fs = as_parse(s[i]);
        ck_assert_uint_eq(fs.n, 7);
        for (size_t k = 0; k < fs.n; k++)
            ck_assert_int_eq(as_seq(&fs.f[k], sids[i]), (long)k + 1);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(sids[i], sids[j]);
        char want[64], *d = as_deltas(&fs);
        snprintf(want, sizeof want, "s%d w1 w2 w3 w4 w5", i);
        ck_assert_str_eq(d, want);
        ck_assert_str_eq(as_str(&fs.f[6], "text"), want);
        free(d);
        as_frames_free(&fs);
        as_close(s[i]);
    }
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), N_CONCURRENT);
    ck_assert_int_eq(rh_i(c, "completed"), N_CONCURRENT);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    json_decref(c);
}
END_TEST

START_TEST(controls_apply_to_k_streams_and_reset_clears_them)
{
    arm("{\"drop_after\": 1, \"streams\": 2}");
    char last[2][128];
    for (int i = 0; i < 2; i++) {
        as_stream *s = as_open(AS_ASK(1), BODY("echo: a b"));
        ck_assert(as_finish(s, 10000) != CURLE_OK);
        as_frames fs = as_parse(s);
        ck_assert_uint_eq(fs.n, 1);
        snprintf(last[i], sizeof last[i], "%s", fs.f[0].id);
        as_frames_free(&fs);
        as_close(s);
    }
    as_stream *s = as_open(AS_ASK(1), BODY("echo: a b"));   /* the third */
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_close(s);
    s = as_open_full(AS_ASK(1), BODY("echo: a b"), last[0], NULL);
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_close(s);
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), 3);
    ck_assert_uint_eq(json_array_size(json_object_get(c, "resumed")), 1);
    json_decref(c);

    arm("{\"drop_after\": 1, \"streams\": 5}");
    json_decref(rh_expect(rh_control("POST", "/reset", "{}"), 200));
    c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), 0);
    ck_assert_int_eq(rh_i(c, "completed"), 0);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    ck_assert_int_eq(rh_i(c, "active"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(c, "resumed")), 0);
    json_decref(c);
    expect_409(last[1], AS_ASK(1));   /* streams are forgotten */
    s = as_open(AS_ASK(1), BODY("echo: a b"));   /* the drop is disarmed */
    ck_assert_int_eq(as_finish(s, 10000), CURLE_OK);
    as_close(s);
    rh_expect_error(rh_control("POST", "/ask", "{\"drop_after\": -1}"), 422,
                    "validation", "drop_after");
}
END_TEST

START_TEST(reset_ends_open_streams)
{
    as_stream *s = as_open(AS_ASK(3), BODY("uptime"));
    ck_assert(as_wait_for(s, "event: pin_required\n", 10000));
    json_decref(rh_expect(rh_control("POST", "/reset", "{}"), 200));
    ck_assert(as_finish(s, 10000) != CURLE_OK);   /* closed, no terminal */
    as_close(s);
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "active"), 0);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);   /* the relay closed it */
    json_decref(c);
}
END_TEST

/* cmdop_relay_main in a child; returns its relay_url into root. */
static pid_t spawn_relay(char root[256])
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = {"relay", "--port", "0", "--token", RH_TOKEN,
                        "--api-key", RH_KEY, NULL};
        /* exit, not _exit: under ASan the leak check runs at exit, so a
         * stream or agent left behind fails the status asserted below. */
        exit(cmdop_relay_main(7, argv));
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char buf[1024] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    json_t *line = json_loads(buf, 0, NULL);
    ck_assert_ptr_nonnull(line);
    snprintf(root, 256, "%s", rh_s(line, "relay_url"));
    json_decref(line);
    return pid;
}

START_TEST(sigterm_exits_0_with_open_streams)
{
    char root[256];
    pid_t pid = spawn_relay(root);
    as_stream *waiting = as_open_at(root, AS_ASK(3), BODY("uptime"), NULL,
                                    NULL);
    as_stream *dangerous = as_open_at(root, AS_ASK(1), BODY("rm -rf /x"),
                                      NULL, NULL);
    ck_assert(as_wait_for(waiting, "event: pin_required\n", 10000));
    ck_assert(as_wait_for(dangerous, "event: confirm_required\n", 10000));
    kill(pid, SIGTERM);
    int st = 0;
    long until = as_now_ms() + 15000;
    pid_t w;
    while ((w = waitpid(pid, &st, WNOHANG)) == 0 && as_now_ms() < until) {
        as_pump(waiting, 20);
        as_pump(dangerous, 20);
    }
    if (w == 0)
        kill(pid, SIGKILL);
    ck_assert_int_eq(w, pid);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    as_close(waiting);
    as_close(dangerous);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask_faults");
    TCase *tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, drop_then_resume_loses_and_doubles_nothing);
    tcase_add_test(tc, resume_of_a_finished_stream_replays_the_tail);
    tcase_add_test(tc, unknown_last_event_id_is_409);
    tcase_add_test(tc, stall_keeps_heartbeats_unless_zero);
    tcase_add_test(tc, malformed_data_line_after_frame_n);
    tcase_add_test(tc, unknown_type_frame_after_frame_n);
    tcase_add_test(tc, empty_delta_and_empty_done_text);
    tcase_add_test(tc, client_close_is_a_cancel_and_stops_the_agent);
    tcase_add_test(tc, cancelled_stream_cannot_resume);
    tcase_add_test(tc, concurrent_streams_each_get_their_own_frames);
    tcase_add_test(tc, controls_apply_to_k_streams_and_reset_clears_them);
    tcase_add_test(tc, reset_ends_open_streams);
    suite_add_tcase(s, tc);
    TCase *proc = tcase_create("process");
    tcase_set_timeout(proc, 60);
    tcase_add_test(proc, sigterm_exits_0_with_open_streams);
    suite_add_tcase(s, proc);
    return rh_run(s);
}
