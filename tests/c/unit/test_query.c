/*
 * test_query.c — query encoding (every type, repeated keys for lists,
 * escaping) and whole-request building from an op descriptor: URL, offset
 * paging on the wire, JSON body with wire names, headers per plane.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "fake_ops.h"
#include "request.h"
#include "url.h"
#include "validate.h"

static char *query(const char *pairs_json)
{
    /* pairs_json: [[key, value], ...] so the order is the test's */
    json_t *pairs = json_loads(pairs_json, 0, NULL);
    ck_assert_ptr_nonnull(pairs);
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    cmdop__sb_puts(&b, "http://h/p");
    size_t i;
    json_t *pair;
    json_array_foreach(pairs, i, pair)
        ck_assert_int_eq(cmdop__url_query_add(&b, json_string_value(json_array_get(pair, 0)),
                                              json_array_get(pair, 1)), 0);
    json_decref(pairs);
    return cmdop__sb_take(&b);
}

typedef struct q_case { const char *pairs, *want; } q_case;

static const q_case k_q[] = {
    {"[]", "http://h/p"},
    {"[[\"limit\", 50]]", "http://h/p?limit=50"},
    {"[[\"a\", \"x\"], [\"b\", \"y\"]]", "http://h/p?a=x&b=y"},
    {"[[\"q\", \"a b&c=d\"]]", "http://h/p?q=a%20b%26c%3Dd"},
    {"[[\"q\", \"\"]]", "http://h/p?q="},
    {"[[\"on\", true], [\"off\", false]]", "http://h/p?on=true&off=false"},
    {"[[\"ids\", [\"a\", \"b c\", \"d\"]]]", "http://h/p?ids=a&ids=b%20c&ids=d"},
    {"[[\"ids\", []], [\"x\", 1]]", "http://h/p?x=1"},
    {"[[\"r\", 1.5]]", "http://h/p?r=1.5"},
    {"[[\"n\", null], [\"x\", -7]]", "http://h/p?x=-7"},
    {"[[\"k y\", \"v\"]]", "http://h/p?k%20y=v"},
    {"[[\"big\", 9007199254740993]]", "http://h/p?big=9007199254740993"},
};

START_TEST(query_table)
{
    char *s = query(k_q[_i].pairs);
    ck_assert_str_eq(s, k_q[_i].want);
    free(s);
}
END_TEST

START_TEST(query_rejects_objects)
{
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    json_t *o = json_pack("{s:s}", "a", "b");
    ck_assert_int_eq(cmdop__url_query_add(&b, "m", o), CMDOP_EINTERNAL);
    json_t *arr = json_pack("[{}]");
    ck_assert_int_eq(cmdop__url_query_add(&b, "m", arr), CMDOP_EINTERNAL);
    json_decref(o);
    json_decref(arr);
    cmdop__sb_free(&b);
}
END_TEST

/* Validate args as the driver would, then build. */
static cmdop__http_req *build(const cmdop__op_desc *op, const char *args_json,
                              const char *fleet, cmdop__request_ctx ctx)
{
    json_t *args = json_loads(args_json, 0, NULL), *a;
    ck_assert_ptr_nonnull(args);
    ck_assert_msg(cmdop__validate_args(op, args, fleet, &a) == 0, "%s",
                  cmdop_error_last()->message);
    cmdop__http_req *req;
    ck_assert_msg(cmdop__request_build(op, a, &ctx, &req) == 0, "%s", cmdop_error_last()->message);
    json_decref(args);
    json_decref(a);
    return req;
}

static cmdop__request_ctx relay_ctx(void)
{
    cmdop__request_ctx c = {"http://relay.test", "tok", CMDOP__PLANE_RELAY, NULL, -1};
    return c;
}

static cmdop__request_ctx platform_ctx(void)
{
    cmdop__request_ctx c = {"http://plat.test/platform", "key", CMDOP__PLANE_PLATFORM, NULL, -1};
    return c;
}

START_TEST(get_with_defaults_in_query)
{
    cmdop__http_req *r = build(&k_machines_list, "{\"q\": \"web 1\"}", NULL, relay_ctx());
    ck_assert_str_eq(r->method, "GET");
    ck_assert_str_eq(r->url, "http://relay.test/api/machines?presence=any&q=web%201&limit=100");
    ck_assert_ptr_null(r->body);
    ck_assert_str_eq(cmdop__http_req_header_get(r, "Authorization"), "Bearer tok");
    ck_assert_ptr_null(cmdop__http_req_header_get(r, "X-Api-Key"));
    ck_assert_str_eq(cmdop__http_req_header_get(r, "Accept"), "application/json");
    ck_assert_ptr_nonnull(strstr(cmdop__http_req_header_get(r, "User-Agent"), "cmdop-c/"));
    ck_assert_ptr_null(cmdop__http_req_header_get(r, "Content-Type"));
    ck_assert_ptr_null(cmdop__http_req_header_get(r, "Idempotency-Key"));
    cmdop__http_req_free(r);
}
END_TEST

START_TEST(offset_paging_on_the_wire)
{
    /* page/per_page go out as passed, nothing when not passed (1.1.1) */
    cmdop__http_req *r = build(&k_fleets_list, "{}", NULL, relay_ctx());
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets");
    cmdop__http_req_free(r);
    r = build(&k_fleets_list, "{\"page\": 3, \"per_page\": 7}", NULL, relay_ctx());
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets?page=3&per_page=7");
    cmdop__http_req_free(r);
    /* wire_offset is ignored now */
    cmdop__request_ctx c = relay_ctx();
    c.wire_offset = 5;
    r = build(&k_fleets_list, "{\"page\": 3}", NULL, c);
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets?page=3");
    cmdop__http_req_free(r);
}
END_TEST

START_TEST(post_body_context_and_key)
{
    cmdop__request_ctx c = relay_ctx();
    c.idempotency_key = "11111111-2222-4333-8444-555555555555";
    cmdop__http_req *r = build(&k_members_add, "{\"email\": \"a@b.c\"}", "fleet/1", c);
    ck_assert_str_eq(r->method, "POST");
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets/fleet%2F1/members");
    json_t *body = json_loads(r->body, 0, NULL);
    ck_assert_ptr_nonnull(body);
    ck_assert_str_eq(json_string_value(json_object_get(body, "email")), "a@b.c");
    ck_assert_str_eq(json_string_value(json_object_get(body, "role")), "member");
    ck_assert_ptr_null(json_object_get(body, "fleet_id"));   /* context, not body */
    ck_assert_int_eq(json_object_size(body), 2);
    json_decref(body);
    ck_assert_str_eq(cmdop__http_req_header_get(r, "Content-Type"), "application/json");
    ck_assert_str_eq(cmdop__http_req_header_get(r, "Idempotency-Key"), c.idempotency_key);
    cmdop__http_req_free(r);
    /* an explicit fleet_id beats the client default */
    r = build(&k_members_add, "{\"email\": \"a@b.c\", \"fleet_id\": \"f2\"}", "f1", relay_ctx());
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets/f2/members");
    cmdop__http_req_free(r);
}
END_TEST

START_TEST(platform_plane_headers)
{
    cmdop__http_req *r = build(&k_skills_list, "{\"page\": 2}", NULL, platform_ctx());
    ck_assert_str_eq(r->url, "http://plat.test/platform/skills/?page=2&page_size=20");
    ck_assert_str_eq(cmdop__http_req_header_get(r, "X-Api-Key"), "key");
    ck_assert_ptr_null(cmdop__http_req_header_get(r, "Authorization"));
    cmdop__http_req_free(r);
}
END_TEST

START_TEST(delete_has_no_body)
{
    cmdop__http_req *r = build(&k_keys_revoke, "{\"key_id\": \"k 1\"}", "f1", relay_ctx());
    ck_assert_str_eq(r->method, "DELETE");
    ck_assert_str_eq(r->url, "http://relay.test/api/fleets/f1/api-keys/k%201");
    ck_assert_ptr_null(r->body);
    cmdop__http_req_free(r);
}
END_TEST

START_TEST(header_injection_refused)
{
    cmdop__request_ctx c = relay_ctx();
    c.credential = "tok\r\nX-Evil: 1";
    json_t *a = json_object(), *v;
    ck_assert_int_eq(cmdop__validate_args(&k_machines_list, a, NULL, &v), 0);
    cmdop__http_req *r;
    ck_assert_int_eq(cmdop__request_build(&k_machines_list, v, &c, &r), CMDOP_EINVALID);
    ck_assert_ptr_null(r);
    json_decref(a);
    json_decref(v);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("query");
    TCase *t = tcase_create("encode");
    tcase_add_loop_test(t, query_table, 0, (int)(sizeof k_q / sizeof k_q[0]));
    tcase_add_test(t, query_rejects_objects);
    suite_add_tcase(s, t);
    TCase *r = tcase_create("request");
    tcase_add_test(r, get_with_defaults_in_query);
    tcase_add_test(r, offset_paging_on_the_wire);
    tcase_add_test(r, post_body_context_and_key);
    tcase_add_test(r, platform_plane_headers);
    tcase_add_test(r, delete_has_no_body);
    tcase_add_test(r, header_injection_refused);
    suite_add_tcase(s, r);
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
