/*
 * test_relay_units.c — the relay framework's pieces without a socket:
 * route pattern matching with {} captures, percent-decoding, query parsing,
 * planes, validation helpers and the three pagination shapes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "err_shape.h"
#include "relay_server.h"

/* ---- routing ------------------------------------------------------------ */

START_TEST(match_literal_and_captures)
{
    char *caps[RELAY_MAX_CAPTURES];
    size_t n = 99;
    ck_assert(relay_match("/api/machines", "/api/machines", caps, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(relay_match("/api/fleets/{}/members/{}",
                          "/api/fleets/f1/members/u%40x", caps, &n));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(caps[0], "f1");
    ck_assert_str_eq(caps[1], "u@x");   /* captures are percent-decoded */
    free(caps[0]);
    free(caps[1]);
    /* an escaped slash stays inside its segment */
    ck_assert(relay_match("/skills/{}/", "/skills/a%2Fb/", caps, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(caps[0], "a/b");
    free(caps[0]);
}
END_TEST

START_TEST(match_rejects)
{
    char *caps[RELAY_MAX_CAPTURES];
    size_t n = 0;
    ck_assert(!relay_match("/api/machines", "/api/machines/", caps, &n));
    ck_assert(!relay_match("/api/machines/{}", "/api/machines", caps, &n));
    ck_assert(!relay_match("/api/machines/{}", "/api/machines/", caps, &n));
    ck_assert(!relay_match("/api/machines/{}", "/api/machines/a/b", caps, &n));
    ck_assert(!relay_match("/api/fleets/{}/members", "/api/fleets/x/keys",
                           caps, &n));
    ck_assert(!relay_match("/skills/{}/", "/skills/x", caps, &n));
    ck_assert(!relay_match("/api/machine", "/api/machines", caps, &n));
}
END_TEST

START_TEST(pct_decode)
{
    char *s = relay_pct_decode("a%20b+c%zz%4", 12, false);
    ck_assert_str_eq(s, "a b+c%zz%4");   /* malformed escapes kept */
    free(s);
    s = relay_pct_decode("a+b%2B", 6, true);
    ck_assert_str_eq(s, "a b+");
    free(s);
}
END_TEST

START_TEST(query_parse)
{
    json_t *q = relay_parse_query("a=1&b=x%20y&a=2&empty=&flag&&c=3+4");
    ck_assert_str_eq(json_string_value(json_object_get(q, "b")), "x y");
    json_t *a = json_object_get(q, "a");
    ck_assert(json_is_array(a));
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_str_eq(json_string_value(json_array_get(a, 1)), "2");
    ck_assert_str_eq(json_string_value(json_object_get(q, "empty")), "");
    ck_assert_str_eq(json_string_value(json_object_get(q, "flag")), "");
    ck_assert_str_eq(json_string_value(json_object_get(q, "c")), "3 4");
    relay_req r = {.query = q};
    ck_assert_str_eq(relay_query(&r, "a"), "1");   /* first value */
    ck_assert_ptr_null(relay_query(&r, "zzz"));
    json_decref(q);
    q = relay_parse_query(NULL);
    ck_assert_uint_eq(json_object_size(q), 0);
    json_decref(q);
}
END_TEST

START_TEST(planes)
{
    relay_plane p;
    size_t skip;
    ck_assert(relay_plane_of("/api/machines", &p, &skip));
    ck_assert_int_eq(p, RELAY_PLANE_RELAY);
    ck_assert_uint_eq(skip, 0);
    ck_assert(relay_plane_of("/platform/skills/", &p, &skip));
    ck_assert_int_eq(p, RELAY_PLANE_PLATFORM);
    ck_assert_str_eq("/platform/skills/" + skip, "/skills/");
    ck_assert(relay_plane_of("/_control/fail", &p, &skip));
    ck_assert_int_eq(p, RELAY_PLANE_CONTROL);
    ck_assert(!relay_plane_of("/apix", &p, &skip));
    ck_assert(!relay_plane_of("/", &p, &skip));
}
END_TEST

/* ---- validation --------------------------------------------------------- */

static relay_req req_with(const char *body_json, const char *query)
{
    relay_req q = {0};
    q.body = body_json ? json_loads(body_json, 0, NULL) : NULL;
    q.query = relay_parse_query(query);
    return q;
}

static void req_free(relay_req *q, relay_resp *out)
{
    json_decref(q->body);
    json_decref(q->query);
    json_decref(out->body);
    out->body = NULL;
}

static void assert_validation(relay_resp *out, int status, const char *field)
{
    es_assert(out->status, out->body, status, "validation", field);
}

START_TEST(body_str_rules)
{
    relay_req q = req_with("{\"name\":\"ab\",\"num\":3,\"nul\":null}", NULL);
    relay_resp out = {0};
    const char *v;
    ck_assert(relay_body_str(&q, &out, 422, "name", true, 1, 100, &v));
    ck_assert_str_eq(v, "ab");
    ck_assert(!relay_body_str(&q, &out, 422, "name", true, 3, 100, &v));
    assert_validation(&out, 422, "name");
    ck_assert(!relay_body_str(&q, &out, 400, "name", true, 0, 1, &v));
    assert_validation(&out, 400, "name");
    ck_assert(!relay_body_str(&q, &out, 422, "num", false, 0, 9, &v));
    assert_validation(&out, 422, "num");
    ck_assert(!relay_body_str(&q, &out, 422, "missing", true, 0, 9, &v));
    assert_validation(&out, 422, "missing");
    /* optional and absent (or null): accepted, NULL value */
    json_decref(out.body);
    out.body = NULL;
    ck_assert(relay_body_str(&q, &out, 422, "missing", false, 1, 9, &v));
    ck_assert_ptr_null(v);
    ck_assert(relay_body_str(&q, &out, 422, "nul", false, 1, 9, &v));
    ck_assert_ptr_null(v);
    ck_assert_ptr_null(out.body);
    req_free(&q, &out);
}
END_TEST

START_TEST(body_int_bool_enum_rules)
{
    relay_req q = req_with("{\"d\":0,\"e\":3650,\"s\":\"7\",\"b\":true,"
                           "\"r\":\"admin\",\"x\":\"root\"}", NULL);
    relay_resp out = {0};
    bool present, bv;
    long long n;
    const char *v;
    static const char *const roles[] = {"owner", "admin", NULL};
    ck_assert(!relay_body_int(&q, &out, 422, "d", false, 1, 3650, &present, &n));
    assert_validation(&out, 422, "d");
    ck_assert(relay_body_int(&q, &out, 422, "e", false, 1, 3650, &present, &n));
    ck_assert(present);
    ck_assert_int_eq(n, 3650);
    ck_assert(!relay_body_int(&q, &out, 422, "s", false, 1, 9, &present, &n));
    assert_validation(&out, 422, "s");
    ck_assert(relay_body_int(&q, &out, 422, "zz", false, 1, 9, &present, &n));
    ck_assert(!present);
    ck_assert(relay_body_bool(&q, &out, 422, "b", &present, &bv));
    ck_assert(present && bv);
    ck_assert(!relay_body_bool(&q, &out, 422, "e", &present, &bv));
    assert_validation(&out, 422, "e");
    ck_assert(relay_body_enum(&q, &out, 422, "r", true, roles, &v));
    ck_assert_str_eq(v, "admin");
    ck_assert(!relay_body_enum(&q, &out, 422, "x", true, roles, &v));
    assert_validation(&out, 422, "x");
    ck_assert(!relay_body_enum(&q, &out, 422, "none", true, roles, &v));
    assert_validation(&out, 422, "none");
    req_free(&q, &out);
}
END_TEST

START_TEST(query_rules)
{
    relay_req q = req_with(NULL, "limit=0&big=201&ok=200&txt=abc&p=online"
                                 "&bad=busy&empty=");
    relay_resp out = {0};
    long long n;
    const char *v;
    static const char *const pres[] = {"any", "online", "offline", NULL};
    ck_assert(!relay_query_int(&q, &out, 422, "limit", 100, 1, 200, &n));
    assert_validation(&out, 422, "limit");
    ck_assert(!relay_query_int(&q, &out, 422, "big", 100, 1, 200, &n));
    ck_assert(!relay_query_int(&q, &out, 422, "txt", 100, 1, 200, &n));
    assert_validation(&out, 422, "txt");
    ck_assert(relay_query_int(&q, &out, 422, "ok", 100, 1, 200, &n));
    ck_assert_int_eq(n, 200);
    ck_assert(relay_query_int(&q, &out, 422, "absent", 100, 1, 200, &n));
    ck_assert_int_eq(n, 100);
    ck_assert(relay_query_int(&q, &out, 422, "empty", 7, 1, 200, &n));
    ck_assert_int_eq(n, 7);
    ck_assert(relay_query_enum(&q, &out, 422, "p", "any", pres, &v));
    ck_assert_str_eq(v, "online");
    ck_assert(relay_query_enum(&q, &out, 422, "empty", "any", pres, &v));
    ck_assert_str_eq(v, "any");
    ck_assert(!relay_query_enum(&q, &out, 422, "bad", "any", pres, &v));
    assert_validation(&out, 422, "bad");
    req_free(&q, &out);
}
END_TEST

/* ---- pagination --------------------------------------------------------- */

static json_t *numbers(int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:i}", "n", i));
    return a;
}

static json_t *page(void (*fn)(const relay_req *, relay_resp *, json_t *),
                    const char *query, json_t *all, int *status)
{
    relay_req q = req_with(NULL, query);
    relay_resp out = {0};
    fn(&q, &out, all);
    json_decref(q.query);
    *status = out.status;
    return out.body;
}

static void cursor7(const relay_req *q, relay_resp *o, json_t *a)
{
    relay_page_cursor(NULL, q, o, a, 3, 5, true);   /* no relay: no control armed */
}
static void cursor_nomore(const relay_req *q, relay_resp *o, json_t *a)
{
    relay_page_cursor(NULL, q, o, a, 3, 5, false);
}
static void offset20(const relay_req *q, relay_resp *o, json_t *a)
{
    relay_page_offset(q, o, a, 4, 6);
}
static void number(const relay_req *q, relay_resp *o, json_t *a)
{
    relay_page_number(q, o, a, 4, 6);
}

START_TEST(cursor_walk)
{
    json_t *all = numbers(7);
    int st, seen = 0;
    char query[128] = "";
    for (int round = 0; round < 5; round++) {
        json_t *p = page(cursor7, query, all, &st);
        ck_assert_int_eq(st, 200);
        json_t *items = json_object_get(p, "items");
        for (size_t i = 0; i < json_array_size(items); i++)
            ck_assert_int_eq(json_integer_value(json_object_get(
                                 json_array_get(items, i), "n")), seen++);
        const char *next = json_string_value(json_object_get(p, "next_cursor"));
        ck_assert_int_eq(json_is_true(json_object_get(p, "has_more")),
                         next != NULL);
        if (!next) {   /* the last page still has the key, as null */
            ck_assert(json_is_null(json_object_get(p, "next_cursor")));
            json_decref(p);
            break;
        }
        snprintf(query, sizeof query, "cursor=%s", next);
        json_decref(p);
    }
    ck_assert_int_eq(seen, 7);   /* 3 + 3 + 1, then stop */

    json_t *p = page(cursor_nomore, "limit=5", all, &st);
    ck_assert_ptr_null(json_object_get(p, "has_more"));
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 5);
    json_decref(p);
    json_decref(all);
}
END_TEST

START_TEST(cursor_rejects)
{
    json_t *all = numbers(7);
    int st;
    static const char *const bad[] = {"cursor=3", "cursor=c3.0000000000000000",
                                      "cursor=abc", "limit=0", "limit=6",
                                      "limit=x", NULL};
    static const char *const field[] = {"cursor", "cursor", "cursor", "limit",
                                        "limit", "limit"};
    for (int i = 0; bad[i]; i++) {
        json_t *p = page(cursor7, bad[i], all, &st);
        es_assert(st, p, 422, "validation", field[i]);
        ck_assert_str_eq(json_string_value(json_array_get(json_object_get(
            es_entry(p), "loc"), 0)), "query");
        json_decref(p);
    }
    /* "" = no cursor (lenient) */
    json_t *p = page(cursor7, "cursor=&q=", all, &st);
    ck_assert_int_eq(st, 200);
    json_decref(p);
    json_decref(all);
}
END_TEST

/* ---- error bodies ------------------------------------------------------ */

START_TEST(error_shapes)
{
    relay_resp out = {0};
    /* 422: FastAPI's list, loc [where, field], nothing else */
    relay_error_in(&out, 422, "query", "limit", "greater_than_equal", "n %d",
                   1);
    es_assert(out.status, out.body, 422, "validation", "limit");
    json_t *e = es_entry(out.body);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "loc"),
                                                      0)), "query");
    ck_assert_str_eq(json_string_value(json_object_get(e, "type")),
                     "greater_than_equal");
    ck_assert_str_eq(json_string_value(json_object_get(e, "msg")), "n 1");
    /* relay_error: loc body, type value_error; no field = loc ["body"] */
    relay_error(&out, 422, "validation", NULL, "bad");
    es_assert(out.status, out.body, 422, "validation", NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(es_entry(out.body),
                                                      "loc")), 1);
    /* 400: DRF, {field: [msg]} or non_field_errors */
    relay_error(&out, 400, "validation", "name", "too long");
    es_assert(out.status, out.body, 400, "validation", "name");
    ck_assert_str_eq(json_string_value(json_array_get(
        json_object_get(out.body, "name"), 0)), "too long");
    relay_error(&out, 400, "validation", NULL, "x");
    ck_assert_ptr_nonnull(json_object_get(out.body, "non_field_errors"));
    /* everything else: {"detail": msg}, a field is not sent, nor a code */
    relay_error(&out, 409, "conflict", "slug", "slug %s is taken", "a");
    es_assert(out.status, out.body, 409, "conflict", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(out.body, "detail")),
                     "slug a is taken");
    json_decref(out.body);
}
END_TEST

START_TEST(nulls_fill_only_missing_keys)
{
    json_t *o = json_pack("{s:s, s:n}", "a", "x", "b");
    static const char *const keys[] = {"a", "b", "c", NULL};
    relay_nulls(o, keys);
    ck_assert_str_eq(json_string_value(json_object_get(o, "a")), "x");
    ck_assert(json_is_null(json_object_get(o, "b")));
    ck_assert(json_is_null(json_object_get(o, "c")));
    ck_assert_uint_eq(json_object_size(o), 3);
    json_decref(o);
}
END_TEST

START_TEST(offset_shape)
{
    json_t *all = numbers(9);
    int st;
    json_t *p = page(offset20, "page=3&per_page=4", all, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(json_object_size(p), 6);   /* nothing else, no offset */
    ck_assert_int_eq(json_integer_value(json_object_get(p, "page")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "per_page")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "total")), 9);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    ck_assert(json_is_true(json_object_get(p, "has_prev")));
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 1);
    json_decref(p);
    /* no paging params (what the official core sends) = page 1, default */
    p = page(offset20, NULL, all, &st);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "page")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "per_page")), 4);
    ck_assert(json_is_true(json_object_get(p, "has_next")));
    ck_assert(json_is_false(json_object_get(p, "has_prev")));
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 4);
    json_decref(p);
    static const char *const bad[] = {"page=0", "per_page=0", "per_page=7",
                                      "page=x", NULL};
    static const char *const field[] = {"page", "per_page", "per_page",
                                        "page"};
    for (int i = 0; bad[i]; i++) {
        p = page(offset20, bad[i], all, &st);
        es_assert(st, p, 422, "validation", field[i]);
        json_decref(p);
    }
    p = page(offset20, "page=50", all, &st);   /* past the end: empty */
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 0);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    json_decref(p);
    json_decref(all);
}
END_TEST

START_TEST(number_shape)
{
    json_t *all = numbers(9);
    int st;
    json_t *p = page(number, "page=2", all, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "count")), 9);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "pages")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "page_size")), 4);
    ck_assert(json_is_true(json_object_get(p, "has_next")));
    ck_assert(json_is_true(json_object_get(p, "has_previous")));
    ck_assert_int_eq(json_integer_value(json_object_get(p, "next_page")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "previous_page")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(
        json_array_get(json_object_get(p, "results"), 0), "n")), 4);
    json_decref(p);
    p = page(number, "page=3", all, &st);
    ck_assert(!json_is_true(json_object_get(p, "has_next")));
    ck_assert(json_is_null(json_object_get(p, "next_page")));   /* present */
    ck_assert_uint_eq(json_array_size(json_object_get(p, "results")), 1);
    json_decref(p);
    p = page(number, "page=4", all, &st);   /* past the last page: DRF 404 */
    es_assert(st, p, 404, "not_found", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(p, "detail")),
                     "Invalid page.");
    json_decref(p);
    p = page(number, "page=0", all, &st);
    ck_assert_int_eq(st, 400);
    json_decref(p);
    p = page(number, "page_size=7", all, &st);
    es_assert(st, p, 400, "validation", "page_size");
    json_decref(p);
    json_t *none = json_array();     /* an empty first page is fine */
    p = page(number, NULL, none, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "pages")), 1);
    json_decref(p);
    json_decref(none);
    json_decref(all);
}
END_TEST

/* ---- store and misc ----------------------------------------------------- */

START_TEST(store_helpers)
{
    relay r = {0};
    r.db = json_object();
    json_t *c = relay_coll(&r, "things");
    ck_assert(json_is_array(c));
    ck_assert_ptr_eq(relay_coll(&r, "things"), c);
    json_array_append_new(c, json_pack("{s:s}", "id", "a"));
    json_array_append_new(c, json_pack("{s:s}", "id", "b"));
    ck_assert_int_eq(relay_find_index(c, "id", "b"), 1);
    ck_assert_int_eq(relay_find_index(c, "id", "z"), -1);
    ck_assert_ptr_eq(relay_find(c, "id", "a"), json_array_get(c, 0));

    char u1[37], u2[37], now[32];
    relay_new_uuid(u1);
    relay_new_uuid(u2);
    ck_assert_uint_eq(strlen(u1), 36);
    ck_assert_int_eq(u1[14], '4');
    ck_assert(strchr("89ab", u1[19]) != NULL);
    ck_assert_str_ne(u1, u2);
    relay_now(now);
    ck_assert_uint_eq(strlen(now), 20);
    ck_assert_int_eq(now[19], 'Z');

    json_array_append_new(relay_coll(&r, "memberships"),
        json_pack("{s:s, s:s, s:s}", "fleet_id", "f", "user_id", "u",
                  "role", "member"));
    ck_assert_str_eq(relay_fleet_role(&r, "f", "u"), "member");
    ck_assert_ptr_null(relay_fleet_role(&r, "f", "v"));
    ck_assert_int_lt(relay_role_rank("viewer"), relay_role_rank("member"));
    ck_assert_int_lt(relay_role_rank("admin"), relay_role_rank("owner"));
    ck_assert_int_eq(relay_role_rank("root"), 0);
    json_decref(r.db);
}
END_TEST

START_TEST(default_seed_has_fixed_ids)
{
    char err[256];
    json_t *seed = relay_default_seed(err, sizeof err);
    ck_assert_msg(seed != NULL, "%s", err);
    ck_assert_str_eq(json_string_value(json_object_get(seed, "token_user_id")),
                     "00000000-0000-4000-8000-000000000001");
    json_t *ms = json_object_get(seed, "machines");
    ck_assert_uint_eq(json_array_size(ms), 5);
    static const char *const names[] = {"alpha", "bravo", "charlie", "delta",
                                        "echo"};
    for (size_t i = 0; i < 5; i++) {
        json_t *m = json_array_get(ms, i);
        ck_assert_str_eq(json_string_value(json_object_get(m, "name")),
                         names[i]);
        ck_assert_str_eq(json_string_value(json_object_get(m, "presence")),
                         i == 3 ? "offline" : "online");
    }
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ms, 2),
                                                       "pin")), "1234");
    json_decref(seed);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_units");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, match_literal_and_captures);
    tcase_add_test(tc, match_rejects);
    tcase_add_test(tc, pct_decode);
    tcase_add_test(tc, query_parse);
    tcase_add_test(tc, planes);
    tcase_add_test(tc, body_str_rules);
    tcase_add_test(tc, body_int_bool_enum_rules);
    tcase_add_test(tc, query_rules);
    tcase_add_test(tc, cursor_walk);
    tcase_add_test(tc, cursor_rejects);
    tcase_add_test(tc, error_shapes);
    tcase_add_test(tc, nulls_fill_only_missing_keys);
    tcase_add_test(tc, offset_shape);
    tcase_add_test(tc, number_shape);
    tcase_add_test(tc, store_helpers);
    tcase_add_test(tc, default_seed_has_fixed_ids);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
