/*
 * plat_client.h — test harness shared by test_platform_*.c and
 * test_tunnels_schedules.c: starts the real relay in-process on a free
 * loopback port with the default seed (a fresh one per test: Check runs
 * each test in its own forked child, where the checked fixture starts it),
 * and sends HTTP requests with libcurl. Header-only because tests/tests.mk
 * links each tests/c/relay/test_*.c alone against librelay.a.
 */
#ifndef PLAT_CLIENT_H
#define PLAT_CLIENT_H

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err_shape.h"
#include "relay_server.h"

#define PC_TOKEN "test-token"
#define PC_KEY "test-api-key"
#define PC_FLEET "10000000-0000-4000-8000-000000000001"
#define PC_ALPHA "20000000-0000-4000-8000-000000000001"

static relay_server *pc_server;
static char pc_root[160];

static inline void pc_start(void)
{
    char err[256] = "";
    json_t *seed = relay_default_seed(err, sizeof err);
    ck_assert_msg(seed != NULL, "seed: %s", err);
    relay_options opt = {NULL, 0, PC_TOKEN, PC_KEY, seed};
    ck_assert_msg(relay_server_start(&pc_server, &opt, err, sizeof err) == 0,
                  "start: %s", err);
    json_decref(seed);
    snprintf(pc_root, sizeof pc_root, "%s",
             relay_server_relay(pc_server)->root_url);
}

static inline void pc_stop(void)
{
    relay_server_stop(pc_server);
    pc_server = NULL;
}

typedef struct pc_buf {
    char *data;
    size_t len;
} pc_buf;

static inline size_t pc_write(char *p, size_t size, size_t n, void *ud)
{
    pc_buf *b = ud;
    char *d = realloc(b->data, b->len + size * n + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, size * n);
    b->data = d;
    b->len += size * n;
    d[b->len] = '\0';
    return size * n;
}

/*
 * One request to pc_root + path with header `auth` (may be NULL) and JSON
 * body text (may be NULL). Returns the HTTP status; *out (when out is not
 * NULL) gets the parsed body (new reference) or NULL for an empty one.
 * The raw length of the body goes to *raw_len when not NULL.
 */
static inline long pc_http(const char *method, const char *path, const char *auth,
                    const char *body, json_t **out, size_t *raw_len)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", pc_root, path);
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    struct curl_slist *h = NULL;
    if (auth)
        h = curl_slist_append(h, auth);
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    pc_buf b = {NULL, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, pc_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path,
                  curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (raw_len)
        *raw_len = b.len;
    if (out) {
        *out = NULL;
        if (b.len) {
            json_error_t e;
            *out = json_loads(b.data, 0, &e);
            ck_assert_msg(*out != NULL, "%s %s: bad JSON %s", method, path,
                          b.data);
        }
    }
    free(b.data);
    return status;
}

/* Relay plane (Bearer) and platform plane (X-Api-Key, below /platform). */
static inline long pc_relay(const char *method, const char *path, const char *body,
                     json_t **out)
{
    return pc_http(method, path, "Authorization: Bearer " PC_TOKEN, body, out,
                   NULL);
}

static inline long pc_plat(const char *method, const char *path, const char *body,
                    json_t **out)
{
    char p[1024];
    snprintf(p, sizeof p, "/platform%s", path);
    return pc_http(method, p, "X-Api-Key: " PC_KEY, body, out, NULL);
}

/* Borrowed string / integer under key, for terse assertions. */
static inline const char *pc_s(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static inline long long pc_i(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Asserts an error response: status, the hosted shape, the code the
 * status stands for and (when not NULL) the field the body names. */
#define pc_assert_error(st, body, want_st, code, field)                     \
    do {                                                                    \
        ck_assert_int_eq((st), (want_st));                                  \
        ck_assert_str_eq(es_code(st), (code));                              \
        const char *pc_got_ = es_field((st), (body));                       \
        if ((field) != NULL)                                                \
            ck_assert_str_eq(pc_got_ ? pc_got_ : "(none)",                  \
                             (const char *)(field));                        \
    } while (0)

/* Asserts every key of the NULL-terminated list is present in o. */
static inline void pc_assert_keys(json_t *o, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        ck_assert_msg(json_object_get(o, keys[i]) != NULL, "missing key %s",
                      keys[i]);
}

/* Runs a suite with the fixture on every test case; returns the exit code. */
static inline int pc_run(Suite *s)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* PLAT_CLIENT_H */
