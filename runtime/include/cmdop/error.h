/*
 * cmdop/error.h — the one error mechanism of libcmdop.
 *
 * Every public function returns an int: 0 (CMDOP_OK) on success or a
 * negative CMDOP_E* code. On failure the calling thread's last error is
 * set and can be read with cmdop_error_last() until the next failing call on
 * the same thread (success does not clear it; cmdop_error_clear() does).
 *
 * The error object is owned by the library (thread-local storage); never
 * free it, and copy what you need before the next libcmdop call.
 */
#ifndef CMDOP_ERROR_H
#define CMDOP_ERROR_H

#include "cmdop/export.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Stable numeric codes. Never renumber: they are ABI. */
typedef enum cmdop_error_code {
    CMDOP_OK = 0,
    CMDOP_EAUTH = -1,         /* "auth"        401 or no credential for the op's plane */
    CMDOP_EPERMISSION = -2,   /* "permission"  403 */
    CMDOP_ENOTFOUND = -3,     /* "not_found"   404 (or a client-side miss) */
    CMDOP_ECONFLICT = -4,     /* "conflict"    409 */
    CMDOP_EVALIDATION = -5,   /* "validation"  400/422, or caught before the network */
    CMDOP_ERATELIMIT = -6,    /* "rate_limit"  429; retry_after_ms filled */
    CMDOP_ESERVER = -7,       /* "server"      5xx */
    CMDOP_ECONNECTION = -8,   /* "connection"  DNS, refused, reset, TLS */
    CMDOP_ETIMEOUT = -9,      /* "timeout"     per-call deadline */
    CMDOP_EUNAVAILABLE = -10, /* "unavailable" target machine has no session */
    CMDOP_EINTERNAL = -11,    /* "internal"    bug, unexpected response shape */
    CMDOP_ENOMEM = -12,       /* "internal"    allocation failed */
    CMDOP_EINVALID = -13,     /* "invalid_argument" API misuse (NULL out-param, bad version) */
    CMDOP_ECANCELLED = -14,   /* "cancelled"   cancelled by the caller */
    CMDOP_EPINDENIED = -15,   /* "pin_denied"  ask: wrong PIN or lockout */
    CMDOP_EPINTIMEOUT = -16,  /* "pin_required_timeout" */
    CMDOP_EAGENT = -17,       /* any other ask stream error; code string kept verbatim */
    CMDOP_EUNSUPPORTED = -18, /* "unsupported" */
    CMDOP_EDECODE = -19,      /* "decode"      a 2xx answer of the wrong shape: a field of the
                                 wrong JSON type, or a required field missing */
    CMDOP_ETLS = -20,         /* "tls"         TLS certificate verification failed (never retried) */
    CMDOP_ITEROVER = -31      /* not an error: an iterator has no more items */
} cmdop_error_code;

/*
 * A failure, as the library saw it. All strings are NUL-terminated and
 * owned by the error; fields that do not apply are NULL / 0.
 */
typedef struct cmdop_error {
    int code;               /* a cmdop_error_code */
    const char *code_str;   /* stable wire code: "not_found", "validation", ... */
    int http_status;        /* HTTP status, 0 when no response was received */
    const char *message;    /* human readable, never NULL */
    const char *request_id; /* X-Request-Id of the failing response, or NULL */
    const char *field;      /* offending field for validation errors, or NULL */
    long retry_after_ms;    /* rate_limit: server's Retry-After in ms, else -1 */
    bool retryable;         /* the core would retry this class of failure */
} cmdop_error;

/* Borrowed: the calling thread's last error, or NULL if none was set. */
CMDOP_EXTERN const cmdop_error *cmdop_error_last(void);

/* Forget the calling thread's last error. */
CMDOP_EXTERN void cmdop_error_clear(void);

/* Static string for a code ("not_found", ...); never NULL. */
CMDOP_EXTERN const char *cmdop_error_code_str(int code);

#ifdef __cplusplus
}
#endif
#endif /* CMDOP_ERROR_H */
