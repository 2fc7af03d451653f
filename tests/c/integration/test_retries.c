/*
 * test_retries.c — the core's retries against the real relay told to fail
 * the next N requests: 503 and 429 + Retry-After are retried for GETs, a
 * POST create is retried with one Idempotency-Key and creates exactly one
 * resource, budgets run out with the right typed error, and what must not
 * be retried is not. Assertions are on the relay's recording, not timing.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

static void fail_next(int count, int status, const char *retry_after)
{
    ck_assert_int_eq(relay_proc_fail(&it_relay, count, status, retry_after), 0);
}

static int rec_status(json_t *reqs, size_t i)
{
    return (int)json_integer_value(json_object_get(json_array_get(reqs, i), "status"));
}

static const char *rec_str(json_t *reqs, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(reqs, i), key));
}

static const char *rec_header(json_t *reqs, size_t i, const char *name)
{
    json_t *h = json_object_get(json_array_get(reqs, i), "headers");
    return json_string_value(json_object_get(h, name));
}

START_TEST(get_succeeds_after_503s)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    it_clear_recording();
    fail_next(2, 503, NULL);
    cmdop_machine_detail *d = NULL;
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_ALPHA), 0);
    ck_assert_str_eq(d->summary->name, "alpha");
    cmdop_machine_detail_free(d);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(rec_str(reqs, i, "method"), "GET");
        ck_assert_str_eq(rec_str(reqs, i, "path"), "/api/machines/" IT_M_ALPHA);
        ck_assert_int_eq(rec_status(reqs, i), i < 2 ? 503 : 200);
    }
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(retry_after_429_is_honoured)
{
    cmdop_client *c = it_client(IT_BOTH, NULL);
    it_clear_recording();
    fail_next(1, 429, "1");
    cmdop_skill_category_list *cats = NULL;
    ck_assert_int_eq(cmdop_skills_categories(&cats, c, NULL), 0);
    ck_assert_uint_eq(cats->items_count, 3);
    cmdop_skill_category_list_free(cats);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_int_eq(rec_status(reqs, 0), 429);
    ck_assert_int_eq(rec_status(reqs, 1), 200);
    ck_assert_str_eq(rec_str(reqs, 1, "path"), "/platform/apix/skills/categories/");
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(server_errors_beyond_the_budget)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL); /* max_retries: default 2 */
    it_clear_recording();
    fail_next(10, 503, NULL);
    cmdop_machine_list *l = NULL;
    IT_ERR(cmdop_machines_list(&l, c, NULL), CMDOP_ESERVER, "server", 503);
    ck_assert(cmdop_error_last()->retryable);
    ck_assert_ptr_null(l);
    ck_assert_uint_eq(it_request_count(), 3); /* 1 + 2 retries */
    cmdop_client_free(c);
}
END_TEST

START_TEST(rate_limit_beyond_the_budget)
{
    cmdop_client_options o = it_options(IT_RELAY_ONLY, NULL);
    o.max_retries = 1;
    cmdop_client *c = it_client_opts(&o);
    it_clear_recording();
    fail_next(10, 429, "1");
    cmdop_machine_list *l = NULL;
    IT_ERR(cmdop_machines_list(&l, c, NULL), CMDOP_ERATELIMIT, "rate_limit", 429);
    ck_assert_int_eq(cmdop_error_last()->retry_after_ms, 1000);
    ck_assert_uint_eq(it_request_count(), 2);
    cmdop_client_free(c);
}
END_TEST

START_TEST(no_retries_when_disabled)
{
    cmdop_client_options o = it_options(IT_RELAY_ONLY, NULL);
    o.max_retries = 0;
    cmdop_client *c = it_client_opts(&o);
    it_clear_recording();
    fail_next(1, 503, NULL);
    cmdop_machine_list *l = NULL;
    IT_ERR(cmdop_machines_list(&l, c, NULL), CMDOP_ESERVER, "server", 503);
    ck_assert_uint_eq(it_request_count(), 1);
    /* the failure was consumed: the next call goes through */
    ck_assert_int_eq(cmdop_machines_list(&l, c, NULL), 0);
    cmdop_machine_list_free(l);
    cmdop_client_free(c);
}
END_TEST

/* A 4xx is final: never retried. */
START_TEST(client_errors_are_not_retried)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    it_clear_recording();
    fail_next(1, 409, NULL);
    cmdop_machine_list *l = NULL;
    IT_ERR(cmdop_machines_list(&l, c, NULL), CMDOP_ECONFLICT, "conflict", 409);
    ck_assert(!cmdop_error_last()->retryable);
    ck_assert_uint_eq(it_request_count(), 1);
    cmdop_client_free(c);
}
END_TEST

/* Every attempt of one logical POST carries the same key; the relay
 * created exactly one fleet. */
START_TEST(create_retried_with_one_idempotency_key)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    it_clear_recording();
    fail_next(2, 503, NULL);
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params p = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    p.name = "Retried";
    p.slug = "retried";
    ck_assert_int_eq(cmdop_fleets_create(&f, c, &p), 0);
    ck_assert_str_eq(f->slug, "retried");
    cmdop_fleet_summary_free(f);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 3);
    const char *key = rec_header(reqs, 0, "idempotency-key");
    ck_assert_ptr_nonnull(key);
    ck_assert_uint_ge(strlen(key), 16);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(rec_str(reqs, i, "method"), "POST");
        ck_assert_str_eq(rec_header(reqs, i, "idempotency-key"), key);
    }
    /* injected failures answer before the body is read; the attempt that
     * ran carries it */
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_array_get(reqs, 2), "body"), "slug")),
                     "retried");
    ck_assert_int_eq(rec_status(reqs, 2), 201);
    json_decref(reqs);

    cmdop_fleet_list *l = NULL;
    ck_assert_int_eq(cmdop_fleets_list(&l, c, NULL), 0);
    ck_assert_int_eq(l->total, 2);
    int n = 0;
    for (size_t i = 0; i < l->items_count; i++)
        n += strcmp(l->items[i]->slug, "retried") == 0;
    ck_assert_int_eq(n, 1);
    cmdop_fleet_list_free(l);
    cmdop_client_free(c);
}
END_TEST

START_TEST(issue_retried_with_one_idempotency_key)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    fail_next(1, 500, NULL);
    cmdop_issue_key_response *k = NULL;
    cmdop_keys_issue_params p = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    p.name = "retried-key";
    ck_assert_int_eq(cmdop_keys_issue(&k, c, &p), 0);
    ck_assert_str_eq(k->name, "retried-key");
    cmdop_issue_key_response_free(k);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_int_eq(rec_status(reqs, 0), 500);
    ck_assert_ptr_nonnull(rec_header(reqs, 0, "idempotency-key"));
    ck_assert_str_eq(rec_header(reqs, 0, "idempotency-key"),
                     rec_header(reqs, 1, "idempotency-key"));
    json_decref(reqs);

    cmdop_api_key_list *l = NULL;
    ck_assert_int_eq(cmdop_keys_list(&l, c, NULL), 0);
    ck_assert_int_eq(l->total, 2);
    ck_assert_str_eq(l->items[1]->name, "retried-key");
    cmdop_api_key_list_free(l);
    cmdop_client_free(c);
}
END_TEST

/* Two logical calls get two keys (otherwise the relay would replay the
 * first create for the second). */
START_TEST(each_call_has_its_own_key)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_keys_issue_params p = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    cmdop_issue_key_response *k = NULL;
    p.name = "one";
    ck_assert_int_eq(cmdop_keys_issue(&k, c, &p), 0);
    cmdop_issue_key_response_free(k);
    p.name = "two";
    ck_assert_int_eq(cmdop_keys_issue(&k, c, &p), 0);
    ck_assert_str_eq(k->name, "two");
    cmdop_issue_key_response_free(k);
    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 2);
    ck_assert_str_ne(rec_header(reqs, 0, "idempotency-key"),
                     rec_header(reqs, 1, "idempotency-key"));
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

/* Nothing listens: a connection error, retried, then typed. */
START_TEST(connection_refused_is_typed)
{
    cmdop_client_options o = it_options(IT_RELAY_ONLY, NULL);
    o.base_url = "http://127.0.0.1:1";
    o.max_retries = 1;
    cmdop_client *c = it_client_opts(&o);
    cmdop_machine_list *l = NULL;
    int rc = cmdop_machines_list(&l, c, NULL);
    IT_ERR(rc, CMDOP_ECONNECTION, "connection", 0);
    ck_assert_ptr_null(l);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_retries");
    TCase *tc = tcase_create("retries");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, get_succeeds_after_503s);
    tcase_add_test(tc, retry_after_429_is_honoured);
    tcase_add_test(tc, server_errors_beyond_the_budget);
    tcase_add_test(tc, rate_limit_beyond_the_budget);
    tcase_add_test(tc, no_retries_when_disabled);
    tcase_add_test(tc, client_errors_are_not_retried);
    tcase_add_test(tc, create_retried_with_one_idempotency_key);
    tcase_add_test(tc, issue_retried_with_one_idempotency_key);
    tcase_add_test(tc, each_call_has_its_own_key);
    tcase_add_test(tc, connection_refused_is_typed);
    suite_add_tcase(s, tc);
    return it_run(s);
}
