/*
 * sse_guard.c — the SSE decoder's hot path for the instruction-count guard
 * (bench/guard/guard.py): a stream in the local relay's exact wire form
 * (`id: <stream>.<seq>`, `event: event`, one JSON `data:` line; ids fixed so
 * the bytes are the same on every run) is built in memory, then fed to
 * cmdop__sse_feed in 16 KiB chunks (a typical socket read), every event
 * counted. Usage: sse_guard FRAMES — prints the event count.
 */
#include "sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count(const cmdop__sse_event *ev, void *payload)
{
    (*(long *)payload) += ev->data_len > 0;
    return 0;
}

int main(int argc, char **argv)
{
    long frames = argc > 1 ? atol(argv[1]) : 0;
    size_t cap = (size_t)frames * 160 + 256, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return 1;
    for (long i = 1; i <= frames; i++)
        n += (size_t)snprintf(buf + n, cap - n,
                              "id: st_0123456789abcdef0123456789abcdef.%ld\n"
                              "event: event\ndata: {\"type\":\"event\",\"event_type\":1,"
                              "\"payload\":{\"delta\":\"w%ld \"}}\n\n", i, i);
    cmdop__sse_decoder *dec = cmdop__sse_new(1 << 20);
    long events = 0;
    for (size_t off = 0; off < n; off += 16384) {
        size_t k = n - off < 16384 ? n - off : 16384;
        if (cmdop__sse_feed(dec, buf + off, k, count, &events) != 0)
            return 1;
    }
    cmdop__sse_free(dec);
    free(buf);
    printf("%ld\n", events);
    return events == frames ? 0 : 1;
}
