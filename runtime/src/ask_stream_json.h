/*
 * ask_stream_json.h — the stream frame decoders' one-pass JSON scan
 * (generated gen/c/src/streams.c): the members of a frame's top-level
 * object as byte ranges of the `data:` text, without building a jansson
 * tree. It answers only what it is sure jansson would answer alike; for
 * anything else (a `\u` escape, an exponent, a duplicate key, deep
 * nesting, malformed input) the scan declines and the decoder parses the
 * frame with jansson, so every outcome and error message stays jansson's.
 */
#ifndef CMDOP_ASK_STREAM_JSON_H
#define CMDOP_ASK_STREAM_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* More top-level members than this: the scan declines. */
#define CMDOP__JFLAT_MAX 24

/* Member value types. */
enum {
    CMDOP__JV_NULL,
    CMDOP__JV_STRING,
    CMDOP__JV_INT,   /* an integer jansson reads as json_integer (ival) */
    CMDOP__JV_REAL,
    CMDOP__JV_TRUE,
    CMDOP__JV_FALSE,
    CMDOP__JV_OBJECT,
    CMDOP__JV_ARRAY,
};

typedef struct {
    const char *key;      /* the key's bytes (never with an escape) */
    size_t key_len;
    const char *val;      /* a string: its bytes between the quotes; else the value's text */
    size_t val_len;
    long long ival;       /* CMDOP__JV_INT */
    unsigned char type;   /* CMDOP__JV_* */
    bool esc;             /* a string with an escape: cmdop__jflat_str decodes it */
    bool canon;           /* val is byte for byte what json_dumpb(JSON_COMPACT) writes for it */
} cmdop__jmember;

typedef struct {
    cmdop__jmember m[CMDOP__JFLAT_MAX];
    size_t n;
} cmdop__jflat;

/* Scans `data` (len bytes) as one JSON object into `o` (its byte ranges
 * point into data). False when the scan declines (see above). */
bool cmdop__jflat_scan(cmdop__jflat *o, const char *data, size_t len);

/* The member named `key`, NULL when absent (a JSON null is a member of type
 * CMDOP__JV_NULL). */
const cmdop__jmember *cmdop__jflat_get(const cmdop__jflat *o, const char *key);

/* A string member's text, decoded and NUL-terminated, in a new buffer the
 * caller frees with free(); NULL when out of memory. */
char *cmdop__jflat_str(const cmdop__jmember *m);

/* The member's value text as a new NUL-terminated buffer (free()); NULL
 * when out of memory. */
char *cmdop__jflat_text(const cmdop__jmember *m);

/* True when `text` (len bytes) is one JSON value, not null, that jansson
 * would parse and dump (JSON_COMPACT) back to the same bytes. */
bool cmdop__json_canonical(const char *text, size_t len);

/* Tests only: true makes every scan decline, so a decoder takes its
 * jansson path (a differential test compares the two). */
extern bool cmdop__jflat_off;

#endif
