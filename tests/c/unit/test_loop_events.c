/*
 * test_loop_events.c — the event loop's event-driven parts (http_loop.c:
 * epoll + curl_multi_socket_action on Linux) and the synchronous path
 * (http_sync.c), against a fake server that records what it got:
 * many transfers at once, an idle deadline, a paused transfer resumed by a
 * wake-up, a unary run cancelled by id while in flight, and a reused
 * handle that carries nothing of the previous request over.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fake_delay.h"
#include "http_loop.h"
#include "retry.h"
#include "xfer_waiter.h"


static cmdop__http_req *raw_get(waiter *w) { return waiter_get(w, g_srv->url, "/x"); }

START_TEST(many_transfers_at_once)
{
    enum { N = 64 };
    g_delay_ms = 100;
    cmdop__loop *l = cmdop__loop_new();
    waiter *w = calloc(N, sizeof *w);
    cmdop__http_req *req[N];
    for (int i = 0; i < N; i++) {
        req[i] = raw_get(&w[i]);
        ck_assert_int_eq(cmdop__loop_submit(l, req[i], 0), 0);
    }
    for (int i = 0; i < N; i++) {
        wait_done(&w[i]);
        ck_assert_int_eq(w[i].done, 1);
        ck_assert_int_eq(w[i].xfer, CMDOP__XFER_OK);
        ck_assert_int_eq(w[i].status, 200);
        ck_assert_ptr_nonnull(strstr(req[i]->resp_body, "\"id\""));
        cmdop__http_req_free(req[i]);
    }
    ck_assert_int_eq(fake_count(g_srv), N);
    cmdop__loop_free(l);
    free(w);
}
END_TEST

static int64_t g_idle_at;

static int64_t idle_at(cmdop__http_req *req, void *payload)
{
    (void)req;
    (void)payload;
    return g_idle_at;
}

START_TEST(idle_deadline_ends_a_silent_transfer)
{
    g_delay_ms = 3000;
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    cmdop__http_req *req = raw_get(&w);
    int64_t t0 = cmdop__now_ms();
    g_idle_at = t0 + 300;
    req->idle_deadline = idle_at;
    ck_assert_int_eq(cmdop__loop_submit(l, req, 0), 0);
    wait_done(&w);
    int64_t took = cmdop__now_ms() - t0;
    ck_assert_int_eq(w.xfer, CMDOP__XFER_TIMEOUT);
    ck_assert_int_ge(took, 290);
    ck_assert_msg(took < 1500, "the idle deadline fired after %lld ms", (long long)took);
    ck_assert_ptr_nonnull(strstr(req->xfer_msg, "idle"));
    cmdop__http_req_free(req);
    cmdop__loop_free(l);
}
END_TEST

static size_t pausing_sink(cmdop__http_req *req, const char *d, size_t n, void *p)
{
    (void)req;
    waiter *w = p;
    if (!atomic_load(&w->may_go)) {
        atomic_fetch_add(&w->pauses, 1);
        return CMDOP__HTTP_PAUSE;
    }
    if (w->body_len + n < sizeof w->body) {
        memcpy(w->body + w->body_len, d, n);
        w->body_len += n;
    }
    return n;
}

static bool resume_when_allowed(cmdop__http_req *req, void *p)
{
    (void)req;
    waiter *w = p;
    return atomic_load(&w->may_go) != 0;
}

START_TEST(paused_transfer_resumes_on_wakeup)
{
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    cmdop__http_req *req = raw_get(&w);
    req->on_data = pausing_sink;
    req->may_resume = resume_when_allowed;
    ck_assert_int_eq(cmdop__loop_submit(l, req, 0), 0);
    while (atomic_load(&w.pauses) == 0)
        usleep(5 * 1000);
    usleep(200 * 1000);
    pthread_mutex_lock(&w.mu);
    ck_assert_int_eq(w.done, 0);           /* held while paused */
    pthread_mutex_unlock(&w.mu);
    atomic_store(&w.may_go, 1);
    cmdop__loop_wakeup(l);
    wait_done(&w);
    ck_assert_int_eq(w.xfer, CMDOP__XFER_OK);
    ck_assert_int_eq(w.status, 200);
    ck_assert_ptr_nonnull(strstr(w.body, "\"id\":\"x\""));   /* the kept chunk came again */
    cmdop__http_req_free(req);
    cmdop__loop_free(l);
}
END_TEST

typedef struct runner {
    cmdop__loop *l;
    cmdop__http_req *req;
    int rc, attempts;
    atomic_int started;
} runner;

static void *run_sync(void *p)
{
    runner *r = p;
    cmdop__retry_policy pol = {2, 10, 100, CMDOP__JITTER_EQUAL};
    atomic_store(&r->started, 1);
    r->rc = cmdop__retry_run_sync(r->l, r->req, &pol, NULL, NULL, &r->attempts);
    return NULL;
}

START_TEST(unary_run_cancelled_in_flight)
{
    g_delay_ms = 3000;
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    runner r = {.l = l, .req = raw_get(&w), .rc = -1};
    pthread_t t;
    pthread_create(&t, NULL, run_sync, &r);
    while (fake_count(g_srv) < 1)
        usleep(5 * 1000);
    int64_t t0 = cmdop__now_ms();
    cmdop__loop_cancel(l, r.req->id);   /* the id the run was given */
    pthread_join(t, NULL);
    ck_assert_int_lt(cmdop__now_ms() - t0, 1000);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.req->xfer, CMDOP__XFER_CANCELLED);
    ck_assert_str_eq(r.req->xfer_msg, "cancelled");
    ck_assert_int_eq(r.attempts, 1);    /* a cancelled attempt is not retried */
    ck_assert_int_eq(fake_count(g_srv), 1);
    cmdop__http_req_free(r.req);
    cmdop__loop_free(l);
}
END_TEST

START_TEST(unary_runs_reuse_one_connection)
{
    cmdop__loop *l = cmdop__loop_new();
    for (int i = 0; i < 4; i++) {
        waiter w;
        runner r = {.l = l, .req = raw_get(&w), .rc = -1};
        run_sync(&r);
        ck_assert_int_eq(r.rc, 0);
        ck_assert_int_eq(r.req->xfer, CMDOP__XFER_OK);
        ck_assert_int_eq(r.req->status, 200);
        ck_assert_int_eq(w.done, 0);     /* on the caller's thread: no on_done */
        cmdop__http_req_free(r.req);
    }
    ck_assert_int_eq(fake_count(g_srv), 4);
    ck_assert_int_eq(fake_connections(g_srv), 1);
    cmdop__loop_free(l);
}
END_TEST

/* One slot's easy handle is reused as it is (http_easy.h): each request
 * must carry its own method, body and headers, nothing of the previous. */
static void run_one(cmdop__loop *l, const char *method, const char *body, const char *hdr)
{
    waiter w;
    runner r = {.l = l, .req = raw_get(&w), .rc = -1};
    char url[96];
    snprintf(url, sizeof url, "%s/m", g_srv->url);
    ck_assert_int_eq(cmdop__http_req_set(r.req, method, url), 0);
    if (body)
        ck_assert_int_eq(cmdop__http_req_body(r.req, body, strlen(body)), 0);
    if (hdr)
        ck_assert_int_eq(cmdop__http_req_header(r.req, "X-Probe", hdr), 0);
    run_sync(&r);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.req->xfer, CMDOP__XFER_OK);
    cmdop__http_req_free(r.req);
}

static void expect(size_t i, const char *method, const char *body, const char *hdr)
{
    json_t *q = fake_request(g_srv, i);
    ck_assert_ptr_nonnull(q);
    ck_assert_str_eq(json_string_value(json_object_get(q, "method")), method);
    ck_assert_str_eq(json_string_value(json_object_get(q, "body")), body);
    json_t *h = json_object_get(json_object_get(q, "headers"), "x-probe");
    if (hdr)
        ck_assert_str_eq(json_string_value(h), hdr);
    else
        ck_assert_ptr_null(h);
    ck_assert_ptr_null(json_object_get(json_object_get(q, "headers"), "expect"));
    json_decref(q);
}

START_TEST(reused_handle_carries_nothing_over)
{
    cmdop__loop *l = cmdop__loop_new();
    run_one(l, "POST", "{\"a\":1}", "one");
    run_one(l, "GET", NULL, NULL);
    run_one(l, "PATCH", "{\"b\":2}", NULL);
    run_one(l, "DELETE", NULL, "two");
    run_one(l, "GET", NULL, NULL);
    run_one(l, "POST", NULL, NULL);
    expect(0, "POST", "{\"a\":1}", "one");
    expect(1, "GET", "", NULL);
    expect(2, "PATCH", "{\"b\":2}", NULL);
    expect(3, "DELETE", "", "two");
    expect(4, "GET", "", NULL);
    expect(5, "POST", "", NULL);
    json_t *q = fake_request(g_srv, 5);   /* a bodiless POST: no form type */
    ck_assert_ptr_null(json_object_get(json_object_get(q, "headers"), "content-type"));
    json_decref(q);
    ck_assert_int_eq(fake_connections(g_srv), 1);
    cmdop__loop_free(l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("loop_events");
    TCase *t = tcase_create("loop");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, many_transfers_at_once);
    tcase_add_test(t, idle_deadline_ends_a_silent_transfer);
    tcase_add_test(t, paused_transfer_resumes_on_wakeup);
    tcase_add_test(t, unary_run_cancelled_in_flight);
    tcase_add_test(t, unary_runs_reuse_one_connection);
    tcase_add_test(t, reused_handle_carries_nothing_over);
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
