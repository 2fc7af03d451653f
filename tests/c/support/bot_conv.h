/*
 * bot_conv.h — helpers of the bot conversation tests: wait for an engine
 * event or status (remembering what was seen on the way), and predicates
 * over a fake's chat (chat_fake.h).
 */
#ifndef TEST_BOT_CONV_H
#define TEST_BOT_CONV_H

#include <jansson.h>
#include <stdbool.h>

#include "bot.h"

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

#endif
