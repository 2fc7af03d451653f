/*
 * fake_delay.h — the fixture of the loop tests (test_loop_events.c,
 * test_loop_many.c): a fake server (fake_http.h) that answers every request
 * with {"id": "x", "n": <arrival index>} after g_delay_ms, started fresh for
 * each test by setup() and stopped by teardown(). Header-only (static
 * definitions) because tests/tests.mk builds each test_*.c on its own.
 */
#ifndef TEST_FAKE_DELAY_H
#define TEST_FAKE_DELAY_H

#include "fake_http.h"

static int g_delay_ms;
static fake_server *g_srv;

static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s;
    (void)payload;
    r->delay_ms = g_delay_ms;
    r->json = json_pack("{s:s, s:i}", "id", "x", "n", q->index);
}

static void setup(void)
{
    g_delay_ms = 0;
    g_srv = fake_start(handler, NULL);
}

static void teardown(void) { fake_stop(g_srv); }

#endif
