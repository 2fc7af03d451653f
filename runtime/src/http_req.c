/*
 * http_req.c — the request/response record the event loop works on.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_loop.h"

cmdop__http_req *cmdop__http_req_new(void)
{
    cmdop__http_req *req = calloc(1, sizeof *req);
    if (req)
        strcpy(req->method, "GET");
    return req;
}

void cmdop__http_req_reset_response(cmdop__http_req *req)
{
    free(req->request_id);
    free(req->retry_after);
    free(req->content_type);
    free(req->resp_body);
    req->request_id = req->retry_after = req->content_type = req->resp_body = NULL;
    req->resp_len = req->resp_cap = 0;
    req->status = 0;
    req->event_stream = false;
    req->over_cap = false;
    req->xfer = CMDOP__XFER_OK;
    req->xfer_msg[0] = '\0';
}

void cmdop__http_req_free(cmdop__http_req *req)
{
    if (!req)
        return;
    cmdop__http_req_reset_response(req);
    for (size_t i = 0; i < req->n_headers; i++)
        free(req->headers[i]);
    free(req->url);
    free(req->body);
    free(req);
}

int cmdop__http_req_set(cmdop__http_req *req, const char *method, const char *url)
{
    if (!method || strlen(method) >= sizeof req->method || !url)
        return CMDOP_EINVALID;
    char *u = strdup(url);
    if (!u)
        return CMDOP_ENOMEM;
    free(req->url);
    req->url = u;
    strcpy(req->method, method);
    return 0;
}

int cmdop__http_req_header(cmdop__http_req *req, const char *name, const char *value)
{
    if (req->n_headers >= CMDOP__HTTP_MAX_HEADERS || strchr(value, '\n') || strchr(value, '\r'))
        return CMDOP_EINVALID;   /* header injection or too many */
    size_t n = strlen(name) + 2 + strlen(value) + 1;
    char *line = malloc(n);
    if (!line)
        return CMDOP_ENOMEM;
    strcpy(line, name);
    strcat(line, ": ");
    strcat(line, value);
    req->headers[req->n_headers++] = line;
    return 0;
}

const char *cmdop__http_req_header_get(const cmdop__http_req *req, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < req->n_headers; i++)
        if (strncasecmp(req->headers[i], name, n) == 0 && req->headers[i][n] == ':')
            return req->headers[i] + n + 2;
    return NULL;
}

int cmdop__http_req_body(cmdop__http_req *req, const char *body, size_t len)
{
    char *b = malloc(len + 1);
    if (!b)
        return CMDOP_ENOMEM;
    memcpy(b, body, len);
    b[len] = '\0';
    free(req->body);
    req->body = b;
    req->body_len = len;
    return 0;
}
