/*
 * test_wire.c — the hosted wire (docs/wire.md) end to end against the local
 * relay: what the relay records from the typed functions (no page params by
 * default, no keys paging, no q, mfa "any", confirm body), and that the
 * hosted answers (offset pages, flat MachineDetail, bare arrays, 202
 * trigger, enum wire strings) decode.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop.h"
#include "it_client.h"

static json_t *req(json_t *reqs, size_t i)
{
    return json_array_get(reqs, i);
}

static size_t query_size(json_t *reqs, size_t i)
{
    return json_object_size(json_object_get(req(reqs, i), "query"));
}

START_TEST(offset_lists_send_no_page_params_by_default)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_fleet_list *fl = NULL;
    ck_assert_int_eq(cmdop_fleets_list(&fl, c, NULL), 0);
    ck_assert_int_eq(fl->page, 1);
    ck_assert_int_eq(fl->offset, 0);
    ck_assert(!fl->has_next);
    cmdop_fleet_list_free(fl);
    cmdop_member_list *ml = NULL;
    ck_assert_int_eq(cmdop_fleets_members_list(&ml, c, NULL), 0);
    cmdop_member_list_free(ml);
    cmdop_tunnel_list *tl = NULL;
    ck_assert_int_eq(cmdop_tunnels_list(&tl, c, NULL), 0);
    cmdop_tunnel_list_free(tl);
    cmdop_schedule_list *sl = NULL;
    ck_assert_int_eq(cmdop_schedules_list(&sl, c, NULL), 0);
    cmdop_schedule_list_free(sl);
    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(query_size(reqs, i), 0);
    json_decref(reqs);

    /* page 2 of 1: page and per_page on the wire, offset filled by the core */
    it_clear_recording();
    cmdop_fleets_list_params p = CMDOP_FLEETS_LIST_PARAMS_INIT;
    p.page = 2;
    p.has_page = true;
    p.per_page = 1;
    p.has_per_page = true;
    ck_assert_int_eq(cmdop_fleets_list(&fl, c, &p), 0);
    ck_assert_int_eq(fl->page, 2);
    ck_assert_int_eq(fl->offset, 1);
    ck_assert(fl->has_prev);
    cmdop_fleet_list_free(fl);
    reqs = it_requests();
    json_t *q = json_object_get(req(reqs, 0), "query");
    ck_assert_str_eq(json_string_value(json_object_get(q, "page")), "2");
    ck_assert_str_eq(json_string_value(json_object_get(q, "per_page")), "1");
    ck_assert_ptr_null(json_object_get(q, "offset"));
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(keys_are_paged_by_the_core)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_keys_issue_params ip = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    ip.name = "second";
    cmdop_issue_key_response *k = NULL;
    ck_assert_int_eq(cmdop_keys_issue(&k, c, &ip), 0);
    char *second = strdup(k->id);
    cmdop_issue_key_response_free(k);
    it_clear_recording();

    cmdop_api_key_list *l = NULL;
    ck_assert_int_eq(cmdop_keys_list(&l, c, NULL), 0);   /* the whole list */
    ck_assert_uint_eq(l->items_count, 2);
    ck_assert_int_eq(l->total, 2);
    ck_assert(!l->has_next);
    cmdop_api_key_list_free(l);

    cmdop_keys_list_params p = CMDOP_KEYS_LIST_PARAMS_INIT;
    p.page = 2;
    p.has_page = true;
    p.per_page = 1;
    p.has_per_page = true;
    ck_assert_int_eq(cmdop_keys_list(&l, c, &p), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_int_eq(l->offset, 1);
    ck_assert_int_eq(l->per_page, 1);
    ck_assert_int_eq(l->total, 2);
    ck_assert(!l->has_next && l->has_prev);
    cmdop_api_key_list_free(l);

    /* the iterator walks the emulated pages: 2 keys, one request each */
    p.has_page = false;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_keys_iter(&pg, c, &p), 0);
    cmdop_api_key_summary *s = NULL;
    int n = 0, rc;
    bool saw_second = false;
    while ((rc = cmdop_keys_iter_next(pg, &s)) == 0) {
        saw_second |= strcmp(s->id, second) == 0;
        n++;
        cmdop_api_key_summary_free(s);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_int_eq(n, 2);
    ck_assert(saw_second);
    cmdop_pager_free(pg);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 4);
    for (size_t i = 0; i < 4; i++)   /* never a paging param */
        ck_assert_uint_eq(query_size(reqs, i), 0);
    json_decref(reqs);
    free(second);
    cmdop_client_free(c);
}
END_TEST

START_TEST(q_is_filtered_not_sent)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    it_clear_recording();
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.q = "ALP";
    p.cursor = "";
    cmdop_machine_list *l = NULL;
    ck_assert_int_eq(cmdop_machines_list(&l, c, &p), 0);
    ck_assert_uint_eq(l->items_count, 1);
    ck_assert_str_eq(l->items[0]->name, "alpha");
    cmdop_machine_list_free(l);
    json_t *reqs = it_requests();
    json_t *q = json_object_get(req(reqs, 0), "query");
    ck_assert_ptr_null(json_object_get(q, "q"));
    ck_assert_ptr_null(json_object_get(q, "cursor"));   /* empty: not sent */
    ck_assert_str_eq(json_string_value(json_object_get(q, "presence")), "any");
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(hosted_answers_decode)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    /* flat MachineDetail */
    cmdop_machine_detail *d = NULL;
    ck_assert_int_eq(cmdop_machines_get(&d, c, IT_M_ALPHA), 0);
    ck_assert_ptr_nonnull(d->summary);
    ck_assert_str_eq(d->summary->id, IT_M_ALPHA);
    ck_assert_str_eq(d->summary->name, "alpha");
    cmdop_machine_detail_free(d);
    /* a bare array */
    cmdop_session_list *sl = NULL;
    ck_assert_int_eq(cmdop_tunnels_sessions(&sl, c), 0);
    ck_assert_uint_gt(sl->items_count, 0);
    cmdop_session_list_free(sl);
    /* 202 */
    it_clear_recording();
    cmdop_manual_trigger_response *t = NULL;
    ck_assert_int_eq(cmdop_schedules_trigger(&t, c, IT_SCHEDULE, NULL), 0);
    ck_assert(t->queued);
    cmdop_manual_trigger_response_free(t);
    json_t *reqs = it_requests();
    ck_assert_int_eq(json_integer_value(json_object_get(req(reqs, 0), "status")), 202);
    json_decref(reqs);
    /* mfa: optional goes out as "any" */
    it_clear_recording();
    cmdop_fleets_create_params fp = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    fp.name = "Wire";
    fp.slug = "wire-mfa";
    fp.mfa_required = CMDOP_MFA_REQUIREMENT_OPTIONAL;
    cmdop_fleet_summary *f = NULL;
    ck_assert_int_eq(cmdop_fleets_create(&f, c, &fp), 0);
    ck_assert_int_eq(f->mfa_required, CMDOP_MFA_REQUIREMENT_REQUIRED);
    cmdop_fleet_summary_free(f);
    reqs = it_requests();
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(req(reqs, 0), "body"),
                                                       "mfa_required")), "any");
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(fastapi_422_names_the_field)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.cursor = "not-a-cursor";
    cmdop_machine_list *l = NULL;
    IT_ERR_FIELD(cmdop_machines_list(&l, c, &p), CMDOP_EVALIDATION, "validation", 422, "cursor");
    ck_assert_ptr_null(l);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_wire");
    TCase *tc = tcase_create("wire");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, offset_lists_send_no_page_params_by_default);
    tcase_add_test(tc, keys_are_paged_by_the_core);
    tcase_add_test(tc, q_is_filtered_not_sent);
    tcase_add_test(tc, hosted_answers_decode);
    tcase_add_test(tc, fastapi_422_names_the_field);
    suite_add_tcase(s, tc);
    return it_run(s);
}
