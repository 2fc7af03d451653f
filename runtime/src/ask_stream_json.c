/*
 * ask_stream_json.c — the one-pass scan of a stream frame's JSON object
 * (ask_stream_json.h). What it accepts is a strict subset of what jansson
 * 2.14 accepts with JSON_DECODE_ANY, and for that subset it reads the same
 * values: UTF-8 checked as jansson's utf8_check_full does, the escapes
 * other than `\u`, integers of up to 18 digits (never out of json_int_t's
 * range), reals without an exponent (never out of a double's range). A
 * value's `canon` says whether jansson's compact dump of the parsed value
 * gives back the same bytes: no whitespace inside it, no `\/`, no real, no
 * "-0", no duplicate key in a nested object.
 */
#include "ask_stream_json.h"

#include <stdlib.h>
#include <string.h>

bool cmdop__jflat_off;

/* Deeper nesting declines (jansson's own limit is 2048). */
#define MAX_DEPTH 32
/* Keys remembered per nested object for the duplicate check; more: not canon. */
#define MAX_KEYS 16

typedef struct {
    const unsigned char *p, *end;
    int depth;
} scan;

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Skips whitespace; any inside a value makes it not canonical. */
static void skip_ws(scan *s, bool *canon)
{
    const unsigned char *p = s->p;
    while (s->p < s->end && is_ws(*s->p))
        s->p++;
    if (s->p != p && canon)
        *canon = false;
}

/* The length of the UTF-8 sequence at p (lead byte >= 0x80), as jansson's
 * utf8_check_first/utf8_check_full accept it; 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0], v;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
        return 0;
    if (n == 4 && (v < 0x10000 || v > 0x10FFFF))
        return 0;
    return n;
}

/* A string after its opening quote: its bytes' range, whether it has an
 * escape. `\/` is read but not canonical (the dump writes "/"). */
static bool scan_string(scan *s, const char **start, size_t *len, bool *esc, bool *canon)
{
    const unsigned char *p = s->p, *end = s->end;
    *start = (const char *)p;
    *esc = false;
    while (p < end) {
        unsigned c = *p;
        if (c == '"') {
            *len = (size_t)(p - (const unsigned char *)*start);
            s->p = p + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (end - p < 2)
                return false;
            switch (p[1]) {
            case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
                break;
            case '/':
                if (canon)
                    *canon = false;
                break;
            default:
                return false; /* `\u` (and anything invalid): jansson decides */
            }
            *esc = true;
            p += 2;
        } else if (c < 0x80) {
            p++;
        } else {
            size_t n = utf8_len(p, end);
            if (!n)
                return false;
            p += n;
        }
    }
    return false;
}

/* A number: CMDOP__JV_INT (ival set) or CMDOP__JV_REAL. */
static bool scan_number(scan *s, unsigned char *type, long long *ival, bool *canon)
{
    const unsigned char *p = s->p, *end = s->end, *digits;
    bool neg = p < end && *p == '-';
    if (neg)
        p++;
    digits = p;
    if (p >= end || !is_digit(*p))
        return false;
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return false;
    } else {
        while (p < end && is_digit(*p))
            p++;
    }
    size_t nd = (size_t)(p - digits);
    if (p < end && (*p == 'e' || *p == 'E'))
        return false; /* an exponent: range errors are jansson's to report */
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return false;
        while (p < end && is_digit(*p))
            p++;
        if (p < end && (*p == 'e' || *p == 'E'))
            return false;
        if (p - s->p > 300)
            return false;
        *type = CMDOP__JV_REAL;
        if (canon)
            *canon = false; /* the dump writes its own form of a real */
        s->p = p;
        return true;
    }
    if (nd > 18)
        return false; /* maybe beyond json_int_t: jansson's "too big integer" */
    long long v = 0;
    for (const unsigned char *q = digits; q < p; q++)
        v = v * 10 + (*q - '0');
    if (neg && v == 0 && canon)
        *canon = false; /* "-0" dumps as "0" */
    *ival = neg ? -v : v;
    *type = CMDOP__JV_INT;
    s->p = p;
    return true;
}

static bool scan_literal(scan *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool scan_value(scan *s, unsigned char *type, long long *ival, bool *canon);

/* An object after its '{' (nested: whitespace and duplicate keys make it
 * not canonical). */
static bool scan_object(scan *s, bool *canon)
{
    const char *keys[MAX_KEYS];
    size_t klen[MAX_KEYS], nk = 0;
    skip_ws(s, canon);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return true;
    }
    for (;;) {
        const char *k;
        size_t kl;
        bool esc;
        unsigned char t;
        long long iv;
        if (s->p >= s->end || *s->p != '"')
            return false;
        s->p++;
        if (!scan_string(s, &k, &kl, &esc, canon))
            return false;
        if (nk == MAX_KEYS) {
            *canon = false;
        } else {
            for (size_t i = 0; i < nk; i++)
                if (klen[i] == kl && memcmp(keys[i], k, kl) == 0)
                    *canon = false; /* jansson keeps the last value at the first place */
            keys[nk] = k;
            klen[nk++] = kl;
        }
        skip_ws(s, canon);
        if (s->p >= s->end || *s->p != ':')
            return false;
        s->p++;
        skip_ws(s, canon);
        if (!scan_value(s, &t, &iv, canon))
            return false;
        skip_ws(s, canon);
        if (s->p >= s->end)
            return false;
        if (*s->p == '}') {
            s->p++;
            return true;
        }
        if (*s->p != ',')
            return false;
        s->p++;
        skip_ws(s, canon);
    }
}

static bool scan_array(scan *s, bool *canon)
{
    skip_ws(s, canon);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return true;
    }
    for (;;) {
        unsigned char t;
        long long iv;
        if (!scan_value(s, &t, &iv, canon))
            return false;
        skip_ws(s, canon);
        if (s->p >= s->end)
            return false;
        if (*s->p == ']') {
            s->p++;
            return true;
        }
        if (*s->p != ',')
            return false;
        s->p++;
        skip_ws(s, canon);
    }
}

/* One value at s->p (no leading whitespace). */
static bool scan_value(scan *s, unsigned char *type, long long *ival, bool *canon)
{
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '"': {
        const char *b;
        size_t n;
        bool esc;
        s->p++;
        *type = CMDOP__JV_STRING;
        return scan_string(s, &b, &n, &esc, canon);
    }
    case '{':
    case '[': {
        bool obj = *s->p == '{';
        if (++s->depth > MAX_DEPTH)
            return false;
        s->p++;
        *type = obj ? CMDOP__JV_OBJECT : CMDOP__JV_ARRAY;
        bool ok = obj ? scan_object(s, canon) : scan_array(s, canon);
        s->depth--;
        return ok;
    }
    case 't':
        *type = CMDOP__JV_TRUE;
        return scan_literal(s, "true", 4);
    case 'f':
        *type = CMDOP__JV_FALSE;
        return scan_literal(s, "false", 5);
    case 'n':
        *type = CMDOP__JV_NULL;
        return scan_literal(s, "null", 4);
    default:
        return scan_number(s, type, ival, canon);
    }
}

bool cmdop__jflat_scan(cmdop__jflat *o, const char *data, size_t len)
{
    scan s = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
    o->n = 0;
    if (cmdop__jflat_off || !data)
        return false;
    skip_ws(&s, NULL);
    if (s.p >= s.end || *s.p != '{')
        return false;
    s.p++;
    skip_ws(&s, NULL);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            if (o->n == CMDOP__JFLAT_MAX || s.p >= s.end || *s.p != '"')
                return false;
            cmdop__jmember *m = &o->m[o->n];
            bool esc, canon = true;
            s.p++;
            if (!scan_string(&s, &m->key, &m->key_len, &esc, NULL) || esc)
                return false; /* a key with an escape: jansson's lookup decides */
            for (size_t i = 0; i < o->n; i++)
                if (o->m[i].key_len == m->key_len &&
                    memcmp(o->m[i].key, m->key, m->key_len) == 0)
                    return false; /* a duplicate key */
            skip_ws(&s, NULL);
            if (s.p >= s.end || *s.p != ':')
                return false;
            s.p++;
            skip_ws(&s, NULL);
            const unsigned char *v = s.p;
            m->ival = 0;
            m->esc = false;
            if (s.p < s.end && *s.p == '"') {
                s.p++;
                m->type = CMDOP__JV_STRING;
                if (!scan_string(&s, &m->val, &m->val_len, &m->esc, &canon))
                    return false;
            } else {
                if (!scan_value(&s, &m->type, &m->ival, &canon))
                    return false;
                m->val = (const char *)v;
                m->val_len = (size_t)(s.p - v);
            }
            m->canon = canon;
            o->n++;
            skip_ws(&s, NULL);
            if (s.p >= s.end)
                return false;
            if (*s.p == '}') {
                s.p++;
                break;
            }
            if (*s.p != ',')
                return false;
            s.p++;
            skip_ws(&s, NULL);
        }
    }
    skip_ws(&s, NULL);
    return s.p == s.end;
}

bool cmdop__json_canonical(const char *text, size_t len)
{
    scan s = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
    bool canon = true;
    unsigned char t;
    long long iv;
    if (cmdop__jflat_off || !text || !scan_value(&s, &t, &iv, &canon))
        return false;
    return canon && s.p == s.end && t != CMDOP__JV_NULL;
}

const cmdop__jmember *cmdop__jflat_get(const cmdop__jflat *o, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < o->n; i++)
        if (o->m[i].key_len == n && memcmp(o->m[i].key, key, n) == 0)
            return &o->m[i];
    return NULL;
}

char *cmdop__jflat_text(const cmdop__jmember *m)
{
    char *out = malloc(m->val_len + 1);
    if (out) {
        memcpy(out, m->val, m->val_len);
        out[m->val_len] = '\0';
    }
    return out;
}

char *cmdop__jflat_str(const cmdop__jmember *m)
{
    if (!m->esc)
        return cmdop__jflat_text(m);
    char *out = malloc(m->val_len + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < m->val_len; i++) {
        char c = m->val[i];
        if (c == '\\') {
            /* the scan let only these escapes through */
            switch (m->val[++i]) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default: c = m->val[i]; break; /* '"', '\\', '/' */
            }
        }
        *w++ = c;
    }
    *w = '\0';
    return out;
}
