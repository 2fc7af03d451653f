/*
 * relay_server.h — the relay's server side: lifecycle, routing internals,
 * the module list and the seed. Internal to relay/ (resource modules only
 * need relay.h); the unit tests include it to exercise the pieces alone.
 */
#ifndef RELAY_SERVER_H
#define RELAY_SERVER_H

#include "relay.h"

/* ---- modules (relay_modules.c) ------------------------------------------ */
typedef struct relay_module {
    const char *name;
    const relay_route *routes;                 /* terminated by {0} */
    int (*seed)(relay *r, json_t *seed);       /* NULL = no seed keys */
} relay_module;

/* Every module, terminated by {0}. */
extern const relay_module relay_modules[];

extern const relay_route relay_control_routes[];
extern const relay_route relay_machines_routes[];
extern const relay_route relay_fleets_routes[];
extern const relay_route relay_members_routes[];
extern const relay_route relay_fleet_machines_routes[];
extern const relay_route relay_keys_routes[];
extern const relay_route relay_tunnels_routes[];
extern const relay_route relay_schedules_routes[];
extern const relay_route relay_skills_routes[];
extern const relay_route relay_bots_routes[];
extern const relay_route relay_ask_routes[];          /* relay_ask.h */
extern const relay_route relay_ask_control_routes[];
int relay_machines_seed(relay *r, json_t *seed);
int relay_fleets_seed(relay *r, json_t *seed);
int relay_members_seed(relay *r, json_t *seed);
int relay_fleet_machines_seed(relay *r, json_t *seed);
int relay_keys_seed(relay *r, json_t *seed);
int relay_tunnels_seed(relay *r, json_t *seed);
int relay_schedules_seed(relay *r, json_t *seed);
int relay_skills_seed(relay *r, json_t *seed);
int relay_bots_seed(relay *r, json_t *seed);

/* ---- routing (relay_server.c) ------------------------------------------- */
/*
 * Matches `path` against `pattern` segment by segment; "{}" captures one
 * non-empty segment, percent-decoded. On a match returns true and stores up
 * to RELAY_MAX_CAPTURES new strings in caps (the caller frees each of
 * caps[0..*n_cap)); on no match returns false and allocates nothing.
 */
bool relay_match(const char *pattern, const char *path,
                 char *caps[RELAY_MAX_CAPTURES], size_t *n_cap);
/* Percent-decodes s[0..n) (with plus_space, '+' means ' ', as in a query).
 * A malformed escape is kept literally. Returns a new string (free()). */
char *relay_pct_decode(const char *s, size_t n, bool plus_space);
/* Parses a raw query string ("a=1&b=2&a=3", without '?') into a new object:
 * key -> string, or an array of strings for a repeated key. */
json_t *relay_parse_query(const char *qs);
/* Plane of a raw path ("/api/..", "/platform/..", "/_control/..") and the
 * offset where the route pattern's path starts; false if none. */
bool relay_plane_of(const char *path, relay_plane *plane, size_t *skip);

/* ---- lifecycle ---------------------------------------------------------- */
typedef struct relay_options {
    const char *host;        /* IPv4 loopback address; NULL = 127.0.0.1 */
    unsigned short port;     /* 0 = a free port */
    const char *token;       /* relay-plane credential (copied) */
    const char *api_key;     /* platform credential (copied) */
    json_t *seed;            /* the seed object (borrowed; a reference is
                                kept for POST /_control/reset) */
} relay_options;

typedef struct relay_server relay_server;

/* Loads the seed and starts accepting on opt->host:opt->port. On success
 * returns 0 and *out (free with relay_server_stop); on failure -1 and a
 * message in err. */
int relay_server_start(relay_server **out, const relay_options *opt,
                       char *err, size_t errlen);
/* Ends every ask stream, stops accepting, closes every connection, frees
 * everything. */
void relay_server_stop(relay_server *s);
/* Borrowed: the framework state (root_url, db, credentials). */
relay *relay_server_relay(relay_server *s);

/* ---- control state (used by relay_control.c) ---------------------------- */
/* Drops the recording and pending failures; with `state` also reloads the
 * seed into a fresh db. Lock held. Returns 0, or -1 if the seed fails. */
int relay_server_reset(relay *r, bool state);
/* Arms fault injection for the next `count` non-control requests. */
void relay_server_fail(relay *r, long count, int status,
                       const char *retry_after, const char *code);
/* Arms the next `count` cursor pages asked with a cursor to answer that same
 * cursor as next_cursor (a server that repeats a cursor). Lock held. */
void relay_server_set_repeat_cursor(relay *r, long count);
/* Consumes one armed repeat, if any (r NULL: none). Lock held. */
bool relay_server_take_repeat_cursor(relay *r);
/* Borrowed array of recorded requests, in arrival order. Lock held. */
json_t *relay_server_recording(relay *r);
/* Loads every module's keys of `seed` into r->db (emptied first). Lock held.
 * Returns 0, or -1 and a message in err. */
int relay_load_seed(relay *r, json_t *seed, char *err, size_t errlen);

/* ---- seed (relay_seed.c) ------------------------------------------------ */
/* The default seed: the relay/seed JSON files embedded at build time, merged (top
 * level keys; arrays under the same key are concatenated). New reference,
 * or NULL with a message in err. */
json_t *relay_default_seed(char *err, size_t errlen);
/* Reads a seed file (one JSON object). New reference or NULL + err. */
json_t *relay_seed_from_file(const char *path, char *err, size_t errlen);

/* ---- entry point (relay_main.c) ----------------------------------------- */
int cmdop_relay_main(int argc, char **argv);

#endif /* RELAY_SERVER_H */
