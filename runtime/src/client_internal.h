/*
 * client_internal.h — INTERNAL: what a cmdop_client holds.
 */
#ifndef CMDOP__CLIENT_INTERNAL_H
#define CMDOP__CLIENT_INTERNAL_H

#include "config.h"
#include "debug_log.h"
#include "http_loop.h"
#include "retry.h"

struct cmdop_client {
    cmdop__config cfg;            /* resolved once, read-only afterwards */
    cmdop__retry_policy retry;    /* from cfg */
    cmdop__loop *loop;            /* the client's event-loop thread */
    cmdop__debug_log *log;        /* CMDOP_DEBUG=1, else NULL */
};

/* Like cmdop_client_new, reading the environment through `env` (tests). */
int cmdop__client_new_env(cmdop_client **out, const cmdop_client_options *opts,
                          cmdop__getenv_fn env);

#endif /* CMDOP__CLIENT_INTERNAL_H */
