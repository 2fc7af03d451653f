/*
 * test_errors.c — HTTP status + error body + headers -> cmdop_error, table
 * driven; Retry-After in seconds and as an HTTP-date; transport failures;
 * the thread-local last error.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cmdop/error.h"
#include "error_internal.h"

typedef struct map_case {
    long status;
    const char *body;
    const char *retry_after;
    int code;
    const char *code_str;
    const char *message;   /* expected message (NULL: the generic one) */
    const char *field;
    long retry_after_ms;
    bool retryable;
} map_case;

static const map_case k_cases[] = {
    {401, "{\"code\":\"auth\",\"message\":\"bad token\"}", NULL, CMDOP_EAUTH, "auth", "bad token", NULL, -1, false},
    {403, "{\"code\":\"permission\",\"message\":\"viewer\"}", NULL, CMDOP_EPERMISSION, "permission", "viewer", NULL, -1, false},
    {404, "{\"code\":\"not_found\",\"message\":\"Machine m not found\"}", NULL, CMDOP_ENOTFOUND, "not_found", "Machine m not found", NULL, -1, false},
    {409, "{\"code\":\"conflict\",\"message\":\"slug taken\",\"field\":\"slug\"}", NULL, CMDOP_ECONFLICT, "conflict", "slug taken", "slug", -1, false},
    {400, "{\"code\":\"validation\",\"message\":\"bad category\",\"field\":\"category\"}", NULL, CMDOP_EVALIDATION, "validation", "bad category", "category", -1, false},
    {422, "{\"code\":\"validation\",\"message\":\"limit: must be between 1 and 200\",\"field\":\"limit\"}", NULL, CMDOP_EVALIDATION, "validation", "limit: must be between 1 and 200", "limit", -1, false},
    {429, "{\"code\":\"rate_limit\",\"message\":\"slow down\"}", "3", CMDOP_ERATELIMIT, "rate_limit", "slow down", NULL, 3000, true},
    {429, "", NULL, CMDOP_ERATELIMIT, "rate_limit", NULL, NULL, -1, true},
    {429, "", "soon", CMDOP_ERATELIMIT, "rate_limit", NULL, NULL, -1, true},
    {500, "{\"code\":\"server\",\"message\":\"boom\"}", NULL, CMDOP_ESERVER, "server", "boom", NULL, -1, true},
    {502, "<html>bad gateway</html>", NULL, CMDOP_ESERVER, "server", NULL, NULL, -1, true},
    {503, "{\"code\":\"unavailable\",\"message\":\"no session\"}", NULL, CMDOP_EUNAVAILABLE, "unavailable", "no session", NULL, -1, false},
    {409, "{\"code\":\"unavailable\",\"message\":\"machine has no session\"}", NULL, CMDOP_EUNAVAILABLE, "unavailable", "machine has no session", NULL, -1, false},
    {404, "{\"detail\":\"Not found.\"}", NULL, CMDOP_ENOTFOUND, "not_found", "Not found.", NULL, -1, false},
    {418, "{\"code\":\"conflict\",\"message\":\"teapot\"}", NULL, CMDOP_ECONFLICT, "conflict", "teapot", NULL, -1, false},
    {418, "", NULL, CMDOP_EINTERNAL, "internal", NULL, NULL, -1, false},
    {599, "not json", NULL, CMDOP_ESERVER, "server", NULL, NULL, -1, true},
    /* the hosted bodies (docs/wire.md "Errors"): FastAPI 422 list, FastAPI
     * and DRF {"detail": "..."}, DRF 400 {"<field>": ["..."]} */
    {422, "{\"detail\":[{\"loc\":[\"query\",\"per_page\"],\"msg\":\"Input should be less than or equal to 100\",\"type\":\"less_than_equal\"}]}", NULL, CMDOP_EVALIDATION, "validation", "per_page: Input should be less than or equal to 100", "per_page", -1, false},
    {422, "{\"detail\":[{\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"type\":\"missing\"},{\"loc\":[\"body\",\"slug\"],\"msg\":\"String should match pattern\",\"type\":\"string_pattern_mismatch\"}]}", NULL, CMDOP_EVALIDATION, "validation", "name: Field required; slug: String should match pattern", "name", -1, false},
    {422, "{\"detail\":[{\"loc\":[\"body\",\"machine_ids\",0],\"msg\":\"bad id\",\"type\":\"uuid_parsing\"}]}", NULL, CMDOP_EVALIDATION, "validation", "machine_ids: bad id", "machine_ids", -1, false},
    {422, "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"JSON decode error\",\"type\":\"json_invalid\"}]}", NULL, CMDOP_EVALIDATION, "validation", "JSON decode error", NULL, -1, false},
    {404, "{\"detail\":\"Machine not found\"}", NULL, CMDOP_ENOTFOUND, "not_found", "Machine not found", NULL, -1, false},
    {409, "{\"detail\":\"slug already taken\"}", NULL, CMDOP_ECONFLICT, "conflict", "slug already taken", NULL, -1, false},
    {401, "{\"detail\":\"Authentication credentials were not provided.\"}", NULL, CMDOP_EAUTH, "auth", "Authentication credentials were not provided.", NULL, -1, false},
    {400, "{\"name\":[\"This field may not be blank.\"]}", NULL, CMDOP_EVALIDATION, "validation", "name: This field may not be blank.", "name", -1, false},
    {400, "{\"non_field_errors\":[\"Invalid manifest.\"]}", NULL, CMDOP_EVALIDATION, "validation", "Invalid manifest.", NULL, -1, false},
    {400, "{\"category\":\"unknown\"}", NULL, CMDOP_EVALIDATION, "validation", "category: unknown", "category", -1, false},
    {503, "{\"detail\":\"machine delta has no connected session\"}", NULL, CMDOP_ESERVER, "server", "machine delta has no connected session", NULL, -1, true},
};

START_TEST(status_table)
{
    const map_case *c = &k_cases[_i];
    cmdop_error_clear();
    int rc = cmdop__error_from_http(c->status, c->body, strlen(c->body), "req-42",
                                    c->retry_after, 1700000000);
    ck_assert_int_eq(rc, c->code);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->code, c->code);
    ck_assert_str_eq(e->code_str, c->code_str);
    ck_assert_int_eq(e->http_status, c->status);
    ck_assert_str_eq(e->request_id, "req-42");
    ck_assert_ptr_nonnull(e->message);
    if (c->message)
        ck_assert_str_eq(e->message, c->message);
    else
        ck_assert_msg(strstr(e->message, "HTTP") != NULL, "generic message: %s", e->message);
    if (c->field)
        ck_assert_str_eq(e->field, c->field);
    else
        ck_assert_ptr_null(e->field);
    ck_assert_int_eq(e->retry_after_ms, c->retry_after_ms);
    ck_assert(e->retryable == c->retryable);
}
END_TEST

START_TEST(no_request_id_header)
{
    cmdop__error_from_http(404, "", 0, NULL, NULL, 0);
    ck_assert_ptr_null(cmdop_error_last()->request_id);
}
END_TEST

START_TEST(retry_after_forms)
{
    time_t now = 1700000000;   /* 2023-11-14T22:13:20Z */
    ck_assert_int_eq(cmdop__retry_after_ms("0", now), 0);
    ck_assert_int_eq(cmdop__retry_after_ms("1", now), 1000);
    ck_assert_int_eq(cmdop__retry_after_ms(" 120 ", now), 120000);
    ck_assert_int_eq(cmdop__retry_after_ms("Tue, 14 Nov 2023 22:13:25 GMT", now), 5000);
    /* RFC 850 and asctime forms are HTTP-dates too */
    ck_assert_int_eq(cmdop__retry_after_ms("Tuesday, 14-Nov-23 22:13:30 GMT", now), 10000);
    ck_assert_int_eq(cmdop__retry_after_ms("Tue Nov 14 22:13:22 2023", now), 2000);
    /* a date in the past means "now" */
    ck_assert_int_eq(cmdop__retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT", now), 0);
    ck_assert_int_eq(cmdop__retry_after_ms(NULL, now), -1);
    ck_assert_int_eq(cmdop__retry_after_ms("", now), -1);
    ck_assert_int_eq(cmdop__retry_after_ms("1.5", now), -1);
    ck_assert_int_eq(cmdop__retry_after_ms("-3", now), -1);
    ck_assert_int_eq(cmdop__retry_after_ms("later", now), -1);
}
END_TEST

START_TEST(retry_after_date_on_429)
{
    const char *body = "{\"code\":\"rate_limit\",\"message\":\"x\"}";
    cmdop__error_from_http(429, body, strlen(body), "r", "Tue, 14 Nov 2023 22:13:27 GMT",
                           1700000000);
    ck_assert_int_eq(cmdop_error_last()->retry_after_ms, 7000);
    /* Retry-After on another status is not a rate-limit hint */
    cmdop__error_from_http(503, "", 0, "r", "4", 1700000000);
    ck_assert_int_eq(cmdop_error_last()->retry_after_ms, -1);
}
END_TEST

START_TEST(transport_failures)
{
    ck_assert_int_eq(cmdop__error_from_xfer(CMDOP__XFER_CONNECTION, "Connection refused",
                                            "GET", "http://127.0.0.1:1/x"), CMDOP_ECONNECTION);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_str_eq(e->code_str, "connection");
    ck_assert_int_eq(e->http_status, 0);
    ck_assert_ptr_nonnull(strstr(e->message, "Connection refused"));
    ck_assert(e->retryable);
    ck_assert_int_eq(cmdop__error_from_xfer(CMDOP__XFER_TIMEOUT, "after 5 ms", "GET", "u"),
                     CMDOP_ETIMEOUT);
    ck_assert_str_eq(cmdop_error_last()->code_str, "timeout");
    ck_assert_int_eq(cmdop__error_from_xfer(CMDOP__XFER_CANCELLED, NULL, "GET", "u"),
                     CMDOP_ECANCELLED);
    ck_assert_str_eq(cmdop_error_last()->code_str, "cancelled");
    ck_assert(!cmdop_error_last()->retryable);
}
END_TEST

START_TEST(code_strings_round_trip)
{
    static const int codes[] = {CMDOP_EAUTH, CMDOP_EPERMISSION, CMDOP_ENOTFOUND, CMDOP_ECONFLICT,
                                CMDOP_EVALIDATION, CMDOP_ERATELIMIT, CMDOP_ESERVER,
                                CMDOP_ECONNECTION, CMDOP_ETIMEOUT, CMDOP_EUNAVAILABLE,
                                CMDOP_EINTERNAL, CMDOP_EINVALID, CMDOP_ECANCELLED,
                                CMDOP_EPINDENIED, CMDOP_EPINTIMEOUT, CMDOP_EUNSUPPORTED};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_int_eq(cmdop__error_code_from_str(cmdop_error_code_str(codes[i])), codes[i]);
    ck_assert_str_eq(cmdop_error_code_str(CMDOP_ENOMEM), "internal");
    ck_assert_str_eq(cmdop_error_code_str(12345), "unknown");
    ck_assert_int_eq(cmdop__error_code_from_str("nonsense"), 0);
    ck_assert_int_eq(cmdop__error_code_from_str(NULL), 0);
}
END_TEST

START_TEST(last_error_lifecycle)
{
    cmdop_error_clear();
    ck_assert_ptr_null(cmdop_error_last());
    ck_assert_int_eq(cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "limit",
                                      "limit: must be between %d and %d (got %d)", 1, 200, 0),
                     CMDOP_EVALIDATION);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_str_eq(e->message, "limit: must be between 1 and 200 (got 0)");
    ck_assert_str_eq(e->field, "limit");
    /* a message may be built from the previous error's strings */
    cmdop__error_set(CMDOP_EINTERNAL, 0, e->field, NULL, "wrapped: %s", e->message);
    e = cmdop_error_last();
    ck_assert_str_eq(e->message, "wrapped: limit: must be between 1 and 200 (got 0)");
    ck_assert_str_eq(e->request_id, "limit");
    cmdop__error_set_code_str("machine_offline");
    ck_assert_str_eq(cmdop_error_last()->code_str, "machine_offline");
    cmdop_error_clear();
    ck_assert_ptr_null(cmdop_error_last());
}
END_TEST

static void *other_thread(void *arg)
{
    (void)arg;
    ck_assert_ptr_null(cmdop_error_last());   /* not the main thread's */
    cmdop__error_set(CMDOP_ESERVER, 500, "t2", NULL, "in thread");
    return (void *)(intptr_t)(cmdop_error_last()->code == CMDOP_ESERVER);
}

START_TEST(last_error_is_per_thread)
{
    cmdop__error_set(CMDOP_EAUTH, 401, "t1", NULL, "main");
    pthread_t t;
    void *ok;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, &ok);
    ck_assert(ok);
    ck_assert_int_eq(cmdop_error_last()->code, CMDOP_EAUTH);
    ck_assert_str_eq(cmdop_error_last()->message, "main");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("errors");
    TCase *t = tcase_create("map");
    tcase_add_loop_test(t, status_table, 0, (int)(sizeof k_cases / sizeof k_cases[0]));
    tcase_add_test(t, no_request_id_header);
    tcase_add_test(t, retry_after_forms);
    tcase_add_test(t, retry_after_date_on_429);
    tcase_add_test(t, transport_failures);
    tcase_add_test(t, code_strings_round_trip);
    tcase_add_test(t, last_error_lifecycle);
    tcase_add_test(t, last_error_is_per_thread);
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
