/*
 * error_map.c — HTTP answers and transport failures -> cmdop errors.
 * The status decides the class (the IDL's error table); the JSON error body
 * (FastAPI, DRF, or our older {"code","message","field"}) supplies the
 * message and the field, and an old body's code refines the class where the
 * status alone cannot tell ("unavailable").
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>

#include "call.h"
#include "error_internal.h"
#include "http_loop.h"
#include "op_table.h"

long cmdop__retry_after_ms(const char *value, time_t now)
{
    if (!value)
        return -1;
    while (isspace((unsigned char)*value))
        value++;
    if (!*value)
        return -1;
    if (isdigit((unsigned char)*value)) {
        /* delta-seconds: 1*DIGIT, nothing else but trailing blanks */
        char *end;
        errno = 0;
        unsigned long long s = strtoull(value, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (*end || errno == ERANGE)
            return -1;
        if (s > 86400ULL * 365)   /* absurd: clamp rather than overflow */
            s = 86400ULL * 365;
        return (long)(s * 1000ULL);
    }
    /* HTTP-date (IMF-fixdate, RFC 850 or asctime): curl parses all three. */
    time_t t = curl_getdate(value, NULL);
    if (t == (time_t)-1)
        return -1;
    if (t <= now)
        return 0;
    return (long)(t - now) * 1000L;
}

/* The IDL's error table (op_table.c): the code of an HTTP status, or 0. */
int cmdop__error_code_for_status(long status)
{
    for (const cmdop__status_rule *r = cmdop__status_rules; r->code; r++)
        if (status >= r->lo && status <= r->hi)
            return cmdop__error_code_from_str(r->code);
    return 0;
}

/* What an error body says: message (NEW, or NULL) and field (NEW, or NULL). */
typedef struct body_info {
    char *msg;
    char *field;
    const char *code;   /* our old {"code"} key, borrowed from the document */
} body_info;

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* FastAPI 422: {"detail": [{"loc": ["body", "name"], "msg": "...", "type": "..."}]}.
 * The field is loc's last element (a string; an index names its parent);
 * the message "<field>: <msg>", with "; " and the next error when several. */
static void read_fastapi_list(const json_t *detail, body_info *bi)
{
    char buf[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < json_array_size(detail); i++) {
        const json_t *e = json_array_get(detail, i);
        const json_t *loc = json_object_get(e, "loc");
        const char *msg = json_string_value(json_object_get(e, "msg"));
        const char *field = NULL;
        for (size_t k = json_array_size(loc); k > 0 && !field; k--) {
            const char *s = json_string_value(json_array_get(loc, k - 1));
            /* "body"/"query"/"path" alone is where, not what */
            if (s && !(k == 1 && (!strcmp(s, "body") || !strcmp(s, "query") ||
                                  !strcmp(s, "path") || !strcmp(s, "header"))))
                field = s;
        }
        if (!bi->field && field)
            bi->field = dup_str(field);
        int n = snprintf(buf + used, sizeof buf - used, "%s%s%s%s", used ? "; " : "",
                         field ? field : "", field ? ": " : "", msg ? msg : "invalid");
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    if (used)
        bi->msg = dup_str(buf);
}

/* DRF 400: {"<field>": ["msg", ...], ...} or {"non_field_errors": [...]}. The
 * first key with a list of strings gives the field (none for
 * non_field_errors) and the message "<field>: <first msg>". */
static void read_drf_fields(const json_t *doc, body_info *bi)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)doc, key, v) {
        const json_t *first = json_is_array(v) ? json_array_get(v, 0) : v;
        const char *msg = json_string_value(first);
        if (!msg)
            continue;
        bool nf = strcmp(key, "non_field_errors") == 0;
        char buf[1024];
        snprintf(buf, sizeof buf, "%s%s%s", nf ? "" : key, nf ? "" : ": ", msg);
        bi->msg = dup_str(buf);
        bi->field = nf ? NULL : dup_str(key);
        return;
    }
}

/* The error bodies the hosted services answer (docs/wire.md "Errors"):
 * FastAPI {"detail": "..."} / {"detail": [{loc, msg, type}]}, DRF
 * {"detail": "..."} / {"<field>": ["..."]}, and our older {"code", "message",
 * "field"} (still read: harmless). */
static void read_body(const json_t *doc, body_info *bi)
{
    if (!json_is_object(doc))
        return;
    bi->code = json_string_value(json_object_get(doc, "code"));
    const json_t *detail = json_object_get(doc, "detail");
    const char *message = json_string_value(json_object_get(doc, "message"));
    if (message) {
        bi->msg = dup_str(message);
        bi->field = dup_str(json_string_value(json_object_get(doc, "field")));
    } else if (json_is_string(detail)) {
        bi->msg = dup_str(json_string_value(detail));
        bi->field = dup_str(json_string_value(json_object_get(doc, "field")));
    } else if (json_is_array(detail)) {
        read_fastapi_list(detail, bi);
    } else if (!detail) {
        read_drf_fields(doc, bi);
    }
}

int cmdop__error_from_http(long status, const char *body, size_t body_len,
                           const char *request_id, const char *retry_after,
                           time_t now)
{
    body_info bi = {NULL, NULL, NULL};
    json_t *doc = NULL;
    if (body && body_len)
        doc = json_loadb(body, body_len, 0, NULL);
    read_body(doc, &bi);
    int code = cmdop__error_code_for_status(status);
    int from_body = cmdop__error_code_from_str(bi.code);
    if (from_body == CMDOP_EUNAVAILABLE)
        code = CMDOP_EUNAVAILABLE;
    else if (!code)
        code = from_body ? from_body : CMDOP_EINTERNAL;
    if (bi.msg && *bi.msg)
        cmdop__error_set(code, (int)status, request_id, bi.field, "%s", bi.msg);
    else
        cmdop__error_set(code, (int)status, request_id, bi.field,
                         "HTTP %ld (%s)", status, cmdop_error_code_str(code));
    if (code == CMDOP_ERATELIMIT)
        cmdop__error_set_retry_after(cmdop__retry_after_ms(retry_after, now));
    free(bi.msg);
    free(bi.field);
    json_decref(doc);
    return code;
}

int cmdop__error_from_xfer(cmdop__xfer xfer, const char *detail,
                           const char *method, const char *url_in)
{
    const char *d = detail && *detail ? detail : "no detail";
    char url[512];   /* a URL's userinfo never reaches an error message */
    cmdop__url_redact(url_in ? url_in : "", url, sizeof url);
    switch (xfer) {
    case CMDOP__XFER_TIMEOUT:
        return cmdop__error_set(CMDOP_ETIMEOUT, 0, NULL, NULL,
                                "%s %s: timed out (%s)", method, url, d);
    case CMDOP__XFER_CANCELLED:
        return cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL,
                                "%s %s: cancelled (%s)", method, url, d);
    case CMDOP__XFER_NOMEM:
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    case CMDOP__XFER_TLS:
        return cmdop__error_set(CMDOP_ETLS, 0, NULL, NULL,
                                "%s %s: TLS certificate verification failed (%s); not "
                                "retried. Trust a private CA with the ca_file option, "
                                "%s, SSL_CERT_FILE, SSL_CERT_DIR or "
                                "CURL_CA_BUNDLE", method, url, d,
                                cmdop__options[CMDOP__OPT_CA_FILE].env[0]);
    case CMDOP__XFER_TOO_BIG:
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL,
                                "%s %s: response body over the %u MiB size cap", method,
                                url, (unsigned)(CMDOP__HTTP_MAX_BODY >> 20));
    case CMDOP__XFER_INSECURE:
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "base_url", "%s %s: %s",
                                method, url, d);
    case CMDOP__XFER_CONNECTION:
    default:
        return cmdop__error_set(CMDOP_ECONNECTION, 0, NULL, NULL,
                                "%s %s: %s", method, url, d);
    }
}
