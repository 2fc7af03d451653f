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

static bool is_offset_page_param(const cmdop__op_desc *op, const cmdop__param_desc *p)
{
    return op->page && op->page->style == CMDOP__PAGE_OFFSET && op->page->req_page &&
           strcmp(p->name, op->page->req_page) == 0;
}

/* The wire offset for offset paging; -1 and error set when it cannot be
 * computed. */
static long wire_offset(const cmdop__op_desc *op, const json_t *args, long forced)
{
    if (forced >= 0)
        return forced;
    const cmdop__page_desc *pg = op->page;
    json_int_t page = json_integer_value(json_object_get(args, pg->req_page));
    const json_t *size = pg->req_size ? json_object_get(args, pg->req_size) : NULL;
    if (page <= 1)
        return 0;
    if (!json_is_integer(size) || json_integer_value(size) <= 0) {
        cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, pg->req_size ? pg->req_size : "per_page",
                         "%s: required when %s > 1 (offset = (page-1)*per_page)",
                         pg->req_size ? pg->req_size : "per_page", pg->req_page);
        return -1;
    }
    return (long)((page - 1) * json_integer_value(size));
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
        if (p->in != CMDOP__IN_QUERY)
            continue;
        if (is_offset_page_param(op, p)) {
            long off = wire_offset(op, args, ctx->wire_offset);
            if (off < 0) {
                rc = CMDOP_EVALIDATION;
                break;
            }
            json_t *o = json_integer(off);
            rc = cmdop__url_query_add(&b, op->page->req_offset ? op->page->req_offset : "offset", o);
            json_decref(o);
            continue;
        }
        rc = cmdop__url_query_add(&b, p->wire_name, json_object_get(args, p->name));
    }
    /* An offset op whose page param is not a query param still gets its
     * forced offset (the pager's). */
    if (!rc && ctx->wire_offset >= 0 && op->page && op->page->style == CMDOP__PAGE_OFFSET &&
        !(op->page->req_page && cmdop__op_param_in(op, op->page->req_page, CMDOP__IN_QUERY))) {
        json_t *o = json_integer(ctx->wire_offset);
        rc = cmdop__url_query_add(&b, op->page->req_offset ? op->page->req_offset : "offset", o);
        json_decref(o);
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
        if (v)
            json_object_set(body, p->wire_name, v);
    }
    if (!body)
        return 0;
    *out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return *out ? 0 : cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
}

static int add_headers(cmdop__http_req *req, const cmdop__request_ctx *ctx, bool has_body)
{
    int rc = 0;
    if (ctx->plane == CMDOP__PLANE_RELAY) {
        size_t n = strlen(ctx->credential) + 8;
        char *v = malloc(n);
        if (!v)
            return CMDOP_ENOMEM;
        strcpy(v, "Bearer ");
        strcat(v, ctx->credential);
        rc = cmdop__http_req_header(req, "Authorization", v);
        free(v);
    } else {
        rc = cmdop__http_req_header(req, "X-Api-Key", ctx->credential);
    }
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
