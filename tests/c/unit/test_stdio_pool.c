/*
 * test_stdio_pool.c — the stdio server's calls in flight (stdio_pool.h):
 * ids are unique while in flight, a CANCEL claims the one terminal frame
 * (a queued call then never runs, a running one loses its answer and has
 * its cancellation token cancelled), silent
 * calls stay out of the id registry, and drain runs what is queued.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "stdio_pool.h"

typedef struct rec {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool gate_open;
    uint32_t ran[16];
    bool answered[16];
    bool cancelled[16];     /* the call's token when it ended */
    size_t n;
    size_t started;
} rec;

static rec g;

/* Records the call; id 1 waits until the gate opens. */
static void run(cmdop__stdio_pool *pool, cmdop__stdio_call *c, void *ctx)
{
    rec *r = ctx;
    pthread_mutex_lock(&r->mu);
    r->started++;
    pthread_cond_broadcast(&r->cv);
    while (c->id == 1 && !r->gate_open)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    bool mine = c->silent ? false : cmdop__stdio_pool_claim(pool, c);
    pthread_mutex_lock(&r->mu);
    r->answered[r->n] = mine;
    r->cancelled[r->n] = cmdop__cancel_is_cancelled(c->cancel);
    r->ran[r->n++] = c->id;
    pthread_mutex_unlock(&r->mu);
}

static void wait_started(size_t n)
{
    pthread_mutex_lock(&g.mu);
    while (g.started < n)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
}

static void open_gate(void)
{
    pthread_mutex_lock(&g.mu);
    g.gate_open = true;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
}

static void setup(void)
{
    g = (rec){.gate_open = false};
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
}

START_TEST(cancel_queued_and_running)
{
    setup();
    cmdop__stdio_pool *p = cmdop__stdio_pool_new(1, run, &g);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(cmdop__stdio_pool_submit(p, 1, NULL, json_object()), 0);
    wait_started(1);   /* id 1 holds the only worker */
    ck_assert_int_eq(cmdop__stdio_pool_submit(p, 2, NULL, json_object()), 0);
    ck_assert_int_eq(cmdop__stdio_pool_submit(p, 3, NULL, json_object()), 0);
    ck_assert_uint_eq(cmdop__stdio_pool_pending(p), 3);

    /* an id in flight cannot be reused; its args stay the caller's */
    json_t *dup = json_object();
    ck_assert_int_eq(cmdop__stdio_pool_submit(p, 1, NULL, dup), -1);
    ck_assert_int_eq(cmdop__stdio_pool_submit(p, 2, NULL, dup), -1);
    json_decref(dup);
    ck_assert(cmdop__stdio_pool_has(p, 2));
    ck_assert(!cmdop__stdio_pool_has(p, 9));

    /* queued: claimed and dropped at once */
    ck_assert(cmdop__stdio_pool_cancel(p, 2));
    ck_assert(!cmdop__stdio_pool_has(p, 2));
    ck_assert(!cmdop__stdio_pool_cancel(p, 2));
    /* running: claimed, the worker's own claim will fail */
    ck_assert(cmdop__stdio_pool_cancel(p, 1));
    ck_assert(!cmdop__stdio_pool_cancel(p, 1));
    ck_assert(!cmdop__stdio_pool_cancel(p, 42));
    /* a silent call on a running id is fine and invisible to lookups */
    ck_assert_int_eq(cmdop__stdio_pool_submit_silent(p, 3, NULL, json_object()), 0);
    ck_assert(cmdop__stdio_pool_has(p, 3));

    open_gate();
    cmdop__stdio_pool_drain(p);
    /* 1 ran without its answer, 2 never ran, 3 and the silent 3 ran */
    ck_assert_uint_eq(g.n, 3);
    ck_assert_uint_eq(g.ran[0], 1);
    ck_assert(!g.answered[0]);
    ck_assert(g.cancelled[0]);     /* the driver would have been stopped */
    ck_assert_uint_eq(g.ran[1], 3);
    ck_assert(g.answered[1]);
    ck_assert(!g.cancelled[1]);
    ck_assert_uint_eq(g.ran[2], 3);
    ck_assert(!g.answered[2]);
}
END_TEST

START_TEST(drain_runs_everything_queued)
{
    setup();
    g.gate_open = true;
    cmdop__stdio_pool *p = cmdop__stdio_pool_new(3, run, &g);
    for (uint32_t id = 1; id <= 12; id++)
        ck_assert_int_eq(cmdop__stdio_pool_submit(p, id, NULL, json_object()), 0);
    cmdop__stdio_pool_drain(p);
    ck_assert_uint_eq(g.n, 12);
    uint32_t seen = 0;
    for (size_t i = 0; i < g.n; i++) {
        ck_assert(g.answered[i]);
        seen |= 1u << g.ran[i];
    }
    ck_assert_uint_eq(seen, 0x1ffeu);   /* ids 1..12, each once */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_pool");
    TCase *tc = tcase_create("pool");
    tcase_add_test(tc, cancel_queued_and_running);
    tcase_add_test(tc, drain_runs_everything_queued);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
