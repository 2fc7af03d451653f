/*
 * ask_stream_answer.c — answering a frame on a side channel while the
 * stream stays open (machines.ask: pin_required, confirm_required). Each
 * side channel is an HTTP op generated from the IDL's `channel`
 * (stream_desc.h) with the same validation, credential, headers and error
 * mapping as any unary op, on the same loop as the stream. A plain channel
 * (pin) is run by the ordinary driver (cmdop__call): its answer is plain
 * JSON. A `continues` one (confirm) is not: its answer carries the rest of
 * the stream (ask_stream_confirm.c).
 */
#include <string.h>

#include "ask_stream_internal.h"
#include "call.h"
#include "client_internal.h"
#include "cmdop/error.h"

static const cmdop__channel_desc *channel_of(const cmdop__stream *s, const char *name)
{
    for (size_t i = 0; i < s->sd->n_channels; i++)
        if (strcmp(s->sd->channels[i].name, name) == 0)
            return &s->sd->channels[i];
    return NULL;
}

/* POST the channel `name` with the stream's path params plus `body` (stolen). */
int cmdop__stream_answer(cmdop__stream *s, const char *name, json_t *body)
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
    if (ch->continues) {
        int rc = cmdop__ask_confirm(s, ch, body, true);
        json_decref(body);
        return rc;
    }
    json_t *res = NULL;
    int rc = cmdop__call(s->client, op, body, &res);
    json_decref(res);
    json_decref(body);
    return rc;
}

int cmdop__stream_answer_async(cmdop__stream *s, const char *channel, const json_t *args)
{
    const cmdop__channel_desc *ch = s && channel ? channel_of(s, channel) : NULL;
    if (!ch || !ch->continues)
        return 0;
    int rc = cmdop__ask_confirm(s, ch, args, false);
    if (rc) {
        const cmdop_error *e = cmdop_error_last();
        cmdop__debug_log_printf(s->client->log, "%s: %s not sent: %s", s->sd->op->name, ch->name,
                                e && e->message ? e->message : "error");
        return rc;
    }
    return 1;
}
