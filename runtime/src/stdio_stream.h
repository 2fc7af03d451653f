/*
 * stdio_stream.h — INTERNAL: streaming ops (machines.ask) over stdio.
 *
 * Each open stream has its own pump thread that pulls frames with
 * cmdop_ask_stream_next (the stream API is blocking) and writes them on the
 * stream's envelope id: EVENT + the op's frame arm (ask_frame) for `event`,
 * `pin_denied` and frame types this build does not know; CALLBACK + the
 * envelope arm of the same name for frames a side channel answers
 * (`pin_required`, `confirm_required`); DONE + `done` last; or one ERROR
 * (the stream's error, `cancelled` after a CANCEL). The pump thread alone
 * writes a stream's frames, so its terminal frame is written exactly once.
 * ANSWER frames (`<channel>_answer` arms) become the side channel's HTTP op
 * with the stream's path params; they run on the unary worker pool.
 */
#ifndef CMDOP__STDIO_STREAM_H
#define CMDOP__STDIO_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "cmdop/client.h"
#include "stdio_writer.h"
#include "stream_desc.h"

/* Open streams at once; a REQUEST over this is answered `unavailable`. */
#define CMDOP__STDIO_MAX_STREAMS 512

typedef struct cmdop__stdio_streams cmdop__stdio_streams;

/* The stream descriptor of a CMDOP__OP_STREAM op, or NULL. */
const cmdop__stream_desc *cmdop__stdio_stream_desc(const cmdop__op_desc *op);

/* NULL when out of memory. `client` and `w` are borrowed for its lifetime. */
cmdop__stdio_streams *cmdop__stdio_streams_new(cmdop_client *client, cmdop__stdio_writer *w);

/* Open the stream `sd` with `args` (borrowed) on envelope id `id`. Every
 * outcome is written on `id`: an ERROR at once when it cannot open
 * (validation, credential, too many streams), else the stream's frames.
 * `official`: the client did not say hello, so an agent's own error code
 * ends the stream as the 1.1 core's code (docs/stdio.md "Streams").
 * `collect` (a COLLECT frame): no frame is forwarded; the stream is read
 * with cmdop_ask_stream_collect (the one collect rule) and answered with one
 * RESPONSE + `collected` {text}, or its ERROR (docs/stdio.md "Collect"). */
void cmdop__stdio_streams_open(cmdop__stdio_streams *ss, uint32_t id,
                               const cmdop__stream_desc *sd, const json_t *args, bool official,
                               bool collect);

/* Is a stream open on `id`? */
bool cmdop__stdio_streams_has(cmdop__stdio_streams *ss, uint32_t id);

/* CANCEL: close the stream on `id` (its pump answers ERROR `cancelled`).
 * false when no stream is open there. */
bool cmdop__stdio_streams_cancel(cmdop__stdio_streams *ss, uint32_t id);

/*
 * ANSWER on `id` with envelope arm `arm_name` ("pin_answer") and its fields
 * `body` (borrowed): on 0, *op is the side channel's HTTP op and *args NEW
 * (body + the stream's path params) for cmdop__call. -1 when no stream is
 * open on `id` or it has no channel answered by that arm. 1 when the stream
 * answered it itself (confirm: its answer is the rest of the stream,
 * cmdop__ask_answer_async); *op and *args stay NULL.
 */
int cmdop__stdio_streams_answer(cmdop__stdio_streams *ss, uint32_t id, const char *arm_name,
                                const json_t *body, const cmdop__op_desc **op, json_t **args);

/* Cancel every open stream, join the pumps (each writes its terminal
 * frame), free everything. NULL is a no-op. */
void cmdop__stdio_streams_close(cmdop__stdio_streams *ss);

#endif /* CMDOP__STDIO_STREAM_H */
