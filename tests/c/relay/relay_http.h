/*
 * relay_http.h — in-process relay + libcurl helper for test_relay_http.c
 * and test_relay_fleets.c: a fresh relay per test (Check forks each test),
 * requests with any headers, and the response's status, JSON body and the
 * X-Request-Id / Retry-After headers. Header-only: tests/tests.mk links each
 * test file alone against librelay.a.
 */
#ifndef RELAY_HTTP_H
#define RELAY_HTTP_H

#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err_shape.h"
#include "relay_server.h"

#define RH_TOKEN "tok-123"
#define RH_KEY "key-456"
#define RH_BEARER "Authorization: Bearer " RH_TOKEN
#define RH_APIKEY "X-Api-Key: " RH_KEY
#define RH_FLEET "10000000-0000-4000-8000-000000000001"
#define RH_OWNER "00000000-0000-4000-8000-000000000001"
#define RH_ADMIN "00000000-0000-4000-8000-000000000002"
#define RH_MEMBER "00000000-0000-4000-8000-000000000003"
#define RH_M(n) "20000000-0000-4000-8000-00000000000" #n

static relay_server *rh_server;

static inline void rh_start(void)
{
    char err[256] = "";
    json_t *seed = relay_default_seed(err, sizeof err);
    ck_assert_msg(seed != NULL, "seed: %s", err);
    relay_options opt = {"127.0.0.1", 0, RH_TOKEN, RH_KEY, seed};
    ck_assert_msg(relay_server_start(&rh_server, &opt, err, sizeof err) == 0,
                  "start: %s", err);
    json_decref(seed);
}

static inline void rh_stop(void)
{
    relay_server_stop(rh_server);
    rh_server = NULL;
}

typedef struct rh_resp {
    long status;
    json_t *body;            /* NULL for an empty body */
    size_t raw_len;
    char request_id[64];
    char retry_after[32];
} rh_resp;

static inline size_t rh_write(char *p, size_t size, size_t n, void *ud)
{
    char **buf = ud;
    size_t have = *buf ? strlen(*buf) : 0;
    char *d = realloc(*buf, have + size * n + 1);
    if (!d)
        return 0;
    memcpy(d + have, p, size * n);
    d[have + size * n] = '\0';
    *buf = d;
    return size * n;
}

static inline void rh_copy_header(const char *line, size_t n, const char *name,
                           char *dst, size_t cap)
{
    size_t k = strlen(name);
    if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return;
    const char *v = line + k + 1;
    while (*v == ' ')
        v++;
    size_t len = n - (size_t)(v - line);
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
        len--;
    snprintf(dst, cap, "%.*s", (int)len, v);
}

static inline size_t rh_header(char *p, size_t size, size_t n, void *ud)
{
    rh_resp *r = ud;
    rh_copy_header(p, size * n, "X-Request-Id", r->request_id,
                   sizeof r->request_id);
    rh_copy_header(p, size * n, "Retry-After", r->retry_after,
                   sizeof r->retry_after);
    return size * n;
}

/* One request to root + path; `headers` NULL-terminated (may be NULL). The
 * caller frees r->body. */
static inline rh_resp rh_call(const char *method, const char *path,
                       const char *const *headers, const char *body)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", relay_server_relay(rh_server)->root_url,
             path);
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    struct curl_slist *h = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    rh_resp r = {0};
    char *text = NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, rh_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &text);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, rh_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path,
                  curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.raw_len = text ? strlen(text) : 0;
    if (r.raw_len) {
        r.body = json_loads(text, 0, NULL);
        ck_assert_msg(r.body != NULL, "%s %s: not JSON: %s", method, path,
                      text);
    }
    free(text);
    return r;
}

/* Relay plane with the right Bearer token. */
static inline rh_resp rh_relay(const char *method, const char *path, const char *body)
{
    static const char *const h[] = {RH_BEARER, NULL};
    return rh_call(method, path, h, body);
}

static inline rh_resp rh_control(const char *method, const char *path,
                          const char *body)
{
    char p[512];
    snprintf(p, sizeof p, "/_control%s", path);
    return rh_call(method, p, NULL, body);
}

static inline const char *rh_s(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static inline long long rh_i(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Asserts status, the hosted error shape, the code the status stands for
 * and the field the body names (NULL: none); frees the body. */
static inline void rh_expect_error(rh_resp r, long status, const char *code,
                            const char *field)
{
    es_assert(r.status, r.body, status, code, field);
    json_decref(r.body);
}

/* Asserts the status and returns the body (caller frees). */
static inline json_t *rh_expect(rh_resp r, long status)
{
    ck_assert_msg(r.status == status, "status %ld, want %ld (%s)", r.status,
                  status, r.body && r.status >= 400 ? es_msg(r.status, r.body)
                                                    : "");
    return r.body;
}

static inline int rh_run(Suite *s)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* RELAY_HTTP_H */
