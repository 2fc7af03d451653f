/*
 * test_platform_bots.c — the bots management endpoints (platform plane,
 * designed in docs/api-rules.md) over real HTTP against an in-process relay
 * with the default seed: one telegram bot on machine alpha.
 */
#include "plat_client.h"

#define SEED_BOT "/apix/bots/80000000-0000-4000-8000-000000000001/"

static const char *const BOT_KEYS[] = {"id", "name", "platform",
    "machine_id", "allowed_users", "permission", "enabled", "created_at",
    "updated_at", NULL};

START_TEST(list_and_filters)
{
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    ck_assert_int_eq(pc_i(p, "page_size"), 20);
    json_t *b = json_array_get(json_object_get(p, "results"), 0);
    pc_assert_keys(b, BOT_KEYS);
    ck_assert_str_eq(pc_s(b, "platform"), "telegram");
    ck_assert_str_eq(pc_s(b, "machine_id"), PC_ALPHA);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/?platform=discord", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 0);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/?platform=telegram&search=OPS", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/?search=zzz", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 0);
    json_decref(p);
    long st = pc_plat("GET", "/apix/bots/?platform=irc", NULL, &p);
    pc_assert_error(st, p, 400, "validation", "platform");
    json_decref(p);
    st = pc_plat("GET", "/apix/bots/?page=2", NULL, &p);
    pc_assert_error(st, p, 404, "not_found", NULL);
    json_decref(p);
}
END_TEST

START_TEST(get_seeded_and_unknown)
{
    json_t *b;
    ck_assert_int_eq(pc_plat("GET", SEED_BOT, NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "name"), "ops-telegram");
    ck_assert_str_eq(pc_s(b, "permission"), "execute");
    json_decref(b);
    long st = pc_plat("GET", "/apix/bots/nope/", NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
}
END_TEST

START_TEST(create_defaults_and_pages)
{
    json_t *b;
    long st = pc_plat("POST", "/apix/bots/",
        "{\"name\":\"deploy\",\"platform\":\"slack\",\"machine_id\":\""
        "20000000-0000-4000-8000-000000000002\"}", &b);
    ck_assert_int_eq(st, 201);
    pc_assert_keys(b, BOT_KEYS);
    ck_assert_str_eq(pc_s(b, "permission"), "execute");
    ck_assert(json_is_true(json_object_get(b, "enabled")));
    ck_assert_int_eq(json_array_size(json_object_get(b, "allowed_users")), 0);
    char path[128];
    snprintf(path, sizeof path, "/apix/bots/%s/", pc_s(b, "id"));
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", path, NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "platform"), "slack");
    json_decref(b);

    ck_assert_int_eq(pc_plat("POST", "/apix/bots/",
        "{\"name\":\"chat\",\"platform\":\"discord\",\"machine_id\":\"" PC_ALPHA "\","
        "\"allowed_users\":[\"u1\",\"u2\"],\"permission\":\"read\",\"enabled\":false}", &b), 201);
    ck_assert_int_eq(json_array_size(json_object_get(b, "allowed_users")), 2);
    ck_assert_str_eq(pc_s(b, "permission"), "read");
    ck_assert(json_is_false(json_object_get(b, "enabled")));
    json_decref(b);

    ck_assert_int_eq(pc_plat("GET", "/apix/bots/?page_size=2&page=2", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "count"), 3);
    ck_assert_int_eq(pc_i(b, "pages"), 2);
    ck_assert_int_eq(json_array_size(json_object_get(b, "results")), 1);
    json_decref(b);
}
END_TEST

START_TEST(create_validation)
{
    static const struct { const char *body, *field; } cases[] = {
        {"{\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\"}", "name"},
        {"{\"name\":\"\",\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\"}", "name"},
        {"{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
         "\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\"}", "name"},
        {"{\"name\":\"b\",\"machine_id\":\"" PC_ALPHA "\"}", "platform"},
        {"{\"name\":\"b\",\"platform\":\"irc\",\"machine_id\":\"" PC_ALPHA "\"}", "platform"},
        {"{\"name\":\"b\",\"platform\":\"slack\"}", "machine_id"},
        {"{\"name\":\"b\",\"platform\":\"slack\",\"machine_id\":\"nope\"}", "machine_id"},
        {"{\"name\":\"b\",\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\","
         "\"allowed_users\":\"u1\"}", "allowed_users"},
        {"{\"name\":\"b\",\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\","
         "\"allowed_users\":[\"\"]}", "allowed_users"},
        {"{\"name\":\"b\",\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\","
         "\"permission\":\"root\"}", "permission"},
        {"{\"name\":\"b\",\"platform\":\"slack\",\"machine_id\":\"" PC_ALPHA "\","
         "\"enabled\":\"yes\"}", "enabled"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b;
        long st = pc_plat("POST", "/apix/bots/", cases[i].body, &b);
        pc_assert_error(st, b, 400, "validation", cases[i].field);
        json_decref(b);
    }
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    json_decref(p);
}
END_TEST

START_TEST(update_only_passed_fields)
{
    json_t *b;
    ck_assert_int_eq(pc_plat("PATCH", SEED_BOT,
        "{\"enabled\":false,\"allowed_users\":[\"@ana\"],\"platform\":\"slack\"}", &b), 200);
    ck_assert(json_is_false(json_object_get(b, "enabled")));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(b, "allowed_users"), 0)), "@ana");
    ck_assert_str_eq(pc_s(b, "name"), "ops-telegram");
    ck_assert_str_eq(pc_s(b, "permission"), "execute");
    /* platform is fixed at creation */
    ck_assert_str_eq(pc_s(b, "platform"), "telegram");
    ck_assert_str_ne(pc_s(b, "updated_at"), "2026-01-15T10:00:00Z");
    json_decref(b);

    long st = pc_plat("PATCH", SEED_BOT, "{\"machine_id\":\"nope\"}", &b);
    pc_assert_error(st, b, 400, "validation", "machine_id");
    json_decref(b);
    st = pc_plat("PATCH", SEED_BOT, "{\"permission\":\"all\"}", &b);
    pc_assert_error(st, b, 400, "validation", "permission");
    json_decref(b);
    st = pc_plat("PATCH", "/apix/bots/nope/", "{\"name\":\"x\"}", &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", SEED_BOT, NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "machine_id"), PC_ALPHA);
    json_decref(b);
}
END_TEST

START_TEST(delete_then_gone)
{
    json_t *b;
    ck_assert_int_eq(pc_plat("DELETE", SEED_BOT, NULL, &b), 204);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(pc_plat("GET", SEED_BOT, NULL, &b), 404);
    json_decref(b);
    long st = pc_plat("DELETE", SEED_BOT, NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/bots/", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "count"), 0);
    json_decref(b);
}
END_TEST

START_TEST(bots_wrong_plane_credential)
{
    json_t *b;
    long st = pc_http("GET", "/platform/apix/bots/", "Authorization: Bearer " PC_TOKEN,
                      NULL, &b, NULL);
    pc_assert_error(st, b, 401, "auth", NULL);
    json_decref(b);
    st = pc_http("GET", "/platform/apix/bots/", NULL, NULL, &b, NULL);
    pc_assert_error(st, b, 401, "auth", NULL);
    json_decref(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("platform_bots");
    TCase *t = tcase_create("bots");
    tcase_add_checked_fixture(t, pc_start, pc_stop);
    tcase_add_test(t, list_and_filters);
    tcase_add_test(t, get_seeded_and_unknown);
    tcase_add_test(t, create_defaults_and_pages);
    tcase_add_test(t, create_validation);
    tcase_add_test(t, update_only_passed_fields);
    tcase_add_test(t, delete_then_gone);
    tcase_add_test(t, bots_wrong_plane_credential);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return pc_run(suite());
}
