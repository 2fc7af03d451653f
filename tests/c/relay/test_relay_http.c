/*
 * test_relay_http.c — the relay framework over real HTTP (in-process server
 * on a free port, libcurl easy): auth per plane, 404/405, body parsing,
 * X-Request-Id, and the control endpoint (fail, requests, reset, health).
 */
#include "relay_http.h"

START_TEST(auth_relay_plane)
{
    static const char *const wrong[] = {"Authorization: Bearer nope", NULL};
    static const char *const api_key[] = {RH_APIKEY, NULL};
    static const char *const basic[] = {"Authorization: Basic " RH_TOKEN, NULL};
    rh_expect_error(rh_call("GET", "/api/machines", NULL, NULL), 401, "auth",
                    NULL);
    rh_expect_error(rh_call("GET", "/api/machines", wrong, NULL), 401, "auth",
                    NULL);
    /* the platform's credential is not accepted on the relay plane */
    rh_expect_error(rh_call("GET", "/api/machines", api_key, NULL), 401,
                    "auth", NULL);
    rh_expect_error(rh_call("GET", "/api/machines", basic, NULL), 401, "auth",
                    NULL);
    /* auth comes before routing: an unknown relay path is still a 401 */
    rh_expect_error(rh_call("GET", "/api/nothing", NULL, NULL), 401, "auth",
                    NULL);
    json_decref(rh_expect(rh_relay("GET", "/api/machines", NULL), 200));
}
END_TEST

START_TEST(auth_platform_plane)
{
    static const char *const bearer[] = {RH_BEARER, NULL};
    static const char *const wrong[] = {"X-Api-Key: " RH_TOKEN, NULL};
    static const char *const good[] = {RH_APIKEY, NULL};
    rh_expect_error(rh_call("GET", "/platform/apix/skills/skills/", NULL, NULL), 401,
                    "auth", NULL);
    /* the relay token is rejected, as Bearer and as a key */
    rh_expect_error(rh_call("GET", "/platform/apix/skills/skills/", bearer, NULL), 401,
                    "auth", NULL);
    rh_expect_error(rh_call("GET", "/platform/apix/skills/skills/", wrong, NULL), 401,
                    "auth", NULL);
    json_decref(rh_expect(rh_call("GET", "/platform/apix/skills/skills/", good, NULL),
                          200));
}
END_TEST

START_TEST(not_found_and_method)
{
    rh_expect_error(rh_relay("GET", "/api/nothing", NULL), 404, "not_found",
                    NULL);
    rh_expect_error(rh_call("GET", "/elsewhere", NULL, NULL), 404,
                    "not_found", NULL);
    rh_expect_error(rh_relay("GET", "/api/machines/" RH_M(9), NULL), 404,
                    "not_found", NULL);
    /* a trailing slash is another path on the relay plane */
    rh_expect_error(rh_relay("GET", "/api/machines/", NULL), 404, "not_found",
                    NULL);
    rh_expect_error(rh_relay("PUT", "/api/machines", NULL), 405,
                    "method_not_allowed", NULL);
}
END_TEST

START_TEST(bad_bodies)
{
    static const char *const key[] = {RH_APIKEY, NULL};
    rh_expect_error(rh_relay("POST", "/api/fleets", "{\"name\":"), 422,
                    "validation", NULL);
    rh_expect_error(rh_relay("POST", "/api/fleets", "[1,2]"), 422,
                    "validation", NULL);
    rh_expect_error(rh_relay("POST", "/api/fleets", "\"x\""), 422,
                    "validation", NULL);
    /* the platform plane reports validation as 400, DRF style */
    rh_expect_error(rh_call("POST", "/platform/apix/skills/skills/", key, "{oops"), 400,
                    "validation", NULL);
    /* no body at all: the handler's required field is what fails */
    rh_expect_error(rh_relay("POST", "/api/fleets", NULL), 422, "validation",
                    "name");
}
END_TEST

START_TEST(request_ids)
{
    rh_resp a = rh_relay("GET", "/api/machines", NULL);
    rh_resp b = rh_call("GET", "/api/machines", NULL, NULL);
    rh_resp c = rh_relay("DELETE", "/api/machines/" RH_M(5), NULL);
    rh_resp d = rh_control("GET", "/health", NULL);
    ck_assert_int_eq(c.status, 204);
    ck_assert_uint_eq(c.raw_len, 0);
    rh_resp all[] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(strncmp(all[i].request_id, "req_", 4) == 0,
                      "response %d has X-Request-Id '%s'", i,
                      all[i].request_id);
        ck_assert_uint_gt(strlen(all[i].request_id), 20);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(all[i].request_id, all[j].request_id);
        json_decref(all[i].body);
    }
    /* an incoming X-Request-Id is not echoed: every response gets a new one */
    static const char *const h[] = {RH_BEARER, "X-Request-Id: mine", NULL};
    rh_resp e = rh_call("GET", "/api/machines", h, NULL);
    ck_assert_str_ne(e.request_id, "mine");
    ck_assert(strncmp(e.request_id, "req_", 4) == 0);
    json_decref(e.body);
}
END_TEST

START_TEST(control_fail)
{
    json_t *b = rh_expect(rh_control("POST", "/fail",
        "{\"count\":2,\"status\":503,\"retry_after\":\"1\"}"), 200);
    json_decref(b);
    /* control calls neither consume nor suffer the injected failures */
    json_decref(rh_expect(rh_control("GET", "/health", NULL), 200));
    for (int i = 0; i < 2; i++) {
        rh_resp r = rh_relay("GET", "/api/machines", NULL);
        ck_assert_str_eq(r.retry_after, "1");
        ck_assert(r.request_id[0] != '\0');
        rh_expect_error(r, 503, "server", NULL);
    }
    rh_resp ok = rh_relay("GET", "/api/machines", NULL);
    ck_assert_str_eq(ok.retry_after, "");
    json_decref(rh_expect(ok, 200));

    /* 429 with an explicit code; applies to any plane, before auth */
    json_decref(rh_expect(rh_control("POST", "/fail",
        "{\"count\":1,\"status\":429,\"retry_after\":\"2\","
        "\"code\":\"rate_limit\"}"), 200));
    rh_resp r = rh_call("GET", "/platform/apix/skills/skills/", NULL, NULL);
    ck_assert_str_eq(r.retry_after, "2");
    rh_expect_error(r, 429, "rate_limit", NULL);
    rh_expect_error(rh_call("GET", "/platform/apix/skills/skills/", NULL, NULL), 401,
                    "auth", NULL);

    rh_expect_error(rh_control("POST", "/fail", "{\"status\":503}"), 422,
                    "validation", "count");
    rh_expect_error(rh_control("POST", "/fail", "{\"count\":1,\"status\":200}"),
                    422, "validation", "status");
}
END_TEST

START_TEST(control_requests_and_reset)
{
    static const char *const h[] = {RH_BEARER, "Idempotency-Key: idem-1",
                                    "Last-Event-Id: 7", NULL};
    json_decref(rh_call("POST", "/api/fleets?x=1&x=2", h,
                        "{\"name\":\"Rec\",\"slug\":\"rec\"}").body);
    json_decref(rh_call("GET", "/api/machines", NULL, NULL).body);
    json_decref(rh_call("POST", "/api/fleets", h, "{bad").body);

    json_t *rec = rh_expect(rh_control("GET", "/requests", NULL), 200);
    json_t *reqs = json_object_get(rec, "requests");
    ck_assert_uint_eq(json_array_size(reqs), 3);   /* control not recorded */
    json_t *r0 = json_array_get(reqs, 0);
    ck_assert_str_eq(rh_s(r0, "method"), "POST");
    ck_assert_str_eq(rh_s(r0, "path"), "/api/fleets");
    ck_assert_int_eq(rh_i(r0, "status"), 201);
    json_t *x = json_object_get(json_object_get(r0, "query"), "x");
    ck_assert_uint_eq(json_array_size(x), 2);
    json_t *hd = json_object_get(r0, "headers");
    ck_assert_str_eq(rh_s(hd, "authorization"), "Bearer " RH_TOKEN);
    ck_assert_str_eq(rh_s(hd, "idempotency-key"), "idem-1");
    ck_assert_str_eq(rh_s(hd, "last-event-id"), "7");
    ck_assert_str_eq(rh_s(hd, "content-type"), "application/json");
    ck_assert_ptr_null(json_object_get(hd, "x-api-key"));
    /* every header is recorded, by its lower-case name */
    ck_assert_ptr_nonnull(rh_s(hd, "host"));
    ck_assert_ptr_nonnull(rh_s(hd, "content-length"));
    ck_assert_str_eq(rh_s(json_object_get(r0, "body"), "slug"), "rec");
    json_t *r1 = json_array_get(reqs, 1);
    ck_assert_int_eq(rh_i(r1, "status"), 401);
    ck_assert(json_is_null(json_object_get(r1, "body")));
    json_t *r2 = json_array_get(reqs, 2);
    ck_assert_int_eq(rh_i(r2, "status"), 422);
    ck_assert_str_eq(json_string_value(json_object_get(r2, "body")), "{bad");
    json_decref(rec);

    /* reset without state: recording gone, data kept */
    json_decref(rh_expect(rh_control("POST", "/reset", NULL), 200));
    rec = rh_expect(rh_control("GET", "/requests", NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "requests")), 0);
    json_decref(rec);
    json_t *fl = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    ck_assert_int_eq(rh_i(fl, "total"), 2);
    json_decref(fl);

    /* reset with state: the seed again, and pending failures dropped */
    json_decref(rh_expect(rh_control("POST", "/fail", "{\"count\":5}"), 200));
    json_decref(rh_expect(rh_control("POST", "/reset", "{\"state\":true}"),
                          200));
    fl = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    ck_assert_int_eq(rh_i(fl, "total"), 1);
    json_decref(fl);
    rh_expect_error(rh_control("POST", "/reset", "{\"state\":1}"), 422,
                    "validation", "state");
}
END_TEST

/* A retried POST with the same Idempotency-Key creates once: a failed
 * attempt is not remembered, the first success is replayed. */
START_TEST(idempotent_post)
{
    static const char *const h[] = {RH_BEARER, "Idempotency-Key: k-1", NULL};
    static const char *const h2[] = {RH_BEARER, "Idempotency-Key: k-2", NULL};
    const char *body = "{\"name\":\"Idem\",\"slug\":\"idem\"}";
    json_decref(rh_expect(rh_control("POST", "/fail", "{\"count\":1}"), 200));
    rh_expect_error(rh_call("POST", "/api/fleets", h, body), 503, "server",
                    NULL);
    json_t *a = rh_expect(rh_call("POST", "/api/fleets", h, body), 201);
    json_t *b = rh_expect(rh_call("POST", "/api/fleets", h, body), 201);
    ck_assert_str_eq(rh_s(a, "id"), rh_s(b, "id"));
    json_decref(a);
    json_decref(b);
    /* another key runs the handler: the slug is now taken */
    rh_expect_error(rh_call("POST", "/api/fleets", h2, body), 409, "conflict",
                    NULL);
    json_t *fl = rh_expect(rh_relay("GET", "/api/fleets", NULL), 200);
    ck_assert_int_eq(rh_i(fl, "total"), 2);
    json_decref(fl);
    json_t *rec = rh_expect(rh_control("GET", "/requests", NULL), 200);
    json_t *reqs = json_object_get(rec, "requests");
    ck_assert_int_eq(rh_i(json_array_get(reqs, 0), "status"), 503);
    ck_assert_ptr_null(json_object_get(json_array_get(reqs, 1), "replayed"));
    ck_assert(json_is_true(json_object_get(json_array_get(reqs, 2),
                                           "replayed")));
    json_decref(rec);
}
END_TEST

/* Every request header lands in the recording, lower-cased, including an
 * empty one (the official core sends "Authorization: Bearer" with nothing
 * after it on the platform) and repeated ones (joined by ", "). */
START_TEST(recording_keeps_every_header)
{
    static const char *const h[] = {RH_APIKEY, "Authorization: Bearer",
        "User-Agent: Go-http-client/1.1", "Accept-Encoding: gzip",
        "X-Custom-Thing: A", "X-Custom-Thing: B", NULL};
    json_decref(rh_expect(rh_call("GET", "/platform/apix/skills/tags/", h,
                                  NULL), 200));
    json_t *rec = rh_expect(rh_control("GET", "/requests", NULL), 200);
    json_t *hd = json_object_get(json_array_get(json_object_get(rec,
                                                                "requests"),
                                                0), "headers");
    ck_assert_str_eq(rh_s(hd, "x-api-key"), RH_KEY);
    ck_assert_str_eq(rh_s(hd, "authorization"), "Bearer");
    ck_assert_str_eq(rh_s(hd, "user-agent"), "Go-http-client/1.1");
    ck_assert_str_eq(rh_s(hd, "accept-encoding"), "gzip");
    ck_assert_str_eq(rh_s(hd, "x-custom-thing"), "A, B");
    ck_assert_ptr_null(json_object_get(hd, "X-Api-Key"));
    json_decref(rec);
}
END_TEST

/* The exact hosted error bodies: FastAPI on the relay plane, DRF on the
 * platform, and nothing else in them (no code, no field key). */
START_TEST(error_bodies_are_the_hosted_shapes)
{
    static const char *const key[] = {RH_APIKEY, NULL};
    rh_resp r = rh_relay("GET", "/api/machines?limit=0", NULL);
    ck_assert_int_eq(r.status, 422);
    char *text = json_dumps(r.body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"detail\":[{\"loc\":[\"query\",\"limit\"],"
                     "\"msg\":\"limit must be in 1..200 (got 0)\","
                     "\"type\":\"greater_than_equal\"}]}");
    free(text);
    json_decref(r.body);
    r = rh_relay("POST", "/api/fleets", "{\"slug\":\"abc\"}");
    json_t *e = es_entry(r.body);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "loc"),
                                                      0)), "body");
    ck_assert_str_eq(json_string_value(json_object_get(e, "type")), "missing");
    json_decref(r.body);
    r = rh_relay("GET", "/api/machines/" RH_M(9), NULL);
    text = json_dumps(r.body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"detail\":\"machine " RH_M(9) " not found\"}");
    free(text);
    json_decref(r.body);
    r = rh_relay("GET", "/api/nothing", NULL);
    text = json_dumps(r.body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"detail\":\"Not Found\"}");
    free(text);
    json_decref(r.body);
    r = rh_call("POST", "/platform/apix/skills/skills/", key, "{\"name\":7}");
    ck_assert_int_eq(r.status, 400);
    text = json_dumps(r.body, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"name\":[\"name must be a string\"]}");
    free(text);
    json_decref(r.body);
    r = rh_call("GET", "/platform/apix/skills/skills/nope/", key, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_uint_eq(json_object_size(r.body), 1);
    ck_assert_ptr_nonnull(rh_s(r.body, "detail"));
    json_decref(r.body);
}
END_TEST

START_TEST(control_health)
{
    json_t *b = rh_expect(rh_control("GET", "/health", NULL), 200);
    ck_assert(json_is_true(json_object_get(b, "ok")));
    json_decref(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_http");
    TCase *tc = tcase_create("http");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_add_test(tc, auth_relay_plane);
    tcase_add_test(tc, auth_platform_plane);
    tcase_add_test(tc, not_found_and_method);
    tcase_add_test(tc, bad_bodies);
    tcase_add_test(tc, request_ids);
    tcase_add_test(tc, control_fail);
    tcase_add_test(tc, control_requests_and_reset);
    tcase_add_test(tc, idempotent_post);
    tcase_add_test(tc, control_health);
    tcase_add_test(tc, recording_keeps_every_header);
    tcase_add_test(tc, error_bodies_are_the_hosted_shapes);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
