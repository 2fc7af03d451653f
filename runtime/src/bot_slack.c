/* bot_slack.c — Slack: Socket Mode (apps.connections.open with the
 * app-level token, then a WebSocket whose envelopes are acked at once)
 * and the Web API with the bot token (chat.postMessage, chat.update,
 * chat.delete; a 429 waits Retry-After). A dropped socket or a
 * `disconnect` frame reconnects through a new Socket Mode URL. Wire facts:
 * docs/bots.md "Slack". */
#include "bot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot_http.h"
#include "bot_ws.h"
#include "cmdop/error.h"

#define SLACK_SEEN 64

typedef struct slack {
    char seen[SLACK_SEEN][48]; /* recent envelope ids (redeliveries) */
    size_t seen_next;
} slack;

enum { SL_OK = 0, SL_TRANSPORT = -1, SL_ABORTED = -2, SL_API = -3 };

/* One Web API call with `tok`; `params` stolen. SL_OK with *result NEW
 * (the whole answer), SL_API (err = Slack's error code), or
 * SL_TRANSPORT / SL_ABORTED. 429s are waited out here. */
static int call(cmdop__bot *b, const char *tok, const char *method, json_t *params,
                json_t **result, bool soft, char *err, size_t errcap)
{
    char *url = cmdop__bot_url(b, "/api/%s", method);
    char auth[512];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *hdrs[] = {auth, NULL};
    int out = SL_TRANSPORT;
    if (result)
        *result = NULL;
    err[0] = '\0';
    for (int attempt = 0; url && attempt < 8; attempt++) {
        bot_http_resp r;
        int rc = cmdop__bot_http(b->net, "POST", url, hdrs, params, 30000,
                                 soft ? &b->stopping : NULL, &b->cancelled, &r);
        if (rc != 0) {
            out = r.aborted ? SL_ABORTED : SL_TRANSPORT;
            snprintf(err, errcap, "%s", r.err);
            cmdop__bot_http_clear(&r);
            if (out == SL_ABORTED || soft || attempt >= 2)
                break;
            if (cmdop__bot_sleep(b, 300L << attempt, true))
                break;
            continue;
        }
        if (r.status == 429) {
            double secs = r.retry_after_s >= 0 ? r.retry_after_s : 1;
            cmdop__bot_http_clear(&r);
            if (cmdop__bot_sleep(b, (long)(secs * 1000), !soft)) {
                out = SL_ABORTED;
                break;
            }
            continue;
        }
        if (json_is_true(json_object_get(r.body, "ok"))) {
            if (result)
                *result = json_incref(r.body);
            out = SL_OK;
        } else {
            const char *e = json_string_value(json_object_get(r.body, "error"));
            snprintf(err, errcap, "%s", e ? e : r.status != 200 ? "http_error" : "not_ok");
            out = SL_API;
        }
        cmdop__bot_http_clear(&r);
        break;
    }
    /* the Authorization line held the token */
    memset(auth, 0, sizeof auth);
    free(url);
    json_decref(params);
    return out;
}

static json_t *blocks(const char *text, const bot_button *btn, size_t n)
{
    json_t *els = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *el = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "type", "button", "text", "type",
                               "plain_text", "text", btn[i].label, "action_id", btn[i].data,
                               "value", btn[i].data);
        json_object_set_new(el, "style", json_string(btn[i].danger ? "danger" : "primary"));
        json_array_append_new(els, el);
    }
    return json_pack("[{s:s, s:{s:s, s:s}}, {s:s, s:o}]", "type", "section", "text", "type",
                     "plain_text", "text", text, "type", "actions", "elements", els);
}

static int sl_send(cmdop__bot *b, const char *chat, const char *text, const bot_button *btn,
                   size_t n_btn, char **out_id)
{
    json_t *p = json_pack("{s:s, s:s}", "channel", chat, "text", text);
    if (n_btn)
        json_object_set_new(p, "blocks", blocks(text, btn, n_btn));
    json_t *res = NULL;
    char err[160];
    int rc = call(b, b->token, "chat.postMessage", p, &res, false, err, sizeof err);
    if (rc == SL_OK) {
        const char *ts = json_string_value(json_object_get(res, "ts"));
        if (out_id)
            *out_id = ts ? strdup(ts) : NULL;
        json_decref(res);
        return 0;
    }
    if (rc != SL_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "chat.postMessage: %s", err);
    return -1;
}

static int sl_edit(cmdop__bot *b, const char *chat, const char *id, const char *text,
                   const bot_button *btn, size_t n_btn)
{
    /* blocks [] clears the buttons of a confirm message */
    json_t *p = json_pack("{s:s, s:s, s:s, s:o}", "channel", chat, "ts", id, "text", text,
                          "blocks", n_btn ? blocks(text, btn, n_btn) : json_array());
    char err[160];
    int rc = call(b, b->token, "chat.update", p, NULL, false, err, sizeof err);
    if (rc == SL_OK)
        return 0;
    if (rc != SL_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "chat.update: %s", err);
    return -1;
}

static int sl_del(cmdop__bot *b, const char *chat, const char *id)
{
    char err[160];
    return call(b, b->token, "chat.delete", json_pack("{s:s, s:s}", "channel", chat, "ts", id),
                NULL, false, err, sizeof err) == SL_OK ? 0 : -1;
}

static bool seen_before(slack *s, const char *id)
{
    for (size_t i = 0; i < SLACK_SEEN; i++)
        if (strcmp(s->seen[i], id) == 0)
            return true;
    snprintf(s->seen[s->seen_next], sizeof s->seen[0], "%s", id);
    s->seen_next = (s->seen_next + 1) % SLACK_SEEN;
    return false;
}

static void on_event(cmdop__bot *b, json_t *payload)
{
    json_t *ev = json_object_get(payload, "event");
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (!type || (strcmp(type, "message") != 0 && strcmp(type, "app_mention") != 0))
        return;
    /* edits, deletes, bot posts (ours too) are not prompts */
    if (json_object_get(ev, "subtype") || json_object_get(ev, "bot_id"))
        return;
    const char *text = json_string_value(json_object_get(ev, "text"));
    const char *user = json_string_value(json_object_get(ev, "user"));
    const char *chan = json_string_value(json_object_get(ev, "channel"));
    const char *ts = json_string_value(json_object_get(ev, "ts"));
    if (!text || !user || !chan)
        return;
    /* "<@U123> uptime" in a channel: the mention is not part of the prompt */
    if (text[0] == '<' && text[1] == '@') {
        const char *close = strchr(text, '>');
        if (close) {
            text = close + 1;
            while (*text == ' ')
                text++;
        }
    }
    if (*text)
        cmdop__bot_on_message(b, chan, user, ts, text);
}

static void on_interactive(cmdop__bot *b, json_t *payload)
{
    const char *type = json_string_value(json_object_get(payload, "type"));
    if (!type || strcmp(type, "block_actions") != 0)
        return;
    const char *user = json_string_value(json_object_get(json_object_get(payload, "user"), "id"));
    const char *chan =
        json_string_value(json_object_get(json_object_get(payload, "channel"), "id"));
    if (!chan)
        chan = json_string_value(
            json_object_get(json_object_get(payload, "container"), "channel_id"));
    json_t *act = json_array_get(json_object_get(payload, "actions"), 0);
    const char *data = json_string_value(json_object_get(act, "value"));
    if (!data)
        data = json_string_value(json_object_get(act, "action_id"));
    cmdop__bot_on_click(b, chan, user, data);
}

/* One Socket Mode connection: returns when it drops, Slack asks for a
 * refresh, or the bot stops. */
static void session(cmdop__bot *b, bot_ws *ws, long *backoff)
{
    slack *s = b->pstate;
    while (!cmdop__bot_is_stopping(b)) {
        char *msg = NULL;
        int code = 0;
        int r = cmdop__bot_ws_recv(ws, &msg, 250, &code);
        if (r == 0)
            continue;
        if (r < 0) {
            cmdop__bot_emit_error(b, NULL, "connection", "Socket Mode connection lost (close %d)",
                                  code);
            return;
        }
        json_t *j = json_loads(msg, 0, NULL);
        free(msg);
        const char *type = json_string_value(json_object_get(j, "type"));
        const char *eid = json_string_value(json_object_get(j, "envelope_id"));
        if (eid) {
            /* ack first: Slack redelivers what is not acked within 3 s */
            json_t *ack = json_pack("{s:s}", "envelope_id", eid);
            char *txt = json_dumps(ack, JSON_COMPACT);
            cmdop__bot_ws_send(ws, txt);
            free(txt);
            json_decref(ack);
        }
        if (type && strcmp(type, "hello") == 0) {
            *backoff = 0;
            cmdop__bot_set_status(b, BOT_RUNNING);
        } else if (type && strcmp(type, "disconnect") == 0) {
            const char *reason = json_string_value(json_object_get(j, "reason"));
            if (reason && strcmp(reason, "link_disabled") == 0)
                cmdop__bot_fail(b, CMDOP_EPERMISSION, "Slack: Socket Mode is disabled for the app");
            json_decref(j);
            return;
        } else if (eid && !seen_before(s, eid) && type) {
            json_t *payload = json_object_get(j, "payload");
            if (strcmp(type, "events_api") == 0)
                on_event(b, payload);
            else if (strcmp(type, "interactive") == 0)
                on_interactive(b, payload);
        }
        json_decref(j);
    }
}

static void sl_loop(cmdop__bot *b)
{
    long backoff = 0;
    char err[256];
    while (!cmdop__bot_is_stopping(b) && cmdop__bot_status(b) != BOT_FAILED) {
        if (backoff && cmdop__bot_sleep(b, backoff, false))
            break;
        backoff = backoff ? (backoff * 2 > 30000 ? 30000 : backoff * 2) : 200;
        json_t *res = NULL;
        int rc = call(b, b->app_token, "apps.connections.open", json_object(), &res, true, err,
                      sizeof err);
        if (rc == SL_ABORTED)
            break;
        if (rc == SL_API && (strcmp(err, "invalid_auth") == 0 || strcmp(err, "not_authed") == 0 ||
                             strcmp(err, "token_revoked") == 0 ||
                             strcmp(err, "account_inactive") == 0)) {
            char msg[300];
            snprintf(msg, sizeof msg, "Slack rejected the app-level token (%s)", err);
            cmdop__bot_fail(b, CMDOP_EAUTH, msg);
            return;
        }
        const char *url = json_string_value(json_object_get(res, "url"));
        bot_ws *ws = NULL;
        if (rc != SL_OK || !url ||
            cmdop__bot_ws_connect(&ws, b->net, url, 15000, err, sizeof err) != 0) {
            cmdop__bot_set_status(b, BOT_RECONNECTING);
            cmdop__bot_emit_error(b, NULL, "connection", "Socket Mode: %s", err);
            json_decref(res);
            continue;
        }
        json_decref(res);
        session(b, ws, &backoff);
        cmdop__bot_ws_close(ws, 1000);
        if (!cmdop__bot_is_stopping(b))
            cmdop__bot_set_status(b, BOT_RECONNECTING);
    }
}

static int sl_init(cmdop__bot *b)
{
    b->pstate = calloc(1, sizeof(slack));
    return b->pstate ? 0 : CMDOP_ENOMEM;
}

static void sl_fini(cmdop__bot *b)
{
    free(b->pstate);
    b->pstate = NULL;
}

const bot_platform cmdop__bot_slack = {
    .name = "slack",
    .max_len = 4000,
    .utf16 = false,
    .default_base = "https://slack.com",
    .init = sl_init,
    .loop = sl_loop,
    .fini = sl_fini,
    .send = sl_send,
    .edit = sl_edit,
    .del = sl_del,
};
