/*
 * http_easy.c — one request as a libcurl easy transfer (http_easy.h):
 * body and header sinks, TLS/proxy settings, error classes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call.h"
#include "debug_log.h"
#include "http_easy.h"
#include "port.h"

_Static_assert(CMDOP__HTTP_PAUSE == CURL_WRITEFUNC_PAUSE, "CMDOP__HTTP_PAUSE is curl's pause");

static size_t on_body(char *data, size_t size, size_t nmemb, void *p)
{
    cmdop__http_req *req = p;
    size_t len = size * nmemb;
    if (req->on_data) {
        size_t n = req->on_data(req, data, len, req->payload);
        if (n == CMDOP__HTTP_PAUSE && req->may_resume && !req->paused) {
            req->paused = true;
            /* the loop asks only its paused requests whether to resume */
            if (req->pause_list) {
                req->paused_next = *req->pause_list;
                *req->pause_list = req;
            }
        }
        return n == CMDOP__HTTP_PAUSE && !req->may_resume ? 0 : n;
    }
    if (req->resp_len + len + 1 > CMDOP__HTTP_MAX_BODY) {
        req->over_cap = true;
        return 0;
    }
    if (req->resp_len + len + 1 > req->resp_cap) {
        size_t cap = req->resp_cap ? req->resp_cap : 4096;
        while (cap < req->resp_len + len + 1)
            cap *= 2;
        char *b = realloc(req->resp_body, cap);
        if (!b)
            return 0;
        req->resp_body = b;
        req->resp_cap = cap;
    }
    memcpy(req->resp_body + req->resp_len, data, len);
    req->resp_len += len;
    req->resp_body[req->resp_len] = '\0';
    return len;
}

static void keep_header(char **slot, const char *v, size_t n)
{
    free(*slot);
    *slot = cmdop__port_strndup(v, n);
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *p)
{
    cmdop__http_req *req = p;
    size_t len = size * nmemb;
    size_t n = len;
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a 1xx): forget headers of the previous one. */
        const char *sp = memchr(line, ' ', n);
        req->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        cmdop__http_req_not_opening(req);   /* answered (http_loop.c) */
        free(req->request_id);
        free(req->retry_after);
        free(req->content_type);
        req->request_id = req->retry_after = req->content_type = NULL;
        req->event_stream = false;
        return len;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return len;
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    while (v < line + n && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(line + n - v);
    static const struct { const char *name; size_t len, off; } k_keep[] = {
        {"x-request-id", 12, offsetof(cmdop__http_req, request_id)},
        {"retry-after", 11, offsetof(cmdop__http_req, retry_after)},
        {"content-type", 12, offsetof(cmdop__http_req, content_type)},
    };
    for (size_t i = 0; i < sizeof k_keep / sizeof k_keep[0]; i++)
        if (k_keep[i].len == name_len && strncasecmp(line, k_keep[i].name, name_len) == 0) {
            keep_header((char **)((char *)req + k_keep[i].off), v, vlen);
            if (k_keep[i].off == offsetof(cmdop__http_req, content_type))
                req->event_stream = vlen >= 17 && strncasecmp(v, "text/event-stream", 17) == 0;
        }
    return len;
}

/* Whether `url`'s host is loopback; `cache` (NULL = none) remembers the
 * last origin ("http://host:port") found to be one, so a client's calls to
 * one base URL parse it once. */
static bool is_loopback(const char *url, char *cache, size_t cap)
{
    size_t n = strcspn(url + 7, "/?#") + 7;   /* after "http://" */
    if (cache && cache[0] && strlen(cache) == n && memcmp(cache, url, n) == 0)
        return true;
    bool lb = cmdop__url_is_loopback(url);
    if (lb && cache && n < cap) {
        memcpy(cache, url, n);
        cache[n] = '\0';
    }
    return lb;
}

/* A credential over plain http:// to a host that is not loopback is refused
 * unless the user opted in (CMDOP_ALLOW_INSECURE_HTTP=1). */
static bool insecure_credential(const cmdop__net *n, const cmdop__http_req *req, char *cache,
                                size_t cap)
{
    if (n && n->allow_insecure_http)
        return false;
    if (strncasecmp(req->url, "http://", 7) != 0 || is_loopback(req->url, cache, cap))
        return false;
    /* any plane's credential header (the IDL's, cmdop__planes) */
    for (const cmdop__plane_desc *p = cmdop__planes; p->name; p++)
        if (cmdop__http_req_header_get(req, p->auth_header))
            return true;
    return false;
}

/* TLS, redirects, protocols, CA settings and callbacks: the same for every
 * request of a client, so a reused handle keeps them (cmdop__easy_request). */
static void apply_defaults(const cmdop__net *n, CURL *e)
{
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    cmdop__easy_secure(n, e);
}

void cmdop__easy_secure(const cmdop__net *n, CURL *e)
{
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    /* Redirects are never followed, so no credential reaches another host. */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (n && n->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, n->ca_file);
    if (n && n->ca_dir)
        curl_easy_setopt(e, CURLOPT_CAPATH, n->ca_dir);
    curl_easy_setopt(e, CURLOPT_NOPROXY, n && n->no_proxy ? n->no_proxy : "");
}

static bool append(struct curl_slist **sl, const char *line)
{
    struct curl_slist *t = curl_slist_append(*sl, line);
    if (t)
        *sl = t;
    return t != NULL;
}

void cmdop__easy_defaults(const cmdop__net *net, CURL *e)
{
    apply_defaults(net, e);
}

cmdop__xfer cmdop__easy_prepare(const cmdop__net *net, CURL *e, cmdop__http_req *req)
{
    apply_defaults(net, e);
    return cmdop__easy_request(net, e, req, NULL, 0);
}

cmdop__xfer cmdop__easy_request(const cmdop__net *net, CURL *e, cmdop__http_req *req,
                                char *origin_cache, size_t cache_cap)
{
    if (net && net->log) {
        char u[512];
        cmdop__url_redact(req->url, u, sizeof u);
        cmdop__debug_log_printf(net->log, "request: %s %s", req->method, u);
    }
    req->paused = false;
    if (insecure_credential(net, req, origin_cache, cache_cap)) {
        snprintf(req->xfer_msg, sizeof req->xfer_msg,
                 "refusing to send a credential over plain http:// to a host that is "
                 "not loopback; use https://, or set CMDOP_ALLOW_INSECURE_HTTP=1");
        return CMDOP__XFER_INSECURE;
    }
    bool get = strcmp(req->method, "GET") == 0;
    struct curl_slist *sl = NULL;
    bool ok = true;
    for (size_t i = 0; ok && i < req->n_headers; i++)
        ok = append(&sl, req->headers[i]);
    /* No "Expect: 100-continue" round trip for small JSON bodies. */
    if (ok && req->body)
        ok = append(&sl, "Expect:");
    /* A bodiless POST would otherwise carry libcurl's default
     * "Content-Type: application/x-www-form-urlencoded". A GET sends
     * neither header, so it carries no blank ones for libcurl to match
     * against every header it writes. */
    if (ok && !req->body && !get)
        ok = append(&sl, "Content-Type:");
    if (!ok) {
        curl_slist_free_all(sl);
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "out of memory");
        return CMDOP__XFER_NOMEM;
    }
    req->slist = sl;
    req->xfer_msg[0] = '\0';
    /* Everything below is set on every request, so a reused handle carries
     * nothing of the previous one. */
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
    curl_easy_setopt(e, CURLOPT_PRIVATE, req);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->xfer_msg);
    /* a stream's receive buffer: libcurl keeps one per connection (16 KiB by
     * default), which thousands of open streams pay for each; SSE frames are
     * small and a read loops while data is there (docs/performance.md) */
    if (req->on_data)   /* only the loop streams; a reused handle never does */
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L);
    /* "" turns libcurl's own reading of *_proxy off: our resolution rules. */
    const char *proxy = NULL;
    if (net)
        proxy = strncasecmp(req->url, "https://", 8) == 0 ? net->https_proxy : net->http_proxy;
    curl_easy_setopt(e, CURLOPT_PROXY, proxy ? proxy : "");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 0L);
    /* GET first: it also drops a previous request's POST state */
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                     get || strcmp(req->method, "POST") == 0 ? NULL : req->method);
    if (!get && (req->body || strcmp(req->method, "POST") == 0)) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }
    return CMDOP__XFER_OK;
}

cmdop__xfer cmdop__easy_classify(const cmdop__http_req *req, CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return CMDOP__XFER_OK;
    case CURLE_OPERATION_TIMEDOUT: return CMDOP__XFER_TIMEOUT;
    case CURLE_OUT_OF_MEMORY: return CMDOP__XFER_NOMEM;
    case CURLE_ABORTED_BY_CALLBACK: return CMDOP__XFER_CANCELLED;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return CMDOP__XFER_TLS;   /* retrying cannot make a certificate valid */
    case CURLE_WRITE_ERROR:
        if (req->over_cap)
            return CMDOP__XFER_TOO_BIG;
        /* a streaming sink said stop; a buffered body only fails on size */
        return req->on_data ? CMDOP__XFER_CANCELLED : CMDOP__XFER_NOMEM;
    default: return CMDOP__XFER_CONNECTION;
    }
}
