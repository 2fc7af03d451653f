/*
 * relay_ask.h — machines.ask in the local relay (docs/ask-protocol.md):
 * the registry of streams, one stream per ask, a simulated agent thread per
 * stream and an SSE reader per connection.
 *
 * Locks (always taken in this order, never the other way):
 *   relay->lock (the handlers)  ->  registry->mu  ->  stream->mu
 * Agent threads and SSE readers take only stream->mu (readers' release also
 * registry->mu first), so no blocking wait ever holds relay->lock or
 * registry->mu. Counters are atomics so an agent can bump them with only its
 * stream's lock.
 *
 * Files: relay_ask.c (registry, routes), relay_ask_stream.c (frame buffer,
 * waits, answers), relay_ask_sse.c (the per-connection reader),
 * relay_ask_agent.c (the simulated agent), relay_ask_control.c (the test
 * controls and counters under /_control).
 */
#ifndef RELAY_ASK_H
#define RELAY_ASK_H

#include "relay.h"

#include <stdatomic.h>
#include <time.h>

#define ASK_MAX_FRAMES 10000      /* per stream, all kept for resume */
#define ASK_KEEP_MS 60000         /* a finished stream stays resumable */
#define ASK_POLL_MS 100           /* readers look for a gone client this often */

/* Fault injection and pacing for one stream; -1 = not armed. */
typedef struct ask_controls {
    long drop_after, malformed_after, unknown_type_after;
    long empty_delta_after;         /* an event {"delta": "", "text"} after frame N */
    long empty_done_text;           /* 1: the done frame's text is "" */
    long stall_ms, stall_after;
    long delay_ms, heartbeat_ms, pin_timeout_ms;
} ask_controls;

typedef enum ask_wait { ASK_WAIT_NONE, ASK_WAIT_PIN, ASK_WAIT_CONFIRM } ask_wait;

typedef struct relay_ask_registry relay_ask_registry;

typedef struct ask_stream {
    struct ask_stream *next;        /* registry list (registry->mu) */
    relay_ask_registry *reg;
    char id[40];                    /* opaque, no '.' */
    pthread_mutex_t mu;
    pthread_cond_t cv;              /* any change below */
    /* --- under mu --- */
    char **frames;                  /* frames[i] = SSE text of seq i+1 */
    size_t n_frames, cap_frames;
    bool terminal;                  /* a done or error frame is stored */
    bool unknown_done;              /* the telemetry frame was stored */
    bool empty_delta_done;          /* the empty-delta event was stored */
    bool drop_done, malformed_done; /* one-shot injections were sent */
    bool stall_done;
    bool cancelled;                 /* a client left before the end */
    bool stopping;                  /* reset or shutdown: end everything */
    bool agent_done;                /* the agent thread has returned */
    struct timespec done_at;        /* CLOCK_MONOTONIC, when agent_done */
    int subscribers;                /* open connections reading it */
    struct timespec idle_since;     /* when subscribers last became 0 */
    ask_wait waiting;
    char challenge[40];             /* pending pin challenge or confirm token */
    bool answered, answer_ok;
    /* Bumped when POST /confirm takes the stream over: the hosted relay
     * answers /confirm with the rest of the stream (text/event-stream) and
     * the official core then closes the ask connection. A reader of an
     * older generation leaving is therefore no cancel. */
    unsigned generation;
    /* --- fixed at creation --- */
    char *machine_id, *machine_name, *prompt;
    char *machine_pin;              /* NULL: the machine has none */
    char *upfront_pin;              /* NULL: none came with the request */
    bool offline;
    ask_controls ctl;
    pthread_t agent;
    bool agent_started;
} ask_stream;

struct relay_ask_registry {
    pthread_mutex_t mu;
    ask_stream *streams;
    bool stopping;                  /* shutdown: no new streams */
    ask_controls armed;             /* applied to the next `armed_left` */
    long armed_left;
    json_t *resumed;                /* [{stream_id, last_event_id}] */
    atomic_long opened, cancelled, completed;
};

/* ---- lifecycle (relay_ask.c; called by relay_server.c) ------------------ */
/* Allocates r->ask. Returns 0 or -1. */
int relay_ask_init(relay *r);
/* Ends every stream (readers close, agents return); new asks get 503. */
void relay_ask_stop(relay *r);
/* After the daemon stopped: joins every agent and frees r->ask. */
void relay_ask_free(relay *r);
/* POST /_control/reset: ends and forgets every stream, clears the controls
 * and counters. Called with relay->lock held. */
void relay_ask_reset(relay *r);
/* Forgets streams nobody reads whose agent returned and that were cancelled,
 * stopped or finished over ASK_KEEP_MS ago (joins their agents, which have
 * already returned). registry->mu held. */
void relay_ask_sweep(relay_ask_registry *reg);
/* Controls with nothing armed and the default pacing. */
ask_controls relay_ask_default_controls(void);

/* ---- one stream (relay_ask_stream.c) ------------------------------------ */
/* New stream (not yet listed or started); NULL when out of memory. */
ask_stream *ask_stream_new(relay_ask_registry *reg);
/* Frees a stream whose agent was joined and that nobody reads. */
void ask_stream_free(ask_stream *st);
/* Stores a frame {"type": type, ...obj} (obj stolen) with the next seq and
 * wakes the readers; done/error frames are terminal. Returns false (and
 * stores nothing) once the stream is cancelled, stopping or terminal. */
bool ask_stream_emit(ask_stream *st, const char *type, json_t *obj);
/* Waits up to ms (or until cancelled/stopping). False means stop now. */
bool ask_stream_sleep(ask_stream *st, long ms);
/* Publishes a pending pin challenge / confirm token (fresh id into
 * st->challenge) so the side channel can answer it; call before emitting the
 * frame that names it, so an answer cannot arrive first. */
void ask_stream_expect(ask_stream *st, ask_wait what);
/* Waits for the answer to the pending challenge for up to ms (< 0: no
 * limit). Returns 1 answered (*ok set), 0 timed out, -1 stop now. The
 * challenge is withdrawn either way. */
int ask_stream_await(ask_stream *st, long ms, bool *ok);
/* Side channel: answers the pending challenge `id` of kind `what` on a
 * stream of machine_id. For a pin, ok is whether `pin` matches; for a
 * confirm, ok is `accept`, and the stream is handed over: its generation
 * goes up and *after_seq is the seq of the last frame stored (the
 * confirm_required frame; the agent is still waiting) so the caller can
 * serve the rest. Returns the stream, or NULL when no such challenge is
 * pending. registry->mu held. */
ask_stream *relay_ask_answer(relay_ask_registry *reg, const char *machine_id,
                             ask_wait what, const char *id, const char *pin,
                             bool accept, bool *ok, size_t *after_seq);
/* Monotonic now + ms. */
struct timespec ask_deadline(long ms);
/* Milliseconds from `a` to `b` (negative if b is earlier). */
long ask_ms_between(struct timespec a, struct timespec b);

/* ---- the SSE side (relay_ask_sse.c) ------------------------------------- */
/* Starts serving `st` on connection `conn` (struct MHD_Connection *) from
 * the frame after `after_seq`: a 200 text/event-stream into out. The stream
 * gains a subscriber until the server releases the response. Returns false
 * (out untouched) when out of memory. registry->mu held. */
bool relay_ask_serve(relay_resp *out, ask_stream *st, void *conn,
                     size_t after_seq);

/* ---- the simulated agent (relay_ask_agent.c) ---------------------------- */
/* Thread body: plays the agent for the stream (arg), then sets agent_done. */
void *relay_ask_agent_main(void *arg);

/* ---- routes ------------------------------------------------------------- */
extern const relay_route relay_ask_routes[];          /* relay_ask.c */
extern const relay_route relay_ask_control_routes[];  /* relay_ask_control.c */

#endif /* RELAY_ASK_H */
