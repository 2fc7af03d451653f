/*
 * call.c — the generic op driver (call.h): validate, check the plane's
 * credential, build, run with retries on the client's loop, map the answer.
 * Nothing touches the network before validation and the credential check
 * have passed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmdop/error.h"
#include "call_internal.h"
#include "client_internal.h"
#include "error_internal.h"
#include "request.h"
#include "result_shape.h"
#include "validate.h"

/* The resolved string of option `o` (its cmdop__config field), or NULL. */
static const char *option_str(const cmdop_client *c, cmdop__option o)
{
    if (o == CMDOP__OPT_NONE)
        return NULL;
    return *(char *const *)((const char *)&c->cfg + cmdop__options[o].cfg_offset);
}

const char *cmdop__plane_base_url(const cmdop_client *c, cmdop__plane plane)
{
    return option_str(c, cmdop__planes[plane].url_option);
}

const char *cmdop__plane_credential(const cmdop_client *c, cmdop__plane plane)
{
    return option_str(c, cmdop__planes[plane].cred_option);
}

int cmdop__cancelled_error(const char *what)
{
    return cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s: cancelled", what);
}

int cmdop__no_base_url(const cmdop__op_desc *op)
{
    const cmdop__plane_desc *p = &cmdop__planes[op->plane];
    const cmdop__option_desc *o = &cmdop__options[p->url_option];
    return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, o->name,
                            "%s: no %s URL configured: set %s (or the "
                            "%s option); there is no default", op->name, p->name,
                            o->env[0], o->name);
}

int cmdop__no_credential(const cmdop__op_desc *op)
{
    const cmdop__plane_desc *p = &cmdop__planes[op->plane];
    const cmdop__option_desc *o = &cmdop__options[p->cred_option];
    return cmdop__error_set(CMDOP_EAUTH, 0, NULL, NULL,
                            "%s: no %s configured for the %s plane (set %s or %s)",
                            op->name, p->auth_what, p->name, o->env[0], o->name);
}

static void log_attempt(const cmdop__http_req *req, int attempt, int64_t started_ms,
                        long next_delay_ms, void *payload)
{
    cmdop_client *c = payload;
    char url[512];
    cmdop__url_redact(req->url, url, sizeof url);
    cmdop__log_at(c->log, req->xfer != CMDOP__XFER_OK ? CMDOP__LOG_WARN : CMDOP__LOG_DEBUG,
                            "%s %s -> %ld%s%s (attempt %d, %lld ms, request_id %s)%s",
                            req->method, url, req->status,
                            req->xfer != CMDOP__XFER_OK ? " transport error: " : "",
                            req->xfer != CMDOP__XFER_OK ? req->xfer_msg : "", attempt,
                            (long long)(cmdop__now_ms() - started_ms),
                            req->request_id ? req->request_id : "-",
                            next_delay_ms >= 0 ? ", retrying" : "");
    if (next_delay_ms >= 0)
        cmdop__debug_log_printf(c->log, "  retry in %ld ms", next_delay_ms);
}

/* The success value of a 2xx answer (NEW ref in *out), as the model
 * (result_shape.h). `args`: the call's validated args. */
static int shape_result(const cmdop__op_desc *op, const json_t *args,
                        const cmdop__http_req *req, bool raw, json_t **out)
{
    bool synth = op->empty_result_json &&
                 (op->empty_status == 0 || req->status == op->empty_status || req->resp_len == 0);
    if (synth) {
        *out = json_loads(op->empty_result_json, JSON_DECODE_ANY, NULL);
        return *out ? 0 : cmdop__error_set(CMDOP_EINTERNAL, 0, req->request_id, NULL,
                                           "%s: bad empty_result_json in the op table", op->name);
    }
    if (!op->result_type || (op->empty_status && req->status == op->empty_status)) {
        *out = json_null();
        return 0;
    }
    if (req->resp_len == 0)
        return cmdop__error_set(CMDOP_EINTERNAL, (int)req->status, req->request_id, NULL,
                                "%s: empty response body (HTTP %ld), expected %s",
                                op->name, req->status, op->result_type);
    json_error_t jerr;
    json_t *doc = json_loadb(req->resp_body, req->resp_len, JSON_DECODE_ANY, &jerr);
    if (!doc)
        return cmdop__error_set(CMDOP_EINTERNAL, (int)req->status, req->request_id, NULL,
                                "%s: response is not JSON (%s), expected %s", op->name,
                                jerr.text, op->result_type);
    int rc = cmdop__result_shape(op, args, req->request_id, &doc);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    if (op->unwrap && !raw) {
        json_t *v = json_object_get(doc, op->unwrap);
        /* an absent optional field is null, as in proto3 JSON */
        *out = v ? json_incref(v) : json_null();
        json_decref(doc);
        return 0;
    }
    *out = doc;
    return 0;
}

static int run_http(cmdop_client *c, const cmdop__op_desc *op, const json_t *a,
                    const cmdop__call_opts *o, json_t **out)
{
    char idem[37];
    bool use_key = !op->idempotent && op->idempotency_key;
    if (use_key && cmdop__uuid4(idem) != 0)
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "RAND_bytes failed");
    cmdop__request_ctx ctx = {
        .base_url = cmdop__plane_base_url(c, op->plane),
        .credential = cmdop__plane_credential(c, op->plane),
        .plane = op->plane,
        .idempotency_key = use_key ? idem : NULL,
        .wire_offset = o->wire_offset,
    };
    cmdop__http_req *req;
    int rc = cmdop__request_build(op, a, &ctx, &req);
    if (rc)
        return rc;
    req->timeout_ms = c->cfg.timeout_ms;
    /* Only requests that are safe to repeat are retried. */
    cmdop__retry_policy policy = c->retry;
    if (!op->idempotent && !use_key)
        policy.max_retries = 0;
    rc = cmdop__retry_run_sync_ex(c->loop, req, &policy, c->log ? log_attempt : NULL, c,
                                  o->cancel, NULL);
    if (rc)
        rc = cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s: client closed", op->name);
    else if (req->xfer == CMDOP__XFER_CANCELLED && cmdop__cancel_is_cancelled(o->cancel))
        rc = cmdop__cancelled_error(op->name);
    else if (req->xfer != CMDOP__XFER_OK)
        rc = cmdop__error_from_xfer(req->xfer, req->xfer_msg, req->method, req->url);
    else if (req->status < 200 || req->status > 299)
        rc = cmdop__error_from_http(req->status, req->resp_body, req->resp_len,
                                    req->request_id, req->retry_after, time(NULL));
    else
        rc = shape_result(op, a, req, o->raw, out);
    cmdop__http_req_free(req);
    return rc;
}

int cmdop__call_ex(cmdop_client *client, const cmdop__op_desc *op, const json_t *args,
                   const cmdop__call_opts *opts, json_t **out)
{
    if (!out)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "out is NULL");
    *out = NULL;
    if (!client || !op)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "client and op are required");
    static const cmdop__call_opts k_defaults = {-1, false, NULL};
    const cmdop__call_opts *o = opts ? opts : &k_defaults;
    if (op->kind == CMDOP__OP_SCAN)
        return cmdop__call_scan(client, op, args, o->cancel, out);
    if (op->kind != CMDOP__OP_HTTP)
        return cmdop__error_set(CMDOP_EUNSUPPORTED, 0, NULL, NULL,
                                "%s is a stream: use the stream API", op->name);
    json_t *a;
    int rc = cmdop__validate_args(op, args, client->cfg.fleet_id, &a);
    if (rc)
        return rc;
    if (!cmdop__plane_base_url(client, op->plane))
        rc = cmdop__no_base_url(op);
    else if (!cmdop__plane_credential(client, op->plane))
        rc = cmdop__no_credential(op);
    else
        rc = run_http(client, op, a, o, out);
    json_decref(a);
    return rc;
}

int cmdop__call(cmdop_client *client, const cmdop__op_desc *op, const json_t *args,
                json_t **out)
{
    return cmdop__call_ex(client, op, args, NULL, out);
}
