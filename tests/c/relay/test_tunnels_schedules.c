/*
 * test_tunnels_schedules.c — the relay's tunnels and schedules endpoints
 * over real HTTP against an in-process relay (default seed), plus the cron
 * parser behind schedule validation and next_run_at.
 */
#include "plat_client.h"
#include "relay_cron.h"

#define SCHED "/api/fleets/" PC_FLEET "/schedules"
#define SEEDED SCHED "/60000000-0000-4000-8000-000000000001"

/* ---- tunnels ------------------------------------------------------------ */

START_TEST(sessions_listed_not_taken_as_tunnel_id)
{
    json_t *b;
    ck_assert_int_eq(pc_relay("GET", "/api/tunnels/connected-sessions", NULL, &b), 200);
    /* a bare array, not {items}: the official core decodes a slice */
    ck_assert(json_is_array(b));
    json_t *items = b;
    ck_assert_int_eq(json_array_size(items), 3);
    json_t *first = json_array_get(items, 0);
    static const char *const keys[] = {"session_id", "machine_id", "hostname",
                                       "label", "status", NULL};
    pc_assert_keys(first, keys);
    ck_assert_str_eq(pc_s(first, "session_id"), "s-alpha");
    ck_assert_str_eq(pc_s(first, "machine_id"), PC_ALPHA);
    ck_assert_str_eq(pc_s(json_array_get(items, 2), "session_id"), "s-echo");
    json_decref(b);
}
END_TEST

START_TEST(open_defaults_get_list)
{
    json_t *b, *g, *l;
    long st = pc_relay("POST", "/api/tunnels",
                       "{\"session_id\":\"s-bravo\",\"local_port\":3000}", &b);
    ck_assert_int_eq(st, 201);
    static const char *const keys[] = {"tunnel_id", "fleet_id", "session_id",
        "subdomain", "local_host", "local_port", "protocol", "created_at",
        "public_url", NULL};
    pc_assert_keys(b, keys);
    ck_assert_str_eq(pc_s(b, "fleet_id"), PC_FLEET);
    ck_assert_str_eq(pc_s(b, "local_host"), "127.0.0.1");
    ck_assert_str_eq(pc_s(b, "protocol"), "http");
    ck_assert_int_eq(pc_i(b, "local_port"), 3000);
    const char *sub = pc_s(b, "subdomain");
    ck_assert_int_gt(strlen(sub), 0);
    char url[128];
    snprintf(url, sizeof url, "https://%s.tunnels.localhost", sub);
    ck_assert_str_eq(pc_s(b, "public_url"), url);

    char path[128];
    snprintf(path, sizeof path, "/api/tunnels/%s", pc_s(b, "tunnel_id"));
    ck_assert_int_eq(pc_relay("GET", path, NULL, &g), 200);
    ck_assert_str_eq(pc_s(g, "subdomain"), sub);
    ck_assert_int_eq(pc_relay("GET", "/api/tunnels?page=2&per_page=1", NULL, &l), 200);
    ck_assert_int_eq(pc_i(l, "total"), 2);
    ck_assert_int_eq(pc_i(l, "page"), 2);
    ck_assert(json_is_false(json_object_get(l, "has_next")));
    ck_assert(json_is_true(json_object_get(l, "has_prev")));
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(l, "items"), 0), "tunnel_id"),
                     pc_s(b, "tunnel_id"));
    json_decref(b);
    json_decref(g);
    json_decref(l);
}
END_TEST

START_TEST(open_explicit_tcp_and_conflict)
{
    json_t *b;
    long st = pc_relay("POST", "/api/tunnels",
        "{\"session_id\":\"s-echo\",\"local_port\":5432,\"protocol\":\"tcp\","
        "\"local_host\":\"db.local\",\"subdomain\":\"pg-1\","
        "\"options\":{\"auth\":\"none\"}}", &b);
    ck_assert_int_eq(st, 201);
    ck_assert_str_eq(pc_s(b, "public_url"), "tcp://pg-1.tunnels.localhost:5432");
    ck_assert_str_eq(pc_s(b, "local_host"), "db.local");
    json_decref(b);
    st = pc_relay("POST", "/api/tunnels",
                  "{\"session_id\":\"s-alpha\",\"local_port\":80,\"subdomain\":\"alpha-web\"}", &b);
    pc_assert_error(st, b, 409, "conflict", NULL);
    json_decref(b);
    st = pc_relay("POST", "/api/tunnels",
                  "{\"session_id\":\"s-nope\",\"local_port\":80}", &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
}
END_TEST

START_TEST(open_validation)
{
    static const struct { const char *body, *field; } cases[] = {
        {"{\"local_port\":80}", "session_id"},
        {"{\"session_id\":\"\",\"local_port\":80}", "session_id"},
        {"{\"session_id\":\"s-alpha\"}", "local_port"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":0}", "local_port"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":65536}", "local_port"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":\"80\"}", "local_port"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"protocol\":\"ftp\"}", "protocol"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"local_host\":\"\"}", "local_host"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"subdomain\":\"-bad\"}", "subdomain"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"subdomain\":\"Upper\"}", "subdomain"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"options\":{\"a\":1}}", "options"},
        {"{\"session_id\":\"s-alpha\",\"local_port\":80,\"options\":[]}", "options"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b;
        long st = pc_relay("POST", "/api/tunnels", cases[i].body, &b);
        pc_assert_error(st, b, 422, "validation", cases[i].field);
        json_decref(b);
    }
}
END_TEST

START_TEST(close_is_idempotent)
{
    const char *p = "/api/tunnels/40000000-0000-4000-8000-000000000001";
    json_t *b;
    ck_assert_int_eq(pc_relay("DELETE", p, NULL, &b), 204);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(pc_relay("DELETE", p, NULL, &b), 204);
    ck_assert_int_eq(pc_relay("GET", p, NULL, &b), 404);
    json_decref(b);
    long st = pc_relay("DELETE", "/api/tunnels/nope", NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
    ck_assert_int_eq(pc_relay("GET", "/api/tunnels", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "total"), 0);
    json_decref(b);
    /* the freed subdomain can be taken again */
    ck_assert_int_eq(pc_relay("POST", "/api/tunnels",
        "{\"session_id\":\"s-alpha\",\"local_port\":80,\"subdomain\":\"alpha-web\"}", &b), 201);
    json_decref(b);
}
END_TEST

START_TEST(tunnels_wrong_plane_credential)
{
    json_t *b;
    long st = pc_http("GET", "/api/tunnels", "X-Api-Key: " PC_KEY, NULL, &b, NULL);
    pc_assert_error(st, b, 401, "auth", NULL);
    json_decref(b);
}
END_TEST

/* ---- schedules ---------------------------------------------------------- */

START_TEST(schedule_list_get_seeded)
{
    json_t *l, *g;
    ck_assert_int_eq(pc_relay("GET", SCHED, NULL, &l), 200);
    ck_assert_int_eq(pc_i(l, "total"), 1);
    ck_assert_int_eq(pc_relay("GET", SEEDED, NULL, &g), 200);
    static const char *const keys[] = {"id", "fleet_id", "name", "description",
        "cron_expr", "timezone", "command", "target_kind", "is_enabled",
        "machine_ids", "created_at", "updated_at", "last_run_at",
        "next_run_at", "last_status", NULL};
    pc_assert_keys(g, keys);
    ck_assert_str_eq(pc_s(g, "target_kind"), "all_fleet_machines");
    /* the wire enum is pending|running|completed|failed */
    ck_assert_str_eq(pc_s(g, "last_status"), "completed");
    /* "0 3 * * *": the next run is at 03:00:00 UTC */
    ck_assert_ptr_nonnull(strstr(pc_s(g, "next_run_at"), "T03:00:00Z"));
    json_decref(l);
    json_decref(g);
}
END_TEST

START_TEST(schedule_unknown_fleet_and_id)
{
    json_t *b;
    long st = pc_relay("GET", "/api/fleets/10000000-0000-4000-8000-00000000dead/schedules", NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
    st = pc_relay("GET", SCHED "/nope", NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
    st = pc_relay("DELETE", SCHED "/nope", NULL, &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);
}
END_TEST

START_TEST(runs_newest_first_cursor)
{
    json_t *a, *b;
    ck_assert_int_eq(pc_relay("GET", SEEDED "/runs", NULL, &a), 200);
    json_t *items = json_object_get(a, "items");
    ck_assert_int_eq(json_array_size(items), 3);
    ck_assert_ptr_null(json_object_get(a, "has_more"));
    ck_assert(json_is_null(json_object_get(a, "next_cursor")));   /* present */
    ck_assert_str_eq(pc_s(json_array_get(items, 0), "id"),
                     "61000000-0000-4000-8000-000000000003");
    ck_assert_str_eq(pc_s(json_array_get(items, 1), "status"), "failed");
    ck_assert_str_eq(pc_s(json_array_get(items, 0), "status"), "completed");
    static const char *const keys[] = {"id", "schedule_id", "fleet_id",
        "status", "started_at", "finished_at", "duration_seconds", "error",
        "command_count", NULL};
    pc_assert_keys(json_array_get(items, 0), keys);
    json_decref(a);

    ck_assert_int_eq(pc_relay("GET", SEEDED "/runs?limit=2", NULL, &a), 200);
    ck_assert_int_eq(json_array_size(json_object_get(a, "items")), 2);
    const char *cur = pc_s(a, "next_cursor");
    ck_assert_ptr_nonnull(cur);
    char path[512];
    snprintf(path, sizeof path, SEEDED "/runs?limit=2&cursor=%s", cur);
    ck_assert_int_eq(pc_relay("GET", path, NULL, &b), 200);
    ck_assert_int_eq(json_array_size(json_object_get(b, "items")), 1);
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(b, "items"), 0), "id"),
                     "61000000-0000-4000-8000-000000000001");
    ck_assert(json_is_null(json_object_get(b, "next_cursor")));
    json_decref(a);
    json_decref(b);

    long st = pc_relay("GET", SEEDED "/runs?limit=201", NULL, &a);
    pc_assert_error(st, a, 422, "validation", "limit");
    json_decref(a);
    st = pc_relay("GET", SEEDED "/runs?cursor=made-up", NULL, &a);
    pc_assert_error(st, a, 422, "validation", "cursor");
    json_decref(a);
}
END_TEST

START_TEST(create_defaults_and_rules)
{
    json_t *b;
    long st = pc_relay("POST", SCHED,
        "{\"name\":\"Every 15\",\"cron_expr\":\"*/15 * * * *\",\"command\":\"uptime\"}", &b);
    ck_assert_int_eq(st, 201);
    ck_assert_str_eq(pc_s(b, "timezone"), "UTC");
    ck_assert_str_eq(pc_s(b, "description"), "");
    ck_assert_str_eq(pc_s(b, "target_kind"), "all_fleet_machines");
    ck_assert(json_is_true(json_object_get(b, "is_enabled")));
    ck_assert_int_eq(json_array_size(json_object_get(b, "machine_ids")), 0);
    ck_assert_str_eq(pc_s(b, "fleet_id"), PC_FLEET);
    ck_assert_ptr_nonnull(pc_s(b, "next_run_at"));
    ck_assert_ptr_null(json_object_get(b, "last_status"));
    json_decref(b);
    ck_assert_int_eq(pc_relay("GET", SCHED, NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "total"), 2);
    json_decref(b);

    static const struct { const char *body, *field; } cases[] = {
        {"{\"cron_expr\":\"0 3 * * *\",\"command\":\"x\"}", "name"},
        {"{\"name\":\"n\",\"command\":\"x\"}", "cron_expr"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * *\",\"command\":\"x\"}", "cron_expr"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * * *\",\"command\":\"x\"}", "cron_expr"},
        {"{\"name\":\"n\",\"cron_expr\":\"99 3 * * *\",\"command\":\"x\"}", "cron_expr"},
        {"{\"name\":\"n\",\"cron_expr\":\"* *\",\"command\":\"x\"}", "cron_expr"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\"}", "command"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"x\",\"timezone\":\"\"}", "timezone"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"x\",\"target_kind\":\"some\"}", "target_kind"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"x\",\"is_enabled\":1}", "is_enabled"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"x\",\"machine_ids\":[1]}", "machine_ids"},
        {"{\"name\":\"n\",\"cron_expr\":\"0 3 * * *\",\"command\":\"x\",\"target_kind\":\"specific_machines\"}", "machine_ids"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st = pc_relay("POST", SCHED, cases[i].body, &b);
        pc_assert_error(st, b, 422, "validation", cases[i].field);
        json_decref(b);
    }
}
END_TEST

START_TEST(update_only_passed_fields)
{
    json_t *before, *b;
    ck_assert_int_eq(pc_relay("GET", SEEDED, NULL, &before), 200);
    ck_assert_int_eq(pc_relay("PATCH", SEEDED, "{\"name\":\"Renamed\",\"is_enabled\":false}", &b), 200);
    ck_assert_str_eq(pc_s(b, "name"), "Renamed");
    ck_assert(json_is_false(json_object_get(b, "is_enabled")));
    ck_assert_str_eq(pc_s(b, "cron_expr"), pc_s(before, "cron_expr"));
    ck_assert_str_eq(pc_s(b, "command"), pc_s(before, "command"));
    /* a disabled schedule has no next run */
    ck_assert_ptr_null(json_object_get(b, "next_run_at"));
    json_decref(b);

    long st = pc_relay("PATCH", SEEDED, "{\"target_kind\":\"specific_machines\"}", &b);
    pc_assert_error(st, b, 422, "validation", "machine_ids");
    json_decref(b);
    st = pc_relay("PATCH", SEEDED, "{\"cron_expr\":\"0 25 * * *\"}", &b);
    pc_assert_error(st, b, 422, "validation", "cron_expr");
    json_decref(b);
    /* nothing of the rejected updates stuck */
    ck_assert_int_eq(pc_relay("GET", SEEDED, NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "target_kind"), "all_fleet_machines");
    ck_assert_str_eq(pc_s(b, "cron_expr"), "0 3 * * *");
    json_decref(b);

    ck_assert_int_eq(pc_relay("PATCH", SEEDED,
        "{\"target_kind\":\"specific_machines\",\"machine_ids\":[\"" PC_ALPHA "\"]}", &b), 200);
    ck_assert_int_eq(json_array_size(json_object_get(b, "machine_ids")), 1);
    json_decref(b);
    json_decref(before);
}
END_TEST

START_TEST(trigger_appends_pending_run)
{
    json_t *t, *runs, *s;
    /* 202 Accepted: the official decoder rejects 200 and 201 */
    ck_assert_int_eq(pc_relay("POST", SEEDED "/run", NULL, &t), 202);
    ck_assert(json_is_true(json_object_get(t, "queued")));
    const char *job = pc_s(t, "job_id");
    ck_assert_ptr_nonnull(job);
    ck_assert_int_eq(pc_relay("GET", SEEDED "/runs", NULL, &runs), 200);
    json_t *items = json_object_get(runs, "items");
    ck_assert_int_eq(json_array_size(items), 4);
    json_t *first = json_array_get(items, 0);
    ck_assert_str_eq(pc_s(first, "id"), job);
    ck_assert_str_eq(pc_s(first, "status"), "pending");
    /* required and nullable: present as null on a pending run */
    ck_assert(json_is_null(json_object_get(first, "finished_at")));
    ck_assert(json_is_null(json_object_get(first, "duration_seconds")));
    /* all_fleet_machines: one command per machine of the fleet */
    ck_assert_int_eq(pc_i(first, "command_count"), 5);
    ck_assert_int_eq(pc_relay("GET", SEEDED, NULL, &s), 200);
    ck_assert_str_eq(pc_s(s, "last_status"), "pending");
    json_decref(t);
    json_decref(runs);
    json_decref(s);
}
END_TEST

START_TEST(delete_is_real)
{
    json_t *b;
    ck_assert_int_eq(pc_relay("DELETE", SEEDED, NULL, &b), 204);
    ck_assert_int_eq(pc_relay("GET", SEEDED, NULL, &b), 404);
    json_decref(b);
    ck_assert_int_eq(pc_relay("GET", SEEDED "/runs", NULL, &b), 404);
    json_decref(b);
    ck_assert_int_eq(pc_relay("DELETE", SEEDED, NULL, &b), 404);
    json_decref(b);
    ck_assert_int_eq(pc_relay("GET", SCHED, NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "total"), 0);
    json_decref(b);
}
END_TEST

/* ---- cron --------------------------------------------------------------- */

static time_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return timegm(&tm);
}

START_TEST(cron_next_runs)
{
    relay_cron c;
    char why[64];
    time_t t0 = utc(2026, 1, 14, 10, 7); /* a Wednesday */
    ck_assert_int_eq(relay_cron_parse(&c, "*/15 * * * *", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, t0), utc(2026, 1, 14, 10, 15));
    ck_assert_int_eq(relay_cron_parse(&c, "0 3 * * *", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, t0), utc(2026, 1, 15, 3, 0));
    ck_assert_int_eq(relay_cron_parse(&c, "30 9 * * 7", why), 0); /* Sunday */
    ck_assert_int_eq(relay_cron_next(&c, t0), utc(2026, 1, 18, 9, 30));
    ck_assert_int_eq(relay_cron_parse(&c, "0 0 1 3 *", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, t0), utc(2026, 3, 1, 0, 0));
    /* both day fields restricted: either matches (Friday the 16th first) */
    ck_assert_int_eq(relay_cron_parse(&c, "0 12 20 * 5", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, t0), utc(2026, 1, 16, 12, 0));
    ck_assert_int_eq(relay_cron_parse(&c, "5,10-12 8 * * 1-5", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, utc(2026, 1, 14, 8, 6)),
                     utc(2026, 1, 14, 8, 10));
    /* a date that never comes */
    ck_assert_int_eq(relay_cron_parse(&c, "0 0 30 2 *", why), 0);
    ck_assert_int_eq(relay_cron_next(&c, t0), 0);
}
END_TEST

START_TEST(cron_rejects)
{
    static const char *const bad[] = {"", "* * * *", "* * * * * *", "60 * * * *",
        "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "5-1 * * * *",
        "*/0 * * * *", "1,,2 * * * *", "1, * * * *", "a * * * *",
        "@daily", "* * * JAN *", NULL};
    relay_cron c;
    char why[64];
    for (size_t i = 0; bad[i]; i++)
        ck_assert_msg(relay_cron_parse(&c, bad[i], why) == -1, "accepted '%s'",
                      bad[i]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tunnels_schedules");
    TCase *t = tcase_create("tunnels");
    tcase_add_checked_fixture(t, pc_start, pc_stop);
    tcase_add_test(t, sessions_listed_not_taken_as_tunnel_id);
    tcase_add_test(t, open_defaults_get_list);
    tcase_add_test(t, open_explicit_tcp_and_conflict);
    tcase_add_test(t, open_validation);
    tcase_add_test(t, close_is_idempotent);
    tcase_add_test(t, tunnels_wrong_plane_credential);
    suite_add_tcase(s, t);
    TCase *sc = tcase_create("schedules");
    tcase_add_checked_fixture(sc, pc_start, pc_stop);
    tcase_add_test(sc, schedule_list_get_seeded);
    tcase_add_test(sc, schedule_unknown_fleet_and_id);
    tcase_add_test(sc, runs_newest_first_cursor);
    tcase_add_test(sc, create_defaults_and_rules);
    tcase_add_test(sc, update_only_passed_fields);
    tcase_add_test(sc, trigger_appends_pending_run);
    tcase_add_test(sc, delete_is_real);
    suite_add_tcase(s, sc);
    TCase *c = tcase_create("cron");
    tcase_add_test(c, cron_next_runs);
    tcase_add_test(c, cron_rejects);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    return pc_run(suite());
}
