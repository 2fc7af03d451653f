/*
 * ask_stream_answer.c — answering a pin_required or confirm_required frame
 * while the stream stays open. Each side channel is an HTTP op generated
 * from the IDL's `channel` (stream_desc.h) with the same validation,
 * credential, headers and error mapping as any unary op, on the same loop
 * as the stream. `pin` is run by the ordinary driver (cmdop__call): its
 * answer is plain JSON. `confirm` is not: its answer carries the rest of
 * the stream (ask_stream_confirm.c).
 */
#include <string.h>

#include "ask_stream_internal.h"
#include "call.h"
#include "client_internal.h"
#include "cmdop/error.h"

static const cmdop__channel_desc *channel_of(const cmdop_ask_stream *s, const char *name)
{
    for (size_t i = 0; i < s->sd->n_channels; i++)
        if (strcmp(s->sd->channels[i].name, name) == 0)
            return &s->sd->channels[i];
    return NULL;
}

/* Whether the channel's answer is the rest of the stream (measured on the
 * hosted relay for confirm; docs/ask-protocol.md). The IDL does not say it,
 * so the name decides. */
static bool continues_stream(const char *name)
{
    return strcmp(name, "confirm") == 0;
}

/* POST the channel `name` with the stream's path params plus `body` (stolen). */
static int answer(cmdop_ask_stream *s, const char *name, json_t *body)
{
    const cmdop__channel_desc *ch = s ? channel_of(s, name) : NULL;
    if (!ch) {
        json_decref(body);
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                s ? "%s has no '%s' side channel" : "stream is NULL",
                                s ? s->sd->op->name : "", name);
    }
    if (!body)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    const cmdop__op_desc *op = ch->op;
    for (size_t i = 0; i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        json_t *v = json_object_get(s->args, p->name);
        if ((p->in == CMDOP__IN_PATH || p->in == CMDOP__IN_CONTEXT) && v)
            json_object_set(body, p->name, v);
    }
    if (continues_stream(name)) {
        int rc = cmdop__ask_confirm(s, op, body, true);
        json_decref(body);
        return rc;
    }
    json_t *res = NULL;
    int rc = cmdop__call(s->client, op, body, &res);
    json_decref(res);
    json_decref(body);
    return rc;
}

int cmdop__ask_answer_async(cmdop_ask_stream *s, const char *channel, const json_t *args)
{
    const cmdop__channel_desc *ch = s && channel ? channel_of(s, channel) : NULL;
    if (!ch || !continues_stream(channel))
        return 0;
    int rc = cmdop__ask_confirm(s, ch->op, args, false);
    if (rc) {
        const cmdop_error *e = cmdop_error_last();
        cmdop__debug_log_printf(s->client->log, "%s: confirm not sent: %s", s->sd->op->name,
                                e && e->message ? e->message : "error");
        return rc;
    }
    return 1;
}

int cmdop_ask_stream_pin(cmdop_ask_stream *s, const char *challenge_id, const char *pin)
{
    json_t *b = json_object();
    if (b && challenge_id)
        json_object_set_new(b, "challenge_id", json_string(challenge_id));
    if (b && pin)
        json_object_set_new(b, "pin", json_string(pin));
    return answer(s, "pin", b);
}

int cmdop_ask_stream_confirm(cmdop_ask_stream *s, const char *token, bool accept)
{
    json_t *b = json_object();
    if (b && token)
        json_object_set_new(b, "token", json_string(token));
    if (b)
        json_object_set_new(b, "accept", json_boolean(accept));
    return answer(s, "confirm", b);
}
