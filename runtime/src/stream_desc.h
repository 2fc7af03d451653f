/*
 * stream_desc.h — INTERNAL contract between the generator and the runtime's
 * stream driver (ask_stream.h), beside op_table.h.
 *
 * A streaming op (CMDOP__OP_STREAM) needs more than its cmdop__op_desc: the
 * params the core generates when the caller omits them (session_id), the
 * side-channel endpoints the caller answers on while the stream stays open
 * (pin, confirm), its frame union's decoder and which frames end it. The
 * generator emits one cmdop__stream_desc per stream op
 * (gen/c/src/op_table.c, declared in op_descs.h). It is a separate struct so
 * that cmdop__op_desc keeps its shape.
 */
#ifndef CMDOP__STREAM_DESC_H
#define CMDOP__STREAM_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "op_table.h"

/* One side channel: an HTTP request answering a frame of the stream. */
typedef struct cmdop__channel_desc {
    const char *name;          /* "pin", "confirm" */
    const char *on_arm;        /* the frame arm it answers: "pin_required" */
    const char *answer_arm;    /* the stdio envelope arm of the answer: "pin_answer" */
    /* The request as a plain HTTP op (kind CMDOP__OP_HTTP; not listed in
     * cmdop__ops[]): the stream op's path params followed by the fields of
     * the channel's body record as required body params. Run it with
     * cmdop__call. */
    const cmdop__op_desc *op;
    /* IDL `continues`: the answer is the rest of the stream (an event
     * stream that becomes the stream's connection, docs/ask-protocol.md
     * "Confirm"); at most one channel of a stream has it. */
    bool continues;
    /* `continues rejected {...}`: the frame (JSON text) that a 2xx answer
     * which is not an event stream stands for, or NULL. */
    const char *rejected_json;
} cmdop__channel_desc;

/* The frames of one stream union, generated per union (gen/c/src/streams.c).
 * A frame is the union's public generated type (cmdop_<union> *, e.g.
 * cmdop_ask_frame) passed as void *, so one driver serves every union. */
/* One field of a frame arm's record, for the stdio core's direct mapping of
 * a typed frame to its protobuf message (stdio_stream.c), which gives the
 * message the JSON route (to_jsont, then cmdop__stdio_json_to_msg) gives. */
enum { CMDOP__FF_STR = 1, CMDOP__FF_JSON, CMDOP__FF_I32, CMDOP__FF_I64, CMDOP__FF_BOOL };

typedef struct cmdop__frame_field {
    const char *name;          /* its C and protobuf field name */
    unsigned char kind;        /* CMDOP__FF_* */
    size_t offset;             /* of the member in the record */
    long has_offset;           /* of its has_ flag, -1 when it has none */
} cmdop__frame_field;

/* An arm whose record has only such fields, each its protobuf field's name
 * (a `json` field: its wire key + "_json") and no field named by the tag. */
typedef struct cmdop__frame_arm {
    int kind;                  /* the union's kind value */
    size_t offset;             /* of the arm's record pointer in the union */
    const cmdop__frame_field *fields;
    size_t n_fields;
} cmdop__frame_arm;

typedef struct cmdop__frames_desc {
    const char *name;          /* the union's IDL name: "AskFrame" */
    /* Decode one SSE event: `sse_event` the event's type (may be NULL; used
     * when the object has no tag), `data` `len` bytes of JSON. 0 and *out
     * NEW; else CMDOP_EINTERNAL (malformed) or CMDOP_ENOMEM with `err`
     * naming the problem. */
    int (*decode)(void **out, const char *sse_event, const char *data, size_t len,
                  char *err, size_t err_size);
    void (*free)(void *frame);
    int (*kind)(const void *frame);          /* its C kind value */
    const char *(*tag)(const void *frame);   /* its tag as received */
    /* an unknown frame's data as received (JSON text), else NULL */
    const char *(*raw_json)(const void *frame);
    json_t *(*to_jsont)(const void *frame);  /* NEW {<tag_key>: tag, fields...} */
    const char *tag_key;                     /* the union's tag key: "type" */
    int unknown_kind;                        /* kind of a tag not known */
    /* the arms the stdio core maps without JSON (see cmdop__frame_arm) */
    const cmdop__frame_arm *arms;
    size_t n_arms;
} cmdop__frames_desc;

/* A `fails` code: the C error code a fail frame with this `code` ends with. */
typedef struct cmdop__fail_code {
    const char *code;
    int c_code;
} cmdop__fail_code;

typedef struct cmdop__stream_desc {
    const cmdop__op_desc *op;         /* the stream op itself */
    /* NULL-terminated surface names of the params the core fills with 32
     * random lowercase hex characters when the caller leaves them out
     * (IDL `generated(hex32)`), or NULL. */
    const char *const *hex32_params;
    const cmdop__channel_desc *channels;
    size_t n_channels;
    const cmdop__frames_desc *frames;
    int ends_kind;                    /* IDL `ends`: the last frame yielded */
    /* IDL `fails`: the frame that ends the stream with an error (never
     * yielded), -1 when none; its code and message (borrowed from the
     * frame; "" when empty); the codes it maps and the code of any other. */
    int fails_kind;
    void (*fail_info)(const void *frame, const char **code, const char **message);
    const cmdop__fail_code *fail_codes;
    size_t n_fail_codes;
    int fail_else;
    /* IDL `collect`: the text of an `ends` frame (NULL when the frame is of
     * another kind or it has none) and the JSON text of a piece frame's
     * field (NULL likewise), whose first non-empty string key of
     * `collect_keys` (NULL-terminated) it contributes. NULL functions when
     * the op declares no collect. */
    const char *(*collect_final)(const void *frame);
    const char *(*collect_piece)(const void *frame);
    const char *const *collect_keys;
    /* IDL `idle_seconds`: the int32 param that, when > 0, is the idle bound
     * in seconds, or NULL. */
    const char *idle_seconds_param;
} cmdop__stream_desc;

/* Every stream op's descriptor in IDL order (gen/c/src/op_table.c),
 * NULL-terminated; cmdop__stream_descs_count excludes the NULL. */
extern const cmdop__stream_desc *const cmdop__stream_descs[];
extern const size_t cmdop__stream_descs_count;

#endif /* CMDOP__STREAM_DESC_H */
