/*
 * test_stdio.c — `cmdop-core --stdio` as the Python and Node clients use it:
 * the real binary ($CMDOP_CORE_BIN) spawned with pipes and the CMDOP_* env
 * pointing at the real local relay; request envelopes written, answers read
 * and matched by id. Handshake, typed response arms, errors with status and
 * request id, void ops, the platform plane, 20 calls in flight answered out
 * of order, 256 KB frames both ways, cancel (queued and running; a running
 * call's retry is aborted, seen in the relay's recording), protocol errors, and a clean exit 0 on stdin EOF that still answers pending calls.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "cmdop/version.h"
#include "it_client.h"
#include "stdio_core.h"

typedef stdio_core core;

static void send_kind(core *c, uint32_t id, Cmdop__Core__V1__Kind kind)
{
    core_send(c, id, kind, 0, NULL);
}

static void send_req(core *c, uint32_t id, int arm, const void *msg)
{
    core_send_req(c, id, arm, msg);
}

static Env *call(core *c, uint32_t id, int arm, const void *msg)
{
    send_req(c, id, arm, msg);
    Env *e = core_recv(c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, id);
    return e;
}

static void get_machine(core *c, uint32_t id, const char *machine_id)
{
    Cmdop__Core__V1__GetMachineRequest g = CMDOP__CORE__V1__GET_MACHINE_REQUEST__INIT;
    g.machine_id = (char *)machine_id;
    send_req(c, id, ARM(GET_MACHINE_REQ), &g);
}

/* ------------------------------------------------------------------ */

START_TEST(handshake_states_version_and_idl_hash)
{
    core c;
    core_spawn(&c, 1, NULL);
    Env *h = core_recv(&c);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->id, 0);
    ck_assert(h->has_kind && h->kind == KIND(RESPONSE));
    ck_assert_int_eq(h->payload_case, ARM(HELLO));
    ck_assert_str_eq(h->hello->version, cmdop_version());
    ck_assert_str_eq(h->hello->idl_hash, cmdop_idl_hash());
    ck_assert_uint_eq(strlen(h->hello->idl_hash), 64);
    env_free(h);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(machines_list_answers_machine_list)
{
    core c;
    core_start(&c);
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    Env *e = call(&c, 1, ARM(LIST_MACHINES_REQ), &lm);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(MACHINE_LIST));
    const Cmdop__Core__V1__MachineList *l = e->machine_list;
    ck_assert_uint_eq(l->n_items, 5);
    const char *names[] = {"alpha", "bravo", "charlie", "delta", "echo"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(l->items[i]->name, names[i]);
    ck_assert_str_eq(l->items[0]->id, IT_M_ALPHA);
    ck_assert_str_eq(l->items[3]->presence, "offline");
    ck_assert_ptr_nonnull(l->items[0]->specs);
    ck_assert_int_eq(l->items[0]->specs->cpu_count, 16);
    ck_assert(l->items[0]->specs->total_ram_bytes == 68719476736LL);
    ck_assert(l->items[0]->has_is_jarvis && l->items[0]->is_jarvis);
    ck_assert_uint_eq(l->items[0]->n_fleets, 1);
    ck_assert_str_eq(l->items[0]->fleets[0]->slug, "default");
    ck_assert_ptr_null(l->next_cursor);
    env_free(e);

    /* request fields are the op's params: presence and limit reach the relay */
    lm.presence = "offline";
    e = call(&c, 2, ARM(LIST_MACHINES_REQ), &lm);
    ck_assert_int_eq(e->payload_case, ARM(MACHINE_LIST));
    ck_assert_uint_eq(e->machine_list->n_items, 1);
    ck_assert_str_eq(e->machine_list->items[0]->id, IT_M_DELTA);
    env_free(e);
    lm.presence = NULL;
    lm.has_limit = 1;
    lm.limit = 2;
    e = call(&c, 3, ARM(LIST_MACHINES_REQ), &lm);
    ck_assert_uint_eq(e->machine_list->n_items, 2);
    ck_assert(e->machine_list->has_has_more && e->machine_list->has_more);
    ck_assert_ptr_nonnull(e->machine_list->next_cursor);
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(not_found_is_an_error_with_status_and_request_id)
{
    core c;
    core_start(&c);
    get_machine(&c, 7, IT_UNKNOWN);
    Env *e = core_recv(&c);
    ck_assert_uint_eq(e->id, 7);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_int_eq(e->payload_case, ARM(ERROR));
    ck_assert_str_eq(e->error->code, "not_found");
    ck_assert(strlen(e->error->message) > 0);
    ck_assert(e->error->has_status && e->error->status == 404);
    ck_assert_ptr_nonnull(e->error->request_id);
    ck_assert_msg(strncmp(e->error->request_id, "req_", 4) == 0, "%s", e->error->request_id);
    ck_assert(e->error->has_retryable && !e->error->retryable);
    env_free(e);

    /* a client-side validation error: no status, names the field, nothing sent */
    it_clear_recording();
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    lm.has_limit = 1;
    lm.limit = 1000;
    e = call(&c, 8, ARM(LIST_MACHINES_REQ), &lm);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "validation");
    ck_assert_str_eq(e->error->field, "limit");
    ck_assert(!e->error->has_status);
    env_free(e);
    ck_assert_uint_eq(it_request_count(), 0);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(void_op_answers_empty)
{
    core c;
    core_start(&c);
    Cmdop__Core__V1__DisableMachineRequest d = CMDOP__CORE__V1__DISABLE_MACHINE_REQUEST__INIT;
    d.machine_id = IT_M_ECHO;
    Env *e = call(&c, 1, ARM(DISABLE_MACHINE_REQ), &d);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(EMPTY));
    env_free(e);
    /* it happened: the machine now reports disabled_at */
    get_machine(&c, 2, IT_M_ECHO);
    e = core_recv(&c);
    ck_assert_int_eq(e->payload_case, ARM(MACHINE_DETAIL));
    ck_assert_ptr_nonnull(e->machine_detail->summary);
    ck_assert_str_eq(e->machine_detail->summary->id, IT_M_ECHO);
    ck_assert_ptr_nonnull(e->machine_detail->summary->disabled_at);
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(platform_plane_ops)
{
    core c;
    core_start(&c);
    Cmdop__Core__V1__SkillsListRequest sl = CMDOP__CORE__V1__SKILLS_LIST_REQUEST__INIT;
    sl.has_page_size = 1;
    sl.page_size = 2;
    Env *e = call(&c, 1, ARM(SKILLS_LIST_REQ), &sl);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(SKILL_LIST_PAGE));
    ck_assert_uint_eq(e->skill_list_page->n_results, 2);
    ck_assert_int_gt(e->skill_list_page->count, 2);
    ck_assert(e->skill_list_page->has_next);
    ck_assert_ptr_nonnull(e->skill_list_page->results[0]->slug);
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);

    /* without CMDOP_API_KEY the platform plane fails before the network,
     * while the relay plane still works in the same core */
    core_spawn(&c, 0, NULL);
    env_free(core_recv(&c));
    it_clear_recording();
    e = call(&c, 1, ARM(SKILLS_LIST_REQ), &sl);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "auth");
    ck_assert(!e->error->has_status);
    env_free(e);
    ck_assert_uint_eq(it_request_count(), 0);
    get_machine(&c, 2, IT_M_ALPHA);
    e = core_recv(&c);
    ck_assert_int_eq(e->payload_case, ARM(MACHINE_DETAIL));
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(twenty_calls_in_flight_answered_by_id)
{
    core c;
    core_start(&c);
    /* id 1's first attempt gets a 503 with Retry-After: 1, so it is still
     * waiting while the 19 others are sent and answered */
    ck_assert_int_eq(relay_proc_fail(&it_relay, 1, 503, "1"), 0);
    get_machine(&c, 1, IT_M_ALPHA);
    usleep(300 * 1000);
    const char *ids[] = {IT_M_ALPHA, IT_M_BRAVO, IT_M_CHARLIE, IT_M_DELTA, IT_M_ECHO};
    Cmdop__Core__V1__ListFleetsRequest lf = CMDOP__CORE__V1__LIST_FLEETS_REQUEST__INIT;
    for (uint32_t id = 2; id <= 20; id++) {
        if (id % 4 == 0)
            send_req(&c, id, ARM(LIST_FLEETS_REQ), &lf);
        else if (id % 4 == 1)
            get_machine(&c, id, IT_UNKNOWN);
        else
            get_machine(&c, id, ids[id % 5]);
    }
    int seen[21] = {0};
    uint32_t order[20];
    for (int k = 0; k < 20; k++) {
        Env *e = core_recv(&c);
        ck_assert_ptr_nonnull(e);
        uint32_t id = e->id;
        ck_assert_msg(id >= 1 && id <= 20 && !seen[id], "unexpected or repeated id %u", id);
        seen[id] = 1;
        order[k] = id;
        if (id == 1) {
            ck_assert_int_eq(e->payload_case, ARM(MACHINE_DETAIL));
            ck_assert_str_eq(e->machine_detail->summary->id, IT_M_ALPHA);
        } else if (id % 4 == 0) {
            ck_assert_int_eq(e->payload_case, ARM(FLEET_LIST));
            ck_assert_uint_ge(e->fleet_list->n_items, 1);
        } else if (id % 4 == 1) {
            ck_assert_int_eq(e->kind, KIND(ERROR));
            ck_assert_str_eq(e->error->code, "not_found");
        } else {
            ck_assert_int_eq(e->payload_case, ARM(MACHINE_DETAIL));
            ck_assert_str_eq(e->machine_detail->summary->id, ids[id % 5]);
        }
        env_free(e);
    }
    /* the slow first call did not hold the others back */
    ck_assert_uint_eq(order[19], 1);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(frames_of_256_kb_both_ways)
{
    core c;
    core_start(&c);
    const size_t big = 256 * 1024;
    char *readme = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        readme[i] = (char)('a' + i % 26);
    readme[big] = '\0';
    Cmdop__Core__V1__SkillsCreateRequest cr = CMDOP__CORE__V1__SKILLS_CREATE_REQUEST__INIT;
    cr.name = "stdio-big";
    Env *e = call(&c, 1, ARM(SKILLS_CREATE_REQ), &cr);
    ck_assert_int_eq(e->payload_case, ARM(SKILL_CREATED));
    env_free(e);

    Cmdop__Core__V1__SkillsPublishRequest pr = CMDOP__CORE__V1__SKILLS_PUBLISH_REQUEST__INIT;
    pr.slug = "stdio-big";
    pr.raw_manifest = "{\"name\": \"stdio-big\", \"version\": \"1.2.3\"}";
    pr.readme = readme;
    e = call(&c, 2, ARM(SKILLS_PUBLISH_REQ), &pr);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(SKILLS_PUBLISH_RESP));
    ck_assert_str_eq(e->skills_publish_resp->status, "accepted");
    env_free(e);

    Cmdop__Core__V1__SkillsGetRequest g = CMDOP__CORE__V1__SKILLS_GET_REQUEST__INIT;
    g.slug = "stdio-big";
    e = call(&c, 3, ARM(SKILLS_GET_REQ), &g);
    ck_assert_int_eq(e->payload_case, ARM(SKILL_DETAIL));
    ck_assert_ptr_nonnull(e->skill_detail->readme);
    ck_assert_uint_eq(strlen(e->skill_detail->readme), big);
    ck_assert_int_eq(memcmp(e->skill_detail->readme, readme, big), 0);
    ck_assert(protobuf_c_message_get_packed_size(&e->base) > big);
    env_free(e);
    free(readme);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

static int recorded_path(const char *needle)
{
    json_t *reqs = it_requests();
    size_t i;
    json_t *r;
    int hits = 0;
    json_array_foreach(reqs, i, r) {
        const char *p = json_string_value(json_object_get(r, "path"));
        if (p && strstr(p, needle))
            hits++;
    }
    json_decref(reqs);
    return hits;
}

START_TEST(cancel_running_and_queued_calls)
{
    core c;
    core_start(&c);
    it_clear_recording();
    /* 8 calls (one per worker) wait 2 s in backoff after a 503 */
    ck_assert_int_eq(relay_proc_fail(&it_relay, 8, 503, "2"), 0);
    for (uint32_t id = 1; id <= 8; id++)
        get_machine(&c, id, IT_M_ALPHA);
    usleep(400 * 1000);
    /* id 9 waits for a worker: cancelling it means it never runs */
    get_machine(&c, 9, IT_M_DELTA);
    send_kind(&c, 9, KIND(CANCEL));
    int64_t t0 = core_now_ms();
    Env *e = core_recv(&c);
    ck_assert_uint_eq(e->id, 9);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    /* id 3 is running: answered as cancelled at once, its late result dropped */
    send_kind(&c, 3, KIND(CANCEL));
    e = core_recv(&c);
    ck_assert_uint_eq(e->id, 3);
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    ck_assert_int_lt(core_now_ms() - t0, 1000);
    /* cancelling an unknown or finished id is ignored */
    send_kind(&c, 77, KIND(CANCEL));
    send_kind(&c, 3, KIND(CANCEL));

    Env **rest;
    size_t n;
    ck_assert_int_eq(core_finish(&c, &rest, &n), 0);
    /* the 7 others end normally; nothing more for 3, 9 or 77 */
    ck_assert_uint_eq(n, 7);
    for (size_t i = 0; i < n; i++) {
        ck_assert(rest[i]->id >= 1 && rest[i]->id <= 8 && rest[i]->id != 3);
        ck_assert_int_eq(rest[i]->payload_case, ARM(MACHINE_DETAIL));
    }
    env_free_all(rest, n);
    ck_assert_int_eq(recorded_path(IT_M_DELTA), 0);
}
END_TEST

START_TEST(cancel_aborts_a_running_calls_retry)
{
    core c;
    core_start(&c);
    it_clear_recording();
    /* the first attempt gets a 503 asking for 2 s: the call sits in backoff */
    ck_assert_int_eq(relay_proc_fail(&it_relay, 1, 503, "2"), 0);
    get_machine(&c, 1, IT_M_DELTA);
    for (int i = 0; i < 500 && recorded_path(IT_M_DELTA) < 1; i++)
        usleep(10 * 1000);
    ck_assert_int_eq(recorded_path(IT_M_DELTA), 1);
    send_kind(&c, 1, KIND(CANCEL));
    Env *e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    /* EOF: the core lets every running call finish before it exits, so an
     * uncancelled retry would have reached the relay by now. Exactly one
     * answer for id 1, and one attempt recorded. */
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
    ck_assert_int_eq(recorded_path(IT_M_DELTA), 1);
}
END_TEST

START_TEST(protocol_errors_and_ignored_frames)
{
    core c;
    core_start(&c);
    /* a response arm is no request */
    Cmdop__Core__V1__MachineList ml = CMDOP__CORE__V1__MACHINE_LIST__INIT;
    Env *e = call(&c, 1, ARM(MACHINE_LIST), &ml);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "unknown_op");
    env_free(e);
    /* a request without a payload */
    send_kind(&c, 2, KIND(REQUEST));
    e = core_recv(&c);
    ck_assert_uint_eq(e->id, 2);
    ck_assert_str_eq(e->error->code, "unknown_op");
    env_free(e);
    /* other kinds, an unknown kind number and an undecodable frame are
     * skipped without an answer */
    send_kind(&c, 3, KIND(ANSWER));
    send_kind(&c, 4, KIND(RESPONSE));
    send_kind(&c, 5, (Cmdop__Core__V1__Kind)42);
    const uint8_t junk[] = {0x03, 0xff, 0xff, 0xff};
    ck_assert_int_eq(write(c.to, junk, sizeof junk), (ssize_t)sizeof junk);
    /* the same id twice while the first is in flight */
    ck_assert_int_eq(relay_proc_fail(&it_relay, 1, 503, "1"), 0);
    get_machine(&c, 6, IT_M_ALPHA);
    usleep(200 * 1000);
    get_machine(&c, 6, IT_M_BRAVO);
    e = core_recv(&c);
    ck_assert_uint_eq(e->id, 6);
    ck_assert_str_eq(e->error->code, "internal");
    ck_assert_msg(strstr(e->error->message, "in flight") != NULL, "%s", e->error->message);
    env_free(e);
    e = core_recv(&c);
    ck_assert_uint_eq(e->id, 6);
    ck_assert_str_eq(e->machine_detail->summary->id, IT_M_ALPHA);
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(eof_answers_pending_calls_then_exits_0)
{
    core c;
    core_start(&c);
    ck_assert_int_eq(relay_proc_fail(&it_relay, 1, 503, "1"), 0);
    get_machine(&c, 1, IT_M_BRAVO);
    get_machine(&c, 2, IT_M_CHARLIE);
    Env **rest;
    size_t n;
    int64_t t0 = core_now_ms();
    ck_assert_int_eq(core_finish(&c, &rest, &n), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(rest[i]->payload_case, ARM(MACHINE_DETAIL));
    env_free_all(rest, n);
    ck_assert_int_lt(core_now_ms() - t0, 10000);
}
END_TEST

START_TEST(bad_configuration_answers_every_request)
{
    core c;
    core_spawn(&c, 1, "CMDOP_TIMEOUT_MS=soon");
    Env *h = core_recv(&c);
    ck_assert_int_eq(h->payload_case, ARM(HELLO));
    env_free(h);
    Cmdop__Core__V1__ListMachinesRequest lm = CMDOP__CORE__V1__LIST_MACHINES_REQUEST__INIT;
    Env *e = call(&c, 1, ARM(LIST_MACHINES_REQ), &lm);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "validation");
    ck_assert_str_eq(e->error->field, "CMDOP_TIMEOUT_MS");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(truncated_input_exits_1)
{
    core c;
    core_start(&c);
    const uint8_t half[] = {0x10, 0x08};
    ck_assert_int_eq(write(c.to, half, sizeof half), (ssize_t)sizeof half);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio");
    TCase *tc = tcase_create("stdio");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, handshake_states_version_and_idl_hash);
    tcase_add_test(tc, machines_list_answers_machine_list);
    tcase_add_test(tc, not_found_is_an_error_with_status_and_request_id);
    tcase_add_test(tc, void_op_answers_empty);
    tcase_add_test(tc, platform_plane_ops);
    tcase_add_test(tc, twenty_calls_in_flight_answered_by_id);
    tcase_add_test(tc, frames_of_256_kb_both_ways);
    tcase_add_test(tc, cancel_running_and_queued_calls);
    tcase_add_test(tc, cancel_aborts_a_running_calls_retry);
    tcase_add_test(tc, protocol_errors_and_ignored_frames);
    tcase_add_test(tc, eof_answers_pending_calls_then_exits_0);
    tcase_add_test(tc, bad_configuration_answers_every_request);
    tcase_add_test(tc, truncated_input_exits_1);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
