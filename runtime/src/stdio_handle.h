/*
 * stdio_handle.h — INTERNAL: the handles of `local` ops (bots.run) over
 * stdio (docs/stdio.md "Handles").
 *
 * REQUEST with a local op's request arm on id N opens the handle: RESPONSE
 * + its state arm once the engine started (or one ERROR), then on N: EVENT
 * + the events arm per event, EVENT + the state arm per state change, and
 * one terminal frame: DONE + the state arm after the engine stopped, or
 * ERROR (its failure; `cancelled` after CANCEL or EOF). One pump thread per
 * open handle is the only writer on N. A method is a REQUEST on a new id M
 * with the method's request arm, whose field `handle` is N: RESPONSE (empty
 * for a void method) or ERROR on M, run on its own thread.
 */
#ifndef CMDOP__STDIO_HANDLE_H
#define CMDOP__STDIO_HANDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "cmdop/client.h"
#include "handle_desc.h"
#include "stdio_writer.h"

/* Open handles at once; a REQUEST over this is answered `unavailable`. */
#define CMDOP__STDIO_MAX_HANDLES 256

typedef struct cmdop__stdio_handles cmdop__stdio_handles;

/* The handle a local op opens, or NULL. */
const cmdop__handle_desc *cmdop__stdio_handle_desc(const cmdop__op_desc *op);
/* The handle and method index whose request arm is `arm`; false if none. */
bool cmdop__stdio_handle_method(uint32_t arm, const cmdop__handle_desc **hd, size_t *i);

/* NULL when out of memory. `client` and `w` are borrowed for its lifetime. */
cmdop__stdio_handles *cmdop__stdio_handles_new(cmdop_client *client, cmdop__stdio_writer *w);
/* Open `hd` with `args` (borrowed) on id `id`; every outcome is written on `id`. */
void cmdop__stdio_handles_open(cmdop__stdio_handles *hs, uint32_t id,
                               const cmdop__handle_desc *hd, const json_t *args);
bool cmdop__stdio_handles_has(cmdop__stdio_handles *hs, uint32_t id);
/* CANCEL on `id`: the engine's hard stop (its pump answers). false if none. */
bool cmdop__stdio_handles_cancel(cmdop__stdio_handles *hs, uint32_t id);
/* Method `i` of `hd` on the handle open on `handle` with `args` (borrowed;
 * the request's fields without `handle`), answered on `id`. */
void cmdop__stdio_handles_call(cmdop__stdio_handles *hs, uint32_t id, const cmdop__handle_desc *hd,
                               size_t i, uint32_t handle, const json_t *args);
/* Cancel every handle, wait for pumps and methods, free. NULL is a no-op. */
void cmdop__stdio_handles_close(cmdop__stdio_handles *hs);

#endif /* CMDOP__STDIO_HANDLE_H */
