/*
 * relay_ask_stream.c — one ask stream: the frame buffer every connection
 * reads from (all frames kept, so a resume can replay them), its
 * references, and the pending pin/confirm challenge the side channels
 * answer. Everything here takes only the stream's own lock (and the
 * scheduler's, to kick an agent).
 */
#include "relay_ask.h"

#include "port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct timespec ask_deadline(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

long ask_ms_between(struct timespec a, struct timespec b)
{
    return (long)(b.tv_sec - a.tv_sec) * 1000 +
           (b.tv_nsec - a.tv_nsec) / 1000000L;
}

ask_stream *ask_stream_new(relay_ask_registry *reg)
{
    ask_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->reg = reg;
    atomic_init(&st->refs, 1);
    pthread_mutex_init(&st->mu, NULL);
    char u[37];
    relay_new_uuid(u);
    size_t o = (size_t)snprintf(st->id, sizeof st->id, "st_");
    for (size_t i = 0; u[i] && o + 1 < sizeof st->id; i++)
        if (u[i] != '-')
            st->id[o++] = u[i];
    st->id[o] = '\0';
    return st;
}

void ask_stream_ref(ask_stream *st)
{
    atomic_fetch_add(&st->refs, 1);
}

static void stream_free(ask_stream *st)
{
    for (size_t i = 0; i < st->n_frames; i++)
        free(st->frames[i]);
    free(st->frames);
    free(st->frame_lens);
    free(st->machine_id);
    free(st->machine_name);
    free(st->prompt);
    free(st->machine_pin);
    free(st->upfront_pin);
    free(st->text);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

void ask_stream_unref(ask_stream *st)
{
    if (st && atomic_fetch_sub(&st->refs, 1) == 1)
        stream_free(st);
}

/* Appends one SSE frame with the next seq, its data line `data` (dlen
 * bytes of JSON without a newline). mu held. */
static bool append_data(ask_stream *st, const char *type, const char *data,
                        size_t dlen)
{
    if (st->n_frames >= ASK_MAX_FRAMES)
        return false;
    if (st->n_frames == st->cap_frames) {
        size_t cap = st->cap_frames ? st->cap_frames * 2 : 64;
        char **f = realloc(st->frames, cap * sizeof *f);
        if (!f)
            return false;
        st->frames = f;
        size_t *l = realloc(st->frame_lens, cap * sizeof *l);
        if (!l)
            return false;
        st->frame_lens = l, st->cap_frames = cap;
    }
    char seq[24];
    int sl = snprintf(seq, sizeof seq, ".%zu", st->n_frames + 1);
    size_t il = strlen(st->id), tl = strlen(type);
    char *text = malloc(il + (size_t)sl + tl + dlen + 32), *o = text;
    if (!text)
        return false;
#define PUT(p, n) (memcpy(o, (p), (n)), o += (n))
    PUT("id: ", 4);
    PUT(st->id, il);
    PUT(seq, (size_t)sl);
    PUT("\nevent: ", 8);
    PUT(type, tl);
    PUT("\ndata: ", 7);
    PUT(data, dlen);
    PUT("\n\n", 3);   /* with the terminating NUL */
#undef PUT
    st->frame_lens[st->n_frames] = (size_t)(o - text) - 1;
    st->frames[st->n_frames++] = text;
    return true;
}

/* Appends one SSE frame {"type": type, ...obj} (obj stolen). mu held. */
static bool append(ask_stream *st, const char *type, json_t *obj)
{
    /* "type" first, for a reader's eyes. */
    json_t *full = json_pack("{s:s}", "type", type);
    json_object_update(full, obj);
    json_decref(obj);
    /* Compact JSON escapes every control character: one data line. */
    char *data = json_dumps(full, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(full);
    if (!data)
        return false;
    bool ok = append_data(st, type, data, strlen(data));
    free(data);
    return ok;
}

/* The delta event's data line: what append() makes of {"event_type": 1,
 * "payload": {"delta": <delta>}}, byte for byte, without building JSON
 * values (one per frame was most of a frame's cost in user space). Written
 * into buf (cap bytes) when it fits, else into a new block the caller
 * frees; NULL when out of memory. */
static char *delta_data(const char *delta, size_t n, size_t *len, char *buf,
                        size_t cap)
{
    static const char head[] =
        "{\"type\":\"event\",\"event_type\":1,\"payload\":{\"delta\":\"";
    size_t need = sizeof head + n * 6 + 4;
    char *d = need <= cap ? buf : malloc(need);
    if (!d)
        return NULL;
    memcpy(d, head, sizeof head - 1);
    size_t o = sizeof head - 1, k = ask_json_escape(d + o, delta, n);
    if (k == (size_t)-1) {   /* not UTF-8 at this cut: keep it readable */
        d[o] = '?';
        k = 1;
    }
    o += k;
    memcpy(d + o, "\"}}", 4);
    *len = o + 3;
    return d;
}

/* ask_stream_emit's work: obj (stolen) or, when NULL, the delta text of an
 * "event" or the finished data line of another type (`delta`, `delta_len`). */
static bool emit(ask_stream *st, const char *type, json_t *obj,
                 const char *delta, size_t delta_len)
{
    bool term = strcmp(type, "done") == 0 || strcmp(type, "error") == 0;
    pthread_mutex_lock(&st->mu);
    bool ok = !st->cancelled && !st->stopping && !st->terminal;
    /* The injected unknown frame goes after frame N, in front of whatever
     * the agent sends next (a real, resumable frame with its own seq). */
    if (ok && !st->unknown_done && st->ctl.unknown_type_after >= 0 &&
        st->n_frames == (size_t)st->ctl.unknown_type_after) {
        st->unknown_done = true;
        append(st, "telemetry", json_pack("{s:f, s:s}", "cpu_pct", 12.5,
                                          "note", "injected unknown type"));
    }
    /* The injected empty delta, likewise after frame N: an event whose
     * delta is "" and whose payload also has a `text` */
    if (ok && !st->empty_delta_done && st->ctl.empty_delta_after >= 0 &&
        st->n_frames == (size_t)st->ctl.empty_delta_after) {
        st->empty_delta_done = true;
        append(st, "event", json_pack("{s:i, s:{s:s, s:s}}", "event_type", 1, "payload",
                                      "delta", "", "text", "[empty delta]"));
    }
    if (ok && obj) {
        ok = append(st, type, obj);
    } else if (ok && strcmp(type, "event") == 0) {
        /* A delta is a few words: its data line on the stack, so a frame
         * costs one allocation (the stored text), not two. */
        char buf[1024];
        size_t dl;
        char *d = delta_data(delta, delta_len, &dl, buf, sizeof buf);
        ok = d && append_data(st, type, d, dl);
        if (d != buf)
            free(d);
    } else if (ok) {               /* a data line already written */
        ok = append_data(st, type, delta, delta_len);
    } else {
        json_decref(obj);
    }
    if (ok && term) {
        st->terminal = true;
        atomic_fetch_add(&st->reg->completed, 1);
    }
    relay_ask_frames_ready(st->reg->sched, st);
    pthread_mutex_unlock(&st->mu);
    return ok;
}

bool ask_stream_emit(ask_stream *st, const char *type, json_t *obj)
{
    if (!obj && !(obj = json_object()))
        return false;
    return emit(st, type, obj, NULL, 0);
}

bool ask_stream_emit_delta(ask_stream *st, const char *delta, size_t n)
{
    return emit(st, "event", NULL, delta, n);
}

bool ask_stream_emit_done(ask_stream *st, bool success, const char *text,
                          const char *error, long long duration_ms)
{
    size_t tl = strlen(text), el = strlen(error);
    char *d = malloc(96 + 6 * (tl + el));
    if (!d)
        return false;
    size_t o = (size_t)sprintf(d, "{\"type\":\"done\",\"success\":%s,\"text\":\"",
                               success ? "true" : "false");
    size_t k = ask_json_escape(d + o, text, tl);
    if (k != (size_t)-1) {
        o += k;
        memcpy(d + o, "\",\"error\":\"", 11);
        o += 11;
        k = ask_json_escape(d + o, error, el);
    }
    if (k == (size_t)-1) {   /* not UTF-8: the frame jansson would make */
        free(d);
        return ask_stream_emit(st, "done", json_pack(
            "{s:b, s:s, s:s, s:I}", "success", success, "text", text, "error",
            error, "duration_ms", (json_int_t)duration_ms));
    }
    o += k;
    o += (size_t)sprintf(d + o, "\",\"duration_ms\":%lld}", duration_ms);
    bool ok = emit(st, "done", NULL, d, o);
    free(d);
    return ok;
}

void ask_stream_finish(ask_stream *st)
{
    pthread_mutex_lock(&st->mu);
    st->ag = AG_FINISHED;
    st->agent_done = true;
    clock_gettime(CLOCK_MONOTONIC, &st->done_at);
    relay_ask_resume_subs(st->reg->sched, st, true, 0);
    pthread_mutex_unlock(&st->mu);
}

void ask_stream_expect(ask_stream *st, ask_wait what)
{
    char u[37];
    relay_new_uuid(u);
    pthread_mutex_lock(&st->mu);
    snprintf(st->challenge, sizeof st->challenge, "%s%s",
             what == ASK_WAIT_PIN ? "pc_" : "ct_", u);
    st->waiting = what;
    st->answered = false;
    st->answer_ok = false;
    pthread_mutex_unlock(&st->mu);
}

int ask_stream_answered(ask_stream *st, bool *ok)
{
    int rc = 0;
    pthread_mutex_lock(&st->mu);
    if (st->cancelled || st->stopping) {
        rc = -1;
    } else if (st->answered) {
        *ok = st->answer_ok;
        st->waiting = ASK_WAIT_NONE;
        rc = 1;
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

void ask_stream_withdraw(ask_stream *st)
{
    pthread_mutex_lock(&st->mu);
    st->waiting = ASK_WAIT_NONE;   /* a late answer finds nothing: 404 */
    pthread_mutex_unlock(&st->mu);
}

ask_stream *relay_ask_answer(relay_ask_registry *reg, const char *machine_id,
                             ask_wait what, const char *id, const char *pin,
                             bool accept, bool *ok, size_t *after_seq)
{
    for (ask_stream *st = reg->streams; st; st = st->next) {
        pthread_mutex_lock(&st->mu);
        bool hit = st->waiting == what && !st->answered &&
                   strcmp(st->challenge, id) == 0 &&
                   strcmp(st->machine_id, machine_id) == 0;
        if (hit) {
            st->answer_ok = what == ASK_WAIT_PIN
                ? (pin && st->machine_pin && strcmp(pin, st->machine_pin) == 0)
                : accept;
            st->answered = true;
            *ok = st->answer_ok;
            *after_seq = st->n_frames;
            if (what == ASK_WAIT_CONFIRM)
                st->generation++;
        }
        pthread_mutex_unlock(&st->mu);
        if (hit) {
            relay_ask_kick(reg->sched, st);
            return st;
        }
    }
    return NULL;
}
