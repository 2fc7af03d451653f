/*
 * test_stdio_ask.c — machines.ask through `cmdop-core --stdio` against the
 * real relay: EVENT + ask_frame (event, pin_denied, unknown types), CALLBACK
 * pin_required / confirm_required answered with ANSWER pin_answer /
 * confirm_answer on the stream's id, DONE last, ERROR with the stream's code
 * (pin_denied, machine_offline, not_found), CANCEL, 100 streams at once on
 * one core, 400 batched into few writes, and stdin EOF cancelling an open
 * stream.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it_client.h"
#include "stdio_core.h"

static void ask_control(const char *json)
{
    json_t *resp = NULL;
    int st = relay_proc_control(&it_relay, "POST", "/ask", json, &resp);
    json_decref(resp);
    ck_assert_msg(st == 200, "POST /_control/ask %s -> %d", json, st);
}

static long counter(const char *key)
{
    json_t *out = NULL;
    ck_assert_int_eq(relay_proc_control(&it_relay, "GET", "/streams", NULL, &out), 200);
    long v = (long)json_integer_value(json_object_get(out, key));
    json_decref(out);
    return v;
}

static long wait_counter(const char *key, long want)
{
    long v = 0;
    for (int i = 0; i < 200 && (v = counter(key)) != want; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return v;
}

static void ask(stdio_core *c, uint32_t id, const char *machine, const char *prompt,
                const char *pin)
{
    Cmdop__Core__V1__AskRequest r = CMDOP__CORE__V1__ASK_REQUEST__INIT;
    r.machine_id = (char *)machine;
    r.prompt = (char *)prompt;
    r.pin = (char *)pin;
    core_send_req(c, id, ARM(ASK_REQ), &r);
}

/* Next frame, which must be on `id`. */
static Env *next_on(stdio_core *c, uint32_t id)
{
    Env *e = core_recv(c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, id);
    return e;
}

/* Read EVENT frames up to the DONE on `id`: the concatenated deltas into
 * text, the DONE envelope returned (NEW). */
static Env *drain(stdio_core *c, uint32_t id, char *text, size_t size)
{
    text[0] = '\0';
    for (;;) {
        Env *e = next_on(c, id);
        if (e->kind == KIND(DONE)) {
            ck_assert_int_eq(e->payload_case, ARM(DONE));
            return e;
        }
        ck_assert_msg(e->kind == KIND(EVENT), "kind %d arm %d", e->kind, e->payload_case);
        ck_assert_int_eq(e->payload_case, ARM(ASK_FRAME));
        ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_EVENT);
        json_t *p = json_loads(e->ask_frame->event->payload_json, 0, NULL);
        const char *d = json_string_value(json_object_get(p, "delta"));
        ck_assert_ptr_nonnull(d);
        strncat(text, d, size - strlen(text) - 1);
        json_decref(p);
        env_free(e);
    }
}

START_TEST(events_then_done)
{
    stdio_core c;
    core_start(&c);
    ask(&c, 5, IT_M_ALPHA, "hello there world", NULL);
    Env *e = next_on(&c, 5);
    ck_assert_int_eq(e->kind, KIND(EVENT));
    ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_EVENT);
    ck_assert_int_eq(e->ask_frame->event->event_type, 1);
    ck_assert_str_eq(e->ask_frame->event->payload_json, "{\"delta\":\"ok: \"}");
    env_free(e);
    char text[512];
    e = drain(&c, 5, text, sizeof text);
    ck_assert_str_eq(text, "hello there world");
    ck_assert(e->done->success);
    ck_assert_str_eq(e->done->text, "ok: hello there world");
    ck_assert_int_ge(e->done->duration_ms, 0);
    env_free(e);
    /* nothing follows the DONE */
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(confirm_callback_answered_both_ways)
{
    stdio_core c;
    core_start(&c);
    ask(&c, 1, IT_M_ALPHA, "rm -rf /tmp/junk", NULL);
    Env *e = next_on(&c, 1);
    ck_assert_int_eq(e->kind, KIND(CALLBACK));
    ck_assert_int_eq(e->payload_case, ARM(CONFIRM_REQUIRED));
    ck_assert_str_eq(e->confirm_required->plan, "run: rm -rf /tmp/junk");
    ck_assert_str_eq(e->confirm_required->danger_level, "high");
    Cmdop__Core__V1__ConfirmAnswer a = CMDOP__CORE__V1__CONFIRM_ANSWER__INIT;
    a.token = e->confirm_required->token;
    a.has_accept = 1;
    a.accept = 1;
    core_send(&c, 1, KIND(ANSWER), ARM(CONFIRM_ANSWER), &a);
    env_free(e);
    char text[512];
    e = drain(&c, 1, text, sizeof text);
    ck_assert(e->done->success);
    ck_assert_str_eq(e->done->text, "ok: rm -rf /tmp/junk");
    env_free(e);

    ask(&c, 2, IT_M_BRAVO, "please sudo reboot", NULL);
    e = next_on(&c, 2);
    ck_assert_int_eq(e->payload_case, ARM(CONFIRM_REQUIRED));
    a.token = e->confirm_required->token;
    a.accept = 0;
    core_send(&c, 2, KIND(ANSWER), ARM(CONFIRM_ANSWER), &a);
    env_free(e);
    e = next_on(&c, 2);
    ck_assert_int_eq(e->kind, KIND(DONE));
    ck_assert(!e->done->success);
    ck_assert_str_eq(e->done->error, "rejected");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(pin_callback_right_and_wrong)
{
    stdio_core c;
    core_start(&c);
    ask(&c, 3, IT_M_CHARLIE, "echo: secret stuff", NULL);
    Env *e = next_on(&c, 3);
    ck_assert_int_eq(e->kind, KIND(CALLBACK));
    ck_assert_int_eq(e->payload_case, ARM(PIN_REQUIRED));
    ck_assert_str_eq(e->pin_required->label, "PIN for charlie");
    Cmdop__Core__V1__PinAnswer a = CMDOP__CORE__V1__PIN_ANSWER__INIT;
    a.challenge_id = e->pin_required->challenge_id;
    a.pin = "1234";
    core_send(&c, 3, KIND(ANSWER), ARM(PIN_ANSWER), &a);
    env_free(e);
    char text[512];
    e = drain(&c, 3, text, sizeof text);
    ck_assert_str_eq(text, "secret stuff");
    env_free(e);

    ask(&c, 4, IT_M_CHARLIE, "echo: x", NULL);
    e = next_on(&c, 4);
    ck_assert_int_eq(e->payload_case, ARM(PIN_REQUIRED));
    char challenge[128];
    snprintf(challenge, sizeof challenge, "%s", e->pin_required->challenge_id);
    a.challenge_id = challenge;
    a.pin = "0000";
    core_send(&c, 4, KIND(ANSWER), ARM(PIN_ANSWER), &a);
    env_free(e);
    e = next_on(&c, 4);
    ck_assert_int_eq(e->kind, KIND(EVENT));
    ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_PIN_DENIED);
    ck_assert_str_eq(e->ask_frame->pin_denied->challenge_id, challenge);
    env_free(e);
    e = next_on(&c, 4);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "pin_denied");
    env_free(e);
    /* an answer for a stream that ended is ignored */
    core_send(&c, 4, KIND(ANSWER), ARM(PIN_ANSWER), &a);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(stream_errors)
{
    stdio_core c;
    core_start(&c);
    ask(&c, 1, IT_M_DELTA, "hello", NULL);
    Env *e = next_on(&c, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "machine_offline");
    ck_assert_ptr_nonnull(e->error->request_id);
    env_free(e);
    ask(&c, 2, IT_UNKNOWN, "hello", NULL);
    e = next_on(&c, 2);
    ck_assert_str_eq(e->error->code, "not_found");
    ck_assert(e->error->has_status && e->error->status == 404);
    env_free(e);
    /* client-side validation: nothing opened */
    ask(&c, 3, IT_M_ALPHA, NULL, NULL);
    e = next_on(&c, 3);
    ck_assert_str_eq(e->error->code, "validation");
    ck_assert_str_eq(e->error->field, "prompt");
    env_free(e);
    /* upfront PIN, wrong: pin_denied frame then the error */
    ask(&c, 4, IT_M_CHARLIE, "echo: x", "9999");
    e = next_on(&c, 4);
    ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_PIN_DENIED);
    env_free(e);
    e = next_on(&c, 4);
    ck_assert_str_eq(e->error->code, "pin_denied");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(unknown_frame_type_travels_in_the_unknown_arm)
{
    ask_control("{\"unknown_type_after\": 1}");
    stdio_core c;
    core_start(&c);
    ask(&c, 9, IT_M_ALPHA, "echo: a b", NULL);
    Env *e = next_on(&c, 9);
    ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_EVENT);
    env_free(e);
    e = next_on(&c, 9);
    ck_assert_int_eq(e->kind, KIND(EVENT));
    ck_assert_int_eq(e->payload_case, ARM(ASK_FRAME));
    /* lossless: the raw type and the whole frame, in order */
    ck_assert_int_eq(e->ask_frame->type_case, CMDOP__CORE__V1__ASK_FRAME__TYPE_UNKNOWN);
    ck_assert_str_eq(e->ask_frame->unknown->type, "telemetry");
    json_t *raw = json_loads(e->ask_frame->unknown->raw_json, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(raw, "type")), "telemetry");
    ck_assert_str_eq(json_string_value(json_object_get(raw, "note")), "injected unknown type");
    ck_assert(json_real_value(json_object_get(raw, "cpu_pct")) == 12.5);
    json_decref(raw);
    env_free(e);
    char text[64];
    e = drain(&c, 9, text, sizeof text);
    ck_assert_str_eq(text, "b");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(cancel_closes_the_stream_at_the_relay)
{
    ask_control("{\"delay_ms\": 200}");
    stdio_core c;
    core_start(&c);
    ask(&c, 11, IT_M_ALPHA, "echo: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12", NULL);
    Env *e = next_on(&c, 11);
    ck_assert_int_eq(e->kind, KIND(EVENT));
    env_free(e);
    core_send(&c, 11, KIND(CANCEL), 0, NULL);
    /* frames already on their way may come first; the stream ends with one
     * ERROR cancelled */
    for (;;) {
        e = next_on(&c, 11);
        if (e->kind == KIND(ERROR))
            break;
        ck_assert_int_eq(e->kind, KIND(EVENT));
        env_free(e);
    }
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    ck_assert_int_eq(wait_counter("cancelled", 1), 1);
    ck_assert_int_eq(counter("completed"), 0);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

#define N_STREAMS 100

START_TEST(hundred_streams_at_once)
{
    ask_control("{\"delay_ms\": 5, \"streams\": 100}");
    stdio_core c;
    core_start(&c);
    static char want[N_STREAMS][96], got[N_STREAMS][96];
    memset(got, 0, sizeof got);
    for (int i = 0; i < N_STREAMS; i++) {
        snprintf(want[i], sizeof want[i], "s%d w1-%d w2-%d w3-%d w4-%d", i, i, i, i, i);
        char prompt[128];
        int n = snprintf(prompt, sizeof prompt, "echo: %s", want[i]);
        ck_assert(n > 0 && n < (int)sizeof prompt);
        ask(&c, (uint32_t)(i + 1), IT_M_ALPHA, prompt, NULL);
    }
    int open = N_STREAMS;
    bool done[N_STREAMS] = {false};
    while (open > 0) {
        Env *e = core_recv(&c);
        ck_assert_ptr_nonnull(e);
        ck_assert(e->id >= 1 && e->id <= N_STREAMS);
        int i = (int)e->id - 1;
        ck_assert_msg(!done[i], "frame after DONE on %u", e->id);
        if (e->kind == KIND(DONE)) {
            ck_assert_str_eq(e->done->text, want[i]);
            done[i] = true;
            open--;
        } else {
            ck_assert_msg(e->kind == KIND(EVENT), "id %u kind %d", e->id, e->kind);
            json_t *p = json_loads(e->ask_frame->event->payload_json, 0, NULL);
            strncat(got[i], json_string_value(json_object_get(p, "delta")),
                    sizeof got[i] - strlen(got[i]) - 1);
            json_decref(p);
        }
        env_free(e);
    }
    for (int i = 0; i < N_STREAMS; i++)
        ck_assert_str_eq(got[i], want[i]);
    ck_assert_int_eq(counter("cancelled"), 0);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

#ifdef __linux__
/* write(2) calls the core made so far (/proc/<pid>/io syscw). */
static long core_writes(pid_t pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "syscw: %ld", &v) == 1)
            break;
    fclose(f);
    return v;
}

/* Past 256 open streams a small batch waits (up to 2 ms) for more before
 * it is written, so a client that reads at once still gets many frames a
 * write, not one write (and one wake-up) every frame or two. */
#define N_MANY 400
START_TEST(many_streams_batch_their_writes)
{
    ask_control("{\"delay_ms\": 20, \"streams\": 400}");
    stdio_core c;
    core_start(&c);
    long before = core_writes(c.pid);
    for (int i = 0; i < N_MANY; i++)
        ask(&c, (uint32_t)(i + 1), IT_M_ALPHA,
            "echo: a b c d e f g h i j k l m n o p q r s t", NULL);
    long frames = 0;
    for (int open = N_MANY; open > 0;) {
        Env *e = core_recv(&c);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg(e->kind == KIND(EVENT) || e->kind == KIND(DONE), "id %u kind %d", e->id,
                      e->kind);
        open -= e->kind == KIND(DONE);
        frames++;
        env_free(e);
    }
    long writes = core_writes(c.pid) - before;
    ck_assert_int_eq(frames, N_MANY * 21L);
    /* unbatched: about 5 frames a write here; batched: 30 to 60 */
    ck_assert_msg(writes > 0 && frames / writes >= 16, "%ld frames in %ld writes", frames,
                  writes);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST
#endif

START_TEST(eof_cancels_open_streams)
{
    stdio_core c;
    core_start(&c);
    ask(&c, 1, IT_M_CHARLIE, "echo: waiting for a pin", NULL);
    Env *e = next_on(&c, 1);
    ck_assert_int_eq(e->payload_case, ARM(PIN_REQUIRED));
    env_free(e);
    Env **rest;
    size_t n;
    int64_t t0 = core_now_ms();
    ck_assert_int_eq(core_finish(&c, &rest, &n), 0);
    ck_assert_int_lt(core_now_ms() - t0, 5000);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(rest[0]->id, 1);
    ck_assert_int_eq(rest[0]->kind, KIND(ERROR));
    ck_assert_str_eq(rest[0]->error->code, "cancelled");
    env_free_all(rest, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_ask");
    TCase *tc = tcase_create("stdio_ask");
    it_add_relay_fixture(tc);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, events_then_done);
    tcase_add_test(tc, confirm_callback_answered_both_ways);
    tcase_add_test(tc, pin_callback_right_and_wrong);
    tcase_add_test(tc, stream_errors);
    tcase_add_test(tc, unknown_frame_type_travels_in_the_unknown_arm);
    tcase_add_test(tc, cancel_closes_the_stream_at_the_relay);
    tcase_add_test(tc, hundred_streams_at_once);
    tcase_add_test(tc, eof_cancels_open_streams);
#ifdef __linux__
    tcase_add_test(tc, many_streams_batch_their_writes);
#endif
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
