/* url.c — see url.h. */
#include <stdio.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "url.h"

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

void cmdop__url_escape(cmdop__strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* a run of unreserved bytes (an id: all of it) in one append */
        const unsigned char *run = p;
        while (*p && unreserved(*p))
            p++;
        if (p > run)
            cmdop__sb_append(b, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        cmdop__sb_append(b, enc, 3);
        p++;
    }
}

const char *cmdop__json_scalar_text(const json_t *v, char buf[64])
{
    switch (json_typeof(v)) {
    case JSON_STRING: return json_string_value(v);
    case JSON_INTEGER:
        snprintf(buf, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    case JSON_REAL:
        snprintf(buf, 64, "%.17g", json_real_value(v));
        return buf;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return NULL;
    }
}

int cmdop__url_fill_path(cmdop__strbuf *b, const char *tmpl, const json_t *values)
{
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open) {
            cmdop__sb_puts(b, p);
            break;
        }
        cmdop__sb_append(b, p, (size_t)(open - p));
        const char *close = strchr(open, '}');
        if (!close || close == open + 1 || close - open > 64)
            return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL,
                                    "malformed path template \"%s\"", tmpl);
        char name[65];
        memcpy(name, open + 1, (size_t)(close - open - 1));
        name[close - open - 1] = '\0';
        const json_t *v = json_object_get(values, name);
        char buf[64];
        const char *text = v && (json_is_string(v) || json_is_integer(v))
                               ? cmdop__json_scalar_text(v, buf) : NULL;
        if (!text)
            return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, name,
                                    "path %s: no value for {%s}", tmpl, name);
        if (!*text)
            return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, name,
                                    "%s: must not be empty (it is a path segment)", name);
        cmdop__url_escape(b, text);
        p = close + 1;
    }
    return 0;
}

static void sep(cmdop__strbuf *b)
{
    cmdop__sb_append(b, b->s && strchr(b->s, '?') ? "&" : "?", 1);
}

static void add_pair(cmdop__strbuf *b, const char *key, const char *text)
{
    sep(b);
    cmdop__url_escape(b, key);
    cmdop__sb_append(b, "=", 1);
    cmdop__url_escape(b, text);
}

int cmdop__url_query_add(cmdop__strbuf *b, const char *key, const json_t *value)
{
    char buf[64];
    if (!value || json_is_null(value))
        return 0;
    if (json_is_array(value)) {
        size_t i;
        const json_t *el;
        json_array_foreach(value, i, el) {
            const char *t = cmdop__json_scalar_text(el, buf);
            if (!t)
                return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, key,
                                        "%s: a list element cannot go in a query", key);
            add_pair(b, key, t);
        }
        return 0;
    }
    const char *t = cmdop__json_scalar_text(value, buf);
    if (!t)
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, key,
                                "%s: an object cannot go in a query", key);
    add_pair(b, key, t);
    return 0;
}
