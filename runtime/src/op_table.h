/*
 * op_table.h — INTERNAL contract between the generator's output (gen/c/) and
 * the hand-written runtime. Not installed, not public.
 *
 * The generator emits one `const cmdop__op_desc` per IDL op (gen/c/src/
 * op_table.c) plus the table `cmdop__ops[]`. The runtime drives any op from
 * its descriptor alone: it applies defaults, validates constraints (naming
 * the field and the rule), fills the path template, encodes the query and the
 * JSON body, picks the plane's base URL and credential, executes with the
 * retry policy and maps errors. The typed C functions (gen/c/src/ops.c), the
 * stdio server and a future CLI are all thin front ends over that one driver.
 *
 * Arguments travel as a jansson object keyed by the param's surface `name`
 * (never the wire name). A key that is absent means "not passed"; JSON null is
 * treated the same as absent.
 */
#ifndef CMDOP__OP_TABLE_H
#define CMDOP__OP_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>

/* Generated: enum cmdop__plane (CMDOP__PLANE_RELAY, ...) and enum
 * cmdop__option (CMDOP__OPT_TOKEN, ...), from the IDL's planes and client
 * options; they index cmdop__planes[] and cmdop__options[] below. */
#include "planes.h"

/* Generated (op_table.c): one client option of the IDL's `client` block. */
typedef struct cmdop__option_desc {
    const char *name;           /* "base_url": also its field in cmdop__config */
    const char *const *env;     /* env vars in precedence order, NULL-terminated */
    const char *default_value;  /* as text ("30000"), or NULL for none */
    bool is_int;                /* int32 option, else string */
    bool strip_slash;           /* a base URL: trailing '/' are removed */
    size_t cfg_offset;          /* a plane's option (base URL, credential):
                                   offsetof(cmdop__config, <name>), the char *
                                   it resolves to; 0 for the others */
} cmdop__option_desc;

/* Generated (op_table.c): one plane, and where its configuration lives. */
typedef struct cmdop__plane_desc {
    const char *name;           /* "relay" */
    cmdop__option url_option;   /* the option holding its base URL */
    cmdop__option cred_option;  /* the option holding its credential */
    const char *auth_header;    /* the header the credential is sent in */
    const char *auth_prefix;    /* put before the credential ("Bearer ") or "" */
    const char *auth_what;      /* the credential in messages: "token", "API key" */
} cmdop__plane_desc;

/* Indexed by cmdop__option / cmdop__plane; each ends with a {NULL} row. */
extern const cmdop__option_desc cmdop__options[];
extern const cmdop__plane_desc cmdop__planes[];

typedef enum cmdop__param_in {
    CMDOP__IN_PATH = 0,
    CMDOP__IN_QUERY = 1,
    CMDOP__IN_BODY = 2,       /* a key of the top-level JSON body object */
    CMDOP__IN_CONTEXT = 3,    /* resolved by the client, never sent as is
                                 (e.g. fleet_id falling back to the client's
                                 default fleet before being used in the path) */
    CMDOP__IN_LOCAL = 4       /* never sent: the core applies it to the answer
                                 (filter_fields, or emulated paging) because the
                                 hosted service has no such parameter */
} cmdop__param_in;

typedef enum cmdop__type {
    CMDOP__T_STRING = 0,
    CMDOP__T_INT32 = 1,
    CMDOP__T_INT64 = 2,
    CMDOP__T_DOUBLE = 3,
    CMDOP__T_BOOL = 4,
    CMDOP__T_ENUM = 5,        /* a string restricted to enum_values */
    CMDOP__T_STRING_LIST = 6, /* JSON array of strings; query: repeated key */
    CMDOP__T_STRING_MAP = 7   /* JSON object string->string (body only) */
} cmdop__type;

typedef struct cmdop__param_desc {
    const char *name;          /* surface name, snake_case ("per_page") */
    const char *wire_name;     /* key on the wire ("per_page", "page_size") */
    cmdop__param_in in;
    cmdop__type type;
    bool required;             /* must be passed (after context resolution) */
    const char *default_json;  /* JSON text applied when absent, or NULL */
    bool has_min, has_max;     /* numeric range, inclusive */
    double min, max;
    int32_t min_len, max_len;  /* string length in bytes; -1 = unbounded */
    const char *const *enum_values; /* NULL-terminated, for CMDOP__T_ENUM */
    const char *pattern;       /* POSIX extended regex a string must match
                                  (whole value), or NULL */
    const char *context_env;   /* for CMDOP__IN_CONTEXT: the client default it
                                  falls back to ("fleet_id") or NULL */
    const char *const *enum_sends; /* parallel to enum_values: the string each
                                  surface value is sent as ("optional" -> "any"),
                                  or NULL when every value is sent as itself */
    const char *const *filter_fields; /* CMDOP__IN_LOCAL: item fields the value is
                                  matched against (case-insensitive substring of
                                  any), NULL-terminated; or NULL */
    bool omit_empty;           /* "", [] and {} are not sent */
} cmdop__param_desc;

typedef enum cmdop__page_style {
    CMDOP__PAGE_NONE = 0,
    CMDOP__PAGE_CURSOR = 1,   /* request: cursor param; response: next_cursor, has_more? */
    CMDOP__PAGE_OFFSET = 2,   /* request: 1-based page + per_page, each sent
                                 only when passed; response: items, total, page,
                                 per_page, has_next, has_prev; the driver fills
                                 the record's offset = (page-1)*per_page */
    CMDOP__PAGE_NUMBER = 3    /* request: page/page_size; response: results, has_next, next_page, pages */
} cmdop__page_style;

/* How a paginated op pages. Names are surface param names on the request
 * side and wire keys on the response side. NULL when the op has none. */
typedef struct cmdop__page_desc {
    cmdop__page_style style;
    const char *req_cursor;       /* cursor: request param ("cursor") */
    const char *req_offset;       /* offset: "offset" */
    const char *req_page;         /* offset and number: the 1-based page param ("page") */
    const char *req_size;         /* offset: "per_page"; number: "page_size" */
    const char *resp_items;       /* "items" | "results" */
    const char *resp_next_cursor; /* cursor: "next_cursor" */
    const char *resp_has_more;    /* cursor: "has_more" or NULL */
    const char *resp_total;       /* offset: "total"; number: "count" */
    const char *resp_has_next;    /* offset and number: "has_next" */
    const char *resp_next_page;   /* number: "next_page" */
    const char *iter_helper;      /* helper names of the 1.1 clients: "iter", "iter_runs" */
    const char *pages_helper;     /* "pages", "pages_runs" */
    const char *resp_page;        /* offset: "page" */
    const char *resp_per_page;    /* offset: "per_page" */
    const char *resp_has_prev;    /* offset: "has_prev" */
    const char *resp_offset;      /* offset: the record field the driver fills ("offset") */
    bool emulated;                /* offset: the service has no paging; the
                                     driver fetches the whole list and slices it
                                     (req_page/req_size are CMDOP__IN_LOCAL) */
} cmdop__page_desc;

typedef enum cmdop__op_kind {
    CMDOP__OP_HTTP = 0,        /* one HTTP request */
    CMDOP__OP_STREAM = 1,      /* SSE stream (machines.ask) */
    CMDOP__OP_SCAN = 2,        /* client-side: iterate `scan_list` and match
                                  `scan_match` against arg `scan_arg`
                                  (fleets.get); miss -> not_found */
    CMDOP__OP_LOCAL = 3        /* served by the core itself: opens a handle
                                  (handle_desc.h; bots.run), no HTTP */
} cmdop__op_kind;

typedef struct cmdop__op_desc {
    const char *name;          /* "fleets.members.set_role" */
    const char *ns;            /* "fleets.members" */
    const char *op;            /* "set_role" */
    const char *c_name;        /* "cmdop_fleets_members_set_role" */
    cmdop__op_kind kind;
    cmdop__plane plane;
    const char *method;        /* "GET", "POST", "PATCH", "DELETE" */
    const char *path;          /* "/api/fleets/{fleet_id}/members/{user_id}" */
    const cmdop__param_desc *params;
    size_t n_params;
    const char *result_type;   /* IDL record name ("MachineList") or NULL for void */
    int empty_status;          /* 204 or 202 when the op answers with no body, else 0 */
    const char *empty_result_json; /* JSON synthesized for an empty answer, e.g.
                                      {"status":"accepted"} for 202, or NULL */
    bool idempotent;           /* GET/PUT/DELETE and PATCH-by-IDL: safe to retry */
    bool idempotency_key;      /* POST retried only with an Idempotency-Key */
    const cmdop__page_desc *page; /* NULL unless paginated */
    const char *unwrap;        /* result field the surface returns instead of
                                  the whole body ("items" for tunnels.sessions,
                                  "agent_session_id" for active_session), or NULL */
    /* CMDOP__OP_SCAN only */
    const struct cmdop__op_desc *scan_list;
    const char *scan_arg;      /* arg name holding the key ("fleet_id") */
    const char *scan_match;    /* item field compared with it ("id") */
    /* envelope arm numbers of the 1.1 stdio schema (docs/stdio.md) */
    int env_req_field;
    int env_resp_field;        /* 201 (empty) for void ops */
    const char *const *errors; /* NULL-terminated error codes the op may raise */
} cmdop__op_desc;

/* Generated: every op, in IDL order, and its length. */
extern const cmdop__op_desc *const cmdop__ops[];
extern const size_t cmdop__ops_count;
/* Generated: the IDL's error table as status ranges -> error code string,
 * terminated by {0, 0, NULL}. */
typedef struct cmdop__status_rule {
    int lo, hi;                /* inclusive HTTP status range */
    const char *code;          /* "validation" */
} cmdop__status_rule;
extern const cmdop__status_rule cmdop__status_rules[];

/* Generated: hash of the canonical IDL model (hex sha256). */
extern const char cmdop__idl_hash[];

/* Lookup by dotted name; NULL when unknown. (runtime) */
const cmdop__op_desc *cmdop__op_find(const char *name);

#endif /* CMDOP__OP_TABLE_H */
