/*
 * call_internal.h — INTERNAL: the driver's knobs used by the pager and the
 * client-side scan ops.
 */
#ifndef CMDOP__CALL_INTERNAL_H
#define CMDOP__CALL_INTERNAL_H

#include <stdbool.h>
#include "call.h"
#include "cancel.h"

/* Hard cap on the pages one pager fetches: a last resort against a server
 * whose answers defeat every other termination rule. */
#define CMDOP__PAGER_MAX_PAGES 10000

typedef struct cmdop__call_opts {
    long wire_offset;   /* ignored (offset paging sends page/per_page); kept
                           so existing initializers compile */
    bool raw;           /* return the whole body: no unwrap */
    cmdop__cancel *cancel; /* borrowed; NULL = the call cannot be cancelled.
                              Once cancelled the call ends with
                              CMDOP_ECANCELLED and sends no further attempt
                              or page (cancel.h). */
} cmdop__call_opts;

/* cmdop__call with options (NULL = defaults). Same contract. */
int cmdop__call_ex(cmdop_client *client, const cmdop__op_desc *op, const json_t *args,
                   const cmdop__call_opts *opts, json_t **out);

/* Client-side scan (CMDOP__OP_SCAN): see op_table.h. `cancel` (borrowed,
 * may be NULL) stops it between and during its page fetches. */
int cmdop__call_scan(cmdop_client *client, const cmdop__op_desc *op,
                     const json_t *args, cmdop__cancel *cancel, json_t **out);

/* Attach a cancellation token (borrowed, NULL = none) to a pager: every
 * later page fetch carries it and none starts once it is cancelled (the
 * fetch then fails with CMDOP_ECANCELLED). */
void cmdop__pager_set_cancel(cmdop_pager *pager, cmdop__cancel *cancel);

/* true when the pager will fetch no more pages: its next call answers
 * CMDOP_ITEROVER without a request (a stop rule already fired, or the cap).
 * The stdio server sends the end of an iteration right after its last page. */
bool cmdop__pager_done(const cmdop_pager *pager);

/* Raise CMDOP_ECANCELLED for `what` (an op name) cancelled by its token. */
int cmdop__cancelled_error(const char *what);

/* The credential of `plane` (relay: token, platform: api key), borrowed, or
 * NULL when the client has none. Never the other plane's. */
const char *cmdop__plane_credential(const cmdop_client *c, cmdop__plane plane);
/* Raise CMDOP_EAUTH for an op whose plane has no credential; returns it. */
int cmdop__no_credential(const cmdop__op_desc *op);
/* The base URL of `plane`, borrowed, or NULL when none is configured (the
 * relay plane has no default: CMDOP_BASE_URL must be set). */
const char *cmdop__plane_base_url(const cmdop_client *c, cmdop__plane plane);
/* Raise CMDOP_EVALIDATION (field "base_url") naming CMDOP_BASE_URL for an op
 * whose plane has no base URL, before any network I/O; returns it. */
int cmdop__no_base_url(const cmdop__op_desc *op);

#endif /* CMDOP__CALL_INTERNAL_H */
