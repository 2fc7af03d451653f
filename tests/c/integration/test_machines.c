/*
 * test_machines.c — machines.* typed functions against the real local relay:
 * seeded values mapped into the C structs, and every op's error path.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(list_maps_the_seed_in_order)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_list *l = NULL;
    ck_assert_int_eq(cmdop_machines_list(&l, c, NULL), 0);
    ck_assert_uint_eq(l->items_count, 5);
    const char *names[] = {"alpha", "bravo", "charlie", "delta", "echo"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(l->items[i]->name, names[i]);
    ck_assert_str_eq(l->items[0]->id, IT_M_ALPHA);
    ck_assert_str_eq(l->items[0]->os, "linux");
    ck_assert_str_eq(l->items[0]->os_version, "Ubuntu 24.04");
    ck_assert_str_eq(l->items[0]->presence, "online");
    ck_assert_str_eq(l->items[3]->presence, "offline");
    ck_assert_ptr_nonnull(l->items[0]->specs);
    ck_assert_int_eq(l->items[0]->specs->cpu_count, 16);
    ck_assert(l->items[0]->specs->total_ram_bytes == 68719476736LL);
    ck_assert(l->items[0]->is_jarvis);
    ck_assert_uint_eq(l->items[0]->fleets_count, 1);
    ck_assert_str_eq(l->items[0]->fleets[0]->fleet_id, IT_FLEET);
    ck_assert_str_eq(l->items[0]->fleets[0]->slug, "default");
    ck_assert_ptr_null(l->next_cursor);
    ck_assert(!l->has_more);
    cmdop_machine_list_free(l);

    /* presence and q are sent and applied by the relay */
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.presence = "offline";
    ck_assert_int_eq(cmdop_machines_list(&l, c, &p), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_str_eq(l->items[0]->id, IT_M_DELTA);
    cmdop_machine_list_free(l);
    p.presence = NULL;
    p.q = "ECH";
    ck_assert_int_eq(cmdop_machines_list(&l, c, &p), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_str_eq(l->items[0]->name, "echo");
    cmdop_machine_list_free(l);
    cmdop_client_free(c);
}
END_TEST

START_TEST(list_errors)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_list *l = NULL;
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;

    it_clear_recording();
    p.has_limit = true;
    p.limit = 0;
    IT_LOCAL_VALIDATION(cmdop_machines_list(&l, c, &p), "limit");
    ck_assert_ptr_null(l);
    p.limit = 201;
    IT_LOCAL_VALIDATION(cmdop_machines_list(&l, c, &p), "limit");
    p.has_limit = false;
    p.presence = "busy";
    IT_LOCAL_VALIDATION(cmdop_machines_list(&l, c, &p), "presence");

    /* a cursor the relay never issued: only the server can tell */
    p.presence = NULL;
    p.cursor = "c2.forged";
    IT_ERR_FIELD(cmdop_machines_list(&l, c, &p), CMDOP_EVALIDATION, "validation", 422,
                 "cursor");
    ck_assert_ptr_null(l);
    ck_assert_uint_eq(it_request_count(), 1);
    cmdop_client_free(c);
}
END_TEST

START_TEST(get_maps_detail)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_detail *d = NULL;
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_ALPHA), 0);
    ck_assert_ptr_nonnull(d->summary);
    ck_assert_str_eq(d->summary->id, IT_M_ALPHA);
    ck_assert_str_eq(d->summary->hostname, "alpha");
    ck_assert_str_eq(d->summary->public_key_fingerprint, "SHA256:ALPH1111");
    ck_assert(!d->is_root);
    ck_assert_str_eq(d->username, "ops");
    ck_assert_str_eq(d->device_id, "dev-alpha");
    ck_assert_int_eq(d->public_key_version, 1);
    ck_assert_str_eq(d->created_by_id, IT_USER_OWNER);
    ck_assert_ptr_nonnull(d->live_metrics);
    ck_assert_double_eq_tol(d->live_metrics->cpu_usage, 10.5, 1e-9);
    ck_assert_int_eq(d->live_metrics->process_count, 210);
    ck_assert(d->live_metrics->uptime_seconds == 90000);
    cmdop_machine_detail_free(d);

    d = NULL;
    IT_ERR(cmdop_machines_get(&d, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(d);
    cmdop_client_free(c);
}
END_TEST

START_TEST(update_renames)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_summary *s = NULL;
    cmdop_machines_update_params p = CMDOP_MACHINES_UPDATE_PARAMS_INIT;
    p.name = "bravo-renamed";
    ck_assert_int_eq(cmdop_machines_update(&s, c, IT_M_BRAVO, &p), 0);
    ck_assert_str_eq(s->id, IT_M_BRAVO);
    ck_assert_str_eq(s->name, "bravo-renamed");
    ck_assert_str_eq(s->hostname, "bravo");
    cmdop_machine_summary_free(s);

    cmdop_machine_detail *d = NULL;
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_BRAVO), 0);
    ck_assert_str_eq(d->summary->name, "bravo-renamed");
    cmdop_machine_detail_free(d);

    /* the PATCH carried only the passed field */
    json_t *reqs = it_requests();
    json_t *patch = json_array_get(reqs, 0);
    ck_assert_str_eq(json_string_value(json_object_get(patch, "method")), "PATCH");
    ck_assert_uint_eq(json_object_size(json_object_get(patch, "body")), 1);
    json_decref(reqs);

    /* "" is sent as is and leaves the name (1.1.1 sends "" for no name) */
    it_clear_recording();
    p.name = "";
    ck_assert_int_eq(cmdop_machines_update(&s, c, IT_M_BRAVO, &p), 0);
    ck_assert_str_ne(s->name, "");
    cmdop_machine_summary_free(s);
    s = NULL;
    json_t *sent = it_requests();
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(sent, 0), "body"), "name")), "");
    json_decref(sent);
    p.name = "x";
    IT_ERR(cmdop_machines_update(&s, c, IT_UNKNOWN, &p), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(disable_is_soft)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_detail *d = NULL;
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_ECHO), 0);
    ck_assert_ptr_null(d->summary->disabled_at);
    cmdop_machine_detail_free(d);

    ck_assert_int_eq(cmdop_machines_disable(c, IT_M_ECHO), 0);
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_ECHO), 0);
    ck_assert_ptr_nonnull(d->summary->disabled_at);
    cmdop_machine_detail_free(d);

    IT_ERR(cmdop_machines_disable(c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    cmdop_client_free(c);
}
END_TEST

START_TEST(info_maps_every_part)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_info_response *i = NULL;
    ck_assert_int_eq(cmdop_machines_info(&i, c, IT_M_ALPHA), 0);
    ck_assert_str_eq(i->identity->kernel_version, "6.8.0-45-generic");
    ck_assert_int_eq(i->hardware->cpu_cores, 16);
    ck_assert_str_eq(i->hardware->gpu, "none");
    ck_assert_ptr_nonnull(i->live_state);
    ck_assert_double_eq_tol(i->live_state->memory_free_gb, 41.6, 1e-9);
    ck_assert(!i->live_state->stale);
    ck_assert_int_eq(i->session->tunnel_count_active, 1);
    ck_assert_str_eq(i->session->token_expires_at, "2026-12-24T08:00:00Z");
    ck_assert_str_eq(i->presence->status, "healthy");
    ck_assert(i->presence->has_freshness_seconds);
    ck_assert_int_eq(i->presence->freshness_seconds, 5);
    ck_assert_str_eq(i->fingerprint->public_key_status, "active");
    cmdop_machine_info_response_free(i);

    i = NULL;
    IT_ERR(cmdop_machines_info(&i, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(i);
    cmdop_client_free(c);
}
END_TEST

START_TEST(spend_per_window)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machine_spend *s = NULL;
    ck_assert_int_eq(cmdop_machines_spend(&s, c, IT_M_ALPHA, NULL), 0);
    ck_assert_str_eq(s->window, "7d"); /* the IDL default, sent by the core */
    ck_assert_double_eq_tol(s->total_usd, 2.59, 1e-9);
    ck_assert(s->tokens_in == 84000);
    ck_assert(s->calls == 280);
    ck_assert_uint_eq(s->top_models_count, 2);
    ck_assert_str_eq(s->top_models[0]->model, "claude-sonnet-4");
    ck_assert_double_eq_tol(s->top_models[0]->pct, 75.0, 1e-9);
    cmdop_machine_spend_free(s);

    cmdop_machines_spend_params p = CMDOP_MACHINES_SPEND_PARAMS_INIT;
    p.window = "30d";
    ck_assert_int_eq(cmdop_machines_spend(&s, c, IT_M_ALPHA, &p), 0);
    ck_assert_str_eq(s->window, "30d");
    ck_assert_double_eq_tol(s->total_usd, 11.1, 1e-9);
    cmdop_machine_spend_free(s);

    it_clear_recording();
    p.window = "2d";
    IT_LOCAL_VALIDATION(cmdop_machines_spend(&s, c, IT_M_ALPHA, &p), "window");
    p.window = "1d";
    IT_ERR(cmdop_machines_spend(&s, c, IT_UNKNOWN, &p), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(s);
    cmdop_client_free(c);
}
END_TEST

START_TEST(messages_and_clear)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_messages_response *m = NULL;
    ck_assert_int_eq(cmdop_machines_messages(&m, c, IT_M_ALPHA, NULL), 0);
    ck_assert_str_eq(m->agent_session_id, "as-alpha-0001");
    ck_assert_uint_eq(m->messages_count, 4);
    ck_assert_str_eq(m->messages[0]->role, "user");
    ck_assert_str_eq(m->messages[0]->text, "What is the disk usage of /srv?");
    ck_assert(!m->messages[0]->has_success);
    ck_assert(m->messages[1]->has_success && m->messages[1]->success);
    ck_assert(m->messages[1]->has_duration_ms);
    ck_assert_int_eq(m->messages[1]->duration_ms, 1300);
    cmdop_messages_response_free(m);

    /* the newest `limit`, oldest first */
    cmdop_machines_messages_params p = CMDOP_MACHINES_MESSAGES_PARAMS_INIT;
    p.has_limit = true;
    p.limit = 2;
    ck_assert_int_eq(cmdop_machines_messages(&m, c, IT_M_ALPHA, &p), 0);
    ck_assert_uint_eq(m->messages_count, 2);
    ck_assert_str_eq(m->messages[0]->text, "List the three largest directories.");
    cmdop_messages_response_free(m);

    it_clear_recording();
    p.limit = 501;
    IT_LOCAL_VALIDATION(cmdop_machines_messages(&m, c, IT_M_ALPHA, &p), "limit");
    IT_ERR(cmdop_machines_messages(&m, c, IT_UNKNOWN, NULL), CMDOP_ENOTFOUND, "not_found",
           404);

    cmdop_clear_messages_response *cl = NULL;
    ck_assert_int_eq(cmdop_machines_clear_messages(&cl, c, IT_M_BRAVO), 0);
    ck_assert_int_eq(cl->deleted, 2);
    ck_assert_str_eq(cl->agent_session_id, "as-bravo-0001");
    cmdop_clear_messages_response_free(cl);
    ck_assert_int_eq(cmdop_machines_messages(&m, c, IT_M_BRAVO, NULL), 0);
    ck_assert_uint_eq(m->messages_count, 0);
    cmdop_messages_response_free(m);

    cl = NULL;
    IT_ERR(cmdop_machines_clear_messages(&cl, c, IT_UNKNOWN), CMDOP_ENOTFOUND, "not_found",
           404);
    ck_assert_ptr_null(cl);
    cmdop_client_free(c);
}
END_TEST

START_TEST(active_session_is_a_bare_string)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    char *sid = NULL;
    ck_assert_int_eq(cmdop_machines_active_session(&sid, c, IT_M_ALPHA), 0);
    ck_assert_str_eq(sid, "as-alpha-0001");
    free(sid);
    sid = NULL;
    ck_assert_int_eq(cmdop_machines_active_session(&sid, c, IT_M_ECHO), 0);
    ck_assert_str_eq(sid, ""); /* {} on the wire */
    free(sid);
    sid = NULL;
    IT_ERR(cmdop_machines_active_session(&sid, c, IT_UNKNOWN), CMDOP_ENOTFOUND,
           "not_found", 404);
    ck_assert_ptr_null(sid);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_machines");
    TCase *tc = tcase_create("machines");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, list_maps_the_seed_in_order);
    tcase_add_test(tc, list_errors);
    tcase_add_test(tc, get_maps_detail);
    tcase_add_test(tc, update_renames);
    tcase_add_test(tc, disable_is_soft);
    tcase_add_test(tc, info_maps_every_part);
    tcase_add_test(tc, spend_per_window);
    tcase_add_test(tc, messages_and_clear);
    tcase_add_test(tc, active_session_is_a_bare_string);
    suite_add_tcase(s, tc);
    return it_run(s);
}
