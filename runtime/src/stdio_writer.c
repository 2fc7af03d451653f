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
    w->writing = false;
    w->pending = (cmdop__strbuf)CMDOP__STRBUF_INIT;
    w->spare = (cmdop__strbuf)CMDOP__STRBUF_INIT;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
}

void cmdop__stdio_writer_destroy(cmdop__stdio_writer *w)
{
    cmdop__sb_free(&w->pending);
    cmdop__sb_free(&w->spare);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

/* Write p[0..len) (whole frames) or queue it behind the thread writing
 * now (stdio_writer.h). */
static int write_frames(cmdop__stdio_writer *w, const uint8_t *p, size_t len)
{
    pthread_mutex_lock(&w->mu);
    while (w->writing && !w->broken && w->pending.len > 0 &&
           w->pending.len + len > CMDOP__STDIO_PENDING_MAX)
        pthread_cond_wait(&w->cv, &w->mu);
    if (w->broken) {
        pthread_mutex_unlock(&w->mu);
        return -1;
    }
    if (w->writing) {
        cmdop__sb_append(&w->pending, (const char *)p, len);
        int rc = 0;
        if (w->pending.failed) {
            /* drop only this sender's frames: the queued ones stay whole */
            w->pending.failed = false;
            rc = -1;
        }
        pthread_mutex_unlock(&w->mu);
        return rc;
    }
    w->writing = true;
    pthread_mutex_unlock(&w->mu);
    int rc = len ? cmdop__stdio_write_all(w->fd, p, len) : 0;
    pthread_mutex_lock(&w->mu);
    /* whatever was queued meanwhile goes out before anyone else writes */
    while (rc == 0 && w->pending.len > 0) {
        cmdop__strbuf t = w->spare;
        w->spare = w->pending;
        w->pending = t;
        w->pending.len = 0;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        rc = cmdop__stdio_write_all(w->fd, (const uint8_t *)w->spare.s, w->spare.len);
        pthread_mutex_lock(&w->mu);
        w->spare.len = 0;
    }
    if (rc != 0) {
        w->broken = true;
        w->pending.len = 0;
    }
    w->writing = false;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return rc;
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
    /* prefix and body in one buffer, on the stack for the usual frame */
    uint8_t small[CMDOP__VARINT_MAX + 4096];
    size_t n = protobuf_c_message_get_packed_size(&env->base);
    uint8_t *buf = n <= 4096 ? small : malloc(CMDOP__VARINT_MAX + n);
    if (!buf)
        return -1;
    size_t pre = cmdop__varint_encode((uint64_t)n, buf);
    if (n)
        protobuf_c_message_pack(&env->base, buf + pre);
    int rc = write_frames(w, buf, pre + n);
    if (buf != small)
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
    if (!out->failed)
        rc = write_frames(w, (const uint8_t *)out->s, out->len);
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
