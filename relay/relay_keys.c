/*
 * relay_keys.c — /api/fleets/{fleet_id}/api-keys (relay plane).
 * db.api_keys: ApiKeySummary fields {id, fleet_id, name, key_prefix,
 * created_at, expires_at?, last_used_at?, revoked_at?, created_by_id?}.
 * The raw token exists only in the issue response: it is never stored, so
 * no later read can leak it. Revoke is soft (revoked_at) and idempotent.
 * Roles: any member lists; admin or owner issues and revokes.
 */
#include "relay.h"

#include "port.h"

#include <stdio.h>
#include <string.h>

static const char *const key_keys[] = {"id", "fleet_id", "name", "key_prefix",
    "created_at", "expires_at", "last_used_at", "revoked_at", "created_by_id",
    NULL};

static void list(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "viewer"))
        return;
    json_t *all = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(relay_coll(r, "api_keys"), i, k) {
        const char *f = json_string_value(json_object_get(k, "fleet_id"));
        if (f && strcmp(f, q->cap[0]) == 0)
            json_array_append_new(all, relay_pick(k, key_keys));
    }
    /* The official core sends no paging parameters for this list and reads
     * {items, total, page, per_page}: by default the whole list is one page
     * (page/per_page, if given, still page it like the other lists). */
    long long n = (long long)json_array_size(all);
    relay_page_offset(q, out, all, n > 0 ? n : 20, n > 100 ? n : 100);
    json_decref(all);
}

/* "cmdop_" + 40 random hex digits. */
static void new_token(char buf[47])
{
    unsigned char b[20];
    if (cmdop__port_random(b, sizeof b) != 0) {
        char u[37];   /* fall back to the uuid source's entropy */
        relay_new_uuid(u);
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(u[i] * 31 + u[i + 16]);
    }
    int o = snprintf(buf, 47, "cmdop_");
    for (size_t i = 0; i < sizeof b; i++)
        o += snprintf(buf + o, (size_t)(47 - o), "%02x", b[i]);
}

static void issue(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name;
    bool has_days;
    long long days = 0;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !relay_body_str(q, out, 422, "name", true, 1, 100, &name) ||
        !relay_body_int(q, out, 422, "expires_in_days", false, 1, 3650,
                        &has_days, &days))
        return;
    char id[37], now[32], expires[32], token[47], prefix[13];
    relay_new_uuid(id);
    relay_now(now);
    new_token(token);
    memcpy(prefix, token, sizeof prefix - 1);   /* "cmdop_" + 6 hex */
    prefix[sizeof prefix - 1] = '\0';
    json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
                          "fleet_id", q->cap[0], "name", name,
                          "key_prefix", prefix, "created_at", now,
                          "created_by_id", q->user_id);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "fleet_id",
                             q->cap[0], "name", name, "raw_token", token);
    if (has_days) {
        relay_time_after(expires, days * 86400);
        json_object_set_new(k, "expires_at", json_string(expires));
        json_object_set_new(body, "expires_at", json_string(expires));
    }
    json_array_append_new(relay_coll(r, "api_keys"), k);
    relay_json(out, 201, body);
}

static void revoke(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin"))
        return;
    json_t *k = relay_find(relay_coll(r, "api_keys"), "id", q->cap[1]);
    const char *f = k ? json_string_value(json_object_get(k, "fleet_id")) : NULL;
    if (!f || strcmp(f, q->cap[0]) != 0) {
        relay_error(out, 404, "not_found", NULL, "api key %s not found",
                    q->cap[1]);
        return;
    }
    relay_stamp_once(k, "revoked_at");
    relay_empty(out, 204);
}

int relay_keys_seed(relay *r, json_t *seed)
{
    return relay_seed_array(r, seed, "api_keys", "id");
}

const relay_route relay_keys_routes[] = {
    {"GET", "/api/fleets/{}/api-keys", RELAY_PLANE_RELAY, list},
    {"POST", "/api/fleets/{}/api-keys", RELAY_PLANE_RELAY, issue},
    {"DELETE", "/api/fleets/{}/api-keys/{}", RELAY_PLANE_RELAY, revoke},
    {0}
};
