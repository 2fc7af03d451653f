/*
 * relay_util.c — the helpers every resource module shares: response bodies,
 * validation of body and query params, the three page shapes, store lookups,
 * ids and time. Handlers run with relay->lock held, so nothing here locks.
 */
#include "relay.h"
#include "relay_server.h"

#include "port.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- responses ---------------------------------------------------------- */

void relay_json(relay_resp *out, int status, json_t *body)
{
    json_decref(out->body);
    out->status = status;
    out->body = body;
}

/* The body of an error: see relay.h for the three shapes and why. */
static json_t *error_body(int status, const char *loc, const char *field,
                          const char *type, const char *msg)
{
    if (status == 422) {
        json_t *where = json_pack("[s]", loc ? loc : "body");
        if (field)
            json_array_append_new(where, json_string(field));
        return json_pack("{s:[{s:o, s:s, s:s}]}", "detail", "loc", where,
                         "msg", msg, "type", type ? type : "value_error");
    }
    if (status == 400)
        return json_pack("{s:[s]}", field ? field : "non_field_errors", msg);
    return json_pack("{s:s}", "detail", msg);
}

static void verror(relay_resp *out, int status, const char *loc,
                   const char *field, const char *type, const char *fmt,
                   va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    relay_json(out, status, error_body(status, loc, field, type, msg));
}

void relay_error(relay_resp *out, int status, const char *code,
                 const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(out, status, "body", field, "value_error", fmt, ap);
    va_end(ap);
}

void relay_error_in(relay_resp *out, int status, const char *loc,
                    const char *field, const char *type, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(out, status, loc, field, type, fmt, ap);
    va_end(ap);
}

void relay_empty(relay_resp *out, int status)
{
    relay_json(out, status, NULL);
}

/* ---- request helpers ---------------------------------------------------- */

const char *relay_query(const relay_req *q, const char *key)
{
    json_t *v = q->query ? json_object_get(q->query, key) : NULL;
    if (json_is_array(v))
        v = json_array_get(v, 0);
    return json_string_value(v);
}

/* The body's value for `field`; JSON null counts as absent (like the core). */
static json_t *body_field(const relay_req *q, const char *field)
{
    json_t *v = json_is_object(q->body) ? json_object_get(q->body, field) : NULL;
    return json_is_null(v) ? NULL : v;
}

static bool missing(relay_resp *out, int status, const char *field,
                    bool required)
{
    if (required)
        relay_error_in(out, status, "body", field, "missing",
                       "Field required");
    return !required;
}

bool relay_body_str(const relay_req *q, relay_resp *out, int status,
                    const char *field, bool required, size_t min_len,
                    size_t max_len, const char **val)
{
    json_t *v = body_field(q, field);
    *val = NULL;
    if (!v)
        return missing(out, status, field, required);
    if (!json_is_string(v)) {
        relay_error_in(out, status, "body", field, "string_type",
                       "%s must be a string", field);
        return false;
    }
    size_t n = json_string_length(v);
    if (n < min_len || n > max_len) {
        relay_error_in(out, status, "body", field,
                       n < min_len ? "string_too_short" : "string_too_long",
                       "%s must be %zu..%zu bytes long (got %zu)", field,
                       min_len, max_len, n);
        return false;
    }
    *val = json_string_value(v);
    return true;
}

/* The one range rule of body and query integers, with its error. */
static bool in_range(relay_resp *out, int status, const char *loc,
                     const char *field, long long min, long long max,
                     long long n)
{
    if (n >= min && n <= max)
        return true;
    relay_error_in(out, status, loc, field,
                   n < min ? "greater_than_equal" : "less_than_equal",
                   "%s must be in %lld..%lld (got %lld)", field, min, max, n);
    return false;
}

bool relay_body_int(const relay_req *q, relay_resp *out, int status,
                    const char *field, bool required, long long min,
                    long long max, bool *present, long long *val)
{
    json_t *v = body_field(q, field);
    *present = false;
    if (!v)
        return missing(out, status, field, required);
    if (!json_is_integer(v)) {
        relay_error_in(out, status, "body", field, "int_type",
                       "%s must be an integer", field);
        return false;
    }
    long long n = json_integer_value(v);
    if (!in_range(out, status, "body", field, min, max, n))
        return false;
    *present = true;
    *val = n;
    return true;
}

bool relay_body_bool(const relay_req *q, relay_resp *out, int status,
                     const char *field, bool *present, bool *val)
{
    json_t *v = body_field(q, field);
    *present = false;
    if (!v)
        return true;
    if (!json_is_boolean(v)) {
        relay_error_in(out, status, "body", field, "bool_type",
                       "%s must be a boolean", field);
        return false;
    }
    *present = true;
    *val = json_is_true(v);
    return true;
}

static bool in_set(const char *s, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0)
            return true;
    return false;
}

static void enum_error(relay_resp *out, int status, const char *loc,
                       const char *field, const char *got,
                       const char *const *allowed)
{
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; allowed[i] && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i ? ", " : "", allowed[i]);
    relay_error_in(out, status, loc, field, "enum",
                   "%s must be one of %s (got \"%s\")", field, list, got);
}

bool relay_body_enum(const relay_req *q, relay_resp *out, int status,
                     const char *field, bool required,
                     const char *const *allowed, const char **val)
{
    json_t *v = body_field(q, field);
    *val = NULL;
    if (!v)
        return missing(out, status, field, required);
    if (!json_is_string(v)) {
        relay_error_in(out, status, "body", field, "string_type",
                       "%s must be a string", field);
        return false;
    }
    if (!in_set(json_string_value(v), allowed)) {
        enum_error(out, status, "body", field, json_string_value(v), allowed);
        return false;
    }
    *val = json_string_value(v);
    return true;
}

/* An empty query value counts as absent (a lenient reading: the official
 * core never sends one, but a hand-written URL may). */
bool relay_query_int(const relay_req *q, relay_resp *out, int status,
                     const char *field, long long dflt, long long min,
                     long long max, long long *val)
{
    const char *s = relay_query(q, field);
    *val = dflt;
    if (!s || !*s)
        return true;
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end || end == s) {
        relay_error_in(out, status, "query", field, "int_parsing",
                       "%s must be an integer (got \"%s\")", field, s);
        return false;
    }
    if (!in_range(out, status, "query", field, min, max, n))
        return false;
    *val = n;
    return true;
}

bool relay_query_enum(const relay_req *q, relay_resp *out, int status,
                      const char *field, const char *dflt,
                      const char *const *allowed, const char **val)
{
    const char *s = relay_query(q, field);
    *val = dflt;
    if (!s || !*s)
        return true;
    if (!in_set(s, allowed)) {
        enum_error(out, status, "query", field, s, allowed);
        return false;
    }
    *val = s;
    return true;
}

/* ---- pagination --------------------------------------------------------- */

/* New array holding (shared references to) all[from .. from+count). */
static json_t *slice(json_t *all, size_t from, size_t count)
{
    json_t *items = json_array();
    for (size_t i = from; i < json_array_size(all) && i < from + count; i++)
        json_array_append(items, json_array_get(all, i));
    return items;
}

/*
 * Cursors are opaque but must be ones this process issued: "c<pos>.<mac>"
 * where mac is a keyed FNV-1a hash of pos under a per-process random secret,
 * so a made-up or edited cursor fails with 422 `cursor`.
 */
static uint64_t cursor_secret;
static pthread_once_t cursor_once = PTHREAD_ONCE_INIT;

static void cursor_init(void)
{
    if (cmdop__port_random(&cursor_secret, sizeof cursor_secret) != 0)
        cursor_secret = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
}

static uint64_t cursor_mac(unsigned long long pos)
{
    pthread_once(&cursor_once, cursor_init);
    uint64_t h = 0xcbf29ce484222325ULL ^ cursor_secret;
    for (int i = 0; i < 8; i++) {
        h ^= (pos >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static bool cursor_decode(const char *c, unsigned long long *pos)
{
    unsigned long long p;
    uint64_t mac;
    int used = 0;
    if (c[0] != 'c' || sscanf(c + 1, "%llx.%16" SCNx64 "%n", &p, &mac, &used) != 2)
        return false;
    if (c[1 + used] != '\0' || mac != cursor_mac(p))
        return false;
    *pos = p;
    return true;
}

void relay_page_cursor(relay *r, const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_limit, long long max_limit,
                       bool with_has_more)
{
    long long limit;
    if (!relay_query_int(q, out, 422, "limit", dflt_limit, 1, max_limit, &limit))
        return;
    unsigned long long pos = 0;
    const char *c = relay_query(q, "cursor");
    if (c && *c && !cursor_decode(c, &pos)) {
        relay_error_in(out, 422, "query", "cursor", "value_error",
                       "cursor was not issued by this relay");
        return;
    }
    size_t n = json_array_size(all);
    json_t *page = json_object();
    json_object_set_new(page, "items", slice(all, pos, (size_t)limit));
    bool more = pos + (unsigned long long)limit < n;
    json_t *next_cursor = json_null();
    if (c && *c && relay_server_take_repeat_cursor(r)) {
        /* POST /_control/pages {"repeat_cursor"}: a server that repeats */
        json_decref(next_cursor);
        next_cursor = json_string(c);
        more = true;
    } else if (more) {
        char buf[64];
        unsigned long long next = pos + (unsigned long long)limit;
        snprintf(buf, sizeof buf, "c%llx.%016" PRIx64, next, cursor_mac(next));
        json_decref(next_cursor);
        next_cursor = json_string(buf);
    }
    json_object_set_new(page, "next_cursor", next_cursor);
    if (with_has_more)
        json_object_set_new(page, "has_more", json_boolean(more));
    relay_json(out, 200, page);
}

void relay_page_offset(const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_per_page, long long max_per_page)
{
    long long page_no, per_page;
    if (!relay_query_int(q, out, 422, "page", 1, 1, INT32_MAX, &page_no) ||
        !relay_query_int(q, out, 422, "per_page", dflt_per_page, 1,
                         max_per_page, &per_page))
        return;
    long long total = (long long)json_array_size(all);
    /* Past the end is an empty page, not an error (has_next false). */
    long long from = (page_no - 1) * per_page;
    json_t *page = json_object();
    json_object_set_new(page, "items",
                        slice(all, (size_t)from, (size_t)per_page));
    json_object_set_new(page, "total", json_integer(total));
    json_object_set_new(page, "page", json_integer(page_no));
    json_object_set_new(page, "per_page", json_integer(per_page));
    json_object_set_new(page, "has_next",
                        json_boolean(from + per_page < total));
    json_object_set_new(page, "has_prev", json_boolean(page_no > 1));
    relay_json(out, 200, page);
}

void relay_page_number(const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_size, long long max_size)
{
    long long page_no, size;
    if (!relay_query_int(q, out, 400, "page", 1, 1, INT32_MAX, &page_no) ||
        !relay_query_int(q, out, 400, "page_size", dflt_size, 1, max_size,
                         &size))
        return;
    long long count = (long long)json_array_size(all);
    /* DRF keeps an empty first page; any page past the last is a 404. */
    long long pages = count == 0 ? 1 : (count + size - 1) / size;
    if (page_no > pages) {
        relay_error(out, 404, "not_found", "page", "Invalid page.");
        return;
    }
    json_t *p = json_object();
    json_object_set_new(p, "count", json_integer(count));
    json_object_set_new(p, "page", json_integer(page_no));
    json_object_set_new(p, "pages", json_integer(pages));
    json_object_set_new(p, "page_size", json_integer(size));
    json_object_set_new(p, "has_next", json_boolean(page_no < pages));
    json_object_set_new(p, "has_previous", json_boolean(page_no > 1));
    /* Always present, null at the ends (the official decoder accepts both;
     * the django-cfg paginator the schema names sends null). */
    json_object_set_new(p, "next_page", page_no < pages
                        ? json_integer(page_no + 1) : json_null());
    json_object_set_new(p, "previous_page", page_no > 1
                        ? json_integer(page_no - 1) : json_null());
    json_object_set_new(p, "results",
                        slice(all, (size_t)((page_no - 1) * size), (size_t)size));
    relay_json(out, 200, p);
}

/* ---- store helpers ------------------------------------------------------ */

json_t *relay_coll(relay *r, const char *key)
{
    json_t *c = json_object_get(r->db, key);
    if (!c) {
        c = json_array();
        json_object_set_new(r->db, key, c);
    }
    return c;
}

json_t *relay_find(json_t *arr, const char *field, const char *value)
{
    long i = relay_find_index(arr, field, value);
    return i < 0 ? NULL : json_array_get(arr, (size_t)i);
}

long relay_find_index(json_t *arr, const char *field, const char *value)
{
    size_t i;
    json_t *o;
    if (!value)
        return -1;
    json_array_foreach(arr, i, o) {
        const char *v = json_string_value(json_object_get(o, field));
        if (v && strcmp(v, value) == 0)
            return (long)i;
    }
    return -1;
}

/* Random bytes for ids, fetched 4 KiB at a time: a request id and a stream
 * id per ask made two getrandom calls an ask (and snprintf's formatting
 * cost more than the rest of the id). */
static pthread_mutex_t uuid_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char uuid_pool[4096];
static size_t uuid_left;

void relay_new_uuid(char buf[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    pthread_mutex_lock(&uuid_mu);
    if (uuid_left < sizeof b) {
        if (cmdop__port_random(uuid_pool, sizeof uuid_pool) != 0) {
            for (size_t i = 0; i < sizeof uuid_pool; i++)   /* never expected */
                uuid_pool[i] = (unsigned char)rand();
        }
        uuid_left = sizeof uuid_pool;
    }
    memcpy(b, uuid_pool + sizeof uuid_pool - uuid_left, sizeof b);
    uuid_left -= sizeof b;
    pthread_mutex_unlock(&uuid_mu);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    size_t o = 0;
    for (size_t i = 0; i < sizeof b; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[o++] = '-';
        buf[o++] = hex[b[i] >> 4];
        buf[o++] = hex[b[i] & 15];
    }
    buf[o] = '\0';
}

void relay_time_after(char buf[32], long long seconds)
{
    time_t t = time(NULL) + (time_t)seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void relay_now(char buf[32])
{
    relay_time_after(buf, 0);
}

void relay_stamp_once(json_t *obj, const char *key)
{
    if (json_is_string(json_object_get(obj, key)))
        return;
    char now[32];
    relay_now(now);
    json_object_set_new(obj, key, json_string(now));
}

json_t *relay_pick(json_t *src, const char *const *keys)
{
    json_t *o = json_object();
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(src, keys[i]);
        if (v && !json_is_null(v))
            json_object_set_new(o, keys[i], json_deep_copy(v));
    }
    return o;
}

void relay_nulls(json_t *obj, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (!json_object_get(obj, keys[i]))
            json_object_set_new(obj, keys[i], json_null());
}

/* ---- fleet roles -------------------------------------------------------- */

int relay_role_rank(const char *role)
{
    static const char *const order[] = {"viewer", "member", "admin", "owner"};
    for (int i = 0; role && i < 4; i++)
        if (strcmp(role, order[i]) == 0)
            return i + 1;
    return 0;
}

const char *relay_fleet_role(relay *r, const char *fleet_id,
                             const char *user_id)
{
    size_t i;
    json_t *m;
    if (!fleet_id || !user_id)
        return NULL;
    json_array_foreach(relay_coll(r, "memberships"), i, m) {
        const char *f = json_string_value(json_object_get(m, "fleet_id"));
        const char *u = json_string_value(json_object_get(m, "user_id"));
        if (f && u && strcmp(f, fleet_id) == 0 && strcmp(u, user_id) == 0)
            return json_string_value(json_object_get(m, "role"));
    }
    return NULL;
}

json_t *relay_fleet_access(relay *r, const relay_req *q, relay_resp *out,
                           const char *fleet_id, const char *min_role)
{
    json_t *fleet = relay_find(relay_coll(r, "fleets"), "id", fleet_id);
    const char *role = fleet ? relay_fleet_role(r, fleet_id, q->user_id) : NULL;
    /* A fleet the caller does not belong to is invisible, as on the relay. */
    if (!fleet || !role) {
        relay_error(out, 404, "not_found", NULL, "fleet %s not found",
                    fleet_id ? fleet_id : "");
        return NULL;
    }
    if (relay_role_rank(role) < relay_role_rank(min_role)) {
        relay_error(out, 403, "permission", NULL,
                    "role %s in fleet %s cannot do this (needs %s)", role,
                    fleet_id, min_role);
        return NULL;
    }
    return fleet;
}

int relay_seed_array(relay *r, json_t *seed, const char *key,
                     const char *required_field)
{
    json_t *src = json_object_get(seed, key);
    size_t i;
    json_t *o;
    if (src && !json_is_array(src))
        return -1;
    json_array_foreach(src, i, o) {
        if (!json_is_object(o) ||
            (required_field &&
             !json_is_string(json_object_get(o, required_field))))
            return -1;
    }
    json_object_set_new(r->db, key, src ? json_deep_copy(src) : json_array());
    return 0;
}
