/*
 * stdio_stream.c — streams over stdio (stdio_stream.h): one dispatcher
 * thread for every open stream of any stream op, woken by the streams'
 * notify hooks; frames routed to envelope kinds and arms by their tag and
 * the op's descriptor (stream_desc.h), written in batches.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "ask_stream.h"
#include "ask_stream_json.h"
#include "http_loop.h"
#include "op_descs.h"
#include "op_table.h"
#include "port.h"
#include "stdio_frame.h"
#include "stdio_map.h"
#include "stdio_stream.h"

#ifndef _WIN32
#include <sys/resource.h>
#endif

/* Frames one stream may put in a batch before the others get their turn. */
#define TURN_FRAMES 64
/* A batch is written once it holds this much (or nothing else is ready). */
#define BATCH_BYTES (64u * 1024u)
/* With this many streams open, a batch smaller than COALESCE_BYTES that
 * nothing else is ready to join waits up to COALESCE_MS for more before it
 * is written, and the dispatcher sleeps through that wait unwoken: else a
 * client that reads at once drains every batch, the dispatcher sleeps after
 * each few frames and every frame's notify wakes it (10,000 paced streams
 * under the Node client: about 15 frames a write, 11% of the core's CPU in
 * futex wake-ups). A few streams are written at once, as before. */
#define COALESCE_STREAMS 256
#define COALESCE_BYTES (16u * 1024u)
#define COALESCE_MS 2
/* Buckets of the id table (a power of two). */
#define N_BUCKETS 4096u

typedef struct sstream {
    uint32_t id;
    const cmdop__stream_desc *sd;
    cmdop__stream *s;
    json_t *args;                 /* the request's args (path params for answers) */
    bool official;                /* a client without hello: 1.1 stream error codes */
    bool collect;                 /* COLLECT: one RESPONSE with the collected text */
    cmdop__strbuf acc;            /* COLLECT: the pieces so far (dispatcher only) */
    char *final;                  /* COLLECT: the final text, once seen */
    cmdop__stdio_streams *owner;
    bool finished;                /* its terminal frame is written (under mu) */
    bool uncounted;               /* its place under max no longer held (under mu) */
    struct sstream *hnext;        /* the id table's chain (under mu) */
    bool ready;                   /* on the ready list (under rmu) */
    bool gone;                    /* being freed: not to be queued (under rmu) */
    struct sstream *rnext;        /* the ready list (under rmu) */
} sstream;

struct cmdop__stdio_streams {
    cmdop_client *client;
    cmdop__stdio_writer *w;
    size_t max;                   /* open streams allowed (option max_streams) */
    pthread_mutex_t mu;           /* the id table and the counts */
    pthread_cond_t all_done;      /* unfinished reached 0 (close waits) */
    sstream *buckets[N_BUCKETS];
    atomic_size_t open;           /* in the table: not yet freed (changed
                                     under mu; the dispatcher reads it) */
    size_t unfinished;            /* in the table, terminal frame not written */
    /* the ready list: streams with something for the dispatcher (innermost
     * lock: taken under a stream's own lock by the notify hook) */
    pthread_mutex_t rmu;
    pthread_cond_t rcv;
    sstream *rhead, *rtail;
    bool waiting;                 /* the dispatcher sleeps on rcv */
    bool stop;
    pthread_t dispatcher;
    cmdop__strbuf out;            /* the batch being built (dispatcher only) */
};

const cmdop__stream_desc *cmdop__stdio_stream_desc(const cmdop__op_desc *op)
{
    /* the generated table of every `-> stream` op (stream_desc.h) */
    for (size_t i = 0; i < cmdop__stream_descs_count; i++)
        if (cmdop__stream_descs[i]->op == op)
            return cmdop__stream_descs[i];
    return NULL;
}

static bool is_channel_arm(const cmdop__stream_desc *sd, const char *tag)
{
    for (size_t i = 0; i < sd->n_channels; i++)
        if (strcmp(sd->channels[i].on_arm, tag) == 0)
            return true;
    return false;
}

/* Envelope arm named `name` whose message is `d` (or any when d is NULL). */
static const ProtobufCFieldDescriptor *env_arm_named(const char *name)
{
    return protobuf_c_message_descriptor_get_field_by_name(
        &cmdop__core__v1__envelope__descriptor, name);
}

#define MEMBER(type, p, off) (*(type *)((char *)(p) + (off)))

/* One field of a typed arm record into its protobuf message, as the JSON
 * route sets it (to_jsont, then cmdop__stdio_json_to_msg); false when that
 * route must decide (a type this does not expect, JSON text it would
 * re-encode). A string is the record's own, borrowed: the message is packed
 * and dropped while the record lives, never freed as a whole. */
static bool field_to_msg(const cmdop__frame_field *ff, const void *rec, ProtobufCMessage *m,
                         const ProtobufCFieldDescriptor *pf)
{
    if (!pf || pf->label == PROTOBUF_C_LABEL_REPEATED || (pf->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return false;
    bool has = ff->has_offset < 0 || MEMBER(bool, rec, ff->has_offset);
    switch (ff->kind) {
    case CMDOP__FF_STR:
    case CMDOP__FF_JSON: {
        const char *v = MEMBER(const char *, rec, ff->offset);
        if (pf->type != PROTOBUF_C_TYPE_STRING)
            return false;
        if (!v)
            return true;
        /* JSON text goes through json_loads and a compact dump; only text
         * that comes back unchanged is copied as it is */
        if (ff->kind == CMDOP__FF_JSON && !cmdop__json_canonical(v, strlen(v)))
            return false;
        MEMBER(const char *, m, pf->offset) = v;
        return true;
    }
    case CMDOP__FF_I32:
        if (pf->type != PROTOBUF_C_TYPE_INT32 && pf->type != PROTOBUF_C_TYPE_SINT32 &&
            pf->type != PROTOBUF_C_TYPE_SFIXED32)
            return false;
        if (has)
            MEMBER(int32_t, m, pf->offset) = MEMBER(int32_t, rec, ff->offset);
        break;
    case CMDOP__FF_I64:
        if (pf->type != PROTOBUF_C_TYPE_INT64 && pf->type != PROTOBUF_C_TYPE_SINT64 &&
            pf->type != PROTOBUF_C_TYPE_SFIXED64)
            return false;
        if (has)
            MEMBER(int64_t, m, pf->offset) = MEMBER(int64_t, rec, ff->offset);
        break;
    case CMDOP__FF_BOOL:
        if (pf->type != PROTOBUF_C_TYPE_BOOL)
            return false;
        if (has)
            MEMBER(protobuf_c_boolean, m, pf->offset) = MEMBER(bool, rec, ff->offset);
        break;
    default:
        return false;
    }
    if (has && pf->label == PROTOBUF_C_LABEL_OPTIONAL)
        MEMBER(protobuf_c_boolean, m, pf->quantifier_offset) = 1;
    return true;
}

/* Messages as big as this are built on the stack (a frame arm's record
 * and the union holding it are a few pointers each). */
#define FRAME_MSG_MAX 512

bool cmdop__stdio_pack_frame(cmdop__strbuf *out, uint32_t id, uint32_t env_arm,
                             const cmdop__frames_desc *fd, const void *f, int kind,
                             const char *tag, const ProtobufCMessageDescriptor *ud)
{
    const cmdop__frame_arm *a = NULL;
    for (size_t i = 0; i < fd->n_arms && !a; i++)
        if (fd->arms[i].kind == kind)
            a = &fd->arms[i];
    const ProtobufCFieldDescriptor *uf =
        a && ud ? protobuf_c_message_descriptor_get_field_by_name(ud, tag) : NULL;
    const void *rec = a ? MEMBER(const void *, f, a->offset) : NULL;
    if (!uf || !rec || uf->type != PROTOBUF_C_TYPE_MESSAGE ||
        !(uf->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return false;
    const ProtobufCMessageDescriptor *rd = uf->descriptor;
    /* per frame, no heap: both messages on the stack, strings borrowed */
    _Alignas(max_align_t) unsigned char ubuf[FRAME_MSG_MAX], rbuf[FRAME_MSG_MAX];
    if (ud->sizeof_message > sizeof ubuf || rd->sizeof_message > sizeof rbuf)
        return false;
    ProtobufCMessage *u = (ProtobufCMessage *)ubuf, *r = (ProtobufCMessage *)rbuf;
    protobuf_c_message_init(ud, u);
    protobuf_c_message_init(rd, r);
    MEMBER(ProtobufCMessage *, u, uf->offset) = r;
    MEMBER(uint32_t, u, uf->quantifier_offset) = uf->id;
    for (size_t i = 0; i < a->n_fields; i++) {
        const cmdop__frame_field *ff = &a->fields[i];
        if (!field_to_msg(ff, rec, r, protobuf_c_message_descriptor_get_field_by_name(rd, ff->name)))
            return false;
    }
    cmdop__stdio_pack_event(out, id, CMDOP__CORE__V1__KIND__KIND_EVENT, env_arm, u);
    return true;
}

/* protobuf-c packs the envelope's fields in field-number order: id 1, kind
 * 2, then the arm's oneof member; written here without walking the
 * envelope's few hundred arm descriptors twice. */
void cmdop__stdio_pack_event(cmdop__strbuf *out, uint32_t id, Cmdop__Core__V1__Kind kind,
                             uint32_t arm, const ProtobufCMessage *u)
{
    size_t un = protobuf_c_message_get_packed_size(u);
    uint8_t head[4 * CMDOP__VARINT_MAX + 2], pre[CMDOP__VARINT_MAX];
    size_t h = 0;
    head[h++] = 0x08; /* field 1, varint */
    h += cmdop__varint_encode(id, head + h);
    head[h++] = 0x10; /* field 2, varint: an enum is packed as an int32 */
    h += cmdop__varint_encode((uint64_t)(int64_t)(int32_t)kind, head + h);
    h += cmdop__varint_encode(((uint64_t)arm << 3) | 2, head + h); /* length-delimited */
    h += cmdop__varint_encode(un, head + h);
    size_t p = cmdop__varint_encode(h + un, pre);
    char *dst = cmdop__sb_reserve(out, p + h + un);
    if (!dst)
        return;
    memcpy(dst, pre, p);
    memcpy(dst + p, head, h);
    protobuf_c_message_pack(u, (uint8_t *)dst + p + h);
    out->len += p + h + un;
    out->s[out->len] = '\0';
}

/* The frequent case (an event, neither the end, a side channel nor an
 * unknown tag): frame f of `kind`, its EVENT envelope straight from the
 * typed frame, appended to `out`; false (nothing appended) for the rest,
 * which send_frame words. */
static bool pack_event(const sstream *st, const void *f, int kind, cmdop__strbuf *out)
{
    const cmdop__frames_desc *fd = st->sd->frames;
    if (kind == fd->unknown_kind || kind == st->sd->ends_kind)
        return false;
    const char *tag = fd->tag(f);
    if (is_channel_arm(st->sd, tag))
        return false;
    const ProtobufCFieldDescriptor *ua = cmdop__stdio_arm(st->sd->op->env_resp_field);
    return ua && cmdop__stdio_pack_frame(out, st->id, ua->id, fd, f, kind, tag, ua->descriptor);
}

/* One frame -> one envelope on the stream's id. */
static void send_frame(sstream *st, const void *f)
{
    const cmdop__frames_desc *fd = st->sd->frames;
    int kind = fd->kind(f);
    /* a 1.1 client has no `unknown` arm (it would see an ask_frame with no
     * arm set); the 1.1 core drops a frame type it does not know, so do we */
    if (st->official && kind == fd->unknown_kind)
        return;
    if (pack_event(st, f, kind, &st->owner->out))
        return;
    json_t *j = fd->to_jsont(f);
    char tagbuf[64];
    snprintf(tagbuf, sizeof tagbuf, "%s", fd->tag(f));
    json_object_del(j, fd->tag_key);

    const ProtobufCFieldDescriptor *arm = NULL;
    Cmdop__Core__V1__Kind ekind = CMDOP__CORE__V1__KIND__KIND_EVENT;
    json_t *doc = NULL;
    if (kind == st->sd->ends_kind && env_arm_named(tagbuf)) {
        ekind = CMDOP__CORE__V1__KIND__KIND_DONE;
        arm = env_arm_named(tagbuf);
        doc = json_incref(j);
    } else if (is_channel_arm(st->sd, tagbuf) && env_arm_named(tagbuf)) {
        ekind = CMDOP__CORE__V1__KIND__KIND_CALLBACK;
        arm = env_arm_named(tagbuf);
        doc = json_incref(j);
    } else {
        /* the other arms, and tags this build does not know: those go in
         * the union's `unknown` arm (IDL `unknown @N`) with the raw tag and
         * the whole frame's JSON, so the client loses nothing */
        arm = cmdop__stdio_arm(st->sd->op->env_resp_field);
        const ProtobufCMessageDescriptor *af = arm ? arm->descriptor : NULL;
        doc = json_object();
        if (kind == fd->unknown_kind) {
            const char *raw = fd->raw_json(f);
            if (af && protobuf_c_message_descriptor_get_field_by_name(af, "unknown"))
                json_object_set_new(doc, "unknown",
                                    json_pack("{s:s, s:s}", "type", tagbuf, "raw_json",
                                              raw ? raw : "{}"));
        } else if (af && protobuf_c_message_descriptor_get_field_by_name(af, tagbuf) && j) {
            json_object_set(doc, tagbuf, j);
        }
    }
    json_decref(j);
    char err[256];
    ProtobufCMessage *m = NULL;
    int rc = arm && doc ? cmdop__stdio_json_to_msg(arm->descriptor, doc, &m, err, sizeof err)
                        : CMDOP_ENOMEM;
    json_decref(doc);
    if (rc == 0)
        cmdop__stdio_pack(&st->owner->out, st->id, ekind, (int)arm->id, m);
    protobuf_c_message_free_unpacked(m, NULL);
}

/* The 1.1 core's code for an agent's own stream error (an SSE `error` frame
 * other than the PIN verdicts, CMDOP_EAGENT here), measured against the
 * official 1.1.1 core: machine_offline -> unavailable; timeout and internal
 * stay; every other code -> internal (docs/stdio.md "Streams"). Our clients
 * (hello) get the agent's code verbatim. */
static const char *official_agent_code(const char *code)
{
    if (code && strcmp(code, "machine_offline") == 0)
        return "unavailable";
    if (code && strcmp(code, "timeout") == 0)
        return "timeout";
    return "internal";
}

/* Write the batch built so far (dispatcher). Blocks while the client does
 * not read: the stream queues then fill and their connections pause. */
static void flush(cmdop__stdio_streams *ss)
{
    if (ss->out.len || ss->out.failed)
        cmdop__stdio_send_batch(ss->w, &ss->out);
}

static void send_end_error(sstream *st, const cmdop_error *e)
{
    flush(st->owner);   /* after the stream's frames */
    if (st->official && e && e->code == CMDOP_EAGENT) {
        cmdop_error mapped = *e;
        mapped.code_str = official_agent_code(e->code_str);
        cmdop__stdio_send_error(st->owner->w, st->id, &mapped);
        return;
    }
    cmdop__stdio_send_error(st->owner->w, st->id, e);
}

/* COLLECT ended with `done`: the C API's collect rule (done.text if not
 * empty, else the concatenated deltas) -> RESPONSE + `collected`. */
static void send_collected(sstream *st)
{
    char *text = NULL;
    char *final = st->final;
    st->final = NULL;
    if (cmdop__stream_collect_end(&st->acc, final, &text) != 0) {
        send_end_error(st, cmdop_error_last());
        return;
    }
    Cmdop__Core__V1__Collected c = CMDOP__CORE__V1__COLLECTED__INIT;
    c.text = text;
    flush(st->owner);
    cmdop__stdio_send(st->owner->w, st->id, CMDOP__CORE__V1__KIND__KIND_RESPONSE,
                      CMDOP__CORE__V1__ENVELOPE__PAYLOAD_COLLECTED, &c.base);
    free(text);
}

static void free_stream(sstream *st)
{
    cmdop__stream_free(st->s);
    json_decref(st->args);
    cmdop__sb_free(&st->acc);
    free(st->final);
    free(st);
}

/* Put `st` on the ready list unless it is there already (rmu held). */
static void enqueue_locked(cmdop__stdio_streams *ss, sstream *st)
{
    /* after stop nobody takes the list: cmdop__stdio_streams_close frees
     * what is left, and a stream's last callbacks come while it does */
    if (st->ready || st->gone || ss->stop)
        return;
    st->ready = true;
    st->rnext = NULL;
    if (ss->rtail)
        ss->rtail->rnext = st;
    else
        ss->rhead = st;
    ss->rtail = st;
    if (ss->waiting)
        pthread_cond_signal(&ss->rcv);
}

/* The stream's notify hook (ask_stream.h): runs under the stream's lock on
 * the loop thread, the reader thread (cancel) or the dispatcher. */
static void on_notify(void *ctx)
{
    sstream *st = ctx;
    cmdop__stdio_streams *ss = st->owner;
    pthread_mutex_lock(&ss->rmu);
    enqueue_locked(ss, st);
    pthread_mutex_unlock(&ss->rmu);
}

static sstream **slot_of(cmdop__stdio_streams *ss, uint32_t id)
{
    return &ss->buckets[(id * 2654435761u) >> 20 & (N_BUCKETS - 1)];
}

/* A finished stream: free it once the loop has let go of its connections
 * (else the notify hook brings it back when it has). */
static void try_free(cmdop__stdio_streams *ss, sstream *st)
{
    if (!cmdop__stream_release(st->s))
        return;
    /* a notify that came after this stream was taken off the ready list put
     * it back: it is freed when the dispatcher takes it again */
    pthread_mutex_lock(&ss->rmu);
    bool queued = st->ready;
    if (!queued)
        st->gone = true;
    pthread_mutex_unlock(&ss->rmu);
    if (queued)
        return;
    pthread_mutex_lock(&ss->mu);
    for (sstream **pp = slot_of(ss, st->id); *pp; pp = &(*pp)->hnext)
        if (*pp == st) {
            *pp = st->hnext;
            break;
        }
    if (!st->uncounted)
        ss->open--;
    pthread_mutex_unlock(&ss->mu);
    free_stream(st);
}

/* The stream is over: its place under max_streams is free, before the
 * client can read its end, so an open that follows the end is never refused
 * (the stream itself is freed later, when the loop lets go of it). */
static void uncount(cmdop__stdio_streams *ss, sstream *st)
{
    pthread_mutex_lock(&ss->mu);
    if (!st->uncounted) {
        st->uncounted = true;
        ss->open--;
    }
    pthread_mutex_unlock(&ss->mu);
}

/* Its terminal frame is written: CANCEL and ANSWER no longer find it. */
static void mark_finished(cmdop__stdio_streams *ss, sstream *st)
{
    pthread_mutex_lock(&ss->mu);
    st->finished = true;
    if (--ss->unfinished == 0)
        pthread_cond_broadcast(&ss->all_done);
    pthread_mutex_unlock(&ss->mu);
}

/* One turn of a ready stream: up to TURN_FRAMES frames into the batch, or
 * its end. True when it may have more now (it goes to the back). */
static bool serve(cmdop__stdio_streams *ss, sstream *st)
{
    for (int i = 0; i < TURN_FRAMES; i++) {
        void *f = NULL;
        int rc = cmdop__stream_try_next(st->s, &f);
        if (rc == 1)
            return false;   /* nothing yet: the notify hook brings it back */
        if (rc == 0) {
            if (st->sd->frames->kind(f) == st->sd->ends_kind)
                uncount(ss, st);
            if (st->collect)
                cmdop__stream_collect_add(st->sd, f, &st->acc, &st->final);
            else
                send_frame(st, f);
            st->sd->frames->free(f);
            if (ss->out.len >= BATCH_BYTES)
                flush(ss);
            continue;
        }
        /* after `done` the stream is over; any other end is its one ERROR */
        uncount(ss, st);
        if (rc == CMDOP_ITEROVER && st->collect)
            send_collected(st);
        else if (rc != CMDOP_ITEROVER)
            send_end_error(st, cmdop_error_last());
        mark_finished(ss, st);
        try_free(ss, st);
        return false;
    }
    return true;
}

/* The one thread that writes every stream's frames, whichever stream has
 * some, in batches (stdio_stream.h). */
static void *dispatch(void *arg)
{
    cmdop__stdio_streams *ss = arg;
    int64_t flush_at = 0;   /* a small batch's deadline while it waits for more */
    pthread_mutex_lock(&ss->rmu);
    for (;;) {
        if (!ss->rhead) {
            if (ss->out.len) {
                if (!ss->stop && ss->out.len < COALESCE_BYTES && ss->open >= COALESCE_STREAMS) {
                    int64_t now = cmdop__now_ms();
                    if (!flush_at)
                        flush_at = now + COALESCE_MS;
                    if (now < flush_at) {
                        /* not `waiting`: a stream that gets ready meanwhile
                         * does not wake this thread (a wake-up a frame is
                         * what the wait saves); the deadline does */
                        struct timespec until = {(time_t)(flush_at / 1000),
                                                 (long)(flush_at % 1000) * 1000000L};
                        cmdop__port_cond_timedwait(&ss->rcv, &ss->rmu, &until);
                        continue;
                    }
                }
                /* nothing else is ready: what was batched goes out now */
                flush_at = 0;
                pthread_mutex_unlock(&ss->rmu);
                flush(ss);
                pthread_mutex_lock(&ss->rmu);
                continue;
            }
            if (ss->stop)
                break;
            ss->waiting = true;
            pthread_cond_wait(&ss->rcv, &ss->rmu);
            ss->waiting = false;
            continue;
        }
        sstream *st = ss->rhead;
        ss->rhead = st->rnext;
        if (!ss->rhead)
            ss->rtail = NULL;
        st->ready = false;
        pthread_mutex_unlock(&ss->rmu);
        /* `finished` is written by this thread only: no lock to read it */
        bool more;
        if (st->finished) {
            try_free(ss, st);
            more = false;
        } else {
            more = serve(ss, st);
        }
        pthread_mutex_lock(&ss->rmu);
        if (more)
            enqueue_locked(ss, st);
    }
    pthread_mutex_unlock(&ss->rmu);
    return NULL;
}

/* The client option max_streams (IDL common.cmdop `client`): its env var
 * when a positive integer, else its default. */
static size_t max_streams(void)
{
    const cmdop__option_desc *o = &cmdop__options[CMDOP__OPT_MAX_STREAMS];
    const char *v = getenv(o->env[0]);
    if (!v || !*v)
        v = o->default_value;
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;
    return n > 0 && end && *end == '\0' ? (size_t)n : CMDOP__STDIO_MAX_STREAMS;
}

cmdop__stdio_streams *cmdop__stdio_streams_new(cmdop_client *client, cmdop__stdio_writer *w)
{
    cmdop__stdio_streams *ss = calloc(1, sizeof *ss);
    if (!ss)
        return NULL;
    ss->client = client;
    ss->w = w;
    ss->max = max_streams();
#ifndef _WIN32
    /* every open stream holds a socket: let the descriptors follow the
     * stream limit up to what the system allows this process */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
#endif
    pthread_mutex_init(&ss->mu, NULL);
    pthread_cond_init(&ss->all_done, NULL);
    pthread_mutex_init(&ss->rmu, NULL);
    cmdop__port_cond_init_monotonic(&ss->rcv);
    if (pthread_create(&ss->dispatcher, NULL, dispatch, ss) != 0) {
        pthread_cond_destroy(&ss->rcv);
        pthread_mutex_destroy(&ss->rmu);
        pthread_cond_destroy(&ss->all_done);
        pthread_mutex_destroy(&ss->mu);
        free(ss);
        return NULL;
    }
    return ss;
}

static sstream *find_open(cmdop__stdio_streams *ss, uint32_t id)
{
    for (sstream *st = *slot_of(ss, id); st; st = st->hnext)
        if (st->id == id && !st->finished)
            return st;
    return NULL;
}

void cmdop__stdio_streams_open(cmdop__stdio_streams *ss, uint32_t id,
                               const cmdop__stream_desc *sd, const json_t *args, bool official,
                               bool collect)
{
    if (collect && !sd->collect_final) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s declares no collect", sd->op->name);
        cmdop__stdio_send_error_code(ss->w, id, "unsupported", msg);
        return;
    }
    pthread_mutex_lock(&ss->mu);
    bool full = ss->open >= ss->max;
    if (!full) {
        ss->open++;         /* the place is held while it opens */
        ss->unfinished++;
    }
    pthread_mutex_unlock(&ss->mu);
    if (full) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s: %zu streams are open already (%s)", sd->op->name,
                 ss->max, cmdop__options[CMDOP__OPT_MAX_STREAMS].env[0]);
        cmdop__stdio_send_error_code(ss->w, id, "unavailable", msg);
        return;
    }
    sstream *st = calloc(1, sizeof *st);
    int rc = CMDOP_ENOMEM;
    if (st && (st->args = json_deep_copy(args)) != NULL) {
        st->id = id;
        st->sd = sd;
        st->owner = ss;
        st->official = official;
        st->collect = collect;
        /* returns at once: validation and the credential check happen here,
         * the answer (frames or an error status) reaches the dispatcher */
        rc = cmdop__stream_open(ss->client, sd, args, &st->s);
        if (rc != 0)
            cmdop__stdio_send_error(ss->w, id, cmdop_error_last());
    } else {
        cmdop__stdio_send_error_code(ss->w, id, "internal", "out of memory");
    }
    pthread_mutex_lock(&ss->mu);
    if (rc != 0) {
        ss->open--;
        if (--ss->unfinished == 0)
            pthread_cond_broadcast(&ss->all_done);
    } else {
        sstream **slot = slot_of(ss, id);
        st->hnext = *slot;
        *slot = st;
    }
    pthread_mutex_unlock(&ss->mu);
    if (rc != 0) {
        if (st) {
            json_decref(st->args);
            free(st);
        }
        return;
    }
    cmdop__stream_set_notify(st->s, on_notify, st);
    on_notify(st);      /* what came before the hook was set */
}

bool cmdop__stdio_streams_has(cmdop__stdio_streams *ss, uint32_t id)
{
    pthread_mutex_lock(&ss->mu);
    bool has = find_open(ss, id) != NULL;
    pthread_mutex_unlock(&ss->mu);
    return has;
}

bool cmdop__stdio_streams_cancel(cmdop__stdio_streams *ss, uint32_t id)
{
    pthread_mutex_lock(&ss->mu);
    sstream *st = find_open(ss, id);
    if (st)
        cmdop__stream_cancel(st->s);   /* thread-safe; the dispatcher answers */
    pthread_mutex_unlock(&ss->mu);
    return st != NULL;
}

int cmdop__stdio_streams_answer(cmdop__stdio_streams *ss, uint32_t id, const char *arm_name,
                                const json_t *body, const cmdop__op_desc **op, json_t **args)
{
    *op = NULL;
    *args = NULL;
    pthread_mutex_lock(&ss->mu);
    sstream *st = find_open(ss, id);
    const cmdop__channel_desc *ch = NULL;
    for (size_t i = 0; st && i < st->sd->n_channels; i++)
        if (strcmp(arm_name, st->sd->channels[i].answer_arm) == 0) /* IDL `answer <arm>` */
            ch = &st->sd->channels[i];
    json_t *a = ch ? json_deep_copy(body) : NULL;
    if (a) {
        for (size_t i = 0; i < ch->op->n_params; i++) {
            const cmdop__param_desc *p = &ch->op->params[i];
            json_t *v = json_object_get(st->args, p->name);
            if ((p->in == CMDOP__IN_PATH || p->in == CMDOP__IN_CONTEXT) && v)
                json_object_set(a, p->name, v);
        }
    }
    /* a `continues` channel's answer is the rest of the stream: the stream
     * sends it itself and switches to it (ask_stream.h); st->s lives while
     * mu is held (only try_free frees it, after taking it out of the table under mu) */
    int taken = a ? cmdop__stream_answer_async(st->s, ch->name, a) : 0;
    pthread_mutex_unlock(&ss->mu);
    if (taken != 0)
        json_decref(a);
    if (!a || taken != 0)
        return taken > 0 ? 1 : -1;
    *op = ch->op;
    *args = a;
    return 0;
}

void cmdop__stdio_streams_close(cmdop__stdio_streams *ss)
{
    if (!ss)
        return;
    /* cancel every open stream and let the dispatcher write their
     * terminal frames */
    pthread_mutex_lock(&ss->mu);
    for (size_t b = 0; b < N_BUCKETS; b++)
        for (sstream *st = ss->buckets[b]; st; st = st->hnext)
            if (!st->finished)
                cmdop__stream_cancel(st->s);
    while (ss->unfinished > 0)
        pthread_cond_wait(&ss->all_done, &ss->mu);
    pthread_mutex_unlock(&ss->mu);
    pthread_mutex_lock(&ss->rmu);
    ss->stop = true;
    pthread_cond_signal(&ss->rcv);
    pthread_mutex_unlock(&ss->rmu);
    pthread_join(ss->dispatcher, NULL);
    /* what the loop still held when the dispatcher stopped */
    for (size_t b = 0; b < N_BUCKETS; b++) {
        while (ss->buckets[b]) {
            sstream *st = ss->buckets[b];
            ss->buckets[b] = st->hnext;
            free_stream(st);
        }
    }
    cmdop__sb_free(&ss->out);
    pthread_cond_destroy(&ss->rcv);
    pthread_mutex_destroy(&ss->rmu);
    pthread_cond_destroy(&ss->all_done);
    pthread_mutex_destroy(&ss->mu);
    free(ss);
}
