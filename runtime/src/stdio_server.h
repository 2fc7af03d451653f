/*
 * stdio_server.h — INTERNAL: `cmdop-core --stdio`, the server the Python and
 * Node clients spawn (protocol: docs/stdio.md).
 *
 * Reads length-prefixed Envelopes from `in_fd` and writes them to `out_fd`
 * (only frames; diagnostics go to stderr or the CMDOP_DEBUG log). The client
 * is configured from the environment (CMDOP_TOKEN, CMDOP_API_KEY,
 * CMDOP_BASE_URL, CMDOP_API_BASE_URL, ...). Unary calls run on a bounded
 * worker pool through the generic driver cmdop__call, whose threads also
 * take turns reading `in_fd` (stdio_pool.h); the calling thread waits for
 * the end of input. Results and errors are mapped to the op's envelope arms
 * by reflection. On end of input the server stops reading, lets every call in
 * flight finish and answers it, then returns.
 */
#ifndef CMDOP__STDIO_SERVER_H
#define CMDOP__STDIO_SERVER_H

#include <stdint.h>

#include "op_table.h"

/* Pool threads: up to 8 unary calls at once while a ninth reads the input
 * (stdio_pool.h: the reader role moves between them). */
#define CMDOP__STDIO_WORKERS 9

/* Serve until end of input. Returns the process exit status: 0 after a clean
 * EOF (between frames), 1 when the input broke the framing (truncated frame,
 * malformed prefix, frame over the cap) or could not be read, 2 when the
 * server could not start. */
int cmdop__stdio_serve(int in_fd, int out_fd);

/* The op whose request arm is Envelope field `arm`, or NULL. */
const cmdop__op_desc *cmdop__stdio_op_by_req_arm(uint32_t arm);

#endif /* CMDOP__STDIO_SERVER_H */
