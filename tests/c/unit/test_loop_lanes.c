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

/* A loop with at most `lanes` lanes and room for n transfers. */
typedef struct lanes_run {
    cmdop__loop *l;
    seen *s;
    cmdop__http_req **req;
    int n;
} lanes_run;

static lanes_run run_new(unsigned lanes, int n)
{
    lanes_run r = {cmdop__loop_new(), calloc((size_t)n, sizeof(seen)),
                   calloc((size_t)n, sizeof(cmdop__http_req *)), n};
    cmdop__loop_set_lanes(r.l, lanes);
    return r;
}

/* Submits transfers [from, to) of r. */
static void run_submit(lanes_run *r, int from, int to)
{
    for (int i = from; i < to; i++) {
        r->req[i] = seen_get(&r->s[i]);
        ck_assert_int_eq(cmdop__loop_submit(r->l, r->req[i], 0), 0);
    }
}

/* Waits for transfers [0, to) of r: each ended once, with `xfer`. */
static void run_wait(lanes_run *r, int to, cmdop__xfer xfer)
{
    for (int i = 0; i < to; i++) {
        wait_done(&r->s[i].w);
        ck_assert_int_eq(r->s[i].w.done, 1);
        ck_assert_int_eq(r->s[i].w.xfer, xfer);
    }
}

/* Frees the requests, the loop (unless already freed: NULL) and r. */
static void run_free(lanes_run *r)
{
    for (int i = 0; i < r->n; i++)
        cmdop__http_req_free(r->req[i]);
    cmdop__loop_free(r->l);
    free(r->req);
    free(r->s);
}

/* Submits all of r's transfers, held until all have arrived, and waits
 * for every one to succeed. */
static void run_held(lanes_run *r)
{
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = g_arrived + r->n;
    pthread_mutex_unlock(&g_hold_mu);
    run_submit(r, 0, r->n);
    run_wait(r, r->n, CMDOP__XFER_OK);
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

START_TEST(few_transfers_stay_on_one_thread)
{
    lanes_run r = run_new(2, SPREAD_AT - 2);
    run_held(&r);
    ck_assert_int_eq(on_thread(r.s, r.n, r.s[0].thread), r.n);
    for (int i = 0; i < r.n; i++)
        ck_assert_uint_eq(r.req[i]->lane, 1);
    run_free(&r);
}
END_TEST

START_TEST(many_transfers_spread_over_two_threads)
{
    enum { N = 6 * SPREAD_AT };
    lanes_run r = run_new(2, N);
    run_held(&r);
    /* the first SPREAD_AT filled the first lane before the second started */
    pthread_t first = r.s[0].thread, second = first;
    for (int i = 0; i < SPREAD_AT; i++) {
        ck_assert_uint_eq(r.req[i]->lane, 1);
        ck_assert(pthread_equal(r.s[i].thread, first));
    }
    for (int i = 0; i < N; i++)
        if (!pthread_equal(r.s[i].thread, first)) {
            second = r.s[i].thread;
            break;
        }
    ck_assert(!pthread_equal(first, second));
    int a = on_thread(r.s, N, first), b = on_thread(r.s, N, second);
    ck_assert_int_eq(a + b, N);   /* two threads, no third */
    /* the least loaded lane takes each new one: shares close to even */
    ck_assert_int_ge(b, N / 2 - SPREAD_AT);
    ck_assert_int_ge(a, N / 2 - SPREAD_AT);
    for (int i = 0; i < N; i++)
        ck_assert(pthread_equal(r.s[i].thread, r.req[i]->lane == 1 ? first : second));

    /* a request given another's lane runs on that one's thread */
    for (unsigned lane = 1; lane <= 2; lane++) {
        seen f;
        cmdop__http_req *q = seen_get(&f);
        q->lane = lane;
        ck_assert_int_eq(cmdop__loop_submit(r.l, q, 0), 0);
        wait_done(&f.w);
        ck_assert_int_eq(f.w.xfer, CMDOP__XFER_OK);
        ck_assert(pthread_equal(f.thread, lane == 1 ? first : second));
        cmdop__http_req_free(q);
    }
    run_free(&r);
}
END_TEST

START_TEST(placed_request_keeps_its_lane)
{
    enum { N = 3 * SPREAD_AT };
    lanes_run r = run_new(2, N + 1);
    /* hold N in flight so that placement has to choose between lanes */
    pthread_mutex_lock(&g_hold_mu);
    g_hold_until = N + 1;
    pthread_mutex_unlock(&g_hold_mu);
    run_submit(&r, 0, N);
    /* placed before its submission: the lane is chosen then and kept */
    r.req[N] = seen_get(&r.s[N]);
    cmdop__loop_place(r.l, r.req[N]);
    unsigned lane = r.req[N]->lane;
    ck_assert_uint_ge(lane, 1);
    ck_assert_uint_le(lane, 2);
    cmdop__loop_place(r.l, r.req[N]);       /* a second place is a no-op */
    ck_assert_uint_eq(r.req[N]->lane, lane);
    ck_assert_int_eq(cmdop__loop_submit(r.l, r.req[N], 0), 0);
    run_wait(&r, N + 1, CMDOP__XFER_OK);
    ck_assert_uint_eq(r.req[N]->lane, lane);
    /* a resubmission (a retry) stays where it ran */
    cmdop__http_req_reset_response(r.req[N]);
    r.s[N].w.done = 0;
    pthread_t before = r.s[N].thread;
    ck_assert_int_eq(cmdop__loop_submit(r.l, r.req[N], 0), 0);
    wait_done(&r.s[N].w);
    ck_assert_int_eq(r.s[N].w.xfer, CMDOP__XFER_OK);
    ck_assert(pthread_equal(r.s[N].thread, before));
    run_free(&r);
}
END_TEST

START_TEST(cancel_reaches_every_lane)
{
    lanes_run r = run_new(2, 4 * SPREAD_AT);
    hold_all();   /* answered only if the cancel is lost */
    run_submit(&r, 0, r.n);
    int on_second = 0;
    for (int i = 0; i < r.n; i++)
        on_second += r.req[i]->lane == 2;
    ck_assert_int_gt(on_second, 0);
    for (int i = 0; i < r.n; i++)
        cmdop__loop_cancel(r.l, r.req[i]->id);
    run_wait(&r, r.n, CMDOP__XFER_CANCELLED);
    release_held();
    run_free(&r);
}
END_TEST

START_TEST(one_lane_keeps_one_thread)
{
    lanes_run r = run_new(1, 4 * SPREAD_AT);
    run_held(&r);
    ck_assert_int_eq(on_thread(r.s, r.n, r.s[0].thread), r.n);
    run_free(&r);
}
END_TEST

START_TEST(closing_ends_transfers_on_every_lane)
{
    lanes_run r = run_new(2, 3 * SPREAD_AT);
    hold_all();
    run_submit(&r, 0, r.n);
    cmdop__loop_free(r.l);   /* joins every lane after ending its transfers */
    r.l = NULL;
    for (int i = 0; i < r.n; i++) {
        ck_assert_int_eq(r.s[i].w.done, 1);
        ck_assert_int_eq(r.s[i].w.xfer, CMDOP__XFER_CANCELLED);
    }
    release_held();
    run_free(&r);
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
