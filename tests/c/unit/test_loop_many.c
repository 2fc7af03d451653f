/*
 * test_loop_many.c — the loop with hundreds of transfers open (http_loop.c):
 * past LOOP_FRESH_AT (256) open transfers a new one gets its own connection
 * and closes it when done, below it a finished transfer's connection is
 * kept for the next; and a transfer cancelled right after its submission
 * (still queued, or due and not started yet) ends once, as cancelled,
 * while the others complete; and a lane has at most its window of
 * transfers waiting for their status line, the others start as answers
 * come. Against a fake server that counts the TCP connections it accepted
 * and saw closed.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_delay.h"
#include "http_loop.h"
#include "xfer_waiter.h"

/* LOOP_FRESH_AT in http_loop.c */
#define FRESH_AT 256
/* a small window (cmdop__loop_set_window): the fake server runs a thread
 * per connection, and valgrind allows 500 */
#define WINDOW 40

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

START_TEST(past_the_threshold_a_transfer_has_its_own_connection)
{
    enum { N = FRESH_AT + 44 };
    /* every transfer is still open when the last one starts: no answer
     * before all N requests arrived */
    g_hold_until = N;
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 1); /* the threshold counts one lane's transfers */
    waiter *w = calloc(N, sizeof *w);
    cmdop__http_req **req = calloc(N, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = waiter_get(&w[i], g_srv->url, "/x");
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    for (int i = 0; i < N; i++) {
        wait_done(&w[i]);
        ck_assert_int_eq(w[i].done, 1);
        ck_assert_int_eq(w[i].xfer, CMDOP__XFER_OK);
        ck_assert_int_eq(w[i].status, 200);
        cmdop__http_req_free(req[i]);
    }
    ck_assert_int_eq(fake_count(g_srv), N);
    ck_assert_int_eq(fake_connections(g_srv), N);
    /* the ones started past the threshold closed their connections (the
     * first FRESH_AT kept theirs, though libcurl's pool may close a few of
     * those as the transfers end: its size follows the transfers attached) */
    for (int t = 0; t < 100 && fake_closed(g_srv) < N - FRESH_AT; t++)
        sleep_ms(50);
    ck_assert_int_ge(fake_closed(g_srv), N - FRESH_AT);
    ck_assert_int_lt(fake_closed(g_srv), N);
    /* with few open, a transfer reuses a kept connection */
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = 0;
    pthread_mutex_unlock(&g_hold_mu);
    waiter one;
    cmdop__http_req *r = waiter_get(&one, g_srv->url, "/x");
    ck_assert_int_eq(cmdop__loop_submit(l, r, 0), 0);
    wait_done(&one);
    ck_assert_int_eq(one.xfer, CMDOP__XFER_OK);
    ck_assert_int_eq(fake_connections(g_srv), N);
    cmdop__http_req_free(r);
    cmdop__loop_free(l);
    free(req);
    free(w);
}
END_TEST

START_TEST(cancelled_right_after_submit_ends_once)
{
    enum { N = 64 };
    g_delay_ms = 200;
    cmdop__loop *l = cmdop__loop_new();
    waiter *w = calloc(N, sizeof *w);
    cmdop__http_req **req = calloc(N, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = waiter_get(&w[i], g_srv->url, "/x");
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
        if (i % 2)
            cmdop__loop_cancel(l, req[i]->id);
    }
    for (int i = 0; i < N; i++) {
        wait_done(&w[i]);
        ck_assert_int_eq(w[i].xfer, i % 2 ? CMDOP__XFER_CANCELLED : CMDOP__XFER_OK);
    }
    /* no late second report */
    sleep_ms(300);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(w[i].done, 1);
        cmdop__http_req_free(req[i]);
    }
    cmdop__loop_free(l);
    free(req);
    free(w);
}
END_TEST

/* g_arrived once it has stayed the same for 300 ms (at most ~30 s). */
static int arrivals_settled(void)
{
    int last = -1;
    for (int t = 0; t < 100; t++) {
        pthread_mutex_lock(&g_hold_mu);
        int now = g_arrived;
        pthread_mutex_unlock(&g_hold_mu);
        if (now == last)
            return now;
        last = now;
        sleep_ms(300);
    }
    return last;
}

START_TEST(a_lane_opens_a_window_at_a_time)
{
    enum { N = WINDOW + 25 };
    /* the server answers nobody until told: only the window's requests
     * may reach it */
    g_hold_until = 1 << 30;
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 1);
    cmdop__loop_set_window(l, WINDOW);
    waiter *w = calloc(N, sizeof *w);
    cmdop__http_req **req = calloc(N, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = waiter_get(&w[i], g_srv->url, "/x");
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    ck_assert_int_eq(arrivals_settled(), WINDOW);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(w[i].done, 0);
    /* answers free the window: the rest go out and everything completes */
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = 0;
    pthread_cond_broadcast(&g_hold_cv);
    pthread_mutex_unlock(&g_hold_mu);
    for (int i = 0; i < N; i++) {
        wait_done(&w[i]);
        ck_assert_int_eq(w[i].xfer, CMDOP__XFER_OK);
        ck_assert_int_eq(w[i].status, 200);
        cmdop__http_req_free(req[i]);
    }
    ck_assert_int_eq(fake_count(g_srv), N);
    cmdop__loop_free(l);
    free(req);
    free(w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("loop_many");
    TCase *t = tcase_create("loop");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, past_the_threshold_a_transfer_has_its_own_connection);
    tcase_add_test(t, cancelled_right_after_submit_ends_once);
    tcase_add_test(t, a_lane_opens_a_window_at_a_time);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
