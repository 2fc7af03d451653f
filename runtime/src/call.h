/*
 * call.h — INTERNAL: the generic op driver and pager every front end uses
 * (generated typed C functions, the stdio server, a future CLI).
 */
#ifndef CMDOP__CALL_H
#define CMDOP__CALL_H

#include "op_table.h"
#include "cmdop/client.h"
#include "cmdop/pager.h"

/*
 * Run one non-streaming op described by `op` with `args` (borrowed; keyed by
 * surface param name). Applies defaults, resolves context params (the
 * client's default fleet), validates every constraint before any network
 * I/O, routes to the op's plane with only that plane's credential, retries per
 * policy and maps failures to a cmdop_error.
 *
 * On success returns 0 and *out is a NEW reference to the result: the parsed
 * body, unwrapped per op->unwrap, the synthesized op->empty_result_json for an
 * empty answer, or json_null() for a void op. On failure returns a negative
 * CMDOP_E* code, sets the thread's last error and leaves *out NULL.
 */
int cmdop__call(cmdop_client *client, const cmdop__op_desc *op,
                const json_t *args, json_t **out);

/*
 * Pager over a paginated op (op->page != NULL). `args` is borrowed and copied;
 * its page/cursor/offset params give the starting point.
 * The pager never loops: it stops on an empty page, on a repeated cursor, and
 * when the server does not advance (offsets advance by the number of items
 * actually received, not by the requested page size).
 */
int cmdop__pager_new(cmdop_pager **out, cmdop_client *client,
                     const cmdop__op_desc *op, const json_t *args);
/* 0 and *page (NEW reference to the whole page body), CMDOP_ITEROVER at the
 * end, or a negative error. */
int cmdop__pager_next_page(cmdop_pager *pager, json_t **page);
/* 0 and *item (NEW reference), CMDOP_ITEROVER at the end, or an error.
 * Fetches further pages as needed. */
int cmdop__pager_next_item(cmdop_pager *pager, json_t **item);

/* Set the thread's last error (the single place errors are raised). */
int cmdop__error_set(int code, int http_status, const char *request_id,
                     const char *field, const char *fmt, ...);

#endif /* CMDOP__CALL_H */
