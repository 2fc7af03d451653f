/*
 * call_internal.h — INTERNAL: the driver's knobs used by the pager and the
 * client-side scan ops.
 */
#ifndef CMDOP__CALL_INTERNAL_H
#define CMDOP__CALL_INTERNAL_H

#include <stdbool.h>
#include "call.h"

/* Hard cap on the pages one pager fetches: a last resort against a server
 * whose answers defeat every other termination rule. */
#define CMDOP__PAGER_MAX_PAGES 10000

typedef struct cmdop__call_opts {
    long wire_offset;   /* offset paging: the exact offset to send; -1 = from page */
    bool raw;           /* return the whole body: no unwrap */
} cmdop__call_opts;

/* cmdop__call with options (NULL = defaults). Same contract. */
int cmdop__call_ex(cmdop_client *client, const cmdop__op_desc *op, const json_t *args,
                   const cmdop__call_opts *opts, json_t **out);

/* Client-side scan (CMDOP__OP_SCAN): see op_table.h. */
int cmdop__call_scan(cmdop_client *client, const cmdop__op_desc *op,
                     const json_t *args, json_t **out);

/* The credential of `plane` (relay: token, platform: api key), borrowed, or
 * NULL when the client has none. Never the other plane's. */
const char *cmdop__plane_credential(const cmdop_client *c, cmdop__plane plane);
/* Raise CMDOP_EAUTH for an op whose plane has no credential; returns it. */
int cmdop__no_credential(const cmdop__op_desc *op);

#endif /* CMDOP__CALL_INTERNAL_H */
