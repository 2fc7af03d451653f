/*
 * stdio_handle.c — handles over stdio (stdio_handle.h): one pump thread per
 * open handle writes its state, events and terminal frame; methods run on
 * threads of their own and keep the handle alive until they return.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "cmdop/error.h"
#include "stdio_handle.h"
#include "stdio_map.h"

typedef struct shandle {
    uint32_t id;
    const cmdop__handle_desc *hd;
    void *h;                      /* the open handle (hd->free) */
    pthread_t pump;
    bool finished;                /* the pump is writing or wrote the terminal frame */
    unsigned calls;               /* methods running on it (under mu) */
    cmdop__stdio_handles *owner;
    struct shandle *next;
} shandle;

struct cmdop__stdio_handles {
    cmdop_client *client;
    cmdop__stdio_writer *w;
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* a method returned */
    shandle *head;
    size_t open;
};

const cmdop__handle_desc *cmdop__stdio_handle_desc(const cmdop__op_desc *op)
{
    for (size_t i = 0; i < cmdop__handle_descs_count; i++)
        if (cmdop__handle_descs[i]->op == op)
            return cmdop__handle_descs[i];
    return NULL;
}

bool cmdop__stdio_handle_method(uint32_t arm, const cmdop__handle_desc **hd, size_t *i)
{
    for (size_t k = 0; k < cmdop__handle_descs_count; k++)
        for (size_t m = 0; m < cmdop__handle_descs[k]->n_methods; m++)
            if ((uint32_t)cmdop__handle_descs[k]->methods[m].req_arm == arm) {
                *hd = cmdop__handle_descs[k];
                *i = m;
                return true;
            }
    return false;
}

cmdop__stdio_handles *cmdop__stdio_handles_new(cmdop_client *client, cmdop__stdio_writer *w)
{
    cmdop__stdio_handles *hs = calloc(1, sizeof *hs);
    if (!hs)
        return NULL;
    hs->client = client;
    hs->w = w;
    pthread_mutex_init(&hs->mu, NULL);
    pthread_cond_init(&hs->cv, NULL);
    return hs;
}

/* `doc` (STOLEN) as envelope arm `arm` with `kind` on the handle's id. */
static void send_doc(shandle *sh, Cmdop__Core__V1__Kind kind, int arm, json_t *doc)
{
    const ProtobufCFieldDescriptor *f = cmdop__stdio_arm(arm);
    ProtobufCMessage *m = NULL;
    char err[256];
    int rc = f && doc ? cmdop__stdio_json_to_msg(f->descriptor, doc, &m, err, sizeof err)
                      : CMDOP_ENOMEM;
    json_decref(doc);
    if (rc == 0)
        cmdop__stdio_send(sh->owner->w, sh->id, kind, arm, m);
    else
        cmdop__stdio_send_error_code(sh->owner->w, sh->id, "internal",
                                     "cannot encode the handle's frame");
    protobuf_c_message_free_unpacked(m, NULL);
}

static void send_state(shandle *sh, Cmdop__Core__V1__Kind kind)
{
    if (sh->hd->state_arm)
        send_doc(sh, kind, sh->hd->state_arm, sh->hd->state(sh->h));
    else
        send_doc(sh, kind, CMDOP__CORE__V1__ENVELOPE__PAYLOAD_EMPTY, json_object());
}

/* One event as EVENT + the events arm: {<tag>: fields}, or the union's
 * `unknown` arm (raw tag and JSON) for a tag this build does not know. */
static void send_event(shandle *sh, const void *ev)
{
    const cmdop__frames_desc *fd = sh->hd->events;
    json_t *doc = json_object();
    if (fd->kind(ev) == fd->unknown_kind) {
        const char *raw = fd->raw_json(ev);
        json_object_set_new(doc, "unknown", json_pack("{s:s, s:s}", "type", fd->tag(ev),
                                                      "raw_json", raw ? raw : "{}"));
    } else {
        json_t *j = fd->to_jsont(ev);
        char tag[64];
        snprintf(tag, sizeof tag, "%s", fd->tag(ev));
        json_object_del(j, fd->tag_key);
        json_object_set_new(doc, tag, j ? j : json_object());
    }
    send_doc(sh, CMDOP__CORE__V1__KIND__KIND_EVENT, sh->hd->events_arm, doc);
}

/* The handle is no longer open (mu): before its terminal frame is written,
 * so a method the client sends after reading that frame finds no handle.
 * reap() joins this thread before it frees anything. */
static void mark_finished(shandle *sh)
{
    pthread_mutex_lock(&sh->owner->mu);
    sh->finished = true;
    pthread_mutex_unlock(&sh->owner->mu);
}

static void *pump(void *arg)
{
    shandle *sh = arg;
    send_state(sh, CMDOP__CORE__V1__KIND__KIND_RESPONSE);
    for (;;) {
        void *ev = NULL;
        int rc = sh->hd->next(sh->h, &ev);
        if (rc == 0) {
            send_event(sh, ev);
            sh->hd->events->free(ev);
        } else if (rc == CMDOP__HANDLE_STATE_CHANGED) {
            send_state(sh, CMDOP__CORE__V1__KIND__KIND_EVENT);
        } else if (rc == CMDOP_ITEROVER) {
            mark_finished(sh);
            send_state(sh, CMDOP__CORE__V1__KIND__KIND_DONE);
            break;
        } else {
            const cmdop_error *e = cmdop_error_last(); /* this thread's: stays valid */
            mark_finished(sh);
            cmdop__stdio_send_error(sh->owner->w, sh->id, e);
            break;
        }
    }
    return NULL;
}

/* Join and free the handles whose pump ended and no method holds (mu held). */
static void reap(cmdop__stdio_handles *hs)
{
    shandle **pp = &hs->head;
    while (*pp) {
        shandle *sh = *pp;
        if (!sh->finished || sh->calls) {
            pp = &sh->next;
            continue;
        }
        *pp = sh->next;
        pthread_join(sh->pump, NULL);
        hs->open--;
        sh->hd->free(sh->h);
        free(sh);
    }
}

static shandle *find_open(cmdop__stdio_handles *hs, uint32_t id)
{
    for (shandle *sh = hs->head; sh; sh = sh->next)
        if (sh->id == id && !sh->finished)
            return sh;
    return NULL;
}

void cmdop__stdio_handles_open(cmdop__stdio_handles *hs, uint32_t id,
                               const cmdop__handle_desc *hd, const json_t *args)
{
    pthread_mutex_lock(&hs->mu);
    reap(hs);
    size_t open = hs->open;
    pthread_mutex_unlock(&hs->mu);
    if (open >= CMDOP__STDIO_MAX_HANDLES) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: %d handles are open already", hd->op->name,
                 CMDOP__STDIO_MAX_HANDLES);
        cmdop__stdio_send_error_code(hs->w, id, "unavailable", msg);
        return;
    }
    shandle *sh = calloc(1, sizeof *sh);
    if (!sh) {
        cmdop__stdio_send_error_code(hs->w, id, "internal", "out of memory");
        return;
    }
    sh->id = id;
    sh->hd = hd;
    sh->owner = hs;
    if (hd->open(hs->client, args, &sh->h) != 0) {
        cmdop__stdio_send_error(hs->w, id, cmdop_error_last());
        free(sh);
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_mutex_lock(&hs->mu);
    int rc = pthread_create(&sh->pump, &attr, pump, sh);
    if (rc == 0) {
        sh->next = hs->head;
        hs->head = sh;
        hs->open++;
    }
    pthread_mutex_unlock(&hs->mu);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        cmdop__stdio_send_error_code(hs->w, id, "internal", "cannot start the handle's thread");
        hd->free(sh->h);
        free(sh);
    }
}

bool cmdop__stdio_handles_has(cmdop__stdio_handles *hs, uint32_t id)
{
    pthread_mutex_lock(&hs->mu);
    bool has = find_open(hs, id) != NULL;
    pthread_mutex_unlock(&hs->mu);
    return has;
}

bool cmdop__stdio_handles_cancel(cmdop__stdio_handles *hs, uint32_t id)
{
    pthread_mutex_lock(&hs->mu);
    shandle *sh = find_open(hs, id);
    if (sh)
        sh->hd->cancel(sh->h); /* thread-safe; the pump answers */
    pthread_mutex_unlock(&hs->mu);
    return sh != NULL;
}

typedef struct method_call {
    shandle *sh;
    uint32_t id;
    size_t i;
    json_t *args;
} method_call;

static void *run_method(void *arg)
{
    method_call *mc = arg;
    shandle *sh = mc->sh;
    cmdop__stdio_handles *hs = sh->owner;
    json_t *result = NULL;
    int rc = sh->hd->call(sh->h, mc->i, mc->args, &result);
    int arm = sh->hd->methods[mc->i].resp_arm;
    if (rc == 0 && result) {
        /* a record result: its JSON form -> the response arm's message */
        char err[256];
        ProtobufCMessage *msg = NULL;
        const ProtobufCFieldDescriptor *f = cmdop__stdio_arm(arm);
        rc = f ? cmdop__stdio_json_to_msg((const ProtobufCMessageDescriptor *)f->descriptor,
                                          result, &msg, err, sizeof err)
               : cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "no envelope arm %d", arm);
        if (rc == 0) {
            cmdop__stdio_send(hs->w, mc->id, CMDOP__CORE__V1__KIND__KIND_RESPONSE, arm, msg);
            protobuf_c_message_free_unpacked(msg, NULL);
        }
    } else if (rc == 0) {
        Cmdop__Core__V1__Empty e = CMDOP__CORE__V1__EMPTY__INIT;
        cmdop__stdio_send(hs->w, mc->id, CMDOP__CORE__V1__KIND__KIND_RESPONSE, arm, &e.base);
    }
    if (rc != 0)
        cmdop__stdio_send_error(hs->w, mc->id, cmdop_error_last());
    json_decref(result);
    json_decref(mc->args);
    free(mc);
    pthread_mutex_lock(&hs->mu);
    sh->calls--;
    pthread_cond_broadcast(&hs->cv);
    pthread_mutex_unlock(&hs->mu);
    return NULL;
}

void cmdop__stdio_handles_call(cmdop__stdio_handles *hs, uint32_t id, const cmdop__handle_desc *hd,
                               size_t i, uint32_t handle, const json_t *args)
{
    char msg[160];
    pthread_mutex_lock(&hs->mu);
    shandle *sh = find_open(hs, handle);
    if (!sh || sh->hd != hd) {
        pthread_mutex_unlock(&hs->mu);
        snprintf(msg, sizeof msg, "%s.%s: no open handle %u", hd->name, hd->methods[i].name,
                 handle);
        cmdop__stdio_send_error_code(hs->w, id, "not_found", msg);
        return;
    }
    method_call *mc = calloc(1, sizeof *mc);
    json_t *a = mc ? json_deep_copy(args) : NULL;
    pthread_t t;
    pthread_attr_t attr;
    int rc = -1;
    if (a) {
        *mc = (method_call){.sh = sh, .id = id, .i = i, .args = a};
        sh->calls++;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        rc = pthread_create(&t, &attr, run_method, mc);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            sh->calls--;
    }
    pthread_mutex_unlock(&hs->mu);
    if (rc != 0) {
        json_decref(a);
        free(mc);
        cmdop__stdio_send_error_code(hs->w, id, "internal", "cannot run the method");
    }
}

void cmdop__stdio_handles_close(cmdop__stdio_handles *hs)
{
    if (!hs)
        return;
    pthread_mutex_lock(&hs->mu);
    for (shandle *sh = hs->head; sh; sh = sh->next)
        if (!sh->finished)
            sh->hd->cancel(sh->h);
    /* a method holds its handle: wait for every one to return */
    for (;;) {
        unsigned busy = 0;
        for (shandle *sh = hs->head; sh; sh = sh->next)
            busy += sh->calls;
        if (!busy)
            break;
        pthread_cond_wait(&hs->cv, &hs->mu);
    }
    shandle *all = hs->head;
    hs->head = NULL;
    pthread_mutex_unlock(&hs->mu);
    while (all) {
        shandle *next = all->next;
        pthread_join(all->pump, NULL);
        all->hd->free(all->h);
        free(all);
        all = next;
    }
    pthread_cond_destroy(&hs->cv);
    pthread_mutex_destroy(&hs->mu);
    free(hs);
}
