/*
 * relay_server.c — the libmicrohttpd daemon and the request pipeline:
 * raw URI -> plane -> (recording, fault injection, auth) -> JSON body ->
 * route with {} captures -> handler under the global lock -> response with a
 * fresh X-Request-Id.
 *
 * Threading: libmicrohttpd polling threads (two with epoll on Linux, one
 * with poll elsewhere: RELAY_THREADS) serve every
 * connection; a streamed response (relay_stream: the ask SSE route) never
 * blocks in its reader — it suspends its connection, and the ask scheduler
 * resumes it (relay_ask.h). Every handler, and every touch of the db or the
 * recording, happens with relay->lock held, but a stream's reader runs
 * without it.
 */
#include "relay_server.h"
#include "relay_ask.h"
#include "port.h"
#include "port_net.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __linux__
#  include <netinet/tcp.h>
#endif
#ifdef __GLIBC__
#  include <malloc.h>
#endif

/* Open connections at once (each ask stream holds one); the process's
 * RLIMIT_NOFILE is raised to match at startup (relay_main.c). */
#define RELAY_MAX_CONNECTIONS 65536

/* libmicrohttpd threads, each with its own epoll set and its own share of
 * the connections (docs/performance.md "The local relay"). With 10,000
 * paced streams one thread was the relay's bottleneck: it sends every
 * frame, and at each resume it walks its whole list of suspended
 * connections; two threads halve that walk and use both cores. Elsewhere
 * (poll) one thread serves every connection. */
#define RELAY_THREADS 2u

/* A publish body carries up to 1 MiB of manifest plus JSON escaping. */
#define RELAY_MAX_BODY (8u * 1024u * 1024u)

struct relay_server {
    relay base;                 /* first: handlers get &base, we cast back */
    struct MHD_Daemon *daemon;
    char *token, *api_key;
    json_t *seed;               /* kept for POST /_control/reset {state} */
    json_t *recording;          /* array of request records */
    struct pending_rec *pending, **pending_tail;  /* records not yet in
                                   `recording` (record(); JSON only when
                                   read: relay_server_recording) */
    json_t *replays;            /* "<path> <Idempotency-Key>" -> {status,
                                   body} of a successful POST */
    json_t *dumps;              /* path of a GET -> {body, text}: its last
                                   answer and that answer serialized */
    long fail_count;            /* pending injected failures */
    long repeat_cursor;         /* cursor pages that answer their own cursor */
    int fail_status;
    char fail_retry_after[16];
    char fail_code[32];
};

static relay_server *server_of(relay *r)
{
    return (relay_server *)r;   /* base is the first member */
}

/* ---- URL pieces --------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *relay_pct_decode(const char *s, size_t n, bool plus_space)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n &&
            (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus_space && s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

bool relay_match(const char *pattern, const char *path,
                 char *caps[RELAY_MAX_CAPTURES], size_t *n_cap)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            break;
        p++, s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (plen == 2 && p[0] == '{' && p[1] == '}') {
            if (slen == 0 || n == RELAY_MAX_CAPTURES)
                break;
            caps[n++] = relay_pct_decode(s, slen, false);
        } else if (plen != slen || strncmp(p, s, plen) != 0) {
            break;
        }
        p += plen, s += slen;
    }
    if (*p || *s) {          /* a mismatch, or one ran out before the other */
        for (size_t i = 0; i < n; i++)
            free(caps[i]);
        return false;
    }
    *n_cap = n;
    return true;
}

json_t *relay_parse_query(const char *qs)
{
    json_t *q = json_object();
    while (qs && *qs) {
        size_t len = strcspn(qs, "&");
        if (len > 0) {
            const char *eq = memchr(qs, '=', len);
            size_t klen = eq ? (size_t)(eq - qs) : len;
            char *k = relay_pct_decode(qs, klen, true);
            char *v = eq ? relay_pct_decode(eq + 1, len - klen - 1, true)
                         : relay_pct_decode("", 0, true);
            json_t *prev = json_object_get(q, k);
            if (!prev) {
                json_object_set_new(q, k, json_string(v));
            } else if (json_is_array(prev)) {
                json_array_append_new(prev, json_string(v));
            } else {
                json_t *arr = json_array();
                json_array_append(arr, prev);
                json_array_append_new(arr, json_string(v));
                json_object_set_new(q, k, arr);
            }
            free(k);
            free(v);
        }
        qs += len;
        if (*qs == '&')
            qs++;
    }
    return q;
}

static bool prefix_is(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

bool relay_plane_of(const char *path, relay_plane *plane, size_t *skip)
{
    if (prefix_is(path, "/api")) {
        *plane = RELAY_PLANE_RELAY, *skip = 0;
    } else if (prefix_is(path, "/platform")) {
        *plane = RELAY_PLANE_PLATFORM, *skip = strlen("/platform");
    } else if (prefix_is(path, "/_control")) {
        *plane = RELAY_PLANE_CONTROL, *skip = strlen("/_control");
    } else {
        return false;
    }
    return true;
}

/* ---- per-request context ------------------------------------------------ */

typedef struct req_ctx {
    char *uri;        /* raw request target, before MHD unescapes it */
    char *body;
    size_t len, cap;
    bool started, too_large;
} req_ctx;

/* MHD hands us the raw URI first; keeping it lets us split path and query
 * and percent-decode captures ourselves (so "%2F" stays inside a segment). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    req_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->uri = strdup(uri ? uri : "/");
    return ctx;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    req_ctx *ctx = *con_cls;
    if (ctx) {
        free(ctx->uri);
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

static void append_body(req_ctx *ctx, const char *data, size_t n)
{
    if (ctx->too_large || ctx->len + n > RELAY_MAX_BODY) {
        ctx->too_large = true;
        return;
    }
    if (ctx->len + n + 1 > ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap : 4096;
        while (cap < ctx->len + n + 1)
            cap *= 2;
        char *b = realloc(ctx->body, cap);
        if (!b) {
            ctx->too_large = true;
            return;
        }
        ctx->body = b, ctx->cap = cap;
    }
    memcpy(ctx->body + ctx->len, data, n);
    ctx->len += n;
    ctx->body[ctx->len] = '\0';
}

/* ---- pipeline stages (all with the lock held) --------------------------- */

static const char *hdr(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static const char *code_for_status(int status)
{
    switch (status) {
    case 400: case 422: return "validation";
    case 401: return "auth";
    case 403: return "permission";
    case 404: return "not_found";
    case 409: return "conflict";
    case 429: return "rate_limit";
    default: return status >= 500 ? "server" : "error";
    }
}

/* Consumes one armed failure, if any. */
static bool injected_failure(relay_server *s, relay_resp *out)
{
    if (s->fail_count <= 0)
        return false;
    s->fail_count--;
    /* The body is a plain {"detail"} like any hosted error; an armed `code`
     * only shows in the message (the hosted wire has no code field). */
    relay_error(out, s->fail_status, NULL, NULL,
                "injected failure (%s, %ld more pending)",
                s->fail_code[0] ? s->fail_code
                                : code_for_status(s->fail_status),
                s->fail_count);
    snprintf(out->retry_after, sizeof out->retry_after, "%s",
             s->fail_retry_after);
    return true;
}

/* Each plane takes only its own credential; the other one is a 401 too. */
static bool authorized(relay_server *s, relay_plane plane,
                       struct MHD_Connection *c, relay_resp *out)
{
    if (plane == RELAY_PLANE_RELAY) {
        const char *a = hdr(c, "Authorization");
        if (a && strncasecmp(a, "Bearer ", 7) == 0 &&
            strcmp(a + 7, s->base.token) == 0)
            return true;
        relay_error(out, 401, "auth", NULL,
                    a ? "invalid relay token"
                      : "missing Authorization: Bearer <token>%s",
                    hdr(c, "X-Api-Key") ? " (X-Api-Key is for the platform)"
                                        : "");
        return false;
    }
    if (plane == RELAY_PLANE_PLATFORM) {
        const char *k = hdr(c, "X-Api-Key");
        if (k && strcmp(k, s->base.api_key) == 0)
            return true;
        relay_error(out, 401, "auth", NULL,
                    k ? "invalid API key" : "missing X-Api-Key%s",
                    hdr(c, "Authorization")
                        ? " (a Bearer token is for the relay plane)" : "");
        return false;
    }
    return true;   /* control: tests only, loopback only */
}

/* Parses the body into q->body; a body must be a JSON object. */
static bool parse_body(relay_plane plane, req_ctx *ctx, relay_req *q,
                       relay_resp *out)
{
    bool drf = plane == RELAY_PLANE_PLATFORM;
    if (ctx->too_large) {
        relay_error(out, 413, NULL, NULL, "request body over %u bytes",
                    RELAY_MAX_BODY);
        return false;
    }
    if (ctx->len == 0)
        return true;
    json_error_t e;
    q->body = json_loadb(ctx->body, ctx->len, JSON_DECODE_ANY, &e);
    if (!q->body || !json_is_object(q->body)) {
        const char *why = q->body ? "the body must be a JSON object" : e.text;
        /* DRF answers a parse error as {"detail"}; FastAPI as a 422 at
         * loc ["body"]. */
        if (drf)
            relay_json(out, 400, json_pack("{s:s+}", "detail",
                                           "JSON parse error - ", why));
        else
            relay_error_in(out, 422, "body", NULL,
                           q->body ? "model_attributes_type" : "json_invalid",
                           "JSON decode error: %s", why);
        return false;
    }
    return true;
}

/* Finds the route and runs it; 404 for an unknown path, 405 for a known path
 * with another method. */
static void route(relay_server *s, relay_plane plane, const char *path,
                  relay_req *q, relay_resp *out)
{
    bool path_known = false;
    for (size_t m = 0; relay_modules[m].name; m++) {
        for (const relay_route *rt = relay_modules[m].routes; rt->method; rt++) {
            char *caps[RELAY_MAX_CAPTURES];
            size_t n = 0;
            if (rt->plane != plane || !relay_match(rt->pattern, path, caps, &n))
                continue;
            bool same = strcmp(rt->method, q->method) == 0;
            if (same) {
                for (size_t i = 0; i < n; i++)
                    q->cap[i] = caps[i];
                q->n_cap = n;
                rt->fn(&s->base, q, out);
                /* no status, or a 200/201 whose body failed to build */
                if (out->status == 0 ||
                    ((out->status == 200 || out->status == 201) &&
                     !out->body && !out->stream_read))
                    relay_error(out, 500, "internal", NULL,
                                "handler built no response");
            }
            for (size_t i = 0; i < n; i++)
                free(caps[i]);
            q->n_cap = 0;
            if (same)
                return;
            path_known = true;
        }
    }
    /* Starlette's and DRF's own texts for these two. */
    if (path_known && plane == RELAY_PLANE_PLATFORM)
        relay_error(out, 405, NULL, NULL, "Method \"%s\" not allowed.",
                    q->method);
    else if (path_known)
        relay_error(out, 405, NULL, NULL, "Method Not Allowed");
    else
        relay_error(out, 404, NULL, NULL,
                    plane == RELAY_PLANE_PLATFORM ? "Not found." : "Not Found");
}

/* Every request header, the name lower-cased (HTTP header names are
 * case-insensitive; tests compare them by the lower-case name). A repeated
 * header keeps its values joined by ", " as HTTP allows. */
static void add_header(json_t *h, const char *key, const char *value)
{
    char name[128];
    size_t n = 0;
    for (; key && key[n] && n + 1 < sizeof name; n++)
        name[n] = (char)tolower((unsigned char)key[n]);
    name[n] = '\0';
    const char *prev = json_string_value(json_object_get(h, name));
    if (prev) {
        json_t *joined = json_pack("s+++", prev, ", ", value ? value : "", "");
        json_object_set_new(h, name, joined ? joined : json_string(prev));
    } else {
        json_object_set_new(h, name, json_string(value ? value : ""));
    }
}

/*
 * A request as record() keeps it: plain bytes, turned into the JSON record
 * {method, path, query, headers, body, status, request_id[, replayed]} only
 * when /_control/requests reads the recording. Building that JSON for every
 * request (every header a JSON string) was about a fifth of the relay's
 * instructions for a machines.info.
 */
typedef struct pending_rec {
    struct pending_rec *next;
    json_t *query;              /* a reference */
    json_t *body;               /* owned; NULL: none, or `text` */
    int status;
    bool replayed;
    const char *method, *path, *request_id;   /* in `bytes` (id may be NULL) */
    const char *text;           /* an unparsable body's bytes, or NULL */
    size_t text_len;
    const char *hdrs;           /* "name\0value\0" pairs, in order */
    size_t hdrs_len;
    char bytes[];
} pending_rec;

typedef struct hdr_buf {
    char *p;
    size_t len, cap;
    bool oom;
    char local[2048];
} hdr_buf;

static enum MHD_Result grab_header(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    hdr_buf *b = cls;
    size_t kl = key ? strlen(key) : 0, vl = value ? strlen(value) : 0;
    if (b->len + kl + vl + 2 > b->cap) {
        size_t cap = (b->len + kl + vl + 2) * 2;
        char *p = b->p == b->local ? malloc(cap) : realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return MHD_NO;
        }
        if (b->p == b->local)
            memcpy(p, b->local, b->len);
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, key ? key : "", kl + 1);
    b->len += kl + 1;
    memcpy(b->p + b->len, value ? value : "", vl + 1);
    b->len += vl + 1;
    return MHD_YES;
}

/* The JSON record of a kept request (freed). */
static json_t *pending_json(pending_rec *p)
{
    json_t *h = json_object();
    for (size_t o = 0; o < p->hdrs_len;) {
        const char *k = p->hdrs + o, *v = k + strlen(k) + 1;
        add_header(h, k, v);
        o = (size_t)(v + strlen(v) + 1 - p->hdrs);
    }
    json_t *body = p->body;
    if (!body && p->text)
        body = json_stringn_nocheck(p->text, p->text_len);
    if (!body)
        body = json_null();
    json_t *rec = json_pack("{s:s, s:s, s:O, s:o, s:o, s:i}", "method",
                            p->method, "path", p->path, "query", p->query,
                            "headers", h, "body", body, "status", p->status);
    if (p->request_id)
        json_object_set_new(rec, "request_id", json_string(p->request_id));
    if (p->replayed)
        json_object_set_new(rec, "replayed", json_true());
    json_decref(p->query);
    free(p);
    return rec;
}

static void pending_free(relay_server *s)
{
    for (pending_rec *p = s->pending, *next; p; p = next) {
        next = p->next;
        json_decref(p->query);
        json_decref(p->body);
        free(p);
    }
    s->pending = NULL;
    s->pending_tail = &s->pending;
}

/* Keeps the request for the recording; request_id is the X-Request-Id the
 * response carried, so a test can match a client-side error to the request
 * the relay saw. */
static void record(relay_server *s, struct MHD_Connection *c,
                   const relay_req *q, const char *raw_path, req_ctx *ctx,
                   int status, bool replayed)
{
    hdr_buf hb = {.cap = sizeof hb.local};
    hb.p = hb.local;
    MHD_get_connection_values(c, MHD_HEADER_KIND, grab_header, &hb);
    size_t ml = strlen(q->method) + 1, pl = strlen(raw_path) + 1;
    size_t il = q->request_id ? strlen(q->request_id) + 1 : 0;
    size_t tl = !q->body && ctx->len > 0 ? ctx->len : 0;
    pending_rec *p = hb.oom ? NULL
        : malloc(sizeof *p + ml + pl + il + tl + hb.len);
    if (p) {
        char *o = p->bytes;
        p->next = NULL;
        p->query = json_incref(q->query);
        p->body = q->body ? json_deep_copy(q->body) : NULL;
        p->status = status;
        p->replayed = replayed;
        p->method = memcpy(o, q->method, ml), o += ml;
        p->path = memcpy(o, raw_path, pl), o += pl;
        p->request_id = il ? memcpy(o, q->request_id, il) : NULL, o += il;
        p->text = tl ? memcpy(o, ctx->body, tl) : NULL, o += tl;
        p->text_len = tl;
        p->hdrs = hb.len ? memcpy(o, hb.p, hb.len) : o;
        p->hdrs_len = hb.len;
        *s->pending_tail = p;
        s->pending_tail = &p->next;
    }
    if (hb.p != hb.local)
        free(hb.p);
}

/*
 * Idempotency-Key on a POST: the first successful (2xx) response is kept and
 * returned again for the same key and path, without running the handler, so
 * a retried create never creates twice (as a hosted API with idempotency
 * keys behaves). Failed attempts are not kept, so a retry after a 503 runs.
 */
static char *replay_key(const relay_req *q, const char *raw_path)
{
    if (strcmp(q->method, "POST") != 0 || !q->idempotency_key)
        return NULL;
    size_t n = strlen(raw_path) + strlen(q->idempotency_key) + 2;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s %s", raw_path, q->idempotency_key);
    return k;
}

static bool replay(relay_server *s, const char *key, relay_resp *out)
{
    json_t *hit = key ? json_object_get(s->replays, key) : NULL;
    if (!hit)
        return false;
    json_t *body = json_object_get(hit, "body");
    relay_json(out, (int)json_integer_value(json_object_get(hit, "status")),
               body ? json_deep_copy(body) : NULL);
    return true;
}

static void remember(relay_server *s, const char *key, const relay_resp *out)
{
    /* A stream cannot be replayed from a stored body. */
    if (!key || out->status < 200 || out->status > 299 || out->stream_read)
        return;
    json_t *hit = json_pack("{s:i}", "status", out->status);
    if (out->body)
        json_object_set_new(hit, "body", json_deep_copy(out->body));
    json_object_set_new(s->replays, key, hit);
}

/* The most paths whose last GET answer is kept serialized. */
#define DUMPS_MAX 1024

/*
 * The text of a JSON answer. Serializing is most of what a small GET such
 * as machines.info costs the relay (jansson escapes and formats every
 * string and number: about half its instructions per call), and the same
 * path mostly answers the same body again. So a GET's answer that equals
 * (json_equal) the last one on its path reuses that one's text. The kept
 * body is a deep copy: a handler may answer with objects of the live data,
 * which a later request changes in place. Equal bodies may list an object's
 * keys in another order; JSON does not order them.
 */
static char *dump_body(relay_server *s, const char *method, const char *path,
                       const json_t *body)
{
    if (strcmp(method, "GET") != 0)
        return json_dumps(body, JSON_COMPACT);
    json_t *hit = json_object_get(s->dumps, path);
    if (hit && json_equal(json_object_get(hit, "body"), (json_t *)body))
        return strdup(json_string_value(json_object_get(hit, "text")));
    char *text = json_dumps(body, JSON_COMPACT);
    if (!text)
        return NULL;
    if (json_object_size(s->dumps) >= DUMPS_MAX)
        json_object_clear(s->dumps);
    json_t *keep = json_pack("{s:o, s:s}", "body", json_deep_copy(body), "text", text);
    if (keep)
        json_object_set_new(s->dumps, path, keep);
    return text;
}

/* Runs the whole pipeline under the lock; returns the serialized body. */
static char *process(relay_server *s, struct MHD_Connection *c,
                     const char *method, const char *version, req_ctx *ctx,
                     const char *reqid, relay_resp *out)
{
    const char *uri = ctx->uri ? ctx->uri : "/";
    size_t plen = strcspn(uri, "?");
    char *raw_path = cmdop__port_strndup(uri, plen);
    relay_req q = {0};
    q.method = method;
    q.query = relay_parse_query(uri[plen] == '?' ? uri + plen + 1 : NULL);
    q.raw_body = ctx->body;
    q.raw_body_len = ctx->len;
    q.request_id = reqid;
    q.idempotency_key = hdr(c, "Idempotency-Key");
    q.conn = c;
    /* libmicrohttpd chunks a body of unknown size for HTTP/1.1 and 1.2-1.9
     * (anything else here is HTTP/1.0: it answered the rest itself). */
    q.http11 = version && strlen(version) == 8 &&
               strncmp(version, "HTTP/1.", 7) == 0 && version[7] >= '1' &&
               version[7] <= '9';

    relay_plane plane = RELAY_PLANE_RELAY;
    size_t skip = 0;
    bool known = relay_plane_of(raw_path, &plane, &skip);
    q.path = raw_path[skip] ? raw_path + skip : "/";

    pthread_mutex_lock(&s->base.lock);
    bool control = known && plane == RELAY_PLANE_CONTROL;
    bool ok = control || !injected_failure(s, out);
    if (ok && !known) {
        relay_error(out, 404, NULL, NULL, "Not Found");
        ok = false;
    }
    ok = ok && authorized(s, plane, c, out) && parse_body(plane, ctx, &q, out);
    char *rkey = ok && !control ? replay_key(&q, raw_path) : NULL;
    bool replayed = ok && replay(s, rkey, out);
    if (ok && !replayed) {
        /* Both credentials belong to the seed's token user. */
        q.user_id = json_string_value(json_object_get(s->base.db,
                                                      "token_user_id"));
        route(s, plane, q.path, &q, out);
        remember(s, rkey, out);
    }
    free(rkey);
    if (!control)
        record(s, c, &q, raw_path, ctx, out->status, replayed);
    char *text = out->body ? dump_body(s, method, raw_path, out->body) : NULL;
    /* released under the lock: a body may share objects with the live data */
    json_decref(out->body);
    out->body = NULL;
    pthread_mutex_unlock(&s->base.lock);

    json_decref(q.query);
    json_decref(q.body);
    free(raw_path);
    return text;
}

static void new_request_id(char buf[40])
{
    char u[37];
    relay_new_uuid(u);
    size_t o = (size_t)snprintf(buf, 40, "req_");
    for (size_t i = 0; u[i] && o < 39; i++)
        if (u[i] != '-')
            buf[o++] = u[i];
    buf[o] = '\0';
}

void relay_stream(relay_resp *out, const char *content_type,
                  relay_stream_reader read, relay_stream_release release,
                  void *cls)
{
    json_decref(out->body);
    out->body = NULL;
    out->status = 200;
    out->content_type = content_type;
    out->stream_read = read;
    out->stream_release = release;
    out->stream_cls = cls;
}

/*
 * A streamed body: chunked (size unknown), produced by the handler's reader
 * on this connection's thread. MHD calls the release function when it drops
 * the response — after the last byte, on a client abort, or at shutdown —
 * so the stream learns how it ended there.
 */
static enum MHD_Result queue_stream(struct MHD_Connection *c, relay_resp *out,
                                    const char *reqid)
{
    /* The block size is a buffer libmicrohttpd allocates (zeroed) with each
     * response and uses only for a body it cannot chunk (an HTTP/1.0
     * client): a chunked reader writes straight into the connection's
     * write buffer, as much as its pool leaves free. So 1 KiB: at 8 KiB,
     * 10,000 open streams hold 80 MiB of zeroed pages nobody reads. */
    struct MHD_Response *resp = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 1024, out->stream_read, out->stream_cls,
        out->stream_release);
    if (!resp) {
        if (out->stream_release)
            out->stream_release(out->stream_cls);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type",
                            out->content_type ? out->content_type
                                              : "application/octet-stream");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Request-Id", reqid);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)out->status, resp);
    MHD_destroy_response(resp);   /* the connection keeps its reference */
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    relay_server *s = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx)
        return MHD_NO;
    if (!ctx->started) {           /* headers only; the body comes next */
        ctx->started = true;
        return MHD_YES;
    }
    if (*upload_size) {
        append_body(ctx, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }

    char reqid[40];
    new_request_id(reqid);
    relay_resp out = {0};
    char *text = process(s, c, method, version, ctx, reqid, &out);   /* out.body released */

    if (out.stream_read)
        return queue_stream(c, &out, reqid);
    struct MHD_Response *resp = text
        ? MHD_create_response_from_buffer(strlen(text), text,
                                          MHD_RESPMEM_MUST_FREE)
        : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    if (text)
        MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "X-Request-Id", reqid);
    if (out.retry_after[0])
        MHD_add_response_header(resp, "Retry-After", out.retry_after);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)out.status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* ---- control state ------------------------------------------------------ */

int relay_load_seed(relay *r, json_t *seed, char *err, size_t errlen)
{
    json_object_clear(r->db);
    json_t *tu = json_object_get(seed, "token_user_id");
    if (!json_is_string(tu)) {
        snprintf(err, errlen, "seed: token_user_id must be a string");
        return -1;
    }
    json_object_set(r->db, "token_user_id", tu);
    for (size_t m = 0; relay_modules[m].name; m++) {
        if (relay_modules[m].seed && relay_modules[m].seed(r, seed) < 0) {
            snprintf(err, errlen, "seed: module %s rejected its keys",
                     relay_modules[m].name);
            return -1;
        }
    }
    return 0;
}

int relay_server_reset(relay *r, bool state)
{
    relay_server *s = server_of(r);
    char err[128];
    json_array_clear(s->recording);
    pending_free(s);
    s->fail_count = 0;
    s->repeat_cursor = 0;
    relay_ask_reset(r);
    if (!state)
        return 0;
    json_object_clear(s->replays);   /* they belong to the data they made */
    return relay_load_seed(r, s->seed, err, sizeof err);
}

void relay_server_fail(relay *r, long count, int status,
                       const char *retry_after, const char *code)
{
    relay_server *s = server_of(r);
    s->fail_count = count;
    s->fail_status = status;
    snprintf(s->fail_retry_after, sizeof s->fail_retry_after, "%s",
             retry_after ? retry_after : "");
    snprintf(s->fail_code, sizeof s->fail_code, "%s", code ? code : "");
}

void relay_server_set_repeat_cursor(relay *r, long count)
{
    server_of(r)->repeat_cursor = count;
}

bool relay_server_take_repeat_cursor(relay *r)
{
    relay_server *s = r ? server_of(r) : NULL;
    if (!s || s->repeat_cursor <= 0)
        return false;
    s->repeat_cursor--;
    return true;
}

json_t *relay_server_recording(relay *r)
{
    relay_server *s = server_of(r);
    while (s->pending) {
        pending_rec *p = s->pending;
        s->pending = p->next;
        json_array_append_new(s->recording, pending_json(p));
    }
    s->pending_tail = &s->pending;
    return s->recording;
}

/* ---- lifecycle ---------------------------------------------------------- */

/* Only 127.0.0.0/8: the relay has fixed credentials and a control port. */
static bool loopback_addr(const char *host, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return false;
    return (ntohl(sa->sin_addr.s_addr) >> 24) == 127;
}

relay *relay_server_relay(relay_server *s)
{
    return &s->base;
}

void relay_server_stop(relay_server *s)
{
    if (!s)
        return;
    /* End every stream first and resume its suspended readers: the daemon
     * must not stop with a suspended connection. */
    relay_ask_stop(&s->base);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);   /* closes every connection (none is suspended) */
    relay_ask_free(&s->base);         /* the scheduler and every stream */
    json_decref(s->base.db);
    json_decref(s->seed);
    pending_free(s);
    json_decref(s->recording);
    json_decref(s->replays);
    json_decref(s->dumps);
    free(s->token);
    free(s->api_key);
    pthread_mutex_destroy(&s->base.lock);
    free(s);
}

int relay_server_start(relay_server **out, const relay_options *opt,
                       char *err, size_t errlen)
{
    struct sockaddr_in sa;
    *out = NULL;
    if (!loopback_addr(opt->host, &sa)) {
        snprintf(err, errlen, "host %s is not an IPv4 loopback address",
                 opt->host);
        return -1;
    }
    sa.sin_port = htons(opt->port);
    if (!opt->token || !*opt->token || !opt->api_key || !*opt->api_key) {
        snprintf(err, errlen, "token and api key must not be empty");
        return -1;
    }
#ifdef __GLIBC__
    /* One malloc arena for the whole process: glibc gives each polling
     * thread its own, grown a page at a time with an mprotect each (10,000
     * open streams: 55,000 of them, for the connection pools and frames),
     * where the main arena grows by 128 KiB steps. */
    mallopt(M_ARENA_MAX, 1);
#endif
    relay_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&s->base.lock, NULL);
    s->token = strdup(opt->token);
    s->api_key = strdup(opt->api_key);
    s->base.token = s->token;
    s->base.api_key = s->api_key;
    s->base.db = json_object();
    s->recording = json_array();
    s->pending_tail = &s->pending;
    s->replays = json_object();
    s->dumps = json_object();
    s->seed = json_incref(opt->seed);
    if (relay_ask_init(&s->base) < 0) {
        snprintf(err, errlen, "out of memory");
        relay_server_stop(s);
        return -1;
    }
    if (relay_load_seed(&s->base, s->seed, err, errlen) < 0) {
        relay_server_stop(s);
        return -1;
    }
    /* A fixed pool of polling threads (epoll where there is one), with
     * suspend/resume for the streams: no thread per connection, so 10,000
     * concurrent streams are 10,000 sockets, not 10,000 threads. */
    s->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME,
        opt->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
#ifdef __linux__
        MHD_OPTION_THREAD_POOL_SIZE, RELAY_THREADS,
#endif
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)RELAY_MAX_CONNECTIONS,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
        /* Each connection's buffer pool; 16 KiB holds any request head (a
         * body is read in pieces) and keeps 10,000 open streams small. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%u",
                 opt->host ? opt->host : "127.0.0.1", (unsigned)opt->port);
        relay_server_stop(s);
        return -1;
    }
#if defined(__linux__) && defined(TCP_CONGESTION)
    /* Every connection accepted inherits the listening socket's congestion
     * control: Reno, the kernel's simplest, whatever the system default
     * (BBR here). On loopback nothing is lost and the window never binds,
     * so only the per-segment cost differs: BBR's model update on every
     * ACK and its pacing (docs/performance.md "The local relay"). Same
     * bytes on the wire; a kernel without it keeps the default. */
    const union MHD_DaemonInfo *lfd =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (lfd)
        setsockopt(lfd->listen_fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
#endif
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
    snprintf(s->base.root_url, sizeof s->base.root_url, "http://%s:%u", ip,
             info ? (unsigned)info->port : (unsigned)opt->port);
    *out = s;
    return 0;
}
