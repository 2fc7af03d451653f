/*
 * stdio_frame.c — varint length prefix + body framing (stdio_frame.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdio_frame.h"

size_t cmdop__varint_encode(uint64_t v, uint8_t *out)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

int cmdop__varint_decode(const uint8_t *buf, size_t len, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < CMDOP__VARINT_MAX; i++) {
        if (i >= len)
            return 0;
        uint8_t b = buf[i];
        /* the 10th byte holds only bit 63: anything more overflows */
        if (i == CMDOP__VARINT_MAX - 1 && b > 1)
            return -1;
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = r;
            return (int)i + 1;
        }
    }
    return -1;
}

/* Read exactly len bytes. 0 ok, 1 EOF before any byte, 2 EOF after some,
 * -1 read error. */
static int read_full(int fd, uint8_t *p, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return got == 0 ? 1 : 2;
        got += (size_t)n;
    }
    return 0;
}

cmdop__frame_rc cmdop__stdio_read_frame(int fd, uint8_t **buf, size_t *len)
{
    uint8_t pre[CMDOP__VARINT_MAX];
    uint64_t size = 0;
    size_t n = 0;

    *buf = NULL;
    *len = 0;
    /* The prefix is read byte by byte: it is at most 10 bytes and reading
     * further would consume the body of the next frame's owner. */
    for (;;) {
        if (n == sizeof pre)
            return CMDOP__FRAME_BAD;
        int r = read_full(fd, &pre[n], 1);
        if (r == 1)
            return n == 0 ? CMDOP__FRAME_EOF : CMDOP__FRAME_TRUNCATED;
        if (r < 0)
            return CMDOP__FRAME_IO;
        n++;
        int used = cmdop__varint_decode(pre, n, &size);
        if (used < 0)
            return CMDOP__FRAME_BAD;
        if (used > 0)
            break;
    }
    if (size > CMDOP__STDIO_MAX_FRAME)
        return CMDOP__FRAME_BAD;
    if (size == 0)
        return CMDOP__FRAME_OK;
    uint8_t *b = malloc((size_t)size);
    if (!b)
        return CMDOP__FRAME_NOMEM;
    int r = read_full(fd, b, (size_t)size);
    if (r != 0) {
        free(b);
        return r < 0 ? CMDOP__FRAME_IO : CMDOP__FRAME_TRUNCATED;
    }
    *buf = b;
    *len = (size_t)size;
    return CMDOP__FRAME_OK;
}

/* The buffer a reader keeps between frames; a larger frame grows it for as
 * long as it is being read. */
#define RBUF_CAP (64u * 1024u)

void cmdop__stdio_rbuf_init(cmdop__stdio_rbuf *r, int fd)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
}

void cmdop__stdio_rbuf_free(cmdop__stdio_rbuf *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
}

size_t cmdop__stdio_rbuf_pending(const cmdop__stdio_rbuf *r)
{
    return r->end - r->start;
}

/* Room for `need` bytes from r->start: compacts, grows (or shrinks back to
 * RBUF_CAP once a large frame is gone). -1 when out of memory. */
static int rbuf_room(cmdop__stdio_rbuf *r, size_t need)
{
    size_t have = r->end - r->start;
    if (r->start > 0) {
        if (have)
            memmove(r->buf, r->buf + r->start, have);
        r->start = 0;
        r->end = have;
    }
    /* enough room, and not a large buffer kept for small frames */
    if (r->cap >= need && (r->cap <= RBUF_CAP || need > RBUF_CAP))
        return 0;
    size_t want = need > RBUF_CAP ? need : RBUF_CAP;   /* > have: the data fits */
    uint8_t *b = realloc(r->buf, want);
    if (!b)
        return r->cap >= need ? 0 : -1;
    r->buf = b;
    r->cap = want;
    return 0;
}

cmdop__frame_rc cmdop__stdio_rbuf_next(cmdop__stdio_rbuf *r, const uint8_t **body,
                                       size_t *len)
{
    *body = NULL;
    *len = 0;
    for (;;) {
        size_t have = r->end - r->start;
        size_t need = have + 1;   /* at least one more byte of the prefix */
        if (have > 0) {
            uint64_t size = 0;
            int used = cmdop__varint_decode(r->buf + r->start, have, &size);
            if (used < 0)
                return CMDOP__FRAME_BAD;
            if (used > 0) {
                if (size > CMDOP__STDIO_MAX_FRAME)
                    return CMDOP__FRAME_BAD;
                if (have - (size_t)used >= size) {
                    *body = r->buf + r->start + used;
                    *len = (size_t)size;
                    r->start += (size_t)used + (size_t)size;
                    return CMDOP__FRAME_OK;
                }
                need = (size_t)used + (size_t)size;
            }
        }
        if (rbuf_room(r, need) != 0)
            return CMDOP__FRAME_NOMEM;
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return CMDOP__FRAME_IO;
        }
        if (n == 0)
            return r->end == r->start ? CMDOP__FRAME_EOF : CMDOP__FRAME_TRUNCATED;
        r->end += (size_t)n;
    }
}

int cmdop__stdio_write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int cmdop__stdio_write_frame(int fd, const uint8_t *body, size_t len)
{
    uint8_t pre[CMDOP__VARINT_MAX];
    size_t n = cmdop__varint_encode((uint64_t)len, pre);
    /* small frames go out in one write(2) so a reader never sees a prefix
     * without its body for long; large ones in two */
    if (len <= 4096) {
        uint8_t tmp[CMDOP__VARINT_MAX + 4096];
        memcpy(tmp, pre, n);
        if (len)
            memcpy(tmp + n, body, len);
        return cmdop__stdio_write_all(fd, tmp, n + len);
    }
    if (cmdop__stdio_write_all(fd, pre, n) != 0)
        return -1;
    return cmdop__stdio_write_all(fd, body, len);
}
