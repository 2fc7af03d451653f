/*
 * validate.h — INTERNAL: turning caller arguments into the complete,
 * checked argument set of an op, before any network I/O.
 */
#ifndef CMDOP__VALIDATE_H
#define CMDOP__VALIDATE_H

#include <jansson.h>
#include "op_table.h"

/*
 * From `args` (borrowed object keyed by surface name, or NULL = none; JSON
 * null = absent) build *out (NEW object): nulls dropped, defaults applied
 * (default_json), context params resolved (context_env "fleet_id" falls back
 * to `default_fleet_id`), then every param checked: required, JSON type,
 * numeric range, byte length, enum, pattern (POSIX ERE, whole value).
 * A key that names no param of the op is rejected.
 * Returns 0, or CMDOP_EVALIDATION with the error's field set to the param's
 * surface name and a message naming field and rule, e.g.
 * "limit: must be between 1 and 200 (got 0)"; CMDOP_EINTERNAL for a broken
 * descriptor (bad default_json, unknown context); CMDOP_ENOMEM.
 */
int cmdop__validate_args(const cmdop__op_desc *op, const json_t *args,
                         const char *default_fleet_id, json_t **out);

/* Check one present value against one param's type and constraints. */
int cmdop__validate_value(const cmdop__param_desc *p, const json_t *v);

/* The param named `name` (surface name) of op, or NULL. */
const cmdop__param_desc *cmdop__op_param(const cmdop__op_desc *op, const char *name);

/* Whether op has a param `name` located `in`. */
bool cmdop__op_param_in(const cmdop__op_desc *op, const char *name, cmdop__param_in in);

#endif /* CMDOP__VALIDATE_H */
