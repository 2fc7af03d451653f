/*
 * stream_desc.h — INTERNAL contract between the generator and the runtime's
 * stream driver (ask_stream.h), beside op_table.h.
 *
 * A streaming op (CMDOP__OP_STREAM) needs more than its cmdop__op_desc: the
 * params the core generates when the caller omits them (session_id) and the
 * side-channel endpoints the caller answers on while the stream stays open
 * (pin, confirm). The generator emits one cmdop__stream_desc per stream op
 * (gen/c/src/op_table.c, declared in op_descs.h). It is a separate struct so
 * that cmdop__op_desc keeps its shape.
 */
#ifndef CMDOP__STREAM_DESC_H
#define CMDOP__STREAM_DESC_H

#include <stddef.h>
#include "op_table.h"

/* One side channel: an HTTP request answering a frame of the stream. */
typedef struct cmdop__channel_desc {
    const char *name;          /* "pin", "confirm" */
    const char *on_arm;        /* the frame arm it answers: "pin_required" */
    /* The request as a plain HTTP op (kind CMDOP__OP_HTTP; not listed in
     * cmdop__ops[]): the stream op's path params followed by the fields of
     * the channel's body record as required body params. Run it with
     * cmdop__call. */
    const cmdop__op_desc *op;
} cmdop__channel_desc;

typedef struct cmdop__stream_desc {
    const cmdop__op_desc *op;         /* the stream op itself */
    /* NULL-terminated surface names of the params the core fills with 32
     * random lowercase hex characters when the caller leaves them out
     * (IDL `generated(hex32)`), or NULL. */
    const char *const *hex32_params;
    const cmdop__channel_desc *channels;
    size_t n_channels;
} cmdop__stream_desc;

/* Every stream op's descriptor in IDL order (gen/c/src/op_table.c),
 * NULL-terminated; cmdop__stream_descs_count excludes the NULL. */
extern const cmdop__stream_desc *const cmdop__stream_descs[];
extern const size_t cmdop__stream_descs_count;

#endif /* CMDOP__STREAM_DESC_H */
