/*
 * fake_http.h — a tiny scripted HTTP server for the runtime's unit tests
 * (libmicrohttpd on 127.0.0.1, port 0, a thread per connection so a slow
 * answer does not hold up the others). The test supplies a handler that
 * decides each answer; the server records every request (method, raw URI,
 * lowercase headers, body) and counts TCP connections (keep-alive checks).
 * Header-only (static functions) because tests/tests.mk builds each
 * test_*.c on its own.
 */
#ifndef TEST_FAKE_HTTP_H
#define TEST_FAKE_HTTP_H

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <jansson.h>
#include <microhttpd.h>

typedef struct fake_req {
    int index;              /* 0-based arrival order */
    const char *method;
    const char *uri;        /* raw, with the query string, still escaped */
    json_t *headers;        /* lowercase name -> value (borrowed) */
    const char *body;       /* NUL-terminated, "" when none */
    size_t body_len;
} fake_req;

typedef struct fake_resp {
    int status;             /* default 200 */
    json_t *json;           /* owned by the server after the handler; NULL = empty body */
    const char *raw;        /* raw body instead of json (static storage) */
    char request_id[64];    /* default "req-<index>"; "" = no header */
    char retry_after[64];   /* "" = none */
    int delay_ms;           /* sleep before answering */
} fake_resp;

typedef struct fake_server fake_server;
typedef void (*fake_handler)(fake_server *s, const fake_req *q, fake_resp *r, void *payload);

struct fake_server {
    struct MHD_Daemon *d;
    int port;
    char url[64];           /* http://127.0.0.1:<port> */
    fake_handler fn;
    void *payload;
    pthread_mutex_t mu;
    json_t *log;            /* array of recorded requests */
    int connections;        /* TCP connections accepted */
    int closed;             /* TCP connections closed (either side) */
};

typedef struct fake_conn_req {
    char *uri;
    char *body;
    size_t len, cap;
    int calls;              /* MHD calls the handler once before the body */
} fake_conn_req;

static __attribute__((unused)) void *fake_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls; (void)c;
    fake_conn_req *r = calloc(1, sizeof *r);
    r->uri = strdup(uri);
    return r;
}

static __attribute__((unused)) void fake_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                           enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)c; (void)toe;
    fake_conn_req *r = *req_cls;
    if (r) {
        free(r->uri);
        free(r->body);
        free(r);
    }
    *req_cls = NULL;
}

static __attribute__((unused)) void fake_notify_conn(void *cls, struct MHD_Connection *c, void **socket_ctx,
                             enum MHD_ConnectionNotificationCode toe)
{
    (void)c; (void)socket_ctx;
    fake_server *s = cls;
    pthread_mutex_lock(&s->mu);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        s->connections++;
    else if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
        s->closed++;
    pthread_mutex_unlock(&s->mu);
}

static __attribute__((unused)) enum MHD_Result fake_header_it(void *cls, enum MHD_ValueKind kind, const char *k,
                                      const char *v)
{
    (void)kind;
    char name[128];
    size_t i = 0;
    for (; k[i] && i < sizeof name - 1; i++)
        name[i] = (char)tolower((unsigned char)k[i]);
    name[i] = '\0';
    json_object_set_new(cls, name, json_string(v ? v : ""));
    return MHD_YES;
}

static __attribute__((unused)) enum MHD_Result fake_access(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version,
                                   const char *upload, size_t *upload_size, void **req_cls)
{
    (void)url; (void)version;
    fake_server *s = cls;
    fake_conn_req *cr = *req_cls;
    if (cr->calls++ == 0)
        return MHD_YES;     /* headers only so far; the body (if any) follows */
    if (*upload_size) {
        if (cr->len + *upload_size + 1 > cr->cap) {
            cr->cap = (cr->len + *upload_size + 1) * 2;
            cr->body = realloc(cr->body, cr->cap);
        }
        memcpy(cr->body + cr->len, upload, *upload_size);
        cr->len += *upload_size;
        cr->body[cr->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    json_t *headers = json_object();
    MHD_get_connection_values(c, MHD_HEADER_KIND, fake_header_it, headers);
    pthread_mutex_lock(&s->mu);
    int index = (int)json_array_size(s->log);
    json_array_append_new(s->log, json_pack("{s:s, s:s, s:O, s:s%}", "method", method,
                                            "uri", cr->uri, "headers", headers, "body",
                                            cr->body ? cr->body : "", cr->len));
    pthread_mutex_unlock(&s->mu);
    fake_req q = {index, method, cr->uri, headers, cr->body ? cr->body : "", cr->len};
    fake_resp r;
    memset(&r, 0, sizeof r);
    r.status = 200;
    snprintf(r.request_id, sizeof r.request_id, "req-%d", index);
    s->fn(s, &q, &r, s->payload);
    json_decref(headers);
    if (r.delay_ms > 0)
        usleep((useconds_t)r.delay_ms * 1000);
    char *text = r.json ? json_dumps(r.json, JSON_COMPACT) : NULL;
    json_decref(r.json);
    const char *body = text ? text : r.raw ? r.raw : "";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (r.request_id[0])
        MHD_add_response_header(resp, "X-Request-Id", r.request_id);
    if (r.retry_after[0])
        MHD_add_response_header(resp, "Retry-After", r.retry_after);
    if (r.json)
        MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Start a server; fails the test when it cannot. Free with fake_stop. */
static __attribute__((unused)) fake_server *fake_start(fake_handler fn, void *payload)
{
    fake_server *s = calloc(1, sizeof *s);
    s->fn = fn;
    s->payload = payload;
    s->log = json_array();
    pthread_mutex_init(&s->mu, NULL);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                                MHD_USE_ERROR_LOG,
                            0, NULL, NULL, fake_access, s,
                            MHD_OPTION_URI_LOG_CALLBACK, fake_uri_log, s,
                            MHD_OPTION_NOTIFY_COMPLETED, fake_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, fake_notify_conn, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
    if (!s->d) {
        fprintf(stderr, "fake_start: MHD_start_daemon failed\n");
        abort();
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info->port;
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    return s;
}

static __attribute__((unused)) void fake_stop(fake_server *s)
{
    MHD_stop_daemon(s->d);
    json_decref(s->log);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* NEW reference to the recorded request i, or NULL. */
static __attribute__((unused)) json_t *fake_request(fake_server *s, size_t i)
{
    pthread_mutex_lock(&s->mu);
    json_t *r = json_incref(json_array_get(s->log, i));
    pthread_mutex_unlock(&s->mu);
    return r;
}

static __attribute__((unused)) size_t fake_count(fake_server *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = json_array_size(s->log);
    pthread_mutex_unlock(&s->mu);
    return n;
}

static __attribute__((unused)) int fake_connections(fake_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->connections;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* Connections closed so far. A keep-alive client keeps its connection
 * open after a complete answer, so a close while the client lives means it
 * gave up on a transfer (a cancel, a timeout). */
static __attribute__((unused)) int fake_closed(fake_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->closed;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* A borrowed header value of a recorded request ("" when absent is NULL). */
static __attribute__((unused)) const char *fake_header(json_t *rec, const char *lower_name)
{
    return json_string_value(json_object_get(json_object_get(rec, "headers"), lower_name));
}

/* The query-string value of `key` in a raw URI's first occurrence
 * (still percent-encoded), copied into buf; NULL when absent. */
static __attribute__((unused)) const char *fake_query_get(const char *uri, const char *key, char *buf, size_t size)
{
    const char *q = strchr(uri, '?');
    size_t kl = strlen(key);
    while (q) {
        q++;
        if (strncmp(q, key, kl) == 0 && q[kl] == '=') {
            const char *v = q + kl + 1;
            size_t n = strcspn(v, "&");
            if (n >= size)
                n = size - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
        q = strchr(q, '&');
    }
    return NULL;
}

#endif /* TEST_FAKE_HTTP_H */
