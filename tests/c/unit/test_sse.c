/*
 * test_sse.c — the WHATWG event-stream decoder, from a table of raw byte
 * streams to a transcript of what the decoder reported. Every stream of the
 * table is also fed split at every offset, in three pieces at every pair of
 * offsets (short streams) and byte by byte: the transcript must not change,
 * since a read boundary can fall anywhere on a real connection.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "sse.h"

/* A string literal with its exact length, embedded NULs included. */
#define S(lit) lit, sizeof(lit) - 1

typedef struct sse_case {
    const char *name;
    const char *in;
    size_t len;
    size_t max_line;  /* 0: 1024 */
    size_t max_event; /* 0: the decoder's default */
    const char *want;
} sse_case;

/* ---- transcript ------------------------------------------------------- */

typedef struct transcript {
    char buf[8192];
    size_t len;
} transcript;

static void t_put(transcript *t, const char *s, size_t n)
{
    ck_assert_msg(t->len + n < sizeof t->buf, "transcript overflow");
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void t_str(transcript *t, const char *s)
{
    t_put(t, s, strlen(s));
}

/* Bytes made visible: \n \r \0 \\ and anything unprintable escaped. */
static void t_esc(transcript *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        if (c == '\n')
            t_str(t, "\\n");
        else if (c == '\r')
            t_str(t, "\\r");
        else if (c == '\\')
            t_str(t, "\\\\");
        else if (c < 0x20 || c >= 0x7f) {
            snprintf(tmp, sizeof tmp, "\\x%02X", c);
            t_str(t, tmp);
        } else
            t_put(t, (const char *)&c, 1);
    }
}

static int on_event(const cmdop__sse_event *ev, void *payload)
{
    transcript *t = payload;
    char tmp[32];
    ck_assert_ptr_nonnull(ev->type);
    ck_assert_ptr_nonnull(ev->data);
    ck_assert_ptr_nonnull(ev->id);
    ck_assert_int_eq(ev->data[ev->data_len], '\0');
    t_str(t, "E[");
    t_esc(t, ev->type, strlen(ev->type));
    t_str(t, "]{");
    t_esc(t, ev->data, ev->data_len);
    t_str(t, "}#");
    t_esc(t, ev->id, strlen(ev->id));
    snprintf(tmp, sizeof tmp, "@%ld\n", ev->retry_ms);
    t_str(t, tmp);
    return 0;
}

static int on_comment(const char *text, size_t len, void *payload)
{
    transcript *t = payload;
    ck_assert_int_eq(text[len], '\0');
    t_str(t, "C{");
    t_esc(t, text, len);
    t_str(t, "}\n");
    return 0;
}

/* Feed `c` cut at the given offsets (ascending, within [0, len]), then
 * finish, and write everything the decoder reported into *t. */
static void run_cuts(const sse_case *c, const size_t *cuts, size_t ncuts, transcript *t)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(c->max_line ? c->max_line : 1024);
    ck_assert_ptr_nonnull(dec);
    if (c->max_event)
        ck_assert_int_eq(cmdop__sse_set_max_event(dec, c->max_event), 0);
    cmdop__sse_set_comment_cb(dec, on_comment, t);
    t->len = 0;
    t->buf[0] = '\0';
    size_t at = 0;
    int rc = 0;
    for (size_t k = 0; k <= ncuts && rc == 0; k++) {
        size_t end = k < ncuts ? cuts[k] : c->len;
        rc = cmdop__sse_feed(dec, c->in + at, end - at, on_event, t);
        at = end;
    }
    char tmp[64];
    if (rc) {
        snprintf(tmp, sizeof tmp, "FEED rc=%d\n", rc);
        t_str(t, tmp);
    }
    bool trunc = true;
    rc = cmdop__sse_finish(dec, &trunc);
    snprintf(tmp, sizeof tmp, "END rc=%d trunc=%d last=", rc, (int)trunc);
    t_str(t, tmp);
    const char *last = cmdop__sse_last_id(dec);
    t_esc(t, last, strlen(last));
    snprintf(tmp, sizeof tmp, " retry=%ld", cmdop__sse_retry(dec));
    t_str(t, tmp);
    cmdop__sse_free(dec);
}

/* ---- the table -------------------------------------------------------- */

static const sse_case CASES[] = {
    {"empty stream", S(""), 0, 0, "END rc=0 trunc=0 last= retry=-1"},
    {"LF", S("data: hello\n\n"), 0, 0,
     "E[message]{hello}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"CRLF", S("data: a\r\n\r\ndata: b\r\n\r\n"), 0, 0,
     "E[message]{a}#@-1\nE[message]{b}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"CR", S("data: a\r\rdata: b\r\r"), 0, 0,
     "E[message]{a}#@-1\nE[message]{b}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"mixed line ends", S("data: a\r\ndata: b\n\rdata: c\r\n\n"), 0, 0,
     "E[message]{a\\nb}#@-1\nE[message]{c}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    /* CR then CRLF: two line ends, the second ends an empty line. */
    {"CR then CRLF", S("data: x\r\r\ndata: y\n\r\n"), 0, 0,
     "E[message]{x}#@-1\nE[message]{y}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    /* LF then CR: also two line ends (only CR+LF pairs up). */
    {"LF then CR", S("data: x\n\rdata: y\n\n"), 0, 0,
     "E[message]{x}#@-1\nE[message]{y}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"BOM", S("\xEF\xBB\xBF" "data: bom\n\n"), 0, 0,
     "E[message]{bom}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    /* Only one BOM is skipped: the second makes the field name unknown. */
    {"two BOMs", S("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n"), 0, 0,
     "E[message]{y}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"partial BOM is content", S("\xEF\xBB" "data: x\n\ndata: y\n\n"), 0, 0,
     "E[message]{y}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"BOM bytes not at start", S("data: a\n\n\xEF\xBB\xBF" "data: b\n\n"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"BOM in a value", S("\xEF\xBB\xBF" "data: \xEF\xBB\xBF\n\n"), 0, 0,
     "E[message]{\\xEF\\xBB\\xBF}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    /* UTF-8 decode: valid sequences intact (also when split), each maximal
     * invalid subpart replaced by U+FFFD (shown as \xEF\xBF\xBD). */
    {"UTF-8 valid", S("event: \xC3\xA9v\n" "data: \xE2\x82\xAC \xF0\x9F\x98\x80\n\n"), 0, 0,
     "E[\\xC3\\xA9v]{\\xE2\\x82\\xAC \\xF0\\x9F\\x98\\x80}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    {"UTF-8 invalid bytes", S("data: a\xFF" "b\xC0\xAF" "c\n\n"), 0, 0,
     "E[message]{a\\xEF\\xBF\\xBDb\\xEF\\xBF\\xBD\\xEF\\xBF\\xBDc}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    /* a truncated sequence is one U+FFFD, cut by the line end */
    {"UTF-8 cut by line end", S("data: \xE2\x82\r\ndata: \xF0\x9F\x98" "x\n\n"), 0, 0,
     "E[message]{\\xEF\\xBF\\xBD\\n\\xEF\\xBF\\xBDx}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    /* surrogate and beyond U+10FFFF: the lead's range check fails */
    {"UTF-8 surrogate and too big", S("data: \xED\xA0\x80|\xF4\x90\x80\x80\n\n"), 0, 0,
     "E[message]{\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD|"
     "\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    /* overlong forms: E0 and F0 leads narrow the first continuation byte */
    {"UTF-8 overlong", S("data: \xE0\x80\x80|\xF0\x80\x80\x80|\xE0\xA0\x80\n\n"), 0, 0,
     "E[message]{\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD|"
     "\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD\\xEF\\xBF\\xBD|\\xE0\\xA0\\x80}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    /* only a lead byte after the last event: still something discarded */
    {"UTF-8 lone lead at end", S("data: a\n\n\xE2"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=1 last= retry=-1"},
    {"UTF-8 in id", S("id: \xE2\x82\xAC\xE2\n" "data: x\n\n"), 0, 0,
     "E[message]{x}#\\xE2\\x82\\xAC\\xEF\\xBF\\xBD@-1\n"
     "END rc=0 trunc=0 last=\\xE2\\x82\\xAC\\xEF\\xBF\\xBD retry=-1"},
    {"UTF-8 incomplete at end", S("data: a\n\ndata: \xE2\x82"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=1 last= retry=-1"},
    /* replacement counts towards max_line: 7 bytes in, 9 out */
    {"UTF-8 replacement vs max_line", S("data:\xFF\xFF\n\n"), 8, 0,
     "FEED rc=-11\nEND rc=-11 trunc=0 last= retry=-1"},
    {"comments", S(": hb\n:\r\ndata: x\n: mid\n\n:tail\n"), 0, 0,
     "C{ hb}\nC{}\nC{ mid}\nE[message]{x}#@-1\nC{tail}\nEND rc=0 trunc=0 last= retry=-1"},
    {"multi-line data", S("data: l1\ndata: l2\ndata:\ndata: l4\n\n"), 0, 0,
     "E[message]{l1\\nl2\\n\\nl4}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    /* One leading space is removed, not two; a bare `data` is an empty value. */
    {"space after colon", S("data:nospace\n\ndata:  two\n\ndata\n\ndata\ndata\n\n"), 0, 0,
     "E[message]{nospace}#@-1\nE[message]{ two}#@-1\nE[message]{}#@-1\n"
     "E[message]{\\n}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"colons in value", S("data: a:b: c\n\n"), 0, 0,
     "E[message]{a:b: c}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"NUL in data", S("data: a\0b\n\n"), 0, 0,
     "E[message]{a\\x00b}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"id persists", S("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"), 0, 0,
     "E[message]{a}#1@-1\nE[message]{b}#1@-1\nE[message]{c}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    /* a NUL in an event type becomes U+FFFD (fuzz/corpus/sse/regress-type-nul):
     * the type stays whole as a C string, never "done" nor "" */
    {"NUL in event type", S("event: done\0x\ndata: {}\n\nevent: \0\ndata: y\n\n"), 0, 0,
     "E[done\\xEF\\xBF\\xBDx]{{}}#@-1\nE[\\xEF\\xBF\\xBD]{y}#@-1\n"
     "END rc=0 trunc=0 last= retry=-1"},
    {"NUL in event type over max_line", S("event:\0\0\0\0\n\n"), 10, 0,
     "FEED rc=-11\nEND rc=-11 trunc=0 last= retry=-1"},
    {"id with NUL ignored", S("id: 7\ndata: a\n\nid: 8\0x\ndata: b\n\n"), 0, 0,
     "E[message]{a}#7@-1\nE[message]{b}#7@-1\nEND rc=0 trunc=0 last=7 retry=-1"},
    /* No data, no event, but the last event id still moves. */
    {"id without data", S("id: 5\n\n"), 0, 0, "END rc=0 trunc=0 last=5 retry=-1"},
    {"id of discarded event", S("id: 1\ndata: a\n\nid: 2\ndata: b\n"), 0, 0,
     "E[message]{a}#1@-1\nEND rc=0 trunc=1 last=1 retry=-1"},
    {"retry", S("retry: 1500\ndata: a\n\nretry: 15x\ndata: b\n\nretry:\ndata: c\n\n"
                "retry: 99999999999999999999999\n\nretry:  7\n\nretry: -1\n\n"
                "retry:0\ndata: d\n\n"), 0, 0,
     "E[message]{a}#@1500\nE[message]{b}#@1500\nE[message]{c}#@1500\n"
     "E[message]{d}#@0\nEND rc=0 trunc=0 last= retry=0"},
    /* retry takes effect without a dispatch */
    {"retry alone", S("retry: 42\n"), 0, 0, "END rc=0 trunc=1 last= retry=42"},
    {"event type resets", S("event: foo\ndata: a\n\ndata: b\n\nevent: bar\n\ndata: c\n\n"
                            "event:\ndata: d\n\nevent: x\nevent: y\ndata: e\n\n"), 0, 0,
     "E[foo]{a}#@-1\nE[message]{b}#@-1\nE[message]{c}#@-1\nE[message]{d}#@-1\n"
     "E[y]{e}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"empty data not dispatched", S("\n\n\nevent: x\n\n\r\n"), 0, 0,
     "END rc=0 trunc=0 last= retry=-1"},
    {"unknown fields", S("foo: bar\ndata: a\nDATA: b\n data: c\nevent : z\nretryx: 1\n\n"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"trailing partial line", S("data: a\n\ndata: b"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=1 last= retry=-1"},
    {"trailing event without blank line", S("event: e\ndata: a\n\ndata: b\n"), 0, 0,
     "E[e]{a}#@-1\nEND rc=0 trunc=1 last= retry=-1"},
    {"trailing CR ends the line", S("data: a\r\rdata: b\r"), 0, 0,
     "E[message]{a}#@-1\nEND rc=0 trunc=1 last= retry=-1"},
    {"typical ask frames", S("id: 1\nevent: event\ndata: {\"type\":\"event\",\"event_type\":1}\n\n"
                             ": heartbeat\n\n"
                             "id: 2\r\nevent: done\r\ndata: {\"type\":\"done\",\r\ndata: \"success\":true}\r\n\r\n"),
     0, 0,
     "E[event]{{\"type\":\"event\",\"event_type\":1}}#1@-1\nC{ heartbeat}\n"
     "E[done]{{\"type\":\"done\",\\n\"success\":true}}#2@-1\nEND rc=0 trunc=0 last=2 retry=-1"},
    /* "data: 12" is exactly max_line bytes; one more byte is an error. */
    {"line at max_line", S("data: 12\n\ndata: 123\n\ndata: z\n\n"), 8, 0,
     "E[message]{12}#@-1\nFEED rc=-11\nEND rc=-11 trunc=0 last= retry=-1"},
    {"over-long comment", S(": 1234567890\n"), 8, 0,
     "FEED rc=-11\nEND rc=-11 trunc=0 last= retry=-1"},
    {"event at max_event", S("data: 1234\ndata: 56\n\n"), 16, 8,
     "E[message]{1234\\n56}#@-1\nEND rc=0 trunc=0 last= retry=-1"},
    {"event over max_event", S("data: 1\n\ndata: 1234\ndata: 567\n\n"), 16, 8,
     "E[message]{1}#@-1\nFEED rc=-11\nEND rc=-11 trunc=0 last= retry=-1"},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

static void check_whole(const sse_case *c)
{
    transcript t;
    run_cuts(c, NULL, 0, &t);
    ck_assert_msg(strcmp(t.buf, c->want) == 0, "%s:\n got: %s\nwant: %s", c->name, t.buf,
                  c->want);
}

START_TEST(test_table_whole)
{
    check_whole(&CASES[_i]);
}
END_TEST

/* Two chunks at every offset, and byte by byte. */
START_TEST(test_table_every_split)
{
    const sse_case *c = &CASES[_i];
    transcript t;
    for (size_t k = 0; k <= c->len; k++) {
        run_cuts(c, &k, 1, &t);
        ck_assert_msg(strcmp(t.buf, c->want) == 0, "%s split at %zu:\n got: %s\nwant: %s",
                      c->name, k, t.buf, c->want);
    }
    size_t *cuts = malloc((c->len + 1) * sizeof *cuts);
    ck_assert_ptr_nonnull(cuts);
    for (size_t k = 0; k < c->len; k++)
        cuts[k] = k + 1;
    run_cuts(c, cuts, c->len ? c->len - 1 : 0, &t);
    free(cuts);
    ck_assert_msg(strcmp(t.buf, c->want) == 0, "%s byte by byte:\n got: %s\nwant: %s",
                  c->name, t.buf, c->want);
}
END_TEST

/* Three chunks at every pair of offsets, for the shorter streams. */
START_TEST(test_table_three_chunks)
{
    const sse_case *c = &CASES[_i];
    if (c->len > 64)
        return;
    transcript t;
    for (size_t a = 0; a <= c->len; a++)
        for (size_t b = a; b <= c->len; b++) {
            size_t cuts[2] = {a, b};
            run_cuts(c, cuts, 2, &t);
            ck_assert_msg(strcmp(t.buf, c->want) == 0, "%s split at %zu,%zu:\n got: %s\nwant: %s",
                          c->name, a, b, t.buf, c->want);
        }
}
END_TEST

/* ---- behaviour outside the table -------------------------------------- */

/* A hostile stream without line ends: the decoder fails as soon as the line
 * passes max_line and never holds more than the bounds. */
START_TEST(test_no_unbounded_growth_line)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(64);
    ck_assert_ptr_nonnull(dec);
    char chunk[4096];
    memset(chunk, 'a', sizeof chunk);
    int rc = 0;
    size_t fed = 0;
    while (rc == 0 && fed < (1u << 20)) {
        rc = cmdop__sse_feed(dec, chunk, 1, NULL, NULL);
        fed++;
    }
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    ck_assert_uint_eq(fed, 65);
    ck_assert_uint_le(cmdop__sse_allocated(dec), 65);
    ck_assert_ptr_nonnull(strstr(cmdop__sse_strerror(dec), "max_line"));
    /* failed for good: later feeds do not buffer anything */
    ck_assert_int_eq(cmdop__sse_feed(dec, chunk, sizeof chunk, NULL, NULL), CMDOP_EINTERNAL);
    ck_assert_uint_le(cmdop__sse_allocated(dec), 65);
    ck_assert_int_eq(cmdop__sse_finish(dec, NULL), CMDOP_EINTERNAL);
    cmdop__sse_free(dec);

    dec = cmdop__sse_new(64);
    ck_assert_int_eq(cmdop__sse_feed(dec, chunk, sizeof chunk, NULL, NULL), CMDOP_EINTERNAL);
    ck_assert_uint_le(cmdop__sse_allocated(dec), 65);
    cmdop__sse_free(dec);
}
END_TEST

/* Many short data lines and no blank line: bounded by max_event. */
START_TEST(test_no_unbounded_growth_event)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(32);
    ck_assert_ptr_nonnull(dec);
    ck_assert_int_eq(cmdop__sse_set_max_event(dec, 1000), 0);
    const char line[] = "data: 0123456789\n"; /* 11 bytes of data each */
    int rc = 0;
    int n = 0;
    while (rc == 0 && n < 100000) {
        rc = cmdop__sse_feed(dec, line, sizeof line - 1, NULL, NULL);
        n++;
    }
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    ck_assert_int_eq(n, 1000 / 11 + 1);
    ck_assert_uint_le(cmdop__sse_allocated(dec), 1001 + 33 + 3 * 64);
    ck_assert_ptr_nonnull(strstr(cmdop__sse_strerror(dec), "max_event"));
    cmdop__sse_free(dec);
}
END_TEST

static int stop_on_second(const cmdop__sse_event *ev, void *payload)
{
    int *seen = payload;
    return ++*seen == 2 ? 7 : 0;
}

START_TEST(test_callback_stops_feed)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(128);
    int seen = 0;
    const char in[] = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    ck_assert_int_eq(cmdop__sse_feed(dec, in, sizeof in - 1, stop_on_second, &seen), 7);
    ck_assert_int_eq(seen, 2);
    ck_assert_int_eq(cmdop__sse_feed(dec, in, sizeof in - 1, stop_on_second, &seen), 7);
    ck_assert_int_eq(seen, 2);
    cmdop__sse_free(dec);
}
END_TEST

static int count_comment(const char *text, size_t len, void *payload)
{
    (*(int *)payload)++;
    return 0;
}

START_TEST(test_comment_counter)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(128);
    const char in[] = ":\n: ping\r\ndata: x\n\n:p\r";
    /* no callback installed: still counted */
    ck_assert_int_eq(cmdop__sse_feed(dec, in, sizeof in - 1, NULL, NULL), 0);
    ck_assert_uint_eq(cmdop__sse_comment_count(dec), 3);
    int cb = 0;
    cmdop__sse_set_comment_cb(dec, count_comment, &cb);
    ck_assert_int_eq(cmdop__sse_feed(dec, S("\n:a\n"), NULL, NULL), 0);
    ck_assert_uint_eq(cmdop__sse_comment_count(dec), 4);
    ck_assert_int_eq(cb, 1);
    cmdop__sse_free(dec);
}
END_TEST

/* After finish the decoder takes a reconnected stream: the BOM counts again,
 * the last event id and retry carry over, the discarded id does not. */
START_TEST(test_reconnect_after_finish)
{
    cmdop__sse_decoder *dec = cmdop__sse_new(128);
    transcript t = {.len = 0};
    const char first[] = "retry: 10\nid: 3\ndata: a\n\nid: 4\ndata: part";
    ck_assert_int_eq(cmdop__sse_feed(dec, first, sizeof first - 1, on_event, &t), 0);
    bool trunc = false;
    ck_assert_int_eq(cmdop__sse_finish(dec, &trunc), 0);
    ck_assert(trunc);
    ck_assert_str_eq(cmdop__sse_last_id(dec), "3");
    const char second[] = "\xEF\xBB\xBF" "data: b\n\nid: 5\ndata: c\n\n";
    ck_assert_int_eq(cmdop__sse_feed(dec, second, sizeof second - 1, on_event, &t), 0);
    ck_assert_int_eq(cmdop__sse_finish(dec, &trunc), 0);
    ck_assert(!trunc);
    ck_assert_str_eq(t.buf, "E[message]{a}#3@10\nE[message]{b}#3@10\nE[message]{c}#5@10\n");
    ck_assert_str_eq(cmdop__sse_last_id(dec), "5");
    cmdop__sse_free(dec);
}
END_TEST

START_TEST(test_bad_arguments)
{
    ck_assert_ptr_null(cmdop__sse_new(0));
    ck_assert_int_eq(cmdop__sse_feed(NULL, "x", 1, NULL, NULL), CMDOP_EINVALID);
    cmdop__sse_decoder *dec = cmdop__sse_new(8);
    ck_assert_int_eq(cmdop__sse_feed(dec, NULL, 1, NULL, NULL), CMDOP_EINVALID);
    ck_assert_int_eq(cmdop__sse_feed(dec, NULL, 0, NULL, NULL), 0);
    ck_assert_int_eq(cmdop__sse_set_max_event(dec, 0), CMDOP_EINVALID);
    ck_assert_str_eq(cmdop__sse_last_id(dec), "");
    ck_assert_int_eq(cmdop__sse_retry(dec), -1);
    ck_assert_str_eq(cmdop__sse_strerror(dec), "");
    cmdop__sse_free(dec);
    cmdop__sse_free(NULL);
}
END_TEST

static Suite *sse_suite(void)
{
    Suite *s = suite_create("sse");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_table_whole, 0, (int)NCASES);
    tcase_add_loop_test(tc, test_table_every_split, 0, (int)NCASES);
    tcase_add_loop_test(tc, test_table_three_chunks, 0, (int)NCASES);
    suite_add_tcase(s, tc);
    tc = tcase_create("behaviour");
    tcase_add_test(tc, test_no_unbounded_growth_line);
    tcase_add_test(tc, test_no_unbounded_growth_event);
    tcase_add_test(tc, test_callback_stops_feed);
    tcase_add_test(tc, test_comment_counter);
    tcase_add_test(tc, test_reconnect_after_finish);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
