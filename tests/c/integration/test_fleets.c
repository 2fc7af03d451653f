/*
 * test_fleets.c — fleets.* typed functions against the real local relay:
 * list/get (a client-side scan)/create/update/disable with their conflict,
 * not-found and validation paths, and a 403 from the fleet roles.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

/* Creates a fleet and returns its id (caller frees). */
static char *make_fleet(cmdop_client *c, const char *name, const char *slug)
{
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params p = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    p.name = name;
    p.slug = slug;
    ck_assert_int_eq(cmdop_fleets_create(&f, c, &p), 0);
    char *id = strdup(f->id);
    cmdop_fleet_summary_free(f);
    return id;
}

START_TEST(list_and_get_the_seeded_fleet)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_fleet_list *l = NULL;
    ck_assert_int_eq(cmdop_fleets_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_int_eq(l->total, 1);
    ck_assert_int_eq(l->offset, 0);
    ck_assert_int_eq(l->per_page, 20);
    ck_assert_str_eq(l->items[0]->id, IT_FLEET);
    ck_assert_str_eq(l->items[0]->name, "Default Fleet");
    ck_assert_str_eq(l->items[0]->slug, "default");
    ck_assert_int_eq(l->items[0]->mfa_required, CMDOP_MFA_REQUIREMENT_NONE);
    ck_assert_str_eq(l->items[0]->role, "owner");
    ck_assert_ptr_null(l->items[0]->disabled_at);
    cmdop_fleet_list_free(l);

    cmdop_fleet_summary *f = NULL;
    ck_assert_int_eq(cmdop_fleets_get(&f, c, IT_FLEET), 0);
    ck_assert_str_eq(f->slug, "default");
    cmdop_fleet_summary_free(f);

    /* fleets.get is a client-side scan: the miss has no HTTP status, but the
     * scan did reach the relay (fleets.list) */
    f = NULL;
    it_clear_recording();
    IT_ERR(cmdop_fleets_get(&f, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 0);
    ck_assert_ptr_null(f);
    json_t *reqs = it_requests();
    ck_assert_uint_ge(json_array_size(reqs), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                     "/api/fleets");
    json_decref(reqs);

    it_clear_recording();
    cmdop_fleets_list_params lp = CMDOP_FLEETS_LIST_PARAMS_INIT;
    lp.has_per_page = true;
    lp.per_page = 101;
    IT_LOCAL_VALIDATION(cmdop_fleets_list(&l, c, &lp), "per_page");
    lp.per_page = 5;
    lp.has_page = true;
    lp.page = 0;
    IT_LOCAL_VALIDATION(cmdop_fleets_list(&l, c, &lp), "page");
    cmdop_client_free(c);
}
END_TEST

START_TEST(create_then_conflict)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params p = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    p.name = "Ops Team";
    p.slug = "ops-team";
    p.mfa_required = CMDOP_MFA_REQUIREMENT_OPTIONAL;
    ck_assert_int_eq(cmdop_fleets_create(&f, c, &p), 0);
    ck_assert_str_eq(f->name, "Ops Team");
    ck_assert_str_eq(f->slug, "ops-team");
    /* optional goes out as "any" and "any" comes back as required: the
     * hosted wire has no "optional" (lossy, docs/wire.md) */
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_REQUIRED);
    ck_assert_str_eq(f->role, "owner");
    ck_assert(strlen(f->id) > 0 && strcmp(f->id, IT_FLEET) != 0);
    char *id = strdup(f->id);
    cmdop_fleet_summary_free(f);

    cmdop_fleet_summary *g = NULL;
    ck_assert_int_eq(cmdop_fleets_get(&g, c, id), 0);
    ck_assert_str_eq(g->name, "Ops Team");
    cmdop_fleet_summary_free(g);

    /* the mfa default is sent when not given */
    p.slug = "ops-team-2";
    p.mfa_required = CMDOP_MFA_REQUIREMENT_UNSPECIFIED;
    ck_assert_int_eq(cmdop_fleets_create(&f, c, &p), 0);
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_NONE);
    cmdop_fleet_summary_free(f);

    f = NULL;
    p.slug = "ops-team";
    IT_ERR(cmdop_fleets_create(&f, c, &p), CMDOP_ECONFLICT, "conflict", 409);
    ck_assert_ptr_null(f);
    free(id);
    cmdop_client_free(c);
}
END_TEST

START_TEST(create_rules_before_the_network)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params p = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    it_clear_recording();
    p.slug = "fine-slug";
    IT_LOCAL_VALIDATION(cmdop_fleets_create(&f, c, &p), "name"); /* required */
    p.name = "Fine";
    p.slug = "-bad";
    IT_LOCAL_VALIDATION(cmdop_fleets_create(&f, c, &p), "slug");
    p.slug = "Upper";
    IT_LOCAL_VALIDATION(cmdop_fleets_create(&f, c, &p), "slug");
    p.slug = "x"; /* 2..63 characters */
    IT_LOCAL_VALIDATION(cmdop_fleets_create(&f, c, &p), "slug");
    p.slug = "fine-slug";
    p.mfa_required = (cmdop_mfa_requirement)42;
    IT_LOCAL_VALIDATION(cmdop_fleets_create(&f, c, &p), "mfa_required");
    ck_assert_ptr_null(f);
    cmdop_client_free(c);
}
END_TEST

START_TEST(update_and_disable)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    char *id = make_fleet(c, "Temp", "temp-fleet");
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_update_params p = CMDOP_FLEETS_UPDATE_PARAMS_INIT;
    p.name = "Temp Renamed";
    p.mfa_required = CMDOP_MFA_REQUIREMENT_REQUIRED;
    ck_assert_int_eq(cmdop_fleets_update(&f, c, id, &p), 0);
    ck_assert_str_eq(f->name, "Temp Renamed");
    ck_assert_str_eq(f->slug, "temp-fleet");
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_REQUIRED);
    cmdop_fleet_summary_free(f);

    f = NULL;
    IT_ERR(cmdop_fleets_update(&f, c, IT_UNKNOWN, &p), CMDOP_ENOTFOUND, "not_found", 404);
    /* "" is sent as is and leaves the name (1.1.1 sends "" for no name) */
    p.name = "";
    p.mfa_required = CMDOP_MFA_REQUIREMENT_NONE;
    ck_assert_int_eq(cmdop_fleets_update(&f, c, id, &p), 0);
    ck_assert_str_eq(f->name, "Temp Renamed");
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_NONE);
    cmdop_fleet_summary_free(f);
    f = NULL;

    ck_assert_int_eq(cmdop_fleets_disable(c, id), 0);
    ck_assert_int_eq(cmdop_fleets_get(&f, c, id), 0); /* soft: still listed */
    ck_assert_ptr_nonnull(f->disabled_at);
    cmdop_fleet_summary_free(f);
    IT_ERR(cmdop_fleets_disable(c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    free(id);
    cmdop_client_free(c);
}
END_TEST

/* Fleet roles: after demoting ourselves to viewer, admin ops answer 403. */
START_TEST(too_low_a_role_is_permission)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    char *id = make_fleet(c, "Roles", "roles-fleet");
    cmdop_member_info *m = NULL;
    cmdop_fleets_members_add_params ap = CMDOP_FLEETS_MEMBERS_ADD_PARAMS_INIT;
    ap.fleet_id = id;
    ap.email = "admin@example.com";
    ap.role = "owner";
    ck_assert_int_eq(cmdop_fleets_members_add(&m, c, &ap), 0);
    ck_assert_str_eq(m->user_id, IT_USER_ADMIN);
    cmdop_member_info_free(m);
    cmdop_fleets_members_set_role_params sp = CMDOP_FLEETS_MEMBERS_SET_ROLE_PARAMS_INIT;
    sp.fleet_id = id;
    sp.role = "viewer";
    ck_assert_int_eq(cmdop_fleets_members_set_role(&m, c, IT_USER_OWNER, &sp), 0);
    ck_assert_str_eq(m->role, "viewer");
    cmdop_member_info_free(m);

    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_update_params up = CMDOP_FLEETS_UPDATE_PARAMS_INIT;
    up.name = "Mine now";
    IT_ERR(cmdop_fleets_update(&f, c, id, &up), CMDOP_EPERMISSION, "permission", 403);
    IT_ERR(cmdop_fleets_disable(c, id), CMDOP_EPERMISSION, "permission", 403);
    cmdop_issue_key_response *k = NULL;
    cmdop_keys_issue_params kp = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    kp.fleet_id = id;
    kp.name = "nope";
    IT_ERR(cmdop_keys_issue(&k, c, &kp), CMDOP_EPERMISSION, "permission", 403);
    ck_assert_ptr_null(k);
    free(id);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_fleets");
    TCase *tc = tcase_create("fleets");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, list_and_get_the_seeded_fleet);
    tcase_add_test(tc, create_then_conflict);
    tcase_add_test(tc, create_rules_before_the_network);
    tcase_add_test(tc, update_and_disable);
    tcase_add_test(tc, too_low_a_role_is_permission);
    suite_add_tcase(s, tc);
    return it_run(s);
}
