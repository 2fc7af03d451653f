/* strbuf.c — see strbuf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "strbuf.h"

static bool grow(cmdop__strbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void cmdop__sb_append(cmdop__strbuf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

char *cmdop__sb_reserve(cmdop__strbuf *b, size_t n)
{
    return grow(b, n) ? b->s + b->len : NULL;
}

void cmdop__sb_puts(cmdop__strbuf *b, const char *s)
{
    cmdop__sb_append(b, s, strlen(s));
}

void cmdop__sb_printf(cmdop__strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, (size_t)n)) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *cmdop__sb_take(cmdop__strbuf *b)
{
    char *s = NULL;
    if (!b->failed)
        s = b->s ? b->s : strdup("");
    else
        free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = false;
    return s;
}

void cmdop__sb_free(cmdop__strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}
