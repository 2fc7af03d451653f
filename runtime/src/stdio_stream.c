/*
 * stdio_stream.c — streams over stdio (stdio_stream.h): one pump thread per
 * open stream, frames routed to envelope kinds and arms by their tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ask.h"
#include "cmdop/error.h"
#include "ask_stream.h"
#include "op_descs.h"
#include "stdio_map.h"
#include "stdio_stream.h"

typedef struct sstream {
    uint32_t id;
    const cmdop__stream_desc *sd;
    cmdop_ask_stream *s;
    json_t *args;                 /* the request's args (path params for answers) */
    pthread_t pump;
    bool finished;                /* the pump wrote the terminal frame */
    bool official;                /* a client without hello: 1.1 stream error codes */
    bool collect;                 /* COLLECT: one RESPONSE with the collected text */
    cmdop__stdio_streams *owner;
    struct sstream *next;
} sstream;

struct cmdop__stdio_streams {
    cmdop_client *client;
    cmdop__stdio_writer *w;
    pthread_mutex_t mu;
    sstream *head;
    size_t open;
};

const cmdop__stream_desc *cmdop__stdio_stream_desc(const cmdop__op_desc *op)
{
    /* the generated table of every `-> stream` op (stream_desc.h) */
    for (size_t i = 0; i < cmdop__stream_descs_count; i++)
        if (cmdop__stream_descs[i]->op == op)
            return cmdop__stream_descs[i];
    return NULL;
}

cmdop__stdio_streams *cmdop__stdio_streams_new(cmdop_client *client, cmdop__stdio_writer *w)
{
    cmdop__stdio_streams *ss = calloc(1, sizeof *ss);
    if (!ss)
        return NULL;
    ss->client = client;
    ss->w = w;
    pthread_mutex_init(&ss->mu, NULL);
    return ss;
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

/* One frame -> one envelope on the stream's id. */
static void send_frame(sstream *st, const cmdop_ask_frame *f)
{
    /* a 1.1 client has no `unknown` arm (it would see an ask_frame with no
     * arm set); the 1.1 core drops a frame type it does not know, so do we */
    if (st->official && f->kind == CMDOP_ASK_FRAME_UNKNOWN)
        return;
    cmdop__stdio_writer *w = st->owner->w;
    char *text = cmdop_ask_frame_to_json(f);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    const char *tag = json_string_value(json_object_get(j, "type"));
    char tagbuf[64];
    snprintf(tagbuf, sizeof tagbuf, "%s", tag ? tag : "");
    json_object_del(j, "type");

    const ProtobufCFieldDescriptor *arm = NULL;
    Cmdop__Core__V1__Kind kind = CMDOP__CORE__V1__KIND__KIND_EVENT;
    json_t *doc = NULL;
    if (strcmp(tagbuf, "done") == 0) {
        kind = CMDOP__CORE__V1__KIND__KIND_DONE;
        arm = env_arm_named("done");
        doc = json_incref(j);
    } else if (is_channel_arm(st->sd, tagbuf) && env_arm_named(tagbuf)) {
        kind = CMDOP__CORE__V1__KIND__KIND_CALLBACK;
        arm = env_arm_named(tagbuf);
        doc = json_incref(j);
    } else {
        /* event, pin_denied, and tags this build does not know: those go in
         * the union's `unknown` arm (IDL `unknown @N`) with the raw tag and
         * the whole frame's JSON, so the client loses nothing */
        arm = cmdop__stdio_arm(st->sd->op->env_resp_field);
        const ProtobufCMessageDescriptor *af = arm ? arm->descriptor : NULL;
        doc = json_object();
        if (f->kind == CMDOP_ASK_FRAME_UNKNOWN) {
            if (af && protobuf_c_message_descriptor_get_field_by_name(af, "unknown"))
                json_object_set_new(doc, "unknown",
                                    json_pack("{s:s, s:s}", "type", tagbuf, "raw_json",
                                              f->raw_json ? f->raw_json : "{}"));
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
        cmdop__stdio_send(w, st->id, kind, (int)arm->id, m);
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

static void send_end_error(sstream *st, const cmdop_error *e)
{
    if (st->official && e && e->code == CMDOP_EAGENT) {
        cmdop_error mapped = *e;
        mapped.code_str = official_agent_code(e->code_str);
        cmdop__stdio_send_error(st->owner->w, st->id, &mapped);
        return;
    }
    cmdop__stdio_send_error(st->owner->w, st->id, e);
}

/* COLLECT: the C API's collect (the one rule: done.text if not empty, else
 * the concatenated deltas) -> RESPONSE + `collected`, or the stream's ERROR. */
static void pump_collect(sstream *st)
{
    char *text = NULL;
    if (cmdop_ask_stream_collect(st->s, &text) != 0) {
        send_end_error(st, cmdop_error_last());
        return;
    }
    Cmdop__Core__V1__Collected c = CMDOP__CORE__V1__COLLECTED__INIT;
    c.text = text;
    cmdop__stdio_send(st->owner->w, st->id, CMDOP__CORE__V1__KIND__KIND_RESPONSE,
                      CMDOP__CORE__V1__ENVELOPE__PAYLOAD_COLLECTED, &c.base);
    free(text);
}

static void *pump(void *arg)
{
    sstream *st = arg;
    if (st->collect) {
        pump_collect(st);
        goto out;
    }
    for (;;) {
        cmdop_ask_frame *f = NULL;
        int rc = cmdop_ask_stream_next(st->s, &f);
        if (rc == 0) {
            send_frame(st, f);
            cmdop_ask_frame_free(f);
            continue;
        }
        /* after `done` the stream is over; any other end is its one ERROR */
        if (rc != CMDOP_ITEROVER)
            send_end_error(st, cmdop_error_last());
        break;
    }
out:
    pthread_mutex_lock(&st->owner->mu);
    st->finished = true;
    pthread_mutex_unlock(&st->owner->mu);
    return NULL;
}

static void free_stream(sstream *st)
{
    cmdop_ask_stream_free(st->s);
    json_decref(st->args);
    free(st);
}

/* Join and free the streams whose pump has ended (caller holds mu; a
 * finished pump only has to return, so the join is short). */
static void reap(cmdop__stdio_streams *ss)
{
    sstream **pp = &ss->head;
    while (*pp) {
        sstream *st = *pp;
        if (!st->finished) {
            pp = &st->next;
            continue;
        }
        *pp = st->next;
        pthread_join(st->pump, NULL);
        ss->open--;
        free_stream(st);
    }
}

static sstream *find_open(cmdop__stdio_streams *ss, uint32_t id)
{
    for (sstream *st = ss->head; st; st = st->next)
        if (st->id == id && !st->finished)
            return st;
    return NULL;
}

void cmdop__stdio_streams_open(cmdop__stdio_streams *ss, uint32_t id,
                               const cmdop__stream_desc *sd, const json_t *args, bool official,
                               bool collect)
{
    pthread_mutex_lock(&ss->mu);
    reap(ss);
    size_t open = ss->open;
    pthread_mutex_unlock(&ss->mu);
    if (open >= CMDOP__STDIO_MAX_STREAMS) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: %d streams are open already", sd->op->name,
                 CMDOP__STDIO_MAX_STREAMS);
        cmdop__stdio_send_error_code(ss->w, id, "unavailable", msg);
        return;
    }
    sstream *st = calloc(1, sizeof *st);
    if (!st || !(st->args = json_deep_copy(args))) {
        free(st);
        cmdop__stdio_send_error_code(ss->w, id, "internal", "out of memory");
        return;
    }
    st->id = id;
    st->sd = sd;
    st->owner = ss;
    st->official = official;
    st->collect = collect;
    /* returns at once: validation and the credential check happen here,
     * the answer (frames or an error status) is read by the pump */
    if (cmdop__ask_open(ss->client, sd, args, &st->s) != 0) {
        cmdop__stdio_send_error(ss->w, id, cmdop_error_last());
        free_stream(st);
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_mutex_lock(&ss->mu);
    int rc = pthread_create(&st->pump, &attr, pump, st);
    if (rc == 0) {
        st->next = ss->head;
        ss->head = st;
        ss->open++;
    }
    pthread_mutex_unlock(&ss->mu);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        cmdop__stdio_send_error_code(ss->w, id, "internal", "cannot start the stream's thread");
        free_stream(st);
    }
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
        cmdop_ask_stream_cancel(st->s);   /* thread-safe; the pump answers */
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
    for (size_t i = 0; st && i < st->sd->n_channels; i++) {
        /* the IDL's `channel pin ... answer pin_answer`: arm = name + _answer */
        const char *n = st->sd->channels[i].name;
        size_t k = strlen(n);
        if (strncmp(arm_name, n, k) == 0 && strcmp(arm_name + k, "_answer") == 0)
            ch = &st->sd->channels[i];
    }
    json_t *a = ch ? json_deep_copy(body) : NULL;
    if (a) {
        for (size_t i = 0; i < ch->op->n_params; i++) {
            const cmdop__param_desc *p = &ch->op->params[i];
            json_t *v = json_object_get(st->args, p->name);
            if ((p->in == CMDOP__IN_PATH || p->in == CMDOP__IN_CONTEXT) && v)
                json_object_set(a, p->name, v);
        }
    }
    /* a confirm's answer is the rest of the stream: the stream sends it
     * itself and switches to it (ask_stream.h); st->s lives while mu is
     * held (only reap frees it, under mu) */
    int taken = a ? cmdop__ask_answer_async(st->s, ch->name, a) : 0;
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
    pthread_mutex_lock(&ss->mu);
    for (sstream *st = ss->head; st; st = st->next)
        if (!st->finished)
            cmdop_ask_stream_cancel(st->s);
    sstream *all = ss->head;
    ss->head = NULL;
    pthread_mutex_unlock(&ss->mu);
    while (all) {
        sstream *next = all->next;
        pthread_join(all->pump, NULL);
        free_stream(all);
        all = next;
    }
    pthread_mutex_destroy(&ss->mu);
    free(ss);
}
