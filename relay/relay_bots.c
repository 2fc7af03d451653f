/*
 * relay_bots.c — bot configurations (platform plane, X-Api-Key), designed
 * in docs/api-rules.md: list (page-number, platform/search filters), get,
 * create, update, delete. Channel secrets are never stored here.
 *
 * State (db key owned here): bots — Bot records exactly as on the wire.
 * A bot's machine_id must name a machine of db.machines (400 machine_id).
 * platform is fixed at creation: an update ignores it, like a read-only
 * field in Django REST framework.
 */
#include <string.h>

#include "relay.h"
#include "relay_kit.h"

static const char *const PLATFORMS[] = {"telegram", "discord", "slack", NULL};
static const char *const PERMISSIONS[] = {"none", "read", "execute", "files",
                                          "admin", NULL};

/* The parsed body; NULL/unset = not passed. */
typedef struct bot_in {
    const char *name, *platform, *machine_id, *permission;
    json_t *allowed_users;
    bool has_enabled, enabled;
} bot_in;

static bool read_body(relay *r, const relay_req *q, relay_resp *out,
                      bool create, bot_in *in)
{
    memset(in, 0, sizeof *in);
    if (!relay_body_str(q, out, 400, "name", create, 1, 64, &in->name) ||
        (create && !relay_body_enum(q, out, 400, "platform", true, PLATFORMS,
                                    &in->platform)) ||
        !relay_body_str(q, out, 400, "machine_id", create, 1, 64,
                        &in->machine_id) ||
        !relay_kit_str_list(q, out, 400, "allowed_users", 1, 64,
                            &in->allowed_users) ||
        !relay_body_enum(q, out, 400, "permission", false, PERMISSIONS,
                         &in->permission) ||
        !relay_body_bool(q, out, 400, "enabled", &in->has_enabled,
                         &in->enabled))
        return false;
    if (in->machine_id &&
        !relay_find(relay_coll(r, "machines"), "id", in->machine_id)) {
        relay_error(out, 400, "validation", "machine_id",
                    "No machine with id '%s'.", in->machine_id);
        return false;
    }
    return true;
}

static void apply(json_t *b, const bot_in *in)
{
    if (in->name)
        json_object_set_new(b, "name", json_string(in->name));
    if (in->machine_id)
        json_object_set_new(b, "machine_id", json_string(in->machine_id));
    if (in->allowed_users)
        json_object_set_new(b, "allowed_users",
                            json_deep_copy(in->allowed_users));
    if (in->permission)
        json_object_set_new(b, "permission", json_string(in->permission));
    if (in->has_enabled)
        json_object_set_new(b, "enabled", json_boolean(in->enabled));
    char now[32];
    relay_now(now);
    json_object_set_new(b, "updated_at", json_string(now));
}

static json_t *find_bot(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *b = relay_find(relay_coll(r, "bots"), "id", q->cap[0]);
    if (!b)
        relay_error(out, 404, "not_found", NULL, "No bot '%s'.", q->cap[0]);
    return b;
}

static void bots_list(relay *r, const relay_req *q, relay_resp *out)
{
    const char *platform, *search;
    if (!relay_query_enum(q, out, 400, "platform", NULL, PLATFORMS,
                          &platform) ||
        !relay_kit_query_str(q, out, 400, "search", 100, &search))
        return;
    json_t *all = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(relay_coll(r, "bots"), i, b) {
        const char *p = json_string_value(json_object_get(b, "platform"));
        const char *name = json_string_value(json_object_get(b, "name"));
        if ((!platform || (p && strcmp(p, platform) == 0)) &&
            relay_kit_contains_ci(name, search))
            json_array_append_new(all, json_deep_copy(b));
    }
    relay_page_number(q, out, all, 20, 100);
    json_decref(all);
}

static void bots_get(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *b = find_bot(r, q, out);
    if (b)
        relay_json(out, 200, json_deep_copy(b));
}

static void bots_create(relay *r, const relay_req *q, relay_resp *out)
{
    bot_in in;
    if (!read_body(r, q, out, true, &in))
        return;
    char id[37], now[32];
    relay_new_uuid(id);
    relay_now(now);
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:[], s:s, s:b, s:s, s:s}",
                          "id", id, "name", in.name, "platform", in.platform,
                          "machine_id", in.machine_id, "allowed_users",
                          "permission", "execute", "enabled", 1, "created_at",
                          now, "updated_at", now);
    apply(b, &in);
    json_array_append_new(relay_coll(r, "bots"), b);
    relay_json(out, 201, json_deep_copy(b));
}

static void bots_update(relay *r, const relay_req *q, relay_resp *out)
{
    bot_in in;
    json_t *b = find_bot(r, q, out);
    if (!b || !read_body(r, q, out, false, &in))
        return;
    apply(b, &in);
    relay_json(out, 200, json_deep_copy(b));
}

static void bots_delete(relay *r, const relay_req *q, relay_resp *out)
{
    if (!find_bot(r, q, out))
        return;
    json_t *all = relay_coll(r, "bots");
    json_array_remove(all, (size_t)relay_find_index(all, "id", q->cap[0]));
    relay_empty(out, 204);
}

/* Loads bots from the seed (a copy). */
int relay_bots_seed(relay *r, json_t *seed)
{
    return relay_seed_array(r, seed, "bots", "id");
}

#define P RELAY_PLANE_PLATFORM
const relay_route relay_bots_routes[] = {
    {"GET", "/apix/bots/", P, bots_list},
    {"POST", "/apix/bots/", P, bots_create},
    {"GET", "/apix/bots/{}/", P, bots_get},
    {"PATCH", "/apix/bots/{}/", P, bots_update},
    {"DELETE", "/apix/bots/{}/", P, bots_delete},
    {0},
};
#undef P
