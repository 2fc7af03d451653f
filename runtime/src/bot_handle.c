/*
 * bot_handle.c — the bot engine (bot.h) as the RunningBot handle's engine
 * (gen/c/src/handles.h, the IDL's `handle RunningBot`): the generated
 * bots.run, cmdop_running_bot_* and the stdio server call it through
 * cmdop__running_bot_engine.
 */
#include "bot.h"
#include "call.h"
#include "cmdop/error.h"
#include "handles.h"
#include "types_json.h"

static int open_engine(cmdop_client *client, const json_t *args, void **engine)
{
    cmdop__bot *b = NULL;
    int rc = cmdop__bot_open(client, args, &b);
    *engine = b;
    return rc;
}

/* The engine's event as the generated BotEvent (through its JSON form). */
static int next_event(void *engine, cmdop_bot_event **event)
{
    cmdop__bot_event *ev = NULL;
    *event = NULL;
    int rc = cmdop__bot_next(engine, &ev);
    if (rc != 0)
        return rc;
    json_t *j = cmdop__bot_event_to_json(ev);
    cmdop__bot_event_free(ev);
    if (!j)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    rc = cmdop__bot_event_from_jsont(j, event);
    json_decref(j);
    return rc;
}

static cmdop_bot_status status(void *engine)
{
    return (cmdop_bot_status)cmdop__bot_status(engine);
}

static int stop(void *engine, const json_t *args)
{
    return cmdop__bot_stop(engine, args);
}

static void cancel(void *engine)
{
    cmdop__bot_cancel(engine);
}

static void free_engine(void *engine)
{
    cmdop__bot_free(engine);
}

const cmdop__running_bot_impl cmdop__running_bot_engine = {
    .open = open_engine,
    .next = next_event,
    .status = status,
    .stop = stop,
    .cancel = cancel,
    .free = free_engine,
};
