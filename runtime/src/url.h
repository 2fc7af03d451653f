/*
 * url.h — INTERNAL: path templating and query-string encoding.
 * Every path segment value and every query key and value is percent-encoded
 * byte by byte, keeping only RFC 3986 unreserved characters
 * (ALPHA DIGIT - . _ ~); so "a/b c" becomes "a%2Fb%20c" and can never
 * change the path's structure.
 */
#ifndef CMDOP__URL_H
#define CMDOP__URL_H

#include <jansson.h>
#include "strbuf.h"

/* Append `s` percent-encoded. */
void cmdop__url_escape(cmdop__strbuf *b, const char *s);

/*
 * Fill a path template ("/api/fleets/{fleet_id}/members/{user_id}") from
 * `values` (object: placeholder name -> string or integer), appending to b.
 * Returns 0; CMDOP_EVALIDATION when a value is empty (field = placeholder);
 * CMDOP_EINTERNAL when a placeholder has no value or a bad type, or the
 * template is malformed. The thread's last error is set on failure.
 */
int cmdop__url_fill_path(cmdop__strbuf *b, const char *tmpl, const json_t *values);

/*
 * Append one query parameter to b, with '?' before the first and '&' after.
 * Strings as is, integers in decimal, reals with %.17g, booleans as
 * true/false, arrays of scalars as the key repeated per element (an empty
 * array adds nothing); null adds nothing. Returns 0 or CMDOP_EINTERNAL for
 * an object value (error set).
 */
int cmdop__url_query_add(cmdop__strbuf *b, const char *key, const json_t *value);

/* Text of a JSON scalar for a URL: borrowed string, or written to buf.
 * NULL for null, arrays and objects. */
const char *cmdop__json_scalar_text(const json_t *v, char buf[64]);

#endif /* CMDOP__URL_H */
