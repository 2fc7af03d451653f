/*
 * stdio_frame.h — INTERNAL: the stdio protocol's framing (docs/stdio.md).
 * Both directions carry frames of one base-128 varint length prefix (the
 * protobuf encoding of a uint64) followed by that many bytes: one serialized
 * cmdop.core.v1.Envelope. Pure functions plus a blocking frame reader over a
 * file descriptor; no threads here.
 */
#ifndef CMDOP__STDIO_FRAME_H
#define CMDOP__STDIO_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Longest varint of a uint64. */
#define CMDOP__VARINT_MAX 10
/* Largest frame accepted: 1.1.0 has no cap (its tests use 256 KB
 * frames); this bound only stops a corrupt prefix from allocating gigabytes. */
#define CMDOP__STDIO_MAX_FRAME (64u * 1024u * 1024u)

/* Encode `v` into out (at least CMDOP__VARINT_MAX bytes); returns the length
 * written (1..10). */
size_t cmdop__varint_encode(uint64_t v, uint8_t *out);

/* Decode a varint from buf[0..len). Returns the number of bytes used (>0)
 * and *v; 0 when buf ends before the varint does (need more bytes); -1 when
 * it is malformed (more than 10 bytes, or a 10th byte above 1: overflow). */
int cmdop__varint_decode(const uint8_t *buf, size_t len, uint64_t *v);

/* Outcome of cmdop__stdio_read_frame. */
typedef enum cmdop__frame_rc {
    CMDOP__FRAME_OK = 0,
    CMDOP__FRAME_EOF = 1,      /* clean end of input between two frames */
    CMDOP__FRAME_TRUNCATED = 2,/* input ended inside a frame */
    CMDOP__FRAME_BAD = 3,      /* malformed prefix or a frame over the cap */
    CMDOP__FRAME_IO = 4,       /* read(2) failed (errno kept) */
    CMDOP__FRAME_NOMEM = 5
} cmdop__frame_rc;

/*
 * Read one whole frame from `fd` (blocking; retries EINTR). On
 * CMDOP__FRAME_OK *buf is a NEW malloc'd buffer of *len bytes the caller
 * frees (NULL when *len is 0: an empty Envelope is a valid frame). On any
 * other outcome *buf is NULL.
 */
cmdop__frame_rc cmdop__stdio_read_frame(int fd, uint8_t **buf, size_t *len);

/*
 * A buffered frame reader over `fd` for the one thread at a time that reads
 * the server's input (stdio_server.c): one read(2) takes as many frames as
 * the pipe holds, where cmdop__stdio_read_frame needs two per frame.
 */
typedef struct cmdop__stdio_rbuf {
    int fd;
    uint8_t *buf;          /* cap bytes; [start, end) read and not yet returned */
    size_t cap, start, end;
} cmdop__stdio_rbuf;

void cmdop__stdio_rbuf_init(cmdop__stdio_rbuf *r, int fd);
void cmdop__stdio_rbuf_free(cmdop__stdio_rbuf *r);

/* The next whole frame, blocking only when the buffer holds none. On
 * CMDOP__FRAME_OK *body points into r's memory (valid until the next call;
 * *len may be 0); outcomes as cmdop__stdio_read_frame's. */
cmdop__frame_rc cmdop__stdio_rbuf_next(cmdop__stdio_rbuf *r, const uint8_t **body,
                                       size_t *len);

/* Bytes read from fd and not yet returned as frames: 0 means the next
 * frame, if any, is still in the kernel (a poll on fd sees it). */
size_t cmdop__stdio_rbuf_pending(const cmdop__stdio_rbuf *r);

/*
 * Write prefix + body to `fd` completely (retries EINTR and short writes).
 * Returns 0, or -1 with errno set (EPIPE when the reader went away). Not
 * locked: callers serialize (stdio_writer.h).
 */
int cmdop__stdio_write_frame(int fd, const uint8_t *body, size_t len);

/* Write `len` bytes (already framed) to `fd` completely, as
 * cmdop__stdio_write_frame does. 0, or -1 with errno set. */
int cmdop__stdio_write_all(int fd, const uint8_t *p, size_t len);

#endif /* CMDOP__STDIO_FRAME_H */
