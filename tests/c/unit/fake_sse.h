/*
 * fake_sse.h — a scripted streaming HTTP server for the ask stream's unit
 * tests (libmicrohttpd on 127.0.0.1, port 0, a thread per connection). For
 * each request the test's `pick` function returns a script: a status, a
 * content type and steps of raw bytes sent after a delay, ending cleanly or
 * by dropping the connection. The server records every request (method,
 * path, Last-Event-ID, Accept, Cache-Control, Authorization, body) and counts responses
 * the client abandoned (connection closed before the script's end).
 * Header-only because tests/tests.mk builds each test_*.c on its own.
 */
#ifndef TEST_FAKE_SSE_H
#define TEST_FAKE_SSE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <jansson.h>
#include <microhttpd.h>

#define FS_UNUSED __attribute__((unused))

typedef struct fs_step {
    int delay_ms;          /* sleep before sending */
    const char *bytes;     /* NULL ends the script */
    int repeat;            /* send it 1 + repeat times, each after delay_ms */
} fs_step;

typedef struct fs_script {
    int status;            /* 0 = 200 */
    const char *ctype;     /* NULL = text/event-stream */
    const fs_step *steps;  /* for the body; NULL = `body` below */
    const char *body;      /* a whole body (error answers) */
    bool drop_at_end;      /* end by closing the connection abruptly */
} fs_script;

typedef struct fs_req {
    int index;
    char method[8];
    char path[256];
    char last_event_id[128];
    char accept[64];
    char cache_control[64];
    char auth[160];
    char *body;
} fs_req;

typedef const fs_script *(*fs_pick)(const fs_req *q, void *payload);

#define FS_MAX_REQS 512

typedef struct fake_sse {
    struct MHD_Daemon *d;
    char url[64];
    fs_pick pick;
    void *payload;
    pthread_mutex_t mu;
    fs_req reqs[FS_MAX_REQS];
    int n_reqs;
    int abandoned;         /* responses whose client went away mid-script */
    int completed;         /* responses sent to their end */
} fake_sse;

typedef struct fs_conn {
    fake_sse *srv;
    char *body;
    size_t len;
    const fs_script *script;
    size_t step;
    int sent_of_step;
    bool finished;         /* the script ran to its end */
} fs_conn;

static FS_UNUSED void fs_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static ssize_t fs_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    fs_conn *c = cls;
    const fs_step *st = &c->script->steps[c->step];
    if (!st->bytes) {
        c->finished = true;
        return c->script->drop_at_end ? MHD_CONTENT_READER_END_WITH_ERROR
                                      : MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (st->delay_ms)
        fs_sleep_ms(st->delay_ms);
    size_t n = strlen(st->bytes);
    if (n > max)
        n = max; /* scripts keep steps small */
    memcpy(buf, st->bytes, n);
    if (++c->sent_of_step > st->repeat) {
        c->step++;
        c->sent_of_step = 0;
    }
    return (ssize_t)n;
}

static void fs_free_conn(void *cls)
{
    fs_conn *c = cls;
    fake_sse *s = c->srv;
    pthread_mutex_lock(&s->mu);
    if (c->finished)
        s->completed++;
    else
        s->abandoned++;
    pthread_mutex_unlock(&s->mu);
    free(c->body);
    free(c);
}

static void fs_copy_header(struct MHD_Connection *mc, const char *name, char *dst, size_t cap)
{
    const char *v = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, name);
    snprintf(dst, cap, "%s", v ? v : "");
}

static enum MHD_Result fs_access(void *cls, struct MHD_Connection *mc, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **req_cls)
{
    (void)version;
    fake_sse *s = cls;
    fs_conn *c = *req_cls;
    if (!c) {
        c = calloc(1, sizeof *c);
        c->srv = s;
        *req_cls = c;
        return MHD_YES;
    }
    if (*upload_size) {
        c->body = realloc(c->body, c->len + *upload_size + 1);
        memcpy(c->body + c->len, upload, *upload_size);
        c->len += *upload_size;
        c->body[c->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    *req_cls = NULL; /* the response callback owns c from here */
    fs_req q;
    memset(&q, 0, sizeof q);
    snprintf(q.method, sizeof q.method, "%s", method);
    snprintf(q.path, sizeof q.path, "%s", url);
    fs_copy_header(mc, "Last-Event-ID", q.last_event_id, sizeof q.last_event_id);
    fs_copy_header(mc, "Accept", q.accept, sizeof q.accept);
    fs_copy_header(mc, "Cache-Control", q.cache_control, sizeof q.cache_control);
    fs_copy_header(mc, "Authorization", q.auth, sizeof q.auth);
    q.body = strdup(c->body ? c->body : "");
    pthread_mutex_lock(&s->mu);
    q.index = s->n_reqs;
    if (s->n_reqs < FS_MAX_REQS)
        s->reqs[s->n_reqs++] = q;
    else
        free(q.body);
    pthread_mutex_unlock(&s->mu);
    const fs_script *sc = s->pick(&q, s->payload);
    c->script = sc;
    struct MHD_Response *resp;
    if (sc->steps) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, fs_reader, c,
                                                 fs_free_conn);
    } else {
        const char *b = sc->body ? sc->body : "";
        resp = MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_MUST_COPY);
        c->finished = true;
        fs_free_conn(c);
    }
    MHD_add_response_header(resp, "Content-Type", sc->ctype ? sc->ctype : "text/event-stream");
    MHD_add_response_header(resp, "X-Request-Id", "req-fake");
    enum MHD_Result r = MHD_queue_response(mc, (unsigned)(sc->status ? sc->status : 200), resp);
    MHD_destroy_response(resp);
    return r;
}

static void fs_completed(void *cls, struct MHD_Connection *mc, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)mc; (void)toe;
    fs_conn *c = *req_cls; /* only set when no response was queued */
    if (c) {
        free(c->body);
        free(c);
        *req_cls = NULL;
    }
}

static FS_UNUSED fake_sse *fs_start(fs_pick pick, void *payload)
{
    fake_sse *s = calloc(1, sizeof *s);
    s->pick = pick;
    s->payload = payload;
    pthread_mutex_init(&s->mu, NULL);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                            0, NULL, NULL, fs_access, s,
                            MHD_OPTION_NOTIFY_COMPLETED, fs_completed, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
    if (!s->d) {
        fprintf(stderr, "fs_start: MHD_start_daemon failed\n");
        abort();
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", info->port);
    return s;
}

static FS_UNUSED void fs_stop(fake_sse *s)
{
    MHD_stop_daemon(s->d);
    for (int i = 0; i < s->n_reqs; i++)
        free(s->reqs[i].body);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static FS_UNUSED int fs_count(fake_sse *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->n_reqs;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* Polls the abandoned counter until it reaches `want` (bounded: 5 s). */
static FS_UNUSED int fs_wait_abandoned(fake_sse *s, int want)
{
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s->mu);
        int n = s->abandoned;
        pthread_mutex_unlock(&s->mu);
        if (n >= want)
            return n;
        fs_sleep_ms(10);
    }
    return -1;
}

#endif /* TEST_FAKE_SSE_H */
