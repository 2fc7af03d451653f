/*
 * pipe_feeder.h — a pipe whose write end a thread fills with `data`, in
 * pieces of `chunk` bytes (short pieces a little apart, so a reader sees
 * them separately), then closes; a thread, so a large payload cannot block
 * on a full pipe. Shared by test_stdio_frame.c and test_stdio_rbuf.c.
 * Header-only (static functions) because tests/tests.mk builds each
 * test_*.c on its own.
 */
#ifndef TEST_PIPE_FEEDER_H
#define TEST_PIPE_FEEDER_H

#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "stdio_frame.h"

typedef struct feeder {
    int fd;
    const uint8_t *data;
    size_t len, chunk;
} feeder;

static void *feed(void *arg)
{
    feeder *f = arg;
    for (size_t off = 0; off < f->len;) {
        size_t n = f->len - off < f->chunk ? f->len - off : f->chunk;
        if (cmdop__stdio_write_all(f->fd, f->data + off, n) != 0)
            break;
        off += n;
        if (f->chunk < 64)
            usleep(200);   /* let the reader see the short pieces apart */
    }
    close(f->fd);
    return NULL;
}

/* The read end; the caller joins *t and closes it. chunk 0: all at once. */
static int feed_pipe(const uint8_t *data, size_t len, size_t chunk, pthread_t *t, feeder *f)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    *f = (feeder){.fd = p[1], .data = data, .len = len, .chunk = chunk ? chunk : len};
    ck_assert_int_eq(pthread_create(t, NULL, feed, f), 0);
    return p[0];
}

#endif
