/*
 * stdio_writer.h — INTERNAL: the one writer of the stdio server's output.
 * Every frame the core sends goes through here, and nothing else may write
 * to that descriptor (stdout carries frames only). Whole frames (prefix +
 * Envelope) go out in order and never interleave: the thread that finds
 * nobody writing writes its frames itself; one that finds another thread
 * in write(2) appends its frames to a pending buffer and returns, and the
 * writing thread writes that buffer too before it lets go, so concurrent
 * calls neither wait for each other's writes nor pay one write(2) each.
 * The pending buffer is bounded: past CMDOP__STDIO_PENDING_MAX a sender
 * waits, which keeps the backpressure of a client that stops reading.
 */
#ifndef CMDOP__STDIO_WRITER_H
#define CMDOP__STDIO_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "cmdop/error.h"
#include "strbuf.h"

/* Bytes of frames that may wait behind a write in progress. */
#define CMDOP__STDIO_PENDING_MAX (256u * 1024u)

typedef struct cmdop__stdio_writer {
    int fd;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* the writing thread let go, or took `pending` */
    bool broken;    /* a write failed (client gone): later frames are dropped */
    bool writing;   /* a thread is writing (outside mu) and owns `spare` */
    cmdop__strbuf pending;  /* whole frames queued behind that write */
    cmdop__strbuf spare;    /* the writing thread's copy of `pending` */
} cmdop__stdio_writer;

void cmdop__stdio_writer_init(cmdop__stdio_writer *w, int fd);
void cmdop__stdio_writer_destroy(cmdop__stdio_writer *w);

/* Pack and write one envelope (or queue it behind the write in progress).
 * 0, or -1 once the output is broken or out of memory. */
int cmdop__stdio_send_env(cmdop__stdio_writer *w, const Cmdop__Core__V1__Envelope *env);

/* Write an envelope {id, kind, arm = payload}; `arm` is the Envelope field
 * number and `payload` (borrowed) a message of that arm's type, or NULL to
 * send no payload. */
int cmdop__stdio_send(cmdop__stdio_writer *w, uint32_t id, Cmdop__Core__V1__Kind kind,
                      int arm, const ProtobufCMessage *payload);

/* Append the frame (prefix + Envelope) of cmdop__stdio_send's arguments to
 * `out` instead of writing it, for one write of many frames with
 * cmdop__stdio_send_batch. -1 when `payload` is not of arm `arm`; out of
 * memory marks `out` failed. */
int cmdop__stdio_pack(cmdop__strbuf *out, uint32_t id, Cmdop__Core__V1__Kind kind, int arm,
                      const ProtobufCMessage *payload);

/* Write the frames packed in `out` (whole frames only) in one go, or queue
 * them behind the write in progress, and empty `out`. 0, or -1 once the
 * output is broken (or `out` failed: its frames are dropped). Blocks while
 * the reader is behind: that is the server's backpressure (docs/stdio.md
 * "Streams"). */
int cmdop__stdio_send_batch(cmdop__stdio_writer *w, cmdop__strbuf *out);

/* ERROR frame with ErrorInfo from a libcmdop error (code string, message,
 * status, request id, field, retry-after, retryable). */
int cmdop__stdio_send_error(cmdop__stdio_writer *w, uint32_t id, const cmdop_error *e);

/* ERROR frame with only a code and a message (protocol-level failures:
 * "unknown_op", "cancelled", "internal"). */
int cmdop__stdio_send_error_code(cmdop__stdio_writer *w, uint32_t id, const char *code,
                                 const char *message);

/* The envelope arm's field descriptor, or NULL when there is no such arm. */
const ProtobufCFieldDescriptor *cmdop__stdio_arm(int arm);

#endif /* CMDOP__STDIO_WRITER_H */
