/*
 * test_abi_surface.c — the public helpers for callers that cannot use the
 * header macros or the C allocator (docs/abi.md): the generated
 * cmdop_<ns>_<op>_params_init() and cmdop_client_options_init() against
 * their _INIT macros, cmdop_free() for returned strings, and lists of
 * records as arrays of pointers. Public headers only.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop.h"

START_TEST(params_init_matches_the_macro)
{
    cmdop_bots_list_params want = CMDOP_BOTS_LIST_PARAMS_INIT;
    cmdop_bots_list_params got;
    memset(&got, 0xa5, sizeof got);
    ck_assert_int_eq(cmdop_bots_list_params_init(&got, CMDOP_BOTS_LIST_PARAMS_VERSION), 0);
    ck_assert_uint_eq(got.version, want.version);
    ck_assert_int_eq(got.platform, want.platform);
    ck_assert_ptr_null(got.search);
    ck_assert(!got.has_page && !got.has_page_size);

    cmdop_fleets_create_params fc;
    ck_assert_int_eq(cmdop_fleets_create_params_init(&fc, CMDOP_FLEETS_CREATE_PARAMS_VERSION), 0);
    ck_assert_uint_eq(fc.version, CMDOP_FLEETS_CREATE_PARAMS_VERSION);
    ck_assert_ptr_null(fc.name);
}
END_TEST

START_TEST(params_init_rejects_misuse)
{
    cmdop_bots_list_params p;
    ck_assert_int_eq(cmdop_bots_list_params_init(&p, CMDOP_BOTS_LIST_PARAMS_VERSION + 1),
                     CMDOP_EINVALID);
    ck_assert_int_eq(cmdop_error_last()->code, CMDOP_EINVALID);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "cmdop_bots_list_params_init"));
    ck_assert_int_eq(cmdop_bots_list_params_init(NULL, CMDOP_BOTS_LIST_PARAMS_VERSION),
                     CMDOP_EINVALID);
}
END_TEST

START_TEST(client_options_init_matches_the_macro)
{
    cmdop_client_options want = CMDOP_CLIENT_OPTIONS_INIT;
    cmdop_client_options got;
    memset(&got, 0xa5, sizeof got);
    ck_assert_int_eq(cmdop_client_options_init(&got, CMDOP_CLIENT_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(got.version, want.version);
    ck_assert_ptr_null(got.token);
    ck_assert_ptr_null(got.base_url);
    ck_assert_int_eq(got.timeout_ms, want.timeout_ms);
    ck_assert_int_eq(got.max_retries, want.max_retries);
    ck_assert_int_eq(got.retry_base_ms, want.retry_base_ms);
    ck_assert_int_eq(got.retry_max_ms, want.retry_max_ms);
    ck_assert(got.use_env == want.use_env);
    ck_assert_int_eq(cmdop_client_options_init(&got, 99), CMDOP_EINVALID);
    ck_assert_int_eq(cmdop_client_options_init(NULL, CMDOP_CLIENT_OPTIONS_VERSION),
                     CMDOP_EINVALID);
}
END_TEST

START_TEST(strings_are_freed_with_cmdop_free)
{
    cmdop_hello *h = NULL;
    ck_assert_int_eq(cmdop_hello_from_json(&h, "{\"version\":\"1\",\"idl_hash\":\"ab\"}"), 0);
    char *text = cmdop_hello_to_json(h);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\"idl_hash\":\"ab\""));
    cmdop_free(text);
    cmdop_free(NULL);
    cmdop_hello_free(h);
}
END_TEST

START_TEST(record_lists_are_arrays_of_pointers)
{
    cmdop_fleet_list *l = NULL;
    /* every field the IDL requires is there (a missing one is a decode error) */
#define FLEET(id, name) "{\"id\":\"" id "\",\"name\":\"" name "\",\"slug\":\"" id "\"," \
                        "\"mfa_required\":\"none\",\"created_at\":\"2026-01-01T00:00:00Z\"}"
    ck_assert_int_eq(cmdop_fleet_list_from_json(&l,
        "{\"items\":[" FLEET("f1", "one") "," FLEET("f2", "two") "],"
        "\"total\":2,\"offset\":0,\"per_page\":20,\"page\":1,\"has_next\":false,"
        "\"has_prev\":false}"), 0);
#undef FLEET
    ck_assert_uint_eq(l->items_count, 2);
    cmdop_fleet_summary *second = l->items[1];
    ck_assert_str_eq(second->id, "f2");
    ck_assert_str_eq(second->name, "two");
    char *text = cmdop_fleet_list_to_json(l);
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"two\""));
    cmdop_free(text);
    cmdop_fleet_list_free(l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("abi_surface");
    TCase *t = tcase_create("ffi");
    tcase_add_test(t, params_init_matches_the_macro);
    tcase_add_test(t, params_init_rejects_misuse);
    tcase_add_test(t, client_options_init_matches_the_macro);
    tcase_add_test(t, strings_are_freed_with_cmdop_free);
    tcase_add_test(t, record_lists_are_arrays_of_pointers);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
