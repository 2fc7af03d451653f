/*
 * cmdop/client.h — a client: resolved configuration, two credentials (each
 * sent only to its own plane) and an event loop (one thread, up to one per
 * processor under thousands of streams) that owns all HTTP.
 *
 * Configuration precedence for every field: explicit option > environment
 * variable > default.
 *   token        opts.token > CMDOP_TOKEN > CMDOP_API_KEY > none
 *   api_key      opts.api_key > CMDOP_API_KEY > none
 *   base_url     opts.base_url > CMDOP_BASE_URL > none (as in 1.1.1)
 *   api_base_url opts.api_base_url > CMDOP_API_BASE_URL > https://api.cmdop.com
 *                (the platform's origin; op paths start with /apix/)
 *   fleet_id     opts.fleet_id > CMDOP_FLEET_ID > none
 *   timeout_ms   opts.timeout_ms (>0) > CMDOP_TIMEOUT_MS > 30000
 * Empty strings count as unset. Trailing '/' on URLs is stripped.
 * A missing credential is not an error here: an op whose plane has none
 * fails with CMDOP_EAUTH before any network call. Likewise a missing relay
 * URL: a relay op then fails with CMDOP_EVALIDATION (field "base_url", the
 * message names CMDOP_BASE_URL) before any network call.
 *
 * Thread-safety: a client may be used from many threads at once.
 */
#ifndef CMDOP_CLIENT_H
#define CMDOP_CLIENT_H

#include "cmdop/export.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cmdop_client cmdop_client;

/* 2 added ca_file; version 1 structs are still accepted. */
#define CMDOP_CLIENT_OPTIONS_VERSION 2

typedef struct cmdop_client_options {
    unsigned int version;     /* CMDOP_CLIENT_OPTIONS_VERSION */
    const char *token;        /* relay plane credential (Bearer) */
    const char *api_key;      /* platform plane credential (X-Api-Key) */
    const char *base_url;     /* relay REST root */
    const char *api_base_url; /* platform REST root */
    const char *fleet_id;     /* default fleet for fleet-scoped ops */
    long timeout_ms;          /* per-call deadline; 0 = env/default */
    int max_retries;          /* retries after the first attempt; -1 = default (2) */
    long retry_base_ms;       /* backoff base; 0 = default (500) */
    long retry_max_ms;        /* backoff and Retry-After cap; 0 = default (8000) */
    bool use_env;             /* read CMDOP_* env vars (INIT: true) */
    /* version 2: a PEM file of CA certificates to trust instead of the
     * system bundle (borrowed during cmdop_client_new, copied); NULL =
     * CMDOP_CA_FILE > CURL_CA_BUNDLE > SSL_CERT_FILE > the system bundle.
     * SSL_CERT_DIR adds a hashed directory. Verification cannot be turned
     * off. An unreadable file is CMDOP_EVALIDATION (field "ca_file"). */
    const char *ca_file;
} cmdop_client_options;

#define CMDOP_CLIENT_OPTIONS_INIT \
    { CMDOP_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, -1, 0, 0, true, NULL }

/* Same as CMDOP_CLIENT_OPTIONS_INIT, for callers that cannot use the macro
 * (FFI). 0, or CMDOP_EINVALID (last error set) when opts is NULL or version
 * is not CMDOP_CLIENT_OPTIONS_VERSION. */
CMDOP_EXTERN int cmdop_client_options_init(cmdop_client_options *opts, unsigned int version);

/*
 * Create a client. `opts` may be NULL (everything from env/defaults); it is
 * only read during the call (strings are copied).
 * On success *out is a new client the caller frees with cmdop_client_free().
 */
CMDOP_EXTERN int cmdop_client_new(cmdop_client **out, const cmdop_client_options *opts);

/* Stops the event loop, cancels in-flight work, frees. NULL is a no-op. */
CMDOP_EXTERN void cmdop_client_free(cmdop_client *client);

/* Borrowed, valid for the client's lifetime; NULL when unset. */
CMDOP_EXTERN const char *cmdop_client_base_url(const cmdop_client *client);
CMDOP_EXTERN const char *cmdop_client_api_base_url(const cmdop_client *client);
CMDOP_EXTERN const char *cmdop_client_fleet_id(const cmdop_client *client);
CMDOP_EXTERN long cmdop_client_timeout_ms(const cmdop_client *client);
CMDOP_EXTERN bool cmdop_client_has_token(const cmdop_client *client);
CMDOP_EXTERN bool cmdop_client_has_api_key(const cmdop_client *client);

#ifdef __cplusplus
}
#endif
#endif /* CMDOP_CLIENT_H */
