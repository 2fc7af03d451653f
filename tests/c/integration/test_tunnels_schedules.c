/*
 * test_tunnels_schedules.c — tunnels.* and schedules.* against the real
 * local relay, with the server-only rules (cron fields, specific_machines
 * without machine_ids) answered 422 and their client-side siblings caught
 * before the network.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(tunnels_sessions_list_get)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_session_list *s = NULL;
    ck_assert_int_eq(cmdop_tunnels_sessions(&s, c), 0);
    ck_assert_uint_eq(s->items_count, 3);
    ck_assert_str_eq(s->items[0]->session_id, "s-alpha");
    ck_assert_str_eq(s->items[0]->machine_id, IT_M_ALPHA);
    ck_assert_str_eq(s->items[0]->label, "alpha (linux)");
    ck_assert_str_eq(s->items[2]->hostname, "echo");
    ck_assert_str_eq(s->items[2]->status, "connected");
    cmdop_session_list_free(s);
    {
        /* the api key is not a relay credential */
        cmdop_client *w = it_client(IT_SWAPPED, NULL);
        s = NULL;
        IT_ERR(cmdop_tunnels_sessions(&s, w), CMDOP_EAUTH, "auth", 401);
        ck_assert_ptr_null(s);
        cmdop_client_free(w);
    }

    cmdop_tunnel_list *l = NULL;
    ck_assert_int_eq(cmdop_tunnels_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_int_eq(l->total, 1);
    ck_assert_str_eq(l->items[0]->tunnel_id, IT_TUNNEL);
    ck_assert_str_eq(l->items[0]->subdomain, "alpha-web");
    ck_assert_int_eq(l->items[0]->local_port, 8080);
    cmdop_tunnel_list_free(l);

    cmdop_tunnel_view *t = NULL;
    ck_assert_int_eq(cmdop_tunnels_get(&t, c, IT_TUNNEL), 0);
    ck_assert_str_eq(t->session_id, "s-alpha");
    ck_assert_str_eq(t->fleet_id, IT_FLEET);
    ck_assert_str_eq(t->public_url, "https://alpha-web.tunnels.localhost");
    cmdop_tunnel_view_free(t);
    t = NULL;
    IT_ERR(cmdop_tunnels_get(&t, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(t);

    it_clear_recording();
    cmdop_tunnels_list_params lp = CMDOP_TUNNELS_LIST_PARAMS_INIT;
    lp.has_per_page = true;
    lp.per_page = 0;
    IT_LOCAL_VALIDATION(cmdop_tunnels_list(&l, c, &lp), "per_page");
    cmdop_client_free(c);
}
END_TEST

START_TEST(tunnels_open_close)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_tunnel_view *t = NULL;
    cmdop_string_map opts = {0};
    char *keys[] = {"auth"};
    char *vals[] = {"basic"};
    opts.count = 1;
    opts.keys = keys;
    opts.values = vals;
    cmdop_tunnels_open_params p = CMDOP_TUNNELS_OPEN_PARAMS_INIT;
    p.session_id = "s-bravo";
    p.has_local_port = true;
    p.local_port = 5432;
    p.protocol = "tcp";
    p.subdomain = "bravo-db";
    p.options = &opts;
    ck_assert_int_eq(cmdop_tunnels_open(&t, c, &p), 0);
    ck_assert_str_eq(t->session_id, "s-bravo");
    ck_assert_str_eq(t->protocol, "tcp");
    ck_assert_str_eq(t->local_host, "127.0.0.1"); /* the default, sent */
    ck_assert_int_eq(t->local_port, 5432);
    ck_assert_str_eq(t->public_url, "tcp://bravo-db.tunnels.localhost:5432");
    char *id = strdup(t->tunnel_id);
    cmdop_tunnel_view_free(t);

    t = NULL;
    IT_ERR(cmdop_tunnels_open(&t, c, &p), CMDOP_ECONFLICT, "conflict", 409); /* subdomain */
    p.subdomain = NULL;
    p.session_id = "s-nowhere";
    IT_ERR(cmdop_tunnels_open(&t, c, &p), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(t);

    ck_assert_int_eq(cmdop_tunnels_close(c, id), 0);
    ck_assert_int_eq(cmdop_tunnels_close(c, id), 0); /* idempotent */
    IT_ERR(cmdop_tunnels_get(&t, c, id), CMDOP_ENOTFOUND, "not_found", 404);
    IT_ERR(cmdop_tunnels_close(c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);

    it_clear_recording();
    p.session_id = "s-bravo";
    p.local_port = 0;
    IT_LOCAL_VALIDATION(cmdop_tunnels_open(&t, c, &p), "local_port");
    p.local_port = 65536;
    IT_LOCAL_VALIDATION(cmdop_tunnels_open(&t, c, &p), "local_port");
    p.local_port = 80;
    p.protocol = "udp";
    IT_LOCAL_VALIDATION(cmdop_tunnels_open(&t, c, &p), "protocol");
    p.protocol = NULL;
    p.subdomain = "Bad_Sub";
    IT_LOCAL_VALIDATION(cmdop_tunnels_open(&t, c, &p), "subdomain");
    p.subdomain = NULL;
    p.has_local_port = false;
    IT_LOCAL_VALIDATION(cmdop_tunnels_open(&t, c, &p), "local_port");
    free(id);
    cmdop_client_free(c);
}
END_TEST

START_TEST(schedules_list_get_runs)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_schedule_list *l = NULL;
    ck_assert_int_eq(cmdop_schedules_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_str_eq(l->items[0]->id, IT_SCHEDULE);
    ck_assert_str_eq(l->items[0]->name, "Nightly backup");
    ck_assert_str_eq(l->items[0]->cron_expr, "0 3 * * *");
    ck_assert_int_eq(l->items[0]->target_kind, CMDOP_SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES);
    ck_assert(l->items[0]->is_enabled);
    ck_assert(l->items[0]->has_last_status);
    ck_assert_int_eq(l->items[0]->last_status, CMDOP_SCHEDULE_RUN_STATUS_SUCCESS);
    ck_assert_ptr_nonnull(l->items[0]->next_run_at);
    cmdop_schedule_list_free(l);

    cmdop_schedule_view *v = NULL;
    ck_assert_int_eq(cmdop_schedules_get(&v, c, IT_SCHEDULE, NULL), 0);
    ck_assert_str_eq(v->command, "tar czf /tmp/backup.tgz /srv");
    ck_assert_str_eq(v->timezone, "UTC");
    ck_assert_uint_eq(v->machine_ids_count, 0);
    cmdop_schedule_view_free(v);
    v = NULL;
    IT_ERR(cmdop_schedules_get(&v, c, IT_UNKNOWN, NULL), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(v);

    cmdop_schedule_run_list *r = NULL;
    ck_assert_int_eq(cmdop_schedules_runs(&r, c, IT_SCHEDULE, NULL), 0);
    ck_assert_uint_eq(r->items_count, 3);
    /* newest first */
    ck_assert_str_eq(r->items[0]->id, "61000000-0000-4000-8000-000000000003");
    ck_assert_str_eq(r->items[1]->error, "delta: machine offline");
    ck_assert_int_eq(r->items[1]->status, CMDOP_SCHEDULE_RUN_STATUS_FAILED);
    ck_assert(r->items[1]->has_duration_seconds);
    ck_assert_double_eq_tol(r->items[1]->duration_seconds, 12.5, 1e-9);
    ck_assert_int_eq(r->items[0]->command_count, 5);
    ck_assert_ptr_null(r->next_cursor);
    cmdop_schedule_run_list_free(r);
    r = NULL;
    IT_ERR(cmdop_schedules_runs(&r, c, IT_UNKNOWN, NULL), CMDOP_ENOTFOUND, "not_found", 404);

    it_clear_recording();
    cmdop_schedules_runs_params rp = CMDOP_SCHEDULES_RUNS_PARAMS_INIT;
    rp.has_limit = true;
    rp.limit = 0;
    IT_LOCAL_VALIDATION(cmdop_schedules_runs(&r, c, IT_SCHEDULE, &rp), "limit");
    ck_assert_ptr_null(r);
    cmdop_client_free(c);
}
END_TEST

START_TEST(schedules_create_update_trigger_delete)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    const char *mids[] = {IT_M_ALPHA, IT_M_BRAVO};
    cmdop_schedule_view *v = NULL;
    cmdop_schedules_create_params p = CMDOP_SCHEDULES_CREATE_PARAMS_INIT;
    p.name = "Hourly uptime";
    p.cron_expr = "15 * * * *";
    p.command = "uptime";
    p.target_kind = CMDOP_SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES;
    p.has_machine_ids = true;
    p.machine_ids = mids;
    p.machine_ids_count = 2;
    ck_assert_int_eq(cmdop_schedules_create(&v, c, &p), 0);
    ck_assert_str_eq(v->name, "Hourly uptime");
    ck_assert_str_eq(v->fleet_id, IT_FLEET);
    ck_assert_str_eq(v->timezone, "UTC");   /* default */
    ck_assert_str_eq(v->description, "");   /* default */
    ck_assert(v->is_enabled);               /* default */
    ck_assert_int_eq(v->target_kind, CMDOP_SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES);
    ck_assert_uint_eq(v->machine_ids_count, 2);
    ck_assert_str_eq(v->machine_ids[1], IT_M_BRAVO);
    ck_assert_ptr_nonnull(v->next_run_at);
    char *id = strdup(v->id);
    cmdop_schedule_view_free(v);

    cmdop_schedules_update_params up = CMDOP_SCHEDULES_UPDATE_PARAMS_INIT;
    up.name = "Hourly uptime (off)";
    up.has_is_enabled = true;
    up.is_enabled = false;
    ck_assert_int_eq(cmdop_schedules_update(&v, c, id, &up), 0);
    ck_assert_str_eq(v->name, "Hourly uptime (off)");
    ck_assert(!v->is_enabled);
    ck_assert_ptr_null(v->next_run_at); /* disabled: never runs */
    ck_assert_str_eq(v->cron_expr, "15 * * * *"); /* untouched */
    cmdop_schedule_view_free(v);
    v = NULL;
    IT_ERR(cmdop_schedules_update(&v, c, IT_UNKNOWN, &up), CMDOP_ENOTFOUND, "not_found", 404);

    cmdop_manual_trigger_response *tr = NULL;
    ck_assert_int_eq(cmdop_schedules_trigger(&tr, c, id, NULL), 0);
    ck_assert(tr->queued);
    char *job = strdup(tr->job_id);
    cmdop_manual_trigger_response_free(tr);
    cmdop_schedule_run_list *r = NULL;
    ck_assert_int_eq(cmdop_schedules_runs(&r, c, id, NULL), 0);
    ck_assert_uint_eq(r->items_count, 1);
    ck_assert_str_eq(r->items[0]->id, job);
    ck_assert_int_eq(r->items[0]->status, CMDOP_SCHEDULE_RUN_STATUS_PENDING);
    ck_assert_int_eq(r->items[0]->command_count, 2);
    cmdop_schedule_run_list_free(r);
    tr = NULL;
    IT_ERR(cmdop_schedules_trigger(&tr, c, IT_UNKNOWN, NULL), CMDOP_ENOTFOUND, "not_found",
           404);
    ck_assert_ptr_null(tr);

    ck_assert_int_eq(cmdop_schedules_delete(c, id, NULL), 0);
    IT_ERR(cmdop_schedules_delete(c, id, NULL), CMDOP_ENOTFOUND, "not_found", 404);
    free(job);
    free(id);
    cmdop_client_free(c);
}
END_TEST

/* Rules only the relay checks: 422 with the field. */
START_TEST(schedules_server_rules_are_422)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_schedule_view *v = NULL;
    cmdop_schedules_create_params p = CMDOP_SCHEDULES_CREATE_PARAMS_INIT;
    p.name = "bad";
    p.command = "true";
    p.cron_expr = "61 * * * *"; /* 5 fields, 10 bytes: passes the IDL, minute out of range */
    IT_ERR_FIELD(cmdop_schedules_create(&v, c, &p), CMDOP_EVALIDATION, "validation", 422,
                 "cron_expr");
    p.cron_expr = "0 3 * * * *"; /* six fields */
    IT_ERR_FIELD(cmdop_schedules_create(&v, c, &p), CMDOP_EVALIDATION, "validation", 422,
                 "cron_expr");
    p.cron_expr = "0 3 * * *";
    p.target_kind = CMDOP_SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES;
    IT_ERR_FIELD(cmdop_schedules_create(&v, c, &p), CMDOP_EVALIDATION, "validation", 422,
                 "machine_ids");
    ck_assert_ptr_null(v);

    /* an update is checked on the merged record and changes nothing */
    cmdop_schedules_update_params up = CMDOP_SCHEDULES_UPDATE_PARAMS_INIT;
    up.target_kind = CMDOP_SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES;
    IT_ERR_FIELD(cmdop_schedules_update(&v, c, IT_SCHEDULE, &up), CMDOP_EVALIDATION,
                 "validation", 422, "machine_ids");
    ck_assert_int_eq(cmdop_schedules_get(&v, c, IT_SCHEDULE, NULL), 0);
    ck_assert_int_eq(v->target_kind, CMDOP_SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES);
    cmdop_schedule_view_free(v);
    ck_assert_uint_eq(it_request_count(), 5);
    cmdop_client_free(c);
}
END_TEST

START_TEST(schedules_rules_before_the_network)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_schedule_view *v = NULL;
    cmdop_schedules_create_params p = CMDOP_SCHEDULES_CREATE_PARAMS_INIT;
    p.name = "x";
    p.command = "true";
    IT_LOCAL_VALIDATION(cmdop_schedules_create(&v, c, &p), "cron_expr"); /* required */
    p.cron_expr = "* * * *"; /* 7 bytes < 9 */
    IT_LOCAL_VALIDATION(cmdop_schedules_create(&v, c, &p), "cron_expr");
    p.cron_expr = "0 3 * * *";
    p.timezone = "";
    IT_LOCAL_VALIDATION(cmdop_schedules_create(&v, c, &p), "timezone");
    p.timezone = NULL;
    p.target_kind = (cmdop_schedule_target_kind)7;
    IT_LOCAL_VALIDATION(cmdop_schedules_create(&v, c, &p), "target_kind");
    p.target_kind = CMDOP_SCHEDULE_TARGET_KIND_UNSPECIFIED;
    p.command = "";
    IT_LOCAL_VALIDATION(cmdop_schedules_create(&v, c, &p), "command");
    cmdop_schedules_update_params up = CMDOP_SCHEDULES_UPDATE_PARAMS_INIT;
    up.name = "";
    IT_LOCAL_VALIDATION(cmdop_schedules_update(&v, c, IT_SCHEDULE, &up), "name");
    ck_assert_ptr_null(v);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_tunnels_schedules");
    TCase *tc = tcase_create("tunnels_schedules");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, tunnels_sessions_list_get);
    tcase_add_test(tc, tunnels_open_close);
    tcase_add_test(tc, schedules_list_get_runs);
    tcase_add_test(tc, schedules_create_update_trigger_delete);
    tcase_add_test(tc, schedules_server_rules_are_422);
    tcase_add_test(tc, schedules_rules_before_the_network);
    suite_add_tcase(s, tc);
    return it_run(s);
}
