/*
 * result_shape.h — INTERNAL: what the op driver does to a 2xx answer before
 * anyone reads it, all driven by the op's descriptor and the generated wire
 * tables (wire_map.h):
 *   1. the hosted wire -> the model (cmdop__wire_to_model);
 *   2. offset paging: the record's `offset` = (page-1)*per_page from the
 *      answer's page and per_page (the hosted answer has no offset);
 *   3. emulated offset paging (keys.list): the answer is the whole list; the
 *      requested page is cut out of it and offset, per_page, total, page,
 *      has_next and has_prev are filled;
 *   4. `local` params with filter(...) fields (the `q` of machine lists):
 *      items whose fields all miss the value (case-insensitive substring) are
 *      dropped from the page; the cursor fields are kept.
 */
#ifndef CMDOP__RESULT_SHAPE_H
#define CMDOP__RESULT_SHAPE_H

#include <jansson.h>
#include "op_table.h"

/*
 * Apply the steps above to *doc (owned; it may be replaced, the old reference
 * released). `args` are the call's validated args (borrowed). Returns 0, or
 * CMDOP_ENOMEM / CMDOP_EINTERNAL with the thread's last error set (a wire
 * answer of the wrong JSON shape: not an object, or not the array a
 * `wire array` record is).
 */
int cmdop__result_shape(const cmdop__op_desc *op, const json_t *args, const char *request_id,
                        json_t **doc);

#endif /* CMDOP__RESULT_SHAPE_H */
