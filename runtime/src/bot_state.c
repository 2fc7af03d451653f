/* bot_state.c — what a bot keeps across restarts of a long-running host
 * (cmdop-core bots serve, bot_serve.c): each chat's session id, so a
 * conversation goes on, and Telegram's next update id, so no update is
 * answered twice. See bot.h / bot_internal.h. */
#include "bot_internal.h"

#include <stdlib.h>
#include <string.h>

static bool hex32(const char *s)
{
    if (!s || strlen(s) != 32)
        return false;
    for (size_t i = 0; i < 32; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

void cmdop__bot_state_seed(cmdop__bot *b, const json_t *state)
{
    json_t *off = json_object_get(state, "offset");
    if (json_is_integer(off) && json_integer_value(off) > 0) {
        b->seed_offset = (long long)json_integer_value(off);
        b->has_seed_offset = true;
        atomic_store(&b->offset_now, b->seed_offset);
    }
    const char *chat;
    json_t *sid;
    json_object_foreach(json_object_get(state, "sessions"), chat, sid)
    {
        const char *s = json_string_value(sid);
        if (!hex32(s))
            continue;
        bot_chat *c = calloc(1, sizeof *c);
        if (!c || !(c->id = strdup(chat))) {
            free(c);
            return;
        }
        memcpy(c->session_id, s, 33);
        c->next = b->chats;
        b->chats = c;
    }
}

json_t *cmdop__bot_state(cmdop__bot *b)
{
    json_t *sessions = json_object();
    pthread_mutex_lock(&b->mu);
    for (bot_chat *c = b->chats; c; c = c->next)
        json_object_set_new(sessions, c->id, json_string(c->session_id));
    pthread_mutex_unlock(&b->mu);
    json_t *out = json_pack("{s:o}", "sessions", sessions);
    long long off = atomic_load(&b->offset_now);
    if (off > 0)
        json_object_set_new(out, "offset", json_integer(off));
    return out;
}
