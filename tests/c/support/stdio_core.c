/* stdio_core.c — see stdio_core.h. */
#include "stdio_core.h"

#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "it_client.h"
#include "stdio_frame.h"

int64_t core_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void core_spawn(stdio_core *c, int with_api_key, const char *extra)
{
    int in[2], out[2];
    signal(SIGPIPE, SIG_IGN);   /* a dead core must fail a test, not kill it */
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    const char *bin = getenv("CMDOP_CORE_BIN");
    if (!bin || !*bin)
        bin = "build/cmdop-core";
    c->pid = fork();
    ck_assert_int_ge(c->pid, 0);
    if (c->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        const char *unset[] = {"CMDOP_TOKEN", "CMDOP_API_KEY", "CMDOP_BASE_URL",
                               "CMDOP_API_BASE_URL", "CMDOP_FLEET_ID", "CMDOP_TIMEOUT_MS",
                               "CMDOP_DEBUG"};
        for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
            unsetenv(unset[i]);
        setenv("CMDOP_BASE_URL", it_relay.relay_url, 1);
        setenv("CMDOP_API_BASE_URL", it_relay.platform_url, 1);
        setenv("CMDOP_TOKEN", it_relay.token, 1);
        if (with_api_key)
            setenv("CMDOP_API_KEY", it_relay.api_key, 1);
        if (extra)
            putenv((char *)extra);
        execl(bin, "cmdop-core", "--stdio", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->to = in[1];
    c->from = out[0];
    cmdop__stdio_writer_init(&c->w, c->to);
}

Env *core_recv(stdio_core *c)
{
    struct pollfd p = {.fd = c->from, .events = POLLIN};
    ck_assert_msg(poll(&p, 1, 15000) == 1, "no frame from the core within 15 s");
    uint8_t *buf = NULL;
    size_t len = 0;
    cmdop__frame_rc rc = cmdop__stdio_read_frame(c->from, &buf, &len);
    if (rc == CMDOP__FRAME_EOF)
        return NULL;
    ck_assert_int_eq(rc, CMDOP__FRAME_OK);
    Env *e = cmdop__core__v1__envelope__unpack(NULL, len, buf);
    free(buf);
    ck_assert_msg(e != NULL, "stdout carried something that is not an Envelope");
    return e;
}

void env_free(Env *e)
{
    cmdop__core__v1__envelope__free_unpacked(e, NULL);
}

void core_start(stdio_core *c)
{
    core_spawn(c, 1, NULL);
    Env *h = core_recv(c);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(h->payload_case, ARM(HELLO));
    /* our hello back, as our clients send it: absent fields are "not passed"
     * (without it the core reads the 1.1 schema's proto3 presence;
     * docs/stdio.md "Presence") */
    Cmdop__Core__V1__Hello mine = CMDOP__CORE__V1__HELLO__INIT;
    mine.version = "c-test";
    mine.idl_hash = h->hello->idl_hash;
    core_send(c, 0, KIND(REQUEST), ARM(HELLO), &mine);
    env_free(h);
}

void core_send(stdio_core *c, uint32_t id, Cmdop__Core__V1__Kind kind, int arm,
               const void *msg)
{
    ck_assert_int_eq(cmdop__stdio_send(&c->w, id, kind, arm, msg), 0);
}

void core_send_req(stdio_core *c, uint32_t id, int arm, const void *msg)
{
    core_send(c, id, KIND(REQUEST), arm, msg);
}

int core_finish(stdio_core *c, Env ***rest, size_t *n)
{
    close(c->to);
    Env **all = NULL;
    size_t k = 0;
    Env *e;
    while ((e = core_recv(c)) != NULL) {
        all = realloc(all, (k + 1) * sizeof *all);
        all[k++] = e;
    }
    close(c->from);
    int st = -1;
    ck_assert_int_eq(waitpid(c->pid, &st, 0), c->pid);
    cmdop__stdio_writer_destroy(&c->w);
    if (rest) {
        *rest = all;
        *n = k;
    } else {
        env_free_all(all, k);
        ck_assert_uint_eq(k, 0);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void env_free_all(Env **all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        env_free(all[i]);
    free(all);
}
