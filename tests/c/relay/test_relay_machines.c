/*
 * test_relay_machines.c — /api/machines and /api/admin/machines/{id}/...
 * against the in-process relay with the default seed.
 */
#include "relay_http.h"

static const char *const summary_keys[] = {"id", "name", "hostname", "os",
    "os_version", "architecture", "agent_version", "last_heartbeat_at",
    "presence", "public_key_fingerprint", "public_key_status", "created_at",
    "fleets", "specs", "is_jarvis", "disabled_at", NULL};

static void assert_keys(json_t *o, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        ck_assert_msg(json_object_get(o, keys[i]) != NULL, "missing %s",
                      keys[i]);
}

START_TEST(list_pages_in_seed_order)
{
    static const char *const names[] = {"alpha", "bravo", "charlie", "delta",
                                        "echo"};
    char path[256] = "/api/machines?limit=2&q=&cursor=";
    int seen = 0, pages = 0;
    for (;;) {
        json_t *p = rh_expect(rh_relay("GET", path, NULL), 200);
        json_t *items = json_object_get(p, "items");
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *m = json_array_get(items, i);
            assert_keys(m, summary_keys);
            /* required and nullable: present as null when unset */
            ck_assert(json_is_null(json_object_get(m, "disabled_at")));
            ck_assert_str_eq(rh_s(m, "name"), names[seen++]);
            ck_assert_str_eq(rh_s(json_array_get(json_object_get(m, "fleets"),
                                                 0), "role"), "owner");
            ck_assert_ptr_null(json_object_get(m, "pin"));   /* internal */
            ck_assert_ptr_null(json_object_get(m, "messages"));
        }
        pages++;
        const char *next = rh_s(p, "next_cursor");
        ck_assert_int_eq(json_is_true(json_object_get(p, "has_more")),
                         next != NULL);
        if (!next) {
            ck_assert(json_is_null(json_object_get(p, "next_cursor")));
            json_decref(p);
            break;
        }
        snprintf(path, sizeof path, "/api/machines?limit=2&cursor=%s", next);
        json_decref(p);
    }
    ck_assert_int_eq(seen, 5);
    ck_assert_int_eq(pages, 3);
}
END_TEST

/* POST /_control/pages {"repeat_cursor": N}: the next N pages asked with a
 * cursor answer that same cursor (has_more true); a page without a cursor
 * is normal; /reset disarms it. */
START_TEST(repeat_cursor_control)
{
    json_decref(rh_expect(rh_control("POST", "/pages", "{\"repeat_cursor\": 2}"), 200));
    json_t *p = rh_expect(rh_relay("GET", "/api/machines?limit=2", NULL), 200);
    char c2[128];
    snprintf(c2, sizeof c2, "%s", rh_s(p, "next_cursor"));
    json_decref(p);
    char path[256];
    snprintf(path, sizeof path, "/api/machines?limit=2&cursor=%s", c2);
    for (int i = 0; i < 2; i++) {   /* repeated twice, then it advances */
        p = rh_expect(rh_relay("GET", path, NULL), 200);
        ck_assert_str_eq(rh_s(p, "next_cursor"), c2);
        ck_assert(json_is_true(json_object_get(p, "has_more")));
        ck_assert_str_eq(rh_s(json_array_get(json_object_get(p, "items"), 0), "name"),
                         "charlie");
        json_decref(p);
    }
    p = rh_expect(rh_relay("GET", path, NULL), 200);
    ck_assert_str_ne(rh_s(p, "next_cursor"), c2);
    json_decref(p);
    /* reset disarms; a bad count is a 422 */
    json_decref(rh_expect(rh_control("POST", "/pages", "{\"repeat_cursor\": 5}"), 200));
    json_decref(rh_expect(rh_control("POST", "/reset", "{}"), 200));
    p = rh_expect(rh_relay("GET", path, NULL), 200);
    ck_assert_str_ne(rh_s(p, "next_cursor"), c2);
    json_decref(p);
    rh_expect_error(rh_control("POST", "/pages", "{\"repeat_cursor\": -1}"), 422,
                    "validation", "repeat_cursor");
}
END_TEST

START_TEST(list_filters)
{
    json_t *p = rh_expect(rh_relay("GET", "/api/machines?presence=offline",
                                   NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 1);
    ck_assert_str_eq(rh_s(json_array_get(json_object_get(p, "items"), 0),
                          "name"), "delta");
    json_decref(p);
    p = rh_expect(rh_relay("GET", "/api/machines?presence=online&q=CHAR",
                           NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 1);
    json_decref(p);
    p = rh_expect(rh_relay("GET", "/api/machines?q=zzz", NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 0);
    ck_assert(json_is_false(json_object_get(p, "has_more")));
    json_decref(p);

    char path[512] = "/api/machines?q=";
    memset(path + strlen(path), 'a', 201);
    path[16 + 201] = '\0';
    rh_expect_error(rh_relay("GET", path, NULL), 422, "validation", "q");
    rh_expect_error(rh_relay("GET", "/api/machines?presence=busy", NULL), 422,
                    "validation", "presence");
    rh_expect_error(rh_relay("GET", "/api/machines?limit=201", NULL), 422,
                    "validation", "limit");
    rh_expect_error(rh_relay("GET", "/api/machines?limit=0", NULL), 422,
                    "validation", "limit");
    rh_expect_error(rh_relay("GET", "/api/machines?cursor=forged", NULL), 422,
                    "validation", "cursor");
}
END_TEST

START_TEST(get_update_disable)
{
    json_t *d = rh_expect(rh_relay("GET", "/api/machines/" RH_M(1), NULL), 200);
    static const char *const detail_keys[] = {"is_root", "username",
        "device_id", "public_key", "public_key_version",
        "public_key_registered_at", "created_by_id", "live_metrics", NULL};
    /* flat: the summary's fields and the detail's side by side */
    assert_keys(d, detail_keys);
    assert_keys(d, summary_keys);
    ck_assert_ptr_null(json_object_get(d, "summary"));
    ck_assert_str_eq(rh_s(d, "id"), RH_M(1));
    json_decref(d);
    /* the offline machine has no live metrics: null, not absent */
    d = rh_expect(rh_relay("GET", "/api/machines/" RH_M(4), NULL), 200);
    ck_assert(json_is_null(json_object_get(d, "live_metrics")));
    json_decref(d);

    json_t *s = rh_expect(rh_relay("PATCH", "/api/machines/" RH_M(2),
                                   "{\"name\":\"bravo-2\"}"), 200);
    ck_assert_str_eq(rh_s(s, "name"), "bravo-2");
    ck_assert_str_eq(rh_s(s, "hostname"), "bravo");
    json_decref(s);
    /* "" leaves the name (the official client sends it for "no name") */
    s = rh_expect(rh_relay("PATCH", "/api/machines/" RH_M(2),
                           "{\"name\":\"\"}"), 200);
    ck_assert_str_eq(rh_s(s, "name"), "bravo-2");
    json_decref(s);
    rh_expect_error(rh_relay("PATCH", "/api/machines/" RH_M(2),
                             "{\"name\":7}"), 422, "validation", "name");
    rh_expect_error(rh_relay("PATCH", "/api/machines/" RH_M(8),
                             "{\"name\":\"x\"}"), 404, "not_found", NULL);

    rh_resp r = rh_relay("DELETE", "/api/machines/" RH_M(3), NULL);
    ck_assert_int_eq(r.status, 204);
    ck_assert_ptr_null(r.body);
    /* soft-disable: still there, with disabled_at */
    d = rh_expect(rh_relay("GET", "/api/machines/" RH_M(3), NULL), 200);
    ck_assert_ptr_nonnull(rh_s(d, "disabled_at"));
    json_decref(d);
    rh_expect_error(rh_relay("DELETE", "/api/machines/" RH_M(7), NULL), 404,
                    "not_found", NULL);
}
END_TEST

START_TEST(info_and_spend)
{
    json_t *i = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                                   "/info", NULL), 200);
    static const char *const keys[] = {"identity", "hardware", "live_state",
        "session", "presence", "fingerprint", NULL};
    assert_keys(i, keys);
    ck_assert_str_eq(rh_s(json_object_get(i, "presence"), "status"),
                     "healthy");
    json_decref(i);
    rh_expect_error(rh_relay("GET", "/api/admin/machines/nope/info", NULL),
                    404, "not_found", NULL);

    json_t *s = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                                   "/spend", NULL), 200);
    ck_assert_str_eq(rh_s(s, "window"), "7d");
    ck_assert(json_array_size(json_object_get(s, "top_models")) > 0);
    double week = json_real_value(json_object_get(s, "total_usd"));
    json_decref(s);
    s = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                           "/spend?window=30d", NULL), 200);
    ck_assert_str_eq(rh_s(s, "window"), "30d");
    ck_assert(json_real_value(json_object_get(s, "total_usd")) > week);
    json_decref(s);
    rh_expect_error(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                             "/spend?window=2d", NULL), 422, "validation",
                    "window");
}
END_TEST

START_TEST(messages_clear_and_session)
{
    json_t *m = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                                   "/messages?limit=1", NULL), 200);
    ck_assert_str_eq(rh_s(m, "agent_session_id"), "as-alpha-0001");
    json_t *msgs = json_object_get(m, "messages");
    ck_assert_uint_eq(json_array_size(msgs), 1);
    ck_assert_str_eq(rh_s(json_array_get(msgs, 0), "role"), "assistant");
    json_decref(m);
    rh_expect_error(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                             "/messages?limit=501", NULL), 422, "validation",
                    "limit");

    json_t *a = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                                   "/active_session", NULL), 200);
    ck_assert_str_eq(rh_s(a, "agent_session_id"), "as-alpha-0001");
    json_decref(a);
    a = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(4)
                           "/active_session", NULL), 200);
    ck_assert_ptr_null(json_object_get(a, "agent_session_id"));
    json_decref(a);

    json_t *c = rh_expect(rh_relay("DELETE", "/api/admin/machines/" RH_M(1)
                                   "/messages", NULL), 200);
    ck_assert_int_eq(rh_i(c, "deleted"), 4);
    json_decref(c);
    c = rh_expect(rh_relay("DELETE", "/api/admin/machines/" RH_M(1)
                           "/messages", NULL), 200);
    ck_assert_int_eq(rh_i(c, "deleted"), 0);
    json_decref(c);
    m = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1)
                           "/messages", NULL), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(m, "messages")), 0);
    json_decref(m);
}
END_TEST

/* A GET whose answer equals the last one on its path reuses that one's
 * serialized text (relay_server.c dump_body): a change in between must
 * still show, on the same path and on a list that holds the machine. */
START_TEST(repeated_gets_see_every_change)
{
    for (int round = 0; round < 3; round++) {
        json_t *d = rh_expect(rh_relay("GET", "/api/machines/" RH_M(2), NULL), 200);
        ck_assert_str_eq(rh_s(d, "name"), round == 0 ? "bravo" : "bravo-2");
        json_decref(d);
        d = rh_expect(rh_relay("GET", "/api/machines/" RH_M(2), NULL), 200);
        ck_assert_str_eq(rh_s(d, "name"), round == 0 ? "bravo" : "bravo-2");
        json_decref(d);
        if (round == 0)
            json_decref(rh_expect(rh_relay("PATCH", "/api/machines/" RH_M(2),
                                           "{\"name\":\"bravo-2\"}"), 200));
    }
    json_t *i1 = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1) "/info", NULL), 200);
    json_t *i2 = rh_expect(rh_relay("GET", "/api/admin/machines/" RH_M(1) "/info", NULL), 200);
    ck_assert(json_equal(i1, i2));
    json_decref(i1);
    json_decref(i2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_machines");
    TCase *tc = tcase_create("machines");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_add_test(tc, list_pages_in_seed_order);
    tcase_add_test(tc, repeat_cursor_control);
    tcase_add_test(tc, list_filters);
    tcase_add_test(tc, get_update_disable);
    tcase_add_test(tc, info_and_spend);
    tcase_add_test(tc, messages_clear_and_session);
    tcase_add_test(tc, repeated_gets_see_every_change);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
