/*
 * fuzz_url.c — libFuzzer harness for the URL and query builder
 * (runtime/src/url.c) and the request builder over it
 * (runtime/src/request.c), after argument validation
 * (runtime/src/validate.c) as the call driver runs them.
 *
 * Input: byte 0 picks the mode.
 *   even: byte 1 picks an op of the generated table (gen/c/src/op_table.c),
 *         the rest is its JSON arguments; validate, then build the request;
 *   odd:  the rest is "<path template>\n<JSON values>": fill_path with the
 *         values, then query_add of every member, then the escape of the
 *         raw bytes.
 * Checked, beyond the sanitizers (leaks included):
 *   - escape: only unreserved characters and %XX (upper-case hex) come
 *     out, and decoding gives the input back;
 *   - a built URL starts with the base URL, its path has exactly the '/'
 *     of the op's template (a value never adds a segment), at most one '?',
 *     every query pair is key=value, only unreserved, %XX and the
 *     template's own characters appear; a body is a JSON object; exactly
 *     one credential header;
 *   - a failure returns a negative code and sets the thread's last error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmdop/error.h"
#include "fuzz_util.h"
#include "http_loop.h"
#include "op_table.h"
#include "request.h"
#include "strbuf.h"
#include "url.h"
#include "validate.h"

#define BASE "https://relay.example.test/base"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    json_object_seed(1);
    return 0;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* s[0..n) percent-decoded into a NEW buffer (*out_len bytes); aborts on a
 * malformed escape. */
static char *unescape(const char *s, size_t n, size_t *out_len)
{
    char *o = malloc(n + 1);
    FUZZ_CHECK(o != NULL, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            FUZZ_CHECK(i + 2 < n, "cut escape at %zu in %.*s", i, (int)n, s);
            int hi = hexval((unsigned char)s[i + 1]);
            int lo = hexval((unsigned char)s[i + 2]);
            FUZZ_CHECK(hi >= 0 && lo >= 0, "bad escape at %zu in %.*s", i, (int)n, s);
            o[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            FUZZ_CHECK(unreserved((unsigned char)s[i]), "raw byte 0x%02x at %zu in %.*s",
                       (unsigned char)s[i], i, (int)n, s);
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

static void check_escape(const char *s)
{
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    cmdop__url_escape(&b, s);
    char *e = cmdop__sb_take(&b);
    FUZZ_CHECK(e != NULL, "escape: out of memory");
    size_t n = 0;
    char *back = unescape(e, strlen(e), &n);
    FUZZ_CHECK(n == strlen(s) && memcmp(back, s, n) == 0, "escape does not decode back");
    free(back);
    free(e);
}

static void check_failure(int rc, const char *what)
{
    FUZZ_CHECK(rc < 0, "%s: code %d", what, rc);
    const cmdop_error *e = cmdop_error_last();
    FUZZ_CHECK(e && e->code == rc && e->message, "%s: %d without its last error", what, rc);
}

/* The query "k=v&k=v" (no '?'): every pair key=value, both escaped. The
 * op table's keys are never empty; raw keys (any JSON key) may be. */
static void check_query(const char *q, bool empty_keys)
{
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        FUZZ_CHECK(eq && (empty_keys || eq > q), "query pair without key=: %.*s", (int)n, q);
        size_t k1 = 0, k2 = 0;
        free(unescape(q, (size_t)(eq - q), &k1));
        free(unescape(eq + 1, n - (size_t)(eq - q) - 1, &k2));
        q += n + (amp ? 1 : 0);
        FUZZ_CHECK(!amp || *q, "query ends with '&'");
    }
}

static size_t count(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

static void check_request(const cmdop__op_desc *op, const cmdop__http_req *req)
{
    const char *url = req->url;
    FUZZ_CHECK(url && strncmp(url, BASE, strlen(BASE)) == 0, "%s: url %s", op->name,
               url ? url : "(null)");
    const char *p = url + strlen(BASE);
    const char *qm = strchr(p, '?');
    size_t plen = qm ? (size_t)(qm - p) : strlen(p);
    /* the filled path: as many '/' as the template, the rest escaped or
     * the template's own text */
    FUZZ_CHECK(count(p, plen, '/') == count(op->path, strlen(op->path), '/'),
               "%s: path %.*s does not have the segments of %s", op->name, (int)plen, p,
               op->path);
    for (size_t i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)p[i];
        FUZZ_CHECK(unreserved(c) || c == '%' || c == '/' || strchr(op->path, c),
                   "%s: raw 0x%02x in path %.*s", op->name, c, (int)plen, p);
    }
    if (qm) {
        FUZZ_CHECK(!strchr(qm + 1, '?'), "%s: two '?' in %s", op->name, url);
        FUZZ_CHECK(qm[1] != '\0', "%s: empty query in %s", op->name, url);
        check_query(qm + 1, false);
    }
    if (req->body) {
        json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
        FUZZ_CHECK(json_is_object(b), "%s: body is not a JSON object: %s", op->name, req->body);
        json_decref(b);
    }
    size_t creds = 0;
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *h = req->headers[i];
        FUZZ_CHECK(!strchr(h, '\r') && !strchr(h, '\n'), "%s: line end in header", op->name);
        creds += strncmp(h, "Authorization:", 14) == 0 || strncmp(h, "X-Api-Key:", 10) == 0;
    }
    FUZZ_CHECK(creds == 1, "%s: %zu credential headers", op->name, creds);
}

static void op_mode(const uint8_t *data, size_t size)
{
    if (size < 1 || cmdop__ops_count == 0)
        return;
    const cmdop__op_desc *op = cmdop__ops[data[0] % cmdop__ops_count];
    if (!op->path)
        return;
    json_t *args = json_loadb((const char *)data + 1, size - 1, 0, NULL);
    if (!json_is_object(args)) {
        json_decref(args);
        return;
    }
    json_t *v = NULL;
    int rc = cmdop__validate_args(op, args, "10000000-0000-4000-8000-000000000001", &v);
    json_decref(args);
    if (rc) {
        check_failure(rc, op->name);
        FUZZ_CHECK(v == NULL, "%s: output on failure", op->name);
        return;
    }
    cmdop__request_ctx ctx = {.base_url = BASE, .credential = "token-1", .plane = op->plane,
                              .idempotency_key = NULL, .wire_offset = -1};
    cmdop__http_req *req = NULL;
    rc = cmdop__request_build(op, v, &ctx, &req);
    if (rc) {
        check_failure(rc, op->name);
        FUZZ_CHECK(req == NULL, "%s: request on failure", op->name);
    } else {
        check_request(op, req);
        cmdop__http_req_free(req);
    }
    json_decref(v);
}

static void raw_mode(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    if (!nl)
        return;
    size_t tl = (size_t)(nl - (const char *)data);
    char *tmpl = malloc(tl + 1);
    FUZZ_CHECK(tmpl != NULL, "out of memory");
    memcpy(tmpl, data, tl);
    tmpl[tl] = '\0';
    check_escape(tmpl);
    json_t *vals = json_loadb(nl + 1, size - tl - 1, JSON_DECODE_ANY, NULL);
    if (json_is_object(vals)) {
        cmdop__strbuf b = CMDOP__STRBUF_INIT;
        int rc = cmdop__url_fill_path(&b, tmpl, vals);
        if (rc)
            check_failure(rc, "fill_path");
        cmdop__sb_free(&b);
        const char *k;
        json_t *x;
        cmdop__strbuf q = CMDOP__STRBUF_INIT;
        json_object_foreach(vals, k, x) {
            rc = cmdop__url_query_add(&q, k, x);
            if (rc)
                check_failure(rc, "query_add");
            if (json_is_string(x))
                check_escape(json_string_value(x));
        }
        char *s = cmdop__sb_take(&q);
        FUZZ_CHECK(s != NULL, "query: out of memory");
        if (*s) {
            FUZZ_CHECK(s[0] == '?', "query does not start with '?': %s", s);
            FUZZ_CHECK(!strchr(s + 1, '?'), "two '?' in %s", s);
            check_query(s + 1, true);
        }
        free(s);
    }
    json_decref(vals);
    free(tmpl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        raw_mode(data + 1, size - 1);
    else
        op_mode(data + 1, size - 1);
    return 0;
}
