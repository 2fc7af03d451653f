/*
 * stdio_map.c — JSON <-> protobuf by reflection (stdio_map.h). Everything
 * is derived from protobuf-c's descriptors: field names, labels, types,
 * has_/n_ quantifiers, oneof cases, enum values and map entries.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "stdio_map.h"
#include "types_json.h"

#define MEMBER(type, msg, off) (*(type *)((char *)(msg) + (off)))
#define CMEMBER(type, msg, off) (*(const type *)((const char *)(msg) + (off)))

static int fail(int code, char *err, size_t size, const char *fmt, ...)
{
    if (err && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, size, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* A field path for messages ("items[2].specs"), kept as a chain of steps on
 * the stack and written out only when a message needs it: formatting it for
 * every field visited was a fifth of a unary call's instructions. */
typedef struct mpath {
    const struct mpath *up;  /* NULL: the root, whose text is `name` */
    const char *name;        /* the field name, a map key, or the root's text */
    size_t index;
    char kind;               /* 'r' root, 'f' field, 'k' map key, 'i' list index */
} mpath;

#define PATH_MAX_TEXT 256

static size_t path_put(char *dst, size_t k, const char *s, size_t n)
{
    for (size_t i = 0; i < n && k + 1 < PATH_MAX_TEXT; i++)
        dst[k++] = s[i];
    return k;
}

static size_t path_write(const mpath *p, char *dst)
{
    if (!p->up)
        return path_put(dst, 0, p->name, strlen(p->name));
    size_t k = path_write(p->up, dst);
    if (p->kind == 'i') {
        char num[32];
        int n = snprintf(num, sizeof num, "[%zu]", p->index);
        return path_put(dst, k, num, n > 0 ? (size_t)n : 0);
    }
    /* a field of the root "" has no dot before it; a map key always has */
    if (k > 0 || p->kind == 'k')
        k = path_put(dst, k, ".", 1);
    return path_put(dst, k, p->name, strlen(p->name));
}

/* The text of path p in buf (PATH_MAX_TEXT bytes; truncation is harmless). */
static const char *path_str(const mpath *p, char *buf)
{
    buf[path_write(p, buf)] = '\0';
    return buf;
}

/* fail() with the message "<path>: <fmt ...>". */
static int failp(int code, char *err, size_t size, const mpath *p, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int failp(int code, char *err, size_t size, const mpath *p, const char *fmt, ...)
{
    if (err && size) {
        char pb[PATH_MAX_TEXT];
        int n = snprintf(err, size, "%s: ", path_str(p, pb));
        if (n >= 0 && (size_t)n < size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, size - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

/* ---- enums ---------------------------------------------------------- */

/* "MfaRequirement" -> "MFA_REQUIREMENT_" (generator/model.py `snake`). */
static size_t enum_prefix(const ProtobufCEnumDescriptor *ed, char *buf, size_t size)
{
    const char *n = ed->short_name;
    size_t k = 0;
    for (size_t i = 0; n[i] && k + 3 < size; i++) {
        unsigned char c = (unsigned char)n[i], prev = i ? (unsigned char)n[i - 1] : 0;
        if (i > 0 && isupper(c) && (islower(prev) || isdigit(prev)))
            buf[k++] = '_';
        buf[k++] = (char)toupper(c);
    }
    buf[k++] = '_';
    buf[k] = '\0';
    return k;
}

const char *cmdop__stdio_enum_to_str(const ProtobufCEnumDescriptor *ed, int value,
                                     char *buf, size_t size)
{
    if (value == 0 || size == 0)
        return NULL;
    for (unsigned i = 0; i < ed->n_values; i++) {
        if (ed->values[i].value != value)
            continue;
        char pre[128];
        size_t pl = enum_prefix(ed, pre, sizeof pre);
        const char *name = ed->values[i].name;
        if (strncmp(name, pre, pl) == 0)
            name += pl;
        size_t k = 0;
        for (; name[k] && k + 1 < size; k++)
            buf[k] = (char)tolower((unsigned char)name[k]);
        buf[k] = '\0';
        return buf;
    }
    return NULL;
}

int cmdop__stdio_enum_from_str(const ProtobufCEnumDescriptor *ed, const char *s)
{
    char want[256];
    size_t k = enum_prefix(ed, want, sizeof want);
    for (size_t i = 0; s[i]; i++) {
        if (k + 1 >= sizeof want)
            return -1;
        want[k++] = (char)toupper((unsigned char)s[i]);
    }
    want[k] = '\0';
    for (unsigned i = 0; i < ed->n_values; i++)
        if (ed->values[i].value != 0 && strcmp(ed->values[i].name, want) == 0)
            return ed->values[i].value;
    return -1;
}

/* ---- shared reflection helpers ------------------------------------- */

static size_t elem_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        return 4;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    }
    return 0;
}

/* A map<,> field is a repeated message whose type is the generated
 * "<Field>Entry" with fields key = 1, value = 2. */
static bool is_map_entry(const ProtobufCFieldDescriptor *f)
{
    if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label != PROTOBUF_C_LABEL_REPEATED)
        return false;
    const ProtobufCMessageDescriptor *d = f->descriptor;
    size_t n = strlen(d->short_name);
    return d->n_fields == 2 && n > 5 && strcmp(d->short_name + n - 5, "Entry") == 0 &&
           strcmp(d->fields[0].name, "key") == 0 && strcmp(d->fields[1].name, "value") == 0;
}

static bool pointer_typed(ProtobufCType t)
{
    return t == PROTOBUF_C_TYPE_STRING || t == PROTOBUF_C_TYPE_MESSAGE;
}

/* Is an optional/oneof field set in msg? A string field with a declared
 * default (the implicit-presence fields, stdio_map.h) points at that default
 * when it was not on the wire, so that pointer is "absent" too. */
static bool present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return CMEMBER(uint32_t, msg, f->quantifier_offset) == f->id;
    if (f->label == PROTOBUF_C_LABEL_REQUIRED)
        return true;
    if (pointer_typed(f->type)) {
        const void *v = CMEMBER(void *, msg, f->offset);
        return v != NULL && v != f->default_value;
    }
    if (f->label == PROTOBUF_C_LABEL_NONE)
        return true;
    return CMEMBER(protobuf_c_boolean, msg, f->quantifier_offset) != 0;
}

/* ---- presence companions (stdio_map.h) ----------------------------- */

/* The companion of repeated field f in d: `optional bool <f>_present` numbered
 * f->id + CMDOP__STDIO_PRESENT_OFFSET; NULL when d has none (records, 1.1.0
 * messages). Name AND number must match, so a record field that merely ends
 * in _present is never taken for one. */
static const ProtobufCFieldDescriptor *companion_of(const ProtobufCMessageDescriptor *d,
                                                    const ProtobufCFieldDescriptor *f)
{
    char name[160];
    size_t n = strlen(f->name);
    if (n + sizeof "_present" > sizeof name)
        return NULL;
    memcpy(name, f->name, n);
    memcpy(name + n, "_present", sizeof "_present");
    const ProtobufCFieldDescriptor *c = protobuf_c_message_descriptor_get_field_by_name(d, name);
    if (!c || c->id != f->id + CMDOP__STDIO_PRESENT_OFFSET || c->type != PROTOBUF_C_TYPE_BOOL ||
        c->label != PROTOBUF_C_LABEL_OPTIONAL)
        return NULL;
    return c;
}

/* Is f the companion of some repeated field of d? */
static bool is_companion(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f)
{
    if (f->type != PROTOBUF_C_TYPE_BOOL || f->id <= CMDOP__STDIO_PRESENT_OFFSET)
        return false;
    const ProtobufCFieldDescriptor *r =
        protobuf_c_message_descriptor_get_field(d, f->id - CMDOP__STDIO_PRESENT_OFFSET);
    return r && r->label == PROTOBUF_C_LABEL_REPEATED && companion_of(d, r) == f;
}

/* A repeated field is passed when it has an element, or when its companion
 * is set and true (an explicitly passed empty list/map). */
static bool repeated_passed(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (CMEMBER(size_t, msg, f->quantifier_offset) > 0)
        return true;
    const ProtobufCFieldDescriptor *c = companion_of(msg->descriptor, f);
    return c && CMEMBER(protobuf_c_boolean, msg, c->quantifier_offset) &&
           CMEMBER(protobuf_c_boolean, msg, c->offset);
}

/* ---- message -> JSON ------------------------------------------------ */

static int msg_to_json(const ProtobufCMessage *msg, unsigned flags, json_t **out,
                       const mpath *path, char *err, size_t es);

/* One value at p (the storage of a scalar, a char *, or a message *).
 * *out NULL with 0 = absent (enum zero value). */
static int value_to_json(const ProtobufCFieldDescriptor *f, const void *p, json_t **out,
                         const mpath *path, char *err, size_t es)
{
    char eb[64];
    *out = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        *out = json_integer(*(const int32_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        *out = json_integer(*(const uint32_t *)p);
        break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        *out = json_integer((json_int_t)*(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: {
        uint64_t u = *(const uint64_t *)p;
        if (u > (uint64_t)INT64_MAX)
            return failp(CMDOP_EVALIDATION, err, es, path, "%llu is out of range",
                        (unsigned long long)u);
        *out = json_integer((json_int_t)u);
        break;
    }
    case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_DOUBLE: {
        double d = f->type == PROTOBUF_C_TYPE_FLOAT ? *(const float *)p : *(const double *)p;
        if (!isfinite(d))
            return failp(CMDOP_EVALIDATION, err, es, path, "not a finite number");
        *out = json_real(d);
        break;
    }
    case PROTOBUF_C_TYPE_BOOL:
        *out = json_boolean(*(const protobuf_c_boolean *)p);
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        const char *s = cmdop__stdio_enum_to_str(f->descriptor, *(const int *)p, eb, sizeof eb);
        if (!s)
            return 0;
        *out = json_string(s);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        *out = json_string(s ? s : "");
        if (!*out)
            return failp(CMDOP_EVALIDATION, err, es, path, "not valid UTF-8");
        return 0;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        return msg_to_json(*(const ProtobufCMessage *const *)p, 0, out, path, err, es);
    case PROTOBUF_C_TYPE_BYTES:
        return failp(CMDOP_EVALIDATION, err, es, path, "bytes fields are not supported");
    }
    return *out ? 0 : failp(CMDOP_ENOMEM, err, es, path, "out of memory");
}

/* The declared default of an absent scalar field (CMDOP__STDIO_IMPLICIT):
 * protobuf-c points default_value at the value, or for a string at its
 * characters. *out NULL when the field has none. */
static int default_to_json(const ProtobufCFieldDescriptor *f, json_t **out, const mpath *path,
                           char *err, size_t es)
{
    *out = NULL;
    if (!f->default_value || f->type == PROTOBUF_C_TYPE_MESSAGE ||
        f->type == PROTOBUF_C_TYPE_BYTES)
        return 0;
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        const char *s = f->default_value;
        return value_to_json(f, &s, out, path, err, es);
    }
    return value_to_json(f, f->default_value, out, path, err, es);
}

static int repeated_to_json(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                            json_t **out, const mpath *path, char *err, size_t es)
{
    size_t n = CMEMBER(size_t, msg, f->quantifier_offset);
    const char *arr = CMEMBER(char *, msg, f->offset);
    bool map = is_map_entry(f);
    json_t *c = map ? json_object() : json_array();
    if (!c)
        return failp(CMDOP_ENOMEM, err, es, path, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const mpath at = {path, NULL, i, 'i'}, *sub = &at;
        if (map) {
            const ProtobufCMessage *e = ((const ProtobufCMessage *const *)(const void *)arr)[i];
            const ProtobufCMessageDescriptor *d = f->descriptor;
            const char *k = CMEMBER(char *, e, d->fields[0].offset);
            json_t *v = NULL;
            int rc = value_to_json(&d->fields[1], (const char *)e + d->fields[1].offset, &v,
                                   sub, err, es);
            if (rc == 0 && v && json_object_set_new(c, k ? k : "", v) != 0)
                rc = failp(CMDOP_EVALIDATION, err, es, sub, "key is not valid UTF-8");
            if (rc) {
                json_decref(c);
                return rc;
            }
            continue;
        }
        json_t *v = NULL;
        int rc = value_to_json(f, arr + i * elem_size(f->type), &v, sub, err, es);
        if (rc) {
            json_decref(c);
            return rc;
        }
        /* an unknown enum number in a list is kept as the zero value's absence */
        if (v && json_array_append_new(c, v) != 0) {
            json_decref(c);
            return failp(CMDOP_ENOMEM, err, es, path, "out of memory");
        }
    }
    *out = c;
    return 0;
}

static int msg_to_json(const ProtobufCMessage *msg, unsigned flags, json_t **out,
                       const mpath *path, char *err, size_t es)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    json_t *o = json_object();
    if (!o)
        return fail(CMDOP_ENOMEM, err, es, "out of memory");
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const mpath at = {path, f->name, 0, 'f'}, *sub = &at;
        json_t *v = NULL;
        int rc = 0;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (!repeated_passed(msg, f))
                continue;
            rc = repeated_to_json(msg, f, &v, sub, err, es);
        } else {
            /* a companion is folded into its field, never a key of its own */
            if (is_companion(d, f))
                continue;
            if (!present(msg, f)) {
                /* the 1.1 schema's reading: an absent implicit-presence
                 * field is its zero value, declared as its default */
                if (!(flags & CMDOP__STDIO_IMPLICIT) || (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
                    continue;
                rc = default_to_json(f, &v, sub, err, es);
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                rc = msg_to_json(CMEMBER(ProtobufCMessage *, msg, f->offset), flags, &v,
                                 sub, err, es);
            } else {
                rc = value_to_json(f, (const char *)msg + f->offset, &v, sub, err, es);
            }
        }
        if (rc == 0 && v && json_object_set_new(o, f->name, v) != 0)
            rc = failp(CMDOP_ENOMEM, err, es, sub, "out of memory");
        if (rc) {
            json_decref(o);
            return rc;
        }
    }
    *out = o;
    return 0;
}

int cmdop__stdio_msg_to_json(const ProtobufCMessage *msg, json_t **out, char *err,
                             size_t err_size)
{
    return cmdop__stdio_msg_to_json_ex(msg, 0, out, err, err_size);
}

int cmdop__stdio_msg_to_json_ex(const ProtobufCMessage *msg, unsigned flags, json_t **out,
                                char *err, size_t err_size)
{
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    const mpath root = {NULL, "", 0, 'r'};
    return msg_to_json(msg, flags, out, &root, err, err_size);
}

/* ---- offset pages ---------------------------------------------------- */

/* floor(a / b) for b > 0 (C division truncates toward zero). */
static json_int_t floor_div(json_int_t a, json_int_t b)
{
    json_int_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

int cmdop__stdio_unfold_offset_page(json_t *args, const char *page, const char *per_page,
                                    const char *offset, unsigned flags)
{
    json_t *o = json_object_get(args, page);
    if (!json_is_object(o))
        return 0;
    json_t *jo = json_object_get(o, offset), *jp = json_object_get(o, per_page);
    json_int_t off = json_is_integer(jo) ? json_integer_value(jo) : 0;
    json_int_t size = json_is_integer(jp) ? json_integer_value(jp) : 0;
    /* read with presence (a client that said hello), a per_page that is
     * there is passed, also 0, for its range check; the 1.1 reading has 0 =
     * "not given" */
    bool given = (flags & CMDOP__STDIO_IMPLICIT) ? size != 0 : json_is_integer(jp);
    /* with hello an absent offset is a page that was not given either */
    bool has_page = size > 0 && ((flags & CMDOP__STDIO_IMPLICIT) || json_is_integer(jo));
    json_object_del(args, page);   /* o (with jo, jp) is freed here: read above */
    json_object_del(args, per_page);
    if (!given)                    /* per_page unset: neither is passed */
        return 0;
    if (json_object_set_new(args, per_page, json_integer(size)) != 0)
        return CMDOP_ENOMEM;
    /* a negative size is passed as is (its range check names it) */
    if (has_page && json_object_set_new(args, page, json_integer(floor_div(off, size) + 1)) != 0)
        return CMDOP_ENOMEM;
    return 0;
}

/* ---- JSON -> message ------------------------------------------------ */

static int json_to_msg(const ProtobufCMessageDescriptor *d, const json_t *o,
                       ProtobufCMessage **out, const mpath *path, char *err, size_t es);

static const char *jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static int want(const mpath *path, const char *what, const json_t *v, char *err, size_t es)
{
    return failp(CMDOP_EDECODE, err, es, path, "expected %s, got %s", what, jtype(v));
}

/* An integral JSON number within [lo, hi]. */
static int get_int(const json_t *v, double lo, double hi, long long *r, const mpath *path,
                   char *err, size_t es)
{
    double d;
    if (json_is_integer(v))
        d = (double)json_integer_value(v);
    else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)))
        d = json_real_value(v);
    else
        return want(path, "an integer", v, err, es);
    if (d < lo || d > hi)
        return failp(CMDOP_EDECODE, err, es, path, "%.0f is out of range", d);
    *r = json_is_integer(v) ? (long long)json_integer_value(v) : (long long)d;
    return 0;
}

/* Store JSON value v into the storage p of one element of field f.
 * Returns 0, 1 when the value is absent (unknown enum string), or an error. */
static int value_from_json(const ProtobufCFieldDescriptor *f, const json_t *v, void *p,
                           const mpath *path, char *err, size_t es)
{
    long long i;
    int rc;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        if ((rc = get_int(v, INT32_MIN, INT32_MAX, &i, path, err, es)))
            return rc;
        *(int32_t *)p = (int32_t)i;
        return 0;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        if ((rc = get_int(v, 0, UINT32_MAX, &i, path, err, es)))
            return rc;
        *(uint32_t *)p = (uint32_t)i;
        return 0;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        if ((rc = get_int(v, -9223372036854775808.0, 9223372036854775807.0, &i, path, err, es)))
            return rc;
        *(int64_t *)p = (int64_t)i;
        return 0;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        if ((rc = get_int(v, 0, 9223372036854775807.0, &i, path, err, es)))
            return rc;
        *(uint64_t *)p = (uint64_t)i;
        return 0;
    case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_DOUBLE:
        if (!json_is_number(v))
            return want(path, "a number", v, err, es);
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *)p = (float)json_number_value(v);
        else
            *(double *)p = json_number_value(v);
        return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(v))
            return want(path, "a boolean", v, err, es);
        *(protobuf_c_boolean *)p = json_is_true(v);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        if (!json_is_string(v))
            return want(path, "a string", v, err, es);
        /* an enum string this build does not know is absent, as the typed C
         * mapping maps it to the zero value */
        int e = cmdop__stdio_enum_from_str(f->descriptor, json_string_value(v));
        if (e < 0)
            return 1;
        *(int *)p = e;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING:
        if (!json_is_string(v))
            return want(path, "a string", v, err, es);
        if (!(*(char **)p = strdup(json_string_value(v))))
            return failp(CMDOP_ENOMEM, err, es, path, "out of memory");
        return 0;
    case PROTOBUF_C_TYPE_MESSAGE:
        if (!json_is_object(v))
            return want(path, "an object", v, err, es);
        return json_to_msg(f->descriptor, v, (ProtobufCMessage **)p, path, err, es);
    case PROTOBUF_C_TYPE_BYTES:
        break;
    }
    return failp(CMDOP_EINTERNAL, err, es, path, "bytes fields are not supported");
}

static int repeated_from_json(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                              const json_t *v, const mpath *path, char *err, size_t es)
{
    bool map = is_map_entry(f);
    if (map ? !json_is_object(v) : !json_is_array(v))
        return want(path, map ? "an object" : "an array", v, err, es);
    size_t n = map ? json_object_size(v) : json_array_size(v);
    if (n == 0)
        return 0;
    char *arr = calloc(n, elem_size(f->type));
    if (!arr)
        return failp(CMDOP_ENOMEM, err, es, path, "out of memory");
    /* the count grows with each stored element, so a failure half way
     * leaves a message protobuf_c_message_free_unpacked frees exactly */
    MEMBER(char *, m, f->offset) = arr;
    size_t *count = &MEMBER(size_t, m, f->quantifier_offset);
    if (map) {
        const ProtobufCMessageDescriptor *d = f->descriptor;
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            const mpath at = {path, k, 0, 'k'}, *sub = &at;
            ProtobufCMessage *e = malloc(d->sizeof_message);
            if (!e)
                return failp(CMDOP_ENOMEM, err, es, sub, "out of memory");
            protobuf_c_message_init(d, e);
            ((ProtobufCMessage **)(void *)arr)[(*count)++] = e;
            if (!(MEMBER(char *, e, d->fields[0].offset) = strdup(k)))
                return failp(CMDOP_ENOMEM, err, es, sub, "out of memory");
            int rc = value_from_json(&d->fields[1], x, (char *)e + d->fields[1].offset, sub,
                                     err, es);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const mpath at = {path, NULL, i, 'i'}, *sub = &at;
        int rc = value_from_json(f, json_array_get(v, i), arr + i * elem_size(f->type), sub,
                                 err, es);
        if (rc < 0) {
            /* a half-built nested message sits in its slot: count it so it
             * is freed with the rest (a failed string left NULL there) */
            if (pointer_typed(f->type))
                (*count)++;
            return rc;
        }
        (*count)++;
    }
    return 0;
}

/* The JSON value of field f in o, or NULL when absent or null. For the IDL's
 * `json` type (string field <x>_json), *text is set to the JSON text of key
 * <x> (NEW, free()) instead. */
static const json_t *lookup(const ProtobufCFieldDescriptor *f, const json_t *o, char **text)
{
    *text = NULL;
    const json_t *v = json_object_get(o, f->name);
    size_t n = strlen(f->name);
    if (!v && f->type == PROTOBUF_C_TYPE_STRING && f->label != PROTOBUF_C_LABEL_REPEATED &&
        n > 5 && strcmp(f->name + n - 5, "_json") == 0) {
        char key[128];
        size_t kn = n - 5 < sizeof key ? n - 5 : sizeof key - 1;
        memcpy(key, f->name, kn);
        key[kn] = '\0';
        const json_t *raw = json_object_get(o, key);
        if (raw && !json_is_null(raw))
            *text = json_dumps(raw, JSON_COMPACT | JSON_ENCODE_ANY);
        return NULL;
    }
    return json_is_null(v) ? NULL : v;
}

static int required_cmp(const void *key, const void *entry)
{
    return strcmp(key, ((const cmdop__record_required *)entry)->name);
}

/* The IDL's required fields of record d (types_json.h, sorted by name), or
 * NULL. */
static const char *const *required_of(const ProtobufCMessageDescriptor *d)
{
    const cmdop__record_required *r =
        bsearch(d->short_name, cmdop__record_required_fields, cmdop__record_required_count,
                sizeof *r, required_cmp);
    return r ? r->fields : NULL;
}

static bool is_required(const char *const *req, const char *field)
{
    for (; req && *req; req++)
        if (strcmp(*req, field) == 0)
            return true;
    return false;
}

/* Set by cmdop__stdio_response_to_msg for the one mapping on this thread: a
 * response must have the IDL's required fields; a request (the envelope's
 * own JSON, mapped back) need not. */
static _Thread_local bool g_strict;

static int json_to_msg(const ProtobufCMessageDescriptor *d, const json_t *o,
                       ProtobufCMessage **out, const mpath *path, char *err, size_t es)
{
    const char *const *req = g_strict ? required_of(d) : NULL;
    ProtobufCMessage *m = malloc(d->sizeof_message);
    if (!m)
        return failp(CMDOP_ENOMEM, err, es, path, "out of memory");
    protobuf_c_message_init(d, m);
    *out = m;   /* owned by the caller from here on, also on failure */
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const mpath at = {path, f->name, 0, 'f'}, *sub = &at;
        char *text;
        const json_t *v = lookup(f, o, &text);
        int rc = 0;
        /* a oneof's members share storage and one case: a second member
         * would overwrite the first (leaking it, or reading a string's
         * pointer as a number), so an object naming two is refused */
        bool oneof = f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
        if (oneof && (v || text) && MEMBER(uint32_t, m, f->quantifier_offset) != 0) {
            free(text);
            return failp(CMDOP_EDECODE, err, es, sub, "another member of its oneof is set");
        }
        if (text) {
            MEMBER(char *, m, f->offset) = text;
        } else if (!v && is_required(req, f->name)) {
            /* a required field absent or null is not a default value */
            return failp(CMDOP_EDECODE, err, es, sub, "required field %s",
                        json_object_get(o, f->name) ? "is null" : "missing");
        } else if (!v) {
            continue;
        } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            rc = repeated_from_json(m, f, v, sub, err, es);
        } else {
            rc = value_from_json(f, v, (char *)m + f->offset, sub, err, es);
            if (rc == 1)
                continue;
        }
        if (rc < 0) {
            /* a half-built message (or string) sits in the member: a oneof
             * member is freed only under its case, so set it */
            if (oneof && pointer_typed(f->type) && MEMBER(void *, m, f->offset))
                MEMBER(uint32_t, m, f->quantifier_offset) = f->id;
            return rc;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            /* the inverse of msg_to_json: a key that is there, even [] or
             * {}, sets the companion (when the message has one) */
            const ProtobufCFieldDescriptor *c = companion_of(d, f);
            if (c && v) {
                MEMBER(protobuf_c_boolean, m, c->quantifier_offset) = 1;
                MEMBER(protobuf_c_boolean, m, c->offset) = 1;
            }
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            MEMBER(uint32_t, m, f->quantifier_offset) = f->id;
        else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && !pointer_typed(f->type))
            MEMBER(protobuf_c_boolean, m, f->quantifier_offset) = 1;
    }
    return 0;
}

int cmdop__stdio_response_to_msg(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                                 ProtobufCMessage **out, char *err, size_t err_size)
{
    g_strict = true;
    int rc = cmdop__stdio_json_to_msg(desc, obj, out, err, err_size);
    g_strict = false;
    return rc;
}

int cmdop__stdio_json_to_msg(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                             ProtobufCMessage **out, char *err, size_t err_size)
{
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    if (!json_is_object(obj)) {
        const mpath name = {NULL, desc->short_name, 0, 'r'};
        return want(&name, "an object", obj, err, err_size);
    }
    ProtobufCMessage *m = NULL;
    const mpath root = {NULL, "", 0, 'r'};
    int rc = json_to_msg(desc, obj, &m, &root, err, err_size);
    if (rc == CMDOP_EDECODE) {
        /* the thread's error names the field: the path before ": " */
        char field[256] = "";
        const char *colon = err ? strstr(err, ": ") : NULL;
        if (colon)
            snprintf(field, sizeof field, "%.*s", (int)(colon - err), err);
        cmdop__error_set(CMDOP_EDECODE, 0, NULL, field[0] ? field : NULL, "%s: %s",
                         desc->short_name, err ? err : "");
    }
    if (rc) {
        protobuf_c_message_free_unpacked(m, NULL);
        return rc;
    }
    *out = m;
    return 0;
}
