/*
 * dispatch_support.h — helpers shared by the generated dispatcher
 * (build/.../dispatch.c from gen_dispatch.py) and the C conformance runner.
 * Tests only; not part of libcmdop.
 */
#ifndef CONFORMANCE_DISPATCH_SUPPORT_H
#define CONFORMANCE_DISPATCH_SUPPORT_H

#include <jansson.h>
#include <stdlib.h>

#include "cmdop/error.h"
#include "cmdop/ops.h"

/* One op: d() calls the typed function; iter()/pages() walk its helper to
 * the end (NULL when the op is not paginated). *res is a NEW reference. */
typedef struct dispatch_entry {
    const char *key; /* "fleets_members_set_role" */
    int (*d)(cmdop_client *c, const json_t *a, json_t **res, cmdop_ask_stream **stream);
    int (*iter)(cmdop_client *c, const json_t *a, json_t **res);
    int (*pages)(cmdop_client *c, const json_t *a, json_t **res);
} dispatch_entry;

extern const dispatch_entry dispatch_table[];

/* Borrowed string value of a[key], or NULL when absent/null. */
const char *jstr(const json_t *a, const char *key);
/* NEW array (free()) of borrowed strings from a JSON array; *n its length. */
const char **jlist(const json_t *arr, size_t *n);
/* Fill m with NEW key/value pointer arrays (free() both) of borrowed strings. */
void jmap(const json_t *obj, cmdop_string_map *m);
/* Parse NEW JSON text from a cmdop_*_to_json() (freeing the text); NULL-safe. */
json_t *tojson(char *text);

#endif
