/*
 * stdio_pages.h — INTERNAL: page iterations over stdio (docs/stdio.md
 * "Pages"). The clients do not page: `PAGES` + a paginated op's request arm
 * opens an iteration on the envelope id, the core's pager (pager.c, the one
 * place the stop rules live) fetches the first page, and every `NEXT` on the
 * id asks for one more. Each page is `EVENT` + the op's response arm; the
 * end is `DONE` + `empty`, sent right after the last page as soon as the
 * pager knows no request would follow (so a client never waits for a page
 * that does not come); a failure is one `ERROR`. `CANCEL` releases the
 * iteration (an in-flight fetch is aborted) and is answered `ERROR
 * cancelled`, like any call.
 *
 * Each open iteration has its own thread, the only writer of its frames (so
 * it ends with exactly one terminal frame); the pager's fetch is synchronous
 * and carries the iteration's cancellation token.
 */
#ifndef CMDOP__STDIO_PAGES_H
#define CMDOP__STDIO_PAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "cmdop/client.h"
#include "op_table.h"
#include "stdio_writer.h"

/* Open iterations at once; one more is answered `unavailable`. */
#define CMDOP__STDIO_MAX_PAGES 512

typedef struct cmdop__stdio_pages cmdop__stdio_pages;

/* NULL when out of memory. `client` (NULL: none configured) and `w` are
 * borrowed for its lifetime. */
cmdop__stdio_pages *cmdop__stdio_pages_new(cmdop_client *client, cmdop__stdio_writer *w);

/* PAGES: open an iteration of `op` with `args` (borrowed; the op's params,
 * as for a REQUEST) on `id` and fetch its first page. Every outcome is
 * written on `id`: an ERROR at once when it cannot open (not paginated,
 * validation, too many iterations), else the pages and DONE. */
void cmdop__stdio_pages_open(cmdop__stdio_pages *ps, uint32_t id, const cmdop__op_desc *op,
                             const json_t *args);

/* NEXT: fetch one more page of the iteration on `id`. false when none is
 * open there (the frame is then ignored, like any frame for an unknown id). */
bool cmdop__stdio_pages_next(cmdop__stdio_pages *ps, uint32_t id);

/* Is an iteration open on `id`? */
bool cmdop__stdio_pages_has(cmdop__stdio_pages *ps, uint32_t id);

/* CANCEL: release the iteration on `id` (its thread aborts any fetch in
 * flight and answers ERROR `cancelled`). false when none is open there. */
bool cmdop__stdio_pages_cancel(cmdop__stdio_pages *ps, uint32_t id);

/* Iterations open now (tests). */
size_t cmdop__stdio_pages_open_count(cmdop__stdio_pages *ps);

/* Cancel every open iteration, join the threads, free everything. NULL is
 * a no-op. */
void cmdop__stdio_pages_close(cmdop__stdio_pages *ps);

/* A successful result of `op` -> its response arm on `id` with `kind`
 * (RESPONSE for a call, EVENT for a page); a result that does not fit the
 * arm is answered ERROR internal naming the field. */
void cmdop__stdio_send_result(cmdop__stdio_writer *w, uint32_t id, Cmdop__Core__V1__Kind kind,
                              const cmdop__op_desc *op, const json_t *res);

#endif /* CMDOP__STDIO_PAGES_H */
