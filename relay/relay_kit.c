/*
 * relay_kit.c — helpers shared by the tunnels, schedules, skills and bots
 * modules (see relay_kit.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "relay_kit.h"

static json_t *body_field(const relay_req *q, const char *field)
{
    if (!q->body || !json_is_object(q->body))
        return NULL;
    json_t *v = json_object_get(q->body, field);
    return json_is_null(v) ? NULL : v;
}

bool relay_kit_str_list(const relay_req *q, relay_resp *out, int status,
                        const char *field, size_t min_len, size_t max_len,
                        json_t **val)
{
    json_t *v = body_field(q, field);
    *val = NULL;
    if (!v)
        return true;
    if (!json_is_array(v)) {
        relay_error_in(out, status, "body", field, "list_type",
                       "%s must be a list of strings", field);
        return false;
    }
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it) {
        size_t n = json_is_string(it) ? json_string_length(it) : 0;
        if (!json_is_string(it) || n < min_len || n > max_len) {
            relay_error(out, status, "validation", field,
                        "%s[%zu] must be a string of %zu..%zu bytes",
                        field, i, min_len, max_len);
            return false;
        }
    }
    *val = v;
    return true;
}

bool relay_kit_str_map(const relay_req *q, relay_resp *out, int status,
                       const char *field, json_t **val)
{
    json_t *v = body_field(q, field);
    *val = NULL;
    if (!v)
        return true;
    if (!json_is_object(v)) {
        relay_error_in(out, status, "body", field, "dict_type",
                       "%s must be an object of strings", field);
        return false;
    }
    const char *k;
    json_t *it;
    json_object_foreach(v, k, it) {
        if (!json_is_string(it)) {
            relay_error(out, status, "validation", field,
                        "%s.%s must be a string", field, k);
            return false;
        }
    }
    *val = v;
    return true;
}

bool relay_kit_query_str(const relay_req *q, relay_resp *out, int status,
                         const char *key, size_t max_len, const char **val)
{
    const char *v = relay_query(q, key);
    *val = NULL;
    if (!v || !*v)
        return true;
    if (strlen(v) > max_len) {
        relay_error_in(out, status, "query", key, "string_too_long",
                       "%s must be at most %zu bytes", key, max_len);
        return false;
    }
    *val = v;
    return true;
}

bool relay_kit_contains_ci(const char *hay, const char *needle)
{
    if (!needle || !*needle)
        return true;
    if (!hay)
        return false;
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) ==
                   tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* <0, 0, >0 like strcmp; missing values first, numbers before strings. */
static int cmp_values(json_t *a, json_t *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return (x > y) - (x < y);
    }
    if (json_is_string(a) && json_is_string(b))
        return strcmp(json_string_value(a), json_string_value(b));
    return json_is_number(a) ? -1 : json_is_number(b) ? 1 : 0;
}

void relay_kit_sort(json_t *arr, const char *key, bool desc)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return;
    json_t **v = malloc(n * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    /* Insertion sort: lists are small and it is stable, so ties keep the
     * seed/insertion order and pages stay deterministic. */
    for (size_t i = 1; i < n; i++) {
        json_t *cur = v[i];
        size_t j = i;
        while (j > 0) {
            int c = cmp_values(json_object_get(v[j - 1], key),
                               json_object_get(cur, key));
            if (desc ? c >= 0 : c <= 0)
                break;
            v[j] = v[j - 1];
            j--;
        }
        v[j] = cur;
    }
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

bool relay_kit_ordering(relay_resp *out, int status, const char *value,
                        const char *const *allowed, const char **key,
                        bool *desc)
{
    *key = NULL;
    *desc = false;
    if (!value || !*value)
        return true;
    const char *bare = value[0] == '-' ? value + 1 : value;
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(allowed[i], bare) == 0) {
            *key = allowed[i];
            *desc = value[0] == '-';
            return true;
        }
    }
    relay_error_in(out, status, "query", "ordering", "enum",
                   "ordering '%s' is not one of the allowed fields", value);
    return false;
}

void relay_kit_time(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *relay_kit_public(json_t *obj, const char *const *drop)
{
    json_t *c = json_deep_copy(obj);
    for (size_t i = 0; c && drop && drop[i]; i++)
        json_object_del(c, drop[i]);
    return c;
}
