/*
 * unary_curl.c — the raw floor for a unary call: one reused libcurl easy
 * handle (keep-alive), the Bearer header, the body into a growing buffer,
 * parsed with jansson and one field read. No retries, no validation, no
 * typed model: what any C program must do at least.
 * Usage: unary_curl N BASE_URL TOKEN MACHINE_ID
 */
#include "bench_c.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static size_t on_body(char *d, size_t sz, size_t nm, void *cls)
{
    buf *b = cls;
    size_t n = sz * nm;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return 0;
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
    return n;
}

static int one_call(CURL *h, buf *b)
{
    b->n = 0;
    if (curl_easy_perform(h) != CURLE_OK)
        return -1;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    json_error_t e;
    json_t *v = json_loadb(b->p, b->n, 0, &e);
    int ok = status == 200 && json_is_object(v) &&
             json_object_get(v, "identity") != NULL;
    json_decref(v);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s N BASE_URL TOKEN MACHINE_ID\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    char url[512], auth[512];
    snprintf(url, sizeof url, "%s/api/admin/machines/%s/info", argv[2], argv[4]);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, auth);
    hd = curl_slist_append(hd, "Accept: application/json");
    buf b = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    if (one_call(h, &b) < 0) {
        fprintf(stderr, "warm-up call failed\n");
        return 1;
    }
    double t0 = bench_now(), c0 = bench_cpu();
    for (long i = 0; i < n; i++)
        if (one_call(h, &b) < 0) {
            fprintf(stderr, "call %ld failed\n", i);
            return 1;
        }
    bench_report(n, 0, bench_now() - t0, bench_cpu() - c0);
    free(b.p);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return 0;
}
