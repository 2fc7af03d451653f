/*
 * test_bots.c — bots management (platform plane) against the real local
 * relay: the seeded bot, create with defaults, partial update, delete, and
 * the error paths on both sides of the wire.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(list_and_get_the_seeded_bot)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_bot_list_page *l = NULL;
    ck_assert_int_eq(cmdop_bots_list(&l, c, NULL), 0);
    ck_assert_int_eq(l->count, 1);
    ck_assert_uint_eq(l->results_count, 1);
    ck_assert_str_eq(l->results[0]->id, IT_BOT);
    ck_assert_int_eq(l->results[0]->platform, CMDOP_BOT_PLATFORM_TELEGRAM);
    cmdop_bot_list_page_free(l);

    cmdop_bots_list_params p = CMDOP_BOTS_LIST_PARAMS_INIT;
    p.platform = CMDOP_BOT_PLATFORM_SLACK;
    ck_assert_int_eq(cmdop_bots_list(&l, c, &p), 0);
    ck_assert_int_eq(l->count, 0);
    cmdop_bot_list_page_free(l);

    cmdop_bot *b = NULL;
    ck_assert_int_eq(cmdop_bots_get(&b, c, IT_BOT), 0);
    ck_assert_str_eq(b->name, "ops-telegram");
    ck_assert_str_eq(b->machine_id, IT_M_ALPHA);
    ck_assert_uint_eq(b->allowed_users_count, 1);
    ck_assert_str_eq(b->allowed_users[0], "@owner");
    ck_assert_int_eq(b->permission, CMDOP_BOT_PERMISSION_EXECUTE);
    ck_assert(b->enabled);
    ck_assert_str_eq(b->created_at, "2026-01-15T10:00:00Z");
    cmdop_bot_free(b);
    b = NULL;
    IT_ERR(cmdop_bots_get(&b, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(b);

    it_clear_recording();
    p.platform = (cmdop_bot_platform)9;
    IT_LOCAL_VALIDATION(cmdop_bots_list(&l, c, &p), "platform");
    cmdop_client_free(c);
}
END_TEST

START_TEST(create_update_delete)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_bot *b = NULL;
    cmdop_bots_create_params p = CMDOP_BOTS_CREATE_PARAMS_INIT;
    p.name = "fleet-discord";
    p.platform = CMDOP_BOT_PLATFORM_DISCORD;
    p.machine_id = IT_M_BRAVO;
    ck_assert_int_eq(cmdop_bots_create(&b, c, &p), 0);
    ck_assert_str_eq(b->name, "fleet-discord");
    ck_assert_int_eq(b->platform, CMDOP_BOT_PLATFORM_DISCORD);
    ck_assert_str_eq(b->machine_id, IT_M_BRAVO);
    ck_assert_uint_eq(b->allowed_users_count, 0);                 /* default */
    ck_assert_int_eq(b->permission, CMDOP_BOT_PERMISSION_EXECUTE); /* default */
    ck_assert(b->enabled);                                         /* default */
    char *id = strdup(b->id);
    cmdop_bot_free(b);

    const char *users[] = {"alice#1", "bob#2"};
    cmdop_bots_update_params up = CMDOP_BOTS_UPDATE_PARAMS_INIT;
    up.has_allowed_users = true;
    up.allowed_users = users;
    up.allowed_users_count = 2;
    up.permission = CMDOP_BOT_PERMISSION_READ;
    up.has_enabled = true;
    up.enabled = false;
    ck_assert_int_eq(cmdop_bots_update(&b, c, id, &up), 0);
    ck_assert_str_eq(b->name, "fleet-discord"); /* untouched */
    ck_assert_uint_eq(b->allowed_users_count, 2);
    ck_assert_str_eq(b->allowed_users[1], "bob#2");
    ck_assert_int_eq(b->permission, CMDOP_BOT_PERMISSION_READ);
    ck_assert(!b->enabled);
    cmdop_bot_free(b);

    /* the PATCH body held only the passed fields */
    json_t *reqs = it_requests();
    json_t *patch = json_array_get(reqs, 1);
    ck_assert_str_eq(json_string_value(json_object_get(patch, "method")), "PATCH");
    ck_assert_uint_eq(json_object_size(json_object_get(patch, "body")), 3);
    json_decref(reqs);

    b = NULL;
    IT_ERR(cmdop_bots_update(&b, c, IT_UNKNOWN, &up), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(b);

    ck_assert_int_eq(cmdop_bots_delete(c, id), 0);
    IT_ERR(cmdop_bots_get(&b, c, id), CMDOP_ENOTFOUND, "not_found", 404);
    IT_ERR(cmdop_bots_delete(c, id), CMDOP_ENOTFOUND, "not_found", 404);
    free(id);
    cmdop_client_free(c);
}
END_TEST

START_TEST(rules_on_both_sides)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_bot *b = NULL;
    cmdop_bots_create_params p = CMDOP_BOTS_CREATE_PARAMS_INIT;
    p.name = "ghost";
    p.platform = CMDOP_BOT_PLATFORM_SLACK;
    p.machine_id = "no-such-machine"; /* well-formed; only the platform knows */
    IT_ERR_FIELD(cmdop_bots_create(&b, c, &p), CMDOP_EVALIDATION, "validation", 400,
                 "machine_id");
    ck_assert_ptr_null(b);

    it_clear_recording();
    p.machine_id = IT_M_ALPHA;
    p.platform = CMDOP_BOT_PLATFORM_UNSPECIFIED;
    IT_LOCAL_VALIDATION(cmdop_bots_create(&b, c, &p), "platform"); /* required */
    p.platform = CMDOP_BOT_PLATFORM_SLACK;
    p.permission = (cmdop_bot_permission)77;
    IT_LOCAL_VALIDATION(cmdop_bots_create(&b, c, &p), "permission");
    p.permission = CMDOP_BOT_PERMISSION_UNSPECIFIED;
    char longname[66];
    memset(longname, 'n', 65);
    longname[65] = '\0';
    p.name = longname;
    IT_LOCAL_VALIDATION(cmdop_bots_create(&b, c, &p), "name");
    p.name = "ok";
    p.machine_id = NULL;
    IT_LOCAL_VALIDATION(cmdop_bots_create(&b, c, &p), "machine_id");
    cmdop_bots_update_params up = CMDOP_BOTS_UPDATE_PARAMS_INIT;
    up.name = "";
    IT_LOCAL_VALIDATION(cmdop_bots_update(&b, c, IT_BOT, &up), "name");
    cmdop_bots_list_params lp = CMDOP_BOTS_LIST_PARAMS_INIT;
    lp.has_page = true;
    lp.page = 0;
    cmdop_bot_list_page *l = NULL;
    IT_LOCAL_VALIDATION(cmdop_bots_list(&l, c, &lp), "page");
    ck_assert_ptr_null(b);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_bots");
    TCase *tc = tcase_create("bots");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, list_and_get_the_seeded_bot);
    tcase_add_test(tc, create_update_delete);
    tcase_add_test(tc, rules_on_both_sides);
    suite_add_tcase(s, tc);
    return it_run(s);
}
