/*
 * bot.h — INTERNAL: the bot engine behind bots.run (docs/bots.md). One
 * engine runs one bot: a receive loop on its own thread (Telegram long
 * polling, Discord Gateway, Slack Socket Mode), per-chat sessions that
 * drive machines.ask one prompt at a time, and a queue of typed events.
 *
 * The functions have the exact shapes of the handle seam the generator
 * emits for `handle RunningBot` (cmdop__running_bot_impl), so the generated
 * code calls them through a table (bot_engine.c defines it when the seam
 * header exists).
 */
#ifndef CMDOP__BOT_H
#define CMDOP__BOT_H

#include <jansson.h>

#include "cmdop/client.h"
#include "cmdop/types.h"

typedef struct cmdop__bot cmdop__bot;

/* What the event queue holds (the BotEvent arms; see cmdop__bot_event). */
typedef enum cmdop__bot_event_kind {
    CMDOP__BOT_EV_MESSAGE_RECEIVED = 1,
    CMDOP__BOT_EV_REFUSED = 2,
    CMDOP__BOT_EV_ASK_STARTED = 3,
    CMDOP__BOT_EV_REPLY_SENT = 4,
    CMDOP__BOT_EV_CONFIRM_ASKED = 5,
    CMDOP__BOT_EV_PIN_ASKED = 6,
    CMDOP__BOT_EV_ERROR = 7
} cmdop__bot_event_kind;

/* One event, flat: the fields of its BotEvent arm that apply are set, the
 * others NULL/0. All strings owned. Free with cmdop__bot_event_free. */
typedef struct cmdop__bot_event {
    cmdop__bot_event_kind kind;
    char *chat_id;
    char *user_id;
    char *message_id;   /* message_received */
    char *text;         /* message_received text ("" for a PIN), ask_started prompt */
    char *reason;       /* refused */
    char *session_id;   /* ask_started */
    char **message_ids; /* reply_sent */
    size_t n_message_ids;
    bool success;        /* reply_sent */
    int text_length;     /* reply_sent */
    char *plan;          /* confirm_asked */
    char *danger_level;  /* confirm_asked */
    bool offered;        /* confirm_asked: buttons shown (false: rejected by permission) */
    char *label;         /* pin_asked */
    char *code;          /* error */
    char *message;       /* error */
} cmdop__bot_event;

void cmdop__bot_event_free(cmdop__bot_event *ev);
/* The event as its BotEvent JSON ({"type": "<arm>", ...fields}); NEW. */
json_t *cmdop__bot_event_to_json(const cmdop__bot_event *ev);

/* next() returns this (with *event NULL) when the status changed. */
#define CMDOP__BOT_STATE_CHANGED 1

/*
 * Start a bot. `args` is BORROWED: a JSON object keyed by the bots.run
 * param names (platform, token, guild_id, bot_token, app_token, machine_id,
 * bot_id, allowed_users, admin_users, permission, api_base_url,
 * drop_pending, edit_interval_ms); absent optional params are absent.
 * `client` is BORROWED and must outlive the engine. Returns 0 with *out
 * NEW (cmdop__bot_free), or CMDOP_EVALIDATION naming the field (a missing
 * credential or machine_id, an unknown platform), or another error (the
 * bot_id lookup). Does not wait for the platform: the loop runs on the
 * engine's own thread and reports through status() and events.
 */
int cmdop__bot_open(cmdop_client *client, const json_t *args, cmdop__bot **out);

/* Block until the next event: 0 and *event NEW; CMDOP__BOT_STATE_CHANGED
 * (*event NULL); CMDOP_ITEROVER once stopped and drained of events;
 * CMDOP_ECANCELLED after cancel(); a negative error once the engine failed
 * (status FAILED; the error is set on the calling thread). Sticky. */
int cmdop__bot_next(cmdop__bot *b, cmdop__bot_event **event);
/* Same with a bound: CMDOP_ETIMEOUT when nothing came within timeout_ms
 * (< 0 = no bound). */
int cmdop__bot_next_timed(cmdop__bot *b, cmdop__bot_event **event, long timeout_ms);

/* cmdop_bot_status values (BotStatus): pending, running, reconnecting,
 * failed, stopped. Thread-safe, never blocks. */
int cmdop__bot_status(cmdop__bot *b);

/* Stop taking messages, let the asks in flight and the prompts already
 * queued finish (a confirm or PIN still unanswered is abandoned), then
 * stop. Blocks until done. 0, or the engine's failure. */
int cmdop__bot_stop(cmdop__bot *b, const json_t *args);

/* What a long-running host keeps across restarts (cmdop-core bots serve):
 * NEW {"offset": <next Telegram update id, when known>, "sessions":
 * {"<chat>": "<session id>"}}; pass it back as the "state" key of
 * cmdop__bot_open's args. Thread-safe. */
json_t *cmdop__bot_state(cmdop__bot *b);

/* Hard stop without drain: cancels the asks in flight, wakes next().
 * Thread-safe, idempotent. */
void cmdop__bot_cancel(cmdop__bot *b);

/* Cancel if running, join the threads, free. NULL is a no-op. */
void cmdop__bot_free(cmdop__bot *b);

#endif /* CMDOP__BOT_H */
