/*
 * ask_sse.h — raw SSE client for the relay's ask tests: one libcurl easy
 * handle per stream driven by its own multi handle, so a test can keep a
 * stream open while it answers a PIN or a confirm over another request.
 * Reads the bytes exactly as sent (this tests the relay, not the SDK's
 * decoder) and parses them with the relay's fixed layout:
 *   id: <sid>.<seq>\nevent: <type>\ndata: <json>\n\n   and   : ping\n\n
 * Header-only (tests/tests.mk links each test file alone); include after
 * relay_http.h.
 */
#ifndef ASK_SSE_H
#define ASK_SSE_H

#include <poll.h>
#include <time.h>

#include "relay_http.h"

#define AS_ASK(n) "/api/admin/machines/" RH_M(n) "/ask"

typedef struct as_stream {
    CURL *easy;
    CURLM *multi;
    struct curl_slist *hdrs;
    char *buf;                /* every byte of the body so far */
    size_t len;
    char content_type[64];
    char request_id[64];
    bool done;                /* the transfer ended */
    CURLcode result;          /* its outcome once done */
} as_stream;

typedef struct as_frame {
    char id[80];              /* "" when the block had no id line */
    char event[40];
    char *data;               /* raw data line (owned), NULL if none */
    json_t *json;             /* data parsed, NULL if not JSON */
} as_frame;

typedef struct as_frames {
    as_frame *f;
    size_t n;
    size_t pings;             /* ": ping" comment blocks */
} as_frames;

static inline long as_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline size_t as_write(char *p, size_t size, size_t n, void *ud)
{
    as_stream *s = ud;
    char *b = realloc(s->buf, s->len + size * n + 1);
    if (!b)
        return 0;
    memcpy(b + s->len, p, size * n);
    s->len += size * n;
    b[s->len] = '\0';
    s->buf = b;
    return size * n;
}

static inline size_t as_header(char *p, size_t size, size_t n, void *ud)
{
    as_stream *s = ud;
    rh_copy_header(p, size * n, "Content-Type", s->content_type,
                   sizeof s->content_type);
    rh_copy_header(p, size * n, "X-Request-Id", s->request_id,
                   sizeof s->request_id);
    return size * n;
}

/* Starts POST <path> with `body`; `last_id` adds Last-Event-ID; `auth` NULL
 * means the right Bearer token. Nothing is sent until as_pump. */
static inline as_stream *as_open_at(const char *root, const char *path,
                                    const char *body, const char *last_id,
                                    const char *auth)
{
    as_stream *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    char url[1024], h[256];
    snprintf(url, sizeof url, "%s%s", root, path);
    s->hdrs = curl_slist_append(NULL, auth ? auth : RH_BEARER);
    s->hdrs = curl_slist_append(s->hdrs, "Accept: text/event-stream");
    s->hdrs = curl_slist_append(s->hdrs, "Content-Type: application/json");
    if (last_id) {
        snprintf(h, sizeof h, "Last-Event-ID: %s", last_id);
        s->hdrs = curl_slist_append(s->hdrs, h);
    }
    s->easy = curl_easy_init();
    curl_easy_setopt(s->easy, CURLOPT_URL, url);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->hdrs);
    curl_easy_setopt(s->easy, CURLOPT_COPYPOSTFIELDS, body);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, as_write);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, as_header);
    curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
    s->multi = curl_multi_init();
    curl_multi_add_handle(s->multi, s->easy);
    return s;
}

/* The same against the in-process relay of relay_http.h. */
static inline as_stream *as_open_full(const char *path, const char *body,
                                      const char *last_id, const char *auth)
{
    return as_open_at(relay_server_relay(rh_server)->root_url, path, body,
                      last_id, auth);
}

static inline as_stream *as_open(const char *path, const char *body)
{
    return as_open_full(path, body, NULL, NULL);
}

/* Drives the transfer for up to ms; returns early when it ends. */
static inline void as_pump(as_stream *s, long ms)
{
    long until = as_now_ms() + ms;
    while (!s->done) {
        int running = 0;
        curl_multi_perform(s->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(s->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                s->done = true;
                s->result = m->data.result;
            }
        long rest = until - as_now_ms();
        if (s->done || rest <= 0)
            break;
        curl_multi_poll(s->multi, NULL, 0, (int)(rest < 50 ? rest : 50), NULL);
    }
}

/* Pumps until the body contains `needle` (true) or the stream ends or
 * ms pass (false). */
static inline bool as_wait_for(as_stream *s, const char *needle, long ms)
{
    long until = as_now_ms() + ms;
    for (;;) {
        if (s->buf && strstr(s->buf, needle))
            return true;
        if (s->done || as_now_ms() >= until)
            return false;
        as_pump(s, 50);
    }
}

/* Pumps until the transfer ends (bounded); returns its result. */
static inline CURLcode as_finish(as_stream *s, long ms)
{
    as_pump(s, ms);
    ck_assert_msg(s->done, "stream did not end within %ld ms; got: %s", ms,
                  s->buf ? s->buf : "");
    return s->result;
}

static inline long as_status(as_stream *s)
{
    long st = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &st);
    return st;
}

/* Closes the connection (mid-stream: the client going away). */
static inline void as_close(as_stream *s)
{
    curl_multi_remove_handle(s->multi, s->easy);
    curl_easy_cleanup(s->easy);
    curl_multi_cleanup(s->multi);
    curl_slist_free_all(s->hdrs);
    free(s->buf);
    free(s);
}

static inline void as_frames_free(as_frames *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->f[i].data);
        json_decref(fs->f[i].json);
    }
    free(fs->f);
    fs->f = NULL;
    fs->n = 0;
}

/* Splits the complete blocks of the body into frames and pings. A block
 * with any other line fails the test: the relay only sends these. */
static inline as_frames as_parse(const as_stream *s)
{
    as_frames fs = {0};
    const char *p = s->buf ? s->buf : "";
    const char *end;
    while ((end = strstr(p, "\n\n"))) {
        if (strncmp(p, ": ping\n", 7) == 0 && p + 6 == end) {
            fs.pings++;
            p = end + 2;
            continue;
        }
        as_frame f = {0};
        const char *line = p;
        while (line < end + 1) {
            const char *nl = memchr(line, '\n', (size_t)(end + 1 - line));
            int n = (int)(nl - line);
            if (strncmp(line, "id: ", 4) == 0)
                snprintf(f.id, sizeof f.id, "%.*s", n - 4, line + 4);
            else if (strncmp(line, "event: ", 7) == 0)
                snprintf(f.event, sizeof f.event, "%.*s", n - 7, line + 7);
            else if (strncmp(line, "data: ", 6) == 0)
                f.data = strndup(line + 6, (size_t)n - 6);
            else
                ck_abort_msg("unexpected SSE line: %.*s", n, line);
            line = nl + 1;
        }
        if (f.data)
            f.json = json_loads(f.data, 0, NULL);
        fs.f = realloc(fs.f, (fs.n + 1) * sizeof *fs.f);
        fs.f[fs.n++] = f;
        p = end + 2;
    }
    return fs;
}

static inline const char *as_str(const as_frame *f, const char *key)
{
    return json_string_value(json_object_get(f->json, key));
}

/* The frame's seq (after the last '.' of its id), asserting the stream id. */
static inline long as_seq(const as_frame *f, char sid[64])
{
    const char *dot = strrchr(f->id, '.');
    ck_assert_msg(dot != NULL, "id without seq: '%s'", f->id);
    snprintf(sid, 64, "%.*s", (int)(dot - f->id), f->id);
    return strtol(dot + 1, NULL, 10);
}

/* Concatenated deltas of the event frames. Caller frees. */
static inline char *as_deltas(const as_frames *fs)
{
    size_t cap = 1;
    for (size_t i = 0; i < fs->n; i++)
        cap += fs->f[i].data ? strlen(fs->f[i].data) : 0;
    char *t = calloc(1, cap);
    for (size_t i = 0; i < fs->n; i++) {
        if (strcmp(fs->f[i].event, "event") != 0)
            continue;
        const char *d = json_string_value(json_object_get(
            json_object_get(fs->f[i].json, "payload"), "delta"));
        ck_assert_ptr_nonnull(d);
        strcat(t, d);
    }
    return t;
}

/* GET /_control/streams; caller frees. */
static inline json_t *as_counters(void)
{
    return rh_expect(rh_control("GET", "/streams", NULL), 200);
}

/* Polls the counters until `key` reaches at least `want` (bounded at 10 s;
 * the bound only turns a hang into a failure, the assert is the value). */
static inline long long as_await_counter(const char *key, long long want)
{
    long until = as_now_ms() + 10000;
    long long v;
    for (;;) {
        json_t *c = as_counters();
        v = rh_i(c, key);
        json_decref(c);
        if (v >= want || as_now_ms() >= until)
            return v;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

#endif /* ASK_SSE_H */
