/*
 * relay_fleets.c — /api/fleets (relay plane). Stored fleets (db.fleets) are
 * {id, name, slug, mfa_required, created_at, disabled_at?}; the caller's
 * role comes from db.memberships. A caller sees only the fleets it belongs
 * to. Disable is soft: the fleet stays listed with disabled_at set.
 * Roles: update needs admin, disable needs owner; the creator is owner.
 */
#include "relay.h"

#include <string.h>

/* The hosted MfaRequirement enum: the official decoder accepts exactly
 * these (and maps both any and totp to MFA_REQUIREMENT_REQUIRED); the
 * official core sends "any" for the surface values optional and required. */
static const char *const mfa_values[] = {"none", "any", "totp", NULL};
static const char *const fleet_keys[] = {"id", "name", "slug", "mfa_required",
                                         "created_at", "disabled_at", NULL};

/* A stored value from an older seed (optional, required) goes out as "any":
 * the wire has no other way to say "MFA needed". */
static void mfa_to_wire(json_t *s)
{
    const char *v = json_string_value(json_object_get(s, "mfa_required"));
    if (!v || (strcmp(v, "none") != 0 && strcmp(v, "totp") != 0))
        json_object_set_new(s, "mfa_required", json_string(v ? "any" : "none"));
}

static json_t *summary(relay *r, json_t *f, const char *user_id)
{
    static const char *const nulls[] = {"disabled_at", NULL};
    json_t *s = relay_pick(f, fleet_keys);
    mfa_to_wire(s);
    relay_nulls(s, nulls);
    const char *role = relay_fleet_role(
        r, json_string_value(json_object_get(f, "id")), user_id);
    if (role)
        json_object_set_new(s, "role", json_string(role));
    return s;
}

/* ^[a-z0-9][a-z0-9-]{1,62}$ */
static bool slug_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || c != '-'))
            return false;
    }
    return true;
}

static void list(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *all = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(relay_coll(r, "fleets"), i, f) {
        const char *id = json_string_value(json_object_get(f, "id"));
        if (relay_fleet_role(r, id, q->user_id))
            json_array_append_new(all, summary(r, f, q->user_id));
    }
    relay_page_offset(q, out, all, 20, 100);
    json_decref(all);
}

static void create(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name, *slug, *mfa;
    if (!relay_body_str(q, out, 422, "name", true, 1, 100, &name) ||
        !relay_body_str(q, out, 422, "slug", true, 0, 1024, &slug) ||
        !relay_body_enum(q, out, 422, "mfa_required", false, mfa_values, &mfa))
        return;
    if (!slug_ok(slug)) {
        relay_error(out, 422, "validation", "slug",
                    "slug must match ^[a-z0-9][a-z0-9-]{1,62}$");
        return;
    }
    json_t *fleets = relay_coll(r, "fleets");
    if (relay_find(fleets, "slug", slug)) {
        relay_error(out, 409, "conflict", "slug", "slug %s is taken", slug);
        return;
    }
    char id[37], now[32];
    relay_new_uuid(id);
    relay_now(now);
    json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "name", name,
                          "slug", slug, "mfa_required", mfa ? mfa : "none",
                          "created_at", now);
    json_array_append_new(fleets, f);
    json_array_append_new(relay_coll(r, "memberships"),
        json_pack("{s:s, s:s, s:s, s:s}", "fleet_id", id, "user_id",
                  q->user_id, "role", "owner", "joined_at", now));
    relay_json(out, 201, summary(r, f, q->user_id));
}

static void update(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name, *mfa;
    json_t *f = relay_fleet_access(r, q, out, q->cap[0], "admin");
    if (!f || !relay_body_str(q, out, 422, "name", false, 0, 100, &name) ||
        !relay_body_enum(q, out, 422, "mfa_required", false, mfa_values, &mfa))
        return;
    /* "" = leave the name: the official 1.1.1 client sends name "" whenever
     * its caller passes no name (update(fid, mfa_required=...)), so the
     * hosted service must read it as unset for that call to work. */
    if (name && *name)
        json_object_set_new(f, "name", json_string(name));
    if (mfa)
        json_object_set_new(f, "mfa_required", json_string(mfa));
    relay_json(out, 200, summary(r, f, q->user_id));
}

static void disable(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *f = relay_fleet_access(r, q, out, q->cap[0], "owner");
    if (!f)
        return;
    relay_stamp_once(f, "disabled_at");
    relay_empty(out, 204);
}

int relay_fleets_seed(relay *r, json_t *seed)
{
    return relay_seed_array(r, seed, "fleets", "id");
}

const relay_route relay_fleets_routes[] = {
    {"GET", "/api/fleets", RELAY_PLANE_RELAY, list},
    {"POST", "/api/fleets", RELAY_PLANE_RELAY, create},
    {"PATCH", "/api/fleets/{}", RELAY_PLANE_RELAY, update},
    {"DELETE", "/api/fleets/{}", RELAY_PLANE_RELAY, disable},
    {0}
};
