/*
 * test_members_fleet_machines.c — fleets.members.* and fleets.machines.*
 * against the real local relay, including the fleet_id context (argument,
 * else the client's default fleet, else a validation error on fleet_id
 * before the network).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(members_list_uses_the_default_fleet)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_member_list *l = NULL;
    ck_assert_int_eq(cmdop_fleets_members_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 3);
    ck_assert_int_eq(l->total, 3);
    ck_assert_str_eq(l->items[0]->user_id, IT_USER_OWNER);
    ck_assert_str_eq(l->items[0]->email, "owner@example.com");
    ck_assert_str_eq(l->items[0]->display_name, "Olive Owner");
    ck_assert_str_eq(l->items[0]->role, "owner");
    ck_assert_ptr_null(l->items[0]->invited_by_id);
    ck_assert_str_eq(l->items[2]->role, "member");
    ck_assert_str_eq(l->items[2]->invited_by_id, IT_USER_ADMIN);
    cmdop_member_list_free(l);

    json_t *reqs = it_requests();
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                     "/api/fleets/" IT_FLEET "/members");
    json_decref(reqs);

    /* an explicit fleet_id wins over the default */
    cmdop_fleets_members_list_params p = CMDOP_FLEETS_MEMBERS_LIST_PARAMS_INIT;
    p.fleet_id = IT_UNKNOWN;
    IT_ERR(cmdop_fleets_members_list(&l, c, &p), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(l);
    cmdop_client_free(c);
}
END_TEST

START_TEST(no_fleet_anywhere_fails_before_the_network)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    it_clear_recording();
    cmdop_member_list *l = NULL;
    IT_LOCAL_VALIDATION(cmdop_fleets_members_list(&l, c, NULL), "fleet_id");
    cmdop_machine_list *ml = NULL;
    IT_LOCAL_VALIDATION(cmdop_fleets_machines_list(&ml, c, NULL), "fleet_id");
    cmdop_api_key_list *kl = NULL;
    IT_LOCAL_VALIDATION(cmdop_keys_list(&kl, c, NULL), "fleet_id");
    cmdop_schedule_list *sl = NULL;
    IT_LOCAL_VALIDATION(cmdop_schedules_list(&sl, c, NULL), "fleet_id");
    IT_LOCAL_VALIDATION(cmdop_fleets_members_remove(c, IT_USER_MEMBER, NULL), "fleet_id");

    /* with the argument it works without a default */
    cmdop_fleets_members_list_params p = CMDOP_FLEETS_MEMBERS_LIST_PARAMS_INIT;
    p.fleet_id = IT_FLEET;
    ck_assert_int_eq(cmdop_fleets_members_list(&l, c, &p), 0);
    ck_assert_uint_eq(l->items_count, 3);
    cmdop_member_list_free(l);
    cmdop_client_free(c);
}
END_TEST

START_TEST(members_add_set_role_remove)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_member_info *m = NULL;
    cmdop_fleets_members_add_params ap = CMDOP_FLEETS_MEMBERS_ADD_PARAMS_INIT;
    ap.email = "New.Person@example.com";
    ap.role = "viewer";
    ck_assert_int_eq(cmdop_fleets_members_add(&m, c, &ap), 0);
    ck_assert_str_eq(m->email, "New.Person@example.com");
    ck_assert_str_eq(m->display_name, "New.Person");
    ck_assert_str_eq(m->role, "viewer");
    ck_assert_str_eq(m->invited_by_id, IT_USER_OWNER);
    char *uid = strdup(m->user_id);
    cmdop_member_info_free(m);

    /* the default role is sent */
    ap.email = "second@example.com";
    ap.role = NULL;
    ck_assert_int_eq(cmdop_fleets_members_add(&m, c, &ap), 0);
    ck_assert_str_eq(m->role, "member");
    cmdop_member_info_free(m);

    m = NULL;
    ap.email = "new.person@EXAMPLE.com"; /* compared case-insensitively */
    IT_ERR(cmdop_fleets_members_add(&m, c, &ap), CMDOP_ECONFLICT, "conflict", 409);
    ck_assert_ptr_null(m);

    cmdop_fleets_members_set_role_params sp = CMDOP_FLEETS_MEMBERS_SET_ROLE_PARAMS_INIT;
    sp.role = "admin";
    ck_assert_int_eq(cmdop_fleets_members_set_role(&m, c, uid, &sp), 0);
    ck_assert_str_eq(m->user_id, uid);
    ck_assert_str_eq(m->role, "admin");
    cmdop_member_info_free(m);
    m = NULL;
    IT_ERR(cmdop_fleets_members_set_role(&m, c, IT_UNKNOWN, &sp), CMDOP_ENOTFOUND,
           "not_found", 404);

    ck_assert_int_eq(cmdop_fleets_members_remove(c, uid, NULL), 0);
    cmdop_member_list *l = NULL;
    ck_assert_int_eq(cmdop_fleets_members_list(&l, c, NULL), 0);
    ck_assert_int_eq(l->total, 4);
    for (size_t i = 0; i < l->items_count; i++)
        ck_assert_str_ne(l->items[i]->user_id, uid);
    cmdop_member_list_free(l);
    IT_ERR(cmdop_fleets_members_remove(c, uid, NULL), CMDOP_ENOTFOUND, "not_found", 404);
    free(uid);
    cmdop_client_free(c);
}
END_TEST

START_TEST(members_last_owner_is_a_conflict)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_member_info *m = NULL;
    cmdop_fleets_members_set_role_params sp = CMDOP_FLEETS_MEMBERS_SET_ROLE_PARAMS_INIT;
    sp.role = "admin";
    IT_ERR(cmdop_fleets_members_set_role(&m, c, IT_USER_OWNER, &sp), CMDOP_ECONFLICT,
           "conflict", 409);
    IT_ERR(cmdop_fleets_members_remove(c, IT_USER_OWNER, NULL), CMDOP_ECONFLICT, "conflict",
           409);
    ck_assert_ptr_null(m);
    cmdop_client_free(c);
}
END_TEST

START_TEST(members_rules_before_the_network)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_member_info *m = NULL;
    cmdop_fleets_members_add_params ap = CMDOP_FLEETS_MEMBERS_ADD_PARAMS_INIT;
    IT_LOCAL_VALIDATION(cmdop_fleets_members_add(&m, c, &ap), "email");
    ap.email = "no-at-sign";
    IT_LOCAL_VALIDATION(cmdop_fleets_members_add(&m, c, &ap), "email");
    ap.email = "ok@example.com";
    ap.role = "boss";
    IT_LOCAL_VALIDATION(cmdop_fleets_members_add(&m, c, &ap), "role");
    cmdop_fleets_members_set_role_params sp = CMDOP_FLEETS_MEMBERS_SET_ROLE_PARAMS_INIT;
    IT_LOCAL_VALIDATION(cmdop_fleets_members_set_role(&m, c, IT_USER_MEMBER, &sp), "role");
    cmdop_fleets_members_list_params lp = CMDOP_FLEETS_MEMBERS_LIST_PARAMS_INIT;
    lp.has_per_page = true;
    lp.per_page = 0;
    cmdop_member_list *l = NULL;
    IT_LOCAL_VALIDATION(cmdop_fleets_members_list(&l, c, &lp), "per_page");
    ck_assert_ptr_null(m);
    cmdop_client_free(c);
}
END_TEST

START_TEST(fleet_machines_list_detach_attach)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_machine_list *l = NULL;
    ck_assert_int_eq(cmdop_fleets_machines_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 5);
    ck_assert_str_eq(l->items[4]->name, "echo");
    ck_assert_str_eq(l->items[4]->fleets[0]->slug, "default");
    cmdop_machine_list_free(l);

    cmdop_fleets_machines_list_params lp = CMDOP_FLEETS_MACHINES_LIST_PARAMS_INIT;
    lp.presence = "online";
    ck_assert_int_eq(cmdop_fleets_machines_list(&l, c, &lp), 0);
    ck_assert_uint_eq(l->items_count, 4);
    for (size_t i = 0; i < l->items_count; i++)
        ck_assert_str_eq(l->items[i]->presence, "online");
    cmdop_machine_list_free(l);

    ck_assert_int_eq(cmdop_fleets_machines_detach(c, IT_M_ECHO, NULL), 0);
    ck_assert_int_eq(cmdop_fleets_machines_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 4);
    cmdop_machine_list_free(l);
    IT_ERR(cmdop_fleets_machines_detach(c, IT_M_ECHO, NULL), CMDOP_ENOTFOUND, "not_found",
           404);

    cmdop_machine_fleet_link *k = NULL;
    cmdop_fleets_machines_attach_params ap = CMDOP_FLEETS_MACHINES_ATTACH_PARAMS_INIT;
    ap.machine_id = IT_M_ECHO;
    ck_assert_int_eq(cmdop_fleets_machines_attach(&k, c, &ap), 0);
    ck_assert_str_eq(k->machine_id, IT_M_ECHO);
    ck_assert_str_eq(k->fleet_id, IT_FLEET);
    ck_assert_str_eq(k->added_by_id, IT_USER_OWNER);
    ck_assert(strlen(k->joined_at) > 0);
    cmdop_machine_fleet_link_free(k);

    k = NULL;
    IT_ERR(cmdop_fleets_machines_attach(&k, c, &ap), CMDOP_ECONFLICT, "conflict", 409);
    ap.machine_id = IT_UNKNOWN;
    /* FastAPI answers a 404 as {"detail": "..."}: no field */
    IT_ERR(cmdop_fleets_machines_attach(&k, c, &ap), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(k);

    it_clear_recording();
    ap.machine_id = "";
    IT_LOCAL_VALIDATION(cmdop_fleets_machines_attach(&k, c, &ap), "machine_id");
    lp.presence = NULL;
    lp.has_limit = true;
    lp.limit = 0;
    IT_LOCAL_VALIDATION(cmdop_fleets_machines_list(&l, c, &lp), "limit");
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_members_fleet_machines");
    TCase *tc = tcase_create("members_fleet_machines");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, members_list_uses_the_default_fleet);
    tcase_add_test(tc, no_fleet_anywhere_fails_before_the_network);
    tcase_add_test(tc, members_add_set_role_remove);
    tcase_add_test(tc, members_last_owner_is_a_conflict);
    tcase_add_test(tc, members_rules_before_the_network);
    tcase_add_test(tc, fleet_machines_list_detach_attach);
    suite_add_tcase(s, tc);
    return it_run(s);
}
