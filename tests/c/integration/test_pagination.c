/*
 * test_pagination.c — the typed pager helpers across several pages of the
 * real relay, for the three styles: cursor (machines, fleet machines,
 * schedule runs), offset (fleets, members, keys, tunnels) and page number
 * (skills, reviews, my skills, bots). Every item is seen exactly once, in
 * order, the pager ends with CMDOP_ITEROVER and stays ended, and the
 * recording shows one request per page.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

/* The query value `key` of recorded request i ("" when absent). */
static const char *rec_query(json_t *reqs, size_t i, const char *key)
{
    json_t *q = json_object_get(json_object_get(json_array_get(reqs, i), "query"), key);
    if (json_is_array(q))
        q = json_array_get(q, 0);
    return json_is_string(q) ? json_string_value(q) : "";
}

START_TEST(machines_iter_cursor)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    it_clear_recording();
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.has_limit = true;
    p.limit = 2;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_machines_iter(&pg, c, &p), 0);
    const char *want[] = {IT_M_ALPHA, IT_M_BRAVO, IT_M_CHARLIE, IT_M_DELTA, IT_M_ECHO};
    size_t n = 0;
    cmdop_machine_summary *m = NULL;
    int rc;
    while ((rc = cmdop_machines_iter_next(pg, &m)) == 0) {
        ck_assert_uint_lt(n, 5);
        ck_assert_str_eq(m->id, want[n]);
        n++;
        cmdop_machine_summary_free(m);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(cmdop_machines_iter_next(pg, &m), CMDOP_ITEROVER); /* stays ended */
    cmdop_pager_free(pg);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 3);
    ck_assert_str_eq(rec_query(reqs, 0, "cursor"), "");
    ck_assert_str_ne(rec_query(reqs, 1, "cursor"), "");
    ck_assert_str_ne(rec_query(reqs, 2, "cursor"), rec_query(reqs, 1, "cursor"));
    ck_assert_str_eq(rec_query(reqs, 2, "limit"), "2");
    json_decref(reqs);
    cmdop_client_free(c);
}
END_TEST

START_TEST(machines_pages_cursor)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.has_limit = true;
    p.limit = 2;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_machines_pages(&pg, c, &p), 0);
    size_t sizes[3] = {0}, pages = 0;
    cmdop_machine_list *l = NULL;
    int rc;
    while ((rc = cmdop_machines_pages_next(pg, &l)) == 0) {
        ck_assert_uint_lt(pages, 3);
        sizes[pages] = l->items_count;
        if (pages < 2) {
            ck_assert(l->has_more);
            ck_assert_ptr_nonnull(l->next_cursor);
        } else {
            ck_assert(!l->has_more);
            ck_assert_ptr_null(l->next_cursor);
            ck_assert_str_eq(l->items[0]->name, "echo");
        }
        pages++;
        cmdop_machine_list_free(l);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_uint_eq(pages, 3);
    ck_assert_uint_eq(sizes[0], 2);
    ck_assert_uint_eq(sizes[1], 2);
    ck_assert_uint_eq(sizes[2], 1);
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

START_TEST(fleet_machines_and_runs_cursor)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_fleets_machines_list_params p = CMDOP_FLEETS_MACHINES_LIST_PARAMS_INIT;
    p.presence = "online";
    p.has_limit = true;
    p.limit = 1;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_fleets_machines_iter(&pg, c, &p), 0);
    const char *want[] = {"alpha", "bravo", "charlie", "echo"};
    size_t n = 0;
    cmdop_machine_summary *m = NULL;
    while (cmdop_fleets_machines_iter_next(pg, &m) == 0) {
        ck_assert_uint_lt(n, 4);
        ck_assert_str_eq(m->name, want[n++]);
        cmdop_machine_summary_free(m);
    }
    ck_assert_uint_eq(n, 4);
    cmdop_pager_free(pg);

    it_clear_recording();
    cmdop_schedules_runs_params rp = CMDOP_SCHEDULES_RUNS_PARAMS_INIT;
    rp.has_limit = true;
    rp.limit = 1;
    ck_assert_int_eq(cmdop_schedules_iter_runs(&pg, c, IT_SCHEDULE, &rp), 0);
    const char *runs[] = {"61000000-0000-4000-8000-000000000003",
                          "61000000-0000-4000-8000-000000000002",
                          "61000000-0000-4000-8000-000000000001"};
    cmdop_schedule_run_view *r = NULL;
    n = 0;
    int rc;
    while ((rc = cmdop_schedules_iter_runs_next(pg, &r)) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(r->id, runs[n++]);
        cmdop_schedule_run_view_free(r);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);
    ck_assert_uint_le(it_request_count(), 4); /* 3 pages (+ an empty last one at most) */
    cmdop_client_free(c);
}
END_TEST

START_TEST(fleets_iter_offset)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, NULL);
    const char *slugs[] = {"page-two", "page-three"};
    for (int i = 0; i < 2; i++) {
        cmdop_fleets_create_params cp = CMDOP_FLEETS_CREATE_PARAMS_INIT;
        cp.name = slugs[i];
        cp.slug = slugs[i];
        cmdop_fleet_summary *f = NULL;
        ck_assert_int_eq(cmdop_fleets_create(&f, c, &cp), 0);
        cmdop_fleet_summary_free(f);
    }
    it_clear_recording();
    cmdop_fleets_list_params p = CMDOP_FLEETS_LIST_PARAMS_INIT;
    p.has_per_page = true;
    p.per_page = 1;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_fleets_iter(&pg, c, &p), 0);
    const char *want[] = {"default", "page-two", "page-three"};
    size_t n = 0;
    cmdop_fleet_summary *f = NULL;
    int rc;
    while ((rc = cmdop_fleets_iter_next(pg, &f)) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(f->slug, want[n++]);
        cmdop_fleet_summary_free(f);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);

    /* the wire has page/per_page: the first request as passed (no page),
     * then page 2, 3; the iteration ends on has_next false */
    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 3);
    for (size_t i = 0; i < 3; i++) {
        char pgno[8];
        snprintf(pgno, sizeof pgno, "%zu", i + 1);
        ck_assert_str_eq(rec_query(reqs, i, "page"), i ? pgno : "");
        ck_assert_str_eq(rec_query(reqs, i, "per_page"), "1");
        ck_assert_str_eq(rec_query(reqs, i, "offset"), "");
    }
    json_decref(reqs);

    /* pages of two: 2 then 1 */
    p.per_page = 2;
    ck_assert_int_eq(cmdop_fleets_pages(&pg, c, &p), 0);
    cmdop_fleet_list *l = NULL;
    size_t pages = 0, items = 0;
    while (cmdop_fleets_pages_next(pg, &l) == 0) {
        ck_assert_uint_lt(pages, 2);
        ck_assert_int_eq(l->total, 3);
        ck_assert_int_eq(l->offset, (int)(pages * 2));
        items += l->items_count;
        pages++;
        cmdop_fleet_list_free(l);
    }
    ck_assert_uint_eq(pages, 2);
    ck_assert_uint_eq(items, 3);
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

START_TEST(members_keys_tunnels_offset)
{
    cmdop_client *c = it_client(IT_RELAY_ONLY, IT_FLEET);
    cmdop_fleets_members_list_params mp = CMDOP_FLEETS_MEMBERS_LIST_PARAMS_INIT;
    mp.has_per_page = true;
    mp.per_page = 1;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_fleets_members_pages(&pg, c, &mp), 0);
    const char *users[] = {IT_USER_OWNER, IT_USER_ADMIN, IT_USER_MEMBER};
    cmdop_member_list *ml = NULL;
    size_t n = 0;
    while (cmdop_fleets_members_pages_next(pg, &ml) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_uint_eq(ml->items_count, 1);
        ck_assert_str_eq(ml->items[0]->user_id, users[n++]);
        cmdop_member_list_free(ml);
    }
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);

    const char *names[] = {"k-two", "k-three", "k-four"};
    for (int i = 0; i < 3; i++) {
        cmdop_keys_issue_params kp = CMDOP_KEYS_ISSUE_PARAMS_INIT;
        kp.name = names[i];
        cmdop_issue_key_response *k = NULL;
        ck_assert_int_eq(cmdop_keys_issue(&k, c, &kp), 0);
        cmdop_issue_key_response_free(k);
    }
    cmdop_keys_list_params kp = CMDOP_KEYS_LIST_PARAMS_INIT;
    kp.has_per_page = true;
    kp.per_page = 2;
    ck_assert_int_eq(cmdop_keys_iter(&pg, c, &kp), 0);
    const char *want[] = {"ci", "k-two", "k-three", "k-four"};
    cmdop_api_key_summary *k = NULL;
    n = 0;
    while (cmdop_keys_iter_next(pg, &k) == 0) {
        ck_assert_uint_lt(n, 4);
        ck_assert_str_eq(k->name, want[n++]);
        cmdop_api_key_summary_free(k);
    }
    ck_assert_uint_eq(n, 4);
    cmdop_pager_free(pg);

    /* tunnels: the seeded one plus two opened */
    const char *subs[] = {"pg-one", "pg-two"};
    for (int i = 0; i < 2; i++) {
        cmdop_tunnels_open_params tp = CMDOP_TUNNELS_OPEN_PARAMS_INIT;
        tp.session_id = "s-echo";
        tp.has_local_port = true;
        tp.local_port = 3000 + i;
        tp.subdomain = subs[i];
        cmdop_tunnel_view *t = NULL;
        ck_assert_int_eq(cmdop_tunnels_open(&t, c, &tp), 0);
        cmdop_tunnel_view_free(t);
    }
    cmdop_tunnels_list_params tl = CMDOP_TUNNELS_LIST_PARAMS_INIT;
    tl.has_per_page = true;
    tl.per_page = 1;
    ck_assert_int_eq(cmdop_tunnels_iter(&pg, c, &tl), 0);
    const char *tsubs[] = {"alpha-web", "pg-one", "pg-two"};
    cmdop_tunnel_view *t = NULL;
    n = 0;
    while (cmdop_tunnels_iter_next(pg, &t) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(t->subdomain, tsubs[n++]);
        cmdop_tunnel_view_free(t);
    }
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

START_TEST(skills_iter_page_number)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    it_clear_recording();
    cmdop_skills_list_params p = CMDOP_SKILLS_LIST_PARAMS_INIT;
    p.has_page_size = true;
    p.page_size = 5;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_skills_iter(&pg, c, &p), 0);
    int seen[13] = {0};
    size_t n = 0;
    cmdop_skill_summary *s = NULL;
    int rc;
    while ((rc = cmdop_skills_iter_next(pg, &s)) == 0) {
        int k = 0;
        ck_assert_int_eq(sscanf(s->slug, "skill-%d", &k), 1);
        ck_assert(k >= 1 && k <= 12);
        ck_assert_int_eq(k, (int)n + 1); /* seed order */
        seen[k]++;
        n++;
        cmdop_skill_summary_free(s);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_uint_eq(n, 12);
    for (int k = 1; k <= 12; k++)
        ck_assert_int_eq(seen[k], 1);
    ck_assert_int_eq(cmdop_skills_iter_next(pg, &s), CMDOP_ITEROVER);
    cmdop_pager_free(pg);

    json_t *reqs = it_requests();
    ck_assert_uint_eq(json_array_size(reqs), 3); /* never asks past the last page (404) */
    for (size_t i = 0; i < 3; i++) {
        char pgno[8];
        snprintf(pgno, sizeof pgno, "%zu", i + 1);
        /* the first request sends no page (none was passed) */
        ck_assert_str_eq(rec_query(reqs, i, "page"), i ? pgno : "");
        ck_assert_str_eq(rec_query(reqs, i, "page_size"), "5");
    }
    json_decref(reqs);

    ck_assert_int_eq(cmdop_skills_pages(&pg, c, &p), 0);
    cmdop_skill_list_page *l = NULL;
    size_t pages = 0;
    while (cmdop_skills_pages_next(pg, &l) == 0) {
        ck_assert_uint_lt(pages, 3);
        ck_assert_int_eq(l->count, 12);
        ck_assert_int_eq(l->pages, 3);
        ck_assert_int_eq(l->page, (int)pages + 1);
        ck_assert_uint_eq(l->results_count, pages < 2 ? 5 : 2);
        ck_assert(l->has_next == (pages < 2));
        ck_assert(l->has_previous == (pages > 0));
        ck_assert(l->has_next_page == (pages < 2));
        if (l->has_next_page)
            ck_assert_int_eq(l->next_page, (int)pages + 2);
        pages++;
        cmdop_skill_list_page_free(l);
    }
    ck_assert_uint_eq(pages, 3);
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

START_TEST(reviews_my_bots_page_number)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skills_reviews_params rp = CMDOP_SKILLS_REVIEWS_PARAMS_INIT;
    rp.has_page_size = true;
    rp.page_size = 1;
    cmdop_pager *pg = NULL;
    ck_assert_int_eq(cmdop_skills_iter_reviews(&pg, c, "skill-01", &rp), 0);
    const char *handles[] = {"ana", "bo", "cy"};
    cmdop_skill_review *r = NULL;
    size_t n = 0;
    while (cmdop_skills_iter_reviews_next(pg, &r) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(r->author_handle, handles[n++]);
        cmdop_skill_review_free(r);
    }
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);

    /* my skills: the seeded draft plus one created */
    cmdop_skills_create_params cp = CMDOP_SKILLS_CREATE_PARAMS_INIT;
    cp.name = "Paged Skill";
    cmdop_skill_created *sc = NULL;
    ck_assert_int_eq(cmdop_skills_create(&sc, c, &cp), 0);
    cmdop_skill_created_free(sc);
    cmdop_skills_my_params mp = CMDOP_SKILLS_MY_PARAMS_INIT;
    mp.has_page_size = true;
    mp.page_size = 1;
    ck_assert_int_eq(cmdop_skills_iter_my(&pg, c, &mp), 0);
    cmdop_skill_summary *s = NULL;
    int draft = 0, paged = 0;
    n = 0;
    while (cmdop_skills_iter_my_next(pg, &s) == 0) {
        draft += strcmp(s->slug, "my-draft-skill") == 0;
        paged += strcmp(s->slug, "paged-skill") == 0;
        n++;
        cmdop_skill_summary_free(s);
    }
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(draft, 1);
    ck_assert_int_eq(paged, 1);
    cmdop_pager_free(pg);

    /* bots: the seeded one plus two */
    const char *bn[] = {"pg-bot-1", "pg-bot-2"};
    for (int i = 0; i < 2; i++) {
        cmdop_bots_create_params bp = CMDOP_BOTS_CREATE_PARAMS_INIT;
        bp.name = bn[i];
        bp.platform = CMDOP_BOT_PLATFORM_DISCORD;
        bp.machine_id = IT_M_BRAVO;
        cmdop_bot *b = NULL;
        ck_assert_int_eq(cmdop_bots_create(&b, c, &bp), 0);
        cmdop_bot_free(b);
    }
    cmdop_bots_list_params lp = CMDOP_BOTS_LIST_PARAMS_INIT;
    lp.has_page_size = true;
    lp.page_size = 2;
    ck_assert_int_eq(cmdop_bots_iter(&pg, c, &lp), 0);
    const char *want[] = {"ops-telegram", "pg-bot-1", "pg-bot-2"};
    cmdop_bot *b = NULL;
    n = 0;
    while (cmdop_bots_iter_next(pg, &b) == 0) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(b->name, want[n++]);
        cmdop_bot_free(b);
    }
    ck_assert_uint_eq(n, 3);
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

/* A pager's first page fails like the op would. */
START_TEST(pager_errors_are_typed)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_pager *pg = NULL;
    cmdop_skill_review *r = NULL;
    int rc = cmdop_skills_iter_reviews(&pg, c, "no-such-skill", NULL);
    if (rc == 0)
        rc = cmdop_skills_iter_reviews_next(pg, &r);
    IT_ERR(rc, CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(r);
    cmdop_pager_free(pg);

    pg = NULL;
    it_clear_recording();
    cmdop_skills_list_params p = CMDOP_SKILLS_LIST_PARAMS_INIT;
    p.has_page_size = true;
    p.page_size = 0;
    cmdop_skill_summary *s = NULL;
    rc = cmdop_skills_iter(&pg, c, &p);
    if (rc == 0)
        rc = cmdop_skills_iter_next(pg, &s);
    IT_LOCAL_VALIDATION(rc, "page_size");
    cmdop_pager_free(pg);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_pagination");
    TCase *tc = tcase_create("pagination");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, machines_iter_cursor);
    tcase_add_test(tc, machines_pages_cursor);
    tcase_add_test(tc, fleet_machines_and_runs_cursor);
    tcase_add_test(tc, fleets_iter_offset);
    tcase_add_test(tc, members_keys_tunnels_offset);
    tcase_add_test(tc, skills_iter_page_number);
    tcase_add_test(tc, reviews_my_bots_page_number);
    tcase_add_test(tc, pager_errors_are_typed);
    suite_add_tcase(s, tc);
    return it_run(s);
}
