/*
 * test_relay_ask_scale.c — many open ask streams cost the relay sockets,
 * not threads (docs/relay.md "machines.ask"): with 300 paced streams open
 * at once in this process, the thread count stays where it was with none,
 * and every stream still gets all of its frames, in order, with heartbeats
 * going to the quiet ones. Counts threads and frames, never time.
 */
#include <dirent.h>

#include "ask_sse.h"

#define N_STREAMS 300

/* Threads of this process: the test's own, the relay's daemon and its ask
 * scheduler (the relay runs in-process, relay_http.h). */
static int threads(void)
{
    DIR *d = opendir("/proc/self/task");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

START_TEST(open_streams_hold_no_thread_each)
{
    int before = threads();
    json_decref(rh_expect(rh_control("POST", "/ask",
        "{\"delay_ms\": 300, \"heartbeat_ms\": 100, \"streams\": 300}"), 200));
    as_stream *s[N_STREAMS];
    char body[256];
    for (int i = 0; i < N_STREAMS; i++) {
        snprintf(body, sizeof body, "{\"prompt\": \"echo: s%d a b c\", "
                 "\"session_id\": \"k%d\"}", i, i);
        s[i] = as_open(AS_ASK(1), body);
    }
    /* Every stream open and answered with its first bytes (a delta or a
     * heartbeat), none finished: all are live on the relay at once. */
    long until = as_now_ms() + 30000;
    for (bool all = false; !all && as_now_ms() < until;) {
        all = true;
        for (int i = 0; i < N_STREAMS; i++) {
            as_pump(s[i], 0);
            all = all && s[i]->len > 0;
        }
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "opened"), N_STREAMS);
    ck_assert_int_gt(rh_i(c, "active"), 0);
    json_decref(c);
    int during = threads();
    ck_assert_msg(during <= before + 1,
                  "%d threads with %d streams open, %d before", during,
                  N_STREAMS, before);
    for (bool all = false; !all && as_now_ms() < until;) {
        all = true;
        for (int i = 0; i < N_STREAMS; i++) {
            as_pump(s[i], 0);
            all = all && s[i]->done;
        }
        struct timespec ts = {0, 2 * 1000000L};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < N_STREAMS; i++) {
        ck_assert_msg(s[i]->done && s[i]->result == CURLE_OK, "stream %d", i);
        as_frames fs = as_parse(s[i]);
        ck_assert_uint_eq(fs.n, 5);   /* s<i> a b c + done */
        char *text = as_deltas(&fs);
        snprintf(body, sizeof body, "s%d a b c", i);
        ck_assert_str_eq(text, body);
        free(text);
        as_frames_free(&fs);
        as_close(s[i]);
    }
    c = as_counters();
    ck_assert_int_eq(rh_i(c, "completed"), N_STREAMS);
    ck_assert_int_eq(rh_i(c, "cancelled"), 0);
    json_decref(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask_scale");
    TCase *tc = tcase_create("scale");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, open_streams_hold_no_thread_each);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
