/*
 * strbuf.h — INTERNAL: a growable NUL-terminated string. A failed append
 * marks the buffer failed (later appends are no-ops) so callers check once.
 */
#ifndef CMDOP__STRBUF_H
#define CMDOP__STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cmdop__strbuf {
    char *s;        /* owned; NULL until the first append */
    size_t len, cap;
    bool failed;    /* out of memory happened */
} cmdop__strbuf;

#define CMDOP__STRBUF_INIT {NULL, 0, 0, false}

void cmdop__sb_append(cmdop__strbuf *b, const char *s, size_t n);
void cmdop__sb_puts(cmdop__strbuf *b, const char *s);
/* Room for n more bytes at b->s + b->len (the caller writes them, then adds
 * n to b->len and keeps the NUL); NULL when the buffer failed. */
char *cmdop__sb_reserve(cmdop__strbuf *b, size_t n);
void cmdop__sb_printf(cmdop__strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Take the string (NEW, caller frees; "" when nothing was appended) or NULL
 * when an append failed; the buffer is reset either way. */
char *cmdop__sb_take(cmdop__strbuf *b);
void cmdop__sb_free(cmdop__strbuf *b);

#endif /* CMDOP__STRBUF_H */
