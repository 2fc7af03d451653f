/*
 * ask_frame.c — decode one ask SSE event's JSON into a typed frame.
 * Lenient where the proto is (missing/null fields take defaults), strict
 * where a wrong type would silently change meaning (a field of the wrong
 * JSON type is a malformed frame, reported with its name).
 */
#include "ask_frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmdop/error.h"

/* What a field reader needs to name a problem. */
typedef struct frame_ctx {
    const json_t *obj;
    const char *type; /* the frame's type, for messages */
    char *err;
    size_t err_size;
} frame_ctx;

static int errf(char *err, size_t err_size, int rc, const char *fmt, ...)
{
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int oom(frame_ctx *c)
{
    return errf(c->err, c->err_size, CMDOP_ENOMEM, "ask frame '%s': out of memory", c->type);
}

/* A string field; missing/null → `dflt`, so is "" when `dflt` is given. */
static int get_str(frame_ctx *c, const char *key, const char *dflt, char **dst)
{
    const json_t *v = json_object_get(c->obj, key);
    const char *s = "";
    size_t n = 0;
    if (v && !json_is_null(v)) {
        if (!json_is_string(v))
            return errf(c->err, c->err_size, CMDOP_EINTERNAL,
                        "ask frame '%s': field '%s' must be a string", c->type, key);
        s = json_string_value(v);
        n = json_string_length(v);
    }
    if (n == 0 && dflt) {
        s = dflt;
        n = strlen(dflt);
    }
    *dst = dup_n(s, n);
    return *dst ? 0 : oom(c);
}

static int get_bool(frame_ctx *c, const char *key, bool *dst)
{
    const json_t *v = json_object_get(c->obj, key);
    *dst = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return errf(c->err, c->err_size, CMDOP_EINTERNAL,
                    "ask frame '%s': field '%s' must be a boolean", c->type, key);
    *dst = json_is_true(v);
    return 0;
}

static int get_i32(frame_ctx *c, const char *key, int32_t *dst)
{
    const json_t *v = json_object_get(c->obj, key);
    *dst = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return errf(c->err, c->err_size, CMDOP_EINTERNAL,
                    "ask frame '%s': field '%s' must be an integer", c->type, key);
    json_int_t i = json_integer_value(v);
    if (i < INT32_MIN || i > INT32_MAX)
        return errf(c->err, c->err_size, CMDOP_EINTERNAL,
                    "ask frame '%s': field '%s' is out of int32 range", c->type, key);
    *dst = (int32_t)i;
    return 0;
}

/* `payload` as JSON text; see ask_frame.h for the string and
 * `payload_json` cases. */
static int get_payload(frame_ctx *c, char **dst)
{
    const json_t *v = json_object_get(c->obj, "payload");
    if (!v || json_is_null(v))
        return get_str(c, "payload_json", NULL, dst);
    if (json_is_string(v)) {
        *dst = dup_n(json_string_value(v), json_string_length(v));
        return *dst ? 0 : oom(c);
    }
    /* Size first, then encode into our own malloc'd buffer, so the frame is
     * freed with free() whatever allocator jansson was given. */
    const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
    size_t n = json_dumpb(v, NULL, 0, flags);
    if (n == 0)
        return oom(c);
    *dst = malloc(n + 1);
    if (!*dst)
        return oom(c);
    json_dumpb(v, *dst, n, flags);
    (*dst)[n] = '\0';
    return 0;
}

static int decode_fields(frame_ctx *c, cmdop__ask_frame *f, const char *data, size_t data_len)
{
    int rc = 0;
    switch (f->kind) {
    case CMDOP__ASK_EVENT:
        if (!(rc = get_i32(c, "event_type", &f->event.event_type)))
            rc = get_payload(c, &f->event.payload_json);
        return rc;
    case CMDOP__ASK_DONE:
        if ((rc = get_bool(c, "success", &f->done.success)) ||
            (rc = get_str(c, "text", NULL, &f->done.text)) ||
            (rc = get_str(c, "error", NULL, &f->done.error)))
            return rc;
        return get_i32(c, "duration_ms", &f->done.duration_ms);
    case CMDOP__ASK_ERROR:
        if ((rc = get_str(c, "code", "internal", &f->error.code)))
            return rc;
        return get_str(c, "message", NULL, &f->error.message);
    case CMDOP__ASK_CONFIRM_REQUIRED:
        if ((rc = get_str(c, "token", NULL, &f->confirm_required.token)) ||
            (rc = get_str(c, "plan", NULL, &f->confirm_required.plan)))
            return rc;
        return get_str(c, "danger_level", "medium", &f->confirm_required.danger_level);
    case CMDOP__ASK_PIN_REQUIRED:
        if ((rc = get_str(c, "challenge_id", NULL, &f->pin_required.challenge_id)))
            return rc;
        return get_str(c, "label", NULL, &f->pin_required.label);
    case CMDOP__ASK_PIN_DENIED:
        if ((rc = get_str(c, "challenge_id", NULL, &f->pin_denied.challenge_id)))
            return rc;
        return get_str(c, "reason", NULL, &f->pin_denied.reason);
    case CMDOP__ASK_UNKNOWN:
        f->unknown.type = dup_n(c->type, strlen(c->type));
        f->unknown.raw_json = dup_n(data, data_len);
        return f->unknown.type && f->unknown.raw_json ? 0 : oom(c);
    }
    return 0;
}

static cmdop__ask_kind kind_of(const char *type)
{
    for (int k = CMDOP__ASK_EVENT; k < CMDOP__ASK_UNKNOWN; k++)
        if (strcmp(type, cmdop__ask_kind_str((cmdop__ask_kind)k)) == 0)
            return (cmdop__ask_kind)k;
    return CMDOP__ASK_UNKNOWN;
}

int cmdop__ask_frame_decode(cmdop__ask_frame **out, const char *sse_event,
                            const char *data, size_t data_len,
                            char *err, size_t err_size)
{
    if (err && err_size)
        err[0] = '\0';
    if (!out)
        return errf(err, err_size, CMDOP_EINVALID, "ask frame: NULL out-param");
    *out = NULL;
    if (!data)
        return errf(err, err_size, CMDOP_EINVALID, "ask frame: NULL data");

    json_error_t jerr;
    json_t *obj = json_loadb(data, data_len, JSON_DECODE_ANY, &jerr);
    if (!obj)
        return errf(err, err_size, CMDOP_EINTERNAL,
                    "ask frame: malformed JSON at line %d column %d: %s",
                    jerr.line, jerr.column, jerr.text);
    int rc = 0;
    cmdop__ask_frame *f = NULL;
    frame_ctx c = {.obj = obj, .type = "", .err = err, .err_size = err_size};
    if (!json_is_object(obj)) {
        rc = errf(err, err_size, CMDOP_EINTERNAL, "ask frame: data is not a JSON object");
        goto done;
    }
    const json_t *t = json_object_get(obj, "type");
    if (t && !json_is_null(t)) {
        if (!json_is_string(t)) {
            rc = errf(err, err_size, CMDOP_EINTERNAL, "ask frame: field 'type' must be a string");
            goto done;
        }
        c.type = json_string_value(t);
    } else if (sse_event) {
        c.type = sse_event; /* the `event:` name stands in for a missing type */
    }
    f = calloc(1, sizeof *f);
    if (!f) {
        rc = oom(&c);
        goto done;
    }
    f->kind = kind_of(c.type);
    rc = decode_fields(&c, f, data, data_len);
done:
    json_decref(obj);
    if (rc) {
        cmdop__ask_frame_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void cmdop__ask_frame_free(cmdop__ask_frame *f)
{
    if (!f)
        return;
    switch (f->kind) {
    case CMDOP__ASK_EVENT:
        free(f->event.payload_json);
        break;
    case CMDOP__ASK_DONE:
        free(f->done.text);
        free(f->done.error);
        break;
    case CMDOP__ASK_ERROR:
        free(f->error.code);
        free(f->error.message);
        break;
    case CMDOP__ASK_CONFIRM_REQUIRED:
        free(f->confirm_required.token);
        free(f->confirm_required.plan);
        free(f->confirm_required.danger_level);
        break;
    case CMDOP__ASK_PIN_REQUIRED:
        free(f->pin_required.challenge_id);
        free(f->pin_required.label);
        break;
    case CMDOP__ASK_PIN_DENIED:
        free(f->pin_denied.challenge_id);
        free(f->pin_denied.reason);
        break;
    case CMDOP__ASK_UNKNOWN:
        free(f->unknown.type);
        free(f->unknown.raw_json);
        break;
    }
    free(f);
}

const char *cmdop__ask_kind_str(cmdop__ask_kind kind)
{
    switch (kind) {
    case CMDOP__ASK_EVENT: return "event";
    case CMDOP__ASK_DONE: return "done";
    case CMDOP__ASK_ERROR: return "error";
    case CMDOP__ASK_CONFIRM_REQUIRED: return "confirm_required";
    case CMDOP__ASK_PIN_REQUIRED: return "pin_required";
    case CMDOP__ASK_PIN_DENIED: return "pin_denied";
    case CMDOP__ASK_UNKNOWN: break;
    }
    return "unknown";
}
