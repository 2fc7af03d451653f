/*
 * stdio_stream.h — INTERNAL: streaming ops (every `-> stream` op of the
 * IDL; machines.ask) over stdio.
 *
 * No thread per stream: each open stream's notify hook (ask_stream.h) puts
 * it on a ready list when the client's loop queued a frame or ended it, and
 * one dispatcher thread takes the ready streams in turn (up to 64 frames
 * each), reads their frames without waiting (cmdop__stream_try_next) and
 * packs them into one batch, written with one write(2) once it holds 64 KiB
 * or nothing else is ready. A client that does not read blocks that write:
 * the stream queues then fill and the loop pauses their transfers
 * (backpressure, docs/stdio.md "Streams"). Each stream's frames go on its
 * envelope id: EVENT + the op's frame arm (ask_frame) for the
 * union's other arms and frame types this build does not know; CALLBACK +
 * the envelope arm of the same name for frames a side channel answers
 * (`pin_required`, `confirm_required`); DONE + the envelope arm named like
 * the op's `ends` arm (`done`) last; or one ERROR (the stream's error,
 * `cancelled` after a CANCEL). The dispatcher alone writes a stream's
 * frames, so its terminal frame is written exactly once.
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

/* Open streams at once; a REQUEST over the limit is answered `unavailable`.
 * Per client: the client option max_streams (IDL common.cmdop; the core
 * reads its env var, a positive integer, else the IDL's default).
 * This is the fallback when neither is usable. */
#define CMDOP__STDIO_MAX_STREAMS 16384

typedef struct cmdop__stdio_streams cmdop__stdio_streams;

/* The stream descriptor of a CMDOP__OP_STREAM op, or NULL. */
const cmdop__stream_desc *cmdop__stdio_stream_desc(const cmdop__op_desc *op);

/* Starts the dispatcher thread and raises the open-descriptor limit to
 * its hard limit (every stream holds a socket). NULL when out of memory or
 * threads. `client` and `w` are borrowed for its lifetime. */
cmdop__stdio_streams *cmdop__stdio_streams_new(cmdop_client *client, cmdop__stdio_writer *w);

/* Open the stream `sd` with `args` (borrowed) on envelope id `id`. Every
 * outcome is written on `id`: an ERROR at once when it cannot open
 * (validation, credential, too many streams), else the stream's frames.
 * `official`: the client did not say hello, so an agent's own error code
 * ends the stream as the 1.1 core's code (docs/stdio.md "Streams").
 * `collect` (a COLLECT frame): no frame is forwarded; the stream is read
 * with cmdop__stream_collect (the op's collect rule) and answered with one
 * RESPONSE + `collected` {text}, or its ERROR (docs/stdio.md "Collect"). */
void cmdop__stdio_streams_open(cmdop__stdio_streams *ss, uint32_t id,
                               const cmdop__stream_desc *sd, const json_t *args, bool official,
                               bool collect);

/* Is a stream open on `id`? */
bool cmdop__stdio_streams_has(cmdop__stdio_streams *ss, uint32_t id);

/* CANCEL: close the stream on `id` (the dispatcher answers ERROR `cancelled`).
 * false when no stream is open there. */
bool cmdop__stdio_streams_cancel(cmdop__stdio_streams *ss, uint32_t id);

/*
 * ANSWER on `id` with envelope arm `arm_name` ("pin_answer") and its fields
 * `body` (borrowed): on 0, *op is the side channel's HTTP op and *args NEW
 * (body + the stream's path params) for cmdop__call. -1 when no stream is
 * open on `id` or it has no channel answered by that arm. 1 when the stream
 * answered it itself (a `continues` channel: its answer is the rest of the
 * stream, cmdop__stream_answer_async); *op and *args stay NULL.
 */
int cmdop__stdio_streams_answer(cmdop__stdio_streams *ss, uint32_t id, const char *arm_name,
                                const json_t *body, const cmdop__op_desc **op, json_t **args);

/* Appends to `out` the EVENT envelope on `id` whose arm `env_arm` is frame f
 * (of union `fd`, its `kind` and `tag`) as the union's message `ud` with
 * that one arm set, built from the typed record (its arm table,
 * stream_desc.h cmdop__frame_arm) with no JSON in between and nothing on
 * the heap (the messages live on the stack, their strings are f's own):
 * the same bytes the JSON route gives (to_jsont, then
 * cmdop__stdio_json_to_msg of {tag: record}, then cmdop__stdio_pack). false,
 * with nothing appended, when the arm has no table or a field needs the
 * JSON route; `out` is marked failed when it cannot grow. f is borrowed. */
bool cmdop__stdio_pack_frame(cmdop__strbuf *out, uint32_t id, uint32_t env_arm,
                             const cmdop__frames_desc *fd, const void *f, int kind,
                             const char *tag, const ProtobufCMessageDescriptor *ud);

/* The length-prefixed envelope {id, kind, arm = u} appended to `out`, byte
 * for byte what cmdop__stdio_pack writes (u: the envelope arm's message,
 * borrowed); nothing when `out` cannot grow (it is marked failed). */
void cmdop__stdio_pack_event(cmdop__strbuf *out, uint32_t id, Cmdop__Core__V1__Kind kind,
                             uint32_t arm, const ProtobufCMessage *u);

/* Cancel every open stream, wait until each terminal frame is written,
 * stop the dispatcher, free everything. NULL is a no-op. */
void cmdop__stdio_streams_close(cmdop__stdio_streams *ss);

#endif /* CMDOP__STDIO_STREAM_H */
