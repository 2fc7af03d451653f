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

#endif /* CMDOP__ASK_STREAM_H */
