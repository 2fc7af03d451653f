/*
 * test_stdio_lead.c — the stdio core's reader role (docs/stdio.md
 * "Threads"): a unary call that the reading thread runs itself must not
 * stop the input from being read. The call goes to a server that accepts
 * the connection and never answers, so it waits in its transfer; a second
 * REQUEST on the same id and a CANCEL are still read and answered at once,
 * and the core still exits 0 at EOF.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "it_client.h"
#include "stdio_core.h"

/* A listening socket on a free loopback port that never accepts: the
 * kernel completes the connection and keeps the request unread. */
static int silent_server(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, 8), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void get_machine(stdio_core *c, uint32_t id)
{
    Cmdop__Core__V1__GetMachineRequest g = CMDOP__CORE__V1__GET_MACHINE_REQUEST__INIT;
    g.machine_id = (char *)IT_M_ALPHA;
    core_send_req(c, id, ARM(GET_MACHINE_REQ), &g);
}

START_TEST(input_is_read_while_the_reader_runs_a_call)
{
    int port;
    int srv = silent_server(&port);
    static char env[64];
    snprintf(env, sizeof env, "CMDOP_BASE_URL=http://127.0.0.1:%d", port);
    stdio_core c;
    core_spawn(&c, 1, env);
    Env *h = core_recv(&c);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(h->payload_case, ARM(HELLO));
    env_free(h);

    /* the only request: the reading thread runs it and waits for an answer
     * that never comes */
    get_machine(&c, 1);
    usleep(300 * 1000);

    /* the same id again: answered by whichever thread reads now */
    int64_t t0 = core_now_ms();
    get_machine(&c, 1);
    Env *e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "internal");
    ck_assert_ptr_nonnull(strstr(e->error->message, "already in flight"));
    env_free(e);

    /* and the CANCEL of the waiting call: at once, its one answer */
    core_send(&c, 1, KIND(CANCEL), 0, NULL);
    e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 1);
    ck_assert_int_eq(e->kind, KIND(ERROR));
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    ck_assert_int_lt(core_now_ms() - t0, 2000);

    /* the next call is read and runs too (and is cancelled the same way) */
    get_machine(&c, 2);
    usleep(100 * 1000);
    t0 = core_now_ms();
    core_send(&c, 2, KIND(CANCEL), 0, NULL);
    e = core_recv(&c);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->id, 2);
    ck_assert_str_eq(e->error->code, "cancelled");
    env_free(e);
    ck_assert_int_lt(core_now_ms() - t0, 2000);

    ck_assert_int_eq(core_finish(&c, NULL, NULL), 0);
    close(srv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_lead");
    TCase *tc = tcase_create("stdio_lead");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, input_is_read_while_the_reader_runs_a_call);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
