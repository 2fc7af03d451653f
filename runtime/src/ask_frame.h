/*
 * ask_frame.h — INTERNAL: the typed frames of a machines.ask stream,
 * decoded from the JSON data of one SSE event (docs/ask-protocol.md
 * "Frames"). The public stream API is built on top of this; nothing here is
 * installed.
 *
 * Wire shape: one JSON object per event, its kind in the `type` key; the
 * SSE `event:` name, when present, carries the same name and is used only
 * when the object has no `type`. Field names are the snake_case proto names.
 * Missing (or null) fields take the proto defaults: "" / 0 / false.
 */
#ifndef CMDOP__ASK_FRAME_H
#define CMDOP__ASK_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cmdop__ask_kind {
    CMDOP__ASK_EVENT = 0,
    CMDOP__ASK_DONE,
    CMDOP__ASK_ERROR,
    CMDOP__ASK_CONFIRM_REQUIRED,
    CMDOP__ASK_PIN_REQUIRED,
    CMDOP__ASK_PIN_DENIED,
    CMDOP__ASK_UNKNOWN /* a type this SDK does not know: surfaced, not dropped */
} cmdop__ask_kind;

/* One frame. Every string is NUL-terminated, owned by the frame and never
 * NULL (a missing field is ""). Read the union arm named after `kind`. */
typedef struct cmdop__ask_frame {
    cmdop__ask_kind kind;
    union {
        struct {
            int32_t event_type;
            /* The payload as JSON text: `payload` re-encoded compactly (a
             * JSON string payload is taken as already being the text, like
             * the proto's payload_json), else the `payload_json` string;
             * "" when absent or null. */
            char *payload_json;
        } event;
        struct {
            bool success;
            char *text;
            char *error;
            int32_t duration_ms;
        } done;
        struct {
            char *code;    /* "internal" when missing or empty */
            char *message;
        } error;
        struct {
            char *token;
            char *plan;
            char *danger_level; /* "medium" when missing or empty */
        } confirm_required;
        struct {
            char *challenge_id;
            char *label;
        } pin_required;
        struct {
            char *challenge_id;
            char *reason;
        } pin_denied;
        struct {
            char *type;     /* the frame's type ("" if it had none) */
            char *raw_json; /* the event's data, verbatim */
        } unknown;
    };
} cmdop__ask_frame;

/*
 * Decode one event. `sse_event` is the SSE event type (may be NULL); `data`
 * holds `data_len` bytes of JSON (need not be NUL-terminated).
 *
 * On success returns 0 and *out is a NEW frame (free with
 * cmdop__ask_frame_free). On failure *out is NULL and the return is
 *   CMDOP_EINTERNAL  malformed frame: not JSON, not an object, a known
 *                    field of the wrong type or out of int32 range;
 *   CMDOP_ENOMEM     allocation failed;
 *   CMDOP_EINVALID   out is NULL, or data is NULL;
 * and, when err is not NULL, err (err_size bytes, truncated, always
 * NUL-terminated) names the problem, e.g. "ask frame 'done': field
 * 'success' must be a boolean".
 */
int cmdop__ask_frame_decode(cmdop__ask_frame **out, const char *sse_event,
                            const char *data, size_t data_len,
                            char *err, size_t err_size);

/* Free a frame and its strings. NULL is a no-op. */
void cmdop__ask_frame_free(cmdop__ask_frame *frame);

/* Static wire name of a kind: "event", "done", "error", "confirm_required",
 * "pin_required", "pin_denied", "unknown". Never NULL. */
const char *cmdop__ask_kind_str(cmdop__ask_kind kind);

#endif /* CMDOP__ASK_FRAME_H */
