/*
 * bot_http.h — INTERNAL: one blocking JSON request of the bot engine to a
 * chat platform's REST API (libcurl easy handle, on the calling thread:
 * the bot's loop or a chat worker, never the client's event loop, so a
 * long poll or a platform's rate-limit wait holds no one else up).
 *
 * The same transfer rules as the client's loop (http_loop.c): peer
 * verification on, TLS 1.2 at least, no redirects, http/https only, the
 * client's proxy and CA resolution (net.h). Nothing is logged: the URL of
 * a Telegram call carries the bot token.
 */
#ifndef CMDOP__BOT_HTTP_H
#define CMDOP__BOT_HTTP_H

#include <jansson.h>
#include <stdatomic.h>

#include "http_loop.h"

typedef struct bot_http_resp {
    long status;          /* HTTP status; 0 = no answer (transport failure or aborted) */
    json_t *body;         /* the parsed JSON body, or NULL */
    double retry_after_s; /* Retry-After header, -1 when absent */
    double rl_reset_after_s; /* X-RateLimit-Reset-After (Discord), -1 when absent */
    long rl_remaining;    /* X-RateLimit-Remaining (Discord), -1 when absent */
    bool aborted;         /* `abort_flag` became non-zero */
    char err[160];        /* transport failure, without the URL */
} bot_http_resp;

/*
 * method + url with `headers` ("Name: value", NULL-terminated, may be NULL)
 * and an optional JSON body (BORROWED; sent as application/json). The
 * transfer is aborted as soon as *abort_flag (may be NULL) is non-zero.
 * Always fills *out (free with bot_http_resp_clear); returns 0 when an
 * HTTP answer arrived, -1 otherwise.
 */
int cmdop__bot_http(const cmdop__net *net, const char *method, const char *url,
                    const char *const *headers, const json_t *body, long timeout_ms,
                    atomic_int *abort_flag, atomic_int *abort_flag2, bot_http_resp *out);

void cmdop__bot_http_clear(bot_http_resp *r);

#endif /* CMDOP__BOT_HTTP_H */
