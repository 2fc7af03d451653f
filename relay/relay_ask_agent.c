/*
 * relay_ask_agent.c — the simulated agent behind an ask stream
 * (docs/ask-protocol.md, "Simulated agents"). Deterministic: what it says
 * depends only on the prompt, the machine and the test controls. It is a
 * state machine the scheduler steps (relay_ask_sched.c): a step emits what
 * is due and then asks for its next wake (the pacing, a PIN deadline, a
 * stall) or waits for a kick (an answer, a cancel, a stop), so no agent
 * ever holds a thread.
 *
 * Order of the gates: offline machine, then the machine's PIN, then the
 * confirmation of a dangerous plan, then the answer itself.
 */
#include "relay_ask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames one step may emit with pacing off before it yields to the others. */
#define ASK_BATCH 256

static long elapsed_ms(const ask_stream *st)
{
    return (long)(ask_now_ms() - st->t0_ms);
}

static bool emit_error(ask_stream *st, const char *code, const char *msg)
{
    return ask_stream_emit(st, "error", json_pack("{s:s, s:s}", "code", code,
                                                  "message", msg));
}

static bool emit_done(ask_stream *st, bool success, const char *text,
                      const char *error)
{
    if (st->ctl.empty_done_text)   /* test control: the text only in the deltas */
        text = "";
    return ask_stream_emit_done(st, success, text, error, elapsed_ms(st));
}

/* rm <...>, sudo, shutdown: the plan needs a human's yes. */
static bool dangerous(const char *prompt)
{
    return strncmp(prompt, "rm ", 3) == 0 || strstr(prompt, "sudo") ||
           strstr(prompt, "shutdown");
}

static void emit_pin_denied(ask_stream *st, const char *challenge)
{
    if (ask_stream_emit(st, "pin_denied", json_pack(
            "{s:s, s:s}", "challenge_id", challenge, "reason", "wrong PIN")))
        emit_error(st, "pin_denied", "wrong PIN");
}

/* The injected stall: once, before the frame after frame stall_after. True
 * when the step must end here (its next wake is set). */
static bool stalled(relay_ask_sched *s, ask_stream *st)
{
    if (st->ctl.stall_ms <= 0)   /* fixed at creation: no lock needed */
        return false;
    pthread_mutex_lock(&st->mu);
    bool due = st->ctl.stall_ms > 0 && !st->stall_done &&
               st->n_frames == (size_t)st->ctl.stall_after;
    if (due)
        st->stall_done = true;
    pthread_mutex_unlock(&st->mu);
    if (due) {
        st->pace_at = 0;          /* the pacing starts again after it */
        relay_ask_wake_at(s, st, ask_now_ms() + st->ctl.stall_ms);
    }
    return due;
}

/* The answer's text, cut into deltas of whole words (each with its trailing
 * spaces), several words per delta when a huge prompt would outgrow the
 * frame buffer. */
static bool start_text(ask_stream *st)
{
    static const char echo[] = "echo: ";
    if (strncmp(st->prompt, echo, sizeof echo - 1) == 0) {
        st->text = strdup(st->prompt + sizeof echo - 1);
    } else {
        size_t n = strlen(st->prompt) + 8;
        st->text = malloc(n);
        if (st->text)
            snprintf(st->text, n, "ok: %s", st->prompt);
    }
    if (!st->text) {
        emit_error(st, "internal", "out of memory");
        return false;
    }
    size_t words = 0;
    for (const char *p = st->text; *p;) {
        p += strcspn(p, " ");
        p += strspn(p, " ");
        words++;
    }
    st->words_per_delta = words / (ASK_MAX_FRAMES - 100) + 1;
    st->text_pos = 0;
    st->ag = AG_TEXT;
    return true;
}

/* The next paced wake: delay_ms after the time the frame just sent was due
 * (not after now), so a late wake — a busy machine, thousands of streams —
 * does not push every later frame back: frame k of a stream is due k x
 * delay_ms after its start however late the ones before it went out. */
static void pace(relay_ask_sched *s, ask_stream *st, long delay)
{
    long long base = st->pace_at ? st->pace_at : ask_now_ms();
    st->pace_at = base + delay;
    relay_ask_wake_at(s, st, st->pace_at);
}

/* AG_TEXT: one delta per wake (every delay_ms), then done. With pacing off,
 * up to ASK_BATCH deltas per step. */
static void text_step(relay_ask_sched *s, ask_stream *st, bool first)
{
    long delay = st->ctl.delay_ms;
    if (first && delay > 0) {     /* the pause before the first delta */
        st->pace_at = 0;
        pace(s, st, delay);
        return;
    }
    for (int n = 0; n < ASK_BATCH; n++) {
        const char *start = st->text + st->text_pos, *p = start;
        if (!*p) {
            if (!stalled(s, st)) {
                emit_done(st, true, st->text, "");
                ask_stream_finish(st);
            }
            return;
        }
        if (stalled(s, st))
            return;
        for (size_t w = 0; w < st->words_per_delta && *p; w++) {
            p += strcspn(p, " ");
            p += strspn(p, " ");
        }
        st->text_pos = (size_t)(p - st->text);
        /* {"event_type": 1 (a token delta), "payload": {"delta": ...}} */
        if (!ask_stream_emit_delta(st, start, (size_t)(p - start))) {
            ask_stream_finish(st);
            return;
        }
        if (!st->text[st->text_pos]) {
            if (stalled(s, st))
                return;
            emit_done(st, true, st->text, "");
            ask_stream_finish(st);
            return;
        }
        if (delay > 0) {
            pace(s, st, delay);
            return;
        }
    }
    /* Pacing off: yield behind every entry already due. */
    relay_ask_yield(s, st);
}

/* Past the PIN: the confirmation gate, or straight to the answer. */
static void after_pin(relay_ask_sched *s, ask_stream *st)
{
    if (!dangerous(st->prompt)) {
        if (start_text(st))
            text_step(s, st, true);
        else
            ask_stream_finish(st);
        return;
    }
    ask_stream_expect(st, ASK_WAIT_CONFIRM);
    size_t n = strlen(st->prompt) + 8;
    char *plan = malloc(n);
    bool sent = false;
    if (plan) {
        snprintf(plan, n, "run: %s", st->prompt);
        sent = ask_stream_emit(st, "confirm_required", json_pack(
            "{s:s, s:s, s:s}", "token", st->challenge, "plan", plan,
            "danger_level", "high"));
        free(plan);
    }
    if (!sent) {
        ask_stream_finish(st);
        return;
    }
    st->ag = AG_CONFIRM_WAIT;      /* no limit: a kick brings the answer */
}

static void start(relay_ask_sched *s, ask_stream *st)
{
    st->t0_ms = ask_now_ms();
    if (st->offline) {
        char msg[160];
        snprintf(msg, sizeof msg, "machine %s is offline", st->machine_name);
        emit_error(st, "machine_offline", msg);
        ask_stream_finish(st);
        return;
    }
    if (!st->machine_pin) {
        after_pin(s, st);
        return;
    }
    if (st->upfront_pin) {
        if (strcmp(st->upfront_pin, st->machine_pin) == 0) {
            after_pin(s, st);
            return;
        }
        char u[37], challenge[40];
        relay_new_uuid(u);
        snprintf(challenge, sizeof challenge, "pc_%s", u);
        emit_pin_denied(st, challenge);
        ask_stream_finish(st);
        return;
    }
    ask_stream_expect(st, ASK_WAIT_PIN);
    char label[160];
    snprintf(label, sizeof label, "PIN for %s", st->machine_name);
    memcpy(st->pin_challenge, st->challenge, sizeof st->pin_challenge);
    /* The deadline is queued before the frame goes out: queued after it, its
     * new agent_gen would make stale the kick of an answer that came back in
     * between (relay_ask_sched.c), and the agent would sleep to the deadline. */
    st->ag = AG_PIN_WAIT;
    st->pin_deadline_ms = ask_now_ms() + st->ctl.pin_timeout_ms;
    relay_ask_wake_at(s, st, st->pin_deadline_ms);
    if (!ask_stream_emit(st, "pin_required", json_pack(
            "{s:s, s:s}", "challenge_id", st->challenge, "label", label)))
        ask_stream_finish(st);
}

void relay_ask_agent_step(relay_ask_sched *s, ask_stream *st)
{
    if (st->ag == AG_FINISHED)
        return;
    bool ok = false;
    int rc;
    switch (st->ag) {
    case AG_START:
        pthread_mutex_lock(&st->mu);
        rc = st->cancelled || st->stopping;
        pthread_mutex_unlock(&st->mu);
        if (rc)
            ask_stream_finish(st);
        else if (!stalled(s, st))
            start(s, st);
        return;
    case AG_PIN_WAIT:
        rc = ask_stream_answered(st, &ok);
        if (rc < 0) {
            ask_stream_finish(st);
        } else if (rc == 0 && ask_now_ms() < st->pin_deadline_ms) {
            relay_ask_wake_at(s, st, st->pin_deadline_ms);   /* not yet */
        } else if (!stalled(s, st)) {
            if (rc == 0) {
                ask_stream_withdraw(st);
                emit_error(st, "pin_required_timeout",
                           "no PIN was supplied within the gate window");
                ask_stream_finish(st);
            } else if (!ok) {
                emit_pin_denied(st, st->pin_challenge);
                ask_stream_finish(st);
            } else {
                after_pin(s, st);
            }
        }
        return;
    case AG_CONFIRM_WAIT:
        rc = ask_stream_answered(st, &ok);
        if (rc < 0) {
            ask_stream_finish(st);
        } else if (rc == 1 && !stalled(s, st)) {
            if (ok) {
                if (start_text(st))
                    text_step(s, st, true);
                else
                    ask_stream_finish(st);
            } else {
                emit_done(st, false, "", "rejected");
                ask_stream_finish(st);
            }
        }
        return;
    case AG_TEXT:
        pthread_mutex_lock(&st->mu);
        rc = st->cancelled || st->stopping;
        pthread_mutex_unlock(&st->mu);
        if (rc)
            ask_stream_finish(st);
        else
            text_step(s, st, false);
        return;
    case AG_FINISHED:
        return;
    }
}
