/*
 * test_routing.c — the driver against a scripted local HTTP server: each
 * plane gets only its own credential; a missing credential, a validation
 * failure or a missing fleet fails before any request; HTTP errors arrive
 * typed with the request id; success bodies are shaped (204, 202 synthesis,
 * unwrap) and bad success bodies are internal errors.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cmdop/error.h"
#include "fake_http.h"
#include "fake_ops.h"

/* Answers by path; records everything. */
static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s; (void)payload;
    const char *u = q->uri;
    if (strstr(u, "/api/machines/missing")) {
        r->status = 404;
        r->json = json_pack("{s:s, s:s}", "code", "not_found", "message", "Machine missing not found");
        strcpy(r->request_id, "rid-404");
    } else if (strstr(u, "/active-session")) {
        r->json = json_pack("{s:s}", "agent_session_id", "sess-1");
    } else if (strstr(u, "/api/machines/notjson")) {
        r->raw = "<html>oops</html>";
        strcpy(r->request_id, "rid-html");
    } else if (strstr(u, "/api/machines/array")) {
        r->json = json_pack("[i]", 1);
    } else if (strstr(u, "/api/machines/empty")) {
        r->raw = "";
    } else if (strstr(u, "/api/machines/")) {
        r->json = json_pack("{s:s}", "id", "m1");
    } else if (strstr(u, "/publish/")) {
        r->status = 202;
    } else if (strstr(u, "/api-keys/")) {
        r->status = 204;
    } else if (strstr(u, "/skills/")) {
        r->json = json_pack("{s:i, s:b, s:[]}", "count", 0, "has_next", 0, "results");
    } else {
        r->status = 500;
    }
}

static fake_server *g_srv;

static cmdop_client *client(const char *token, const char *api_key, const char *fleet)
{
    char platform[96];
    snprintf(platform, sizeof platform, "%s/platform/", g_srv->url);
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = token;
    o.api_key = api_key;
    o.fleet_id = fleet;
    o.base_url = g_srv->url;
    o.api_base_url = platform;
    o.max_retries = 0;
    cmdop_client *c;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    return c;
}

static void setup(void) { g_srv = fake_start(handler, NULL); }
static void teardown(void) { fake_stop(g_srv); }

static json_t *call_ok(cmdop_client *c, const cmdop__op_desc *op, const char *args_json)
{
    json_t *args = json_loads(args_json, 0, NULL), *out = NULL;
    int rc = cmdop__call(c, op, args, &out);
    ck_assert_msg(rc == 0, "%s: %d %s", op->name, rc, cmdop_error_last()->message);
    json_decref(args);
    return out;
}

static int call_fail(cmdop_client *c, const cmdop__op_desc *op, const char *args_json)
{
    json_t *args = json_loads(args_json, 0, NULL), *out = (json_t *)1;
    int rc = cmdop__call(c, op, args, &out);
    ck_assert_int_ne(rc, 0);
    ck_assert_ptr_null(out);
    json_decref(args);
    return rc;
}

START_TEST(relay_op_sends_only_bearer)
{
    cmdop_client *c = client("tok", "key", NULL);
    json_t *out = call_ok(c, &k_machines_get, "{\"machine_id\": \"m1\"}");
    ck_assert_str_eq(json_string_value(json_object_get(out, "id")), "m1");
    json_decref(out);
    json_t *rec = fake_request(g_srv, 0);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "uri")), "/api/machines/m1");
    ck_assert_str_eq(fake_header(rec, "authorization"), "Bearer tok");
    ck_assert_ptr_null(fake_header(rec, "x-api-key"));
    ck_assert_str_eq(fake_header(rec, "accept"), "application/json");
    ck_assert_ptr_nonnull(strstr(fake_header(rec, "user-agent"), "cmdop-c/"));
    json_decref(rec);
    cmdop_client_free(c);
}
END_TEST

START_TEST(platform_op_sends_only_api_key)
{
    cmdop_client *c = client("tok", "key", NULL);
    json_t *out = call_ok(c, &k_skills_list, "{\"search\": \"a b\"}");
    json_decref(out);
    json_t *rec = fake_request(g_srv, 0);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "uri")),
                     "/platform/skills/?search=a%20b&page=1&page_size=20");
    ck_assert_str_eq(fake_header(rec, "x-api-key"), "key");
    ck_assert_ptr_null(fake_header(rec, "authorization"));
    json_decref(rec);
    cmdop_client_free(c);
}
END_TEST

START_TEST(missing_credentials_fail_before_network)
{
    cmdop_client *c = client(NULL, "key", NULL);
    /* platform-only client: platform op works */
    json_decref(call_ok(c, &k_skills_list, "{}"));
    ck_assert_int_eq(call_fail(c, &k_machines_get, "{\"machine_id\": \"m1\"}"), CMDOP_EAUTH);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message,
                                 "no token configured for the relay plane"));
    ck_assert_int_eq(cmdop_error_last()->http_status, 0);
    cmdop_client_free(c);
    c = client("tok", NULL, NULL);
    ck_assert_int_eq(call_fail(c, &k_skills_list, "{}"), CMDOP_EAUTH);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message,
        "no API key configured for the platform plane (set CMDOP_API_KEY or api_key)"));
    cmdop_client_free(c);
    ck_assert_int_eq(fake_count(g_srv), 1);   /* only the platform call went out */
}
END_TEST

START_TEST(client_side_errors_send_nothing)
{
    cmdop_client *c = client("tok", "key", NULL);
    ck_assert_int_eq(call_fail(c, &k_machines_list, "{\"limit\": 0}"), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->message, "limit: must be between 1 and 200 (got 0)");
    ck_assert_str_eq(cmdop_error_last()->field, "limit");
    ck_assert_int_eq(call_fail(c, &k_members_add, "{\"email\": \"a@b.c\"}"), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "fleet_id");
    ck_assert_int_eq(call_fail(c, &k_members_add, "{\"email\": \"nope\", \"fleet_id\": \"f\"}"),
                     CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "email");
    ck_assert_int_eq(fake_count(g_srv), 0);
    cmdop_client_free(c);
}
END_TEST

START_TEST(http_error_is_typed_with_request_id)
{
    cmdop_client *c = client("tok", "key", NULL);
    ck_assert_int_eq(call_fail(c, &k_machines_get, "{\"machine_id\": \"missing\"}"),
                     CMDOP_ENOTFOUND);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_int_eq(e->http_status, 404);
    ck_assert_str_eq(e->request_id, "rid-404");
    ck_assert_str_eq(e->message, "Machine missing not found");
    cmdop_client_free(c);
}
END_TEST

START_TEST(success_shapes)
{
    cmdop_client *c = client("tok", "key", "f1");
    json_t *out = call_ok(c, &k_keys_revoke, "{\"key_id\": \"k1\"}");
    ck_assert(json_is_null(out));
    json_decref(out);
    out = call_ok(c, &k_skills_publish, "{\"slug\": \"s\", \"raw_manifest\": \"[project]\"}");
    ck_assert_str_eq(json_string_value(json_object_get(out, "status")), "accepted");
    json_decref(out);
    out = call_ok(c, &k_active_session, "{\"machine_id\": \"m1\"}");
    ck_assert_str_eq(json_string_value(out), "sess-1");
    json_decref(out);
    json_t *rec = fake_request(g_srv, 0);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "method")), "DELETE");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "uri")), "/api/fleets/f1/api-keys/k1");
    json_decref(rec);
    rec = fake_request(g_srv, 1);
    ck_assert_str_eq(fake_header(rec, "content-type"), "application/json");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "body")), "{\"raw_manifest\":\"[project]\"}");
    json_decref(rec);
    cmdop_client_free(c);
}
END_TEST

START_TEST(bad_success_bodies_are_internal)
{
    cmdop_client *c = client("tok", "key", NULL);
    ck_assert_int_eq(call_fail(c, &k_machines_get, "{\"machine_id\": \"notjson\"}"), CMDOP_EINTERNAL);
    ck_assert_str_eq(cmdop_error_last()->request_id, "rid-html");
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "not JSON"));
    ck_assert_int_eq(call_fail(c, &k_machines_get, "{\"machine_id\": \"array\"}"), CMDOP_EINTERNAL);
    ck_assert_int_eq(call_fail(c, &k_machines_get, "{\"machine_id\": \"empty\"}"), CMDOP_EINTERNAL);
    cmdop_client_free(c);
}
END_TEST

START_TEST(api_misuse)
{
    json_t *out;
    ck_assert_int_eq(cmdop__call(NULL, &k_machines_get, NULL, &out), CMDOP_EINVALID);
    cmdop_client *c = client("tok", "key", NULL);
    ck_assert_int_eq(cmdop__call(c, &k_machines_get, NULL, NULL), CMDOP_EINVALID);
    cmdop_client_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("routing");
    TCase *t = tcase_create("planes");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 20);
    tcase_add_test(t, relay_op_sends_only_bearer);
    tcase_add_test(t, platform_op_sends_only_api_key);
    tcase_add_test(t, missing_credentials_fail_before_network);
    tcase_add_test(t, client_side_errors_send_nothing);
    tcase_add_test(t, http_error_is_typed_with_request_id);
    tcase_add_test(t, success_shapes);
    tcase_add_test(t, bad_success_bodies_are_internal);
    tcase_add_test(t, api_misuse);
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
