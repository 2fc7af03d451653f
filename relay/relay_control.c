/*
 * relay_control.c — the test-only control endpoint under <root>/_control
 * (no auth; the relay listens on loopback only). See docs/api-rules.md.
 * Control requests are neither recorded nor subject to injected failures.
 */
#include "relay_server.h"

/* POST /fail {"count", "status"?, "retry_after"?, "code"?} */
static void fail(relay *r, const relay_req *q, relay_resp *out)
{
    long long count, status = 503;
    bool has_count, has_status;
    const char *retry_after, *code;
    if (!relay_body_int(q, out, 422, "count", true, 0, 1000000, &has_count,
                        &count) ||
        !relay_body_int(q, out, 422, "status", false, 400, 599, &has_status,
                        &status) ||
        !relay_body_str(q, out, 422, "retry_after", false, 1, 15,
                        &retry_after) ||
        !relay_body_str(q, out, 422, "code", false, 1, 31, &code))
        return;
    relay_server_fail(r, (long)count, has_status ? (int)status : 503,
                      retry_after, code);
    relay_json(out, 200, json_pack("{s:I, s:I}", "count", (json_int_t)count,
                                   "status", (json_int_t)(has_status ? status
                                                                     : 503)));
}

/* POST /pages {"repeat_cursor": N}: the next N cursor pages asked with a
 * cursor answer that cursor again as next_cursor (has_more true where the
 * list has it), as a server that does not advance; 0 disarms. */
static void pages(relay *r, const relay_req *q, relay_resp *out)
{
    long long count;
    bool has_count;
    if (!relay_body_int(q, out, 422, "repeat_cursor", true, 0, 1000000, &has_count, &count))
        return;
    relay_server_set_repeat_cursor(r, (long)count);
    relay_json(out, 200, json_pack("{s:I}", "repeat_cursor", (json_int_t)count));
}

/* GET /requests: every non-control request so far, in arrival order. */
static void requests(relay *r, const relay_req *q, relay_resp *out)
{
    /* A deep copy, so the body never aliases the live recording. */
    relay_json(out, 200, json_pack("{s:o}", "requests",
                                   json_deep_copy(relay_server_recording(r))));
}

/* POST /reset {"state"?: bool} */
static void reset(relay *r, const relay_req *q, relay_resp *out)
{
    bool has_state, state = false;
    if (!relay_body_bool(q, out, 422, "state", &has_state, &state))
        return;
    if (relay_server_reset(r, has_state && state) < 0) {
        relay_error(out, 500, "internal", NULL, "reloading the seed failed");
        return;
    }
    relay_json(out, 200, json_pack("{s:b, s:b}", "ok", 1, "state",
                                   has_state && state));
}

static void health(relay *r, const relay_req *q, relay_resp *out)
{
    relay_json(out, 200, json_pack("{s:b}", "ok", 1));
}

const relay_route relay_control_routes[] = {
    {"POST", "/fail", RELAY_PLANE_CONTROL, fail},
    {"POST", "/pages", RELAY_PLANE_CONTROL, pages},
    {"GET", "/requests", RELAY_PLANE_CONTROL, requests},
    {"POST", "/reset", RELAY_PLANE_CONTROL, reset},
    {"GET", "/health", RELAY_PLANE_CONTROL, health},
    {0}
};
