/*
 * http_easy.h — INTERNAL: how one cmdop__http_req becomes a libcurl easy
 * transfer, shared by the event loop (http_loop.c) and the synchronous
 * path that runs a unary call on its caller's thread (http_sync.c): the
 * same options, checks, debug log line and error classes on both.
 */
#ifndef CMDOP__HTTP_EASY_H
#define CMDOP__HTTP_EASY_H

#include <curl/curl.h>
#include "http_loop.h"

/*
 * Configure `e` (fresh or curl_easy_reset) for `req` with the client's
 * network settings `net` (borrowed, NULL = defaults): URL, method, body,
 * headers, TLS, proxies, timeout, callbacks into req. Logs the attempt at
 * debug level. On success returns CMDOP__XFER_OK and req->slist holds the
 * header list the caller frees after the transfer; otherwise the transfer
 * must not run: CMDOP__XFER_INSECURE (a credential over plain http:// to a
 * host that is not loopback; req->xfer_msg says why) or
 * CMDOP__XFER_NOMEM.
 */
cmdop__xfer cmdop__easy_prepare(const cmdop__net *net, CURL *e, cmdop__http_req *req);

/* The two halves of cmdop__easy_prepare, for a handle reused request after
 * request (http_sync.c): the options that are the same for every request of
 * a client, set once on a fresh handle; then per request every option that
 * differs between requests (all of them, so nothing of the previous request
 * is left), with the same checks, log line and result as above. */
void cmdop__easy_defaults(const cmdop__net *net, CURL *e);
/* origin_cache[cache_cap] (NULL = none, else "" at first): the caller's
 * memory of the last loopback origin, kept between its requests. */
cmdop__xfer cmdop__easy_request(const cmdop__net *net, CURL *e, cmdop__http_req *req,
                                char *origin_cache, size_t cache_cap);

/* The transport rules every transfer of the core follows, the bots' chat
 * API calls too (bot_http.c): peer and host verified, TLS 1.2 at least, no
 * redirects, http and https only, the client's CA file/dir and no_proxy
 * (`net` borrowed, NULL = defaults). The proxy itself is the caller's. */
void cmdop__easy_secure(const cmdop__net *net, CURL *e);

/* The outcome of a finished transfer from libcurl's result. */
cmdop__xfer cmdop__easy_classify(const cmdop__http_req *req, CURLcode rc);

#endif /* CMDOP__HTTP_EASY_H */
