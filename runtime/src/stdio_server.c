/*
 * stdio_server.c — the stdio server's reader and dispatcher
 * (stdio_server.h): handshake, REQUEST -> worker pool -> RESPONSE/ERROR,
 * streams, PAGES/NEXT iterations, COLLECT, CANCEL, shutdown on EOF.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_internal.h"
#include "client_internal.h"
#include "cmdop/client.h"
#include "cmdop/error.h"
#include "cmdop/version.h"
#include "http_sync_watch.h"
#include "port.h"
#include "stdio_frame.h"
#include "stdio_map.h"
#include "stdio_pages.h"
#include "stdio_handle.h"
#include "stdio_pool.h"
#include "stdio_server.h"
#include "stdio_stream.h"
#include "stdio_writer.h"

typedef struct server {
    cmdop__stdio_writer w;
    cmdop_client *client;        /* NULL when the configuration was invalid */
    /* why the client could not be created, answered to every request */
    cmdop_error setup_err;
    char setup_code[32], setup_msg[512], setup_field[64];
    cmdop__stdio_pool *pool;
    cmdop__stdio_streams *streams;
    cmdop__stdio_pages *pages;
    cmdop__stdio_handles *handles;    /* local ops' handles (bots.run) */
    /* the client sent our hello (docs/stdio.md "Presence"): absent = not
     * passed; until then the 1.1 schema's proto3 reading. Reader role only. */
    bool client_hello;
    /* the input, read by whichever pool thread holds the reader role
     * (stdio_pool.h); handed from one to the next under the pool's lock */
    cmdop__stdio_rbuf in;
    int status;                 /* the exit status, set when the input ends */
} server;

/* The presence reading of the client's messages (stdio_map.h). */
static unsigned reading(const server *s)
{
    return s->client_hello ? 0u : CMDOP__STDIO_IMPLICIT;
}

const cmdop__op_desc *cmdop__stdio_op_by_req_arm(uint32_t arm)
{
    for (size_t i = 0; i < cmdop__ops_count; i++)
        if (cmdop__ops[i]->env_req_field > 0 && (uint32_t)cmdop__ops[i]->env_req_field == arm)
            return cmdop__ops[i];
    return NULL;
}

/* stderr is not part of the protocol (clients drain and discard it); the
 * CMDOP_DEBUG log gets the same line. */
static void diag(server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag(server *s, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "cmdop-core --stdio: %s\n", line);
    if (s->client)
        cmdop__debug_log_printf(s->client->log, "stdio: %s", line);
}

/* The CMDOP_DEBUG log only (not stderr). */
static void diag_log(server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag_log(server *s, const char *fmt, ...)
{
    char line[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (s->client)
        cmdop__debug_log_printf(s->client->log, "stdio: %s", line);
}

static void send_hello(server *s)
{
    Cmdop__Core__V1__Hello h = CMDOP__CORE__V1__HELLO__INIT;
    h.version = (char *)cmdop_version();
    h.idl_hash = (char *)cmdop_idl_hash();
    cmdop__stdio_send(&s->w, 0, CMDOP__CORE__V1__KIND__KIND_RESPONSE,
                      CMDOP__CORE__V1__ENVELOPE__PAYLOAD_HELLO, &h.base);
}

/* Worker: one unary call through the generic driver. */
static void run_call(cmdop__stdio_pool *pool, cmdop__stdio_call *c, void *ctx)
{
    server *s = ctx;
    /* raw: the envelope arm is the whole record, even for ops whose typed
     * surface returns one field of it (op->unwrap) */
    cmdop__call_opts o = {.wire_offset = -1, .raw = true, .cancel = c->cancel};
    json_t *res = NULL;
    int rc = cmdop__call_ex(s->client, c->op, c->args, &o, &res);
    /* the thread-local error of this worker, read before anything else can
     * overwrite it */
    const cmdop_error *e = rc ? cmdop_error_last() : NULL;
    cmdop__debug_log_printf(s->client->log, "stdio: id %u %s%s -> %s", c->id, c->op->name,
                            c->silent ? " (answer)" : "",
                            rc ? (e ? e->code_str : "error") : "ok");
    /* a side-channel answer has no reply frame in the protocol: its failure
     * shows in the stream (pin_denied, a timeout) and in the debug log */
    if (!c->silent && cmdop__stdio_pool_claim(pool, c)) {
        if (rc)
            cmdop__stdio_send_error(&s->w, c->id, e);
        else
            cmdop__stdio_send_result(&s->w, c->id, CMDOP__CORE__V1__KIND__KIND_RESPONSE, c->op,
                                     res);
    }
    json_decref(res);
}

/* REQUEST with a handle method's arm: its `handle` field names the handle's
 * id; the rest are the method's params (docs/stdio.md "Handles"). */
static void handle_method(server *s, const Cmdop__Core__V1__Envelope *env, uint32_t id,
                          const cmdop__handle_desc *hd, size_t i)
{
    char err[256], msg[400];
    const ProtobufCFieldDescriptor *f = cmdop__stdio_arm((int)env->payload_case);
    const ProtobufCMessage *req = *(ProtobufCMessage *const *)((const char *)env + f->offset);
    json_t *args = NULL;
    if (cmdop__stdio_msg_to_json_ex(req, 0, &args, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "%s.%s: %s", hd->name, hd->methods[i].name, err);
        cmdop__stdio_send_error_code(&s->w, id, "validation", msg);
        return;
    }
    const json_t *h = json_object_get(args, "handle");
    uint32_t handle = json_is_integer(h) ? (uint32_t)json_integer_value(h) : 0;
    json_object_del(args, "handle");
    cmdop__stdio_handles_call(s->handles, id, hd, i, handle, args);
    json_decref(args);
}

/* REQUEST (a call or a stream), PAGES (an iteration of a paginated op) or
 * COLLECT (a stream op's collected text) with an op's request arm. A unary
 * call the reader may run itself comes back in *run_here. */
static void handle_request(server *s, const Cmdop__Core__V1__Envelope *env, uint32_t id,
                           int kind, cmdop__stdio_call **run_here)
{
    char err[256], msg[400];
    uint32_t arm = (uint32_t)env->payload_case;
    const cmdop__op_desc *op = cmdop__stdio_op_by_req_arm(arm);
    const cmdop__handle_desc *hd = NULL;
    size_t method = 0;
    if (!op && kind == CMDOP__CORE__V1__KIND__KIND_REQUEST && s->client &&
        cmdop__stdio_handle_method(arm, &hd, &method)) {
        handle_method(s, env, id, hd, method);
        return;
    }
    if (!op) {
        snprintf(msg, sizeof msg, "no op takes envelope arm %u as its request", arm);
        cmdop__stdio_send_error_code(&s->w, id, "unknown_op", msg);
        return;
    }
    if (!s->client) {
        cmdop__stdio_send_error(&s->w, id, &s->setup_err);
        return;
    }
    if (cmdop__stdio_pool_has(s->pool, id) || cmdop__stdio_streams_has(s->streams, id) ||
        cmdop__stdio_pages_has(s->pages, id) || cmdop__stdio_handles_has(s->handles, id)) {
        snprintf(msg, sizeof msg, "id %u is already in flight", id);
        cmdop__stdio_send_error_code(&s->w, id, "internal", msg);
        return;
    }
    bool collect = kind == CMDOP__CORE__V1__KIND__KIND_COLLECT;
    if (collect && op->kind != CMDOP__OP_STREAM) {
        snprintf(msg, sizeof msg, "%s is not a stream: COLLECT needs a stream op", op->name);
        cmdop__stdio_send_error_code(&s->w, id, "unsupported", msg);
        return;
    }
    bool pages = kind == CMDOP__CORE__V1__KIND__KIND_PAGES;
    if (pages && (op->kind == CMDOP__OP_STREAM || !op->page ||
                  op->page->style == CMDOP__PAGE_NONE)) {
        snprintf(msg, sizeof msg, "%s is not paginated: PAGES needs a list op", op->name);
        cmdop__stdio_send_error_code(&s->w, id, "unsupported", msg);
        return;
    }
    if (op->kind == CMDOP__OP_LOCAL && (collect || pages || !(hd = cmdop__stdio_handle_desc(op)))) {
        snprintf(msg, sizeof msg, "%s: a local op opens a handle with REQUEST", op->name);
        cmdop__stdio_send_error_code(&s->w, id, "unsupported", msg);
        return;
    }
    const cmdop__stream_desc *sd = NULL;
    if (op->kind == CMDOP__OP_STREAM && !(sd = cmdop__stdio_stream_desc(op))) {
        snprintf(msg, sizeof msg, "%s: no stream driver for this op in this core", op->name);
        cmdop__stdio_send_error_code(&s->w, id, "unsupported", msg);
        return;
    }
    const ProtobufCFieldDescriptor *f = cmdop__stdio_arm((int)arm);
    const ProtobufCMessage *req = *(ProtobufCMessage *const *)((const char *)env + f->offset);
    json_t *args = NULL;
    int rc = cmdop__stdio_msg_to_json_ex(req, reading(s), &args, err, sizeof err);
    /* an `envelope_page` op: the 1.1 OffsetPage message back to page/per_page */
    if (rc == 0 && op->page && op->page->style == CMDOP__PAGE_OFFSET && op->page->req_page &&
        op->page->req_size && op->page->req_offset) {
        rc = cmdop__stdio_unfold_offset_page(args, op->page->req_page, op->page->req_size,
                                             op->page->req_offset, reading(s));
        /* the 1.1 core ignores the page of a list the service does not page
         * (keys.list: measured, no paging params and the whole list even for
         * page 2 / per_page 1): a client without hello gets that */
        if (rc == 0 && !s->client_hello && op->page->emulated) {
            json_object_del(args, op->page->req_page);
            json_object_del(args, op->page->req_size);
        }
    }
    if (rc) {
        snprintf(msg, sizeof msg, "%s: %s", op->name, err);
        cmdop__stdio_send_error_code(&s->w, id, rc == CMDOP_ENOMEM ? "internal" : "validation",
                                     msg);
        return;
    }
    if (sd) {
        cmdop__stdio_streams_open(s->streams, id, sd, args, !s->client_hello, collect);
        json_decref(args);
        return;
    }
    if (hd) {
        cmdop__stdio_handles_open(s->handles, id, hd, args);
        json_decref(args);
        return;
    }
    if (pages) {
        cmdop__stdio_pages_open(s->pages, id, op, args);
        json_decref(args);
        return;
    }
    /* the reader runs the call itself when no input is waiting behind it
     * in its buffer (input still in the kernel wakes the call's waits:
     * http_sync_watch.h) */
    bool may_inline = CMDOP__SYNC_WATCH && run_here && cmdop__stdio_rbuf_pending(&s->in) == 0;
    rc = cmdop__stdio_pool_submit_ex(s->pool, id, op, args, may_inline, run_here);
    if (rc) {
        json_decref(args);
        if (rc == -1)
            snprintf(msg, sizeof msg, "id %u is already in flight", id);
        else
            snprintf(msg, sizeof msg, "%s: cannot queue the call", op->name);
        cmdop__stdio_send_error_code(&s->w, id, "internal", msg);
    }
}

/* ANSWER on a stream's id: the side channel's HTTP op, run on the pool. */
static void handle_answer(server *s, const Cmdop__Core__V1__Envelope *env, uint32_t id)
{
    const ProtobufCFieldDescriptor *f = cmdop__stdio_arm((int)env->payload_case);
    if (!f || !s->client)
        return;
    const ProtobufCMessage *m = *(ProtobufCMessage *const *)((const char *)env + f->offset);
    json_t *body = NULL, *args = NULL;
    const cmdop__op_desc *op = NULL;
    char err[256];
    if (cmdop__stdio_msg_to_json_ex(m, reading(s), &body, err, sizeof err) != 0) {
        diag(s, "answer on id %u dropped: %s", id, err);
        return;
    }
    int rc = cmdop__stdio_streams_answer(s->streams, id, f->name, body, &op, &args);
    json_decref(body);
    /* an answer for no open stream (it ended, or a wrong id) is ignored,
     * like any frame for an unknown id */
    if (rc == 0 && cmdop__stdio_pool_submit_silent(s->pool, id, op, args) != 0)
        json_decref(args);
}

static void handle_frame(server *s, const uint8_t *buf, size_t len,
                         cmdop__stdio_call **run_here)
{
    Cmdop__Core__V1__Envelope *env = cmdop__core__v1__envelope__unpack(NULL, len, buf);
    if (!env) {
        /* framing is intact (the length was right): skip just this frame */
        diag(s, "undecodable frame of %zu bytes ignored", len);
        return;
    }
    uint32_t id = env->has_id ? env->id : 0;
    int kind = env->has_kind ? (int)env->kind : 0;
    switch (kind) {
    case CMDOP__CORE__V1__KIND__KIND_REQUEST:
        if (env->payload_case == CMDOP__CORE__V1__ENVELOPE__PAYLOAD_HELLO) {
            /* the client's hello: no answer (the core's went first) */
            s->client_hello = true;
            diag_log(s, "client hello (%s): absent fields are not passed",
                     env->hello && env->hello->version ? env->hello->version : "?");
            break;
        }
        handle_request(s, env, id, kind, run_here);
        break;
    case CMDOP__CORE__V1__KIND__KIND_PAGES:
    case CMDOP__CORE__V1__KIND__KIND_COLLECT:
        handle_request(s, env, id, kind, NULL);
        break;
    case CMDOP__CORE__V1__KIND__KIND_NEXT:
        /* NEXT for no open iteration (it ended, or a wrong id) is ignored */
        cmdop__stdio_pages_next(s->pages, id);
        break;
    case CMDOP__CORE__V1__KIND__KIND_CANCEL:
        if (cmdop__stdio_pool_cancel(s->pool, id))
            cmdop__stdio_send_error_code(&s->w, id, "cancelled", "cancelled by the client");
        else if (!cmdop__stdio_streams_cancel(s->streams, id) &&
                 !cmdop__stdio_handles_cancel(s->handles, id))
            cmdop__stdio_pages_cancel(s->pages, id);   /* its thread answers */
        break;
    case CMDOP__CORE__V1__KIND__KIND_ANSWER:
        handle_answer(s, env, id);
        break;
    default:
        /* responses, events and unknown kinds: ignored, as the protocol
         * says for kinds a side does not expect */
        break;
    }
    cmdop__core__v1__envelope__free_unpacked(env, NULL);
}

#if CMDOP__SYNC_WATCH
/* The input has something to read while the reader runs a call: another
 * thread takes the reader role. */
static void on_input(void *arg)
{
    server *s = arg;
    cmdop__stdio_pool_release(s->pool);
}
#endif

/* The reader role (stdio_pool.h): read and handle frames; run a unary call
 * read here on this thread, watching the input meanwhile. true once the
 * input ended, false when the role went to another thread. */
static bool lead(cmdop__stdio_pool *pool, void *ctx)
{
    server *s = ctx;
    for (;;) {
        const uint8_t *buf = NULL;
        size_t len = 0;
        cmdop__frame_rc r = cmdop__stdio_rbuf_next(&s->in, &buf, &len);
        if (r != CMDOP__FRAME_OK) {
            if (r != CMDOP__FRAME_EOF) {
                static const char *const why[] = {"", "", "input ended inside a frame",
                                                  "malformed length prefix or frame over the cap",
                                                  "cannot read the input", "out of memory"};
                diag(s, "%s; stopping", why[r]);
                s->status = 1;
            }
            return true;
        }
        cmdop__stdio_call *c = NULL;
        handle_frame(s, buf, len, &c);
        if (!c)
            continue;
#if CMDOP__SYNC_WATCH
        cmdop__sync_watch w = {.fd = s->in.fd, .fire = on_input, .arg = s};
        cmdop__sync_watch_set(&w);
        cmdop__stdio_pool_run(pool, c);
        cmdop__sync_watch_set(NULL);
        if (w.fired)
            return false;
#else
        cmdop__stdio_pool_run(pool, c);
#endif
    }
}

static void setup_error(server *s)
{
    const cmdop_error *e = cmdop_error_last();
    snprintf(s->setup_code, sizeof s->setup_code, "%s", e ? e->code_str : "internal");
    snprintf(s->setup_msg, sizeof s->setup_msg, "%s",
             e ? e->message : "cannot create the client");
    snprintf(s->setup_field, sizeof s->setup_field, "%s", e && e->field ? e->field : "");
    s->setup_err = (cmdop_error){
        .code = e ? e->code : CMDOP_EINTERNAL,
        .code_str = s->setup_code,
        .message = s->setup_msg,
        .field = s->setup_field[0] ? s->setup_field : NULL,
        .retry_after_ms = -1,
    };
}

int cmdop__stdio_serve(int in_fd, int out_fd)
{
    /* a client that goes away must not kill the core with SIGPIPE while
     * calls are still draining: writes then fail with EPIPE instead */
    cmdop__port_ignore_sigpipe();
    server s;
    memset(&s, 0, sizeof s);
    cmdop__stdio_writer_init(&s.w, out_fd);
    cmdop__stdio_rbuf_init(&s.in, in_fd);
    if (cmdop_client_new(&s.client, NULL) != 0) {
        s.client = NULL;
        setup_error(&s);
        diag(&s, "%s (every request is answered with this error)", s.setup_msg);
    }
    s.pool = cmdop__stdio_pool_new(CMDOP__STDIO_WORKERS, run_call, &s);
    s.streams = cmdop__stdio_streams_new(s.client, &s.w);
    s.pages = cmdop__stdio_pages_new(s.client, &s.w);
    s.handles = cmdop__stdio_handles_new(s.client, &s.w);
    if (!s.pool || !s.streams || !s.pages || !s.handles) {
        cmdop__stdio_pool_drain(s.pool);
        cmdop__stdio_streams_close(s.streams);
        cmdop__stdio_pages_close(s.pages);
        cmdop__stdio_handles_close(s.handles);
        diag(&s, "cannot start the worker threads");
        cmdop_client_free(s.client);
        cmdop__stdio_writer_destroy(&s.w);
        return 2;
    }
    send_hello(&s);
    /* from here the pool's threads read the input in turn */
    cmdop__stdio_pool_lead(s.pool, lead);
    cmdop__stdio_pool_wait_lead(s.pool);
    int status = s.status;
    /* end of input: open streams and page iterations are cancelled (nobody
     * can answer their callbacks or ask for a next page any more; each still
     * writes its ERROR `cancelled`), unary
     * calls in flight finish and are answered, then stop */
    cmdop__stdio_streams_close(s.streams);
    cmdop__stdio_pages_close(s.pages);
    cmdop__stdio_handles_close(s.handles);
    cmdop__stdio_pool_drain(s.pool);
    cmdop_client_free(s.client);
    cmdop__stdio_rbuf_free(&s.in);
    cmdop__stdio_writer_destroy(&s.w);
    return status;
}
