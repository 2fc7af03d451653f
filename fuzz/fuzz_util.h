/*
 * fuzz_util.h — shared by the libFuzzer harnesses (fuzz/fuzz_*.c): an
 * assertion that reports and aborts (libFuzzer then saves the input), a
 * UTF-8 validity check and a small growable log used to compare two runs.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* Valid UTF-8 (RFC 3629: no overlongs, surrogates or code points above
 * U+10FFFF). NUL bytes are allowed. */
static inline bool fuzz_utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n)
                return false;
            unsigned char b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
                return false;
        }
        i += need + 1;
    }
    return true;
}

/* A byte log: what one run saw, compared with another run's. */
typedef struct fuzz_log {
    char *p;
    size_t len, cap;
} fuzz_log;

static inline void fuzz_log_add(fuzz_log *l, const void *src, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n + 1)
            cap *= 2;
        char *p = realloc(l->p, cap);
        FUZZ_CHECK(p != NULL, "out of memory");
        l->p = p;
        l->cap = cap;
    }
    if (n)
        memcpy(l->p + l->len, src, n);
    l->len += n;
}

/* A length-prefixed field, so "ab"+"c" and "a"+"bc" differ. */
static inline void fuzz_log_field(fuzz_log *l, const void *src, size_t n)
{
    uint64_t k = n;
    fuzz_log_add(l, &k, sizeof k);
    fuzz_log_add(l, src, n);
}

static inline void fuzz_log_free(fuzz_log *l)
{
    free(l->p);
    l->p = NULL;
    l->len = l->cap = 0;
}

#endif /* FUZZ_UTIL_H */
