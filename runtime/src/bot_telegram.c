/* bot_telegram.c — Telegram: Bot API long polling (getUpdates with offset)
 * and sendMessage / editMessageText / answerCallbackQuery / deleteMessage
 * at <api_base_url>/bot<token>/<method>, JSON bodies. A 429 waits
 * parameters.retry_after; a lost poll reconnects with backoff. Wire facts:
 * docs/bots.md "Telegram". */
#include "bot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot_http.h"
#include "cmdop/error.h"

typedef struct tg {
    long long offset;
    bool have_offset;
} tg;

enum { TG_OK = 0, TG_TRANSPORT = -1, TG_ABORTED = -2 };

/* One Bot API call; `params` is stolen. Returns TG_OK with *result NEW
 * (may be NULL when not wanted), an HTTP status > 0 (desc filled), or
 * TG_TRANSPORT / TG_ABORTED. 429s are waited out here. */
static int call(cmdop__bot *b, const char *method, json_t *params, json_t **result, bool poll,
                long timeout_ms, char *desc, size_t desc_cap)
{
    char *url = cmdop__bot_url(b, "/bot%s/%s", b->token, method);
    int out = TG_TRANSPORT;
    if (result)
        *result = NULL;
    desc[0] = '\0';
    for (int attempt = 0; url && attempt < 8; attempt++) {
        bot_http_resp r;
        int rc = cmdop__bot_http(b->net, "POST", url, NULL, params, timeout_ms,
                                 poll ? &b->stopping : NULL, &b->cancelled, &r);
        if (rc != 0) {
            out = r.aborted ? TG_ABORTED : TG_TRANSPORT;
            snprintf(desc, desc_cap, "%s", r.err);
            cmdop__bot_http_clear(&r);
            if (out == TG_ABORTED || poll || attempt >= 2)
                break;
            if (cmdop__bot_sleep(b, 300L << attempt, true))
                break;
            continue;
        }
        json_t *ok = json_object_get(r.body, "ok");
        if (r.status == 200 && json_is_true(ok)) {
            if (result)
                *result = json_incref(json_object_get(r.body, "result"));
            cmdop__bot_http_clear(&r);
            out = TG_OK;
            break;
        }
        const char *d = json_string_value(json_object_get(r.body, "description"));
        snprintf(desc, desc_cap, "%s", d ? d : "no description");
        out = (int)(r.status ? r.status : 500);
        if (r.status == 429) {
            /* flood control: the JSON field, else the header, else 1 s */
            json_t *ra = json_object_get(json_object_get(r.body, "parameters"), "retry_after");
            double secs = json_is_number(ra) ? json_number_value(ra)
                          : r.retry_after_s >= 0 ? r.retry_after_s : 1;
            cmdop__bot_http_clear(&r);
            if (cmdop__bot_sleep(b, (long)(secs * 1000), !poll)) {
                out = TG_ABORTED;
                break;
            }
            continue;
        }
        cmdop__bot_http_clear(&r);
        break;
    }
    free(url);
    json_decref(params);
    return out;
}

static json_t *chat_json(const char *chat)
{
    char *end;
    long long v = strtoll(chat, &end, 10);
    return *end == '\0' && end != chat ? json_integer(v) : json_string(chat);
}

static char *id_str(json_t *v)
{
    char buf[32];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    const char *s = json_string_value(v);
    return s ? strdup(s) : NULL;
}

static json_t *keyboard(const bot_button *btn, size_t n)
{
    json_t *row = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(row, json_pack("{s:s, s:s}", "text", btn[i].label,
                                             "callback_data", btn[i].data));
    return json_pack("{s:[o]}", "inline_keyboard", row);
}

static int tg_send(cmdop__bot *b, const char *chat, const char *text, const bot_button *btn,
                   size_t n_btn, char **out_id)
{
    json_t *p = json_pack("{s:o, s:s}", "chat_id", chat_json(chat), "text", text);
    if (n_btn)
        json_object_set_new(p, "reply_markup", keyboard(btn, n_btn));
    json_t *res = NULL;
    char desc[256];
    int rc = call(b, "sendMessage", p, &res, false, 30000, desc, sizeof desc);
    if (rc == TG_OK) {
        if (out_id)
            *out_id = id_str(json_object_get(res, "message_id"));
        json_decref(res);
        return 0;
    }
    if (rc != TG_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "sendMessage: %d %s", rc, desc);
    return -1;
}

static int tg_edit(cmdop__bot *b, const char *chat, const char *id, const char *text,
                   const bot_button *btn, size_t n_btn)
{
    json_t *p = json_pack("{s:o, s:o, s:s}", "chat_id", chat_json(chat), "message_id",
                          chat_json(id), "text", text);
    if (n_btn)
        json_object_set_new(p, "reply_markup", keyboard(btn, n_btn));
    char desc[256];
    int rc = call(b, "editMessageText", p, NULL, false, 30000, desc, sizeof desc);
    if (rc == TG_OK || (rc == 400 && strstr(desc, "message is not modified")))
        return 0;
    if (rc != TG_ABORTED)
        cmdop__bot_emit_error(b, chat, "platform", "editMessageText: %d %s", rc, desc);
    return -1;
}

static int tg_del(cmdop__bot *b, const char *chat, const char *id)
{
    json_t *p = json_pack("{s:o, s:o}", "chat_id", chat_json(chat), "message_id", chat_json(id));
    char desc[256];
    int rc = call(b, "deleteMessage", p, NULL, false, 30000, desc, sizeof desc);
    return rc == TG_OK ? 0 : -1;
}

static void dispatch(cmdop__bot *b, json_t *u)
{
    json_t *m = json_object_get(u, "message");
    if (m) {
        const char *text = json_string_value(json_object_get(m, "text"));
        json_t *from = json_object_get(m, "from");
        if (!text || !from || json_is_true(json_object_get(from, "is_bot")))
            return;
        char *chat = id_str(json_object_get(json_object_get(m, "chat"), "id"));
        char *user = id_str(json_object_get(from, "id"));
        char *mid = id_str(json_object_get(m, "message_id"));
        cmdop__bot_on_message(b, chat, user, mid, text);
        free(chat);
        free(user);
        free(mid);
        return;
    }
    json_t *q = json_object_get(u, "callback_query");
    if (q) {
        char *chat = id_str(json_object_get(json_object_get(json_object_get(q, "message"), "chat"), "id"));
        char *user = id_str(json_object_get(json_object_get(q, "from"), "id"));
        const char *data = json_string_value(json_object_get(q, "data"));
        const char *ack = cmdop__bot_on_click(b, chat, user, data);
        const char *qid = json_string_value(json_object_get(q, "id"));
        if (qid) {
            char desc[256];
            /* Every press is answered, or the user's client keeps spinning. */
            call(b, "answerCallbackQuery",
                 json_pack("{s:s, s:s}", "callback_query_id", qid, "text", ack), NULL, false,
                 30000, desc, sizeof desc);
        }
        free(chat);
        free(user);
    }
}

static json_t *poll_params(cmdop__bot *b, long timeout_s)
{
    tg *t = b->pstate;
    json_t *p = json_pack("{s:I, s:[s,s]}", "timeout", (json_int_t)timeout_s, "allowed_updates",
                          "message", "callback_query");
    if (t->have_offset)
        json_object_set_new(p, "offset", json_integer(t->offset));
    return p;
}

static void tg_loop(cmdop__bot *b)
{
    tg *t = b->pstate;
    char desc[256];
    if (b->has_seed_offset) {
        t->offset = b->seed_offset;
        t->have_offset = true;
    }
    if (b->drop_pending) {
        /* offset -1 keeps only the newest update; the next poll, with an
         * offset past it, confirms that one too */
        json_t *res = NULL;
        int rc = call(b, "getUpdates", json_pack("{s:i, s:i}", "offset", -1, "timeout", 0), &res,
                      true, 30000, desc, sizeof desc);
        if (rc == TG_OK && json_array_size(res) > 0) {
            json_t *last = json_array_get(res, json_array_size(res) - 1);
            t->offset = (long long)json_integer_value(json_object_get(last, "update_id")) + 1;
            t->have_offset = true;
        }
        json_decref(res);
    }
    long backoff = 0;
    bool reported = false;
    while (!cmdop__bot_is_stopping(b)) {
        json_t *res = NULL;
        /* Until a poll succeeded (at start, after a failure) poll without
         * waiting, so the status says at once whether the API answers. */
        long wait_s = cmdop__bot_status(b) == BOT_RUNNING ? b->poll_timeout_s : 0;
        int rc = call(b, "getUpdates", poll_params(b, wait_s), &res, true,
                      (wait_s + 15) * 1000L, desc, sizeof desc);
        if (rc == TG_ABORTED || cmdop__bot_is_stopping(b)) {
            json_decref(res);
            break;
        }
        if (rc == 401 || rc == 404) {
            char msg[320];
            snprintf(msg, sizeof msg, "Telegram rejected the bot token (%d %s)", rc, desc);
            cmdop__bot_fail(b, CMDOP_EAUTH, msg);
            json_decref(res);
            return;
        }
        if (rc != TG_OK) {
            cmdop__bot_set_status(b, BOT_RECONNECTING);
            if (!reported)
                cmdop__bot_emit_error(b, NULL, rc == TG_TRANSPORT ? "connection" : "platform",
                                      "getUpdates: %s%s", rc > 0 ? "HTTP error: " : "", desc);
            reported = true;
            backoff = backoff ? (backoff * 2 > 30000 ? 30000 : backoff * 2) : 200;
            cmdop__bot_sleep(b, backoff, false);
            continue;
        }
        backoff = 0;
        reported = false;
        cmdop__bot_set_status(b, BOT_RUNNING);
        for (size_t i = 0; i < json_array_size(res); i++) {
            json_t *u = json_array_get(res, i);
            t->offset = (long long)json_integer_value(json_object_get(u, "update_id")) + 1;
            t->have_offset = true;
            if (!cmdop__bot_is_stopping(b))
                dispatch(b, u);
            atomic_store(&b->offset_now, t->offset);
        }
        json_decref(res);
    }
    /* Confirm what was taken, so a restart does not see it again. */
    if (t->have_offset && !atomic_load(&b->cancelled)) {
        json_t *p = json_pack("{s:I, s:i}", "offset", (json_int_t)t->offset, "timeout", 0);
        call(b, "getUpdates", p, NULL, false, 10000, desc, sizeof desc);
    }
}

static int tg_init(cmdop__bot *b)
{
    b->pstate = calloc(1, sizeof(tg));
    return b->pstate ? 0 : CMDOP_ENOMEM;
}

static void tg_fini(cmdop__bot *b)
{
    free(b->pstate);
    b->pstate = NULL;
}

const bot_platform cmdop__bot_telegram = {
    .name = "telegram",
    .max_len = 4096,
    .utf16 = true,
    .default_base = "https://api.telegram.org",
    .init = tg_init,
    .loop = tg_loop,
    .fini = tg_fini,
    .send = tg_send,
    .edit = tg_edit,
    .del = tg_del,
};
