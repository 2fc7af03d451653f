/*
 * request.h — INTERNAL: one op + its validated arguments -> one HTTP request
 * (URL with filled path and encoded query, JSON body, headers).
 */
#ifndef CMDOP__REQUEST_H
#define CMDOP__REQUEST_H

#include <jansson.h>
#include "http_loop.h"
#include "op_table.h"

typedef struct cmdop__request_ctx {
    const char *base_url;     /* the op's plane root, no trailing '/' */
    const char *credential;   /* that plane's credential (never the other's) */
    cmdop__plane plane;       /* decides the header: Bearer or X-Api-Key */
    const char *idempotency_key; /* sent as Idempotency-Key, or NULL */
    long wire_offset;         /* ignored since offset paging sends page
                                 and per_page as passed; kept so callers
                                 that set it still compile */
} cmdop__request_ctx;

/*
 * Build *out (NEW, free with cmdop__http_req_free) from `op` and `args`
 * (validated, keyed by surface name; borrowed). Only passed params are sent:
 * path and query by wire name, body params as keys of one JSON object.
 * CMDOP__IN_LOCAL and context params are never sent, `omit_empty` params
 * are not sent when "", [] or {}, and an enum value goes out as its
 * `enum_sends` string. Returns 0 or a negative code with the thread's last
 * error set.
 */
int cmdop__request_build(const cmdop__op_desc *op, const json_t *args,
                         const cmdop__request_ctx *ctx, cmdop__http_req **out);

#endif /* CMDOP__REQUEST_H */
