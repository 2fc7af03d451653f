/*
 * fake_ops.h — op descriptors for the runtime's unit tests, written by hand
 * in the shape the generator emits (op_table.h), so the unit tests never
 * depend on gen/. Included by several test_*.c files; everything is static.
 */
#ifndef TEST_FAKE_OPS_H
#define TEST_FAKE_OPS_H

#include <stddef.h>
#include "op_table.h"

#define UNUSED __attribute__((unused))
#define NP(a) (sizeof(a) / sizeof((a)[0]))
#define STR_P(n, w, in, req) {n, w, in, CMDOP__T_STRING, req, NULL, false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false}

static const char *const k_presence[] = {"any", "online", "offline", NULL};
static const char *const k_roles[] = {"owner", "admin", "member", "viewer", NULL};

/* machines.list: relay, cursor paging */
static const cmdop__param_desc k_machines_list_params[] = {
    {"presence", "presence", CMDOP__IN_QUERY, CMDOP__T_ENUM, false, "\"any\"", false, false, 0, 0, -1, -1, k_presence, NULL, NULL, NULL, NULL, false},
    {"q", "q", CMDOP__IN_QUERY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, 200, NULL, NULL, NULL, NULL, NULL, false},
    {"limit", "limit", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "100", true, true, 1, 200, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"cursor", "cursor", CMDOP__IN_QUERY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
};
static const cmdop__page_desc k_cursor_page = {
    CMDOP__PAGE_CURSOR, "cursor", NULL, NULL, NULL, "items", "next_cursor", "has_more",
    NULL, NULL, NULL, "iter", "pages", NULL, NULL, NULL, NULL, false};
static UNUSED const cmdop__op_desc k_machines_list = {
    "machines.list", "machines", "list", "cmdop_machines_list", CMDOP__OP_HTTP,
    CMDOP__PLANE_RELAY, "GET", "/api/machines", k_machines_list_params,
    NP(k_machines_list_params), "MachineList", 0, NULL, true, false, &k_cursor_page, NULL,
    NULL, NULL, NULL, 10, 11, NULL};

/* machines.get: relay, path param */
static const cmdop__param_desc k_machines_get_params[] = {
    STR_P("machine_id", "machine_id", CMDOP__IN_PATH, true),
};
static UNUSED const cmdop__op_desc k_machines_get = {
    "machines.get", "machines", "get", "cmdop_machines_get", CMDOP__OP_HTTP,
    CMDOP__PLANE_RELAY, "GET", "/api/machines/{machine_id}", k_machines_get_params,
    NP(k_machines_get_params), "Machine", 0, NULL, true, false, NULL, NULL,
    NULL, NULL, NULL, 12, 13, NULL};

/* fleets.list: relay, offset paging (page/per_page sent only when passed;
 * the answer's page/per_page give the offset; has_next ends the iteration) */
static const cmdop__param_desc k_fleets_list_params[] = {
    {"page", "page", CMDOP__IN_QUERY, CMDOP__T_INT32, false, NULL, true, false, 1, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"per_page", "per_page", CMDOP__IN_QUERY, CMDOP__T_INT32, false, NULL, true, true, 1, 100, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
};
static const cmdop__page_desc k_offset_page = {
    CMDOP__PAGE_OFFSET, NULL, "offset", "page", "per_page", "items", NULL, NULL,
    "total", "has_next", NULL, "iter", "pages", "page", "per_page", "has_prev", "offset", false};
static UNUSED const cmdop__op_desc k_fleets_list = {
    "fleets.list", "fleets", "list", "cmdop_fleets_list", CMDOP__OP_HTTP,
    CMDOP__PLANE_RELAY, "GET", "/api/fleets", k_fleets_list_params,
    NP(k_fleets_list_params), "FleetList", 0, NULL, true, false, &k_offset_page, NULL,
    NULL, NULL, NULL, 20, 21, NULL};

/* fleets.get: client-side scan of fleets.list */
static const cmdop__param_desc k_fleets_get_params[] = {
    STR_P("fleet_id", "fleet_id", CMDOP__IN_PATH, true),
};
static UNUSED const cmdop__op_desc k_fleets_get = {
    "fleets.get", "fleets", "get", "cmdop_fleets_get", CMDOP__OP_SCAN,
    CMDOP__PLANE_RELAY, "GET", "/api/fleets", k_fleets_get_params,
    NP(k_fleets_get_params), "Fleet", 0, NULL, true, false, NULL, NULL,
    &k_fleets_list, "fleet_id", "id", 22, 23, NULL};

/* fleets.members.add: relay POST, fleet context, body, Idempotency-Key */
static const cmdop__param_desc k_members_add_params[] = {
    {"fleet_id", "fleet_id", CMDOP__IN_CONTEXT, CMDOP__T_STRING, true, NULL, false, false, 0, 0, -1, -1, NULL, NULL, "fleet_id", NULL, NULL, false},
    {"email", "email", CMDOP__IN_BODY, CMDOP__T_STRING, true, NULL, false, false, 0, 0, 3, 254, NULL, "^[^@ ]+@[^@ ]+$", NULL, NULL, NULL, false},
    {"role", "role", CMDOP__IN_BODY, CMDOP__T_ENUM, false, "\"member\"", false, false, 0, 0, -1, -1, k_roles, NULL, NULL, NULL, NULL, false},
};
static UNUSED const cmdop__op_desc k_members_add = {
    "fleets.members.add", "fleets.members", "add", "cmdop_fleets_members_add", CMDOP__OP_HTTP,
    CMDOP__PLANE_RELAY, "POST", "/api/fleets/{fleet_id}/members", k_members_add_params,
    NP(k_members_add_params), "Member", 0, NULL, false, true, NULL, NULL,
    NULL, NULL, NULL, 30, 31, NULL};

/* keys.revoke: relay DELETE, 204 */
static const cmdop__param_desc k_keys_revoke_params[] = {
    {"fleet_id", "fleet_id", CMDOP__IN_CONTEXT, CMDOP__T_STRING, true, NULL, false, false, 0, 0, -1, -1, NULL, NULL, "fleet_id", NULL, NULL, false},
    STR_P("key_id", "key_id", CMDOP__IN_PATH, true),
};
static UNUSED const cmdop__op_desc k_keys_revoke = {
    "keys.revoke", "keys", "revoke", "cmdop_keys_revoke", CMDOP__OP_HTTP,
    CMDOP__PLANE_RELAY, "DELETE", "/api/fleets/{fleet_id}/api-keys/{key_id}", k_keys_revoke_params,
    NP(k_keys_revoke_params), NULL, 204, NULL, true, false, NULL, NULL,
    NULL, NULL, NULL, 40, 201, NULL};

/* machines.clear_messages-like POST without an idempotency key (never retried) */
static UNUSED const cmdop__op_desc k_plain_post = {
    "machines.clear_messages", "machines", "clear_messages", "cmdop_machines_clear_messages",
    CMDOP__OP_HTTP, CMDOP__PLANE_RELAY, "POST", "/api/machines/{machine_id}/messages/clear",
    k_machines_get_params, NP(k_machines_get_params), NULL, 204, NULL, false, false, NULL,
    NULL, NULL, NULL, NULL, 50, 201, NULL};

/* skills.list: platform, page-number paging, wire name differs (page_size) */
static const cmdop__param_desc k_skills_list_params[] = {
    {"search", "search", CMDOP__IN_QUERY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, 100, NULL, NULL, NULL, NULL, NULL, false},
    {"page", "page", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "1", true, false, 1, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"page_size", "page_size", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "20", true, true, 1, 100, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
};
static const cmdop__page_desc k_number_page = {
    CMDOP__PAGE_NUMBER, NULL, NULL, "page", "page_size", "results", NULL, NULL,
    "count", "has_next", "next_page", NULL, NULL, NULL, NULL, NULL, NULL, false};
static UNUSED const cmdop__op_desc k_skills_list = {
    "skills.list", "skills", "list", "cmdop_skills_list", CMDOP__OP_HTTP,
    CMDOP__PLANE_PLATFORM, "GET", "/skills/", k_skills_list_params,
    NP(k_skills_list_params), "SkillListPage", 0, NULL, true, false, &k_number_page, NULL,
    NULL, NULL, NULL, 60, 61, NULL};

/* skills.publish: platform POST answering 202 with no body */
static const cmdop__param_desc k_publish_params[] = {
    STR_P("slug", "slug", CMDOP__IN_PATH, true),
    {"raw_manifest", "raw_manifest", CMDOP__IN_BODY, CMDOP__T_STRING, true, NULL, false, false, 0, 0, 1, 1048576, NULL, NULL, NULL, NULL, NULL, false},
};
static UNUSED const cmdop__op_desc k_skills_publish = {
    "skills.publish", "skills", "publish", "cmdop_skills_publish", CMDOP__OP_HTTP,
    CMDOP__PLANE_PLATFORM, "POST", "/skills/{slug}/publish/", k_publish_params,
    NP(k_publish_params), "SkillsPublishResponse", 202, "{\"status\":\"accepted\"}", false, true,
    NULL, NULL, NULL, NULL, NULL, 70, 71, NULL};

/* machines.active_session: unwrap one field */
static UNUSED const cmdop__op_desc k_active_session = {
    "machines.active_session", "machines", "active_session", "cmdop_machines_active_session",
    CMDOP__OP_HTTP, CMDOP__PLANE_RELAY, "GET", "/api/machines/{machine_id}/active-session",
    k_machines_get_params, NP(k_machines_get_params), "ActiveSession", 0, NULL, true, false,
    NULL, "agent_session_id", NULL, NULL, NULL, 80, 81, NULL};

#endif /* TEST_FAKE_OPS_H */
