/*
 * sse.c — WHATWG event-stream decoder (see sse.h for the rules and the
 * deliberate deviations).
 */
#include "sse.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"

/* A byte buffer that is always NUL-terminated and never grows past `limit`
 * content bytes, so a hostile stream cannot make us allocate without bound. */
typedef struct sse_buf {
    char *p;
    size_t len;
    size_t cap; /* allocated bytes, including room for the NUL */
} sse_buf;

struct cmdop__sse_decoder {
    size_t max_line;
    size_t max_event;
    sse_buf line;     /* the current, unterminated line */
    sse_buf data;     /* data buffer of the event in progress */
    sse_buf type;     /* event type buffer */
    sse_buf id;       /* last event ID buffer (set by `id` fields) */
    sse_buf last_id;  /* last event ID string (copied from id at dispatch) */
    long retry_ms;
    unsigned long comments;
    unsigned bom_seen; /* BOM bytes matched at stream start; 3 = BOM phase over */
    bool skip_lf;      /* previous byte was CR: a LF right after is the same line end */
    bool pending;      /* a field line was seen since the last dispatch */
    /* WHATWG "UTF-8 decode" state: an incomplete sequence carried across
     * chunks, the continuation bytes still needed and their allowed range. */
    unsigned char u8_seq[4];
    unsigned u8_len, u8_need;
    unsigned char u8_lower, u8_upper;
    int failed;        /* sticky non-zero return code */
    const char *err;   /* static message for `failed` */
    cmdop__sse_comment_cb comment_cb;
    void *comment_payload;
};

static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};
static const char REPLACEMENT[3] = {'\xEF', '\xBF', '\xBD'}; /* U+FFFD */
static const char EMPTY[] = "";

/* Grow `b` so it can hold `need` content bytes plus the NUL. Doubles the
 * capacity (amortised O(1) appends) but never past limit + 1. */
static int buf_reserve(sse_buf *b, size_t need, size_t limit)
{
    if (need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > limit + 1)
        cap = limit + 1;
    char *p = realloc(b->p, cap);
    if (!p)
        return CMDOP_ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Append n bytes; CMDOP_EINTERNAL if the result would exceed `limit`. */
static int buf_append(sse_buf *b, const char *src, size_t n, size_t limit)
{
    if (n > limit || b->len > limit - n)
        return CMDOP_EINTERNAL;
    int rc = buf_reserve(b, b->len + n, limit);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, src, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* Replace the content with n bytes (used for event type and ids). */
static int buf_set(sse_buf *b, const char *src, size_t n, size_t limit)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
    return buf_append(b, src, n, limit);
}

static void buf_clear(sse_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static const char *buf_str(const sse_buf *b)
{
    return b->p ? b->p : EMPTY;
}

static int fail(cmdop__sse_decoder *dec, int rc, const char *why)
{
    dec->failed = rc;
    dec->err = why;
    return rc;
}

cmdop__sse_decoder *cmdop__sse_new(size_t max_line)
{
    if (max_line == 0)
        return NULL;
    cmdop__sse_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->max_line = max_line;
    dec->max_event = max_line > SIZE_MAX / 4 ? SIZE_MAX / 4 : max_line * 4;
    dec->retry_ms = -1;
    dec->err = EMPTY;
    dec->u8_lower = 0x80;
    dec->u8_upper = 0xBF;
    return dec;
}

int cmdop__sse_set_max_event(cmdop__sse_decoder *dec, size_t max_event)
{
    if (!dec || max_event == 0)
        return CMDOP_EINVALID;
    dec->max_event = max_event;
    return 0;
}

void cmdop__sse_set_comment_cb(cmdop__sse_decoder *dec, cmdop__sse_comment_cb cb,
                               void *payload)
{
    if (!dec)
        return;
    dec->comment_cb = cb;
    dec->comment_payload = payload;
}

/* Spec "dispatch the event". The last event ID string is updated even when
 * nothing is dispatched (an `id` with no `data` still moves it). */
static int dispatch(cmdop__sse_decoder *dec, cmdop__sse_event_cb cb, void *payload)
{
    int rc = buf_set(&dec->last_id, buf_str(&dec->id), dec->id.len, dec->max_line);
    if (rc)
        return fail(dec, rc, "out of memory");
    dec->pending = false;
    if (dec->data.len == 0) {
        buf_clear(&dec->type);
        return 0;
    }
    /* Every data line appended a LF; the last one is not part of the data. */
    dec->data.len--;
    dec->data.p[dec->data.len] = '\0';
    cmdop__sse_event ev = {
        .type = dec->type.len ? dec->type.p : "message",
        .data = dec->data.p,
        .data_len = dec->data.len,
        .id = buf_str(&dec->last_id),
        .retry_ms = dec->retry_ms,
    };
    rc = cb ? cb(&ev, payload) : 0;
    buf_clear(&dec->data);
    buf_clear(&dec->type);
    if (rc)
        return fail(dec, rc, "stopped by the event callback");
    return 0;
}

/* `retry`: only a non-empty run of ASCII digits counts. */
static void set_retry(cmdop__sse_decoder *dec, const char *v, size_t n)
{
    if (n == 0)
        return;
    long ms = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return;
        int d = v[i] - '0';
        if (ms > (LONG_MAX - d) / 10)
            return; /* does not fit: ignored (see sse.h) */
        ms = ms * 10 + d;
    }
    dec->retry_ms = ms;
}

static bool field_is(const char *name, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* `event`: the type is handed out as a C string, and a NUL in it (legal in
 * the stream) would cut it short, so "done\0x" would read as "done" (and
 * "\0x" as ""). Each NUL becomes U+FFFD instead: the type then matches no
 * name it does not spell. CMDOP_EINTERNAL when that outgrows max_line. */
static int set_type(cmdop__sse_decoder *dec, const char *v, size_t n)
{
    buf_clear(&dec->type);
    for (;;) {
        const char *nul = memchr(v, '\0', n);
        size_t k = nul ? (size_t)(nul - v) : n;
        int rc = buf_append(&dec->type, v, k, dec->max_line);
        if (rc || !nul)
            return rc;
        if ((rc = buf_append(&dec->type, REPLACEMENT, sizeof REPLACEMENT, dec->max_line)))
            return rc;
        v += k + 1;
        n -= k + 1;
    }
}

static int process_field(cmdop__sse_decoder *dec, const char *name, size_t nlen,
                         const char *value, size_t vlen)
{
    int rc = 0;
    dec->pending = true;
    if (field_is(name, nlen, "event")) {
        rc = set_type(dec, value, vlen);
        if (rc == CMDOP_EINTERNAL)
            return fail(dec, rc, "event type longer than the decoder's max_line");
    } else if (field_is(name, nlen, "data")) {
        rc = buf_append(&dec->data, value, vlen, dec->max_event);
        if (!rc)
            rc = buf_append(&dec->data, "\n", 1, dec->max_event);
        if (rc == CMDOP_EINTERNAL)
            return fail(dec, rc, "event data longer than the decoder's max_event");
    } else if (field_is(name, nlen, "id")) {
        if (!memchr(value, '\0', vlen))
            rc = buf_set(&dec->id, value, vlen, dec->max_line);
    } else if (field_is(name, nlen, "retry")) {
        set_retry(dec, value, vlen);
    }
    /* any other field name is ignored, per spec */
    if (rc)
        return fail(dec, rc, "out of memory");
    return 0;
}

static int process_line(cmdop__sse_decoder *dec, cmdop__sse_event_cb cb, void *payload)
{
    const char *l = buf_str(&dec->line);
    size_t n = dec->line.len;
    dec->line.len = 0; /* the bytes stay readable until the next append */
    if (n == 0)
        return dispatch(dec, cb, payload);
    if (l[0] == ':') {
        dec->comments++;
        int rc = dec->comment_cb ? dec->comment_cb(l + 1, n - 1, dec->comment_payload) : 0;
        return rc ? fail(dec, rc, "stopped by the comment callback") : 0;
    }
    const char *colon = memchr(l, ':', n);
    if (!colon)
        return process_field(dec, l, n, EMPTY, 0);
    size_t nlen = (size_t)(colon - l);
    const char *v = colon + 1;
    size_t vlen = n - nlen - 1;
    if (vlen && v[0] == ' ') {
        v++;
        vlen--;
    }
    return process_field(dec, l, nlen, v, vlen);
}

static int line_append(cmdop__sse_decoder *dec, const char *src, size_t n)
{
    int rc = buf_append(&dec->line, src, n, dec->max_line);
    if (rc == CMDOP_EINTERNAL)
        return fail(dec, rc, "line longer than the decoder's max_line");
    return rc ? fail(dec, rc, "out of memory") : 0;
}

static void u8_reset(cmdop__sse_decoder *dec)
{
    dec->u8_len = dec->u8_need = 0;
    dec->u8_lower = 0x80;
    dec->u8_upper = 0xBF;
}

/* Start a multi-byte sequence with lead byte b; false if b cannot lead. */
static bool u8_lead(cmdop__sse_decoder *dec, unsigned char b)
{
    if (b >= 0xC2 && b <= 0xDF) {
        dec->u8_need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        dec->u8_need = 2;
        if (b == 0xE0)
            dec->u8_lower = 0xA0; /* no overlong forms */
        if (b == 0xED)
            dec->u8_upper = 0x9F; /* no surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        dec->u8_need = 3;
        if (b == 0xF0)
            dec->u8_lower = 0x90;
        if (b == 0xF4)
            dec->u8_upper = 0x8F; /* nothing above U+10FFFF */
    } else {
        return false;
    }
    dec->u8_seq[0] = b;
    dec->u8_len = 1;
    return true;
}

/* Length of the leading ASCII run of s: eight bytes per step while it
 * lasts (the hot path: SSE frames are mostly ASCII JSON). */
static size_t ascii_run(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        if (w & UINT64_C(0x8080808080808080))
            break;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

/*
 * Append line content through the WHATWG Encoding "UTF-8 decode" algorithm:
 * valid sequences pass unchanged (also when split across chunks), each
 * maximal invalid subpart becomes U+FFFD. `s` never holds CR or LF.
 */
static int line_append_utf8(cmdop__sse_decoder *dec, const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        if (dec->u8_need == 0) {
            size_t j = i + ascii_run(s + i, n - i); /* copied in one go */
            if (j > i) {
                rc = line_append(dec, src + i, j - i);
                i = j;
            } else if (!u8_lead(dec, s[i++])) {
                rc = line_append(dec, REPLACEMENT, sizeof REPLACEMENT);
            }
            continue;
        }
        if (s[i] < dec->u8_lower || s[i] > dec->u8_upper) {
            /* broken sequence: replace it, then look at this byte afresh */
            u8_reset(dec);
            rc = line_append(dec, REPLACEMENT, sizeof REPLACEMENT);
            continue;
        }
        dec->u8_lower = 0x80;
        dec->u8_upper = 0xBF;
        dec->u8_seq[dec->u8_len++] = s[i++];
        if (dec->u8_len == dec->u8_need + 1) {
            rc = line_append(dec, (const char *)dec->u8_seq, dec->u8_len);
            u8_reset(dec);
        }
    }
    return rc;
}

/* A line end (or the end of the stream) cuts an incomplete sequence: U+FFFD. */
static int u8_flush(cmdop__sse_decoder *dec)
{
    if (dec->u8_need == 0)
        return 0;
    u8_reset(dec);
    return line_append(dec, REPLACEMENT, sizeof REPLACEMENT);
}

/* Consume BOM bytes at stream start. Returns how many bytes of buf it took
 * (0 when the BOM phase is over); a mismatch hands the bytes matched so far
 * back to the line, as ordinary content. */
static int eat_bom(cmdop__sse_decoder *dec, const char *buf, size_t len, size_t *used)
{
    *used = 0;
    while (dec->bom_seen < 3 && *used < len) {
        if ((unsigned char)buf[*used] != BOM[dec->bom_seen]) {
            unsigned matched = dec->bom_seen;
            dec->bom_seen = 3;
            return line_append_utf8(dec, (const char *)BOM, matched);
        }
        dec->bom_seen++;
        (*used)++;
    }
    return 0;
}

/* Offset of the first CR or LF in buf (n when there is none): memchr is
 * vectorised, a byte loop is not. */
static size_t line_end(const char *buf, size_t n)
{
    const char *lf = memchr(buf, '\n', n);
    size_t limit = lf ? (size_t)(lf - buf) : n;
    const char *cr = memchr(buf, '\r', limit);
    return cr ? (size_t)(cr - buf) : limit;
}

int cmdop__sse_feed(cmdop__sse_decoder *dec, const char *buf, size_t len,
                    cmdop__sse_event_cb cb, void *payload)
{
    if (!dec || (!buf && len))
        return CMDOP_EINVALID;
    if (dec->failed)
        return dec->failed;
    size_t i = 0;
    int rc = eat_bom(dec, buf, len, &i);
    if (rc)
        return rc;
    while (i < len) {
        if (dec->skip_lf) {
            dec->skip_lf = false;
            if (buf[i] == '\n') {
                i++;
                continue;
            }
        }
        size_t j = line_end(buf + i, len - i) + i;
        if ((rc = line_append_utf8(dec, buf + i, j - i)))
            return rc;
        if (j == len)
            break;
        if ((rc = u8_flush(dec)))
            return rc;
        dec->skip_lf = buf[j] == '\r';
        i = j + 1;
        if ((rc = process_line(dec, cb, payload)))
            return rc;
    }
    return 0;
}

int cmdop__sse_finish(cmdop__sse_decoder *dec, bool *truncated)
{
    if (truncated)
        *truncated = false;
    if (!dec)
        return CMDOP_EINVALID;
    if (dec->failed)
        return dec->failed;
    bool partial = (dec->bom_seen > 0 && dec->bom_seen < 3) || dec->u8_need > 0;
    if (truncated)
        *truncated = dec->pending || dec->line.len > 0 || partial;
    u8_reset(dec);
    buf_clear(&dec->line);
    buf_clear(&dec->data);
    buf_clear(&dec->type);
    /* An id of the discarded event never became the last event id; a next
     * stream starts from the id actually reached. */
    int rc = buf_set(&dec->id, buf_str(&dec->last_id), dec->last_id.len, dec->max_line);
    if (rc)
        return fail(dec, rc, "out of memory");
    dec->pending = false;
    dec->skip_lf = false;
    dec->bom_seen = 0;
    return 0;
}

const char *cmdop__sse_last_id(const cmdop__sse_decoder *dec)
{
    return dec ? buf_str(&dec->last_id) : EMPTY;
}

long cmdop__sse_retry(const cmdop__sse_decoder *dec)
{
    return dec ? dec->retry_ms : -1;
}

unsigned long cmdop__sse_comment_count(const cmdop__sse_decoder *dec)
{
    return dec ? dec->comments : 0;
}

size_t cmdop__sse_allocated(const cmdop__sse_decoder *dec)
{
    if (!dec)
        return 0;
    return dec->line.cap + dec->data.cap + dec->type.cap + dec->id.cap + dec->last_id.cap;
}

const char *cmdop__sse_strerror(const cmdop__sse_decoder *dec)
{
    return dec ? dec->err : EMPTY;
}

void cmdop__sse_free(cmdop__sse_decoder *dec)
{
    if (!dec)
        return;
    free(dec->line.p);
    free(dec->data.p);
    free(dec->type.p);
    free(dec->id.p);
    free(dec->last_id.p);
    free(dec);
}
