/*
 * ask_frame_public.c — the decoded internal frame (ask_frame.h) as the
 * public, generated cmdop_ask_frame of cmdop/types.h: a tag plus one arm
 * pointer. Strings are copied, so the result owns everything it points to
 * and cmdop_ask_frame_free releases it.
 */
#include <stdlib.h>
#include <string.h>

#include "ask_stream_internal.h"
#include "cmdop/types.h"

/* strdup that counts failures instead of checking each call. */
static char *dup(const char *s, bool *failed)
{
    char *p = strdup(s ? s : "");
    if (!p)
        *failed = true;
    return p;
}

static bool fill_arm(cmdop_ask_frame *f, const cmdop__ask_frame *in)
{
    bool failed = false;
    switch (in->kind) {
    case CMDOP__ASK_EVENT:
        f->kind = CMDOP_ASK_FRAME_EVENT;
        if (!(f->event = calloc(1, sizeof *f->event)))
            return false;
        f->event->event_type = in->event.event_type;
        /* the generated type says NULL when absent; the decoder says "" */
        if (in->event.payload_json[0])
            f->event->payload_json = dup(in->event.payload_json, &failed);
        break;
    case CMDOP__ASK_DONE:
        f->kind = CMDOP_ASK_FRAME_DONE;
        if (!(f->done = calloc(1, sizeof *f->done)))
            return false;
        f->done->success = in->done.success;
        f->done->text = dup(in->done.text, &failed);
        f->done->error = dup(in->done.error, &failed);
        f->done->duration_ms = in->done.duration_ms;
        break;
    case CMDOP__ASK_CONFIRM_REQUIRED:
        f->kind = CMDOP_ASK_FRAME_CONFIRM_REQUIRED;
        if (!(f->confirm_required = calloc(1, sizeof *f->confirm_required)))
            return false;
        f->confirm_required->token = dup(in->confirm_required.token, &failed);
        f->confirm_required->plan = dup(in->confirm_required.plan, &failed);
        f->confirm_required->danger_level = dup(in->confirm_required.danger_level, &failed);
        break;
    case CMDOP__ASK_PIN_REQUIRED:
        f->kind = CMDOP_ASK_FRAME_PIN_REQUIRED;
        if (!(f->pin_required = calloc(1, sizeof *f->pin_required)))
            return false;
        f->pin_required->challenge_id = dup(in->pin_required.challenge_id, &failed);
        f->pin_required->label = dup(in->pin_required.label, &failed);
        break;
    case CMDOP__ASK_PIN_DENIED:
        f->kind = CMDOP_ASK_FRAME_PIN_DENIED;
        if (!(f->pin_denied = calloc(1, sizeof *f->pin_denied)))
            return false;
        f->pin_denied->challenge_id = dup(in->pin_denied.challenge_id, &failed);
        f->pin_denied->reason = dup(in->pin_denied.reason, &failed);
        break;
    case CMDOP__ASK_UNKNOWN:
        /* `type` keeps the raw tag, raw_json the whole frame: nothing lost */
        f->kind = CMDOP_ASK_FRAME_UNKNOWN;
        f->raw_json = dup(in->unknown.raw_json, &failed);
        break;
    case CMDOP__ASK_ERROR:
        return false;
    }
    return !failed;
}

cmdop_ask_frame *cmdop__ask_frame_public(const cmdop__ask_frame *in)
{
    cmdop_ask_frame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const char *tag = in->kind == CMDOP__ASK_UNKNOWN ? in->unknown.type
                                                     : cmdop__ask_kind_str(in->kind);
    f->type = strdup(tag);
    if (!f->type || !fill_arm(f, in)) {
        cmdop_ask_frame_free(f);
        return NULL;
    }
    return f;
}
