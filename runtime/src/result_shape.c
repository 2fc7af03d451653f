/*
 * result_shape.c — see result_shape.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "result_shape.h"
#include "wire_map.h"

static json_int_t int_or(const json_t *v, json_int_t dflt)
{
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* Does `hay` contain `needle`, ignoring ASCII case? */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return n == 0;
}

static int set_int(json_t *doc, const char *key, json_int_t v)
{
    return key ? json_object_set_new(doc, key, json_integer(v)) : 0;
}

static int set_bool(json_t *doc, const char *key, bool v)
{
    return key ? json_object_set_new(doc, key, json_boolean(v)) : 0;
}

/* 2: fill the surface offset from the wire page and per_page. */
static int fill_offset(const cmdop__page_desc *pg, const json_t *args, json_t *doc)
{
    if (!pg->resp_offset)
        return 0;
    const json_t *page = pg->resp_page ? json_object_get(doc, pg->resp_page) : NULL;
    const json_t *size = pg->resp_per_page ? json_object_get(doc, pg->resp_per_page) : NULL;
    if (!json_is_integer(page))  /* an answer without page keeps its own offset */
        return 0;
    json_int_t p = json_integer_value(page);
    json_int_t n = int_or(size, int_or(json_object_get(args, pg->req_size), 0));
    return set_int(doc, pg->resp_offset, p > 1 && n > 0 ? (p - 1) * n : 0);
}

/* 3: cut the requested page out of the whole list. */
static int emulate_page(const cmdop__page_desc *pg, const json_t *args, json_t *doc)
{
    json_t *all = json_object_get(doc, pg->resp_items);
    if (!json_is_array(all))
        return 0;   /* the typed reader reports the missing list */
    json_int_t page = int_or(json_object_get(args, pg->req_page), 1);
    json_int_t size = int_or(json_object_get(args, pg->req_size), 0);
    json_int_t total = (json_int_t)json_array_size(all);
    if (page < 1)
        page = 1;
    if (size < 1) {
        /* no per_page: the whole list is page 1 with the answer's per_page,
         * as the official 1.1.1 core passes it through */
        json_int_t wire = int_or(pg->resp_per_page ? json_object_get(doc, pg->resp_per_page) : NULL, 0);
        size = wire >= total && wire > 0 ? wire : (total > 0 ? total : 1);
    }
    json_int_t from = (page - 1) * size;
    json_t *slice = json_array();
    if (!slice)
        return -1;
    for (json_int_t i = from; i < total && i < from + size; i++)
        if (json_array_append(slice, json_array_get(all, (size_t)i)) != 0) {
            json_decref(slice);
            return -1;
        }
    int rc = json_object_set_new(doc, pg->resp_items, slice);
    if (!rc)
        rc = set_int(doc, pg->resp_total, total);
    if (!rc)
        rc = set_int(doc, pg->resp_page, page);
    if (!rc)
        rc = set_int(doc, pg->resp_per_page, size);
    if (!rc)
        rc = set_int(doc, pg->resp_offset, from);
    if (!rc)
        rc = set_bool(doc, pg->resp_has_next, from + size < total);
    if (!rc)
        rc = set_bool(doc, pg->resp_has_prev, page > 1);
    return rc;
}

/* 4: keep the items one of whose `fields` contains `value`. */
static int filter_items(json_t *doc, const char *items_key, const char *const *fields,
                        const char *value)
{
    json_t *items = json_object_get(doc, items_key);
    if (!json_is_array(items) || !*value)
        return 0;
    json_t *kept = json_array();
    if (!kept)
        return -1;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        bool hit = false;
        for (const char *const *f = fields; *f && !hit; f++) {
            const char *s = json_string_value(json_object_get(it, *f));
            hit = s && contains_ci(s, value);
        }
        if (hit && json_array_append(kept, it) != 0) {
            json_decref(kept);
            return -1;
        }
    }
    return json_object_set_new(doc, items_key, kept);
}

int cmdop__result_shape(const cmdop__op_desc *op, const json_t *args, const char *request_id,
                        json_t **doc)
{
    const cmdop__wire_record *wr = cmdop__wire_find(op->result_type);
    if (wr && wr->array_key && !json_is_array(*doc) && !json_is_object(*doc))
        return cmdop__error_set(CMDOP_EINTERNAL, 0, request_id, NULL,
                                "%s: response is not a JSON array, expected %s", op->name,
                                op->result_type);
    if (cmdop__wire_to_model(op->result_type, doc) != 0)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    if (!json_is_object(*doc))
        return cmdop__error_set(CMDOP_EINTERNAL, 0, request_id, NULL,
                                "%s: response is not a JSON object, expected %s", op->name,
                                op->result_type);
    int rc = 0;
    const cmdop__page_desc *pg = op->page;
    if (pg && pg->style == CMDOP__PAGE_OFFSET)
        rc = pg->emulated ? emulate_page(pg, args, *doc) : fill_offset(pg, args, *doc);
    for (size_t i = 0; !rc && i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        const char *v = json_string_value(json_object_get(args, p->name));
        if (p->in == CMDOP__IN_LOCAL && p->filter_fields && v)
            rc = filter_items(*doc, pg ? pg->resp_items : "items", p->filter_fields, v);
    }
    return rc ? cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory") : 0;
}
