/* bot_conv.c — see bot_conv.h. */
#include "bot_conv.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_fake.h"
#include "cmdop/error.h"
#include "it_client.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note(conv_events *ev, const cmdop__bot_event *e)
{
    /* what an event says, not its ids (a Slack ts or a session id could
     * contain any digits) */
    static const char *const keep[] = {"type", "text", "prompt", "reason", "plan", "label",
                                       "code", "message"};
    json_t *j = cmdop__bot_event_to_json(e);
    json_t *k = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (json_object_get(j, keep[i]))
            json_object_set(k, keep[i], json_object_get(j, keep[i]));
    char *line = json_dumps(k, JSON_COMPACT);
    json_decref(k);
    json_decref(j);
    size_t old = ev->all ? strlen(ev->all) : 0;
    char *g = realloc(ev->all, old + strlen(line) + 2);
    if (g) {
        strcpy(g + old, line);
        strcat(g + old, "\n");
        ev->all = g;
    }
    free(line);
    ev->seen[e->kind] = true;
}

/* One step: an event of `kind` returns true (kept), a status change is noted. */
static bool step(cmdop__bot *b, int kind, int status, conv_events *ev, long end)
{
    for (;;) {
        if (status && cmdop__bot_status(b) == status) {
            ev->statuses_seen[status] = true;
            return true;
        }
        long left = end - now_ms();
        if (left <= 0)
            return false;
        cmdop__bot_event *e = NULL;
        int rc = cmdop__bot_next_timed(b, &e, left);
        if (rc == CMDOP__BOT_STATE_CHANGED) {
            ev->statuses_seen[cmdop__bot_status(b)] = true;
            continue;
        }
        if (rc != 0)
            return status && cmdop__bot_status(b) == status;
        note(ev, e);
        if (kind && (int)e->kind == kind) {
            cmdop__bot_event_free(ev->last);
            ev->last = e;
            return true;
        }
        cmdop__bot_event_free(e);
    }
}

bool conv_wait_event(cmdop__bot *b, int kind, conv_events *ev, long timeout_ms)
{
    return step(b, kind, 0, ev, now_ms() + timeout_ms);
}

bool conv_wait_status(cmdop__bot *b, int status, conv_events *ev, long timeout_ms)
{
    return step(b, 0, status, ev, now_ms() + timeout_ms);
}

void conv_events_clear(conv_events *ev)
{
    cmdop__bot_event_free(ev->last);
    free(ev->all);
    memset(ev, 0, sizeof *ev);
}

bool conv_events_mention(const conv_events *ev, const char *s)
{
    return ev->all && strstr(ev->all, s);
}

int conv_has_bot_msgs(json_t *chat, void *arg)
{
    return chat_fake_bot_count(chat) >= (size_t)arg;
}

int conv_has_buttons(json_t *chat, void *arg)
{
    (void)arg;
    for (size_t i = 0; chat_fake_bot_msg(chat, i); i++)
        if (json_array_size(json_object_get(chat_fake_bot_msg(chat, i), "buttons")) > 0)
            return 1;
    return 0;
}

const char *conv_button_data(json_t *msg, const char *label)
{
    size_t i;
    json_t *btn;
    json_array_foreach(json_object_get(msg, "buttons"), i, btn)
    {
        const char *t = json_string_value(json_object_get(btn, "text"));
        if (t && strcmp(t, label) == 0)
            return json_string_value(json_object_get(btn, "data"));
    }
    return NULL;
}

/* The texts a call carried: Telegram's and Slack's text (and Slack's
 * blocks), Discord's content. */
static bool text_has(json_t *params, const char *s)
{
    static const char *const keys[] = {"text", "content", "blocks"};
    json_t *body = json_object_get(params, "body");
    for (size_t k = 0; k < 3; k++) {
        json_t *vals[2] = {json_object_get(params, keys[k]), json_object_get(body, keys[k])};
        for (size_t v = 0; v < 2; v++) {
            if (!vals[v])
                continue;
            char *dump = json_dumps(vals[v], JSON_ENCODE_ANY);
            bool hit = dump && strstr(dump, s);
            free(dump);
            if (hit)
                return true;
        }
    }
    return false;
}

bool conv_calls_mention(json_t *calls, const char *s)
{
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
        if (text_has(json_object_get(c, "params"), s))
            return true;
    return false;
}

bool conv_relay_saw_ask(void)
{
    json_t *reqs = it_requests();
    size_t i;
    json_t *r;
    bool saw = false;
    json_array_foreach(reqs, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        if (path && strstr(path, "/ask"))
            saw = true;
    }
    json_decref(reqs);
    return saw;
}
