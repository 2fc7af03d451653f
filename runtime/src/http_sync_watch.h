/*
 * http_sync_watch.h — INTERNAL: one more descriptor the synchronous path
 * (http_sync.c) waits on, for a thread that runs a unary call while it also
 * owes attention to its input: the stdio server's reader runs a call itself
 * and hands its input to another thread only once that input has something
 * to read (docs/stdio.md "Threads").
 *
 * While a watch is set on a thread, every wait of a transfer or of a retry
 * backoff on that thread (curl_multi_poll) also wakes when `fd` is readable
 * or hung up; then it sets `fired` and calls `fire(arg)` once, and stops
 * watching `fd`. Waits that the synchronous path cannot watch (the loop
 * fallback when a slot cannot be allocated) fire the watch before they
 * start. Not on Windows, where curl waits on sockets only: there
 * CMDOP__SYNC_WATCH is 0 and cmdop__sync_watch_set must not be called.
 */
#ifndef CMDOP__HTTP_SYNC_WATCH_H
#define CMDOP__HTTP_SYNC_WATCH_H

#include <stdbool.h>

#ifdef _WIN32
#define CMDOP__SYNC_WATCH 0
#else
#define CMDOP__SYNC_WATCH 1
#endif

typedef struct cmdop__sync_watch {
    int fd;
    void (*fire)(void *arg);   /* runs on the watching thread, once */
    void *arg;
    bool fired;
} cmdop__sync_watch;

/* Set (w, borrowed until cleared) or clear (NULL) this thread's watch. */
void cmdop__sync_watch_set(cmdop__sync_watch *w);

/* Fire this thread's watch now if it is set and has not fired. */
void cmdop__sync_watch_fire(void);

#endif /* CMDOP__HTTP_SYNC_WATCH_H */
