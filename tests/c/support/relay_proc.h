/*
 * relay_proc.h — start the real local relay (`cmdop-core relay --port 0`) as
 * a child process for an integration test, and talk to its control endpoint.
 * The binary is $CMDOP_CORE_BIN, else build/cmdop-core.
 */
#ifndef TEST_RELAY_PROC_H
#define TEST_RELAY_PROC_H

#include <sys/types.h>
#include <jansson.h>

typedef struct relay_proc {
    pid_t pid;
    char relay_url[256];
    char platform_url[256];
    char control_url[256];
    char token[128];
    char api_key[128];
} relay_proc;

/* Starts a relay on a free loopback port and waits for its startup line.
 * `extra_args` (NULL-terminated, may be NULL) are appended to the command.
 * Returns 0, or -1 with a message on stderr. */
int relay_proc_start(relay_proc *rp, const char *const *extra_args);

/* SIGTERM, then waits; returns the child's exit status (0 = clean). */
int relay_proc_stop(relay_proc *rp);

/* One control request: method + path below control_url, optional JSON body
 * text. Returns the HTTP status (or -1) and, when `out` is not NULL, the
 * parsed JSON response (new reference, NULL if none). */
int relay_proc_control(const relay_proc *rp, const char *method,
                       const char *path, const char *body, json_t **out);

/* The relay's recording of requests (new reference to the array), or NULL. */
json_t *relay_proc_requests(const relay_proc *rp);

/* Clears the recording and failure injection (and, with state, the data). */
int relay_proc_reset(const relay_proc *rp, int state);

/* Makes the next `count` requests fail with `status` (and Retry-After when
 * retry_after is not NULL). */
int relay_proc_fail(const relay_proc *rp, int count, int status,
                    const char *retry_after);

#endif
