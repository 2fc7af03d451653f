/*
 * test_pager.c — pagination termination for the three styles against
 * scripted servers, including servers that ignore the page size, ignore the
 * offset, repeat a cursor, or claim more pages than they have; item
 * iteration across pages; the client-side scan (fleets.get).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cmdop/error.h"
#include "fake_http.h"
#include "fake_ops.h"

typedef enum mode {
    CURSOR_OK, CURSOR_REPEAT, CURSOR_HAS_MORE_FALSE, CURSOR_EMPTY_STRING,
    OFFSET_IGNORES_SIZE, OFFSET_IGNORES_OFFSET, OFFSET_TOTAL_LIES,
    NUMBER_OK, NUMBER_NO_NEXT_PAGE, NUMBER_STUCK, NUMBER_PAGES_BOUND, EMPTY
} mode;

static mode g_mode;
static fake_server *g_srv;

static long qint(const char *uri, const char *key, long dflt)
{
    char buf[32];
    const char *v = fake_query_get(uri, key, buf, sizeof buf);
    return v ? strtol(v, NULL, 10) : dflt;
}

static json_t *items(long from, long n, const char *prefix)
{
    json_t *a = json_array();
    for (long i = from; i < from + n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%s-%ld", prefix, i);
        json_array_append_new(a, json_pack("{s:s}", "id", id));
    }
    return a;
}

static void cursor_page(const fake_req *q, fake_resp *r)
{
    char buf[32];
    const char *cur = fake_query_get(q->uri, "cursor", buf, sizeof buf);
    long start = cur ? strtol(cur + 1, NULL, 10) : 0, limit = qint(q->uri, "limit", 100);
    long total = 25, n = start + limit > total ? total - start : limit;
    switch (g_mode) {
    case CURSOR_REPEAT:
        r->json = json_pack("{s:o, s:s, s:b}", "items", items(0, 3, "m"), "next_cursor", "csame", "has_more", 1);
        return;
    case CURSOR_HAS_MORE_FALSE:
        r->json = json_pack("{s:o, s:s, s:b}", "items", items(0, 3, "m"), "next_cursor", "c3", "has_more", 0);
        return;
    case CURSOR_EMPTY_STRING:
        r->json = json_pack("{s:o, s:s}", "items", items(0, 3, "m"), "next_cursor", "");
        return;
    default:
        break;
    }
    r->json = json_pack("{s:o, s:b}", "items", items(start, n, "m"), "has_more", start + n < total);
    if (start + n < total) {
        char next[32];
        snprintf(next, sizeof next, "c%ld", start + n);
        json_object_set_new(r->json, "next_cursor", json_string(next));
    }
}

/* The hosted offset page: query page (1-based) and per_page; answer
 * {items, total, page, per_page, has_next, has_prev} (no offset). */
static void offset_page(const fake_req *q, fake_resp *r)
{
    long page = qint(q->uri, "page", 1), per = qint(q->uri, "per_page", 20), total = 45;
    if (g_mode == OFFSET_IGNORES_SIZE)
        per = 20;                         /* whatever the client asked */
    if (g_mode == OFFSET_IGNORES_OFFSET)
        page = 1;                         /* always the first page */
    long off = (page - 1) * per;
    long real_total = total;
    if (g_mode == OFFSET_TOTAL_LIES) {
        total = 1000;                     /* has_next forever ... */
        real_total = 30;                  /* ... but runs dry at 30 */
    }
    long n = off >= real_total ? 0 : off + per > real_total ? real_total - off : per;
    r->json = json_pack("{s:o, s:i, s:i, s:i, s:b, s:b}", "items", items(off, n, "fleet"),
                        "total", (int)total, "page", (int)page, "per_page", (int)per,
                        "has_next", off + per < total, "has_prev", page > 1);
}

static void number_page(const fake_req *q, fake_resp *r)
{
    long page = qint(q->uri, "page", 1), size = qint(q->uri, "page_size", 20), count = 45;
    long pages = (count + size - 1) / size;
    long from = (page - 1) * size, n = from >= count ? 0 : from + size > count ? count - from : size;
    json_t *body = json_pack("{s:o, s:i, s:i, s:i, s:i}", "results", items(from, n, "skill"),
                             "count", (int)count, "page", (int)page, "pages", (int)pages,
                             "page_size", (int)size);
    switch (g_mode) {
    case NUMBER_NO_NEXT_PAGE:
        json_object_set_new(body, "has_next", json_true());
        break;
    case NUMBER_STUCK:
        json_object_set_new(body, "has_next", json_true());
        json_object_set_new(body, "next_page", json_integer(1));
        break;
    case NUMBER_PAGES_BOUND:
        /* claims a next page forever, but says there are 2 pages */
        json_object_set_new(body, "results", items(page * 100, 5, "skill"));
        json_object_set_new(body, "has_next", json_true());
        json_object_set_new(body, "next_page", json_integer(page + 1));
        json_object_set_new(body, "pages", json_integer(2));
        break;
    default:
        json_object_set_new(body, "has_next", json_boolean(page < pages));
        if (page < pages)
            json_object_set_new(body, "next_page", json_integer(page + 1));
        break;
    }
    r->json = body;
}

static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s; (void)payload;
    if (g_mode == EMPTY)
        r->json = json_pack("{s:[], s:i, s:i, s:i}", "items", "offset", 0, "per_page", 20, "total", 0);
    else if (strncmp(q->uri, "/api/machines", 13) == 0)
        cursor_page(q, r);
    else if (strncmp(q->uri, "/api/fleets", 11) == 0)
        offset_page(q, r);
    else
        number_page(q, r);
}

static cmdop_client *g_c;

static void setup(void)
{
    g_srv = fake_start(handler, NULL);
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.token = "tok";
    o.api_key = "key";
    o.base_url = g_srv->url;
    o.api_base_url = g_srv->url;
    o.max_retries = 0;
    ck_assert_int_eq(cmdop_client_new(&g_c, &o), 0);
}

static void teardown(void)
{
    cmdop_client_free(g_c);
    fake_stop(g_srv);
}

/* Pages until the end: returns the number of pages, and all items joined
 * into *all (NEW). Fails the test on an error. */
static int drain_pages(const cmdop__op_desc *op, const char *args_json, json_t **all)
{
    json_t *args = json_loads(args_json, 0, NULL);
    cmdop_pager *p;
    ck_assert_int_eq(cmdop__pager_new(&p, g_c, op, args), 0);
    json_decref(args);
    *all = json_array();
    int pages = 0, rc;
    json_t *page;
    while ((rc = cmdop__pager_next_page(p, &page)) == 0) {
        pages++;
        json_array_extend(*all, json_object_get(page, op->page->resp_items));
        json_decref(page);
        ck_assert_int_lt(pages, 1000);
    }
    ck_assert_msg(rc == CMDOP_ITEROVER, "pager error %d: %s", rc, cmdop_error_last()->message);
    /* stays over */
    ck_assert_int_eq(cmdop__pager_next_page(p, &page), CMDOP_ITEROVER);
    cmdop_pager_free(p);
    return pages;
}

static void assert_unique_run(json_t *all, const char *prefix, long from, long n)
{
    ck_assert_int_eq(json_array_size(all), n);
    for (long i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%s-%ld", prefix, from + i);
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(all, (size_t)i), "id")), id);
    }
}

START_TEST(cursor_walks_all_pages)
{
    g_mode = CURSOR_OK;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_machines_list, "{\"limit\": 10}", &all), 3);
    assert_unique_run(all, "m", 0, 25);
    json_decref(all);
    json_t *r2 = fake_request(g_srv, 2);
    ck_assert_str_eq(json_string_value(json_object_get(r2, "uri")),
                     "/api/machines?presence=any&limit=10&cursor=c20");
    json_decref(r2);
}
END_TEST

START_TEST(cursor_repeated_stops)
{
    g_mode = CURSOR_REPEAT;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_machines_list, "{}", &all), 2);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 2);
}
END_TEST

START_TEST(cursor_has_more_false_and_empty_cursor_stop)
{
    json_t *all;
    g_mode = CURSOR_HAS_MORE_FALSE;
    ck_assert_int_eq(drain_pages(&k_machines_list, "{}", &all), 1);
    json_decref(all);
    g_mode = CURSOR_EMPTY_STRING;
    ck_assert_int_eq(drain_pages(&k_machines_list, "{}", &all), 1);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 2);
}
END_TEST

START_TEST(offset_advances_by_items_received)
{
    g_mode = OFFSET_IGNORES_SIZE;
    json_t *all;
    /* asks 10 per page, gets 20: pages 1, 2, 3 - no duplicates, no gap */
    ck_assert_int_eq(drain_pages(&k_fleets_list, "{\"per_page\": 10}", &all), 3);
    assert_unique_run(all, "fleet", 0, 45);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 3);
    json_t *r0 = fake_request(g_srv, 0), *r2 = fake_request(g_srv, 2);
    ck_assert_str_eq(json_string_value(json_object_get(r0, "uri")), "/api/fleets?per_page=10");
    ck_assert_str_eq(json_string_value(json_object_get(r2, "uri")), "/api/fleets?page=3&per_page=10");
    json_decref(r0);
    json_decref(r2);
}
END_TEST

START_TEST(offset_start_page_and_total)
{
    g_mode = NUMBER_OK;   /* any mode without an offset quirk: a plain server */
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_fleets_list, "{\"page\": 2, \"per_page\": 20}", &all), 2);
    assert_unique_run(all, "fleet", 20, 25);
    json_decref(all);
}
END_TEST

START_TEST(offset_ignored_by_server_stops)
{
    g_mode = OFFSET_IGNORES_OFFSET;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_fleets_list, "{\"per_page\": 10}", &all), 1);
    assert_unique_run(all, "fleet", 0, 10);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 2);
}
END_TEST

START_TEST(offset_stops_on_empty_page)
{
    g_mode = OFFSET_TOTAL_LIES;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_fleets_list, "{\"per_page\": 10}", &all), 3);
    assert_unique_run(all, "fleet", 0, 30);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 4);   /* the 4th came back empty */
}
END_TEST

START_TEST(number_walks_all_pages)
{
    g_mode = NUMBER_OK;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_skills_list, "{}", &all), 3);
    assert_unique_run(all, "skill", 0, 45);
    json_decref(all);
}
END_TEST

START_TEST(number_misleading_servers_stop)
{
    json_t *all;
    g_mode = NUMBER_NO_NEXT_PAGE;
    ck_assert_int_eq(drain_pages(&k_skills_list, "{}", &all), 1);
    json_decref(all);
    g_mode = NUMBER_STUCK;
    ck_assert_int_eq(drain_pages(&k_skills_list, "{}", &all), 1);
    json_decref(all);
    g_mode = NUMBER_PAGES_BOUND;
    ck_assert_int_eq(drain_pages(&k_skills_list, "{}", &all), 2);
    json_decref(all);
    ck_assert_int_eq(fake_count(g_srv), 4);
}
END_TEST

START_TEST(items_across_pages)
{
    g_mode = NUMBER_OK;
    json_t *args = json_pack("{s:i}", "page_size", 7);
    cmdop_pager *p;
    ck_assert_int_eq(cmdop__pager_new(&p, g_c, &k_skills_list, args), 0);
    json_decref(args);
    json_t *item;
    long n = 0;
    int rc;
    while ((rc = cmdop__pager_next_item(p, &item)) == 0) {
        char id[32];
        snprintf(id, sizeof id, "skill-%ld", n++);
        ck_assert_str_eq(json_string_value(json_object_get(item, "id")), id);
        json_decref(item);
    }
    ck_assert_int_eq(rc, CMDOP_ITEROVER);
    ck_assert_int_eq(n, 45);
    ck_assert_int_eq(fake_count(g_srv), 7);
    cmdop_pager_free(p);
}
END_TEST

START_TEST(empty_first_page)
{
    g_mode = EMPTY;
    json_t *all;
    ck_assert_int_eq(drain_pages(&k_fleets_list, "{}", &all), 1);   /* returned once */
    ck_assert_int_eq(json_array_size(all), 0);
    json_decref(all);
    cmdop_pager *p;
    ck_assert_int_eq(cmdop__pager_new(&p, g_c, &k_fleets_list, NULL), 0);
    json_t *item;
    ck_assert_int_eq(cmdop__pager_next_item(p, &item), CMDOP_ITEROVER);
    cmdop_pager_free(p);
}
END_TEST

START_TEST(pager_validates_first)
{
    cmdop_pager *p = (cmdop_pager *)1;
    json_t *args = json_pack("{s:i}", "per_page", 0);
    ck_assert_int_eq(cmdop__pager_new(&p, g_c, &k_fleets_list, args), CMDOP_EVALIDATION);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(cmdop_error_last()->field, "per_page");
    json_decref(args);
    ck_assert_int_eq(cmdop__pager_new(&p, g_c, &k_machines_get, NULL), CMDOP_EINVALID);
    ck_assert_int_eq(fake_count(g_srv), 0);
}
END_TEST

START_TEST(scan_finds_and_misses)
{
    g_mode = NUMBER_OK;   /* any mode without an offset quirk: a plain server */
    json_t *args = json_pack("{s:s}", "fleet_id", "fleet-44"), *out;
    ck_assert_int_eq(cmdop__call(g_c, &k_fleets_get, args, &out), 0);
    ck_assert_str_eq(json_string_value(json_object_get(out, "id")), "fleet-44");
    json_decref(out);
    json_decref(args);
    json_t *r0 = fake_request(g_srv, 0);
    /* scans as the official 1.1.1 client does: no page params at first */
    ck_assert_str_eq(json_string_value(json_object_get(r0, "uri")), "/api/fleets");
    json_decref(r0);
    args = json_pack("{s:s}", "fleet_id", "nope");
    ck_assert_int_eq(cmdop__call(g_c, &k_fleets_get, args, &out), CMDOP_ENOTFOUND);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(cmdop_error_last()->message, "Fleet nope not found");
    ck_assert_str_eq(cmdop_error_last()->code_str, "not_found");
    json_decref(args);
    ck_assert_int_eq(cmdop__call(g_c, &k_fleets_get, NULL, &out), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "fleet_id");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pager");
    TCase *t = tcase_create("termination");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 20);
    tcase_add_test(t, cursor_walks_all_pages);
    tcase_add_test(t, cursor_repeated_stops);
    tcase_add_test(t, cursor_has_more_false_and_empty_cursor_stop);
    tcase_add_test(t, offset_advances_by_items_received);
    tcase_add_test(t, offset_start_page_and_total);
    tcase_add_test(t, offset_ignored_by_server_stops);
    tcase_add_test(t, offset_stops_on_empty_page);
    tcase_add_test(t, number_walks_all_pages);
    tcase_add_test(t, number_misleading_servers_stop);
    tcase_add_test(t, items_across_pages);
    tcase_add_test(t, empty_first_page);
    tcase_add_test(t, pager_validates_first);
    tcase_add_test(t, scan_finds_and_misses);
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
