/*
 * relay_machines.c — /api/machines and /api/admin/machines/{id}/...
 * (relay plane). Stored machines (db.machines) carry every MachineSummary and
 * MachineDetail field flat, plus `info` (MachineInfoResponse), `spend`
 * (MachineSpend per window), `agent_session_id` and `messages`. The relay
 * serves a single user, so every machine is visible to the token's user;
 * disabled machines stay listed and readable with `disabled_at` set.
 */
#include "relay_machines.h"

#include <string.h>
#include <strings.h>

static const char *const summary_keys[] = {
    "id", "name", "hostname", "os", "os_version", "architecture",
    "agent_version", "last_heartbeat_at", "presence", "public_key_fingerprint",
    "public_key_status", "disabled_at", "created_at", "specs", "is_jarvis",
    NULL};
static const char *const detail_keys[] = {
    "is_root", "username", "device_id", "public_key", "public_key_version",
    "public_key_registered_at", "created_by_id", "live_metrics", NULL};
/* Required by the hosted schema but nullable: always sent, null when unset
 * (measured: the official decoder names each one "field required"). */
static const char *const summary_nulls[] = {
    "last_heartbeat_at", "public_key_fingerprint", "public_key_status",
    "disabled_at", "created_at", NULL};
static const char *const detail_nulls[] = {
    "device_id", "public_key", "public_key_registered_at", "created_by_id",
    "live_metrics", NULL};
static const char *const presences[] = {"any", "online", "offline", NULL};
static const char *const windows[] = {"1d", "7d", "30d", "90d", NULL};

json_t *relay_machine_summary(relay *r, json_t *m, const char *user_id)
{
    json_t *s = relay_pick(m, summary_keys);
    json_t *refs = json_array();
    const char *mid = json_string_value(json_object_get(m, "id"));
    size_t i;
    json_t *link;
    json_array_foreach(relay_coll(r, "fleet_machines"), i, link) {
        const char *lm = json_string_value(json_object_get(link, "machine_id"));
        const char *fid = json_string_value(json_object_get(link, "fleet_id"));
        json_t *f = relay_find(relay_coll(r, "fleets"), "id", fid);
        if (!f || !lm || strcmp(lm, mid) != 0)
            continue;
        json_t *ref = json_pack("{s:s, s:O*, s:O*}", "fleet_id", fid,
                                "slug", json_object_get(f, "slug"),
                                "name", json_object_get(f, "name"));
        const char *role = relay_fleet_role(r, fid, user_id);
        if (role)
            json_object_set_new(ref, "role", json_string(role));
        json_array_append_new(refs, ref);
    }
    json_object_set_new(s, "fleets", refs);
    relay_nulls(s, summary_nulls);
    return s;
}

static bool linked(relay *r, const char *fleet_id, const char *machine_id)
{
    size_t i;
    json_t *l;
    json_array_foreach(relay_coll(r, "fleet_machines"), i, l) {
        const char *f = json_string_value(json_object_get(l, "fleet_id"));
        const char *m = json_string_value(json_object_get(l, "machine_id"));
        if (f && m && strcmp(f, fleet_id) == 0 && strcmp(m, machine_id) == 0)
            return true;
    }
    return false;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* q matches a case-insensitive substring of the name, hostname or id. */
static bool text_match(json_t *m, const char *needle)
{
    static const char *const keys[] = {"name", "hostname", "id", NULL};
    if (!needle || !*needle)
        return true;
    for (size_t i = 0; keys[i]; i++) {
        const char *v = json_string_value(json_object_get(m, keys[i]));
        if (v && contains_ci(v, needle))
            return true;
    }
    return false;
}

void relay_machine_list(relay *r, const relay_req *q, relay_resp *out,
                        const char *fleet_id)
{
    const char *presence, *text = relay_query(q, "q");
    if (!relay_query_enum(q, out, 422, "presence", "any", presences, &presence))
        return;
    if (text && strlen(text) > 200) {
        relay_error_in(out, 422, "query", "q", "string_too_long",
                       "q must be at most 200 bytes (got %zu)", strlen(text));
        return;
    }
    json_t *all = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(relay_coll(r, "machines"), i, m) {
        const char *id = json_string_value(json_object_get(m, "id"));
        const char *p = json_string_value(json_object_get(m, "presence"));
        if (fleet_id && !linked(r, fleet_id, id))
            continue;
        if (strcmp(presence, "any") != 0 && (!p || strcmp(p, presence) != 0))
            continue;
        if (!text_match(m, text))
            continue;
        json_array_append_new(all, relay_machine_summary(r, m, q->user_id));
    }
    relay_page_cursor(r, q, out, all, 100, 200, true);
    json_decref(all);
}

/* The stored machine named by the first capture, or NULL after a 404. */
static json_t *machine_or_404(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = relay_find(relay_coll(r, "machines"), "id", q->cap[0]);
    if (!m)
        relay_error(out, 404, "not_found", NULL, "machine %s not found",
                    q->cap[0]);
    return m;
}

static void list(relay *r, const relay_req *q, relay_resp *out)
{
    relay_machine_list(r, q, out, NULL);
}

static void get(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = machine_or_404(r, q, out);
    if (!m)
        return;
    /* MachineDetail is flat on the wire: the summary's fields and the
     * detail's side by side. */
    json_t *d = relay_machine_summary(r, m, q->user_id);
    json_t *extra = relay_pick(m, detail_keys);
    json_object_update(d, extra);
    json_decref(extra);
    relay_nulls(d, detail_nulls);
    relay_json(out, 200, d);
}

static void update(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name;
    json_t *m = machine_or_404(r, q, out);
    if (!m || !relay_body_str(q, out, 422, "name", false, 0, 100, &name))
        return;
    /* "" = leave the name, as for fleets.update: the official client sends
     * name "" when its caller passes none. */
    if (name && *name)
        json_object_set_new(m, "name", json_string(name));
    relay_json(out, 200, relay_machine_summary(r, m, q->user_id));
}

/* Soft-disable: the machine stays, with disabled_at set (kept if set). */
static void disable(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = machine_or_404(r, q, out);
    if (!m)
        return;
    relay_stamp_once(m, "disabled_at");
    relay_empty(out, 204);
}

static void info(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = machine_or_404(r, q, out);
    if (!m)
        return;
    json_t *i = json_object_get(m, "info");
    if (!json_is_object(i)) {
        relay_error(out, 404, "not_found", NULL, "machine %s has no info",
                    q->cap[0]);
        return;
    }
    /* A reference, not a copy: the answer is only read (serialized under
     * the relay's lock, relay_server.c dump_body) and then released. */
    relay_json(out, 200, json_incref(i));
}

/* A window without recorded spend is all zeros. */
static void spend(relay *r, const relay_req *q, relay_resp *out)
{
    const char *window;
    json_t *m = machine_or_404(r, q, out);
    if (!m || !relay_query_enum(q, out, 422, "window", "7d", windows, &window))
        return;
    json_t *s = json_object_get(json_object_get(m, "spend"), window);
    json_t *body = s ? json_deep_copy(s)
                     : json_pack("{s:f, s:f, s:f, s:i, s:i, s:i, s:i, s:[]}",
                                 "total_usd", 0.0, "delta_usd", 0.0,
                                 "delta_pct", 0.0, "tokens_in", 0,
                                 "tokens_out", 0, "calls", 0, "ocr_pages", 0,
                                 "top_models");
    json_object_set_new(body, "window", json_string(window));
    relay_json(out, 200, body);
}

static void with_session(json_t *body, json_t *m)
{
    json_t *sid = json_object_get(m, "agent_session_id");
    if (json_is_string(sid))
        json_object_set(body, "agent_session_id", sid);
}

/* The newest `limit` messages, oldest first. */
static void messages(relay *r, const relay_req *q, relay_resp *out)
{
    long long limit;
    json_t *m = machine_or_404(r, q, out);
    if (!m || !relay_query_int(q, out, 422, "limit", 50, 1, 500, &limit))
        return;
    json_t *all = json_object_get(m, "messages");
    size_t n = json_array_size(all);
    size_t from = n > (size_t)limit ? n - (size_t)limit : 0;
    json_t *items = json_array();
    for (size_t i = from; i < n; i++)
        json_array_append_new(items, json_deep_copy(json_array_get(all, i)));
    json_t *body = json_object();
    with_session(body, m);
    json_object_set_new(body, "messages", items);
    relay_json(out, 200, body);
}

static void clear_messages(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = machine_or_404(r, q, out);
    if (!m)
        return;
    json_t *all = json_object_get(m, "messages");
    json_t *body = json_pack("{s:I}", "deleted",
                             (json_int_t)json_array_size(all));
    with_session(body, m);
    json_object_set_new(m, "messages", json_array());
    relay_json(out, 200, body);
}

static void active_session(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m = machine_or_404(r, q, out);
    if (!m)
        return;
    json_t *body = json_object();
    with_session(body, m);
    relay_json(out, 200, body);
}

int relay_machines_seed(relay *r, json_t *seed)
{
    return relay_seed_array(r, seed, "machines", "id");
}

const relay_route relay_machines_routes[] = {
    {"GET", "/api/machines", RELAY_PLANE_RELAY, list},
    {"GET", "/api/machines/{}", RELAY_PLANE_RELAY, get},
    {"PATCH", "/api/machines/{}", RELAY_PLANE_RELAY, update},
    {"DELETE", "/api/machines/{}", RELAY_PLANE_RELAY, disable},
    {"GET", "/api/admin/machines/{}/info", RELAY_PLANE_RELAY, info},
    {"GET", "/api/admin/machines/{}/spend", RELAY_PLANE_RELAY, spend},
    {"GET", "/api/admin/machines/{}/messages", RELAY_PLANE_RELAY, messages},
    {"DELETE", "/api/admin/machines/{}/messages", RELAY_PLANE_RELAY,
     clear_messages},
    {"GET", "/api/admin/machines/{}/active_session", RELAY_PLANE_RELAY,
     active_session},
    {0}
};
