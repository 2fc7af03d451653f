/*
 * test_cancel.c — the driver's cancellation object (cancel.h) against the
 * scripted local HTTP server: a slow answer cancelled from another thread
 * (the client closes the connection, no second attempt although retries
 * are allowed), a retry's backoff cancelled (no second request), a token
 * cancelled before the call (nothing sent), a pager that fetches no page
 * after a cancel, and the fleets.get scan cancelled during a page fetch.
 * Assertions are on what the server saw, not on timing.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_internal.h"
#include "cancel.h"
#include "cmdop/error.h"
#include "fake_http.h"
#include "fake_ops.h"

/* Script: request `fail_at` answers 503 (+ Retry-After `retry_after`);
 * requests from `slow_from` on wait `delay_ms`; every other answer is a
 * full fleets page (100 items, total 100000) so a scan never runs out. */
typedef struct script {
    int fail_at;            /* -1: none */
    const char *retry_after;
    int slow_from;          /* -1: none */
    int delay_ms;
} script;

static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s;
    script *sc = payload;
    if (sc->slow_from >= 0 && q->index >= sc->slow_from)
        r->delay_ms = sc->delay_ms;
    if (q->index == sc->fail_at) {
        r->status = 503;
        r->json = json_pack("{s:s, s:s}", "code", "server", "message", "scripted failure");
        if (sc->retry_after)
            snprintf(r->retry_after, sizeof r->retry_after, "%s", sc->retry_after);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < 100; i++)
        json_array_append_new(items, json_pack("{s:s, s:s}", "id", "fleet", "name", "n"));
    r->json = json_pack("{s:o, s:i, s:s, s:s}", "items", items, "total", 100000,
                        "id", "x", "machine_id", "m1");
}

static fake_server *g_srv;
static script g_script;

static void setup(void)
{
    g_script = (script){.fail_at = -1, .slow_from = -1};
    g_srv = fake_start(handler, &g_script);
}

static void teardown(void) { fake_stop(g_srv); }

static cmdop_client *new_client(void)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = "tok";
    o.api_key = "key";
    o.fleet_id = "f1";
    o.base_url = g_srv->url;
    o.api_base_url = g_srv->url;
    o.timeout_ms = 20000;
    o.max_retries = 3;          /* retries allowed: a cancel must stop them */
    o.retry_base_ms = 10;
    o.retry_max_ms = 8000;
    cmdop_client *c;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    return c;
}

typedef struct job {
    cmdop_client *c;
    const cmdop__op_desc *op;
    json_t *args;
    cmdop__cancel *tok;
    int rc;
    int err_code;
} job;

static void *run_job(void *p)
{
    job *j = p;
    cmdop__call_opts o = {.wire_offset = -1, .raw = false, .cancel = j->tok};
    json_t *out = NULL;
    j->rc = cmdop__call_ex(j->c, j->op, j->args, &o, &out);
    /* the thread's own last error */
    j->err_code = j->rc ? cmdop_error_last()->code : 0;
    json_decref(out);
    return NULL;
}

/* Wait (bounded) until the server has recorded `n` requests. */
static void wait_requests(size_t n)
{
    for (int i = 0; i < 1000 && fake_count(g_srv) < n; i++)
        usleep(10 * 1000);
    ck_assert_uint_ge(fake_count(g_srv), n);
}

static void start_job(job *j, pthread_t *t, cmdop_client *c, const cmdop__op_desc *op,
                      json_t *args)
{
    *j = (job){.c = c, .op = op, .args = args, .tok = cmdop__cancel_new()};
    ck_assert_ptr_nonnull(j->tok);
    ck_assert_int_eq(pthread_create(t, NULL, run_job, j), 0);
}

START_TEST(slow_answer_cancelled_from_another_thread)
{
    g_script.slow_from = 0;
    g_script.delay_ms = 1500;
    cmdop_client *c = new_client();
    json_t *args = json_pack("{s:s}", "machine_id", "m1");
    job j;
    pthread_t t;
    start_job(&j, &t, c, &k_machines_get, args);
    wait_requests(1);
    cmdop__cancel_cancel(j.tok);
    cmdop__cancel_cancel(j.tok);   /* idempotent */
    pthread_join(t, NULL);
    ck_assert_int_eq(j.rc, CMDOP_ECANCELLED);
    ck_assert_int_eq(j.err_code, CMDOP_ECANCELLED);
    ck_assert(cmdop__cancel_is_cancelled(j.tok));
    /* the client closed the connection of the aborted transfer (a finished
     * one stays open for keep-alive while the client lives) */
    for (int i = 0; i < 1000 && fake_closed(g_srv) < 1; i++)
        usleep(10 * 1000);
    ck_assert_int_ge(fake_closed(g_srv), 1);
    /* and sent no second attempt although retries were allowed */
    ck_assert_uint_eq(fake_count(g_srv), 1);
    cmdop_client_free(c);
    ck_assert_uint_eq(fake_count(g_srv), 1);
    cmdop__cancel_free(j.tok);
    json_decref(args);
}
END_TEST

START_TEST(retry_backoff_cancelled)
{
    /* the first answer is a 503 asking for 5 s: the retry waits as a timer */
    g_script.fail_at = 0;
    g_script.retry_after = "5";
    cmdop_client *c = new_client();
    json_t *args = json_pack("{s:s}", "machine_id", "m1");
    job j;
    pthread_t t;
    start_job(&j, &t, c, &k_machines_get, args);
    wait_requests(1);
    usleep(100 * 1000);            /* let the 503 come back: now in backoff */
    cmdop__cancel_cancel(j.tok);
    /* without the cancel the join would last the backoff and the retry
     * would be the server's second request */
    pthread_join(t, NULL);
    ck_assert_int_eq(j.rc, CMDOP_ECANCELLED);
    ck_assert_uint_eq(fake_count(g_srv), 1);
    /* another call still works: the loop is fine and the retry timer gone */
    json_t *out = NULL;
    ck_assert_int_eq(cmdop__call(c, &k_machines_get, args, &out), 0);
    json_decref(out);
    ck_assert_uint_eq(fake_count(g_srv), 2);
    cmdop_client_free(c);
    cmdop__cancel_free(j.tok);
    json_decref(args);
}
END_TEST

START_TEST(cancelled_before_the_call_sends_nothing)
{
    cmdop_client *c = new_client();
    cmdop__cancel *tok = cmdop__cancel_new();
    cmdop__cancel_cancel(tok);
    json_t *args = json_pack("{s:s}", "machine_id", "m1");
    cmdop__call_opts o = {.wire_offset = -1, .cancel = tok};
    json_t *out = NULL;
    ck_assert_int_eq(cmdop__call_ex(c, &k_machines_get, args, &o, &out), CMDOP_ECANCELLED);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(cmdop_error_last()->code, CMDOP_ECANCELLED);
    ck_assert_uint_eq(fake_count(g_srv), 0);
    /* NULL token and a fresh token: the call runs */
    cmdop__cancel *fresh = cmdop__cancel_new();
    o.cancel = fresh;
    ck_assert_int_eq(cmdop__call_ex(c, &k_machines_get, args, &o, &out), 0);
    json_decref(out);
    ck_assert_uint_eq(fake_count(g_srv), 1);
    ck_assert(!cmdop__cancel_is_cancelled(NULL));
    cmdop__cancel_cancel(NULL);
    cmdop_client_free(c);
    cmdop__cancel_free(tok);
    cmdop__cancel_free(fresh);
    json_decref(args);
}
END_TEST

START_TEST(pager_fetches_no_page_after_cancel)
{
    cmdop_client *c = new_client();
    cmdop__cancel *tok = cmdop__cancel_new();
    json_t *args = json_object();
    cmdop_pager *p = NULL;
    ck_assert_int_eq(cmdop__pager_new(&p, c, &k_fleets_list, args), 0);
    cmdop__pager_set_cancel(p, tok);
    json_t *page = NULL;
    ck_assert_int_eq(cmdop__pager_next_page(p, &page), 0);
    json_decref(page);
    ck_assert_uint_eq(fake_count(g_srv), 1);
    cmdop__cancel_cancel(tok);
    page = NULL;
    ck_assert_int_eq(cmdop__pager_next_page(p, &page), CMDOP_ECANCELLED);
    ck_assert_ptr_null(page);
    ck_assert_uint_eq(fake_count(g_srv), 1);
    cmdop_pager_free(p);
    cmdop_client_free(c);
    cmdop__cancel_free(tok);
    json_decref(args);
}
END_TEST

START_TEST(scan_cancelled_during_a_page)
{
    /* fleets.get pages through fleets.list and never finds "nope" in these
     * endless pages; the second page is slow and gets cancelled */
    g_script.slow_from = 1;
    g_script.delay_ms = 1500;
    cmdop_client *c = new_client();
    json_t *args = json_pack("{s:s}", "fleet_id", "nope");
    job j;
    pthread_t t;
    start_job(&j, &t, c, &k_fleets_get, args);
    wait_requests(2);
    cmdop__cancel_cancel(j.tok);
    pthread_join(t, NULL);
    ck_assert_int_eq(j.rc, CMDOP_ECANCELLED);
    cmdop_client_free(c);
    /* no page after the one cancelled */
    ck_assert_uint_eq(fake_count(g_srv), 2);
    cmdop__cancel_free(j.tok);
    json_decref(args);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cancel");
    TCase *t = tcase_create("cancel");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, slow_answer_cancelled_from_another_thread);
    tcase_add_test(t, retry_backoff_cancelled);
    tcase_add_test(t, cancelled_before_the_call_sends_nothing);
    tcase_add_test(t, pager_fetches_no_page_after_cancel);
    tcase_add_test(t, scan_cancelled_during_a_page);
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
