/*
 * test_planes.c — credential routing against the real relay: each plane's
 * credential goes only to its own base URL, the other plane's credential is
 * a 401 from the relay, and a missing credential fails with CMDOP_EAUTH
 * before any request is sent.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

static const char *rec_header(json_t *reqs, size_t i, const char *name)
{
    json_t *h = json_object_get(json_array_get(reqs, i), "headers");
    return json_string_value(json_object_get(h, name));
}

START_TEST(each_credential_goes_to_its_plane)
{
    cmdop_client *c = it_client(IT_BOTH, NULL);
    it_clear_recording();
    cmdop_machine_list *ml = NULL;
    ck_assert_int_eq(cmdop_machines_list(&ml, c, NULL), 0);
    cmdop_machine_list_free(ml);
    cmdop_skill_list_page *sl = NULL;
    ck_assert_int_eq(cmdop_skills_list(&sl, c, NULL), 0);
    cmdop_skill_list_page_free(sl);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_str_eq(rec_header(reqs, 0, "authorization"), "Bearer test-token");
    ck_assert_ptr_null(rec_header(reqs, 0, "x-api-key"));
    ck_assert_str_eq(rec_header(reqs, 1, "x-api-key"), "test-api-key");
    ck_assert_ptr_null(rec_header(reqs, 1, "authorization"));
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

/* The api key used as the relay token (and the token as the api key): the
 * relay rejects each with 401, and a 401 is not retried. */
START_TEST(wrong_plane_credential_is_401)
{
    cmdop_client *c = it_client(IT_SWAPPED, IT_FLEET);
    it_clear_recording();
    cmdop_machine_list *ml = NULL;
    IT_ERR(cmdop_machines_list(&ml, c, NULL), CMDOP_EAUTH, "auth", 401);
    ck_assert(!cmdop_error_last()->retryable);
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params fp = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    fp.name = "Nope";
    fp.slug = "nope";
    IT_ERR(cmdop_fleets_create(&f, c, &fp), CMDOP_EAUTH, "auth", 401);
    cmdop_skill_list_page *sl = NULL;
    IT_ERR(cmdop_skills_list(&sl, c, NULL), CMDOP_EAUTH, "auth", 401);
    cmdop_bot *b = NULL;
    IT_ERR(cmdop_bots_get(&b, c, IT_BOT), CMDOP_EAUTH, "auth", 401);
    ck_assert_ptr_null(ml);
    ck_assert_ptr_null(f);
    ck_assert_ptr_null(sl);
    ck_assert_ptr_null(b);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 4);
    ck_assert_str_eq(rec_header(reqs, 0, "authorization"), "Bearer test-api-key");
    ck_assert_str_eq(rec_header(reqs, 2, "x-api-key"), "test-token");
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(reqs, i), "status")),
                         401);
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(a_wrong_token_is_401)
{
    cmdop_client_options o = it_options(IT_RELAY_ONLY, NULL);
    o.token = "not-the-token";
    cmdop_client *c = it_client_opts(&o);
    char *sid = NULL;
    IT_ERR(cmdop_machines_active_session(&sid, c, IT_M_ALPHA), CMDOP_EAUTH, "auth", 401);
    ck_assert_ptr_null(sid);
    cmdop_client_free(c);
}
END_TEST

/* No credential for the op's plane: CMDOP_EAUTH, nothing sent. */
START_TEST(missing_credential_fails_before_the_network)
{
    cmdop_client *plat = it_client(IT_PLATFORM_ONLY, IT_FLEET);
    cmdop_client *rel = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();

    cmdop_machine_list *ml = NULL;
    IT_ERR(cmdop_machines_list(&ml, plat, NULL), CMDOP_EAUTH, "auth", 0);
    cmdop_issue_key_response *k = NULL;
    cmdop_keys_issue_params kp = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    kp.name = "x";
    IT_ERR(cmdop_keys_issue(&k, plat, &kp), CMDOP_EAUTH, "auth", 0);
    IT_ERR(cmdop_tunnels_close(plat, IT_TUNNEL), CMDOP_EAUTH, "auth", 0);

    cmdop_skill_list_page *sl = NULL;
    IT_ERR(cmdop_skills_list(&sl, rel, NULL), CMDOP_EAUTH, "auth", 0);
    cmdop_bot *b = NULL;
    cmdop_bots_create_params bp = CMDOP_BOTS_CREATE_PARAMS_INIT;
    bp.name = "b";
    bp.platform = CMDOP_BOT_PLATFORM_SLACK;
    bp.machine_id = IT_M_ALPHA;
    IT_ERR(cmdop_bots_create(&b, rel, &bp), CMDOP_EAUTH, "auth", 0);
    IT_ERR(cmdop_skills_delete(rel, "skill-01"), CMDOP_EAUTH, "auth", 0);
    ck_assert_ptr_null(ml);
    ck_assert_ptr_null(k);
    ck_assert_ptr_null(sl);
    ck_assert_ptr_null(b);
    ck_assert_uint_eq(it_request_count(), 0);

    /* each works on its own plane */
    ck_assert_int_eq(cmdop_skills_list(&sl, plat, NULL), 0);
    cmdop_skill_list_page_free(sl);
    ck_assert_int_eq(cmdop_machines_list(&ml, rel, NULL), 0);
    cmdop_machine_list_free(ml);
    ck_assert_uint_eq(it_request_count(), 2);
    cmdop_client_free(plat);
    cmdop_client_free(rel);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_planes");
    TCase *tc = tcase_create("planes");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, each_credential_goes_to_its_plane);
    tcase_add_test(tc, wrong_plane_credential_is_401);
    tcase_add_test(tc, a_wrong_token_is_401);
    tcase_add_test(tc, missing_credential_fails_before_the_network);
    suite_add_tcase(s, tc);
    return it_run(s);
}
