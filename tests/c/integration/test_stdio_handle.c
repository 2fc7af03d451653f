/*
 * test_stdio_handle.c — a local op's handle through `cmdop-core --stdio`
 * (docs/stdio.md "Handles"), with bots.run as the handle: validation before
 * anything starts (one ERROR), RESPONSE + the state arm on open, EVENT + the
 * state arm on a change, a method on a new id naming the handle (RESPONSE
 * empty), the DONE + state `stopped` after it, a method on a handle that is
 * not open (ERROR not_found), CANCEL (ERROR cancelled) and stdin EOF. The
 * bot's chat API is a closed loopback port, so it never gets a message.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "it_client.h"
#include "stdio_core.h"

#define BOT_STATUS(x) CMDOP__CORE__V1__BOT_STATUS__BOT_STATUS_##x

static void run(stdio_core *c, uint32_t id, const char *token)
{
    Cmdop__Core__V1__BotsRunRequest r = CMDOP__CORE__V1__BOTS_RUN_REQUEST__INIT;
    r.has_platform = 1;
    r.platform = CMDOP__CORE__V1__BOT_PLATFORM__BOT_PLATFORM_TELEGRAM;
    r.token = (char *)token;
    r.machine_id = (char *)IT_M_ALPHA;
    r.api_base_url = "http://127.0.0.1:9";
    core_send_req(c, id, ARM(BOTS_RUN_REQ), &r);
}

static void stop(stdio_core *c, uint32_t id, uint32_t handle)
{
    Cmdop__Core__V1__RunningBotStopRequest r = CMDOP__CORE__V1__RUNNING_BOT_STOP_REQUEST__INIT;
    r.has_handle = 1;
    r.handle = handle;
    core_send_req(c, id, ARM(RUNNING_BOT_STOP_REQ), &r);
}

START_TEST(validation_is_one_error)
{
    stdio_core c;
    core_start(&c);
    run(&c, 1, NULL);
    Env *e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "validation");
    ck_assert_str_eq(e->error->field, "token");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

START_TEST(open_state_stop_done)
{
    stdio_core c;
    core_start(&c);
    run(&c, 1, "1:x");
    Env *e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 1);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    ck_assert_int_eq(e->payload_case, ARM(RUNNING_BOT_STATE));
    env_free(e);
    stop(&c, 2, 1);
    /* on id 1: state changes and events until DONE + state stopped; on id 2
     * one RESPONSE empty (in any order between the two ids) */
    int done = 0, answered = 0;
    while (!done || !answered) {
        e = core_recv(&c);
        ck_assert_ptr_nonnull(e);
        if (e->id == 2) {
            ck_assert_int_eq(e->kind, KIND(RESPONSE));
            ck_assert_int_eq(e->payload_case, ARM(EMPTY));
            answered = 1;
        } else {
            ck_assert_uint_eq(e->id, 1);
            ck_assert_msg(e->kind == KIND(EVENT) || e->kind == KIND(DONE), "kind %d", e->kind);
            ck_assert_msg(e->payload_case == ARM(RUNNING_BOT_STATE) ||
                              e->payload_case == ARM(BOT_EVENT),
                          "arm %d", e->payload_case);
            if (e->kind == KIND(DONE)) {
                ck_assert_int_eq(e->payload_case, ARM(RUNNING_BOT_STATE));
                ck_assert_int_eq(e->running_bot_state->status, BOT_STATUS(STOPPED));
                done = 1;
            }
        }
        env_free(e);
    }
    /* the handle is gone: a method on it is not_found */
    stop(&c, 3, 1);
    e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 3);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "not_found");
    env_free(e);
    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
}
END_TEST

/* Frames on `id` until its terminal one, which is returned (NEW). */
static Env *terminal_on(stdio_core *c, uint32_t id)
{
    for (;;) {
        Env *e = core_recv(c);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->id, id);
        if (e->kind == KIND(ERROR) || e->kind == KIND(DONE))
            return e;
        env_free(e);
    }
}

START_TEST(cancel_and_eof)
{
    stdio_core c;
    core_start(&c);
    run(&c, 1, "1:x");
    Env *e = core_recv(&c);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    env_free(e);
    core_send(&c, 1, KIND(CANCEL), 0, NULL);
    e = terminal_on(&c, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    /* one more open handle: stdin EOF cancels it too */
    run(&c, 2, "1:x");
    e = core_recv(&c);
    ck_assert_uint_eq(e->id, 2);
    ck_assert_int_eq(e->kind, KIND(RESPONSE));
    env_free(e);
    Env **rest;
    size_t n;
    ck_assert_int_eq(core_finish(&c, &rest, &n), 0);
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_eq(rest[n - 1]->id, 2);
    ck_assert_int_eq(rest[n - 1]->kind, KIND(ERROR));
    ck_assert_str_eq(rest[n - 1]->error->code, "cancelled");
    env_free_all(rest, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_handle");
    TCase *tc = tcase_create("stdio_handle");
    it_add_relay_fixture(tc);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, validation_is_one_error);
    tcase_add_test(tc, open_state_stop_done);
    tcase_add_test(tc, cancel_and_eof);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
