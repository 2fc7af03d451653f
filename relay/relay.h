/*
 * relay.h — the local relay's internal framework (hand-written; never uses
 * gen/, so it checks the IDL instead of echoing it).
 *
 * One libmicrohttpd daemon serves both planes on one loopback port:
 *   relay plane     <root>/api/...       Bearer <token>
 *   platform plane  <root>/platform/...  X-Api-Key <api_key>
 *   control         <root>/_control/...  no auth (tests only)
 * The startup line prints relay_url = <root>, platform_url = <root>/platform,
 * control_url = <root>/_control, so a client's CMDOP_API_BASE_URL (the
 * platform origin; hosted https://api.cmdop.com) is <root>/platform and the
 * hosted paths ("/apix/skills/skills/") are appended to it unchanged.
 *
 * State is one jansson object (`relay->db`), guarded by `relay->lock`; every
 * handler runs with the lock held, so handlers never lock themselves.
 * Resource modules (relay_machines.c, relay_fleets.c, ...) each export
 *   const relay_route relay_<module>_routes[];   (terminated by {0})
 *   int relay_<module>_seed(relay *r, json_t *seed);  load their seed keys
 * and are listed once in relay_modules.c.
 */
#ifndef RELAY_H
#define RELAY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>
#include <jansson.h>

typedef enum relay_plane {
    RELAY_PLANE_RELAY = 0,
    RELAY_PLANE_PLATFORM = 1,
    RELAY_PLANE_CONTROL = 2
} relay_plane;

#define RELAY_MAX_CAPTURES 4

typedef struct relay relay;

typedef struct relay_req {
    const char *method;               /* "GET", ... */
    const char *path;                 /* path below the plane root */
    const char *cap[RELAY_MAX_CAPTURES]; /* path captures, in order, decoded */
    size_t n_cap;
    json_t *query;                    /* object: key -> string, or array of
                                         strings for a repeated key */
    json_t *body;                     /* parsed JSON body, NULL if none */
    const char *raw_body;             /* raw bytes (may be NULL) */
    size_t raw_body_len;
    const char *request_id;           /* the X-Request-Id this response gets */
    const char *idempotency_key;      /* Idempotency-Key header or NULL */
    const char *user_id;              /* authenticated user (relay plane) */
    void *conn;                       /* struct MHD_Connection *, for headers */
    bool http11;                      /* HTTP/1.1 or later: a body of unknown
                                         size goes out chunked */
} relay_req;

/*
 * Streamed bodies (the ask SSE route). The reader has libmicrohttpd's
 * content-reader contract: it runs on one of the daemon's polling threads,
 * without relay->lock, and must not block: it returns the number of bytes
 * put in buf, 0 after suspending the connection (MHD_suspend_connection;
 * whoever resumes it must know the connection), RELAY_STREAM_END after the
 * last byte or RELAY_STREAM_ERROR to close the connection abruptly. The release function runs exactly once when the
 * server is done with the stream (finished, client gone, or shutdown).
 */
#define RELAY_STREAM_END ((ssize_t)-1)
#define RELAY_STREAM_ERROR ((ssize_t)-2)
typedef ssize_t (*relay_stream_reader)(void *cls, uint64_t pos, char *buf,
                                       size_t max);
typedef void (*relay_stream_release)(void *cls);

typedef struct relay_resp {
    int status;                       /* HTTP status */
    json_t *body;                     /* owned; NULL = empty body */
    char retry_after[16];             /* Retry-After value, "" = none */
    /* a streamed body instead of `body` (see relay_stream) */
    relay_stream_reader stream_read;
    relay_stream_release stream_release;
    void *stream_cls;                 /* owned by the stream; released by
                                         stream_release */
    const char *content_type;         /* static string */
} relay_resp;

typedef void (*relay_handler)(relay *r, const relay_req *q, relay_resp *out);

typedef struct relay_route {
    const char *method;
    const char *pattern;   /* {} captures one path segment. Relay plane:
                              the full path ("/api/fleets/{}/members/{}");
                              platform: below /platform
                              ("/apix/skills/skills/{}/star/");
                              control: below /_control ("/fail") */
    relay_plane plane;
    relay_handler fn;
} relay_route;

struct relay_ask_registry;   /* relay_ask.h */

struct relay {
    pthread_mutex_t lock;
    json_t *db;            /* all state; modules own their top-level keys */
    const char *token;     /* relay-plane credential */
    const char *api_key;   /* platform credential */
    char root_url[128];    /* http://127.0.0.1:<port> */
    unsigned long next_seq;/* for ids and cursors */
    struct relay_ask_registry *ask; /* the ask streams, which have
                                       their own locks (relay_ask.h) */
};

/* ---- responses ---------------------------------------------------------- */
/* Sets status and body (stolen). */
void relay_json(relay_resp *out, int status, json_t *body);
/*
 * Error bodies as the hosted services send them (docs/relay.md, "Wire
 * behaviour"):
 *   422 (FastAPI, relay plane and control): {"detail": [{"loc": [<where>,
 *       <field>?], "msg", "type"}]}
 *   400 (Django REST framework, platform):  {"<field>": ["msg"]}, or
 *       {"non_field_errors": ["msg"]} without a field
 *   any other status:                       {"detail": "msg"}
 * The body has nothing else: a client derives the stable code from the
 * status. `code` is kept in the signature for readability at the call sites
 * ("not_found", "conflict", ...) and is not sent. field may be NULL. For a
 * 422 the location is "body" and the type "value_error" (pydantic's type for
 * a custom validator); relay_error_in names both.
 */
void relay_error(relay_resp *out, int status, const char *code,
                 const char *field, const char *fmt, ...);
/* The same with the 422 location ("body", "query", "path") and pydantic
 * error type ("missing", "string_too_long", ...) spelled out. */
void relay_error_in(relay_resp *out, int status, const char *loc,
                    const char *field, const char *type, const char *fmt,
                    ...);
/* 204 / 202 with no body. */
void relay_empty(relay_resp *out, int status);
/* 200 with a body produced by `read` (see relay_stream_reader);
 * `cls` passes to the server, which calls release(cls) exactly once. */
void relay_stream(relay_resp *out, const char *content_type,
                  relay_stream_reader read, relay_stream_release release,
                  void *cls);

/* ---- request helpers ---------------------------------------------------- */
/* First value of a query key, or NULL. */
const char *relay_query(const relay_req *q, const char *key);

/*
 * Validation helpers: each returns true when the value is acceptable and
 * otherwise fills `out` with a 422 validation error naming the field and the
 * rule (the platform plane uses 400 like Django REST framework; pass the
 * status). *val is borrowed from the request.
 */
bool relay_body_str(const relay_req *q, relay_resp *out, int status,
                    const char *field, bool required, size_t min_len,
                    size_t max_len, const char **val);
bool relay_body_int(const relay_req *q, relay_resp *out, int status,
                    const char *field, bool required, long long min,
                    long long max, bool *present, long long *val);
bool relay_body_bool(const relay_req *q, relay_resp *out, int status,
                     const char *field, bool *present, bool *val);
bool relay_body_enum(const relay_req *q, relay_resp *out, int status,
                     const char *field, bool required,
                     const char *const *allowed, const char **val);
bool relay_query_int(const relay_req *q, relay_resp *out, int status,
                     const char *field, long long dflt, long long min,
                     long long max, long long *val);
bool relay_query_enum(const relay_req *q, relay_resp *out, int status,
                      const char *field, const char *dflt,
                      const char *const *allowed, const char **val);

/* ---- pagination (each takes a borrowed array of items, and returns a new
 *      page object into out with status 200; or a 422 for bad params) ----- */
/* {items, next_cursor, has_more}: cursor is the opaque position and
 * next_cursor is null on the last page (the hosted schema requires the key);
 * with `with_has_more` false the has_more key is omitted (ScheduleRunList).
 * `r` (NULL: none) carries the control POST /_control/pages
 * {"repeat_cursor"}: a page asked with a cursor then answers that cursor. */
void relay_page_cursor(relay *r, const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_limit, long long max_limit,
                       bool with_has_more);
/* {items, total, page, per_page, has_next, has_prev} from query page
 * (1-based, default 1) and per_page (1..max, default dflt_per_page); a page
 * past the end is empty. */
void relay_page_offset(const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_per_page, long long max_per_page);
/* DRF: {count, page, pages, page_size, has_next, has_previous, next_page,
 * previous_page, results} from query page/page_size. */
void relay_page_number(const relay_req *q, relay_resp *out, json_t *all,
                       long long dflt_size, long long max_size);

/* ---- store helpers ------------------------------------------------------ */
/* Borrowed array/object under db[key], created empty if missing. */
json_t *relay_coll(relay *r, const char *key);
/* First object in `arr` whose `field` equals `value`, borrowed, or NULL. */
json_t *relay_find(json_t *arr, const char *field, const char *value);
/* Index of that object, or -1. */
long relay_find_index(json_t *arr, const char *field, const char *value);
/* Fresh UUIDv4 text into buf (37 bytes). */
void relay_new_uuid(char buf[37]);
/* Now as RFC3339 with trailing Z into buf (32 bytes). */
void relay_now(char buf[32]);
/* Sets obj[key] to now unless it already holds a time: soft deletes
 * (disable, revoke) keep the first moment and stay idempotent. */
void relay_stamp_once(json_t *obj, const char *key);

/* ---- shared helpers ---------------------------------------------------- */
/* Now + `seconds` as RFC3339 with trailing Z into buf (32 bytes). */
void relay_time_after(char buf[32], long long seconds);
/* New object with a deep copy of each listed key of src that is present and
 * not null; keys is NULL-terminated. */
json_t *relay_pick(json_t *src, const char *const *keys);
/* Sets each listed key that obj lacks to JSON null: the hosted schemas
 * declare these fields required-and-nullable, so the key is always present
 * (the official decoder rejects a missing one). keys is NULL-terminated. */
void relay_nulls(json_t *obj, const char *const *keys);
/* Fleet roles, lowest first: viewer < member < admin < owner. Rank 1..4 of a
 * role string, 0 for NULL or an unknown role. */
int relay_role_rank(const char *role);
/* The role (borrowed) of user_id in fleet_id from db.memberships, or NULL. */
const char *relay_fleet_role(relay *r, const char *fleet_id,
                             const char *user_id);
/*
 * Gate of every fleet-scoped handler: returns the fleet object (borrowed)
 * when fleet_id exists and the caller (q->user_id) is a member with at least
 * `min_role` ("viewer" for reads). Otherwise fills `out` with 404 not_found
 * (unknown fleet, or the caller is not a member) or 403 permission (role too
 * low) and returns NULL. Fleets live in db.fleets, memberships in
 * db.memberships ({fleet_id, user_id, role, joined_at, invited_by_id?}).
 */
json_t *relay_fleet_access(relay *r, const relay_req *q, relay_resp *out,
                           const char *fleet_id, const char *min_role);
/* Seed loader for a module's array key: deep-copies seed[key] (missing = [])
 * into db[key]. Each element must be an object with a string
 * `required_field` (NULL = no check). Returns 0, or -1 for a bad shape. */
int relay_seed_array(relay *r, json_t *seed, const char *key,
                     const char *required_field);

#endif /* RELAY_H */
