/*
 * error.c — the thread's last error (cmdop/error.h). The code <-> string
 * table is generated from the IDL (gen/c/src/error_codes.c).
 *
 * Storage is a heap block per thread behind a pthread key, so the strings of
 * a thread's last error are freed when that thread exits (a plain
 * _Thread_local pointer would leak them for every short-lived thread).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "debug_log.h"
#include "error_internal.h"

typedef struct tls_error {
    cmdop_error pub;
    bool set;
    char *message;
    char *request_id;
    char *field;
    char *code_str;     /* verbatim override, or NULL */
} tls_error;

static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static bool g_key_ok;

static void tls_reset(tls_error *e)
{
    free(e->message);
    free(e->request_id);
    free(e->field);
    free(e->code_str);
    memset(e, 0, sizeof *e);
}

static void tls_destroy(void *p)
{
    tls_error *e = p;
    tls_reset(e);
    free(e);
}

static void key_init(void)
{
    g_key_ok = pthread_key_create(&g_key, tls_destroy) == 0;
}

/* The calling thread's block, created on first use; NULL if out of memory. */
static tls_error *tls_get(bool create)
{
    pthread_once(&g_once, key_init);
    if (!g_key_ok)
        return NULL;
    tls_error *e = pthread_getspecific(g_key);
    if (!e && create) {
        e = calloc(1, sizeof *e);
        if (e && pthread_setspecific(g_key, e) != 0) {
            free(e);
            e = NULL;
        }
    }
    return e;
}

/* Failure classes the core's retry policy retries (see retry.h). */
static bool code_retryable(int code)
{
    return code == CMDOP_ERATELIMIT || code == CMDOP_ESERVER ||
           code == CMDOP_ECONNECTION || code == CMDOP_ETIMEOUT;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int cmdop__error_set(int code, int http_status, const char *request_id,
                     const char *field, const char *fmt, ...)
{
    tls_error *e = tls_get(true);
    if (!e)
        return code;   /* nowhere to record it; the code still tells */
    /* Format first: the arguments may point into the previous error. */
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (msg = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
        /* URL userinfo and Bearer values never reach a message (debug_log.h) */
        char *clean = malloc((size_t)n + 64);
        if (clean) {
            cmdop__log_redact(msg, clean, (size_t)n + 64, NULL, 0, false);
            free(msg);
            msg = clean;
        }
    }
    char *rid = dup_or_null(request_id);
    char *fld = dup_or_null(field);
    tls_reset(e);
    e->set = true;
    e->message = msg;
    e->request_id = rid;
    e->field = fld;
    e->pub.code = code;
    e->pub.code_str = cmdop_error_code_str(code);
    e->pub.http_status = http_status;
    e->pub.message = msg ? msg : cmdop_error_code_str(code);
    e->pub.request_id = rid;
    e->pub.field = fld;
    e->pub.retry_after_ms = -1;
    e->pub.retryable = code_retryable(code);
    return code;
}

void cmdop__error_set_retry_after(long retry_after_ms)
{
    tls_error *e = tls_get(false);
    if (e && e->set)
        e->pub.retry_after_ms = retry_after_ms;
}

void cmdop__error_set_code_str(const char *code_str)
{
    tls_error *e = tls_get(false);
    if (!e || !e->set || !code_str)
        return;
    char *c = strdup(code_str);
    if (!c)
        return;
    free(e->code_str);
    e->code_str = c;
    e->pub.code_str = c;
}

const cmdop_error *cmdop_error_last(void)
{
    tls_error *e = tls_get(false);
    return e && e->set ? &e->pub : NULL;
}

void cmdop_error_clear(void)
{
    tls_error *e = tls_get(false);
    if (e)
        tls_reset(e);
}
