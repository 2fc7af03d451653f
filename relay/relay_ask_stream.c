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

/* Appends one SSE frame with the next seq. mu held. */
static bool append(ask_stream *st, const char *type, json_t *obj)
{
    if (st->n_frames >= ASK_MAX_FRAMES) {
        json_decref(obj);
        return false;
    }
    if (st->n_frames == st->cap_frames) {
        size_t cap = st->cap_frames ? st->cap_frames * 2 : 64;
        char **f = realloc(st->frames, cap * sizeof *f);
        if (!f) {
            json_decref(obj);
            return false;
        }
        st->frames = f, st->cap_frames = cap;
    }
    /* "type" first, for a reader's eyes. */
    json_t *full = json_pack("{s:s}", "type", type);
    json_object_update(full, obj);
    json_decref(obj);
    /* Compact JSON escapes every control character: one data line. */
    char *data = json_dumps(full, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(full);
    if (!data)
        return false;
    size_t seq = st->n_frames + 1;
    size_t n = strlen(st->id) + strlen(type) + strlen(data) + 64;
    char *text = malloc(n);
    if (text)
        snprintf(text, n, "id: %s.%zu\nevent: %s\ndata: %s\n\n", st->id, seq,
                 type, data);
    free(data);
    if (!text)
        return false;
    st->frames[st->n_frames++] = text;
    return true;
}

bool ask_stream_emit(ask_stream *st, const char *type, json_t *obj)
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
    if (ok)
        ok = append(st, type, obj);
    else
        json_decref(obj);
    if (ok && term) {
        st->terminal = true;
        atomic_fetch_add(&st->reg->completed, 1);
    }
    relay_ask_resume_subs(st->reg->sched, st, true, 0);
    pthread_mutex_unlock(&st->mu);
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
