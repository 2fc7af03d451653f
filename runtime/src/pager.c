/*
 * pager.c — one iterator for the three page styles (call.h, cmdop/pager.h).
 *
 * Termination (any one rule ends the iteration, so a misbehaving server
 * cannot make it loop):
 *   every style  a page with no items; CMDOP__PAGER_MAX_PAGES pages fetched
 *   cursor       next_cursor absent or empty; has_more false; a cursor that
 *                was already sent
 *   offset       has_next false; the server answers a page other than the
 *                one asked for (that page is discarded, unless it is the
 *                first); the items received so far ((page-1)*per_page +
 *                items RECEIVED, not per_page) reach total. The first
 *                request sends page/per_page only as the caller passed them
 *                (1.1.1 sends none when per_page is unset); later ones send
 *                page = the previous page + 1.
 *   number       has_next false; next_page absent (when the op names it) or
 *                not greater than the current page; page > pages
 * An empty page ends the iteration and is returned only when it is the
 * first one (so a caller still sees total/count = 0).
 */
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "call_internal.h"
#include "client_internal.h"
#include "validate.h"

struct cmdop_pager {
    cmdop_client *client;
    const cmdop__op_desc *op;
    json_t *args;          /* validated; page/cursor updated per fetch */
    json_t *seen;          /* cursor style: set of cursors sent */
    json_int_t page;       /* offset and number style: next page to request */
    int fetched;
    bool done;
    json_t *items;         /* buffered items for next_item */
    size_t idx;
    cmdop__cancel *cancel; /* borrowed, or NULL */
};

int cmdop__pager_new(cmdop_pager **out, cmdop_client *client, const cmdop__op_desc *op,
                     const json_t *args)
{
    if (!out || !client || !op)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "pager: NULL argument");
    *out = NULL;
    if (!op->page || op->page->style == CMDOP__PAGE_NONE)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "%s is not paginated", op->name);
    json_t *a;
    int rc = cmdop__validate_args(op, args, client->cfg.fleet_id, &a);
    if (rc)
        return rc;
    cmdop_pager *p = calloc(1, sizeof *p);
    if (!p || !(p->seen = json_object())) {
        free(p);
        json_decref(a);
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    }
    p->client = client;
    p->op = op;
    p->args = a;
    const cmdop__page_desc *pg = op->page;
    json_int_t page = pg->req_page ? json_integer_value(json_object_get(a, pg->req_page)) : 0;
    if (page < 1)
        page = 1;
    p->page = page;
    *out = p;
    return 0;
}

void cmdop__pager_set_cancel(cmdop_pager *p, cmdop__cancel *cancel)
{
    if (p)
        p->cancel = cancel;
}

bool cmdop__pager_done(const cmdop_pager *p)
{
    return !p || p->done || p->fetched >= CMDOP__PAGER_MAX_PAGES;
}

void cmdop_pager_free(cmdop_pager *p)
{
    if (!p)
        return;
    json_decref(p->args);
    json_decref(p->seen);
    json_decref(p->items);
    free(p);
}

/* Cursor style: decide from the page what comes next. */
static void advance_cursor(cmdop_pager *p, const json_t *body, size_t n)
{
    const cmdop__page_desc *pg = p->op->page;
    const char *nc = pg->resp_next_cursor
                         ? json_string_value(json_object_get(body, pg->resp_next_cursor)) : NULL;
    const json_t *more = pg->resp_has_more ? json_object_get(body, pg->resp_has_more) : NULL;
    if (n == 0 || !nc || !*nc || json_is_false(more) || json_object_get(p->seen, nc)) {
        p->done = true;
        return;
    }
    json_object_set_new(p->args, pg->req_cursor, json_string(nc));
}

/* Offset style (the driver has filled `offset` from page/per_page). Returns
 * false when the page must be discarded. */
static bool advance_offset(cmdop_pager *p, const json_t *body, size_t n)
{
    const cmdop__page_desc *pg = p->op->page;
    const json_t *echo = pg->resp_page ? json_object_get(body, pg->resp_page) : NULL;
    const json_t *has_next = pg->resp_has_next ? json_object_get(body, pg->resp_has_next) : NULL;
    const json_t *total = pg->resp_total ? json_object_get(body, pg->resp_total) : NULL;
    const json_t *offset = pg->resp_offset ? json_object_get(body, pg->resp_offset) : NULL;
    json_int_t asked = p->page;
    if (json_is_integer(echo) && json_integer_value(echo) != asked) {
        p->done = true;
        return p->fetched == 1;
    }
    p->page = asked + 1;
    json_int_t seen = (json_is_integer(offset) ? json_integer_value(offset) : 0) + (json_int_t)n;
    if (n == 0 || json_is_false(has_next) ||
        (json_is_integer(total) && seen >= json_integer_value(total)))
        p->done = true;
    return true;
}

/* Page-number style. */
static void advance_number(cmdop_pager *p, const json_t *body, size_t n)
{
    const cmdop__page_desc *pg = p->op->page;
    const json_t *has_next = pg->resp_has_next ? json_object_get(body, pg->resp_has_next) : NULL;
    const json_t *next = pg->resp_next_page ? json_object_get(body, pg->resp_next_page) : NULL;
    const json_t *pages = json_object_get(body, "pages");
    json_int_t cur = p->page;
    if (n == 0 || json_is_false(has_next) || (pg->resp_next_page && !json_is_integer(next))) {
        p->done = true;
        return;
    }
    if (json_is_integer(next)) {
        if (json_integer_value(next) <= cur) {
            p->done = true;
            return;
        }
        p->page = json_integer_value(next);
    } else {
        p->page = cur + 1;
    }
    if (json_is_integer(pages) && p->page > json_integer_value(pages))
        p->done = true;
}

/* Fetch the next page: 0 + *page, CMDOP_ITEROVER, or an error. */
static int fetch(cmdop_pager *p, json_t **page)
{
    const cmdop__page_desc *pg = p->op->page;
    *page = NULL;
    for (;;) {
        if (p->done)
            return CMDOP_ITEROVER;
        if (p->fetched >= CMDOP__PAGER_MAX_PAGES) {
            p->done = true;
            return CMDOP_ITEROVER;
        }
        /* no page fetch starts once cancelled (one in flight is aborted
         * through the same token by the driver) */
        if (cmdop__cancel_is_cancelled(p->cancel))
            return cmdop__cancelled_error(p->op->name);
        cmdop__call_opts o = {-1, true, p->cancel};
        if ((pg->style == CMDOP__PAGE_OFFSET || pg->style == CMDOP__PAGE_NUMBER) &&
            pg->req_page) {
            /* the first request sends the page only when the caller passed one */
            if (p->fetched > 0)
                json_object_set_new(p->args, pg->req_page, json_integer(p->page));
        } else if (pg->style == CMDOP__PAGE_CURSOR && pg->req_cursor) {
            const char *c = json_string_value(json_object_get(p->args, pg->req_cursor));
            if (c)
                json_object_set_new(p->seen, c, json_true());
        }
        json_t *body;
        int rc = cmdop__call_ex(p->client, p->op, p->args, &o, &body);
        if (rc)
            return rc;   /* not done: a caller may try again after a transient error */
        p->fetched++;
        const json_t *items = json_object_get(body, pg->resp_items);
        if (!json_is_array(items)) {
            p->done = true;
            json_decref(body);
            return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL,
                                    "%s: page has no \"%s\" list", p->op->name, pg->resp_items);
        }
        size_t n = json_array_size(items);
        bool keep = true;
        switch (pg->style) {
        case CMDOP__PAGE_CURSOR: advance_cursor(p, body, n); break;
        case CMDOP__PAGE_OFFSET: keep = advance_offset(p, body, n); break;
        default: advance_number(p, body, n); break;
        }
        if (n == 0) {
            p->done = true;
            keep = p->fetched == 1;
        }
        if (keep) {
            *page = body;
            return 0;
        }
        json_decref(body);
    }
}

int cmdop__pager_next_page(cmdop_pager *p, json_t **page)
{
    if (!p || !page)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "pager: NULL argument");
    return fetch(p, page);
}

int cmdop__pager_next_item(cmdop_pager *p, json_t **item)
{
    if (!p || !item)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "pager: NULL argument");
    *item = NULL;
    while (!p->items || p->idx >= json_array_size(p->items)) {
        json_t *body;
        int rc = fetch(p, &body);
        if (rc)
            return rc;
        json_decref(p->items);
        p->items = json_incref(json_object_get(body, p->op->page->resp_items));
        p->idx = 0;
        json_decref(body);
    }
    *item = json_incref(json_array_get(p->items, p->idx++));
    return 0;
}
