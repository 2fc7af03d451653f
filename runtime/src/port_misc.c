/* port_misc.c — randomness, strndup and the processor count; see port.h. */
#include <stdlib.h>
#include <string.h>

#include "port.h"

#ifndef _WIN32

#include <errno.h>
#include <sys/random.h>
#include <unistd.h>

unsigned cmdop__port_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

#ifdef __APPLE__
/* macOS has no getrandom; getentropy fills at most 256 bytes a call. */
int cmdop__port_random(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        size_t step = n < 256 ? n : 256;
        if (getentropy(p, step) != 0)
            return -1;
        p += step;
        n -= step;
    }
    return 0;
}
#else
int cmdop__port_random(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}
#endif

#else /* _WIN32 */

#include <windows.h>
#include <bcrypt.h>

unsigned cmdop__port_cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors > 0 ? (unsigned)si.dwNumberOfProcessors : 1u;
}

int cmdop__port_random(void *buf, size_t n)
{
    return BCRYPT_SUCCESS(BCryptGenRandom(NULL, buf, (ULONG)n,
                                          BCRYPT_USE_SYSTEM_PREFERRED_RNG))
               ? 0
               : -1;
}

#endif

char *cmdop__port_strndup(const char *s, size_t n)
{
    const char *end = memchr(s, '\0', n);
    size_t len = end ? (size_t)(end - s) : n;
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}
