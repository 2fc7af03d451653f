/*
 * test_ask_pack.c — a stream's pack hook (cmdop__stream_set_pack,
 * runtime/src/ask_stream.h) against the real relay: the frames it accepts
 * are serialized on the loop thread as they arrive and come out of
 * cmdop__stream_try_take as those bytes, in order, with no typed frame;
 * the ones it declines come out typed; a stream freed with packed frames
 * still queued frees them (valgrind runs this file too).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ask_stream.h"
#include "cmdop.h"
#include "it_client.h"

static void ask_control(const char *json)
{
    json_t *resp = NULL;
    int st = relay_proc_control(&it_relay, "POST", "/ask", json, &resp);
    json_decref(resp);
    ck_assert_msg(st == 200, "POST /_control/ask %s -> %d", json, st);
}

static void nap_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

typedef struct {
    pthread_t caller;
    atomic_int calls;       /* frames offered to the hook (on the loop thread) */
    atomic_int off_caller;  /* ... on a thread other than the caller's */
} hook_state;

/* Accepts event frames as "E:" + their payload, declines the rest. */
static bool pack_events(void *ctx, const void *f, cmdop__strbuf *out)
{
    hook_state *h = ctx;
    const cmdop_ask_frame *af = f;
    h->calls++;
    if (!pthread_equal(pthread_self(), h->caller))
        h->off_caller++;
    if (af->kind != CMDOP_ASK_FRAME_EVENT)
        return false;
    cmdop__sb_append(out, "E:", 2);
    cmdop__sb_append(out, af->event->payload_json, strlen(af->event->payload_json));
    return true;
}

static cmdop__stream *open_ask(cmdop_client *c, const char *prompt)
{
    cmdop_ask_stream *s = NULL;
    int rc = cmdop_machines_ask(&s, c, "20000000-0000-4000-8000-000000000001", prompt, NULL);
    ck_assert_msg(rc == 0, "ask: %d %s", rc, cmdop_error_last()->message);
    return (cmdop__stream *)s;
}

START_TEST(accepted_frames_come_out_as_their_bytes)
{
    /* the first frame waits 300 ms: the hook is set long before it */
    ask_control("{\"stall_ms\": 300, \"delay_ms\": 5}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    hook_state h = {.caller = pthread_self()};
    cmdop__stream *s = open_ask(c, "echo: one two three");
    cmdop__stream_set_pack(s, pack_events, &h);

    char text[256] = "";
    int events = 0, done = 0, rc;
    for (int spins = 0; spins < 2000; spins++) {
        void *f = NULL;
        const char *packed = NULL;
        size_t len = 0;
        rc = cmdop__stream_try_take(s, &f, &packed, &len);
        if (rc == 1) {
            nap_ms(5);
            continue;
        }
        if (rc != 0)
            break;
        if (!f) {
            ck_assert_ptr_nonnull(packed);
            ck_assert_msg(len > 2 && memcmp(packed, "E:", 2) == 0, "%.*s", (int)len, packed);
            json_t *p = json_loadb(packed + 2, len - 2, 0, NULL);
            ck_assert_ptr_nonnull(p);
            strncat(text, json_string_value(json_object_get(p, "delta")),
                    sizeof text - strlen(text) - 1);
            json_decref(p);
            events++;
        } else {
            /* declined: typed, and no bytes with it */
            ck_assert_ptr_null(packed);
            cmdop_ask_frame *af = f;
            ck_assert_int_eq(af->kind, CMDOP_ASK_FRAME_DONE);
            done++;
            cmdop_ask_frame_free(af);
        }
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_int_eq(done, 1);
    ck_assert_int_ge(events, 3);
    ck_assert_str_eq(text, "one two three");
    ck_assert_int_eq(h.calls, events + done);
    ck_assert_int_eq(h.off_caller, h.calls);   /* all on the loop thread */
    cmdop__stream_free(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(packed_frames_left_in_the_queue_are_freed)
{
    ask_control("{\"delay_ms\": 1}");
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    hook_state h = {.caller = pthread_self()};
    cmdop__stream *s = open_ask(c, "echo: a b c d e f g h");
    cmdop__stream_set_pack(s, pack_events, &h);
    for (int i = 0; i < 400 && h.calls < 9; i++)
        nap_ms(5);
    ck_assert_int_ge(h.calls, 2);   /* frames queued, none taken */
    cmdop__stream_free(s);          /* valgrind: nothing of them leaks */
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("integration_ask_pack");
    TCase *tc = tcase_create("pack");
    it_add_relay_fixture(tc);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, accepted_frames_come_out_as_their_bytes);
    tcase_add_test(tc, packed_frames_left_in_the_queue_are_freed);
    suite_add_tcase(su, tc);
    return it_run(su);
}
