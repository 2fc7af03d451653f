/*
 * ask_stream.h — INTERNAL: opening a machines.ask stream (the public stream
 * API is cmdop/ask.h). The generated typed function cmdop_machines_ask()
 * builds the args object and calls cmdop__ask_open.
 */
#ifndef CMDOP__ASK_STREAM_H
#define CMDOP__ASK_STREAM_H

#include <jansson.h>
#include "cmdop/ask.h"
#include "cmdop/client.h"
#include "stream_desc.h"

/*
 * Open the stream of `sd->op` with `args` (borrowed; keyed by surface param
 * name, as for cmdop__call). Fills the params the core generates (session_id:
 * 32 hex chars), applies defaults, validates every constraint and checks the
 * relay credential before any network I/O, then POSTs with
 * `Accept: text/event-stream` on the client's loop and returns at once: the
 * answer (frames, or an error status) is read with cmdop_ask_stream_next.
 * Returns 0 and *out NEW (cmdop_ask_stream_free), or a negative code with the
 * thread's last error set and *out NULL.
 */
int cmdop__ask_open(cmdop_client *client, const cmdop__stream_desc *sd,
                    const json_t *args, cmdop_ask_stream **out);

/*
 * Answer side channel `channel` of `s` without waiting, for callers that
 * must not block (the stdio server). `args` (borrowed) holds the channel
 * op's params by surface name, path params included. A channel whose answer
 * carries the rest of the stream ("confirm", docs/ask-protocol.md) is
 * validated, POSTed on the loop and switched to by the stream itself:
 * returns 1 (its outcome shows in the stream; a failure is also written to
 * the debug log), or a negative code with the thread's last error set when
 * it could not be sent. Any other channel returns 0: the caller runs
 * `channel`'s op as a plain call (cmdop__call). `s` stays the caller's.
 */
int cmdop__ask_answer_async(cmdop_ask_stream *s, const char *channel, const json_t *args);

#endif /* CMDOP__ASK_STREAM_H */
