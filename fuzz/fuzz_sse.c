/*
 * fuzz_sse.c — libFuzzer harness for the SSE decoder (runtime/src/sse.c)
 * and the ask-frame decoding of each event it dispatches (the generated
 * decoder of gen/c/src/streams.c), the path an ask stream's bytes take.
 *
 * Input: byte 0 picks the limits (max_line 1..64 or 4096, max_event),
 * byte 1 seeds the chunking and when the event callback stops the feed,
 * the rest is the stream. Checked, beyond the sanitizers:
 *   - the same stream fed whole and fed in pseudo-random chunks (1..16
 *     bytes, so CR/LF pairs, UTF-8 sequences and the BOM are split) gives
 *     the same events, comments, return codes, last id and retry;
 *   - every event: type, id and data are valid UTF-8, data is
 *     NUL-terminated at data_len, type and id fit max_line, data max_event,
 *     id holds no NUL; comments hold no CR/LF;
 *   - the decoder's memory stays within its bounds;
 *   - after finish the decoder takes the stream again (a reconnect) and
 *     gives the same events a fresh decoder gives.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "op_descs.h"
#include "sse.h"

typedef struct run {
    fuzz_log log;
    size_t max_line, max_event;
    unsigned long events;
    unsigned long stop_after; /* the callback returns 77 at this event; 0 = never */
    bool frames;              /* decode each event as an ask frame */
} run;

static int on_event(const cmdop__sse_event *ev, void *payload)
{
    run *r = payload;
    FUZZ_CHECK(ev->type && ev->data && ev->id, "NULL member");
    size_t tl = strlen(ev->type), il = strlen(ev->id);
    FUZZ_CHECK(tl > 0 && (tl <= r->max_line || strcmp(ev->type, "message") == 0),
               "type length %zu", tl);
    FUZZ_CHECK(il <= r->max_line, "id length %zu", il);
    FUZZ_CHECK(ev->data[ev->data_len] == '\0', "data not NUL-terminated");
    FUZZ_CHECK(ev->data_len <= r->max_event, "data length %zu > %zu", ev->data_len,
               r->max_event);
    FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)ev->type, tl), "type not UTF-8");
    FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)ev->id, il), "id not UTF-8");
    FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)ev->data, ev->data_len), "data not UTF-8");
    fuzz_log_add(&r->log, "E", 1);
    fuzz_log_field(&r->log, ev->type, tl);
    fuzz_log_field(&r->log, ev->data, ev->data_len);
    fuzz_log_field(&r->log, ev->id, il);
    fuzz_log_add(&r->log, &ev->retry_ms, sizeof ev->retry_ms);
    if (r->frames) {
        cmdop_ask_frame *f = NULL;
        char err[128];
        int rc = cmdop__ask_frame_decode_event(&f, ev->type, ev->data, ev->data_len, err,
                                               sizeof err);
        FUZZ_CHECK((rc == 0) == (f != NULL), "ask_frame_decode_event rc %d frame %p", rc,
                   (void *)f);
        if (rc)
            FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL, "err not terminated");
        cmdop_ask_frame_free(f);
    }
    r->events++;
    return r->stop_after && r->events == r->stop_after ? 77 : 0;
}

static int on_comment(const char *text, size_t len, void *payload)
{
    run *r = payload;
    FUZZ_CHECK(text[len] == '\0', "comment not NUL-terminated");
    FUZZ_CHECK(!memchr(text, '\n', len) && !memchr(text, '\r', len), "line end in a comment");
    fuzz_log_add(&r->log, "C", 1);
    fuzz_log_field(&r->log, text, len);
    return 0;
}

static void check_bounds(const cmdop__sse_decoder *d, const run *r)
{
    /* line, type, id and last id: max_line + 1 each; data: max_event + 1 */
    size_t bound = 4 * (r->max_line + 1) + r->max_event + 1;
    size_t got = cmdop__sse_allocated(d);
    FUZZ_CHECK(got <= bound, "decoder holds %zu bytes, bound %zu", got, bound);
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

/* Feed `len` bytes: whole when chunk_seed is 0, else in chunks of 1..16. */
static void feed(cmdop__sse_decoder *d, run *r, const char *buf, size_t len,
                 uint32_t chunk_seed)
{
    int rc = 0;
    if (!chunk_seed) {
        rc = cmdop__sse_feed(d, buf, len, on_event, r);
    } else {
        uint32_t s = chunk_seed;
        for (size_t off = 0; off < len;) {
            size_t n = 1 + next_rand(&s) % 16;
            if (n > len - off)
                n = len - off;
            rc = cmdop__sse_feed(d, buf + off, n, on_event, r);
            check_bounds(d, r);
            if (rc)
                break;
            off += n;
        }
    }
    check_bounds(d, r);
    bool truncated = false;
    int frc = cmdop__sse_finish(d, &truncated);
    FUZZ_CHECK(!rc || frc == rc, "finish %d after feed %d", frc, rc);
    const char *why = cmdop__sse_strerror(d);
    FUZZ_CHECK(why != NULL && (rc == 0) == (*why == '\0'), "strerror \"%s\" for rc %d",
               why ? why : "(null)", rc);
    const char *last = cmdop__sse_last_id(d);
    long retry = cmdop__sse_retry(d);
    unsigned long comments = cmdop__sse_comment_count(d);
    fuzz_log_add(&r->log, "R", 1);
    fuzz_log_add(&r->log, &rc, sizeof rc);
    fuzz_log_add(&r->log, &frc, sizeof frc);
    fuzz_log_field(&r->log, last, strlen(last));
    fuzz_log_add(&r->log, &retry, sizeof retry);
    fuzz_log_add(&r->log, &comments, sizeof comments);
    /* "truncated" depends only on the bytes, not on the chunking */
    if (!rc)
        fuzz_log_add(&r->log, &truncated, sizeof truncated);
}

static cmdop__sse_decoder *make(run *r, size_t max_line, size_t max_event, bool frames,
                                unsigned long stop_after)
{
    memset(r, 0, sizeof *r);
    r->max_line = max_line;
    r->max_event = max_event;
    r->frames = frames;
    r->stop_after = stop_after;
    cmdop__sse_decoder *d = cmdop__sse_new(max_line);
    FUZZ_CHECK(d != NULL, "sse_new");
    FUZZ_CHECK(cmdop__sse_set_max_event(d, max_event) == 0, "set_max_event");
    cmdop__sse_set_comment_cb(d, on_comment, r);
    return d;
}

static void same(const run *a, const run *b, const char *what)
{
    FUZZ_CHECK(a->log.len == b->log.len && memcmp(a->log.p, b->log.p, a->log.len) == 0,
               "%s: logs differ (%zu vs %zu bytes, %lu vs %lu events)", what, a->log.len,
               b->log.len, a->events, b->events);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t b0 = data[0], b1 = data[1];
    const char *buf = (const char *)data + 2;
    size_t len = size - 2;
    /* small limits reach the bound checks; 4096 is the transport's own */
    size_t max_line = (b0 & 0x80) ? 4096 : (size_t)(1 + (b0 & 0x3f));
    size_t max_event = (b0 & 0x40) ? max_line * 4 : max_line + (size_t)(b1 & 0x0f);
    unsigned long stop_after = (b1 & 0xf0) == 0xf0 ? 1 + (b1 & 0x03) : 0;
    uint32_t seed = 1u + b1;

    run whole, chunked;
    cmdop__sse_decoder *a = make(&whole, max_line, max_event, true, stop_after);
    feed(a, &whole, buf, len, 0);
    cmdop__sse_decoder *b = make(&chunked, max_line, max_event, false, stop_after);
    feed(b, &chunked, buf, len, seed);
    same(&whole, &chunked, "whole vs chunked");

    /* a reconnect: the finished decoder takes the stream again. The last id
     * and retry persist, so compare with a fresh decoder that saw the same
     * two streams (a failed decoder stays failed in both). One input in
     * eight, to keep the harness fast. */
    if ((b1 & 0x0e) == 0) {
        run again;
        cmdop__sse_decoder *c = make(&again, max_line, max_event, false, 0);
        feed(c, &again, buf, len, 0);
        size_t first = again.log.len;
        feed(c, &again, buf, len, seed);
        run twice;
        cmdop__sse_decoder *e = make(&twice, max_line, max_event, false, 0);
        feed(e, &twice, buf, len, seed);
        feed(e, &twice, buf, len, 0);
        FUZZ_CHECK(first <= again.log.len, "log shrank");
        same(&again, &twice, "reconnect");
        cmdop__sse_free(c);
        cmdop__sse_free(e);
        fuzz_log_free(&again.log);
        fuzz_log_free(&twice.log);
    }
    cmdop__sse_free(a);
    cmdop__sse_free(b);
    fuzz_log_free(&whole.log);
    fuzz_log_free(&chunked.log);
    return 0;
}
