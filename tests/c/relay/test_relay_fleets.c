/*
 * test_relay_fleets.c — fleets, fleet members, fleet machines and api keys
 * against the in-process relay with the default seed: validation with the
 * field, 404s, 409s, 204s, soft-disable, roles (403) and raw_token once.
 */
#include "relay_http.h"

#define FLEET_PATH "/api/fleets/" RH_FLEET

/* Creates a fleet and returns its id (static buffer). */
static const char *new_fleet(const char *slug)
{
    static char id[64];
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"N %s\",\"slug\":\"%s\"}", slug,
             slug);
    json_t *f = rh_expect(rh_relay("POST", "/api/fleets", body), 201);
    snprintf(id, sizeof id, "%s", rh_s(f, "id"));
    json_decref(f);
    return id;
}

START_TEST(fleets_create_validate_conflict)
{
    json_t *f = rh_expect(rh_relay("POST", "/api/fleets",
        "{\"name\":\"Ops\",\"slug\":\"ops-1\",\"mfa_required\":\"any\"}"),
        201);
    ck_assert_str_eq(rh_s(f, "role"), "owner");
    ck_assert_str_eq(rh_s(f, "mfa_required"), "any");
    /* required and nullable: present as null */
    ck_assert(json_is_null(json_object_get(f, "disabled_at")));
    json_decref(f);
    f = rh_expect(rh_relay("POST", "/api/fleets",
                           "{\"name\":\"Two\",\"slug\":\"two\"}"), 201);
    ck_assert_str_eq(rh_s(f, "mfa_required"), "none");   /* the default */
    json_decref(f);

    rh_expect_error(rh_relay("POST", "/api/fleets",
                             "{\"name\":\"Dup\",\"slug\":\"default\"}"), 409,
                    "conflict", NULL);
    rh_expect_error(rh_relay("POST", "/api/fleets", "{\"slug\":\"abc\"}"), 422,
                    "validation", "name");
    rh_expect_error(rh_relay("POST", "/api/fleets",
                             "{\"name\":\"\",\"slug\":\"abc\"}"), 422,
                    "validation", "name");
    rh_expect_error(rh_relay("POST", "/api/fleets", "{\"name\":\"A\"}"), 422,
                    "validation", "slug");
    static const char *const bad_slugs[] = {"a", "-ab", "Abc", "a_b", "a b",
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij",
        NULL};
    for (size_t i = 0; bad_slugs[i]; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"name\":\"A\",\"slug\":\"%s\"}",
                 bad_slugs[i]);
        rh_expect_error(rh_relay("POST", "/api/fleets", body), 422,
                        "validation", "slug");
    }
    /* the wire enum is none|any|totp: the surface values are not on it */
    static const char *const bad_mfa[] = {"always", "optional", "required",
                                          NULL};
    for (size_t i = 0; bad_mfa[i]; i++) {
        char body[128];
        snprintf(body, sizeof body,
                 "{\"name\":\"A\",\"slug\":\"abc\",\"mfa_required\":\"%s\"}",
                 bad_mfa[i]);
        rh_expect_error(rh_relay("POST", "/api/fleets", body), 422,
                        "validation", "mfa_required");
    }
    f = rh_expect(rh_relay("POST", "/api/fleets",
        "{\"name\":\"T\",\"slug\":\"totp-1\",\"mfa_required\":\"totp\"}"),
        201);
    ck_assert_str_eq(rh_s(f, "mfa_required"), "totp");
    json_decref(f);
}
END_TEST

START_TEST(fleets_list_update_disable)
{
    for (int i = 0; i < 4; i++) {
        char slug[16];
        snprintf(slug, sizeof slug, "f-%d", i);
        new_fleet(slug);
    }
    json_t *p = rh_expect(rh_relay("GET", "/api/fleets?page=2&per_page=2",
                                   NULL), 200);
    ck_assert_int_eq(rh_i(p, "total"), 5);
    ck_assert_int_eq(rh_i(p, "page"), 2);
    ck_assert_int_eq(rh_i(p, "per_page"), 2);
    ck_assert(json_is_true(json_object_get(p, "has_next")));
    ck_assert(json_is_true(json_object_get(p, "has_prev")));
    ck_assert_ptr_null(json_object_get(p, "offset"));
    ck_assert_str_eq(rh_s(json_array_get(json_object_get(p, "items"), 0),
                          "slug"), "f-1");
    json_decref(p);
    /* no paging params (the official core's default): page 1 of 20 */
    p = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    ck_assert_int_eq(rh_i(p, "page"), 1);
    ck_assert_int_eq(rh_i(p, "per_page"), 20);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    json_decref(p);
    rh_expect_error(rh_relay("GET", "/api/fleets?page=0", NULL), 422,
                    "validation", "page");
    rh_expect_error(rh_relay("GET", "/api/fleets?per_page=101", NULL), 422,
                    "validation", "per_page");

    json_t *f = rh_expect(rh_relay("PATCH", FLEET_PATH,
        "{\"name\":\"Renamed\",\"mfa_required\":\"any\"}"), 200);
    ck_assert_str_eq(rh_s(f, "name"), "Renamed");
    ck_assert_str_eq(rh_s(f, "mfa_required"), "any");
    ck_assert_str_eq(rh_s(f, "slug"), "default");
    json_decref(f);
    /* name "" = unchanged (the official client sends it for "no name") */
    f = rh_expect(rh_relay("PATCH", FLEET_PATH,
        "{\"name\":\"\",\"mfa_required\":\"none\"}"), 200);
    ck_assert_str_eq(rh_s(f, "name"), "Renamed");
    ck_assert_str_eq(rh_s(f, "mfa_required"), "none");
    json_decref(f);
    rh_expect_error(rh_relay("PATCH", "/api/fleets/unknown",
                             "{\"name\":\"x\"}"), 404, "not_found", NULL);

    const char *id = new_fleet("to-disable");
    char path[128];
    snprintf(path, sizeof path, "/api/fleets/%s", id);
    rh_resp r = rh_relay("DELETE", path, NULL);
    ck_assert_int_eq(r.status, 204);
    ck_assert_ptr_null(r.body);
    p = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    json_t *items = json_object_get(p, "items");
    json_t *last = json_array_get(items, json_array_size(items) - 1);
    ck_assert_str_eq(rh_s(last, "id"), id);
    ck_assert_ptr_nonnull(rh_s(last, "disabled_at"));   /* soft */
    json_decref(p);
    rh_expect_error(rh_relay("DELETE", "/api/fleets/unknown", NULL), 404,
                    "not_found", NULL);
}
END_TEST

START_TEST(members_rules)
{
    json_t *p = rh_expect(rh_relay("GET", FLEET_PATH "/members", NULL), 200);
    ck_assert_int_eq(rh_i(p, "total"), 3);
    json_decref(p);

    /* an unknown email creates a pending user */
    json_t *m = rh_expect(rh_relay("POST", FLEET_PATH "/members",
        "{\"email\":\"new.person@example.org\"}"), 201);
    ck_assert_str_eq(rh_s(m, "role"), "member");
    ck_assert_str_eq(rh_s(m, "email"), "new.person@example.org");
    ck_assert_str_eq(rh_s(m, "display_name"), "new.person");
    ck_assert_str_eq(rh_s(m, "invited_by_id"), RH_OWNER);
    /* the seed owner was invited by nobody: null, not absent */
    json_t *all = rh_expect(rh_relay("GET", FLEET_PATH "/members", NULL), 200);
    ck_assert(json_is_null(json_object_get(
        json_array_get(json_object_get(all, "items"), 0), "invited_by_id")));
    json_decref(all);
    char uid[64];
    snprintf(uid, sizeof uid, "%s", rh_s(m, "user_id"));
    json_decref(m);
    rh_expect_error(rh_relay("POST", FLEET_PATH "/members",
                             "{\"email\":\"NEW.person@example.org\"}"), 409,
                    "conflict", NULL);
    rh_expect_error(rh_relay("POST", FLEET_PATH "/members",
                             "{\"email\":\"admin@example.com\"}"), 409,
                    "conflict", NULL);
    static const char *const bad_emails[] = {"ab", "no-at-sign", "@x.y",
                                             "a@", "a b@c.d", "a@b@c", NULL};
    for (size_t i = 0; bad_emails[i]; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"email\":\"%s\"}", bad_emails[i]);
        rh_expect_error(rh_relay("POST", FLEET_PATH "/members", body), 422,
                        "validation", "email");
    }
    rh_expect_error(rh_relay("POST", FLEET_PATH "/members",
                             "{\"email\":\"x@y.z\",\"role\":\"god\"}"), 422,
                    "validation", "role");
    rh_expect_error(rh_relay("POST", "/api/fleets/none/members",
                             "{\"email\":\"x@y.z\"}"), 404, "not_found", NULL);

    char path[256];
    snprintf(path, sizeof path, FLEET_PATH "/members/%s", uid);
    m = rh_expect(rh_relay("PATCH", path, "{\"role\":\"viewer\"}"), 200);
    ck_assert_str_eq(rh_s(m, "role"), "viewer");
    json_decref(m);
    rh_expect_error(rh_relay("PATCH", path, "{}"), 422, "validation", "role");
    rh_expect_error(rh_relay("PATCH", FLEET_PATH "/members/nobody",
                             "{\"role\":\"admin\"}"), 404, "not_found", NULL);
    rh_resp r = rh_relay("DELETE", path, NULL);
    ck_assert_int_eq(r.status, 204);
    rh_expect_error(rh_relay("DELETE", path, NULL), 404, "not_found", NULL);

    /* the last owner can be neither demoted nor removed */
    rh_expect_error(rh_relay("PATCH", FLEET_PATH "/members/" RH_OWNER,
                             "{\"role\":\"admin\"}"), 409, "conflict", NULL);
    rh_expect_error(rh_relay("DELETE", FLEET_PATH "/members/" RH_OWNER, NULL),
                    409, "conflict", NULL);
    /* with a second owner, both work */
    json_decref(rh_expect(rh_relay("PATCH", FLEET_PATH "/members/" RH_ADMIN,
                                   "{\"role\":\"owner\"}"), 200));
    json_decref(rh_expect(rh_relay("PATCH", FLEET_PATH "/members/" RH_OWNER,
                                   "{\"role\":\"member\"}"), 200));
}
END_TEST

/* The caller demotes itself to viewer in a fleet it created: from then on
 * reads work and every write is a 403. */
START_TEST(roles_forbid_writes)
{
    const char *id = new_fleet("roles");
    char base[128], path[256];
    snprintf(base, sizeof base, "/api/fleets/%s", id);
    snprintf(path, sizeof path, "%s/members", base);
    json_decref(rh_expect(rh_relay("POST", path,
        "{\"email\":\"admin@example.com\",\"role\":\"owner\"}"), 201));
    snprintf(path, sizeof path, "%s/members/%s", base, RH_OWNER);
    json_decref(rh_expect(rh_relay("PATCH", path, "{\"role\":\"viewer\"}"),
                          200));

    snprintf(path, sizeof path, "%s/members", base);
    json_decref(rh_expect(rh_relay("GET", path, NULL), 200));
    rh_expect_error(rh_relay("POST", path, "{\"email\":\"q@r.s\"}"), 403,
                    "permission", NULL);
    snprintf(path, sizeof path, "%s/api-keys", base);
    json_decref(rh_expect(rh_relay("GET", path, NULL), 200));
    rh_expect_error(rh_relay("POST", path, "{\"name\":\"k\"}"), 403,
                    "permission", NULL);
    snprintf(path, sizeof path, "%s/machines", base);
    rh_expect_error(rh_relay("POST", path, "{\"machine_id\":\"" RH_M(1)
                             "\"}"), 403, "permission", NULL);
    rh_expect_error(rh_relay("PATCH", base, "{\"name\":\"x\"}"), 403,
                    "permission", NULL);
    rh_expect_error(rh_relay("DELETE", base, NULL), 403, "permission", NULL);
    /* the fleet shows the caller's role */
    json_t *p = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    json_t *items = json_object_get(p, "items");
    ck_assert_str_eq(rh_s(json_array_get(items, 1), "role"), "viewer");
    json_decref(p);
}
END_TEST

START_TEST(fleet_machines_link)
{
    json_t *p = rh_expect(rh_relay("GET", FLEET_PATH "/machines?limit=3",
                                   NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 3);
    ck_assert(json_is_true(json_object_get(p, "has_more")));
    json_decref(p);
    p = rh_expect(rh_relay("GET", FLEET_PATH "/machines?presence=offline",
                           NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 1);
    json_decref(p);

    rh_expect_error(rh_relay("POST", FLEET_PATH "/machines",
                             "{\"machine_id\":\"" RH_M(2) "\"}"), 409,
                    "conflict", NULL);
    rh_expect_error(rh_relay("POST", FLEET_PATH "/machines",
                             "{\"machine_id\":\"ghost\"}"), 404, "not_found",
                    NULL);
    rh_expect_error(rh_relay("POST", FLEET_PATH "/machines", "{}"), 422,
                    "validation", "machine_id");
    rh_resp r = rh_relay("DELETE", FLEET_PATH "/machines/" RH_M(2), NULL);
    ck_assert_int_eq(r.status, 204);
    rh_expect_error(rh_relay("DELETE", FLEET_PATH "/machines/" RH_M(2), NULL),
                    404, "not_found", NULL);
    p = rh_expect(rh_relay("GET", FLEET_PATH "/machines", NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 4);
    json_decref(p);
    /* detached: the machine lists no fleet */
    p = rh_expect(rh_relay("GET", "/api/machines/" RH_M(2), NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(
        json_object_get(p, "summary"), "fleets")), 0);
    json_decref(p);
    json_t *l = rh_expect(rh_relay("POST", FLEET_PATH "/machines",
                                   "{\"machine_id\":\"" RH_M(2) "\"}"), 201);
    ck_assert_str_eq(rh_s(l, "machine_id"), RH_M(2));
    ck_assert_str_eq(rh_s(l, "fleet_id"), RH_FLEET);
    ck_assert_str_eq(rh_s(l, "added_by_id"), RH_OWNER);
    ck_assert_ptr_nonnull(rh_s(l, "joined_at"));
    json_decref(l);
    rh_expect_error(rh_relay("GET", "/api/fleets/none/machines", NULL), 404,
                    "not_found", NULL);
}
END_TEST

START_TEST(keys_issue_list_revoke)
{
    json_t *k = rh_expect(rh_relay("POST", FLEET_PATH "/api-keys",
        "{\"name\":\"deploy\",\"expires_in_days\":30}"), 201);
    const char *raw = rh_s(k, "raw_token");
    ck_assert_ptr_nonnull(raw);
    ck_assert(strncmp(raw, "cmdop_", 6) == 0);
    ck_assert_ptr_nonnull(rh_s(k, "expires_at"));
    char id[64], prefix[16];
    snprintf(id, sizeof id, "%s", rh_s(k, "id"));
    snprintf(prefix, sizeof prefix, "%.12s", raw);
    json_decref(k);
    k = rh_expect(rh_relay("POST", FLEET_PATH "/api-keys",
                           "{\"name\":\"forever\"}"), 201);
    ck_assert_ptr_null(json_object_get(k, "expires_at"));
    json_decref(k);

    static const char *const bad[] = {"{\"name\":\"x\",\"expires_in_days\":0}",
        "{\"name\":\"x\",\"expires_in_days\":3651}",
        "{\"name\":\"x\",\"expires_in_days\":\"5\"}", NULL};
    for (size_t i = 0; bad[i]; i++)
        rh_expect_error(rh_relay("POST", FLEET_PATH "/api-keys", bad[i]), 422,
                        "validation", "expires_in_days");
    rh_expect_error(rh_relay("POST", FLEET_PATH "/api-keys", "{}"), 422,
                    "validation", "name");

    json_t *p = rh_expect(rh_relay("GET", FLEET_PATH "/api-keys", NULL), 200);
    ck_assert_int_eq(rh_i(p, "total"), 3);
    /* no paging params (the official core sends none): the whole list */
    ck_assert_int_eq(rh_i(p, "per_page"), 3);
    ck_assert_int_eq(rh_i(p, "page"), 1);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    json_t *items = json_object_get(p, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        ck_assert_ptr_null(json_object_get(json_array_get(items, i),
                                           "raw_token"));
    ck_assert_str_eq(rh_s(json_array_get(items, 1), "key_prefix"), prefix);
    json_decref(p);

    char path[256];
    snprintf(path, sizeof path, FLEET_PATH "/api-keys/%s", id);
    rh_resp r = rh_relay("DELETE", path, NULL);
    ck_assert_int_eq(r.status, 204);
    ck_assert_ptr_null(r.body);
    p = rh_expect(rh_relay("GET", FLEET_PATH "/api-keys?per_page=1&page=2",
                           NULL), 200);
    json_t *revoked = json_array_get(json_object_get(p, "items"), 0);
    ck_assert_str_eq(rh_s(revoked, "id"), id);
    ck_assert_ptr_nonnull(rh_s(revoked, "revoked_at"));
    json_decref(p);
    rh_expect_error(rh_relay("DELETE", FLEET_PATH "/api-keys/none", NULL), 404,
                    "not_found", NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_fleets");
    TCase *tc = tcase_create("fleets");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_add_test(tc, fleets_create_validate_conflict);
    tcase_add_test(tc, fleets_list_update_disable);
    tcase_add_test(tc, members_rules);
    tcase_add_test(tc, roles_forbid_writes);
    tcase_add_test(tc, fleet_machines_link);
    tcase_add_test(tc, keys_issue_list_revoke);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
