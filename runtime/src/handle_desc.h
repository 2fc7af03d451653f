/*
 * handle_desc.h — INTERNAL contract between the generator and the stdio
 * server for the handles that `local` ops open (docs/idl.md "handle";
 * bots.run's RunningBot). The typed seam a hand-written engine implements
 * is generated per handle in gen/c/src/handles.h; this descriptor adapts it
 * to JSON so one stdio driver (stdio_stream.c) serves every handle.
 */
#ifndef CMDOP__HANDLE_DESC_H
#define CMDOP__HANDLE_DESC_H

#include <stddef.h>
#include <jansson.h>

#include "cmdop/client.h"
#include "op_table.h"
#include "stream_desc.h"

/* An engine's next() returns this (no event) when its state changed. */
#define CMDOP__HANDLE_STATE_CHANGED 1

typedef struct cmdop__handle_method_desc {
    const char *name;          /* "stop" */
    int req_arm;               /* its request's envelope arm */
    int resp_arm;              /* its answer's (empty @201 for void, else its record's) */
} cmdop__handle_method_desc;

typedef struct cmdop__handle_desc {
    const char *name;                      /* "RunningBot" */
    const cmdop__op_desc *op;              /* the local op that opens it */
    int events_arm;                        /* envelope arm of its events */
    int state_arm;                         /* of its state message, 0 when none */
    const cmdop__frames_desc *events;      /* the events union (kind, tag, to_jsont, free) */
    const cmdop__handle_method_desc *methods;
    size_t n_methods;
    /* Validate `args` (borrowed; the op's params by surface name) against
     * `op` (defaults applied) and start the engine: 0 and *engine NEW, or a
     * negative code with the thread's last error set. */
    int (*open)(cmdop_client *client, const json_t *args, void **engine);
    /* The engine's next(): 0 and *event NEW (events->free), or
     * CMDOP__HANDLE_STATE_CHANGED, CMDOP_ITEROVER, a negative error. */
    int (*next)(void *engine, void **event);
    /* NEW state message as JSON ({"status": "running"}), NULL when none. */
    json_t *(*state)(void *engine);
    /* Method `i` (IDL order) with `args` (borrowed; validated here against
     * the method's params, defaults applied). Blocks. 0 and *result NEW (the
     * method's record as JSON, NULL for a void method), or a negative code
     * with the thread's last error set. */
    int (*call)(void *engine, size_t i, const json_t *args, json_t **result);
    void (*cancel)(void *engine);
    void (*free)(void *engine);
} cmdop__handle_desc;

/* Every handle's descriptor in IDL order (gen/c/src/streams.c), NULL-
 * terminated; the count excludes the NULL. */
extern const cmdop__handle_desc *const cmdop__handle_descs[];
extern const size_t cmdop__handle_descs_count;

#endif /* CMDOP__HANDLE_DESC_H */
