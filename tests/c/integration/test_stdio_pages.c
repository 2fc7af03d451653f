/*
 * test_stdio_pages.c — the real `cmdop-core --stdio` against the real relay:
 * page iterations (PAGES, NEXT, CANCEL) run by the core's pager, and COLLECT
 * (docs/stdio.md "Pages", "Collect").
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "it_client.h"
#include "stdio_core.h"

typedef stdio_core core;

static Env *next_on(core *c, uint32_t id)
{
    Env *e = core_recv(c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, id);
    return e;
}

/* An EVENT page of machines.list with n items. */
static void expect_page(core *c, uint32_t id, size_t n)
{
    Env *e = next_on(c, id);
    ck_assert_int_eq(e->kind, KIND(EVENT));
    ck_assert_int_eq(e->payload_case, ARM(MACHINE_LIST));
    ck_assert_uint_eq(e->machine_list->n_items, n);
    env_free(e);
}

static void expect_kind(core *c, uint32_t id, Cmdop__Core__V1__Kind kind, const char *code)
{
    Env *e = next_on(c, id);
    ck_assert_int_eq(e->kind, kind);
    if (code)
        ck_assert_str_eq(e->error->code, code);
    env_free(e);
}

static void pages_of_machines(core *c, uint32_t id, int limit)
{
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    lm.has_limit = 1;
    lm.limit = limit;
    core_send(c, id, KIND(PAGES), ARM(LIST_MACHINES_REQ), &lm);
}

static size_t machine_requests(void)
{
    json_t *reqs = relay_proc_requests(&it_relay);
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(reqs, i, r)
        n += strcmp(json_string_value(json_object_get(r, "path")), "/api/machines") == 0;
    json_decref(reqs);
    return n;
}

START_TEST(pages_one_per_next_and_done_after_the_last)
{
    core c;
    core_start(&c);
    pages_of_machines(&c, 1, 2);
    expect_page(&c, 1, 2);
    core_send(&c, 1, KIND(NEXT), 0, NULL);
    expect_page(&c, 1, 2);
    core_send(&c, 1, KIND(NEXT), 0, NULL);
    expect_page(&c, 1, 1);
    /* the pager knows it is over: DONE comes without a NEXT */
    expect_kind(&c, 1, KIND(DONE), NULL);
    ck_assert_uint_eq(machine_requests(), 3);
    core_send(&c, 1, KIND(NEXT), 0, NULL);   /* for an ended iteration: ignored */
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(a_repeated_cursor_ends_the_iteration)
{
    ck_assert_int_eq(relay_proc_control(&it_relay, "POST", "/pages",
                                        "{\"repeat_cursor\": 5}", NULL), 200);
    core c;
    core_start(&c);
    pages_of_machines(&c, 1, 2);
    expect_page(&c, 1, 2);
    core_send(&c, 1, KIND(NEXT), 0, NULL);
    expect_page(&c, 1, 2);   /* its next_cursor is the one just sent */
    expect_kind(&c, 1, KIND(DONE), NULL);
    ck_assert_uint_eq(machine_requests(), 2);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(cancel_releases_the_iteration)
{
    core c;
    core_start(&c);
    pages_of_machines(&c, 1, 1);
    expect_page(&c, 1, 1);
    core_send(&c, 1, KIND(CANCEL), 0, NULL);
    expect_kind(&c, 1, KIND(ERROR), "cancelled");
    core_send(&c, 1, KIND(NEXT), 0, NULL);    /* released: nothing more */
    core_send(&c, 1, KIND(CANCEL), 0, NULL);
    /* the id is free again once released */
    pages_of_machines(&c, 1, 5);
    expect_page(&c, 1, 5);
    expect_kind(&c, 1, KIND(DONE), NULL);
    ck_assert_uint_eq(machine_requests(), 2);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(eof_cancels_open_iterations)
{
    core c;
    core_start(&c);
    pages_of_machines(&c, 1, 1);
    expect_page(&c, 1, 1);
    Env **rest = NULL;
    size_t n = 0;
    ck_assert_int_eq(core_finish(&c, &rest, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(rest[0]->kind, KIND(ERROR));
    ck_assert_str_eq(rest[0]->error->code, "cancelled");
    env_free_all(rest, n);
}
END_TEST

START_TEST(refusals_before_any_request)
{
    core c;
    core_start(&c);
    /* not paginated */
    Cmdop__Core__V1__GetMachineRequest g = CMDOP__CORE__V1__GET_MACHINE_REQUEST__INIT;
    g.machine_id = IT_M_ALPHA;
    core_send(&c, 1, KIND(PAGES), ARM(GET_MACHINE_REQ), &g);
    expect_kind(&c, 1, KIND(ERROR), "unsupported");
    /* validation of the op's params, as for a REQUEST */
    pages_of_machines(&c, 2, 0);
    Env *e = next_on(&c, 2);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "validation");
    ck_assert_str_eq(e->error->field, "limit");
    env_free(e);
    /* COLLECT of an op that is not a stream */
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    core_send(&c, 3, KIND(COLLECT), ARM(LIST_MACHINES_REQ), &lm);
    expect_kind(&c, 3, KIND(ERROR), "unsupported");
    ck_assert_uint_eq(machine_requests(), 0);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(collect_is_the_c_rule)
{
    ck_assert_int_eq(relay_proc_control(&it_relay, "POST", "/ask",
                                        "{\"empty_delta_after\": 1, \"empty_done_text\": 1,"
                                        " \"delay_ms\": 0, \"streams\": 1}", NULL), 200);
    core c;
    core_start(&c);
    Cmdop__Core__V1__AskRequest r = CMDOP__CORE__V1__ASK_REQUEST__INIT;
    r.machine_id = IT_M_ALPHA;
    r.prompt = "echo: a b";
    core_send(&c, 1, KIND(COLLECT), ARM(ASK_REQ), &r);
    Env *e = next_on(&c, 1);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(COLLECTED));
    /* the empty delta contributes its text; done.text is "" */
    ck_assert_str_eq(e->collected->text, "a [empty delta]b");
    env_free(e);
    /* done.text wins when it is not empty */
    r.prompt = "hello";
    core_send(&c, 2, KIND(COLLECT), ARM(ASK_REQ), &r);
    e = next_on(&c, 2);
    ck_assert_str_eq(e->collected->text, "ok: hello");
    env_free(e);
    /* a stream error is the one ERROR */
    r.machine_id = IT_M_DELTA;
    core_send(&c, 3, KIND(COLLECT), ARM(ASK_REQ), &r);
    expect_kind(&c, 3, KIND(ERROR), "machine_offline");
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_pages");
    TCase *tc = tcase_create("stdio_pages");
    it_add_relay_fixture(tc);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pages_one_per_next_and_done_after_the_last);
    tcase_add_test(tc, a_repeated_cursor_ends_the_iteration);
    tcase_add_test(tc, cancel_releases_the_iteration);
    tcase_add_test(tc, eof_cancels_open_iterations);
    tcase_add_test(tc, refusals_before_any_request);
    tcase_add_test(tc, collect_is_the_c_rule);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
