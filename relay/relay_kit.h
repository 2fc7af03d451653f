/*
 * relay_kit.h — small helpers shared by the tunnels, schedules, skills and
 * bots modules, on top of relay.h: body fields relay.h has no validator for
 * (string lists, string maps), case-insensitive search, a stable sort of
 * JSON records, and timestamps. Everything here runs with the relay lock
 * held, like the handlers that call it.
 */
#ifndef RELAY_KIT_H
#define RELAY_KIT_H

#include <stdbool.h>
#include <time.h>
#include "relay.h"

/*
 * Body field `field` as a list of strings, each min_len..max_len bytes.
 * Absent (or null) → true with *val = NULL. Wrong shape → false and a
 * validation error (status 422 or 400) naming the field in `out`.
 * *val is borrowed from the request body.
 */
bool relay_kit_str_list(const relay_req *q, relay_resp *out, int status,
                        const char *field, size_t min_len, size_t max_len,
                        json_t **val);

/* Body field `field` as an object whose values are all strings; same
 * contract as relay_kit_str_list. */
bool relay_kit_str_map(const relay_req *q, relay_resp *out, int status,
                       const char *field, json_t **val);

/* Query string `key` of at most max_len bytes (NULL when absent or empty);
 * false with a validation error when longer. *val is borrowed. */
bool relay_kit_query_str(const relay_req *q, relay_resp *out, int status,
                         const char *key, size_t max_len, const char **val);

/* True when `needle` occurs in `hay`, ignoring ASCII case. NULL hay → false;
 * NULL or empty needle → true. */
bool relay_kit_contains_ci(const char *hay, const char *needle);

/*
 * Sorts an array of objects in place by the value under `key` (strings by
 * byte order, numbers numerically; a missing key sorts first), keeping the
 * relative order of equal elements. `desc` reverses the order.
 */
void relay_kit_sort(json_t *arr, const char *key, bool desc);

/*
 * Parses a DRF-style ordering value ("name" or "-name") against `allowed`
 * (NULL-terminated bare keys). NULL/empty value → true with *key = NULL.
 * Unknown → false and a validation error on field "ordering".
 */
bool relay_kit_ordering(relay_resp *out, int status, const char *value,
                        const char *const *allowed, const char **key,
                        bool *desc);

/* t as RFC3339 UTC with a trailing Z into buf (32 bytes). */
void relay_kit_time(time_t t, char buf[32]);

/* Copy of obj (new reference) without the keys in `drop` (NULL-terminated);
 * how modules strip their internal bookkeeping before a record goes out. */
json_t *relay_kit_public(json_t *obj, const char *const *drop);

#endif /* RELAY_KIT_H */
