/*
 * sse.h — INTERNAL: an incremental push decoder for the WHATWG
 * `text/event-stream` format (HTML Living Standard, "Server-sent events",
 * section "Interpreting an event stream").
 *
 * The transport feeds whatever bytes a read returned; the decoder keeps the
 * partial line and the partial event between calls, so a field, a line end
 * (CR at the end of one chunk, LF at the start of the next) or the UTF-8 BOM
 * may be split anywhere. It is transport-agnostic: no curl, no JSON.
 *
 * Rules implemented, as in the spec:
 *   - the bytes are decoded as UTF-8 (WHATWG Encoding "UTF-8 decode"): valid
 *     sequences pass unchanged, each invalid one becomes U+FFFD, so every
 *     string handed out is valid UTF-8;
 *   - one UTF-8 BOM at the start of the stream is skipped;
 *   - a line ends with CRLF, LF or CR;
 *   - an empty line dispatches the pending event; nothing is dispatched when
 *     the data buffer is empty, but the event type is reset all the same;
 *   - a line starting with ':' is a comment (reported, never dispatched);
 *   - `field:value` splits at the first ':', one leading space of the value
 *     is dropped; a line without ':' is a field with an empty value;
 *   - `event` sets the type (default "message"; each NUL in it becomes
 *     U+FFFD, so the C string is whole and "done\0x" never reads as "done";
 *     a type that outgrows max_line that way is a decoding error), `data` appends the value
 *     and a LF (the final LF is removed at dispatch), `id` sets the last
 *     event id unless the value contains NUL, `retry` sets the reconnection
 *     time when the value is ASCII digits only; other fields are ignored;
 *   - at end of stream an incomplete event (and a partial line) is discarded.
 *
 * Deviations, on purpose: a `retry` value that does not fit in a long is
 * ignored, and memory is bounded: a line longer than max_line bytes (after
 * UTF-8 replacement), or an event whose joined data exceeds max_event bytes,
 * is a decoding error. NUL bytes are kept (data_len counts them).
 *
 * Not thread-safe: one decoder belongs to one stream.
 */
#ifndef CMDOP__SSE_H
#define CMDOP__SSE_H

#include <stdbool.h>
#include <stddef.h>

/* One dispatched event. Every pointer is borrowed from the decoder and valid
 * only during the callback; copy what you keep. */
typedef struct cmdop__sse_event {
    const char *type;   /* never NULL; "message" unless an `event` field set it */
    const char *data;   /* NUL-terminated, never NULL; lines joined with "\n" */
    size_t data_len;    /* bytes in data (data may itself contain NUL bytes) */
    const char *id;     /* the last event id after this event ("" if none);
                           persists across events until an `id` field changes it */
    long retry_ms;      /* reconnection time set by the last valid `retry` field
                           of the stream so far, or -1 if none was seen */
} cmdop__sse_event;

/* Called once per dispatched event. Return 0 to go on; any other value stops
 * the feed, which returns that value, and leaves the decoder failed. */
typedef int (*cmdop__sse_event_cb)(const cmdop__sse_event *event, void *payload);

/* Called once per comment line (heartbeat). `text` is what follows the ':'
 * (borrowed, NUL-terminated, `len` bytes). Same return contract as above. */
typedef int (*cmdop__sse_comment_cb)(const char *text, size_t len, void *payload);

typedef struct cmdop__sse_decoder cmdop__sse_decoder;

/* NEW decoder (free with cmdop__sse_free), or NULL when max_line is 0 or on
 * allocation failure. max_line bounds one line (without its terminator);
 * the bound on an event's joined data starts at 4 * max_line (see
 * cmdop__sse_set_max_event). Buffers grow on demand up to those bounds. */
cmdop__sse_decoder *cmdop__sse_new(size_t max_line);

/* Bound the joined data of one event (bytes, including the "\n" joins).
 * Returns CMDOP_EINVALID when max_event is 0, else 0. */
int cmdop__sse_set_max_event(cmdop__sse_decoder *dec, size_t max_event);

/* Report comment lines to `cb` (NULL to stop). Comments are counted either
 * way (cmdop__sse_comment_count). `payload` is borrowed. */
void cmdop__sse_set_comment_cb(cmdop__sse_decoder *dec, cmdop__sse_comment_cb cb,
                               void *payload);

/*
 * Push `len` bytes of the stream. Calls `cb` (may be NULL: events are then
 * decoded and dropped) for every event completed by these bytes, in order.
 * Returns 0, or:
 *   CMDOP_EINTERNAL  a line longer than max_line or an event larger than
 *                    max_event (the stream is malformed or hostile; the
 *                    message is in cmdop__sse_strerror);
 *   CMDOP_ENOMEM     allocation failed;
 *   CMDOP_EINVALID   dec is NULL, or buf is NULL with len > 0;
 *   any non-zero value a callback returned.
 * After a non-zero return the decoder is failed: every later feed and
 * finish returns the same code.
 */
int cmdop__sse_feed(cmdop__sse_decoder *dec, const char *buf, size_t len,
                    cmdop__sse_event_cb cb, void *payload);

/*
 * End of stream: the event in progress (and a partial last line) is
 * discarded, as the spec requires; *truncated (may be NULL) says whether
 * anything was. The decoder is then ready for a new stream (e.g. after a
 * reconnect): the BOM is honoured again, while the last event id and the
 * retry value persist. Returns 0, or the failed decoder's code.
 */
int cmdop__sse_finish(cmdop__sse_decoder *dec, bool *truncated);

/* Borrowed: the last event id string (updated when an event is dispatched,
 * per spec, so an `id` of a discarded event never shows). "" if none. Valid
 * until the next feed/finish/free. The value to send as Last-Event-ID. */
const char *cmdop__sse_last_id(const cmdop__sse_decoder *dec);

/* Reconnection time from the stream's last valid `retry` field, or -1. */
long cmdop__sse_retry(const cmdop__sse_decoder *dec);

/* Comment lines seen so far (an idle timer can watch it move). */
unsigned long cmdop__sse_comment_count(const cmdop__sse_decoder *dec);

/* Bytes currently allocated by the decoder's buffers (diagnostics, tests). */
size_t cmdop__sse_allocated(const cmdop__sse_decoder *dec);

/* Borrowed, static or decoder-owned: what made the decoder fail, or "". */
const char *cmdop__sse_strerror(const cmdop__sse_decoder *dec);

/* Free the decoder and everything it owns. NULL is a no-op. */
void cmdop__sse_free(cmdop__sse_decoder *dec);

#endif /* CMDOP__SSE_H */
