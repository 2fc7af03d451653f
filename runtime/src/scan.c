/*
 * scan.c — ops the 1.1 clients implement client-side (CMDOP__OP_SCAN):
 * fleets.get pages through fleets.list and picks the item whose
 * `scan_match` field equals the `scan_arg` argument. Pages are requested as
 * the official 1.1.1 client does (no page params: the first request is
 * `GET /api/fleets`); further pages follow has_next.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmdop/error.h"
#include "call_internal.h"
#include "client_internal.h"
#include "validate.h"

/* "fleets" -> "Fleet": the noun of a not-found message. */
static void noun(const char *ns, char *buf, size_t size)
{
    const char *last = strrchr(ns, '.');
    snprintf(buf, size, "%s", last ? last + 1 : ns);
    size_t n = strlen(buf);
    if (n > 1 && buf[n - 1] == 's')
        buf[n - 1] = '\0';
    buf[0] = (char)toupper((unsigned char)buf[0]);
}

int cmdop__call_scan(cmdop_client *client, const cmdop__op_desc *op, const json_t *args,
                     cmdop__cancel *cancel, json_t **out)
{
    *out = NULL;
    if (!op->scan_list || !op->scan_arg || !op->scan_match || !op->scan_list->page)
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL,
                                "%s: incomplete scan descriptor", op->name);
    json_t *a;
    int rc = cmdop__validate_args(op, args, client->cfg.fleet_id, &a);
    if (rc)
        return rc;
    const char *key = json_string_value(json_object_get(a, op->scan_arg));
    if (!key) {
        json_decref(a);
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, op->scan_arg, "%s: required",
                                op->scan_arg);
    }
    /* Context params (fleet scope) of the list op come from our args too. */
    json_t *largs = json_object();
    const cmdop__op_desc *list = op->scan_list;
    for (size_t i = 0; i < list->n_params; i++) {
        const cmdop__param_desc *lp = &list->params[i];
        json_t *v = json_object_get(a, lp->name);
        if (v && strcmp(lp->name, op->scan_arg) != 0)
            json_object_set(largs, lp->name, v);
    }
    cmdop_pager *pager = NULL;
    rc = cmdop__pager_new(&pager, client, list, largs);
    json_decref(largs);
    if (!rc)
        cmdop__pager_set_cancel(pager, cancel);
    while (!rc) {
        json_t *item;
        rc = cmdop__pager_next_item(pager, &item);
        if (rc)
            break;
        const char *v = json_string_value(json_object_get(item, op->scan_match));
        if (v && strcmp(v, key) == 0) {
            *out = item;
            break;
        }
        json_decref(item);
    }
    if (rc == CMDOP_ITEROVER) {
        char n[64];
        noun(op->ns, n, sizeof n);
        rc = cmdop__error_set(CMDOP_ENOTFOUND, 0, NULL, op->scan_arg, "%s %s not found", n, key);
    }
    cmdop_pager_free(pager);
    json_decref(a);
    return rc;
}
