/*
 * relay_ask.c — POST /api/admin/machines/{id}/ask (a new stream, or a
 * resume with Last-Event-ID), the pin and confirm side channels, and the
 * registry that owns every stream (docs/ask-protocol.md).
 *
 * Handlers run with relay->lock held and take registry->mu inside it; they
 * never block. Every agent is stepped by the one scheduler thread
 * (relay_ask_sched.c); the SSE readers run on the daemon's threads.
 */
#include "relay_ask.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ask_controls relay_ask_default_controls(void)
{
    ask_controls c = {
        .drop_after = -1, .malformed_after = -1, .unknown_type_after = -1,
        .empty_delta_after = -1, .empty_done_text = 0,
        .stall_ms = 0, .stall_after = 0,
        .delay_ms = 20, .heartbeat_ms = 1000, .pin_timeout_ms = 30000,
    };
    return c;
}

int relay_ask_init(relay *r)
{
    relay_ask_registry *reg = calloc(1, sizeof *reg);
    if (!reg)
        return -1;
    pthread_mutex_init(&reg->mu, NULL);
    reg->armed = relay_ask_default_controls();
    reg->resumed = json_array();
    reg->sched = relay_ask_sched_start();
    if (!reg->sched || !reg->resumed) {
        relay_ask_sched_free(reg->sched);
        json_decref(reg->resumed);
        pthread_mutex_destroy(&reg->mu);
        free(reg);
        return -1;
    }
    r->ask = reg;
    return 0;
}

/* Marks every stream stopping and kicks its agent, which finishes and lets
 * its readers end. mu held. */
static void stop_all(relay_ask_registry *reg)
{
    for (ask_stream *st = reg->streams; st; st = st->next) {
        pthread_mutex_lock(&st->mu);
        st->stopping = true;
        pthread_mutex_unlock(&st->mu);
        relay_ask_kick(reg->sched, st);
    }
}

void relay_ask_stop(relay *r)
{
    relay_ask_registry *reg = r->ask;
    if (!reg)
        return;
    pthread_mutex_lock(&reg->mu);
    reg->stopping = true;
    stop_all(reg);
    /* Every suspended reader is resumed (and returns, its stream stopping)
     * before the daemon stops: libmicrohttpd must not stop with suspended
     * connections. */
    relay_ask_sched_stop(reg->sched, reg);
    pthread_mutex_unlock(&reg->mu);
}

void relay_ask_free(relay *r)
{
    relay_ask_registry *reg = r->ask;
    if (!reg)
        return;
    /* The daemon is stopped: every reader was released. */
    relay_ask_sched_stop(reg->sched, reg);
    relay_ask_sched_free(reg->sched);
    ask_stream *st = reg->streams;
    while (st) {
        ask_stream *next = st->next;
        ask_stream_unref(st);
        st = next;
    }
    json_decref(reg->resumed);
    pthread_mutex_destroy(&reg->mu);
    free(reg);
    r->ask = NULL;
}

void relay_ask_sweep(relay_ask_registry *reg)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    reg->swept_ms = ask_now_ms();
    ask_stream **link = &reg->streams;
    while (*link) {
        ask_stream *st = *link;
        pthread_mutex_lock(&st->mu);
        bool unread = st->subscribers == 0;
        bool stop = false;
        /* A live stream nobody has read for ASK_KEEP_MS (dropped and never
         * resumed) is abandoned: stop its agent so it can go. */
        if (unread && !st->agent_done && !st->stopping &&
            ask_ms_between(st->idle_since, now) > ASK_KEEP_MS) {
            st->stopping = true;
            stop = true;
        }
        bool gone = unread && st->agent_done &&
                    (st->cancelled || st->stopping ||
                     ask_ms_between(st->done_at, now) > ASK_KEEP_MS);
        pthread_mutex_unlock(&st->mu);
        if (stop)
            relay_ask_kick(reg->sched, st);
        if (gone) {
            *link = st->next;
            ask_stream_unref(st);
        } else {
            link = &st->next;
        }
    }
}

/* Before a new ask: a sweep walks every stream, so with thousands open it
 * runs at most every ASK_SWEEP_MS here (pin, confirm and the control
 * endpoint always sweep). */
#define ASK_SWEEP_MS 50

static void sweep_now_and_then(relay_ask_registry *reg)
{
    if (ask_now_ms() - reg->swept_ms >= ASK_SWEEP_MS)
        relay_ask_sweep(reg);
}

void relay_ask_reset(relay *r)
{
    relay_ask_registry *reg = r->ask;
    if (!reg)
        return;
    pthread_mutex_lock(&reg->mu);
    stop_all(reg);         /* each agent finishes at its next step */
    relay_ask_sweep(reg);  /* those still read go when their reader ends */
    reg->armed = relay_ask_default_controls();
    reg->armed_left = 0;
    json_array_clear(reg->resumed);
    atomic_store(&reg->opened, 0);
    atomic_store(&reg->cancelled, 0);
    atomic_store(&reg->completed, 0);
    relay_ask_sched_reset_counts(reg->sched);
    pthread_mutex_unlock(&reg->mu);
}

/* ---- request validation -------------------------------------------------- */

/* The stored machine of the first capture, or NULL after a 404. */
static json_t *machine_or_404(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = relay_find(relay_coll(r, "machines"), "id", q->cap[0]);
    if (!m)
        relay_error(out, 404, "not_found", NULL, "machine %s not found",
                    q->cap[0]);
    return m;
}

/* The AskRequest body; 422 naming the field on the first failure. */
static bool valid_ask(const relay_req *q, relay_resp *out, const char **prompt,
                      const char **pin)
{
    const char *session_id, *agent_type;
    long long secs;
    bool has_secs;
    if (!relay_body_str(q, out, 422, "prompt", true, 1, 100000, prompt) ||
        !relay_body_str(q, out, 422, "session_id", true, 1, 200,
                        &session_id) ||
        !relay_body_str(q, out, 422, "agent_type", false, 1, 100,
                        &agent_type) ||
        !relay_body_int(q, out, 422, "timeout_seconds", false, 1, 86400,
                        &has_secs, &secs) ||
        !relay_body_str(q, out, 422, "pin", false, 1, 64, pin))
        return false;
    json_t *opts = q->body ? json_object_get(q->body, "options") : NULL;
    if (opts && !json_is_object(opts) && !json_is_null(opts)) {
        relay_error(out, 422, "validation", "options",
                    "options must be an object");
        return false;
    }
    return true;
}

/* ---- ask ------------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A new stream for machine m, its agent started and the response set. */
static void open_stream(relay_ask_registry *reg, const relay_req *q,
                        relay_resp *out, json_t *m, const char *prompt,
                        const char *pin)
{
    ask_stream *st = ask_stream_new(reg);
    if (!st) {
        relay_error(out, 500, "internal", NULL, "out of memory");
        return;
    }
    const char *name = json_string_value(json_object_get(m, "name"));
    const char *presence = json_string_value(json_object_get(m, "presence"));
    st->machine_id = strdup(q->cap[0]);
    st->machine_name = strdup(name ? name : q->cap[0]);
    st->prompt = strdup(prompt);
    st->machine_pin = dup_or_null(json_string_value(json_object_get(m, "pin")));
    st->upfront_pin = dup_or_null(pin);
    st->offline = presence && strcmp(presence, "offline") == 0;
    st->ctl = relay_ask_default_controls();
    if (reg->armed_left > 0) {
        st->ctl = reg->armed;
        if (--reg->armed_left == 0)
            reg->armed = relay_ask_default_controls();
    }
    clock_gettime(CLOCK_MONOTONIC, &st->idle_since);
    if (!st->machine_id || !st->machine_name || !st->prompt ||
        !relay_ask_serve(out, st, q, 0)) {
        ask_stream_unref(st);
        relay_error(out, 500, "internal", NULL, "out of memory");
        return;
    }
    st->next = reg->streams;
    reg->streams = st;
    atomic_fetch_add(&reg->opened, 1);
    relay_ask_kick(reg->sched, st);   /* the agent's first step */
}

/* Last-Event-ID "<stream_id>.<seq>": replay after seq, then go on live. */
static void resume_stream(relay_ask_registry *reg, const relay_req *q,
                          relay_resp *out, const char *last_id)
{
    const char *dot = strrchr(last_id, '.');
    char *end = NULL;
    unsigned long long seq = 0;
    if (dot && dot[1] >= '0' && dot[1] <= '9')
        seq = strtoull(dot + 1, &end, 10);
    ask_stream *st = NULL;
    if (end && *end == '\0') {
        size_t idlen = (size_t)(dot - last_id);
        for (st = reg->streams; st; st = st->next)
            if (strlen(st->id) == idlen &&
                strncmp(st->id, last_id, idlen) == 0)
                break;
    }
    bool ok = false;
    if (st) {
        pthread_mutex_lock(&st->mu);
        ok = !st->cancelled && !st->stopping &&
             strcmp(st->machine_id, q->cap[0]) == 0 && seq <= st->n_frames;
        pthread_mutex_unlock(&st->mu);
    }
    if (!ok) {
        relay_error(out, 409, "resume_unavailable", NULL,
                    "stream position %s is unknown or forgotten", last_id);
        return;
    }
    if (!relay_ask_serve(out, st, q, (size_t)seq)) {
        relay_error(out, 500, "internal", NULL, "out of memory");
        return;
    }
    json_array_append_new(reg->resumed, json_pack(
        "{s:s, s:s}", "stream_id", st->id, "last_event_id", last_id));
}

static void ask(relay *r, const relay_req *q, relay_resp *out)
{
    const char *prompt, *pin;
    json_t *m = machine_or_404(r, q, out);
    if (!m || !valid_ask(q, out, &prompt, &pin))
        return;
    const char *last_id = q->conn
        ? MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
                                      "Last-Event-ID") : NULL;
    relay_ask_registry *reg = r->ask;
    pthread_mutex_lock(&reg->mu);
    sweep_now_and_then(reg);
    if (reg->stopping)
        relay_error(out, 503, "unavailable", NULL, "the relay is stopping");
    else if (last_id && *last_id)
        resume_stream(reg, q, out, last_id);
    else
        open_stream(reg, q, out, m, prompt, pin);
    pthread_mutex_unlock(&reg->mu);
}

/* ---- side channels ------------------------------------------------------- */

/*
 * A PIN answer is a JSON {"accepted"}; the stream goes on on the ask
 * connection. A confirm answer is the rest of the stream itself, as
 * text/event-stream from the frame after confirm_required (measured: the
 * official core reads its continuation from the /confirm response and
 * turns any JSON answer into a done "confirm rejected"), for an accept
 * (the answer's events and done) and a reject (the failed done) alike.
 */
static void answer_reply(relay *r, const relay_req *q, relay_resp *out,
                         ask_wait what, const char *id, const char *pin,
                         bool accept)
{
    relay_ask_registry *reg = r->ask;
    bool ok = false;
    size_t after = 0;
    pthread_mutex_lock(&reg->mu);
    relay_ask_sweep(reg);
    ask_stream *st = relay_ask_answer(reg, q->cap[0], what, id, pin, accept,
                                      &ok, &after);
    if (st && what == ASK_WAIT_CONFIRM &&
        !relay_ask_serve(out, st, q, after))
        relay_error(out, 500, "internal", NULL, "out of memory");
    pthread_mutex_unlock(&reg->mu);
    if (!st) {
        relay_error(out, 404, "not_found", NULL, "no pending %s %s",
                    what == ASK_WAIT_PIN ? "PIN challenge" : "confirmation",
                    id);
        return;
    }
    if (what == ASK_WAIT_PIN)
        relay_json(out, 200, json_pack("{s:b}", "accepted", ok));
}

/* POST .../pin {"challenge_id", "pin"} */
static void pin(relay *r, const relay_req *q, relay_resp *out)
{
    const char *challenge, *value;
    if (!machine_or_404(r, q, out) ||
        !relay_body_str(q, out, 422, "challenge_id", true, 1, 200,
                        &challenge) ||
        !relay_body_str(q, out, 422, "pin", true, 0, 64, &value))
        return;
    answer_reply(r, q, out, ASK_WAIT_PIN, challenge, value, false);
}

/* POST .../confirm {"confirm_token", "accept"} (the hosted field names, as
 * the official core sends them; the old "token" key is not read). */
static void confirm(relay *r, const relay_req *q, relay_resp *out)
{
    const char *token;
    bool has_accept, accept = false;
    if (!machine_or_404(r, q, out) ||
        !relay_body_str(q, out, 422, "confirm_token", true, 1, 200, &token) ||
        !relay_body_bool(q, out, 422, "accept", &has_accept, &accept))
        return;
    if (!has_accept) {
        relay_error_in(out, 422, "body", "accept", "missing",
                       "Field required");
        return;
    }
    answer_reply(r, q, out, ASK_WAIT_CONFIRM, token, NULL, accept);
}

const relay_route relay_ask_routes[] = {
    {"POST", "/api/admin/machines/{}/ask", RELAY_PLANE_RELAY, ask},
    {"POST", "/api/admin/machines/{}/pin", RELAY_PLANE_RELAY, pin},
    {"POST", "/api/admin/machines/{}/confirm", RELAY_PLANE_RELAY, confirm},
    {0}
};
