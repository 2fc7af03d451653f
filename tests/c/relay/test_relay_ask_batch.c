/*
 * test_relay_ask_batch.c — the ask scheduler's batching (relay_ask_sched.c,
 * ASK_TICK_MS in relay_ask.h): many paced streams at once still get every
 * frame, in order, none before it is due; and the readers those frames wake
 * are resumed in batches, at most one per scheduler tick, not one per
 * frame. Time is only ever a lower bound here (a frame observed no earlier
 * than it was due; at most one batch per tick elapsed), so a slow or
 * loaded machine cannot fail it; a scheduler that sent frames early or
 * resumed every reader on its own can.
 */
#include "ask_sse.h"
#include "relay_ask.h"

#define N_STREAMS 200
#define N_WORDS 8             /* "s<i>" + 7 words: 8 deltas + done */
#define DELAY_MS 20

typedef struct seen {
    long opened_ms;           /* before the request went out */
    size_t frames;            /* complete frames so far */
    long at_ms[N_WORDS + 1];  /* when each was first seen */
} seen;

static size_t complete_frames(const as_stream *s)
{
    size_t n = 0;
    for (const char *p = s->buf; p && (p = strstr(p, "\n\n")); p += 2)
        n++;
    return n;
}

START_TEST(paced_streams_are_batched_and_never_early)
{
    json_decref(rh_expect(rh_control("POST", "/ask",
        "{\"delay_ms\": 20, \"heartbeat_ms\": 0, \"streams\": 200}"), 200));
    as_stream *s[N_STREAMS];
    static seen sn[N_STREAMS];
    char body[256];
    long t_start = as_now_ms();
    for (int i = 0; i < N_STREAMS; i++) {
        snprintf(body, sizeof body, "{\"prompt\": \"echo: s%d a b c d e f g\", "
                 "\"session_id\": \"b%d\"}", i, i);
        s[i] = as_open(AS_ASK(1), body);
        sn[i].opened_ms = as_now_ms();
        as_pump(s[i], 0);
    }
    long until = as_now_ms() + 30000;
    for (bool all = false; !all && as_now_ms() < until;) {
        all = true;
        for (int i = 0; i < N_STREAMS; i++) {
            as_pump(s[i], 0);
            size_t n = complete_frames(s[i]);
            long now = as_now_ms();
            while (sn[i].frames < n && sn[i].frames <= N_WORDS)
                sn[i].at_ms[sn[i].frames++] = now;
            all = all && s[i]->done;
        }
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    long elapsed = as_now_ms() - t_start;
    json_t *c = as_counters();
    long long resumes = rh_i(c, "reader_resumes");
    long long batches = rh_i(c, "resume_batches");
    ck_assert_int_eq(rh_i(c, "completed"), N_STREAMS);
    json_decref(c);

    for (int i = 0; i < N_STREAMS; i++) {
        ck_assert_msg(s[i]->done && s[i]->result == CURLE_OK, "stream %d", i);
        as_frames fs = as_parse(s[i]);
        ck_assert_uint_eq(fs.n, N_WORDS + 1);
        char sid[64], first[64] = "";
        for (size_t k = 0; k < fs.n; k++) {   /* ids .1 .. .9, one stream */
            ck_assert_int_eq(as_seq(&fs.f[k], sid), (long)k + 1);
            if (k == 0)
                memcpy(first, sid, sizeof first);
            ck_assert_str_eq(sid, first);
        }
        ck_assert_str_eq(fs.f[fs.n - 1].event, "done");
        /* The done frame follows the last delta, due N_WORDS x delay_ms
         * after the agent's start; duration_ms counts from that start on
         * the relay's clock, so a step run before its time shows here. */
        long long dur = json_integer_value(
            json_object_get(fs.f[fs.n - 1].json, "duration_ms"));
        ck_assert_msg(dur >= N_WORDS * DELAY_MS,
                      "stream %d done after %lld ms, its last delta was due "
                      "at %d", i, dur, N_WORDS * DELAY_MS);
        char *text = as_deltas(&fs);
        snprintf(body, sizeof body, "s%d a b c d e f g", i);
        ck_assert_str_eq(text, body);
        free(text);
        as_frames_free(&fs);
        /* Delta k is due k x delay_ms after the agent started, which was
         * after the request left: seen earlier means sent early. */
        for (size_t k = 0; k < N_WORDS; k++)
            ck_assert_msg(sn[i].at_ms[k] >= sn[i].opened_ms +
                                            (long)(k + 1) * DELAY_MS,
                          "stream %d frame %zu seen %ld ms after its open, "
                          "due at %d", i, k + 1,
                          sn[i].at_ms[k] - sn[i].opened_ms,
                          (int)(k + 1) * DELAY_MS);
        as_close(s[i]);
    }
    /* Every resume belongs to a batch, and batches come at most once per
     * tick (plus the one in progress): one resume per frame, each on its
     * own, would be about N_STREAMS x N_WORDS batches. */
    ck_assert_int_gt(resumes, 0);
    ck_assert_int_le(batches, resumes);
    ck_assert_msg(batches <= elapsed / ASK_TICK_MS + 2,
                  "%lld resume batches (%lld resumes) in %ld ms: more than "
                  "one per %d ms tick", batches, resumes, elapsed,
                  ASK_TICK_MS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask_batch");
    TCase *tc = tcase_create("batch");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, paced_streams_are_batched_and_never_early);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
