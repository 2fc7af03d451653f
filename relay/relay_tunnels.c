/*
 * relay_tunnels.c — tunnels (relay plane, Bearer): open, close, list, get
 * and the connected-session picker.
 *
 * State (db keys owned here):
 *   tunnels             open TunnelView records, in opening order
 *   tunnels_closed      ids of closed tunnels, so a second close is still a
 *                       204 (close is idempotent: docs/relay.md "Tunnels")
 *                       while an id that never existed is a 404
 *   connected_sessions  ConnectedSessionOption records (seeded)
 * A tunnel's fleet_id is the first fleet of its session's machine.
 */
#include <stdio.h>
#include <string.h>

#include "relay.h"
#include "relay_kit.h"

#define TUNNEL_DOMAIN "tunnels.localhost"

static const char *const PROTOCOLS[] = {"http", "https", "tcp", NULL};

/* ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ without a regex engine. */
static bool subdomain_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* The fleet of the session's machine: its first fleet link in
 * db.fleet_machines ({machine_id, fleet_id, ...}); "" when it has none. */
static const char *session_fleet(relay *r, json_t *session)
{
    const char *mid = json_string_value(json_object_get(session, "machine_id"));
    json_t *link = relay_find(relay_coll(r, "fleet_machines"), "machine_id", mid);
    const char *fid = json_string_value(json_object_get(link, "fleet_id"));
    return fid ? fid : "";
}

/* A fresh subdomain no open tunnel uses: "t" + 8 hex digits. */
static void new_subdomain(json_t *tunnels, char buf[16])
{
    do {
        char uuid[37];
        relay_new_uuid(uuid);
        snprintf(buf, 16, "t%.8s", uuid);
    } while (relay_find(tunnels, "subdomain", buf));
}

static json_t *tunnel_view(const char *id, const char *fleet,
                           const char *session, const char *sub,
                           const char *host, long long port,
                           const char *proto)
{
    char now[32], url[128];
    relay_now(now);
    if (strcmp(proto, "tcp") == 0)
        snprintf(url, sizeof url, "tcp://%s.%s:%lld", sub, TUNNEL_DOMAIN, port);
    else
        snprintf(url, sizeof url, "https://%s.%s", sub, TUNNEL_DOMAIN);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}",
                     "tunnel_id", id, "fleet_id", fleet, "session_id", session,
                     "subdomain", sub, "local_host", host, "local_port",
                     (json_int_t)port, "protocol", proto, "created_at", now,
                     "public_url", url);
}

static void tunnels_open(relay *r, const relay_req *q, relay_resp *out)
{
    const char *session, *proto, *host, *sub;
    long long port;
    bool has_port;
    json_t *options;
    if (!relay_body_str(q, out, 422, "session_id", true, 1, 64, &session) ||
        !relay_body_int(q, out, 422, "local_port", true, 1, 65535, &has_port,
                        &port) ||
        !relay_body_enum(q, out, 422, "protocol", false, PROTOCOLS, &proto) ||
        !relay_body_str(q, out, 422, "local_host", false, 1, 253, &host) ||
        !relay_body_str(q, out, 422, "subdomain", false, 0, 63, &sub) ||
        !relay_kit_str_map(q, out, 422, "options", &options))
        return;
    if (sub && *sub && !subdomain_ok(sub)) {
        relay_error(out, 422, "validation", "subdomain",
                    "subdomain must match ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
        return;
    }
    json_t *s = relay_find(relay_coll(r, "connected_sessions"), "session_id",
                           session);
    if (!s) {
        relay_error(out, 404, "not_found", "session_id",
                    "no connected session '%s'", session);
        return;
    }
    json_t *tunnels = relay_coll(r, "tunnels");
    char gen[16];
    if (!sub || !*sub) {
        new_subdomain(tunnels, gen);
        sub = gen;
    } else if (relay_find(tunnels, "subdomain", sub)) {
        relay_error(out, 409, "conflict", "subdomain",
                    "subdomain '%s' is taken", sub);
        return;
    }
    char id[37];
    relay_new_uuid(id);
    json_t *t = tunnel_view(id, session_fleet(r, s), session, sub,
                            host ? host : "127.0.0.1", port,
                            proto ? proto : "http");
    json_array_append_new(tunnels, t);
    relay_json(out, 201, json_deep_copy(t));
}

static void tunnels_close(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *tunnels = relay_coll(r, "tunnels");
    json_t *closed = relay_coll(r, "tunnels_closed");
    long i = relay_find_index(tunnels, "tunnel_id", q->cap[0]);
    if (i >= 0) {
        json_array_remove(tunnels, (size_t)i);
        json_array_append_new(closed, json_string(q->cap[0]));
        relay_empty(out, 204);
        return;
    }
    size_t k;
    json_t *v;
    json_array_foreach(closed, k, v) {
        if (strcmp(json_string_value(v), q->cap[0]) == 0) {
            relay_empty(out, 204);
            return;
        }
    }
    relay_error(out, 404, "not_found", NULL, "no tunnel '%s'", q->cap[0]);
}

static void tunnels_list(relay *r, const relay_req *q, relay_resp *out)
{
    relay_page_offset(q, out, relay_coll(r, "tunnels"), 20, 100);
}

static void tunnels_get(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *t = relay_find(relay_coll(r, "tunnels"), "tunnel_id", q->cap[0]);
    if (!t) {
        relay_error(out, 404, "not_found", NULL, "no tunnel '%s'", q->cap[0]);
        return;
    }
    relay_json(out, 200, json_deep_copy(t));
}

static void tunnels_sessions(relay *r, const relay_req *q, relay_resp *out)
{
    /* A bare JSON array: the official core unmarshals the body straight
     * into a slice (measured from its decode error). */
    relay_json(out, 200, json_deep_copy(relay_coll(r, "connected_sessions")));
}

/* Loads tunnels and connected_sessions from the seed (copies). */
int relay_tunnels_seed(relay *r, json_t *seed)
{
    if (relay_seed_array(r, seed, "tunnels", "tunnel_id") != 0 ||
        relay_seed_array(r, seed, "connected_sessions", "session_id") != 0)
        return -1;
    json_object_set_new(r->db, "tunnels_closed", json_array());
    return 0;
}

/* The literal /connected-sessions route comes before /{} so it wins. */
const relay_route relay_tunnels_routes[] = {
    {"GET", "/api/tunnels/connected-sessions", RELAY_PLANE_RELAY,
     tunnels_sessions},
    {"POST", "/api/tunnels", RELAY_PLANE_RELAY, tunnels_open},
    {"GET", "/api/tunnels", RELAY_PLANE_RELAY, tunnels_list},
    {"GET", "/api/tunnels/{}", RELAY_PLANE_RELAY, tunnels_get},
    {"DELETE", "/api/tunnels/{}", RELAY_PLANE_RELAY, tunnels_close},
    {0},
};
