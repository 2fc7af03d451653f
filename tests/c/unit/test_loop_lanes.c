/*
 * test_loop_lanes.c — the loop's lanes (http_loop.c "Lanes"): few transfers
 * stay on the first loop thread; past LOOP_SPREAD_AT in flight new ones go
 * to a second thread, so both carry a share; a request given another's
 * lane (cmdop__loop_place, req->lane) runs on that one's thread; a cancel
 * reaches a transfer on any lane; cmdop__loop_set_lanes(1) keeps one
 * thread. Every transfer is held open by the fake server until all have
 * arrived, so "in flight at once" does not depend on the machine's speed.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fake_delay.h"
#include "http_loop.h"
#include "xfer_waiter.h"

/* LOOP_SPREAD_AT in http_loop.c */
#define SPREAD_AT 32

/* A transfer and the thread its on_done ran on. */
typedef struct seen {
    waiter w;
    pthread_t thread;
} seen;

static void seen_on_done(cmdop__http_req *req, void *p)
{
    seen *s = p;
    s->thread = pthread_self();
    waiter_on_done(req, &s->w);
}

static cmdop__http_req *seen_get(seen *s)
{
    cmdop__http_req *req = waiter_get(&s->w, g_srv->url, "/x");
    req->on_done = seen_on_done;
    req->payload = s;
    return req;
}

/* Submits n held transfers on l and waits for all; req[] and s[] are the
 * caller's (n each). */
static void run_held(cmdop__loop *l, seen *s, cmdop__http_req **req, int n)
{
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = g_arrived + n;
    pthread_mutex_unlock(&g_hold_mu);
    for (int i = 0; i < n; i++) {
        req[i] = seen_get(&s[i]);
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    for (int i = 0; i < n; i++) {
        wait_done(&s[i].w);
        ck_assert_int_eq(s[i].w.done, 1);
        ck_assert_int_eq(s[i].w.xfer, CMDOP__XFER_OK);
        ck_assert_int_eq(s[i].w.status, 200);
    }
}

/* Holds every request in the fake server until release_held(). */
static void hold_all(void)
{
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = 1 << 30;
    pthread_mutex_unlock(&g_hold_mu);
}

static void release_held(void)
{
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = 0;
    pthread_cond_broadcast(&g_hold_cv);
    pthread_mutex_unlock(&g_hold_mu);
}

/* How many of s[0..n) ran on thread t. */
static int on_thread(const seen *s, int n, pthread_t t)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += pthread_equal(s[i].thread, t) != 0;
    return k;
}

static void free_all(cmdop__http_req **req, int n)
{
    for (int i = 0; i < n; i++)
        cmdop__http_req_free(req[i]);
}

START_TEST(few_transfers_stay_on_one_thread)
{
    enum { N = SPREAD_AT - 2 };
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 2);
    seen s[N];
    cmdop__http_req *req[N];
    run_held(l, s, req, N);
    ck_assert_int_eq(on_thread(s, N, s[0].thread), N);
    for (int i = 0; i < N; i++)
        ck_assert_uint_eq(req[i]->lane, 1);
    free_all(req, N);
    cmdop__loop_free(l);
}
END_TEST

START_TEST(many_transfers_spread_over_two_threads)
{
    enum { N = 6 * SPREAD_AT };
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 2);
    seen *s = calloc(N, sizeof *s);
    cmdop__http_req **req = calloc(N, sizeof *req);
    run_held(l, s, req, N);
    /* the first SPREAD_AT filled the first lane before the second started */
    pthread_t first = s[0].thread, second = first;
    for (int i = 0; i < SPREAD_AT; i++) {
        ck_assert_uint_eq(req[i]->lane, 1);
        ck_assert(pthread_equal(s[i].thread, first));
    }
    for (int i = 0; i < N; i++)
        if (!pthread_equal(s[i].thread, first)) {
            second = s[i].thread;
            break;
        }
    ck_assert(!pthread_equal(first, second));
    int a = on_thread(s, N, first), b = on_thread(s, N, second);
    ck_assert_int_eq(a + b, N);   /* two threads, no third */
    /* the least loaded lane takes each new one: shares close to even */
    ck_assert_int_ge(b, N / 2 - SPREAD_AT);
    ck_assert_int_ge(a, N / 2 - SPREAD_AT);
    for (int i = 0; i < N; i++)
        ck_assert(pthread_equal(s[i].thread, req[i]->lane == 1 ? first : second));

    /* a request given another's lane runs on that one's thread */
    for (int lane = 1; lane <= 2; lane++) {
        seen f;
        cmdop__http_req *r = seen_get(&f);
        r->lane = (unsigned)lane;
        ck_assert_int_eq(cmdop__loop_submit(l, r, 0), 0);
        wait_done(&f.w);
        ck_assert_int_eq(f.w.xfer, CMDOP__XFER_OK);
        ck_assert(pthread_equal(f.thread, lane == 1 ? first : second));
        cmdop__http_req_free(r);
    }
    free_all(req, N);
    cmdop__loop_free(l);
    free(req);
    free(s);
}
END_TEST

START_TEST(placed_request_keeps_its_lane)
{
    enum { N = 3 * SPREAD_AT };
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 2);
    /* hold N in flight so that placement has to choose between lanes */
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = N + 1;
    pthread_mutex_unlock(&g_hold_mu);
    seen *s = calloc(N + 1, sizeof *s);
    cmdop__http_req **req = calloc(N + 1, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = seen_get(&s[i]);
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    /* placed before its submission: the lane is chosen then and kept */
    req[N] = seen_get(&s[N]);
    cmdop__loop_place(l, req[N]);
    unsigned lane = req[N]->lane;
    ck_assert_uint_ge(lane, 1);
    ck_assert_uint_le(lane, 2);
    cmdop__loop_place(l, req[N]);           /* a second place is a no-op */
    ck_assert_uint_eq(req[N]->lane, lane);
    ck_assert_int_eq(cmdop__loop_submit(l, req[N], 0), 0);
    for (int i = 0; i <= N; i++) {
        wait_done(&s[i].w);
        ck_assert_int_eq(s[i].w.xfer, CMDOP__XFER_OK);
    }
    ck_assert_uint_eq(req[N]->lane, lane);
    /* a resubmission (a retry) stays where it ran */
    cmdop__http_req_reset_response(req[N]);
    memset(&s[N].w.done, 0, sizeof s[N].w.done);
    pthread_t before = s[N].thread;
    ck_assert_int_eq(cmdop__loop_submit(l, req[N], 0), 0);
    wait_done(&s[N].w);
    ck_assert_int_eq(s[N].w.xfer, CMDOP__XFER_OK);
    ck_assert(pthread_equal(s[N].thread, before));
    free_all(req, N + 1);
    cmdop__loop_free(l);
    free(req);
    free(s);
}
END_TEST

START_TEST(cancel_reaches_every_lane)
{
    enum { N = 4 * SPREAD_AT };
    hold_all();   /* answered only if the cancel is lost */
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 2);
    seen *s = calloc(N, sizeof *s);
    cmdop__http_req **req = calloc(N, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = seen_get(&s[i]);
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    int on_second = 0;
    for (int i = 0; i < N; i++)
        on_second += req[i]->lane == 2;
    ck_assert_int_gt(on_second, 0);
    for (int i = 0; i < N; i++)
        cmdop__loop_cancel(l, req[i]->id);
    for (int i = 0; i < N; i++) {
        wait_done(&s[i].w);
        ck_assert_int_eq(s[i].w.done, 1);
        ck_assert_int_eq(s[i].w.xfer, CMDOP__XFER_CANCELLED);
    }
    release_held();
    free_all(req, N);
    cmdop__loop_free(l);
    free(req);
    free(s);
}
END_TEST

START_TEST(one_lane_keeps_one_thread)
{
    enum { N = 4 * SPREAD_AT };
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 1);
    seen *s = calloc(N, sizeof *s);
    cmdop__http_req **req = calloc(N, sizeof *req);
    run_held(l, s, req, N);
    ck_assert_int_eq(on_thread(s, N, s[0].thread), N);
    free_all(req, N);
    cmdop__loop_free(l);
    free(req);
    free(s);
}
END_TEST

START_TEST(closing_ends_transfers_on_every_lane)
{
    enum { N = 3 * SPREAD_AT };
    hold_all();
    cmdop__loop *l = cmdop__loop_new();
    cmdop__loop_set_lanes(l, 2);
    seen *s = calloc(N, sizeof *s);
    cmdop__http_req **req = calloc(N, sizeof *req);
    for (int i = 0; i < N; i++) {
        req[i] = seen_get(&s[i]);
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    cmdop__loop_free(l);   /* joins every lane after ending its transfers */
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(s[i].w.done, 1);
        ck_assert_int_eq(s[i].w.xfer, CMDOP__XFER_CANCELLED);
    }
    release_held();
    free_all(req, N);
    free(req);
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("loop_lanes");
    TCase *t = tcase_create("lanes");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, few_transfers_stay_on_one_thread);
    tcase_add_test(t, many_transfers_spread_over_two_threads);
    tcase_add_test(t, placed_request_keeps_its_lane);
    tcase_add_test(t, cancel_reaches_every_lane);
    tcase_add_test(t, one_lane_keeps_one_thread);
    tcase_add_test(t, closing_ends_transfers_on_every_lane);
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
