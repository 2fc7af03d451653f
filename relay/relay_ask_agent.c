/*
 * relay_ask_agent.c — the simulated agent behind an ask stream
 * (docs/ask-protocol.md, "Simulated agents"). Deterministic: what it says
 * depends only on the prompt, the machine and the test controls, and every
 * wait is interruptible, so a cancel, a reset or a shutdown stops it at its
 * next step.
 *
 * Order of the gates: offline machine, then the machine's PIN, then the
 * confirmation of a dangerous plan, then the answer itself.
 */
#include "relay_ask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The event_type of a token delta. */
#define ASK_EVENT_DELTA 1

static long elapsed_ms(struct timespec t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return ask_ms_between(t0, now);
}

static bool emit_error(ask_stream *st, const char *code, const char *msg)
{
    return ask_stream_emit(st, "error", json_pack("{s:s, s:s}", "code", code,
                                                  "message", msg));
}

static bool emit_done(ask_stream *st, bool success, const char *text,
                      const char *error, struct timespec t0)
{
    if (st->ctl.empty_done_text)   /* test control: the text only in the deltas */
        text = "";
    return ask_stream_emit(st, "done", json_pack(
        "{s:b, s:s, s:s, s:I}", "success", success, "text", text, "error",
        error, "duration_ms", (json_int_t)elapsed_ms(t0)));
}

/* rm <...>, sudo, shutdown: the plan needs a human's yes. */
static bool dangerous(const char *prompt)
{
    return strncmp(prompt, "rm ", 3) == 0 || strstr(prompt, "sudo") ||
           strstr(prompt, "shutdown");
}

static bool emit_pin_denied(ask_stream *st, const char *challenge)
{
    return ask_stream_emit(st, "pin_denied", json_pack(
               "{s:s, s:s}", "challenge_id", challenge, "reason",
               "wrong PIN")) &&
           emit_error(st, "pin_denied", "wrong PIN");
}

/* True when the stream may go on past the machine's PIN. */
static bool pin_gate(ask_stream *st)
{
    if (!st->machine_pin)
        return true;
    if (st->upfront_pin) {
        if (strcmp(st->upfront_pin, st->machine_pin) == 0)
            return true;
        char u[37], challenge[40];
        relay_new_uuid(u);
        snprintf(challenge, sizeof challenge, "pc_%s", u);
        emit_pin_denied(st, challenge);
        return false;
    }
    ask_stream_expect(st, ASK_WAIT_PIN);
    char label[160];
    snprintf(label, sizeof label, "PIN for %s", st->machine_name);
    if (!ask_stream_emit(st, "pin_required", json_pack(
            "{s:s, s:s}", "challenge_id", st->challenge, "label", label)))
        return false;
    char challenge[40];
    memcpy(challenge, st->challenge, sizeof challenge);
    bool ok = false;
    int rc = ask_stream_await(st, st->ctl.pin_timeout_ms, &ok);
    if (rc == 0)
        emit_error(st, "pin_required_timeout",
                   "no PIN was supplied within the gate window");
    else if (rc == 1 && !ok)
        emit_pin_denied(st, challenge);
    return rc == 1 && ok;
}

/* True when the plan may run; a rejection ends the stream with done. */
static bool confirm_gate(ask_stream *st, struct timespec t0)
{
    if (!dangerous(st->prompt))
        return true;
    ask_stream_expect(st, ASK_WAIT_CONFIRM);
    size_t n = strlen(st->prompt) + 8;
    char *plan = malloc(n);
    if (!plan)
        return false;
    snprintf(plan, n, "run: %s", st->prompt);
    bool sent = ask_stream_emit(st, "confirm_required", json_pack(
        "{s:s, s:s, s:s}", "token", st->challenge, "plan", plan,
        "danger_level", "high"));
    free(plan);
    bool ok = false;
    if (!sent || ask_stream_await(st, -1, &ok) != 1)
        return false;
    if (!ok)
        emit_done(st, false, "", "rejected", t0);
    return ok;
}

/* Splits text into words, each with its trailing spaces, grouping several
 * words per delta when a huge prompt would outgrow the frame buffer. */
static bool stream_text(ask_stream *st, const char *text, struct timespec t0)
{
    size_t words = 0;
    for (const char *p = text; *p;) {
        p += strcspn(p, " ");
        p += strspn(p, " ");
        words++;
    }
    size_t per = words / (ASK_MAX_FRAMES - 100) + 1;
    for (const char *p = text; *p;) {
        const char *start = p;
        for (size_t w = 0; w < per && *p; w++) {
            p += strcspn(p, " ");
            p += strspn(p, " ");
        }
        if (!ask_stream_sleep(st, st->ctl.delay_ms))
            return false;
        json_t *delta = json_stringn(start, (size_t)(p - start));
        if (!delta)   /* not UTF-8 at this cut: keep the bytes readable */
            delta = json_string("?");
        if (!ask_stream_emit(st, "event", json_pack(
                "{s:i, s:{s:o}}", "event_type", ASK_EVENT_DELTA, "payload",
                "delta", delta)))
            return false;
    }
    return emit_done(st, true, text, "", t0);
}

static void answer(ask_stream *st, struct timespec t0)
{
    static const char echo[] = "echo: ";
    if (strncmp(st->prompt, echo, sizeof echo - 1) == 0) {
        stream_text(st, st->prompt + sizeof echo - 1, t0);
        return;
    }
    size_t n = strlen(st->prompt) + 8;
    char *text = malloc(n);
    if (!text) {
        emit_error(st, "internal", "out of memory");
        return;
    }
    snprintf(text, n, "ok: %s", st->prompt);
    stream_text(st, text, t0);
    free(text);
}

void *relay_ask_agent_main(void *arg)
{
    ask_stream *st = arg;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st->offline) {
        char msg[160];
        snprintf(msg, sizeof msg, "machine %s is offline", st->machine_name);
        emit_error(st, "machine_offline", msg);
    } else if (pin_gate(st) && confirm_gate(st, t0)) {
        answer(st, t0);
    }
    pthread_mutex_lock(&st->mu);
    st->agent_done = true;
    clock_gettime(CLOCK_MONOTONIC, &st->done_at);
    pthread_cond_broadcast(&st->cv);
    pthread_mutex_unlock(&st->mu);
    return NULL;
}
