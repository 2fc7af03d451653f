/*
 * relay_ask_control.c — the ask test controls under /_control
 * (docs/ask-protocol.md, "Test controls"): POST /ask arms fault injection
 * and pacing for the next K streams, GET /streams reports what the relay
 * saw, so tests assert cancel and resume through counters, not timing.
 * POST /reset clears both (relay_ask_reset, from relay_server_reset).
 */
#include "relay_ask.h"

/* One optional non-negative integer control; absent keeps *val. */
static bool opt_ms(const relay_req *q, relay_resp *out, const char *field,
                   long long max, long *val)
{
    bool present;
    long long v;
    if (!relay_body_int(q, out, 422, field, false, 0, max, &present, &v))
        return false;
    if (present)
        *val = (long)v;
    return true;
}

/* POST /ask {"drop_after", "stall_ms", "stall_after", "malformed_after",
 *            "unknown_type_after", "empty_delta_after", "empty_done_text",
 *            "delay_ms", "heartbeat_ms", "pin_timeout_ms", "streams"} */
static void arm(relay *r, const relay_req *q, relay_resp *out)
{
    ask_controls c = relay_ask_default_controls();
    long streams = 1;
    if (!opt_ms(q, out, "drop_after", ASK_MAX_FRAMES, &c.drop_after) ||
        !opt_ms(q, out, "stall_ms", 600000, &c.stall_ms) ||
        !opt_ms(q, out, "stall_after", ASK_MAX_FRAMES, &c.stall_after) ||
        !opt_ms(q, out, "malformed_after", ASK_MAX_FRAMES,
                &c.malformed_after) ||
        !opt_ms(q, out, "unknown_type_after", ASK_MAX_FRAMES,
                &c.unknown_type_after) ||
        !opt_ms(q, out, "empty_delta_after", ASK_MAX_FRAMES,
                &c.empty_delta_after) ||
        !opt_ms(q, out, "empty_done_text", 1, &c.empty_done_text) ||
        !opt_ms(q, out, "delay_ms", 60000, &c.delay_ms) ||
        !opt_ms(q, out, "heartbeat_ms", 600000, &c.heartbeat_ms) ||
        !opt_ms(q, out, "pin_timeout_ms", 600000, &c.pin_timeout_ms) ||
        !opt_ms(q, out, "streams", 100000, &streams))
        return;
    relay_ask_registry *reg = r->ask;
    pthread_mutex_lock(&reg->mu);
    reg->armed = c;
    reg->armed_left = streams;
    pthread_mutex_unlock(&reg->mu);
    relay_json(out, 200, json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "drop_after", (json_int_t)c.drop_after,
        "stall_ms", (json_int_t)c.stall_ms,
        "stall_after", (json_int_t)c.stall_after,
        "malformed_after", (json_int_t)c.malformed_after,
        "unknown_type_after", (json_int_t)c.unknown_type_after,
        "empty_delta_after", (json_int_t)c.empty_delta_after,
        "empty_done_text", (json_int_t)c.empty_done_text,
        "delay_ms", (json_int_t)c.delay_ms,
        "heartbeat_ms", (json_int_t)c.heartbeat_ms,
        "pin_timeout_ms", (json_int_t)c.pin_timeout_ms,
        "streams", (json_int_t)streams));
}

/* GET /streams {"opened", "resumed", "cancelled", "completed", "active",
 *               "reader_resumes", "resume_batches", "direct_frames"} */
static void streams(relay *r, const relay_req *q, relay_resp *out)
{
    relay_ask_registry *reg = r->ask;
    pthread_mutex_lock(&reg->mu);
    relay_ask_sweep(reg);
    long active = 0;
    for (ask_stream *st = reg->streams; st; st = st->next) {
        pthread_mutex_lock(&st->mu);
        active += !st->agent_done && !st->stopping;
        pthread_mutex_unlock(&st->mu);
    }
    long long resumes, batches, direct;
    relay_ask_sched_counts(reg->sched, &resumes, &batches, &direct);
    relay_json(out, 200, json_pack(
        "{s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I}",
        "opened", (json_int_t)atomic_load(&reg->opened),
        "resumed", json_deep_copy(reg->resumed),
        "cancelled", (json_int_t)atomic_load(&reg->cancelled),
        "completed", (json_int_t)atomic_load(&reg->completed),
        "active", (json_int_t)active,
        "reader_resumes", (json_int_t)resumes,
        "resume_batches", (json_int_t)batches,
        "direct_frames", (json_int_t)direct));
    pthread_mutex_unlock(&reg->mu);
}

const relay_route relay_ask_control_routes[] = {
    {"POST", "/ask", RELAY_PLANE_CONTROL, arm},
    {"GET", "/streams", RELAY_PLANE_CONTROL, streams},
    {0}
};
