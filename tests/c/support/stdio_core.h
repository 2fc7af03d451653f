/*
 * stdio_core.h — drive `cmdop-core --stdio` ($CMDOP_CORE_BIN, else
 * build/cmdop-core) from an integration test: spawn it with pipes and the
 * CMDOP_* environment pointing at it_relay, write envelopes, read them back
 * (each read fails the test after 15 s), close stdin and reap it.
 */
#ifndef TEST_STDIO_CORE_H
#define TEST_STDIO_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "stdio_writer.h"

typedef Cmdop__Core__V1__Envelope Env;
#define KIND(k) CMDOP__CORE__V1__KIND__KIND_##k
#define ARM(a) CMDOP__CORE__V1__ENVELOPE__PAYLOAD_##a

typedef struct stdio_core {
    pid_t pid;
    int to, from;             /* the core's stdin (write end), stdout (read end) */
    cmdop__stdio_writer w;
} stdio_core;

/* Spawn. with_api_key 0 leaves CMDOP_API_KEY unset; `extra` is one more
 * "NAME=value" for the child's env, or NULL. The hello is not read. */
void core_spawn(stdio_core *c, int with_api_key, const char *extra);
/* Spawn with both credentials, read (and check) the core's hello frame and
 * answer with ours (the reading of our clients: absent = not passed). */
void core_start(stdio_core *c);

/* Next envelope (NEW, env_free), or NULL at EOF. */
Env *core_recv(stdio_core *c);
void env_free(Env *e);

/* Write {id, REQUEST, arm = msg}. */
void core_send_req(stdio_core *c, uint32_t id, int arm, const void *msg);
/* Write {id, kind, arm = msg} (msg NULL: no payload). */
void core_send(stdio_core *c, uint32_t id, Cmdop__Core__V1__Kind kind, int arm,
               const void *msg);

/* Close stdin, read every remaining frame (NEW array in *rest, *n of them;
 * with rest NULL they must be none) and return the exit status. */
int core_finish(stdio_core *c, Env ***rest, size_t *n);
void env_free_all(Env **all, size_t n);

int64_t core_now_ms(void);

#endif
