/*
 * bot_conv.h — helpers of the bot conversation tests: wait for an engine
 * event or status (remembering what was seen on the way), predicates
 * over a fake's chat (chat_fake.h), and the conversations every platform
 * shares, run from a table of what differs (conv_platform, conv_suite).
 */
#ifndef TEST_BOT_CONV_H
#define TEST_BOT_CONV_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>

#include "bot.h"
#include "chat_fake.h"
#include "cmdop/client.h"

typedef struct conv_events {
    bool seen[8];          /* by cmdop__bot_event_kind */
    bool statuses_seen[6]; /* by cmdop_bot_status */
    cmdop__bot_event *last; /* the last event waited for (owned) */
    char *all;             /* every event seen, as JSON lines of its texts and codes */
} conv_events;

/* Read events until one of `kind` (kept in ev->last) or the timeout. */
bool conv_wait_event(cmdop__bot *b, int kind, conv_events *ev, long timeout_ms);
/* Read events until the bot's status is `status`. */
bool conv_wait_status(cmdop__bot *b, int status, conv_events *ev, long timeout_ms);
void conv_events_clear(conv_events *ev);
/* Whether any event seen so far contains `s`. */
bool conv_events_mention(const conv_events *ev, const char *s);

/* chat_fake_pred: at least (size_t)arg bot messages. */
int conv_has_bot_msgs(json_t *chat, void *arg);
/* chat_fake_pred: some bot message has buttons. */
int conv_has_buttons(json_t *chat, void *arg);
/* The data of the button labelled `label` (borrowed), or NULL. */
const char *conv_button_data(json_t *msg, const char *label);
/* Whether `s` occurs in a text the bot sent in any recorded call of a
 * fake (message text, content or blocks; not ids or timestamps). */
bool conv_calls_mention(json_t *calls, const char *s);
/* Whether the test relay recorded an ask request. */
bool conv_relay_saw_ask(void);

/*
 * The conversations every platform has (the edited stream, a refused
 * stranger, confirm by button, the PIN by reply, the split answer, a 429
 * waited out, stop draining the ask, a bad token), run by one platform's
 * table. What differs is a parameter; what only one platform checks is a
 * hook (NULL: none), called before the scenario stops its bot (after_drain:
 * once stop returned), with the PIN's message id for after_pin.
 */
typedef struct conv_ctx conv_ctx;
typedef void (*conv_hook)(conv_ctx *c, cmdop__bot *b, conv_events *ev);

typedef struct conv_platform {
    const char *suite;               /* "botrun_telegram" */
    const char *fake;                /* the fake's platform argument */
    const char *const *fake_args;    /* its extra start args (NULL-terminated), or NULL */
    const char *bot_json;            /* platform, token(s), allowed and admin users */
    bool open_waits_running;         /* conv_start_bot waits for RUNNING */
    const char *user, *chat;         /* an allowed user and the chat of the scenarios */
    const char *stranger, *stranger_chat; /* a user not allowed, and their chat */
    const char *send_method;         /* the fake's method that posts a message */
    size_t split_words;              /* the long answer, in words of 10 characters */
    size_t split_max;                /* what one message keeps */
    const char *bad_token_json;      /* bot args with a wrong token */
    const char *bad_secret;          /* that token, never to be in an event */
    conv_hook after_stream;          /* after the edited answer arrived */
    conv_hook after_confirm;         /* after the confirm's answer arrived */
    void (*after_pin)(conv_ctx *c, cmdop__bot *b, conv_events *ev, const char *pin_id);
    conv_hook after_drain;           /* after stop returned with the answer done */
} conv_platform;

struct conv_ctx {
    const conv_platform *p;
    chat_fake fake;
    cmdop_client *client;
};

/* The context of the running test: its platform, fake and client. */
extern conv_ctx conv;

/* The suite of `p`: one TCase (*tc_out, for the platform's own tests)
 * with the relay's fixture, then the fake's and a client's, and the
 * shared scenarios. */
Suite *conv_suite(const conv_platform *p, TCase **tc_out);

/* A bot on the fake for machine alpha (extra_json: fields to override),
 * opened, and (open_waits_running) RUNNING. */
cmdop__bot *conv_start_bot(const char *extra_json);
/* Stop (0), STOPPED, then clear ev and free the bot. */
void conv_stop_bot(cmdop__bot *b, conv_events *ev);
/* The text of the i-th bot message of a chat (borrowed). */
const char *conv_bot_text(json_t *chat, size_t i);
/* The user says "echo: <text>" in the chat; the bot answers it
 * (REPLY_SENT) and its first message there is <text>. */
void conv_echo(cmdop__bot *b, conv_events *ev, const char *text);
/* With the relay's agents answering after delay_ms (< 0: as they are), a
 * bot (extra_json) hears the user say `text` in the chat and gets to an
 * event of `kind` within timeout_ms (in ev->last). */
cmdop__bot *conv_bot_told(int delay_ms, const char *extra_json, const char *text, int kind,
                          conv_events *ev, long timeout_ms);
/* A RUNNING bot (the agents answering at once) whose connection the fake
 * then drops as /_fake/drop `drop_json` says. */
cmdop__bot *conv_bot_dropped(const char *drop_json);
/* The fake's /_fake/state, NEW. */
json_t *conv_fake_state(void);
/* An after_pin hook: the PIN message was deleted, and no call the bot
 * made carries the PIN. */
void conv_pin_deleted(conv_ctx *c, cmdop__bot *b, conv_events *ev, const char *pin_id);

#endif
