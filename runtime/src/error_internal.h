/*
 * error_internal.h — INTERNAL: raising errors beyond cmdop__error_set
 * (call.h), and mapping HTTP answers and transport failures to codes.
 */
#ifndef CMDOP__ERROR_INTERNAL_H
#define CMDOP__ERROR_INTERNAL_H

#include <stddef.h>
#include <time.h>
#include "cmdop/error.h"

/* Code for a wire code string ("not_found" -> CMDOP_ENOTFOUND); 0 when the
 * string is not a known code. Generated with cmdop_error_code_str() from the
 * IDL's errors and `c_code` declarations (gen/c/src/error_codes.c). */
int cmdop__error_code_from_str(const char *code_str);

/* Code for an HTTP status by the IDL's error table (cmdop__status_rules:
 * 429 -> CMDOP_ERATELIMIT, ...); 0 when no rule covers it. */
int cmdop__error_code_for_status(long status);

/* Decorate the calling thread's last error (after cmdop__error_set). */
void cmdop__error_set_retry_after(long retry_after_ms);
/* Keep a verbatim wire code string (EAGENT's "machine_offline", ...). The
 * string is copied. */
void cmdop__error_set_code_str(const char *code_str);

/*
 * Parse a Retry-After value: delta-seconds ("3") or an HTTP-date, relative
 * to `now`. Returns milliseconds (>= 0; a date in the past gives 0) or -1
 * when `value` is NULL or unparsable.
 */
long cmdop__retry_after_ms(const char *value, time_t now);

/* What became of a request at the transport level. */
typedef enum cmdop__xfer {
    CMDOP__XFER_OK = 0,        /* a complete HTTP response was received */
    CMDOP__XFER_CONNECTION,    /* DNS, refused, reset, TLS, truncated */
    CMDOP__XFER_TIMEOUT,       /* the per-attempt deadline passed */
    CMDOP__XFER_CANCELLED,     /* cancelled, or the client was freed */
    CMDOP__XFER_NOMEM,         /* allocation failure inside the loop */
    CMDOP__XFER_TLS,           /* certificate verification failed: never retried */
    CMDOP__XFER_TOO_BIG,       /* the response body is over CMDOP__HTTP_MAX_BODY */
    CMDOP__XFER_INSECURE       /* a credential over plain http:// refused (no attempt) */
} cmdop__xfer;

/*
 * Raise the error for a non-2xx HTTP answer: the code from the status (the
 * body's "code" refines it: "unavailable" -> CMDOP_EUNAVAILABLE; for a status
 * outside the table a known body code is used), the message and field from
 * the JSON body {"code","message","field"} when present, the request id, and
 * for 429 the Retry-After (relative to `now`). Returns the code.
 */
int cmdop__error_from_http(long status, const char *body, size_t body_len,
                           const char *request_id, const char *retry_after,
                           time_t now);

/* Raise the error for a transport failure (xfer != OK); `detail` is the
 * transport's message (may be NULL). Returns the code. */
int cmdop__error_from_xfer(cmdop__xfer xfer, const char *detail,
                           const char *method, const char *url);

#endif /* CMDOP__ERROR_INTERNAL_H */
