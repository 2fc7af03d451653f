/*
 * relay_members.c — /api/fleets/{fleet_id}/members (relay plane).
 * db.users: {id, email, display_name, pending?}; db.memberships:
 * {fleet_id, user_id, role, joined_at, invited_by_id?}.
 * Roles: any member lists; admin or owner adds, changes and removes members;
 * only an owner may grant the owner role or change or remove an owner. A
 * fleet always keeps one owner (409 otherwise). Adding an unknown email
 * creates a pending user.
 */
#include "relay.h"

#include <string.h>
#include <strings.h>

static const char *const roles[] = {"owner", "admin", "member", "viewer",
                                    NULL};

static json_t *member_info(relay *r, json_t *ms)
{
    const char *uid = json_string_value(json_object_get(ms, "user_id"));
    json_t *u = relay_find(relay_coll(r, "users"), "id", uid);
    json_t *m = json_pack("{s:s*, s:s*, s:s*, s:O*, s:O*}", "user_id", uid,
        "email", u ? json_string_value(json_object_get(u, "email")) : "",
        "display_name",
        u ? json_string_value(json_object_get(u, "display_name")) : "",
        "role", json_object_get(ms, "role"),
        "joined_at", json_object_get(ms, "joined_at"));
    /* Required and nullable on the wire: null for the fleet's creator. */
    json_t *inv = json_object_get(ms, "invited_by_id");
    json_object_set_new(m, "invited_by_id",
                        json_is_string(inv) ? json_incref(inv) : json_null());
    return m;
}

/* Index of user_id's membership in fleet_id, or -1. */
static long membership(relay *r, const char *fleet_id, const char *user_id)
{
    size_t i;
    json_t *m;
    json_array_foreach(relay_coll(r, "memberships"), i, m) {
        const char *f = json_string_value(json_object_get(m, "fleet_id"));
        const char *u = json_string_value(json_object_get(m, "user_id"));
        if (f && u && strcmp(f, fleet_id) == 0 && strcmp(u, user_id) == 0)
            return (long)i;
    }
    return -1;
}

static size_t owner_count(relay *r, const char *fleet_id)
{
    size_t i, n = 0;
    json_t *m;
    json_array_foreach(relay_coll(r, "memberships"), i, m) {
        const char *f = json_string_value(json_object_get(m, "fleet_id"));
        const char *role = json_string_value(json_object_get(m, "role"));
        if (f && role && strcmp(f, fleet_id) == 0 && strcmp(role, "owner") == 0)
            n++;
    }
    return n;
}

/* ^[^@ ]+@[^@ ]+$ */
static bool email_ok(const char *e)
{
    const char *at = strchr(e, '@');
    return at && at != e && at[1] && !strchr(at + 1, '@') && !strchr(e, ' ');
}

static json_t *user_by_email(relay *r, const char *email)
{
    size_t i;
    json_t *u;
    json_array_foreach(relay_coll(r, "users"), i, u) {
        const char *e = json_string_value(json_object_get(u, "email"));
        if (e && strcasecmp(e, email) == 0)
            return u;
    }
    return NULL;
}

static json_t *pending_user(relay *r, const char *email)
{
    char id[37], now[32];
    relay_new_uuid(id);
    relay_now(now);
    json_t *u = json_pack("{s:s, s:s, s:s%, s:b, s:s}", "id", id,
                          "email", email, "display_name", email,
                          strcspn(email, "@"), "pending", 1, "created_at", now);
    json_array_append_new(relay_coll(r, "users"), u);
    return u;
}

static void list(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "viewer"))
        return;
    json_t *all = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(relay_coll(r, "memberships"), i, m) {
        const char *f = json_string_value(json_object_get(m, "fleet_id"));
        if (f && strcmp(f, q->cap[0]) == 0)
            json_array_append_new(all, member_info(r, m));
    }
    relay_page_offset(q, out, all, 20, 100);
    json_decref(all);
}

static bool caller_is_owner(relay *r, const relay_req *q, relay_resp *out,
                            const char *why)
{
    const char *mine = relay_fleet_role(r, q->cap[0], q->user_id);
    if (mine && strcmp(mine, "owner") == 0)
        return true;
    relay_error(out, 403, "permission", NULL, "only an owner can %s", why);
    return false;
}

static void add(relay *r, const relay_req *q, relay_resp *out)
{
    const char *email, *role;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !relay_body_str(q, out, 422, "email", true, 3, 254, &email) ||
        !relay_body_enum(q, out, 422, "role", false, roles, &role))
        return;
    if (!email_ok(email)) {
        relay_error(out, 422, "validation", "email",
                    "email must match ^[^@ ]+@[^@ ]+$");
        return;
    }
    role = role ? role : "member";
    if (strcmp(role, "owner") == 0 &&
        !caller_is_owner(r, q, out, "grant the owner role"))
        return;
    json_t *u = user_by_email(r, email);
    if (!u)
        u = pending_user(r, email);
    const char *uid = json_string_value(json_object_get(u, "id"));
    if (membership(r, q->cap[0], uid) >= 0) {
        relay_error(out, 409, "conflict", "email", "%s is already a member",
                    email);
        return;
    }
    char now[32];
    relay_now(now);
    json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s}", "fleet_id", q->cap[0],
                          "user_id", uid, "role", role, "joined_at", now,
                          "invited_by_id", q->user_id);
    json_array_append_new(relay_coll(r, "memberships"), m);
    relay_json(out, 201, member_info(r, m));
}

/* The target membership (second capture) or NULL after a 404. */
static json_t *target(relay *r, const relay_req *q, relay_resp *out)
{
    long i = membership(r, q->cap[0], q->cap[1]);
    if (i < 0) {
        relay_error(out, 404, "not_found", NULL,
                    "user %s is not a member of fleet %s", q->cap[1],
                    q->cap[0]);
        return NULL;
    }
    return json_array_get(relay_coll(r, "memberships"), (size_t)i);
}

static bool is_owner(json_t *m)
{
    const char *role = json_string_value(json_object_get(m, "role"));
    return role && strcmp(role, "owner") == 0;
}

static void set_role(relay *r, const relay_req *q, relay_resp *out)
{
    const char *role;
    json_t *m;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !relay_body_enum(q, out, 422, "role", true, roles, &role) ||
        !(m = target(r, q, out)))
        return;
    bool promote = strcmp(role, "owner") == 0;
    if ((promote || is_owner(m)) &&
        !caller_is_owner(r, q, out, "grant or change the owner role"))
        return;
    if (is_owner(m) && !promote && owner_count(r, q->cap[0]) == 1) {
        relay_error(out, 409, "conflict", "role",
                    "cannot demote the last owner of fleet %s", q->cap[0]);
        return;
    }
    json_object_set_new(m, "role", json_string(role));
    relay_json(out, 200, member_info(r, m));
}

static void remove_member(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *m;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !(m = target(r, q, out)))
        return;
    if (is_owner(m) && !caller_is_owner(r, q, out, "remove an owner"))
        return;
    if (is_owner(m) && owner_count(r, q->cap[0]) == 1) {
        relay_error(out, 409, "conflict", NULL,
                    "cannot remove the last owner of fleet %s", q->cap[0]);
        return;
    }
    json_array_remove(relay_coll(r, "memberships"),
                      (size_t)membership(r, q->cap[0], q->cap[1]));
    relay_empty(out, 204);
}

int relay_members_seed(relay *r, json_t *seed)
{
    if (relay_seed_array(r, seed, "users", "id") < 0)
        return -1;
    return relay_seed_array(r, seed, "memberships", "fleet_id");
}

const relay_route relay_members_routes[] = {
    {"GET", "/api/fleets/{}/members", RELAY_PLANE_RELAY, list},
    {"POST", "/api/fleets/{}/members", RELAY_PLANE_RELAY, add},
    {"PATCH", "/api/fleets/{}/members/{}", RELAY_PLANE_RELAY, set_role},
    {"DELETE", "/api/fleets/{}/members/{}", RELAY_PLANE_RELAY, remove_member},
    {0}
};
