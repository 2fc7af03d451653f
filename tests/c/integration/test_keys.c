/*
 * test_keys.c — keys.* against the real local relay: raw_token only in the
 * issue response, revoke is soft, and the rules on both sides.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(list_maps_the_seeded_key)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_api_key_list *l = NULL;
    ck_assert_int_eq(cmdop_keys_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_int_eq(l->total, 1);
    ck_assert_str_eq(l->items[0]->id, IT_KEY);
    ck_assert_str_eq(l->items[0]->fleet_id, IT_FLEET);
    ck_assert_str_eq(l->items[0]->name, "ci");
    ck_assert_str_eq(l->items[0]->key_prefix, "cmdop_5eed01");
    ck_assert_str_eq(l->items[0]->expires_at, "2027-01-06T12:00:00Z");
    ck_assert_str_eq(l->items[0]->created_by_id, IT_USER_OWNER);
    ck_assert_ptr_null(l->items[0]->revoked_at);
    cmdop_api_key_list_free(l);

    cmdop_keys_list_params p = CMDOP_KEYS_LIST_PARAMS_INIT;
    p.fleet_id = IT_UNKNOWN;
    IT_ERR(cmdop_keys_list(&l, c, &p), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(l);
    cmdop_client_free(c);
}
END_TEST

START_TEST(issue_then_revoke)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_issue_key_response *k = NULL;
    cmdop_keys_issue_params p = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    p.name = "deploy";
    p.has_expires_in_days = true;
    p.expires_in_days = 30;
    ck_assert_int_eq(cmdop_keys_issue(&k, c, &p), 0);
    ck_assert_str_eq(k->name, "deploy");
    ck_assert_str_eq(k->fleet_id, IT_FLEET);
    ck_assert_uint_eq(strlen(k->raw_token), 6 + 40);
    ck_assert(strncmp(k->raw_token, "cmdop_", 6) == 0);
    ck_assert_ptr_nonnull(k->expires_at);
    char *id = strdup(k->id);
    char prefix[13];
    memcpy(prefix, k->raw_token, 12);
    prefix[12] = '\0';
    cmdop_issue_key_response_free(k);

    /* listed with the token's prefix, never the token */
    cmdop_api_key_list *l = NULL;
    ck_assert_int_eq(cmdop_keys_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 2);
    ck_assert_str_eq(l->items[1]->id, id);
    ck_assert_str_eq(l->items[1]->key_prefix, prefix);
    cmdop_api_key_list_free(l);

    ck_assert_int_eq(cmdop_keys_revoke(c, id, NULL), 0);
    ck_assert_int_eq(cmdop_keys_revoke(c, id, NULL), 0); /* idempotent */
    ck_assert_int_eq(cmdop_keys_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 2); /* revoked keys stay listed */
    ck_assert_ptr_nonnull(l->items[1]->revoked_at);
    cmdop_api_key_list_free(l);

    IT_ERR(cmdop_keys_revoke(c, IT_UNKNOWN, NULL), CMDOP_ENOTFOUND, "not_found", 404);
    free(id);
    cmdop_client_free(c);
}
END_TEST

START_TEST(issue_rules_before_the_network)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_issue_key_response *k = NULL;
    cmdop_keys_issue_params p = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    IT_LOCAL_VALIDATION(cmdop_keys_issue(&k, c, &p), "name");
    p.name = "ok";
    p.has_expires_in_days = true;
    p.expires_in_days = 0;
    IT_LOCAL_VALIDATION(cmdop_keys_issue(&k, c, &p), "expires_in_days");
    p.expires_in_days = 3651;
    IT_LOCAL_VALIDATION(cmdop_keys_issue(&k, c, &p), "expires_in_days");
    ck_assert_ptr_null(k);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_keys");
    TCase *tc = tcase_create("keys");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, list_maps_the_seeded_key);
    tcase_add_test(tc, issue_then_revoke);
    tcase_add_test(tc, issue_rules_before_the_network);
    suite_add_tcase(s, tc);
    return it_run(s);
}
