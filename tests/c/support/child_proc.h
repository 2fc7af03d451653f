/*
 * child_proc.h — what relay_proc.c and chat_fake.c share: a helper process
 * started with its stdout on a pipe, its one JSON startup line read, then
 * SIGTERM and wait; and one JSON call to its HTTP control API (libcurl's
 * easy interface, independent of the runtime under test).
 */
#ifndef TEST_CHILD_PROC_H
#define TEST_CHILD_PROC_H

#include <jansson.h>
#include <sys/types.h>

/* fork + execv(argv[0], argv) (NULL-terminated), then its first stdout
 * line as JSON (NEW), or NULL with a message on stderr naming `who` (the
 * child is stopped then). *pid is the child's, or 0. */
json_t *child_proc_start(pid_t *pid, const char *const *argv, const char *who);

/* SIGTERM, then wait; the exit status (0 = clean), or -1 when *pid is 0. */
int child_proc_stop(pid_t *pid);

/* method <base><path> with an optional JSON body text. Returns the HTTP
 * status (-1 on failure); *out (when not NULL) the parsed answer, NEW or
 * NULL. */
int child_proc_http(const char *base, const char *method, const char *path, const char *body,
                    long timeout_ms, json_t **out);

#endif
