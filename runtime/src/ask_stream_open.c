/*
 * ask_stream_open.c — cmdop__stream_open: the generated params, validation and
 * the credential check (all before any network I/O, through the same
 * validate/request code as every unary op), then the POST submitted to the
 * client's loop. The answer is read later by cmdop__stream_next.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ask_stream_internal.h"
#include "call_internal.h"
#include "client_internal.h"
#include "port.h"
#include "request.h"
#include "retry.h"
#include "validate.h"

int cmdop__ask_set_header(cmdop__http_req *req, const char *name, const char *value)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strncasecmp(req->headers[i], name, n) != 0 || req->headers[i][n] != ':')
            continue;
        /* drop the old line, append the new one in its place */
        free(req->headers[i]);
        req->headers[i] = req->headers[--req->n_headers];
        break;
    }
    return cmdop__http_req_header(req, name, value);
}

/* 32 lowercase hex chars, as 1.1.0's uuid4().hex. */
static int hex32(char out[33])
{
    char u[37];
    if (cmdop__uuid4(u) != 0)
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "RAND_bytes failed");
    size_t k = 0;
    for (size_t i = 0; u[i]; i++)
        if (u[i] != '-')
            out[k++] = u[i];
    out[k] = '\0';
    return 0;
}

/* NEW copy of args with the generated params filled in. */
static int with_generated(const cmdop__stream_desc *sd, const json_t *args, json_t **out)
{
    json_t *a = args ? json_copy((json_t *)args) : json_object();
    if (!a || !json_is_object(a)) {
        json_decref(a);
        return cmdop__error_set(args && !json_is_object(args) ? CMDOP_EINVALID : CMDOP_ENOMEM,
                                0, NULL, NULL, "%s: args must be a JSON object", sd->op->name);
    }
    for (const char *const *p = sd->hex32_params; p && *p; p++) {
        const json_t *v = json_object_get(a, *p);
        if (v && !json_is_null(v))
            continue;
        char id[33];
        int rc = hex32(id);
        if (!rc && json_object_set_new(a, *p, json_string(id)) != 0)
            rc = cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
        if (rc) {
            json_decref(a);
            return rc;
        }
    }
    *out = a;
    return 0;
}

int cmdop__ask_build_post(cmdop_client *c, const cmdop__op_desc *op, const json_t *a,
                          const char *accept, cmdop__http_req **out)
{
    cmdop__request_ctx ctx = {
        .base_url = cmdop__plane_base_url(c, op->plane),
        .credential = cmdop__plane_credential(c, op->plane),
        .plane = op->plane,
        .idempotency_key = NULL,
        .wire_offset = -1,
    };
    /* No Cache-Control: the official core never sends one and no request
     * schema evidences it (tests/compat). */
    int rc = cmdop__request_build(op, a, &ctx, out);
    if (!rc)
        rc = cmdop__ask_set_header(*out, "Accept", accept);
    if (rc) {
        cmdop__http_req_free(*out);
        *out = NULL;
        return rc == CMDOP_ENOMEM ? cmdop__error_set(rc, 0, NULL, NULL, "out of memory") : rc;
    }
    (*out)->timeout_ms = 0; /* a stream lasts: the idle timeout bounds it */
    return 0;
}

cmdop__http_req *cmdop__ask_req_copy(const cmdop__http_req *req)
{
    cmdop__http_req *c = cmdop__http_req_new();
    if (!c || cmdop__http_req_set(c, req->method, req->url) != 0 ||
        (req->body && cmdop__http_req_body(c, req->body, req->body_len) != 0)) {
        cmdop__http_req_free(c);
        return NULL;
    }
    /* header lines are copied verbatim ("Name: value") */
    for (size_t i = 0; i < req->n_headers; i++) {
        if (!(c->headers[i] = strdup(req->headers[i]))) {
            cmdop__http_req_free(c);
            return NULL;
        }
        c->n_headers = i + 1;
    }
    c->timeout_ms = req->timeout_ms;
    c->lane = req->lane; /* the stream's loop thread (http_loop.h) */
    return c;
}

static cmdop__stream *stream_new(cmdop_client *c, const cmdop__stream_desc *sd, json_t *a)
{
    cmdop__stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->client = c;
    s->sd = sd;
    s->args = a;
    s->last_seq = -1;
    s->sse = cmdop__sse_new(CMDOP__ASK_MAX_LINE);
    bool ok = s->sse &&
              cmdop__sse_set_max_event(s->sse, CMDOP__ASK_MAX_EVENT) == 0;
    if (ok) {
        ok = cmdop__port_cond_init_monotonic(&s->cv) == 0;
        if (ok && pthread_mutex_init(&s->mu, NULL) != 0) {
            pthread_cond_destroy(&s->cv);
            ok = false;
        }
    }
    if (!ok) {
        cmdop__sse_free(s->sse);
        free(s);
        return NULL;
    }
    /* the op's `idle_seconds` param (machines.ask: timeout_seconds) doubles
     * as the idle bound; else the client's timeout */
    const json_t *ts = sd->idle_seconds_param ? json_object_get(a, sd->idle_seconds_param) : NULL;
    s->idle_ms = json_is_integer(ts) && json_integer_value(ts) > 0
                     ? (long)json_integer_value(ts) * 1000L
                     : c->cfg.timeout_ms;
    return s;
}

int cmdop__stream_open(cmdop_client *client, const cmdop__stream_desc *sd, const json_t *args,
                       cmdop__stream **out)
{
    if (!out)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "out is NULL");
    *out = NULL;
    if (!client || !sd || !sd->op)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "client and op are required");
    const cmdop__op_desc *op = sd->op;
    if (op->kind != CMDOP__OP_STREAM)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "%s is not a stream", op->name);
    json_t *g, *a;
    int rc = with_generated(sd, args, &g);
    if (rc)
        return rc;
    rc = cmdop__validate_args(op, g, client->cfg.fleet_id, &a);
    json_decref(g);
    if (rc)
        return rc;
    if (!cmdop__plane_base_url(client, op->plane)) {
        json_decref(a);
        return cmdop__no_base_url(op);
    }
    if (!cmdop__plane_credential(client, op->plane)) {
        json_decref(a);
        return cmdop__no_credential(op);
    }
    cmdop__http_req *req;
    if ((rc = cmdop__ask_build_post(client, op, a, "text/event-stream", &req)) != 0) {
        json_decref(a);
        return rc;
    }
    cmdop__stream *s = stream_new(client, sd, a);
    /* Every connection of the stream runs on the ask's loop thread: they
     * share its loop-thread-only state (ask_stream_internal.h). The
     * template carries the lane into resumes and /confirm. */
    cmdop__loop_place(client->loop, req);
    cmdop__http_req *tmpl = s ? cmdop__ask_req_copy(req) : NULL;
    if (!tmpl) {
        cmdop__http_req_free(req);
        if (s)
            cmdop__stream_free(s);
        else
            json_decref(a);
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    }
    s->req = req;
    s->tmpl = tmpl;
    s->req_is_ask = true;
    req->on_data = cmdop__ask_on_data;
    req->may_resume = cmdop__ask_may_resume;
    req->on_done = cmdop__ask_on_done;
    req->idle_deadline = cmdop__ask_idle_deadline; /* the idle timeout lives on the loop */
    req->payload = s;
    s->in_flight = true;
    s->last_rx_ms = cmdop__now_ms();
    if (cmdop__loop_submit(client->loop, req, 0) != 0) {
        s->in_flight = false;
        cmdop__stream_free(s);
        return cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s: client closed", op->name);
    }
    /* the id is assigned by the first submission and kept on resubmits */
    s->req_id = req->id;
    const char *sid = sd->hex32_params && sd->hex32_params[0]
                          ? json_string_value(json_object_get(a, sd->hex32_params[0])) : NULL;
    cmdop__debug_log_printf(client->log, "%s %s: stream opened (%s %s)", req->method, req->url,
                            sid ? sd->hex32_params[0] : "no generated id", sid ? sid : "");
    *out = s;
    return 0;
}
