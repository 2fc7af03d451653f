/*
 * stdio_writer.c — serialized frame output of the stdio server
 * (stdio_writer.h).
 */
#include <stdlib.h>
#include <string.h>

#include "stdio_frame.h"
#include "stdio_writer.h"

void cmdop__stdio_writer_init(cmdop__stdio_writer *w, int fd)
{
    w->fd = fd;
    w->broken = false;
    pthread_mutex_init(&w->mu, NULL);
}

void cmdop__stdio_writer_destroy(cmdop__stdio_writer *w)
{
    pthread_mutex_destroy(&w->mu);
}

const ProtobufCFieldDescriptor *cmdop__stdio_arm(int arm)
{
    if (arm <= 2)   /* 1 and 2 are id and kind, not payload arms */
        return NULL;
    return protobuf_c_message_descriptor_get_field(&cmdop__core__v1__envelope__descriptor,
                                                   (unsigned)arm);
}

int cmdop__stdio_send_env(cmdop__stdio_writer *w, const Cmdop__Core__V1__Envelope *env)
{
    size_t n = protobuf_c_message_get_packed_size(&env->base);
    uint8_t *buf = n ? malloc(n) : NULL;
    if (n && !buf)
        return -1;
    if (n)
        protobuf_c_message_pack(&env->base, buf);
    pthread_mutex_lock(&w->mu);
    int rc = -1;
    if (!w->broken) {
        rc = cmdop__stdio_write_frame(w->fd, buf, n);
        if (rc != 0)
            w->broken = true;
    }
    pthread_mutex_unlock(&w->mu);
    free(buf);
    return rc;
}

/* env = {id, kind, arm = payload}; -1 when payload is not of that arm */
static int fill_env(Cmdop__Core__V1__Envelope *env, uint32_t id, Cmdop__Core__V1__Kind kind,
                    int arm, const ProtobufCMessage *payload)
{
    env->has_id = 1;
    env->id = id;
    env->has_kind = 1;
    env->kind = kind;
    if (payload) {
        const ProtobufCFieldDescriptor *f = cmdop__stdio_arm(arm);
        if (!f || f->descriptor != payload->descriptor)
            return -1;
        /* the oneof: its case word and the arm's pointer, by reflection */
        *(uint32_t *)((char *)env + f->quantifier_offset) = (uint32_t)arm;
        *(const ProtobufCMessage **)((char *)env + f->offset) = payload;
    }
    return 0;
}

int cmdop__stdio_send(cmdop__stdio_writer *w, uint32_t id, Cmdop__Core__V1__Kind kind,
                      int arm, const ProtobufCMessage *payload)
{
    Cmdop__Core__V1__Envelope env = CMDOP__CORE__V1__ENVELOPE__INIT;
    if (fill_env(&env, id, kind, arm, payload) != 0)
        return -1;
    return cmdop__stdio_send_env(w, &env);
}

/* protobuf-c's appending buffer over a strbuf */
typedef struct sb_append_buf {
    ProtobufCBuffer base;
    cmdop__strbuf *sb;
} sb_append_buf;

static void sb_append_cb(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
    cmdop__sb_append(((sb_append_buf *)b)->sb, (const char *)data, len);
}

int cmdop__stdio_pack(cmdop__strbuf *out, uint32_t id, Cmdop__Core__V1__Kind kind, int arm,
                      const ProtobufCMessage *payload)
{
    Cmdop__Core__V1__Envelope env = CMDOP__CORE__V1__ENVELOPE__INIT;
    if (fill_env(&env, id, kind, arm, payload) != 0)
        return -1;
    size_t n = protobuf_c_message_get_packed_size(&env.base);
    uint8_t pre[CMDOP__VARINT_MAX];
    cmdop__sb_append(out, (const char *)pre, cmdop__varint_encode((uint64_t)n, pre));
    sb_append_buf b = {.base = {.append = sb_append_cb}, .sb = out};
    protobuf_c_message_pack_to_buffer(&env.base, &b.base);
    return 0;
}

int cmdop__stdio_send_batch(cmdop__stdio_writer *w, cmdop__strbuf *out)
{
    int rc = -1;
    if (!out->failed) {
        pthread_mutex_lock(&w->mu);
        if (!w->broken) {
            rc = out->len ? cmdop__stdio_write_all(w->fd, (const uint8_t *)out->s, out->len) : 0;
            if (rc != 0)
                w->broken = true;
        }
        pthread_mutex_unlock(&w->mu);
    }
    /* keep the memory for the next batch; a failed buffer starts afresh */
    if (out->failed)
        cmdop__sb_free(out);
    out->len = 0;
    return rc;
}

int cmdop__stdio_send_error(cmdop__stdio_writer *w, uint32_t id, const cmdop_error *e)
{
    Cmdop__Core__V1__ErrorInfo info = CMDOP__CORE__V1__ERROR_INFO__INIT;
    info.code = (char *)(e && e->code_str ? e->code_str : "internal");
    info.message = (char *)(e && e->message ? e->message : "unknown failure");
    if (e && e->http_status > 0) {
        info.has_status = 1;
        info.status = e->http_status;
    }
    if (e && e->request_id)
        info.request_id = (char *)e->request_id;
    if (e && e->field)
        info.field = (char *)e->field;
    if (e && e->retry_after_ms >= 0 && e->code == CMDOP_ERATELIMIT) {
        info.has_retry_after_ms = 1;
        info.retry_after_ms = e->retry_after_ms;
    }
    /* retryable as the IDL's error classes say (`error timeout ... retryable`,
     * the only one): the core has already run its own retries */
    info.has_retryable = 1;
    info.retryable = e && e->code == CMDOP_ETIMEOUT;
    return cmdop__stdio_send(w, id, CMDOP__CORE__V1__KIND__KIND_ERROR,
                             CMDOP__CORE__V1__ENVELOPE__PAYLOAD_ERROR, &info.base);
}

int cmdop__stdio_send_error_code(cmdop__stdio_writer *w, uint32_t id, const char *code,
                                 const char *message)
{
    Cmdop__Core__V1__ErrorInfo info = CMDOP__CORE__V1__ERROR_INFO__INIT;
    info.code = (char *)code;
    info.message = (char *)message;
    return cmdop__stdio_send(w, id, CMDOP__CORE__V1__KIND__KIND_ERROR,
                             CMDOP__CORE__V1__ENVELOPE__PAYLOAD_ERROR, &info.base);
}
