/* bot_discord.c — Discord: the Gateway v10 over WebSocket (HELLO,
 * IDENTIFY or RESUME with session_id + seq, heartbeats with zombie
 * detection, RECONNECT, INVALID_SESSION, close codes) for MESSAGE_CREATE
 * and button clicks (INTERACTION_CREATE, answered with a deferred update
 * within Discord's 3 s), and REST under /api/v10 for messages, following
 * the X-RateLimit headers per channel and waiting out 429s. Wire facts:
 * docs/bots.md "Discord". */
#include "bot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot_http.h"
#include "bot_ws.h"
#include "cmdop/error.h"
#include "port.h"

/* GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT */
#define DC_INTENTS (1 | 512 | 4096 | 32768)
#define DC_BUCKETS 32

typedef struct dc_bucket {
    char key[64];
    long until_ms; /* no request on this key before */
} dc_bucket;

typedef struct dc {
    char session_id[128];
    char resume_url[512];
    char gateway_url[512];
    char self_id[32];
    long long seq; /* last dispatch sequence; 0 = none */
    pthread_mutex_t mu; /* buckets (loop and chat workers) */
    dc_bucket buckets[DC_BUCKETS];
    size_t next_bucket;
} dc;

enum { DC_OK = 0, DC_TRANSPORT = -1, DC_ABORTED = -2 };

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long bucket_wait(dc *d, const char *key)
{
    long wait = 0;
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; i < DC_BUCKETS; i++)
        if (strcmp(d->buckets[i].key, key) == 0)
            wait = d->buckets[i].until_ms - now_ms();
    pthread_mutex_unlock(&d->mu);
    return wait > 0 ? wait : 0;
}

static void bucket_block(dc *d, const char *key, long ms)
{
    pthread_mutex_lock(&d->mu);
    dc_bucket *slot = NULL;
    for (size_t i = 0; i < DC_BUCKETS && !slot; i++)
        if (strcmp(d->buckets[i].key, key) == 0)
            slot = &d->buckets[i];
    if (!slot) {
        slot = &d->buckets[d->next_bucket];
        d->next_bucket = (d->next_bucket + 1) % DC_BUCKETS;
        snprintf(slot->key, sizeof slot->key, "%s", key);
    }
    slot->until_ms = now_ms() + ms;
    pthread_mutex_unlock(&d->mu);
}

/* One REST call under /api/v10; `body` stolen (may be NULL). `key` is the
 * rate-limit key (the channel). Returns DC_OK (*result NEW when wanted),
 * an HTTP status > 0 (msg filled), DC_TRANSPORT or DC_ABORTED. */
static int rest(cmdop__bot *b, const char *method, const char *path, const char *key,
                json_t *body, json_t **result, char *msg, size_t msgcap)
{
    dc *d = b->pstate;
    char *url = cmdop__bot_url(b, "/api/v10%s", path);
    char auth[512];
    snprintf(auth, sizeof auth, "Authorization: Bot %s", b->token);
    const char *hdrs[] = {auth, NULL};
    int out = DC_TRANSPORT;
    if (result)
        *result = NULL;
    msg[0] = '\0';
    for (int attempt = 0; url && attempt < 8; attempt++) {
        long wait = bucket_wait(d, key);
        if (wait > 0 && cmdop__bot_sleep(b, wait, true)) {
            out = DC_ABORTED;
            break;
        }
        bot_http_resp r;
        int rc = cmdop__bot_http(b->net, method, url, hdrs, body, 30000, NULL, &b->cancelled, &r);
        if (rc != 0) {
            out = r.aborted ? DC_ABORTED : DC_TRANSPORT;
            snprintf(msg, msgcap, "%s", r.err);
            cmdop__bot_http_clear(&r);
            if (out == DC_ABORTED || attempt >= 2)
                break;
            if (cmdop__bot_sleep(b, 300L << attempt, true))
                break;
            continue;
        }
        /* an exhausted bucket: the next request on it waits for its reset */
        if (r.rl_remaining == 0 && r.rl_reset_after_s >= 0)
            bucket_block(d, key, (long)(r.rl_reset_after_s * 1000) + 1);
        if (r.status == 429) {
            json_t *ra = json_object_get(r.body, "retry_after");
            double secs = json_is_number(ra) ? json_number_value(ra)
                          : r.retry_after_s >= 0 ? r.retry_after_s : 1;
            bucket_block(d, key, (long)(secs * 1000) + 1);
            cmdop__bot_http_clear(&r);
            continue;
        }
        if (r.status >= 200 && r.status < 300) {
            if (result)
                *result = json_incref(r.body);
            out = DC_OK;
        } else {
            const char *m = json_string_value(json_object_get(r.body, "message"));
            snprintf(msg, msgcap, "%s", m ? m : "no message");
            out = (int)r.status;
        }
        cmdop__bot_http_clear(&r);
        break;
    }
    memset(auth, 0, sizeof auth);
    free(url);
    json_decref(body);
    return out;
}

static json_t *components(const bot_button *btn, size_t n)
{
    json_t *row = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(row, json_pack("{s:i, s:i, s:s, s:s}", "type", 2, "style",
                                             btn[i].danger ? 4 : 3, "label", btn[i].label,
                                             "custom_id", btn[i].data));
    return json_pack("[{s:i, s:o}]", "type", 1, "components", row);
}

static int dc_send(cmdop__bot *b, const char *chat, const char *text, const bot_button *btn,
                   size_t n_btn, char **out_id)
{
    char path[256], msg[256];
    snprintf(path, sizeof path, "/channels/%s/messages", chat);
    /* no @everyone or role pings from an agent's output */
    json_t *body = json_pack("{s:s, s:{s:[]}}", "content", text, "allowed_mentions", "parse");
    if (n_btn)
        json_object_set_new(body, "components", components(btn, n_btn));
    json_t *res = NULL;
    int rc = rest(b, "POST", path, chat, body, &res, msg, sizeof msg);
    if (rc == DC_OK) {
        const char *id = json_string_value(json_object_get(res, "id"));
        if (out_id)
            *out_id = id ? strdup(id) : NULL;
        json_decref(res);
        return 0;
    }
    if (rc != DC_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "create message: %d %s", rc, msg);
    return -1;
}

static int dc_edit(cmdop__bot *b, const char *chat, const char *id, const char *text,
                   const bot_button *btn, size_t n_btn)
{
    char path[256], msg[256];
    snprintf(path, sizeof path, "/channels/%s/messages/%s", chat, id);
    json_t *body = json_pack("{s:s, s:o}", "content", text, "components",
                             n_btn ? components(btn, n_btn) : json_array());
    int rc = rest(b, "PATCH", path, chat, body, NULL, msg, sizeof msg);
    if (rc == DC_OK)
        return 0;
    if (rc != DC_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "edit message: %d %s", rc, msg);
    return -1;
}

static int dc_del(cmdop__bot *b, const char *chat, const char *id)
{
    char path[256], msg[256];
    snprintf(path, sizeof path, "/channels/%s/messages/%s", chat, id);
    return rest(b, "DELETE", path, chat, NULL, NULL, msg, sizeof msg) == DC_OK ? 0 : -1;
}

/* ---- the Gateway ---- */

static int gw_send(bot_ws *ws, json_t *payload)
{
    char *txt = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    int rc = txt ? cmdop__bot_ws_send(ws, txt) : -1;
    if (txt) {
        memset(txt, 0, strlen(txt)); /* IDENTIFY and RESUME carry the token */
        free(txt);
    }
    return rc;
}

static void on_dispatch(cmdop__bot *b, const char *t, json_t *data)
{
    dc *d = b->pstate;
    if (strcmp(t, "READY") == 0) {
        const char *sid = json_string_value(json_object_get(data, "session_id"));
        const char *rurl = json_string_value(json_object_get(data, "resume_gateway_url"));
        const char *me = json_string_value(json_object_get(json_object_get(data, "user"), "id"));
        snprintf(d->session_id, sizeof d->session_id, "%s", sid ? sid : "");
        snprintf(d->resume_url, sizeof d->resume_url, "%s", rurl ? rurl : "");
        snprintf(d->self_id, sizeof d->self_id, "%s", me ? me : "");
        cmdop__bot_set_status(b, BOT_RUNNING);
    } else if (strcmp(t, "RESUMED") == 0) {
        cmdop__bot_set_status(b, BOT_RUNNING);
    } else if (strcmp(t, "MESSAGE_CREATE") == 0) {
        json_t *author = json_object_get(data, "author");
        const char *uid = json_string_value(json_object_get(author, "id"));
        if (!uid || json_is_true(json_object_get(author, "bot")) || strcmp(uid, d->self_id) == 0)
            return;
        const char *guild = json_string_value(json_object_get(data, "guild_id"));
        if (b->guild_id && guild && strcmp(guild, b->guild_id) != 0)
            return;
        const char *content = json_string_value(json_object_get(data, "content"));
        const char *chan = json_string_value(json_object_get(data, "channel_id"));
        const char *mid = json_string_value(json_object_get(data, "id"));
        /* "<@BOT> uptime": the mention is not part of the prompt */
        if (content && content[0] == '<' && content[1] == '@') {
            const char *close = strchr(content, '>');
            if (close) {
                content = close + 1;
                while (*content == ' ')
                    content++;
            }
        }
        if (content && *content && chan)
            cmdop__bot_on_message(b, chan, uid, mid, content);
    } else if (strcmp(t, "INTERACTION_CREATE") == 0) {
        if (json_integer_value(json_object_get(data, "type")) != 3)
            return;
        const char *iid = json_string_value(json_object_get(data, "id"));
        const char *itok = json_string_value(json_object_get(data, "token"));
        const char *chan = json_string_value(json_object_get(data, "channel_id"));
        json_t *user = json_object_get(json_object_get(data, "member"), "user");
        if (!user)
            user = json_object_get(data, "user");
        const char *uid = json_string_value(json_object_get(user, "id"));
        const char *cid =
            json_string_value(json_object_get(json_object_get(data, "data"), "custom_id"));
        cmdop__bot_on_click(b, chan, uid, cid);
        if (iid && itok) {
            /* DEFERRED_UPDATE_MESSAGE: the engine edits the message itself */
            char path[512], msg[256];
            snprintf(path, sizeof path, "/interactions/%s/%s/callback", iid, itok);
            rest(b, "POST", path, "interactions", json_pack("{s:i}", "type", 6), NULL, msg,
                 sizeof msg);
        }
    }
}

static char *with_query(const char *url)
{
    size_t n = strlen(url) + 32;
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "%s%s?v=10&encoding=json", url,
                 strchr(url + 6, '/') ? "" : "/");
    return u;
}

/* What to do after a connection ends. */
enum { GW_RESUME, GW_IDENTIFY, GW_FATAL, GW_STOP };

static int session(cmdop__bot *b, bot_ws *ws, bool resume)
{
    dc *d = b->pstate;
    long interval = 0, next_hb = 0;
    bool acked = true;
    for (;;) {
        if (cmdop__bot_is_stopping(b))
            return GW_STOP;
        long now = now_ms();
        if (interval && now >= next_hb) {
            if (!acked) {
                /* zombied: no ACK since the last heartbeat */
                cmdop__bot_emit_error(b, NULL, "connection", "Gateway heartbeat not acknowledged");
                return GW_RESUME;
            }
            gw_send(ws, json_pack("{s:i, s:o}", "op", 1, "d",
                                  d->seq ? json_integer(d->seq) : json_null()));
            acked = false;
            next_hb = now + interval;
        }
        long slice = interval ? next_hb - now : 250;
        if (slice > 250)
            slice = 250;
        if (slice < 1)
            slice = 1;
        char *txt = NULL;
        int code = 0;
        int r = cmdop__bot_ws_recv(ws, &txt, slice, &code);
        if (r == 0)
            continue;
        if (r < 0) {
            if (code == 4004) {
                cmdop__bot_fail(b, CMDOP_EAUTH, "Discord rejected the bot token (close 4004)");
                return GW_FATAL;
            }
            if (code == 4010 || code == 4011 || code == 4012 || code == 4013 || code == 4014) {
                char m[160];
                snprintf(m, sizeof m,
                         "Discord closed the Gateway with %d (%s)", code,
                         code == 4014 ? "privileged intent MESSAGE_CONTENT not enabled"
                                      : "configuration");
                cmdop__bot_fail(b, CMDOP_EPERMISSION, m);
                return GW_FATAL;
            }
            cmdop__bot_emit_error(b, NULL, "connection", "Gateway connection lost (close %d)",
                                  code);
            return code == 4007 || code == 4009 ? GW_IDENTIFY : GW_RESUME;
        }
        json_t *p = json_loads(txt, 0, NULL);
        free(txt);
        int op = (int)json_integer_value(json_object_get(p, "op"));
        json_t *data = json_object_get(p, "d");
        switch (op) {
        case 10: { /* HELLO */
            interval = (long)json_integer_value(json_object_get(data, "heartbeat_interval"));
            if (interval <= 0)
                interval = 45000;
            unsigned char j = 0;
            cmdop__port_random(&j, 1);
            next_hb = now_ms() + interval * j / 256; /* first beat: interval * jitter */
            if (resume && d->session_id[0])
                gw_send(ws, json_pack("{s:i, s:{s:s, s:s, s:I}}", "op", 6, "d", "token",
                                      b->token, "session_id", d->session_id, "seq",
                                      (json_int_t)d->seq));
            else
                gw_send(ws, json_pack("{s:i, s:{s:s, s:i, s:{s:s, s:s, s:s}}}", "op", 2, "d",
                                      "token", b->token, "intents", DC_INTENTS, "properties",
                                      "os", "linux", "browser", "cmdop", "device", "cmdop"));
            break;
        }
        case 11:
            acked = true;
            break;
        case 1:
            gw_send(ws, json_pack("{s:i, s:o}", "op", 1, "d",
                                  d->seq ? json_integer(d->seq) : json_null()));
            break;
        case 7:
            json_decref(p);
            return GW_RESUME;
        case 9: {
            bool resumable = json_is_true(data);
            json_decref(p);
            if (!resumable) {
                /* Discord asks for a pause of 1-5 s before a new IDENTIFY */
                d->session_id[0] = '\0';
                d->seq = 0;
                cmdop__bot_set_status(b, BOT_RECONNECTING);
                cmdop__bot_sleep(b, 1000, false);
            }
            return resumable ? GW_RESUME : GW_IDENTIFY;
        }
        case 0: {
            json_t *s = json_object_get(p, "s");
            if (json_is_integer(s))
                d->seq = (long long)json_integer_value(s);
            const char *t = json_string_value(json_object_get(p, "t"));
            if (t)
                on_dispatch(b, t, data);
            break;
        }
        default:
            break;
        }
        json_decref(p);
    }
}

static void dc_loop(cmdop__bot *b)
{
    dc *d = b->pstate;
    long backoff = 0;
    bool resume = false;
    char err[256];
    while (!cmdop__bot_is_stopping(b)) {
        if (backoff && cmdop__bot_sleep(b, backoff, false))
            break;
        backoff = backoff ? (backoff * 2 > 30000 ? 30000 : backoff * 2) : 200;
        if (!d->gateway_url[0]) {
            json_t *res = NULL;
            int rc = rest(b, "GET", "/gateway/bot", "gateway", NULL, &res, err, sizeof err);
            if (rc == 401) {
                cmdop__bot_fail(b, CMDOP_EAUTH, "Discord rejected the bot token (401)");
                return;
            }
            const char *u = json_string_value(json_object_get(res, "url"));
            if (rc != DC_OK || !u) {
                json_decref(res);
                cmdop__bot_set_status(b, BOT_RECONNECTING);
                cmdop__bot_emit_error(b, NULL, "connection", "gateway/bot: %s", err);
                continue;
            }
            snprintf(d->gateway_url, sizeof d->gateway_url, "%s", u);
            json_decref(res);
        }
        bool resuming = resume && d->session_id[0];
        char *url = with_query(resuming && d->resume_url[0] ? d->resume_url : d->gateway_url);
        bot_ws *ws = NULL;
        if (!url || cmdop__bot_ws_connect(&ws, b->net, url, 15000, err, sizeof err) != 0) {
            free(url);
            cmdop__bot_set_status(b, BOT_RECONNECTING);
            cmdop__bot_emit_error(b, NULL, "connection", "Gateway: %s", err);
            resume = resuming;
            continue;
        }
        free(url);
        int next = session(b, ws, resuming);
        if (cmdop__bot_status(b) == BOT_RUNNING)
            backoff = 0;
        /* 1000 would end the session; any other code keeps it resumable */
        cmdop__bot_ws_close(ws, next == GW_STOP ? 1000 : 4000);
        if (next == GW_STOP || next == GW_FATAL)
            break;
        resume = next == GW_RESUME;
        cmdop__bot_set_status(b, BOT_RECONNECTING);
    }
}

static int dc_init(cmdop__bot *b)
{
    dc *d = calloc(1, sizeof *d);
    if (!d)
        return CMDOP_ENOMEM;
    pthread_mutex_init(&d->mu, NULL);
    b->pstate = d;
    return 0;
}

static void dc_fini(cmdop__bot *b)
{
    dc *d = b->pstate;
    pthread_mutex_destroy(&d->mu);
    free(d);
    b->pstate = NULL;
}

const bot_platform cmdop__bot_discord = {
    .name = "discord",
    .max_len = 2000,
    .utf16 = false,
    .default_base = "https://discord.com",
    .init = dc_init,
    .loop = dc_loop,
    .fini = dc_fini,
    .send = dc_send,
    .edit = dc_edit,
    .del = dc_del,
};
