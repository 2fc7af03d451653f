/*
 * chat_fake.h — start one chat-platform fake of tests/fakes (Telegram,
 * Discord or Slack; Python) as a child process on a free loopback port and
 * drive its control API (the /_fake/ endpoints of tests/fakes/README.md) for the bot
 * conversation tests. The interpreter is $CMDOP_FAKE_PYTHON, else
 * .venv/bin/python.
 */
#ifndef TEST_CHAT_FAKE_H
#define TEST_CHAT_FAKE_H

#include <jansson.h>
#include <sys/types.h>

typedef struct chat_fake {
    pid_t pid;
    char url[128];
    char platform[16];
} chat_fake;

/* Start `platform` with extra args (NULL-terminated, may be NULL). 0 or -1. */
int chat_fake_start(chat_fake *f, const char *platform, const char *const *extra_args);
/* SIGTERM and wait; 0 when it exited cleanly. */
int chat_fake_stop(chat_fake *f);

/* One control call: GET/POST <url><path> with an optional JSON body text.
 * Returns the HTTP status (-1 on failure); *out (when not NULL) the parsed
 * answer, NEW. */
int chat_fake_call(const chat_fake *f, const char *method, const char *path, const char *body,
                   json_t **out);

/* A user message: {"user", "chat", "text"}; returns the message id NEW
 * (free()) or NULL. */
char *chat_fake_say(const chat_fake *f, const char *user, const char *chat, const char *text);
/* A button click on message `msg_id` with `data`. 0 or -1. */
int chat_fake_click(const chat_fake *f, const char *user, const char *chat, const char *msg_id,
                    const char *data);

/* The chat as its members see it (array of {id, from, text, buttons,
 * deleted, edits, edit_gaps_ms}), NEW. */
json_t *chat_fake_chat(const chat_fake *f, const char *chat);
/* The recorded calls of `method` (NULL: all), NEW. */
json_t *chat_fake_calls(const chat_fake *f, const char *method);

/* Wait until `pred` holds for the chat (polled on each change of the fake,
 * at most timeout_ms). Returns the chat array that satisfied it (NEW) or
 * NULL on timeout. */
typedef int (*chat_fake_pred)(json_t *chat, void *arg);
json_t *chat_fake_wait_chat(const chat_fake *f, const char *chat, chat_fake_pred pred, void *arg,
                            long timeout_ms);

/* Bot messages (from == "bot") of a chat array, the i-th (borrowed). */
json_t *chat_fake_bot_msg(json_t *chat, size_t i);
size_t chat_fake_bot_count(json_t *chat);

#endif
