/*
 * error_map.c — HTTP answers and transport failures -> cmdop errors.
 * The status decides the class; the JSON error body {"code","message",
 * "field"} supplies the message and field, and refines the class where the
 * status alone cannot tell ("unavailable").
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>

#include "call.h"
#include "error_internal.h"

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

static int code_for_status(long status)
{
    switch (status) {
    case 400: case 422: return CMDOP_EVALIDATION;
    case 401: return CMDOP_EAUTH;
    case 403: return CMDOP_EPERMISSION;
    case 404: return CMDOP_ENOTFOUND;
    case 409: return CMDOP_ECONFLICT;
    case 429: return CMDOP_ERATELIMIT;
    default: break;
    }
    if (status >= 500 && status <= 599)
        return CMDOP_ESERVER;
    return 0;
}

int cmdop__error_from_http(long status, const char *body, size_t body_len,
                           const char *request_id, const char *retry_after,
                           time_t now)
{
    const char *b_code = NULL, *b_msg = NULL, *b_field = NULL;
    json_t *doc = NULL;
    if (body && body_len)
        doc = json_loadb(body, body_len, 0, NULL);
    if (json_is_object(doc)) {
        b_code = json_string_value(json_object_get(doc, "code"));
        b_msg = json_string_value(json_object_get(doc, "message"));
        /* DRF answers {"detail": "..."} */
        if (!b_msg)
            b_msg = json_string_value(json_object_get(doc, "detail"));
        b_field = json_string_value(json_object_get(doc, "field"));
    }
    int code = code_for_status(status);
    int from_body = cmdop__error_code_from_str(b_code);
    if (from_body == CMDOP_EUNAVAILABLE)
        code = CMDOP_EUNAVAILABLE;
    else if (!code)
        code = from_body ? from_body : CMDOP_EINTERNAL;
    if (b_msg && *b_msg)
        cmdop__error_set(code, (int)status, request_id, b_field, "%s", b_msg);
    else
        cmdop__error_set(code, (int)status, request_id, b_field,
                         "HTTP %ld (%s)", status, cmdop_error_code_str(code));
    if (code == CMDOP_ERATELIMIT)
        cmdop__error_set_retry_after(cmdop__retry_after_ms(retry_after, now));
    json_decref(doc);
    return code;
}

int cmdop__error_from_xfer(cmdop__xfer xfer, const char *detail,
                           const char *method, const char *url)
{
    const char *d = detail && *detail ? detail : "no detail";
    switch (xfer) {
    case CMDOP__XFER_TIMEOUT:
        return cmdop__error_set(CMDOP_ETIMEOUT, 0, NULL, NULL,
                                "%s %s: timed out (%s)", method, url, d);
    case CMDOP__XFER_CANCELLED:
        return cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL,
                                "%s %s: cancelled (%s)", method, url, d);
    case CMDOP__XFER_NOMEM:
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    case CMDOP__XFER_CONNECTION:
    default:
        return cmdop__error_set(CMDOP_ECONNECTION, 0, NULL, NULL,
                                "%s %s: %s", method, url, d);
    }
}
