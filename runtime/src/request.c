/*
 * request.c — see request.h. Headers: exactly one credential header for the
 * op's plane (relay: Authorization: Bearer; platform: X-Api-Key), Accept,
 * User-Agent, Content-Type only with a body, Idempotency-Key when given.
 */
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "cmdop/version.h"
#include "request.h"
#include "strbuf.h"
#include "url.h"
#include "validate.h"

/* Is the param's value one that is not sent at all? */
static bool not_sent(const cmdop__param_desc *p, const json_t *v)
{
    if (!v || p->in == CMDOP__IN_LOCAL)
        return true;
    if (!p->omit_empty)
        return false;
    return (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0);
}

/* The value as sent: an enum surface string becomes its `enum_sends` string
 * ("optional" -> "any"). NEW reference. */
static json_t *wire_value(const cmdop__param_desc *p, json_t *v)
{
    if (p->type == CMDOP__T_ENUM && p->enum_sends && json_is_string(v))
        for (size_t i = 0; p->enum_values[i]; i++)
            if (strcmp(p->enum_values[i], json_string_value(v)) == 0)
                return json_string(p->enum_sends[i]);
    return json_incref(v);
}

static int build_url(const cmdop__op_desc *op, const json_t *args,
                     const cmdop__request_ctx *ctx, char **out)
{
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    json_t *pathv = json_object();
    int rc = 0;
    for (size_t i = 0; i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        json_t *v = json_object_get(args, p->name);
        if (v && (p->in == CMDOP__IN_PATH || p->in == CMDOP__IN_CONTEXT)) {
            /* the template may name either the surface or the wire name */
            json_object_set(pathv, p->name, v);
            json_object_set(pathv, p->wire_name, v);
        }
    }
    cmdop__sb_puts(&b, ctx->base_url);
    rc = cmdop__url_fill_path(&b, op->path, pathv);
    json_decref(pathv);
    for (size_t i = 0; !rc && i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        json_t *v = json_object_get(args, p->name);
        if (p->in != CMDOP__IN_QUERY || not_sent(p, v))
            continue;
        json_t *w = wire_value(p, v);
        rc = cmdop__url_query_add(&b, p->wire_name, w);
        json_decref(w);
    }
    if (rc) {
        cmdop__sb_free(&b);
        return rc;
    }
    *out = cmdop__sb_take(&b);
    return *out ? 0 : cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
}

/* The JSON body text (NEW) or NULL when the op has no body params. */
static int build_body(const cmdop__op_desc *op, const json_t *args, char **out)
{
    *out = NULL;
    json_t *body = NULL;
    for (size_t i = 0; i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        if (p->in != CMDOP__IN_BODY)
            continue;
        if (!body && !(body = json_object()))
            return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
        json_t *v = json_object_get(args, p->name);
        if (!not_sent(p, v))
            json_object_set_new(body, p->wire_name, wire_value(p, v));
    }
    if (!body)
        return 0;
    *out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return *out ? 0 : cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
}

static int add_headers(cmdop__http_req *req, const cmdop__request_ctx *ctx, bool has_body)
{
    /* The plane's credential header and prefix come from the IDL (cmdop__planes). */
    const cmdop__plane_desc *p = &cmdop__planes[ctx->plane];
    size_t n = strlen(p->auth_prefix) + strlen(ctx->credential) + 1;
    char *v = malloc(n);
    if (!v)
        return CMDOP_ENOMEM;
    strcpy(v, p->auth_prefix);
    strcat(v, ctx->credential);
    int rc = cmdop__http_req_header(req, p->auth_header, v);
    free(v);
    if (!rc)
        rc = cmdop__http_req_header(req, "Accept", "application/json");
    if (!rc)
        rc = cmdop__http_req_header(req, "User-Agent", "cmdop-c/" CMDOP_VERSION);
    if (!rc && has_body)
        rc = cmdop__http_req_header(req, "Content-Type", "application/json");
    if (!rc && ctx->idempotency_key)
        rc = cmdop__http_req_header(req, "Idempotency-Key", ctx->idempotency_key);
    return rc;
}

int cmdop__request_build(const cmdop__op_desc *op, const json_t *args,
                         const cmdop__request_ctx *ctx, cmdop__http_req **out)
{
    *out = NULL;
    if (!ctx->credential)
        return cmdop__error_set(CMDOP_EAUTH, 0, NULL, NULL, "no credential for %s", op->name);
    char *url = NULL, *body = NULL;
    int rc = build_url(op, args, ctx, &url);
    if (!rc)
        rc = build_body(op, args, &body);
    cmdop__http_req *req = rc ? NULL : cmdop__http_req_new();
    if (!rc && !req)
        rc = CMDOP_ENOMEM;
    if (!rc)
        rc = cmdop__http_req_set(req, op->method, url);
    if (!rc && body)
        rc = cmdop__http_req_body(req, body, strlen(body));
    if (!rc)
        rc = add_headers(req, ctx, body != NULL);
    free(url);
    free(body);
    if (rc) {
        cmdop__http_req_free(req);
        if (rc == CMDOP_ENOMEM || rc == CMDOP_EINVALID)
            return cmdop__error_set(rc, 0, NULL, NULL, "%s: cannot build the request (%s)",
                                    op->name, cmdop_error_code_str(rc));
        return rc;
    }
    *out = req;
    return 0;
}
