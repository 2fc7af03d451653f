/*
 * relay_fleet_machines.c — /api/fleets/{fleet_id}/machines (relay plane).
 * db.fleet_machines: {machine_id, fleet_id, joined_at, added_by_id?}.
 * Roles: any member lists; admin or owner attaches and detaches.
 */
#include "relay_machines.h"

#include <string.h>

static const char *const link_keys[] = {"machine_id", "fleet_id", "joined_at",
                                        "added_by_id", NULL};

static long link_index(relay *r, const char *fleet_id, const char *machine_id)
{
    size_t i;
    json_t *l;
    json_array_foreach(relay_coll(r, "fleet_machines"), i, l) {
        const char *f = json_string_value(json_object_get(l, "fleet_id"));
        const char *m = json_string_value(json_object_get(l, "machine_id"));
        if (f && m && strcmp(f, fleet_id) == 0 && strcmp(m, machine_id) == 0)
            return (long)i;
    }
    return -1;
}

static void list(relay *r, const relay_req *q, relay_resp *out)
{
    if (relay_fleet_access(r, q, out, q->cap[0], "viewer"))
        relay_machine_list(r, q, out, q->cap[0]);
}

static void attach(relay *r, const relay_req *q, relay_resp *out)
{
    const char *mid;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !relay_body_str(q, out, 422, "machine_id", true, 1, 64, &mid))
        return;
    if (!relay_find(relay_coll(r, "machines"), "id", mid)) {
        relay_error(out, 404, "not_found", "machine_id",
                    "machine %s not found", mid);
        return;
    }
    if (link_index(r, q->cap[0], mid) >= 0) {
        relay_error(out, 409, "conflict", "machine_id",
                    "machine %s is already in fleet %s", mid, q->cap[0]);
        return;
    }
    char now[32];
    relay_now(now);
    json_t *l = json_pack("{s:s, s:s, s:s, s:s}", "machine_id", mid,
                          "fleet_id", q->cap[0], "joined_at", now,
                          "added_by_id", q->user_id);
    json_array_append_new(relay_coll(r, "fleet_machines"), l);
    relay_json(out, 201, relay_pick(l, link_keys));
}

static void detach(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin"))
        return;
    long i = link_index(r, q->cap[0], q->cap[1]);
    if (i < 0) {
        relay_error(out, 404, "not_found", NULL,
                    "machine %s is not in fleet %s", q->cap[1], q->cap[0]);
        return;
    }
    json_array_remove(relay_coll(r, "fleet_machines"), (size_t)i);
    relay_empty(out, 204);
}

int relay_fleet_machines_seed(relay *r, json_t *seed)
{
    return relay_seed_array(r, seed, "fleet_machines", "machine_id");
}

const relay_route relay_fleet_machines_routes[] = {
    {"GET", "/api/fleets/{}/machines", RELAY_PLANE_RELAY, list},
    {"POST", "/api/fleets/{}/machines", RELAY_PLANE_RELAY, attach},
    {"DELETE", "/api/fleets/{}/machines/{}", RELAY_PLANE_RELAY, detach},
    {0}
};
