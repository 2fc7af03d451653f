/*
 * config.h — INTERNAL: resolving a client's configuration from explicit
 * options, the environment and defaults (precedence in cmdop/client.h).
 * Pure: the environment is read only through the given function, so tests
 * pass a fake one.
 */
#ifndef CMDOP__CONFIG_H
#define CMDOP__CONFIG_H

#include <stdbool.h>
#include "cmdop/client.h"
#include "http_loop.h"

#define CMDOP__DEFAULT_MAX_RETRIES 2
#define CMDOP__DEFAULT_RETRY_BASE_MS 500L
#define CMDOP__DEFAULT_RETRY_MAX_MS 8000L

/* getenv(3) or a fake with the same shape; returns borrowed or NULL. */
typedef const char *(*cmdop__getenv_fn)(const char *name);

typedef struct cmdop__config {
    char *token;          /* owned; NULL = none */
    char *api_key;        /* owned; NULL = none */
    char *base_url;       /* owned, no trailing '/'; NULL = not configured (the
                             relay plane has no default, as in 1.1.1: its ops
                             then fail naming CMDOP_BASE_URL) */
    char *api_base_url;   /* owned, never NULL after resolve */
    char *fleet_id;       /* owned; NULL = none */
    long timeout_ms;      /* > 0 */
    int max_retries;      /* >= 0 */
    long retry_base_ms;   /* > 0 */
    long retry_max_ms;    /* >= retry_base_ms */
    bool debug;           /* CMDOP_DEBUG=1 */
    cmdop__net net;       /* CAs, proxies, plain-http opt-in (net.h) */
} cmdop__config;

/*
 * Fill *cfg (which the caller zeroes or which was cleared) from `opts` (may
 * be NULL = all defaults, env on) and `env` (ignored when opts->use_env is
 * false; NULL = no environment). Returns 0, or CMDOP_EINVALID (bad
 * options version), CMDOP_EVALIDATION (a bad value, the error naming the
 * option or variable), CMDOP_ENOMEM; on failure *cfg holds nothing.
 * Free with cmdop__config_clear().
 */
int cmdop__config_resolve(cmdop__config *cfg, const cmdop_client_options *opts,
                          cmdop__getenv_fn env);

/* Free what *cfg owns and zero it. */
void cmdop__config_clear(cmdop__config *cfg);

#endif /* CMDOP__CONFIG_H */
