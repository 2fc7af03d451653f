/*
 * stream_curl.c — the raw floor for an ask stream: libcurl POSTs the ask
 * (one reused easy handle), the body is split into SSE events at blank
 * lines by hand, and each event's `data:` line is parsed with jansson and
 * dropped. No resume, no typed frames, no validation: the least any C
 * program must do per frame. It also shows what the server delivers.
 * Usage: stream_curl K BASE_URL TOKEN MACHINE_ID PROMPT
 */
#include "bench_c.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct sse {
    char *line;            /* the current event's text so far */
    size_t n, cap;
    long frames;
    int failed;
} sse;

/* One complete event (its lines, without the blank line): parse its data. */
static void on_event(sse *s, const char *ev, size_t len)
{
    for (const char *p = ev; p < ev + len;) {
        const char *nl = memchr(p, '\n', (size_t)(ev + len - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(ev + len - p);
        if (l > 6 && memcmp(p, "data: ", 6) == 0) {
            json_error_t e;
            json_t *v = json_loadb(p + 6, l - 6, 0, &e);
            if (v)
                s->frames++;
            else
                s->failed = 1;
            json_decref(v);
        }
        p += l + 1;
    }
}

static size_t on_body(char *d, size_t sz, size_t nm, void *cls)
{
    sse *s = cls;
    size_t n = sz * nm;
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        while (cap < s->n + n + 1)
            cap *= 2;
        char *p = realloc(s->line, cap);
        if (!p)
            return 0;
        s->line = p, s->cap = cap;
    }
    memcpy(s->line + s->n, d, n);
    s->n += n;
    /* Every complete event ends with "\n\n"; keep the tail for later. */
    size_t start = 0;
    for (size_t i = 0; i + 1 < s->n; i++)
        if (s->line[i] == '\n' && s->line[i + 1] == '\n') {
            on_event(s, s->line + start, i - start);
            start = i + 2;
            i++;
        }
    memmove(s->line, s->line + start, s->n - start);
    s->n -= start;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s K BASE_URL TOKEN MACHINE_ID PROMPT\n", argv[0]);
        return 2;
    }
    long k = atol(argv[1]);
    char url[512], auth[512];
    snprintf(url, sizeof url, "%s/api/admin/machines/%s/ask", argv[2], argv[4]);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[3]);
    json_t *b = json_pack("{s:s, s:s}", "prompt", argv[5], "session_id",
                          "0123456789abcdef0123456789abcdef");
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, auth);
    hd = curl_slist_append(hd, "Accept: text/event-stream");
    hd = curl_slist_append(hd, "Content-Type: application/json");
    sse s = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    double t0 = bench_now(), c0 = bench_cpu();
    for (long i = 0; i < k; i++) {
        s.n = 0;
        long status = 0;
        if (curl_easy_perform(h) != CURLE_OK ||
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
            status != 200 || s.failed) {
            fprintf(stderr, "ask %ld failed (status %ld)\n", i, status);
            return 1;
        }
    }
    bench_report(k, s.frames, bench_now() - t0, bench_cpu() - c0);
    free(s.line);
    free(body);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
