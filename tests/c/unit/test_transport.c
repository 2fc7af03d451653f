/*
 * test_transport.c — the event loop and the retry runner against a
 * scripted local HTTP server: keep-alive reuse, many concurrent calls on
 * the one loop thread, per-call timeout, retries (503, 429 + Retry-After,
 * attempt bound, cap), Idempotency-Key reused across retries of one POST and
 * fresh per call, no retry for a plain POST, connection refused, cancel by
 * id, streaming body callback, client_free failing in-flight work, and a
 * retry's backoff not blocking other calls.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cmdop/error.h"
#include "fake_http.h"
#include "fake_ops.h"
#include "http_loop.h"
#include "retry.h"
#include "xfer_waiter.h"

/* Script: the first `fail_n` requests answer `fail_status` (with
 * `retry_after` if set); every answer waits `delay_ms`. */
typedef struct script {
    int fail_n;
    int fail_status;
    const char *retry_after;
    int delay_ms;
    int slow_n;             /* if > 0, only the first slow_n answers are delayed */
} script;

static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s;
    script *sc = payload;
    r->delay_ms = sc->slow_n > 0 && q->index >= sc->slow_n ? 0 : sc->delay_ms;
    if (q->index < sc->fail_n) {
        r->status = sc->fail_status;
        r->json = json_pack("{s:s, s:s}", "code", sc->fail_status == 429 ? "rate_limit" : "server",
                            "message", "scripted failure");
        if (sc->retry_after)
            snprintf(r->retry_after, sizeof r->retry_after, "%s", sc->retry_after);
        return;
    }
    if (strcmp(q->method, "POST") == 0)
        r->status = 201;
    r->json = json_pack("{s:s, s:i}", "id", "x", "n", q->index);
}

static fake_server *g_srv;
static script g_script;

static void setup(void)
{
    memset(&g_script, 0, sizeof g_script);
    g_srv = fake_start(handler, &g_script);
}

static void teardown(void) { fake_stop(g_srv); }

static cmdop_client *client_with(long timeout_ms, int max_retries, long base_ms, long max_ms)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = "tok";
    o.api_key = "key";
    o.fleet_id = "f1";
    o.base_url = g_srv->url;
    o.api_base_url = g_srv->url;
    o.timeout_ms = timeout_ms;
    o.max_retries = max_retries;
    o.retry_base_ms = base_ms;
    o.retry_max_ms = max_ms;
    cmdop_client *c;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    return c;
}

static int get_machine(cmdop_client *c, json_t **out)
{
    json_t *args = json_pack("{s:s}", "machine_id", "m1");
    int rc = cmdop__call(c, &k_machines_get, args, out);
    json_decref(args);
    return rc;
}

static int add_member(cmdop_client *c, json_t **out)
{
    json_t *args = json_pack("{s:s}", "email", "new@example.com");
    int rc = cmdop__call(c, &k_members_add, args, out);
    json_decref(args);
    return rc;
}

START_TEST(keep_alive_reuses_one_connection)
{
    cmdop_client *c = client_with(5000, 0, 0, 0);
    for (int i = 0; i < 5; i++) {
        json_t *out;
        ck_assert_int_eq(get_machine(c, &out), 0);
        json_decref(out);
    }
    ck_assert_int_eq(fake_count(g_srv), 5);
    ck_assert_int_eq(fake_connections(g_srv), 1);
    cmdop_client_free(c);
}
END_TEST

typedef struct worker { cmdop_client *c; int rc; } worker;

static void *work(void *p)
{
    worker *w = p;
    json_t *out = NULL;
    w->rc = get_machine(w->c, &out);
    json_decref(out);
    return NULL;
}

START_TEST(concurrent_calls_share_the_loop)
{
    enum { N = 8 };
    g_script.delay_ms = 400;
    cmdop_client *c = client_with(10000, 0, 0, 0);
    pthread_t th[N];
    worker w[N];
    int64_t t0 = cmdop__now_ms();
    for (int i = 0; i < N; i++) {
        w[i].c = c;
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(w[i].rc, 0);
    }
    int64_t took = cmdop__now_ms() - t0;
    /* serially this would take N * 400 ms */
    ck_assert_msg(took < 4 * 400, "calls did not overlap: %lld ms", (long long)took);
    ck_assert_int_eq(fake_count(g_srv), N);
    cmdop_client_free(c);
}
END_TEST

START_TEST(timeout_maps_to_timeout)
{
    g_script.delay_ms = 1500;
    cmdop_client *c = client_with(200, 0, 0, 0);
    json_t *out;
    int64_t t0 = cmdop__now_ms();
    ck_assert_int_eq(get_machine(c, &out), CMDOP_ETIMEOUT);
    ck_assert_int_lt(cmdop__now_ms() - t0, 1200);
    ck_assert_str_eq(cmdop_error_last()->code_str, "timeout");
    ck_assert(cmdop_error_last()->retryable);
    cmdop_client_free(c);
}
END_TEST

START_TEST(timeout_is_retried)
{
    g_script.delay_ms = 1500;
    g_script.slow_n = 1;
    cmdop_client *c = client_with(300, 1, 10, 50);
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "n")), 1);
    json_decref(out);
    ck_assert_int_eq(fake_count(g_srv), 2);
    cmdop_client_free(c);
}
END_TEST

START_TEST(retries_503_until_success)
{
    g_script.fail_n = 2;
    g_script.fail_status = 503;
    cmdop_client *c = client_with(5000, 2, 10, 50);
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "n")), 2);
    json_decref(out);
    ck_assert_int_eq(fake_count(g_srv), 3);
    cmdop_client_free(c);
}
END_TEST

START_TEST(attempts_are_bounded)
{
    g_script.fail_n = 100;
    g_script.fail_status = 500;
    cmdop_client *c = client_with(5000, 2, 10, 50);
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), CMDOP_ESERVER);
    ck_assert_int_eq(fake_count(g_srv), 3);   /* 1 + max_retries */
    ck_assert_str_eq(cmdop_error_last()->request_id, "req-2");   /* the last attempt's */
    ck_assert_int_eq(cmdop_error_last()->http_status, 500);
    cmdop_client_free(c);
    c = client_with(5000, 0, 10, 50);
    ck_assert_int_eq(get_machine(c, &out), CMDOP_ESERVER);
    ck_assert_int_eq(fake_count(g_srv), 4);   /* max_retries 0: one attempt */
    cmdop_client_free(c);
}
END_TEST

START_TEST(retry_after_is_honoured)
{
    g_script.fail_n = 1;
    g_script.fail_status = 429;
    g_script.retry_after = "1";
    cmdop_client *c = client_with(5000, 2, 10, 8000);
    json_t *out;
    int64_t t0 = cmdop__now_ms();
    ck_assert_int_eq(get_machine(c, &out), 0);
    json_decref(out);
    int64_t took = cmdop__now_ms() - t0;
    ck_assert_msg(took >= 950, "Retry-After 1 s not waited: %lld ms", (long long)took);
    ck_assert_int_eq(fake_count(g_srv), 2);
    cmdop_client_free(c);
}
END_TEST

START_TEST(retry_after_is_capped)
{
    g_script.fail_n = 1;
    g_script.fail_status = 429;
    g_script.retry_after = "30";
    cmdop_client *c = client_with(5000, 1, 10, 200);
    json_t *out;
    int64_t t0 = cmdop__now_ms();
    ck_assert_int_eq(get_machine(c, &out), 0);
    json_decref(out);
    int64_t took = cmdop__now_ms() - t0;
    ck_assert_msg(took >= 190 && took < 2000, "cap 200 ms not applied: %lld ms", (long long)took);
    cmdop_client_free(c);
}
END_TEST

START_TEST(rate_limit_error_carries_retry_after)
{
    g_script.fail_n = 10;
    g_script.fail_status = 429;
    g_script.retry_after = "0";
    cmdop_client *c = client_with(5000, 1, 10, 20);
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), CMDOP_ERATELIMIT);
    ck_assert_int_eq(cmdop_error_last()->retry_after_ms, 0);
    ck_assert_int_eq(fake_count(g_srv), 2);
    cmdop_client_free(c);
}
END_TEST

START_TEST(post_with_key_retries_with_the_same_key)
{
    g_script.fail_n = 2;
    g_script.fail_status = 503;
    cmdop_client *c = client_with(5000, 3, 10, 50);
    json_t *out;
    ck_assert_int_eq(add_member(c, &out), 0);
    json_decref(out);
    ck_assert_int_eq(fake_count(g_srv), 3);
    json_t *r0 = fake_request(g_srv, 0);
    const char *key = fake_header(r0, "idempotency-key");
    ck_assert_ptr_nonnull(key);
    ck_assert_int_eq(strlen(key), 36);
    for (size_t i = 1; i < 3; i++) {
        json_t *ri = fake_request(g_srv, i);
        ck_assert_str_eq(fake_header(ri, "idempotency-key"), key);
        ck_assert_str_eq(json_string_value(json_object_get(ri, "body")),
                         json_string_value(json_object_get(r0, "body")));
        json_decref(ri);
    }
    /* a second logical call gets a fresh key */
    ck_assert_int_eq(add_member(c, &out), 0);
    json_decref(out);
    json_t *r3 = fake_request(g_srv, 3);
    ck_assert_str_ne(fake_header(r3, "idempotency-key"), key);
    json_decref(r3);
    json_decref(r0);
    cmdop_client_free(c);
}
END_TEST

START_TEST(plain_post_is_not_retried)
{
    g_script.fail_n = 1;
    g_script.fail_status = 503;
    cmdop_client *c = client_with(5000, 3, 10, 50);
    json_t *args = json_pack("{s:s}", "machine_id", "m1"), *out;
    ck_assert_int_eq(cmdop__call(c, &k_plain_post, args, &out), CMDOP_ESERVER);
    json_decref(args);
    ck_assert_int_eq(fake_count(g_srv), 1);
    json_t *r0 = fake_request(g_srv, 0);
    ck_assert_ptr_null(fake_header(r0, "idempotency-key"));
    json_decref(r0);
    cmdop_client_free(c);
}
END_TEST

START_TEST(connection_refused)
{
    fake_server *dead = fake_start(handler, &g_script);
    char url[64];
    snprintf(url, sizeof url, "%s", dead->url);
    fake_stop(dead);
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = "tok";
    o.base_url = url;
    o.max_retries = 1;
    o.retry_base_ms = 10;
    cmdop_client *c;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), CMDOP_ECONNECTION);
    ck_assert_str_eq(cmdop_error_last()->code_str, "connection");
    ck_assert_int_eq(cmdop_error_last()->http_status, 0);
    cmdop_client_free(c);
}
END_TEST

static size_t on_data(cmdop__http_req *req, const char *d, size_t n, void *p)
{
    waiter *w = p;
    ck_assert_int_eq(req->status, 200);   /* known before the body */
    if (w->body_len + n < sizeof w->body) {
        memcpy(w->body + w->body_len, d, n);
        w->body_len += n;
    }
    w->chunks++;
    return n;
}

static cmdop__http_req *raw_get(waiter *w) { return waiter_get(w, g_srv->url, "/stream"); }

START_TEST(cancel_by_id)
{
    g_script.delay_ms = 2000;
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    cmdop__http_req *req = raw_get(&w);
    ck_assert_int_eq(cmdop__loop_submit(l, req, 0), 0);
    usleep(100 * 1000);
    int64_t t0 = cmdop__now_ms();
    cmdop__loop_cancel(l, req->id);
    wait_done(&w);
    ck_assert_int_lt(cmdop__now_ms() - t0, 1000);
    ck_assert_int_eq(w.xfer, CMDOP__XFER_CANCELLED);
    ck_assert_int_eq(w.done, 1);
    cmdop__loop_cancel(l, req->id);   /* finished: ignored */
    cmdop__loop_cancel(l, 999999);     /* unknown: ignored */
    cmdop__http_req_free(req);
    cmdop__loop_free(l);
}
END_TEST

START_TEST(cancel_a_waiting_timer)
{
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    cmdop__http_req *req = raw_get(&w);
    ck_assert_int_eq(cmdop__loop_submit(l, req, 60000), 0);
    cmdop__loop_cancel(l, req->id);
    wait_done(&w);
    ck_assert_int_eq(w.xfer, CMDOP__XFER_CANCELLED);
    ck_assert_int_eq(fake_count(g_srv), 0);
    cmdop__http_req_free(req);
    cmdop__loop_free(l);
}
END_TEST

START_TEST(streaming_callback_gets_the_body)
{
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    cmdop__http_req *req = raw_get(&w);
    req->on_data = on_data;
    ck_assert_int_eq(cmdop__loop_submit(l, req, 0), 0);
    wait_done(&w);
    ck_assert_int_eq(w.xfer, CMDOP__XFER_OK);
    ck_assert_int_eq(w.status, 200);
    ck_assert_int_ge(w.chunks, 1);
    ck_assert_ptr_nonnull(strstr(w.body, "\"id\":\"x\""));
    ck_assert_ptr_null(req->resp_body);   /* streamed, not buffered */
    ck_assert_str_eq(req->request_id, "req-0");
    cmdop__http_req_free(req);
    cmdop__loop_free(l);
}
END_TEST

START_TEST(loop_free_fails_pending_work)
{
    g_script.delay_ms = 2000;
    cmdop__loop *l = cmdop__loop_new();
    waiter w1, w2;
    cmdop__http_req *r1 = raw_get(&w1), *r2 = raw_get(&w2);
    ck_assert_int_eq(cmdop__loop_submit(l, r1, 0), 0);      /* in flight */
    ck_assert_int_eq(cmdop__loop_submit(l, r2, 30000), 0);  /* waiting as a timer */
    usleep(100 * 1000);
    int64_t t0 = cmdop__now_ms();
    cmdop__loop_free(l);
    ck_assert_int_lt(cmdop__now_ms() - t0, 1000);
    ck_assert_int_eq(w1.done, 1);
    ck_assert_int_eq(w2.done, 1);
    ck_assert_int_eq(w1.xfer, CMDOP__XFER_CANCELLED);
    ck_assert_int_eq(w2.xfer, CMDOP__XFER_CANCELLED);
    cmdop__http_req_free(r1);
    cmdop__http_req_free(r2);
}
END_TEST

typedef struct runner {
    cmdop__loop *l;
    cmdop__http_req *req;
    int rc, attempts;
} runner;

static void *run_with_retries(void *p)
{
    runner *r = p;
    cmdop__retry_policy pol = {3, 10, 8000, CMDOP__JITTER_EQUAL};
    r->rc = cmdop__retry_run_sync(r->l, r->req, &pol, NULL, NULL, &r->attempts);
    return NULL;
}

START_TEST(cancel_during_backoff_uses_the_first_id)
{
    g_script.fail_n = 1;
    g_script.fail_status = 429;
    g_script.retry_after = "5";
    cmdop__loop *l = cmdop__loop_new();
    waiter w;
    runner r = {l, raw_get(&w), -1, 0};
    pthread_t t;
    pthread_create(&t, NULL, run_with_retries, &r);
    while (fake_count(g_srv) < 1)
        usleep(10 * 1000);
    usleep(100 * 1000);   /* attempt 1 answered 429; attempt 2 waits 5 s */
    int64_t t0 = cmdop__now_ms();
    cmdop__loop_cancel(l, r.req->id);
    pthread_join(t, NULL);
    ck_assert_int_lt(cmdop__now_ms() - t0, 1000);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.req->xfer, CMDOP__XFER_CANCELLED);
    ck_assert_int_eq(r.attempts, 2);
    ck_assert_int_eq(fake_count(g_srv), 1);
    cmdop__http_req_free(r.req);
    cmdop__loop_free(l);
}
END_TEST

typedef struct closer { cmdop_client *c; int rc; } closer;

static void *slow_call(void *p)
{
    closer *cl = p;
    json_t *out = NULL;
    cl->rc = get_machine(cl->c, &out);
    json_decref(out);
    return NULL;
}

START_TEST(client_free_cancels_in_flight_calls)
{
    g_script.delay_ms = 2000;
    cmdop_client *c = client_with(10000, 2, 10, 50);
    closer cl = {c, 0};
    pthread_t t;
    pthread_create(&t, NULL, slow_call, &cl);
    usleep(200 * 1000);
    cmdop_client_free(c);
    pthread_join(t, NULL);
    ck_assert_int_eq(cl.rc, CMDOP_ECANCELLED);
}
END_TEST

START_TEST(backoff_does_not_block_other_calls)
{
    /* request 0 gets 429 + Retry-After 2; everything after succeeds */
    g_script.fail_n = 1;
    g_script.fail_status = 429;
    g_script.retry_after = "2";
    cmdop_client *c = client_with(10000, 1, 10, 8000);
    closer slow = {c, -1};
    pthread_t t;
    pthread_create(&t, NULL, slow_call, &slow);
    while (fake_count(g_srv) < 1)
        usleep(10 * 1000);
    usleep(100 * 1000);   /* the first call now waits in its backoff */
    int64_t t0 = cmdop__now_ms();
    json_t *out;
    ck_assert_int_eq(get_machine(c, &out), 0);
    json_decref(out);
    ck_assert_msg(cmdop__now_ms() - t0 < 1000, "a backoff blocked the loop");
    pthread_join(t, NULL);
    ck_assert_int_eq(slow.rc, 0);
    ck_assert_int_eq(fake_count(g_srv), 3);
    cmdop_client_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("transport");
    TCase *t = tcase_create("loop");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, keep_alive_reuses_one_connection);
    tcase_add_test(t, concurrent_calls_share_the_loop);
    tcase_add_test(t, timeout_maps_to_timeout);
    tcase_add_test(t, timeout_is_retried);
    tcase_add_test(t, retries_503_until_success);
    tcase_add_test(t, attempts_are_bounded);
    tcase_add_test(t, retry_after_is_honoured);
    tcase_add_test(t, retry_after_is_capped);
    tcase_add_test(t, rate_limit_error_carries_retry_after);
    tcase_add_test(t, post_with_key_retries_with_the_same_key);
    tcase_add_test(t, plain_post_is_not_retried);
    tcase_add_test(t, connection_refused);
    tcase_add_test(t, cancel_by_id);
    tcase_add_test(t, cancel_a_waiting_timer);
    tcase_add_test(t, cancel_during_backoff_uses_the_first_id);
    tcase_add_test(t, streaming_callback_gets_the_body);
    tcase_add_test(t, loop_free_fails_pending_work);
    tcase_add_test(t, client_free_cancels_in_flight_calls);
    tcase_add_test(t, backoff_does_not_block_other_calls);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
