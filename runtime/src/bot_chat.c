/* bot_chat.c — per-chat sessions: who may ask, the bot commands, the queue
 * of prompts (one ask at a time per chat, on the chat's worker thread),
 * the streamed reply (one message, edited at most once per
 * edit_interval_ms, split at the platform's limit when done), confirms as
 * buttons and PINs by reply. See bot_internal.h. */
#include "bot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdop/error.h"
#include "cmdop/ops.h"
#include "port.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void new_session(char out[33])
{
    unsigned char raw[16];
    if (cmdop__port_random(raw, sizeof raw) != 0) {
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (unsigned char)rand();
    }
    for (size_t i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* Under b->mu. */
static bot_chat *chat_get(cmdop__bot *b, const char *id)
{
    for (bot_chat *c = b->chats; c; c = c->next)
        if (strcmp(c->id, id) == 0)
            return c;
    bot_chat *c = calloc(1, sizeof *c);
    if (!c || !(c->id = strdup(id))) {
        free(c);
        return NULL;
    }
    new_session(c->session_id);
    c->next = b->chats;
    b->chats = c;
    return c;
}

static cmdop__bot_event *ev_new(cmdop__bot_event_kind kind, const char *chat, const char *user)
{
    cmdop__bot_event *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->kind = kind;
    ev->chat_id = strdup(chat ? chat : "");
    ev->user_id = strdup(user ? user : "");
    return ev;
}

static char *sdup(const char *s)
{
    return strdup(s ? s : "");
}

static void say(cmdop__bot *b, const char *chat, const char *text)
{
    char *id = NULL;
    if (b->plat->send(b, chat, text, NULL, 0, &id) == 0)
        free(id);
}

static void refuse(cmdop__bot *b, const char *chat, const char *user, const char *reason,
                   const char *text)
{
    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_REFUSED, chat, user);
    if (ev) {
        ev->reason = sdup(reason);
        cmdop__bot_emit(b, ev);
    }
    say(b, chat, text);
}

/* ---- the reply: one message edited as text arrives, split when done ---- */

typedef struct reply {
    char *text; /* everything the agent said so far */
    size_t len;
    char *shown; /* what the first message shows */
    char *msg_id;
    long last_edit;
} reply;

static void reply_append(reply *r, const char *s)
{
    size_t n = strlen(s);
    char *g = realloc(r->text, r->len + n + 1);
    if (!g)
        return;
    memcpy(g + r->len, s, n + 1);
    r->text = g;
    r->len += n;
}

/* Show the first chunk of `text` now: send it, or edit the message when it
 * changed and the interval has passed (wait = sleep until it has). */
static void reply_show(cmdop__bot *b, const char *chat, reply *r, const char *text, bool wait)
{
    size_t cut = cmdop__bot_text_cut(text, b->plat->max_len, b->plat->utf16);
    if (cut == 0)
        return;
    char *first = cmdop__port_strndup(text, cut);
    if (!first)
        return;
    if (!r->msg_id) {
        if (b->plat->send(b, chat, first, NULL, 0, &r->msg_id) == 0) {
            free(r->shown);
            r->shown = first;
            r->last_edit = now_ms();
            return;
        }
    } else if (!r->shown || strcmp(r->shown, first) != 0) {
        long due = r->last_edit + b->edit_interval_ms - now_ms();
        if (due > 0 && wait)
            cmdop__bot_sleep(b, due, true);
        if (due <= 0 || wait) {
            if (b->plat->edit(b, chat, r->msg_id, first, NULL, 0) == 0) {
                free(r->shown);
                r->shown = first;
                first = NULL;
            }
            r->last_edit = now_ms();
        }
    }
    free(first);
}

/* The final answer: the first message shows the first chunk, the rest go
 * as new messages. */
static void reply_finish(cmdop__bot *b, const char *chat, reply *r, const char *final,
                         bool success)
{
    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_REPLY_SENT, chat, NULL);
    size_t cap = 8, n = 0;
    char **ids = calloc(cap, sizeof *ids);
    reply_show(b, chat, r, final, true);
    if (r->msg_id && ids)
        ids[n++] = strdup(r->msg_id);
    const char *rest = final + cmdop__bot_text_cut(final, b->plat->max_len, b->plat->utf16);
    while (*rest) {
        size_t cut = cmdop__bot_text_cut(rest, b->plat->max_len, b->plat->utf16);
        char *chunk = cmdop__port_strndup(rest, cut);
        char *id = NULL;
        if (chunk && b->plat->send(b, chat, chunk, NULL, 0, &id) == 0 && ids) {
            if (n == cap) {
                char **g = realloc(ids, 2 * cap * sizeof *ids);
                if (g) {
                    ids = g;
                    cap *= 2;
                }
            }
            if (n < cap)
                ids[n++] = id;
            else
                free(id);
        } else {
            free(id);
        }
        free(chunk);
        rest += cut;
    }
    if (ev) {
        ev->message_ids = ids;
        ev->n_message_ids = n;
        ev->success = success;
        ev->text_length = (int)cmdop__bot_text_units(final, false);
        cmdop__bot_emit(b, ev);
    } else {
        for (size_t i = 0; i < n; i++)
            free(ids[i]);
        free(ids);
    }
}

/* The text of an `event` frame's payload: its delta, else its text. */
static void event_text(const cmdop_ask_frame *f, reply *r)
{
    if (!f->event || !f->event->payload_json)
        return;
    json_t *p = json_loads(f->event->payload_json, JSON_DECODE_ANY, NULL);
    const char *t = json_string_value(json_object_get(p, "delta"));
    if (!t || !*t)
        t = json_string_value(json_object_get(p, "text"));
    if (t)
        reply_append(r, t);
    json_decref(p);
}

/* Wait for the user's answer to a confirm or PIN prompt: 1 accept / PIN
 * given, 2 reject, 0 the bot stopped. Under b->mu on entry and exit. */
static int wait_answer(cmdop__bot *b, bot_chat *c)
{
    while (!c->answer && !cmdop__bot_is_stopping(b))
        pthread_cond_wait(&b->cv, &b->mu);
    int a = c->answer;
    c->waiting = 0;
    c->answer = 0;
    c->confirm_key[0] = '\0';
    return a;
}

static void on_confirm(cmdop__bot *b, bot_chat *c, const bot_prompt *p, cmdop_ask_stream *s,
                       const cmdop_confirm_required *cr)
{
    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_CONFIRM_ASKED, c->id, p->user);
    const char *danger = cr->danger_level && *cr->danger_level ? cr->danger_level : "medium";
    if (ev) {
        ev->plan = sdup(cr->plan);
        ev->danger_level = sdup(danger);
        ev->offered = b->permission != BOT_PERM_READ;
    }
    char text[1024];
    if (b->permission == BOT_PERM_READ) {
        cmdop__bot_emit(b, ev);
        snprintf(text, sizeof text,
                 "The machine asked to confirm \"%.700s\" (danger: %s). This bot has read "
                 "permission only, so it was rejected.", cr->plan ? cr->plan : "", danger);
        say(b, c->id, text);
        if (cmdop_ask_stream_confirm(s, cr->token, false) != 0)
            cmdop__bot_emit_error(b, c->id, cmdop_error_last()->code_str, "confirm: %s",
                                  cmdop_error_last()->message);
        return;
    }
    char key[24], yes[32], no[32];
    pthread_mutex_lock(&b->mu);
    snprintf(key, sizeof key, "c%u", ++b->confirm_seq);
    pthread_mutex_unlock(&b->mu);
    snprintf(yes, sizeof yes, "%s:y", key);
    snprintf(no, sizeof no, "%s:n", key);
    bot_button btn[2] = {{"Approve", yes, false}, {"Reject", no, true}};
    snprintf(text, sizeof text, "The machine asks to confirm (danger: %s):\n%.900s", danger,
             cr->plan ? cr->plan : "");
    char *mid = NULL;
    pthread_mutex_lock(&b->mu);
    c->waiting = 1;
    c->answer = 0;
    snprintf(c->wait_user, sizeof c->wait_user, "%s", p->user);
    snprintf(c->confirm_key, sizeof c->confirm_key, "%s", key);
    pthread_mutex_unlock(&b->mu);
    int sent = b->plat->send(b, c->id, text, btn, 2, &mid);
    cmdop__bot_emit(b, ev);
    pthread_mutex_lock(&b->mu);
    int a = sent == 0 ? wait_answer(b, c) : 0;
    c->waiting = 0;
    pthread_mutex_unlock(&b->mu);
    char done[1200];
    snprintf(done, sizeof done, "%s\n%s", text,
             a == 1 ? "Approved." : a == 2 ? "Rejected." : "Cancelled: the bot is stopping.");
    if (mid)
        b->plat->edit(b, c->id, mid, done, NULL, 0);
    free(mid);
    if (cmdop_ask_stream_confirm(s, cr->token, a == 1) != 0)
        cmdop__bot_emit_error(b, c->id, cmdop_error_last()->code_str, "confirm: %s",
                              cmdop_error_last()->message);
}

static void on_pin(cmdop__bot *b, bot_chat *c, const bot_prompt *p, cmdop_ask_stream *s,
                   const cmdop_pin_required *pr)
{
    char text[600];
    snprintf(text, sizeof text,
             "%.400s\nReply with the PIN. Your message will be deleted; the PIN is not shown.",
             pr->label && *pr->label ? pr->label : "PIN required");
    pthread_mutex_lock(&b->mu);
    c->waiting = 2;
    c->answer = 0;
    snprintf(c->wait_user, sizeof c->wait_user, "%s", p->user);
    pthread_mutex_unlock(&b->mu);
    char *mid = NULL;
    int sent = b->plat->send(b, c->id, text, NULL, 0, &mid);
    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_PIN_ASKED, c->id, p->user);
    if (ev) {
        ev->label = sdup(pr->label);
        cmdop__bot_emit(b, ev);
    }
    pthread_mutex_lock(&b->mu);
    int a = sent == 0 ? wait_answer(b, c) : 0;
    char *pin = c->pin;
    c->pin = NULL;
    c->waiting = 0;
    pthread_mutex_unlock(&b->mu);
    if (a != 1 || !pin) {
        cmdop_ask_stream_cancel(s);
        if (mid)
            b->plat->edit(b, c->id, mid, "PIN prompt cancelled: the bot is stopping.", NULL, 0);
    } else {
        if (mid)
            b->plat->edit(b, c->id, mid, "PIN received.", NULL, 0);
        if (cmdop_ask_stream_pin(s, pr->challenge_id, pin) != 0)
            cmdop__bot_emit_error(b, c->id, cmdop_error_last()->code_str, "pin: %s",
                                  cmdop_error_last()->message);
    }
    if (pin) {
        memset(pin, 0, strlen(pin));
        free(pin);
    }
    free(mid);
}

static void run_prompt(cmdop__bot *b, bot_chat *c, const bot_prompt *p)
{
    char session[33];
    pthread_mutex_lock(&b->mu);
    memcpy(session, c->session_id, sizeof session);
    pthread_mutex_unlock(&b->mu);
    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_ASK_STARTED, c->id, p->user);
    if (ev) {
        ev->session_id = sdup(session);
        ev->text = sdup(p->text);
        cmdop__bot_emit(b, ev);
    }
    cmdop_machines_ask_params params = CMDOP_MACHINES_ASK_PARAMS_INIT;
    params.session_id = session;
    cmdop_ask_stream *s = NULL;
    int rc = cmdop_machines_ask(&s, b->client, b->machine_id, p->text, &params);
    if (rc != 0) {
        const cmdop_error *e = cmdop_error_last();
        char msg[600];
        snprintf(msg, sizeof msg, "Could not ask the machine (%s): %.400s", e->code_str,
                 e->message);
        cmdop__bot_emit_error(b, c->id, e->code_str, "%s", e->message);
        say(b, c->id, msg);
        return;
    }
    pthread_mutex_lock(&b->mu);
    c->stream = s;
    /* a cancel that came before the stream was known */
    if (atomic_load(&b->cancelled))
        cmdop_ask_stream_cancel(s);
    pthread_mutex_unlock(&b->mu);

    reply r = {0};
    bool success = false;
    char *final = NULL;
    cmdop_ask_frame *f = NULL;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        switch (f->kind) {
        case CMDOP_ASK_FRAME_EVENT:
            event_text(f, &r);
            if (r.text)
                reply_show(b, c->id, &r, r.text, false);
            break;
        case CMDOP_ASK_FRAME_CONFIRM_REQUIRED:
            on_confirm(b, c, p, s, f->confirm_required);
            break;
        case CMDOP_ASK_FRAME_PIN_REQUIRED:
            on_pin(b, c, p, s, f->pin_required);
            break;
        case CMDOP_ASK_FRAME_PIN_DENIED: {
            char msg[400];
            snprintf(msg, sizeof msg, "PIN denied: %.300s",
                     f->pin_denied->reason && *f->pin_denied->reason ? f->pin_denied->reason
                                                                     : "wrong PIN");
            say(b, c->id, msg);
            break;
        }
        case CMDOP_ASK_FRAME_DONE: {
            cmdop_done_info *d = f->done;
            success = d->success;
            if (d->text && *d->text) {
                final = strdup(d->text);
            } else if (r.text && *r.text) {
                final = strdup(r.text);
            } else if (!d->success) {
                char msg[400];
                snprintf(msg, sizeof msg, "Not done: %.300s",
                         d->error && *d->error ? d->error : "the machine did not succeed");
                final = strdup(msg);
            } else {
                final = strdup("(no output)");
            }
            break;
        }
        default:
            break;
        }
        cmdop_ask_frame_free(f);
        f = NULL;
    }
    if (rc == CMDOP_ITEROVER && final) {
        reply_finish(b, c->id, &r, final, success);
    } else if (rc != CMDOP_ITEROVER) {
        const cmdop_error *e = cmdop_error_last();
        char msg[600];
        if (rc == CMDOP_ECANCELLED)
            snprintf(msg, sizeof msg, "Cancelled.");
        else
            snprintf(msg, sizeof msg, "The ask ended with an error (%s): %.400s", e->code_str,
                     e->message);
        cmdop__bot_emit_error(b, c->id, e->code_str, "%s", e->message);
        if (r.text && *r.text)
            reply_finish(b, c->id, &r, r.text, false);
        if (!atomic_load(&b->cancelled))
            say(b, c->id, msg);
    }
    pthread_mutex_lock(&b->mu);
    c->stream = NULL;
    pthread_mutex_unlock(&b->mu);
    cmdop_ask_stream_free(s);
    free(final);
    free(r.text);
    free(r.shown);
    free(r.msg_id);
}

typedef struct worker_arg {
    cmdop__bot *b;
    bot_chat *c;
} worker_arg;

static void prompt_free(bot_prompt *p)
{
    free(p->user);
    free(p->text);
    free(p);
}

static void *worker(void *arg)
{
    worker_arg w = *(worker_arg *)arg;
    free(arg);
    for (;;) {
        pthread_mutex_lock(&w.b->mu);
        if (atomic_load(&w.b->cancelled)) {
            /* a cancel drops what is still queued */
            while (w.c->head) {
                bot_prompt *n = w.c->head->next;
                prompt_free(w.c->head);
                w.c->head = n;
            }
            w.c->tail = NULL;
        }
        bot_prompt *p = w.c->head;
        if (!p) {
            w.c->busy = false;
            w.c->joinable = true;
            pthread_cond_broadcast(&w.b->cv);
            pthread_mutex_unlock(&w.b->mu);
            return NULL;
        }
        w.c->head = p->next;
        if (!w.c->head)
            w.c->tail = NULL;
        pthread_mutex_unlock(&w.b->mu);
        run_prompt(w.b, w.c, p);
        prompt_free(p);
    }
}

/* ---- incoming ------------------------------------------------------------ */

static void command(cmdop__bot *b, bot_chat *c, const char *user, const char *text)
{
    char cmd[32];
    size_t n = strcspn(text, " @\n");
    snprintf(cmd, sizeof cmd, "%.*s", (int)(n < 31 ? n : 31), text);
    if (strcmp(cmd, "/start") == 0 || strcmp(cmd, "/help") == 0) {
        say(b, c->id, "Send a message and I will ask the machine. Admins: /status, /reset.");
        return;
    }
    if (!cmdop__bot_user_admin(b, user)) {
        refuse(b, c->id, user, "not_admin",
               "Only an admin user of a bot with admin permission can use this command.");
        return;
    }
    char msg[512];
    if (strcmp(cmd, "/status") == 0) {
        static const char *const st[] = {"", "pending", "running", "reconnecting", "failed",
                                         "stopped"};
        pthread_mutex_lock(&b->mu);
        int queued = 0;
        for (bot_prompt *q = c->head; q; q = q->next)
            queued++;
        snprintf(msg, sizeof msg, "machine: %s\nsession: %s\nbot: %s (%s)\nbusy: %s, queued: %d",
                 b->machine_id, c->session_id, st[cmdop__bot_status(b)], b->plat->name,
                 c->busy ? "yes" : "no", queued);
        pthread_mutex_unlock(&b->mu);
    } else if (strcmp(cmd, "/reset") == 0) {
        pthread_mutex_lock(&b->mu);
        new_session(c->session_id);
        snprintf(msg, sizeof msg, "New session: %s", c->session_id);
        pthread_mutex_unlock(&b->mu);
    } else {
        snprintf(msg, sizeof msg, "Unknown command %s. Commands: /status, /reset.", cmd);
    }
    say(b, c->id, msg);
}

void cmdop__bot_on_message(cmdop__bot *b, const char *chat, const char *user, const char *msg_id,
                           const char *text)
{
    if (!chat || !user || !text)
        return;
    pthread_mutex_lock(&b->mu);
    bot_chat *c = chat_get(b, chat);
    if (!c) {
        pthread_mutex_unlock(&b->mu);
        return;
    }
    bool is_pin = c->waiting == 2 && strcmp(c->wait_user, user) == 0 && !c->answer;
    if (is_pin) {
        free(c->pin);
        c->pin = strdup(text);
        c->answer = 1;
        pthread_cond_broadcast(&b->cv);
    }
    pthread_mutex_unlock(&b->mu);

    cmdop__bot_event *ev = ev_new(CMDOP__BOT_EV_MESSAGE_RECEIVED, chat, user);
    if (ev) {
        ev->message_id = sdup(msg_id);
        /* a PIN never reaches an event */
        ev->text = sdup(is_pin ? "" : text);
        cmdop__bot_emit(b, ev);
    }
    if (is_pin) {
        if (msg_id && b->plat->del(b, chat, msg_id) != 0)
            cmdop__bot_emit_error(b, chat, "pin_not_deleted",
                                  "the PIN message could not be deleted");
        return;
    }
    if (!cmdop__bot_user_allowed(b, user)) {
        refuse(b, chat, user, "unknown_user",
               "Sorry, you are not allowed to use this bot. Ask its owner to add your user id.");
        return;
    }
    if (b->permission == BOT_PERM_NONE) {
        refuse(b, chat, user, "permission", "This bot is not allowed to run anything.");
        return;
    }
    if (text[0] == '/') {
        command(b, c, user, text);
        return;
    }
    bot_prompt *p = calloc(1, sizeof *p);
    if (!p || !(p->user = strdup(user)) || !(p->text = strdup(text))) {
        if (p)
            free(p->user);
        free(p);
        return;
    }
    pthread_mutex_lock(&b->mu);
    if (c->tail)
        c->tail->next = p;
    else
        c->head = p;
    c->tail = p;
    if (!c->busy) {
        if (c->joinable) {
            pthread_join(c->worker, NULL);
            c->joinable = false;
        }
        worker_arg *w = malloc(sizeof *w);
        if (w) {
            w->b = b;
            w->c = c;
            if (pthread_create(&c->worker, NULL, worker, w) == 0)
                c->busy = true;
            else
                free(w);
        }
    }
    pthread_mutex_unlock(&b->mu);
}

const char *cmdop__bot_on_click(cmdop__bot *b, const char *chat, const char *user,
                                const char *data)
{
    const char *ack = "This button has expired.";
    if (!chat || !user || !data)
        return ack;
    pthread_mutex_lock(&b->mu);
    bot_chat *c = chat_get(b, chat);
    size_t kl = c ? strlen(c->confirm_key) : 0;
    if (c && c->waiting == 1 && kl && strncmp(data, c->confirm_key, kl) == 0 &&
        data[kl] == ':' && !c->answer) {
        if (strcmp(user, c->wait_user) != 0 && !cmdop__bot_user_admin(b, user)) {
            ack = "Only the user who asked can answer this.";
        } else {
            c->answer = data[kl + 1] == 'y' ? 1 : 2;
            ack = c->answer == 1 ? "Approved" : "Rejected";
            pthread_cond_broadcast(&b->cv);
        }
    }
    pthread_mutex_unlock(&b->mu);
    return ack;
}

/* ---- stop, cancel, free ---------------------------------------------- */

void cmdop__bot_chats_drain(cmdop__bot *b)
{
    pthread_mutex_lock(&b->mu);
    for (;;) {
        bool busy = false;
        for (bot_chat *c = b->chats; c; c = c->next)
            busy = busy || c->busy;
        if (!busy)
            break;
        pthread_cond_wait(&b->cv, &b->mu);
    }
    for (bot_chat *c = b->chats; c; c = c->next) {
        if (c->joinable) {
            pthread_join(c->worker, NULL);
            c->joinable = false;
        }
    }
    pthread_mutex_unlock(&b->mu);
}

void cmdop__bot_chats_cancel(cmdop__bot *b)
{
    pthread_mutex_lock(&b->mu);
    for (bot_chat *c = b->chats; c; c = c->next)
        if (c->stream)
            cmdop_ask_stream_cancel(c->stream);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

void cmdop__bot_chats_free(cmdop__bot *b)
{
    while (b->chats) {
        bot_chat *c = b->chats;
        b->chats = c->next;
        while (c->head) {
            bot_prompt *p = c->head;
            c->head = p->next;
            prompt_free(p);
        }
        if (c->pin) {
            memset(c->pin, 0, strlen(c->pin));
            free(c->pin);
        }
        free(c->id);
        free(c);
    }
}
