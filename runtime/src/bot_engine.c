/* bot_engine.c — a bot's lifetime: its configuration from the bots.run
 * arguments (or a bot record), the main thread that runs the platform's
 * receive loop, status, the event queue, stop (drain) and cancel. See
 * bot.h; the chats are bot_chat.c, the transports bot_<platform>.c. */
#include "bot_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "cmdop/error.h"
#include "cmdop/ops.h"
#include "client_internal.h"

#define BOT_MAX_EVENTS 1024

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static const char *arg_str(const json_t *args, const char *key)
{
    const char *v = json_string_value(json_object_get(args, key));
    return v && *v ? v : NULL;
}

static int copy_list(const json_t *arr, char ***out, size_t *n)
{
    size_t cnt = json_is_array(arr) ? json_array_size(arr) : 0;
    *out = calloc(cnt ? cnt : 1, sizeof(char *));
    *n = 0;
    if (!*out)
        return CMDOP_ENOMEM;
    for (size_t i = 0; i < cnt; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s)
            continue;
        if (!((*out)[(*n)++] = strdup(s)))
            return CMDOP_ENOMEM;
    }
    return 0;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i]);
    free(l);
}

/* ---- events ----------------------------------------------------------- */

void cmdop__bot_event_free(cmdop__bot_event *ev)
{
    if (!ev)
        return;
    free(ev->chat_id);
    free(ev->user_id);
    free(ev->message_id);
    free(ev->text);
    free(ev->reason);
    free(ev->session_id);
    free_list(ev->message_ids, ev->n_message_ids);
    free(ev->plan);
    free(ev->danger_level);
    free(ev->label);
    free(ev->code);
    free(ev->message);
    free(ev);
}

static void set_s(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, json_string(v ? v : ""));
}

json_t *cmdop__bot_event_to_json(const cmdop__bot_event *ev)
{
    static const char *const names[] = {"", "message_received", "refused", "ask_started",
                                        "reply_sent", "confirm_asked", "pin_asked", "error"};
    json_t *o = json_object();
    set_s(o, "type", names[ev->kind]);
    set_s(o, "chat_id", ev->chat_id);
    switch (ev->kind) {
    case CMDOP__BOT_EV_MESSAGE_RECEIVED:
        set_s(o, "user_id", ev->user_id);
        set_s(o, "message_id", ev->message_id);
        set_s(o, "text", ev->text);
        break;
    case CMDOP__BOT_EV_REFUSED:
        set_s(o, "user_id", ev->user_id);
        set_s(o, "reason", ev->reason);
        break;
    case CMDOP__BOT_EV_ASK_STARTED:
        set_s(o, "user_id", ev->user_id);
        set_s(o, "session_id", ev->session_id);
        set_s(o, "prompt", ev->text);
        break;
    case CMDOP__BOT_EV_REPLY_SENT: {
        json_t *ids = json_array();
        for (size_t i = 0; i < ev->n_message_ids; i++)
            json_array_append_new(ids, json_string(ev->message_ids[i]));
        json_object_set_new(o, "message_ids", ids);
        json_object_set_new(o, "success", json_boolean(ev->success));
        json_object_set_new(o, "text_length", json_integer(ev->text_length));
        break;
    }
    case CMDOP__BOT_EV_CONFIRM_ASKED:
        set_s(o, "user_id", ev->user_id);
        set_s(o, "plan", ev->plan);
        set_s(o, "danger_level", ev->danger_level);
        json_object_set_new(o, "offered", json_boolean(ev->offered));
        break;
    case CMDOP__BOT_EV_PIN_ASKED:
        set_s(o, "user_id", ev->user_id);
        set_s(o, "label", ev->label);
        break;
    case CMDOP__BOT_EV_ERROR:
        set_s(o, "code", ev->code);
        set_s(o, "message", ev->message);
        break;
    }
    return o;
}

/* Append under b->mu. */
static void push_locked(cmdop__bot *b, cmdop__bot_event *ev)
{
    bot_evnode *n = calloc(1, sizeof *n);
    if (!n) {
        cmdop__bot_event_free(ev);
        return;
    }
    n->ev = ev;
    if (b->ev_tail)
        b->ev_tail->next = n;
    else
        b->ev_head = n;
    b->ev_tail = n;
    b->ev_count++;
    /* A caller that never reads does not grow memory: the oldest go. */
    while (b->ev_count > BOT_MAX_EVENTS && b->ev_head) {
        bot_evnode *old = b->ev_head;
        b->ev_head = old->next;
        if (!b->ev_head)
            b->ev_tail = NULL;
        cmdop__bot_event_free(old->ev);
        free(old);
        b->ev_count--;
        b->ev_dropped++;
    }
    pthread_cond_broadcast(&b->cv);
}

void cmdop__bot_emit(cmdop__bot *b, cmdop__bot_event *ev)
{
    if (!ev)
        return;
    pthread_mutex_lock(&b->mu);
    push_locked(b, ev);
    pthread_mutex_unlock(&b->mu);
}

void cmdop__bot_emit_error(cmdop__bot *b, const char *chat, const char *code, const char *fmt, ...)
{
    cmdop__bot_event *ev = calloc(1, sizeof *ev);
    if (!ev)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ev->kind = CMDOP__BOT_EV_ERROR;
    ev->chat_id = strdup(chat ? chat : "");
    ev->code = strdup(code);
    ev->message = strdup(msg);
    cmdop__bot_emit(b, ev);
}

void cmdop__bot_set_status(cmdop__bot *b, int status)
{
    pthread_mutex_lock(&b->mu);
    int old = atomic_load(&b->status);
    /* failed and stopped are final */
    if (old != status && old != BOT_STOPPED && old != BOT_FAILED) {
        atomic_store(&b->status, status);
        b->status_dirty = true;
        pthread_cond_broadcast(&b->cv);
    }
    pthread_mutex_unlock(&b->mu);
}

void cmdop__bot_fail(cmdop__bot *b, int code, const char *msg)
{
    cmdop__bot_emit_error(b, NULL, cmdop_error_code_str(code), "%s", msg);
    pthread_mutex_lock(&b->mu);
    if (!b->fail_code) {
        b->fail_code = code;
        snprintf(b->fail_msg, sizeof b->fail_msg, "%s", msg);
    }
    pthread_mutex_unlock(&b->mu);
    cmdop__bot_set_status(b, BOT_FAILED);
}

bool cmdop__bot_is_stopping(const cmdop__bot *b)
{
    return atomic_load(&b->stopping) || atomic_load(&b->cancelled);
}

bool cmdop__bot_sleep(cmdop__bot *b, long ms, bool hard_only)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    bool cut = false;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        if (atomic_load(&b->cancelled) || (!hard_only && atomic_load(&b->stopping))) {
            cut = true;
            break;
        }
        if (pthread_cond_timedwait(&b->cv, &b->mu, &dl) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&b->mu);
    return cut;
}

static bool in_list(char *const *l, size_t n, const char *user)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i], user) == 0)
            return true;
    return false;
}

bool cmdop__bot_user_allowed(const cmdop__bot *b, const char *user)
{
    return user && (in_list(b->allowed, b->n_allowed, user) ||
                    in_list(b->admins, b->n_admins, user));
}

bool cmdop__bot_user_admin(const cmdop__bot *b, const char *user)
{
    return user && b->permission == BOT_PERM_ADMIN && in_list(b->admins, b->n_admins, user);
}

char *cmdop__bot_url(const cmdop__bot *b, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    size_t n = strlen(b->base) + strlen(path) + 1;
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "%s%s", b->base, path);
    return u;
}

/* ---- open ------------------------------------------------------------- */

static void *main_thread(void *arg)
{
    cmdop__bot *b = arg;
    b->plat->loop(b);
    pthread_mutex_lock(&b->mu);
    b->loop_done = true;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

static void bot_destroy(cmdop__bot *b)
{
    if (!b)
        return;
    if (b->plat && b->pstate)
        b->plat->fini(b);
    cmdop__bot_chats_free(b);
    while (b->ev_head) {
        bot_evnode *n = b->ev_head;
        b->ev_head = n->next;
        cmdop__bot_event_free(n->ev);
        free(n);
    }
    /* The credentials are wiped before their memory goes back. */
    if (b->token)
        memset(b->token, 0, strlen(b->token));
    if (b->app_token)
        memset(b->app_token, 0, strlen(b->app_token));
    free(b->token);
    free(b->app_token);
    free(b->guild_id);
    free(b->machine_id);
    free(b->base);
    free_list(b->allowed, b->n_allowed);
    free_list(b->admins, b->n_admins);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
    free(b);
}

static int bad(cmdop__bot *b, const char *field, const char *msg)
{
    bot_destroy(b);
    return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, field, "bots.run: %s", msg);
}

/* Settings from the bot record `bot_id` (platform plane) for what the
 * arguments leave out. */
static int from_record(cmdop__bot *b, cmdop_client *client, const char *bot_id,
                       const json_t *args, const char **platform)
{
    cmdop_bot *rec = NULL;
    int rc = cmdop_bots_get(&rec, client, bot_id);
    if (rc != 0)
        return rc;
    if (!*platform)
        *platform = cmdop_bot_platform_to_string(rec->platform);
    if (!b->machine_id && rec->machine_id)
        b->machine_id = strdup(rec->machine_id);
    if (!json_object_get(args, "permission") && rec->permission)
        b->permission = (int)rec->permission;
    if (!b->n_allowed) {
        free_list(b->allowed, b->n_allowed);
        b->allowed = calloc(rec->allowed_users_count + 1, sizeof(char *));
        for (size_t i = 0; b->allowed && i < rec->allowed_users_count; i++)
            b->allowed[b->n_allowed++] = strdup(rec->allowed_users[i]);
    }
    bool enabled = rec->enabled;
    /* the record's platform string is static; keep it past the free */
    cmdop_bot_free(rec);
    if (!enabled)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "bot_id",
                                "bots.run: bot %s is disabled", bot_id);
    return 0;
}

int cmdop__bot_open(cmdop_client *client, const json_t *args, cmdop__bot **out)
{
    if (!out || !client || !json_is_object(args))
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "bots.run: NULL argument");
    *out = NULL;
    cmdop__bot *b = calloc(1, sizeof *b);
    if (!b)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    pthread_mutex_init(&b->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_cond_init(&b->cv, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&b->stopping, 0);
    atomic_init(&b->cancelled, 0);
    atomic_init(&b->status, BOT_PENDING);
    b->client = client;

    b->machine_id = dup_or_null(arg_str(args, "machine_id"));
    b->guild_id = dup_or_null(arg_str(args, "guild_id"));
    const char *perm = arg_str(args, "permission");
    b->permission = perm ? (int)cmdop_bot_permission_from_string(perm) : BOT_PERM_EXECUTE;
    if (!b->permission)
        return bad(b, "permission", "unknown permission");
    if (copy_list(json_object_get(args, "allowed_users"), &b->allowed, &b->n_allowed) ||
        copy_list(json_object_get(args, "admin_users"), &b->admins, &b->n_admins)) {
        bot_destroy(b);
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    }
    b->drop_pending = json_is_true(json_object_get(args, "drop_pending"));
    json_t *ei = json_object_get(args, "edit_interval_ms");
    b->edit_interval_ms = json_is_integer(ei) ? (long)json_integer_value(ei) : 1000;
    if (b->edit_interval_ms < 0)
        return bad(b, "edit_interval_ms", "edit_interval_ms must be >= 0");
    b->poll_timeout_s = 25;

    const char *platform = arg_str(args, "platform");
    const char *bot_id = arg_str(args, "bot_id");
    if (bot_id) {
        int rc = from_record(b, client, bot_id, args, &platform);
        if (rc != 0) {
            bot_destroy(b);
            return rc;
        }
    }
    if (!platform)
        return bad(b, "platform", "platform is required (telegram, discord or slack)");
    if (strcmp(platform, "telegram") == 0)
        b->plat = &cmdop__bot_telegram;
    else if (strcmp(platform, "discord") == 0)
        b->plat = &cmdop__bot_discord;
    else if (strcmp(platform, "slack") == 0)
        b->plat = &cmdop__bot_slack;
    else
        return bad(b, "platform", "unknown platform (telegram, discord or slack)");
    if (!b->machine_id)
        return bad(b, "machine_id", "machine_id is required (or a bot_id whose record has one)");

    const char *tok = arg_str(args, b->plat == &cmdop__bot_slack ? "bot_token" : "token");
    if (!tok)
        return bad(b, b->plat == &cmdop__bot_slack ? "bot_token" : "token",
                   "the platform's token is required");
    b->token = strdup(tok);
    if (b->plat == &cmdop__bot_slack) {
        const char *at = arg_str(args, "app_token");
        if (!at)
            return bad(b, "app_token", "Slack Socket Mode needs the app-level token (xapp-...)");
        b->app_token = strdup(at);
    }
    const char *base = arg_str(args, "api_base_url");
    b->base = strdup(base ? base : b->plat->default_base);
    size_t bl = strlen(b->base);
    while (bl > 0 && b->base[bl - 1] == '/')
        b->base[--bl] = '\0';
    if (strncmp(b->base, "http://", 7) != 0 && strncmp(b->base, "https://", 8) != 0)
        return bad(b, "api_base_url", "api_base_url must be an http:// or https:// URL");
    /* the client's CA and proxy settings (net.h) */
    b->net = &client->cfg.net;
    int rc = b->plat->init(b);
    if (rc != 0) {
        bot_destroy(b);
        return rc;
    }
    cmdop__bot_state_seed(b, json_object_get(args, "state"));
    if (pthread_create(&b->thread, NULL, main_thread, b) != 0) {
        bot_destroy(b);
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "bots.run: cannot start a thread");
    }
    b->thread_started = true;
    *out = b;
    return 0;
}

/* ---- the handle ------------------------------------------------------- */

int cmdop__bot_status(cmdop__bot *b)
{
    return atomic_load(&b->status);
}

int cmdop__bot_next_timed(cmdop__bot *b, cmdop__bot_event **event, long timeout_ms)
{
    *event = NULL;
    struct timespec dl;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += timeout_ms / 1000;
        dl.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
    }
    int rc;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        if (b->status_dirty) {
            b->status_dirty = false;
            rc = CMDOP__BOT_STATE_CHANGED;
            break;
        }
        if (b->ev_head) {
            bot_evnode *n = b->ev_head;
            b->ev_head = n->next;
            if (!b->ev_head)
                b->ev_tail = NULL;
            b->ev_count--;
            *event = n->ev;
            free(n);
            rc = 0;
            break;
        }
        if (atomic_load(&b->cancelled)) {
            rc = CMDOP_ECANCELLED;
            break;
        }
        if (b->stopped) {
            rc = CMDOP_ITEROVER;
            break;
        }
        if (b->fail_code && b->loop_done) {
            rc = b->fail_code;
            break;
        }
        if (timeout_ms < 0) {
            pthread_cond_wait(&b->cv, &b->mu);
        } else if (pthread_cond_timedwait(&b->cv, &b->mu, &dl) == ETIMEDOUT) {
            rc = CMDOP_ETIMEOUT;
            break;
        }
    }
    char msg[256];
    snprintf(msg, sizeof msg, "%s", b->fail_msg);
    pthread_mutex_unlock(&b->mu);
    if (rc == CMDOP_ECANCELLED)
        cmdop__error_set(rc, 0, NULL, NULL, "bots.run: cancelled");
    else if (rc == CMDOP_ETIMEOUT)
        cmdop__error_set(rc, 0, NULL, NULL, "bots.run: no event within %ld ms", timeout_ms);
    else if (rc < 0 && rc != CMDOP_ITEROVER)
        cmdop__error_set(rc, 0, NULL, NULL, "bots.run: %s", msg);
    return rc;
}

int cmdop__bot_next(cmdop__bot *b, cmdop__bot_event **event)
{
    return cmdop__bot_next_timed(b, event, -1);
}

static void join_main(cmdop__bot *b)
{
    if (b->thread_started) {
        pthread_join(b->thread, NULL);
        b->thread_started = false;
    }
}

int cmdop__bot_stop(cmdop__bot *b, const json_t *args)
{
    (void)args;
    pthread_mutex_lock(&b->mu);
    atomic_store(&b->stopping, 1);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    join_main(b);
    cmdop__bot_chats_drain(b);
    pthread_mutex_lock(&b->mu);
    int fail = b->fail_code;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", b->fail_msg);
    if (!fail) {
        atomic_store(&b->status, BOT_STOPPED);
        b->status_dirty = true;
    }
    b->stopped = true;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    if (fail)
        return cmdop__error_set(fail, 0, NULL, NULL, "bots.run: %s", msg);
    return 0;
}

void cmdop__bot_cancel(cmdop__bot *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    atomic_store(&b->cancelled, 1);
    atomic_store(&b->stopping, 1);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    cmdop__bot_chats_cancel(b);
}

void cmdop__bot_free(cmdop__bot *b)
{
    if (!b)
        return;
    if (!b->stopped)
        cmdop__bot_cancel(b);
    join_main(b);
    cmdop__bot_chats_drain(b);
    bot_destroy(b);
}
