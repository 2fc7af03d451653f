/*
 * relay_ask.h — machines.ask in the local relay (docs/ask-protocol.md):
 * the registry of streams, one stream per ask, every agent a state machine
 * stepped by ONE scheduler thread, and an SSE reader per connection that
 * never blocks (libmicrohttpd suspends the connection while there is
 * nothing to send, and the scheduler resumes it). No thread per stream or
 * per connection: 10,000 streams are 10,000 small structs.
 *
 * Locks (always taken in this order, never the other way):
 *   relay->lock (the handlers)  ->  registry->mu  ->  stream->mu  ->  sched->mu
 * Readers run on the daemon's threads and take stream->mu (their release
 * registry->mu first); the scheduler takes stream->mu for a step and
 * sched->mu only for its heap. Counters are atomics.
 *
 * Only the scheduler thread resumes a suspended connection, so a suspended
 * reader (and its struct) stays alive until the scheduler lets it go. While
 * it is suspended (and HTTP/1.1, on Linux) the scheduler may write its new
 * frames to its socket itself, as the chunk libmicrohttpd would have sent;
 * a big batch of such writes is shared with one writer thread, which runs
 * only while the scheduler waits for it (relay_ask_sched.c "direct
 * writes").
 *
 * Files: relay_ask.c (registry, routes), relay_ask_stream.c (frame buffer,
 * answers, references), relay_ask_sse.c (the per-connection reader),
 * relay_ask_sched.c (the scheduler thread: timers, kicks, resumes, direct
 * writes, client gone), relay_ask_agent.c (the simulated agent's steps),
 * relay_ask_control.c (the test controls and counters under /_control).
 */
#ifndef RELAY_ASK_H
#define RELAY_ASK_H

#include "relay.h"

#include "port_net.h"

#include <stdatomic.h>
#include <time.h>

#define ASK_MAX_FRAMES 10000      /* per stream, all kept for resume */
#define ASK_KEEP_MS 60000         /* a finished stream stays resumable */
#define ASK_POLL_MS 100           /* readers look for a gone client this often */
/* The scheduler's time grain (relay_ask_sched.c): a timed step runs at the
 * first multiple of it at or after its time, with every other step due by
 * then, and the readers they wake are resumed together. A few ms of added
 * lateness on frames paced 20-100 ms apart, never earliness. */
#ifndef ASK_TICK_MS
#  define ASK_TICK_MS 4
#endif

/* Whether the scheduler writes paced frames to suspended readers itself
 * (relay_ask_sched.c "direct writes"): where it watches sockets with epoll;
 * elsewhere every frame goes out through a resume. */
#if defined(__linux__) && !defined(RELAY_ASK_NO_EPOLL)
#  define ASK_DIRECT_WRITES 1
#else
#  define ASK_DIRECT_WRITES 0
#endif

/* Fault injection and pacing for one stream; -1 = not armed. */
typedef struct ask_controls {
    long drop_after, malformed_after, unknown_type_after;
    long empty_delta_after;         /* an event {"delta": "", "text"} after frame N */
    long empty_done_text;           /* 1: the done frame's text is "" */
    long stall_ms, stall_after;
    long delay_ms, heartbeat_ms, pin_timeout_ms;
} ask_controls;

typedef enum ask_wait { ASK_WAIT_NONE, ASK_WAIT_PIN, ASK_WAIT_CONFIRM } ask_wait;

/* Where the agent is; every state but AG_FINISHED is resumed by a step. */
typedef enum ask_agent_state {
    AG_START, AG_PIN_WAIT, AG_CONFIRM_WAIT, AG_TEXT, AG_FINISHED
} ask_agent_state;

typedef struct relay_ask_registry relay_ask_registry;
typedef struct relay_ask_sched relay_ask_sched;
typedef struct ask_sub ask_sub;

typedef struct ask_stream {
    struct ask_stream *next;        /* registry list (registry->mu) */
    relay_ask_registry *reg;
    char id[40];                    /* opaque, no '.' */
    pthread_mutex_t mu;
    atomic_int refs;                /* registry list + scheduler entries */
    /* --- under mu --- */
    ask_sub *subs;                  /* the connections reading it */
    long long hb_at;                /* earliest heartbeat entry queued, 0 none */
    char **frames;                  /* frames[i] = SSE text of seq i+1 */
    size_t *frame_lens;             /* frame_lens[i] = strlen(frames[i]) */
    size_t n_frames, cap_frames;
    bool terminal;                  /* a done or error frame is stored */
    bool unknown_done;              /* the telemetry frame was stored */
    bool empty_delta_done;          /* the empty-delta event was stored */
    bool drop_done, malformed_done; /* one-shot injections were sent */
    bool stall_done;
    bool cancelled;                 /* a client left before the end */
    bool stopping;                  /* reset or shutdown: end everything */
    bool agent_done;                /* the agent finished (no more frames) */
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
    /* --- the agent's own state: only the scheduler thread touches it --- */
    ask_agent_state ag;
    long long t0_ms, pin_deadline_ms;
    long long pace_at;              /* when the paced frame now due was due;
                                       0: the next one counts from now */
    char pin_challenge[40];         /* the challenge a denial names */
    char *text;                     /* the answer being streamed */
    size_t text_pos, words_per_delta;
    unsigned agent_gen;             /* under sched->mu: newest agent entry */
} ask_stream;

struct relay_ask_registry {
    pthread_mutex_t mu;
    ask_stream *streams;
    bool stopping;                  /* shutdown: no new streams */
    ask_controls armed;             /* applied to the next `armed_left` */
    long armed_left;
    json_t *resumed;                /* [{stream_id, last_event_id}] */
    atomic_long opened, cancelled, completed;
    long long swept_ms;             /* when the last sweep ran */
    relay_ask_sched *sched;
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
 * stopped or finished over ASK_KEEP_MS ago. registry->mu held. */
void relay_ask_sweep(relay_ask_registry *reg);
/* Controls with nothing armed and the default pacing. */
ask_controls relay_ask_default_controls(void);

/* ---- one stream (relay_ask_stream.c) ------------------------------------ */
/* New stream with one reference (the registry's), not yet listed or
 * started; NULL when out of memory. */
ask_stream *ask_stream_new(relay_ask_registry *reg);
void ask_stream_ref(ask_stream *st);
/* Drops a reference; the last one frees the stream (nobody reads it). */
void ask_stream_unref(ask_stream *st);
/* Stores a frame {"type": type, ...obj} (obj stolen) with the next seq and
 * lets the readers go on; done/error frames are terminal. Returns false
 * (and stores nothing) once the stream is cancelled, stopping or terminal.
 * Scheduler thread only (it resumes suspended readers). */
bool ask_stream_emit(ask_stream *st, const char *type, json_t *obj);
/* Publishes a pending pin challenge / confirm token (fresh id into
 * st->challenge) so the side channel can answer it; call before emitting the
 * frame that names it, so an answer cannot arrive first. */
void ask_stream_expect(ask_stream *st, ask_wait what);
/* The pending challenge's answer: 1 answered (*ok set; the challenge is
 * withdrawn), 0 not yet, -1 stop now (cancelled or stopping). */
int ask_stream_answered(ask_stream *st, bool *ok);
/* Withdraws the pending challenge (a late answer then finds nothing). */
void ask_stream_withdraw(ask_stream *st);
/* Side channel: answers the pending challenge `id` of kind `what` on a
 * stream of machine_id. For a pin, ok is whether `pin` matches; for a
 * confirm, ok is `accept`, and the stream is handed over: its generation
 * goes up and *after_seq is the seq of the last frame stored (the
 * confirm_required frame; the agent is still waiting) so the caller can
 * serve the rest. The agent is kicked. Returns the stream, or NULL when no
 * such challenge is pending. registry->mu held. */
ask_stream *relay_ask_answer(relay_ask_registry *reg, const char *machine_id,
                             ask_wait what, const char *id, const char *pin,
                             bool accept, bool *ok, size_t *after_seq);
/* Marks the agent finished (agent_done, done_at) and lets readers end. */
void ask_stream_finish(ask_stream *st);
/* Monotonic now + ms. */
struct timespec ask_deadline(long ms);
/* Milliseconds from `a` to `b` (negative if b is earlier). */
long ask_ms_between(struct timespec a, struct timespec b);
/* Monotonic milliseconds. */
long long ask_now_ms(void);

/* Stores a delta event ({"type": "event", "event_type": 1, "payload":
 * {"delta": <n bytes of delta>}}) like ask_stream_emit, its data line
 * written without jansson ("?" when the bytes are not UTF-8). */
bool ask_stream_emit_delta(ask_stream *st, const char *delta, size_t n);
/* Stores the done frame ({"type": "done", "success", "text", "error",
 * "duration_ms"}) like ask_stream_emit, written without jansson when the
 * strings are UTF-8. */
bool ask_stream_emit_done(ask_stream *st, bool success, const char *text,
                          const char *error, long long duration_ms);

/* ---- JSON text (relay_ask_json.c) --------------------------------------- */
/* Writes the n bytes at s as the inside of a JSON string (no quotes), as
 * jansson's compact dump does, into out (room for 6 * n bytes). Returns the
 * bytes written, or (size_t)-1 when s is not valid UTF-8. */
size_t ask_json_escape(char *out, const char *s, size_t n);

/* ---- the scheduler (relay_ask_sched.c) ----------------------------------- */
/* Starts the scheduler thread. NULL when out of memory or no thread. */
relay_ask_sched *relay_ask_sched_start(void);
/* Resumes every suspended reader of every stream (registry->mu held by
 * the caller, who marked them stopping), then ends and joins the thread. */
void relay_ask_sched_stop(relay_ask_sched *s, relay_ask_registry *reg);
/* After stop: drops the queued entries' references and frees s. */
void relay_ask_sched_free(relay_ask_sched *s);
/* Runs the stream's agent step soon (an answer, a cancel, a stop). Any
 * thread; takes sched->mu only. */
void relay_ask_kick(relay_ask_sched *s, ask_stream *st);
/* Runs the agent step at monotonic time at_ms (replacing the previous
 * agent entry). Scheduler thread (a step's own next wake). */
void relay_ask_wake_at(relay_ask_sched *s, ask_stream *st, long long at_ms);
/* Runs the agent step again in the tick now running, behind every step
 * already due (replacing the previous agent entry): pacing off yields to
 * the other streams without waiting for the next tick. Scheduler thread. */
void relay_ask_yield(relay_ask_sched *s, ask_stream *st);
/* A heartbeat check of the stream's readers at at_ms. stream->mu held. */
void relay_ask_heartbeat_at(relay_ask_sched *s, ask_stream *st, long long at_ms);
/* Suspended readers resumed, the batches they were handed to
 * libmicrohttpd in, and the frames the scheduler wrote straight to a
 * suspended reader's socket, since start or the last reset_counts (GET
 * /_control/streams "reader_resumes", "resume_batches", "direct_frames").
 * Any thread. */
void relay_ask_sched_counts(relay_ask_sched *s, long long *resumes,
                            long long *batches, long long *direct);
void relay_ask_sched_reset_counts(relay_ask_sched *s);
/* Watches a suspending reader's socket for the client leaving, from its
 * first suspension until relay_ask_unwatch (stream->mu held; the reader is
 * suspended from now on; a no-op when already watched). */
void relay_ask_watch(relay_ask_sched *s, ask_sub *sub, cmdop__socket fd);
/* Stops watching the reader's socket (stream->mu held, the socket still
 * open: its response is ending or being released). */
void relay_ask_unwatch(relay_ask_sched *s, ask_sub *sub);
/* Hands a released reader (unlinked from its stream, unwatched) to the
 * scheduler, which frees it; any thread, no stream lock needed. */
void relay_ask_retire(relay_ask_sched *s, ask_sub *sub);
/* Scheduler thread, stream->mu held: resumes every suspended reader of st
 * (all = false: only those whose heartbeat is due at now_ms; returns the
 * earliest heartbeat still pending, 0 none). A reader with a direct write
 * still going out (ask_sub.raw) is resumed only to end (gone, cancelled,
 * stopping); otherwise it is looked at again once that write is out. */
long long relay_ask_resume_subs(relay_ask_sched *s, ask_stream *st, bool all,
                                long long now_ms);
/* Scheduler thread, stream->mu held: st stored new frames. Each suspended
 * reader either gets them written to its socket by the scheduler at the
 * end of the batch, while its connection stays suspended (a plain paced
 * frame of an HTTP/1.1 reader: no resume, no polling-thread wake), or is
 * resumed (the terminal frame, the injections, anything else). */
void relay_ask_frames_ready(relay_ask_sched *s, ask_stream *st);

/* ---- the SSE side (relay_ask_sse.c) ------------------------------------- */
/* One connection reading a stream. The fields the scheduler uses are under
 * the stream's mu. */
struct ask_sub {
    ask_sub *next_sub;              /* st->subs */
    ask_stream *st;
    void *conn;                     /* struct MHD_Connection * */
    cmdop__socket fd;               /* the client's socket, CMDOP__NO_SOCKET if unknown */
    size_t next;                    /* seq of the next frame to hand out */
    size_t off;                     /* bytes of it (or of lit) already out */
    const char *lit;                /* a ping or the malformed block, or NULL */
    bool ended;                     /* the terminal frame was handed out */
    bool dropped;                   /* the relay closed it (injected drop) */
    bool suspended;                 /* parked until the scheduler resumes it */
    bool watched;                   /* fd in the scheduler's gone-watch (kept
                                       across suspensions until the end) */
    bool gone;                      /* the scheduler saw the client leave */
    bool chunked;                   /* the response is chunked (HTTP/1.1):
                                       the scheduler may write frames itself */
    bool queued;                    /* in the scheduler's direct-write list */
    char *raw;                      /* bytes of a direct write still to go
                                       out (raw_len, raw_off), or NULL */
    size_t raw_len, raw_off;
    unsigned generation;            /* st->generation when it started */
    long long last_out_ms;          /* when bytes were last handed out */
};
/* Starts serving `st` on q's connection (q->conn, struct MHD_Connection *;
 * NULL in unit tests) from the frame after `after_seq`: a 200
 * text/event-stream into out. The stream gains a subscriber until the
 * server releases the response. Returns false (out untouched) when out of
 * memory. registry->mu held. */
bool relay_ask_serve(relay_resp *out, ask_stream *st, const relay_req *q,
                     size_t after_seq);

/* ---- the simulated agent (relay_ask_agent.c) ---------------------------- */
/* One step of the agent (scheduler thread): emits what is due and arranges
 * its next wake (relay_ask_wake_at), or waits for a kick, or finishes. */
void relay_ask_agent_step(relay_ask_sched *s, ask_stream *st);

/* ---- routes ------------------------------------------------------------- */
extern const relay_route relay_ask_routes[];          /* relay_ask.c */
extern const relay_route relay_ask_control_routes[];  /* relay_ask_control.c */

#endif /* RELAY_ASK_H */
