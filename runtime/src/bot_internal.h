/*
 * bot_internal.h — INTERNAL to the bot engine (bot_*.c): the engine state,
 * the platform table each transport fills (bot_telegram.c, bot_discord.c,
 * bot_slack.c) and what a transport calls back into the engine.
 *
 * Threads: the platform's receive loop runs on the bot's main thread and
 * reports each incoming message or button click through on_message /
 * on_click; each chat with work has one worker thread (bot_chat.c) that
 * runs its prompts one at a time and calls the platform's send / edit /
 * delete. Everything shared is under `mu`.
 */
#ifndef CMDOP__BOT_INTERNAL_H
#define CMDOP__BOT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "bot.h"
#include "cmdop/ask.h"
#include "http_loop.h"

enum { BOT_TELEGRAM = 1, BOT_DISCORD = 2, BOT_SLACK = 3 };
enum { BOT_PERM_NONE = 1, BOT_PERM_READ, BOT_PERM_EXECUTE, BOT_PERM_FILES, BOT_PERM_ADMIN };
/* BotStatus values. */
enum { BOT_PENDING = 1, BOT_RUNNING = 2, BOT_RECONNECTING = 3, BOT_FAILED = 4, BOT_STOPPED = 5 };

typedef struct bot_button {
    const char *label;
    const char *data; /* callback data / custom_id / action value, <= 64 bytes */
    bool danger;
} bot_button;

typedef struct bot_platform {
    const char *name;
    size_t max_len;  /* message length limit, in the platform's unit */
    bool utf16;      /* the limit counts UTF-16 units (else code points) */
    const char *default_base;
    /* Check the credentials are there; allocate b->pstate. 0 or
     * CMDOP_EVALIDATION with the error set. */
    int (*init)(cmdop__bot *b);
    /* The receive loop: returns when b is stopping, or after a fatal error
     * (status FAILED set by the loop). */
    void (*loop)(cmdop__bot *b);
    void (*fini)(cmdop__bot *b);
    /* Send `text` (within max_len) to `chat`, with buttons; *out_id NEW id
     * of the sent message. 0 or -1 (an error event was emitted). */
    int (*send)(cmdop__bot *b, const char *chat, const char *text, const bot_button *btn,
                size_t n_btn, char **out_id);
    int (*edit)(cmdop__bot *b, const char *chat, const char *id, const char *text,
                const bot_button *btn, size_t n_btn);
    int (*del)(cmdop__bot *b, const char *chat, const char *id);
} bot_platform;

extern const bot_platform cmdop__bot_telegram;
extern const bot_platform cmdop__bot_discord;
extern const bot_platform cmdop__bot_slack;

typedef struct bot_prompt {
    char *user;
    char *text;
    struct bot_prompt *next;
} bot_prompt;

typedef struct bot_chat {
    char *id;
    char session_id[33];
    bot_prompt *head, *tail;
    bool busy;       /* a worker thread runs for this chat */
    bool joinable;   /* a finished worker waits to be joined */
    pthread_t worker;
    cmdop_ask_stream *stream; /* the ask in flight (cancel from other threads) */
    /* What the worker waits for from the user. */
    int waiting;     /* 0 none, 1 confirm click, 2 PIN reply */
    char wait_user[128];
    char confirm_key[24]; /* the buttons' data prefix */
    int answer;      /* 0 none, 1 accept / PIN given, 2 reject */
    char *pin;       /* the PIN reply, wiped after use */
    struct bot_chat *next;
} bot_chat;

typedef struct bot_evnode {
    cmdop__bot_event *ev; /* NULL: a status change marker */
    struct bot_evnode *next;
} bot_evnode;

struct cmdop__bot {
    const bot_platform *plat;
    cmdop_client *client; /* borrowed */
    /* configuration (owned copies) */
    char *token, *app_token, *guild_id, *machine_id, *base;
    char **allowed;
    size_t n_allowed;
    char **admins;
    size_t n_admins;
    int permission;
    bool drop_pending;
    long edit_interval_ms;
    long poll_timeout_s;   /* Telegram long-poll seconds */
    const cmdop__net *net; /* the client's (borrowed) */

    void *pstate;
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stopping;   /* stop(): take no more messages, drain */
    atomic_int cancelled;  /* cancel()/free(): abort everything */
    atomic_int status;
    bool loop_done;
    bool stopped;          /* stop() finished */
    bool status_dirty;     /* a state-change marker is queued */
    int fail_code;         /* the error the engine failed with */
    char fail_msg[256];
    bot_evnode *ev_head, *ev_tail;
    size_t ev_count;
    size_t ev_dropped;
    bot_chat *chats;
    unsigned confirm_seq;
    /* Kept across restarts by a long-running host (bot_state.c): the
     * Telegram offset to start from, and the one confirmed so far. */
    long long seed_offset;
    bool has_seed_offset;
    _Atomic long long offset_now; /* 0: none yet */
};

/* ---- engine services for the transports (bot_engine.c) ---- */
void cmdop__bot_set_status(cmdop__bot *b, int status);
/* Mark the engine failed with code/message (also an error event). */
void cmdop__bot_fail(cmdop__bot *b, int code, const char *msg);
/* Queue an event (takes ownership; drops the oldest past 1024). */
void cmdop__bot_emit(cmdop__bot *b, cmdop__bot_event *ev);
void cmdop__bot_emit_error(cmdop__bot *b, const char *chat, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sleep up to ms; returns true early when the bot stops (or is cancelled;
 * with hard_only, only a cancel cuts it short). */
bool cmdop__bot_sleep(cmdop__bot *b, long ms, bool hard_only);
bool cmdop__bot_is_stopping(const cmdop__bot *b);
bool cmdop__bot_user_allowed(const cmdop__bot *b, const char *user);
bool cmdop__bot_user_admin(const cmdop__bot *b, const char *user);
/* The platform origin + path, NEW. */
char *cmdop__bot_url(const cmdop__bot *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- chats (bot_chat.c) ---- */
/* A text message from `user` in `chat` (msg_id: its id, for deleting a
 * PIN reply). Called on the loop thread. */
void cmdop__bot_on_message(cmdop__bot *b, const char *chat, const char *user, const char *msg_id,
                           const char *text);
/* A button click; returns the short text to acknowledge it with (static). */
const char *cmdop__bot_on_click(cmdop__bot *b, const char *chat, const char *user,
                                const char *data);
/* Wait until every chat worker finished (stop: drain) and join them. */
void cmdop__bot_chats_drain(cmdop__bot *b);
/* Cancel the asks in flight and wake the waiting workers (cancel). */
void cmdop__bot_chats_cancel(cmdop__bot *b);
void cmdop__bot_chats_free(cmdop__bot *b);

/* ---- state across restarts (bot_state.c) ---- */
/* Seed the chats' sessions and the Telegram offset from `state` ({"offset",
 * "sessions": {chat: session_id}}; NULL or absent keys: nothing). Before
 * the loop starts. */
void cmdop__bot_state_seed(cmdop__bot *b, const json_t *state);

/* ---- text (bot_text.c) ---- */
/* Length of s in code points, or UTF-16 units. */
size_t cmdop__bot_text_units(const char *s, bool utf16);
/* Byte length of the first chunk of s of at most max units, cut at a
 * newline or space in its second half when there is one, never inside a
 * UTF-8 sequence; the whole length when s fits. */
size_t cmdop__bot_text_cut(const char *s, size_t max, bool utf16);

#endif /* CMDOP__BOT_INTERNAL_H */
