/*
 * validate.c — client-side argument rules from the IDL. Every message has
 * the shape "<field>: <rule> (got <value>)" and the error's field is set, so
 * a caller (or a test) sees exactly which rule of which param failed.
 */
#include <stdint.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "port.h"
#include "validate.h"

#define VFAIL(p, ...) cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, (p)->name, __VA_ARGS__)

const cmdop__param_desc *cmdop__op_param(const cmdop__op_desc *op, const char *name)
{
    for (size_t i = 0; i < op->n_params; i++)
        if (strcmp(op->params[i].name, name) == 0)
            return &op->params[i];
    return NULL;
}

bool cmdop__op_param_in(const cmdop__op_desc *op, const char *name, cmdop__param_in in)
{
    for (size_t i = 0; i < op->n_params; i++)
        if (strcmp(op->params[i].name, name) == 0)
            return op->params[i].in == in;
    return false;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE: case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

static int check_type(const cmdop__param_desc *p, const json_t *v)
{
    const char *want = NULL;
    switch (p->type) {
    case CMDOP__T_STRING:
    case CMDOP__T_ENUM:
        if (!json_is_string(v)) want = "a string";
        break;
    case CMDOP__T_INT32:
        if (!json_is_integer(v)) want = "an integer";
        else if (json_integer_value(v) < INT32_MIN || json_integer_value(v) > INT32_MAX)
            return VFAIL(p, "%s: must be a 32-bit integer (got %" JSON_INTEGER_FORMAT ")",
                         p->name, json_integer_value(v));
        break;
    case CMDOP__T_INT64:
        if (!json_is_integer(v)) want = "an integer";
        break;
    case CMDOP__T_DOUBLE:
        if (!json_is_number(v)) want = "a number";
        break;
    case CMDOP__T_BOOL:
        if (!json_is_boolean(v)) want = "a boolean";
        break;
    case CMDOP__T_STRING_LIST: {
        if (!json_is_array(v)) { want = "a list of strings"; break; }
        size_t i;
        const json_t *el;
        json_array_foreach(v, i, el)
            if (!json_is_string(el))
                return VFAIL(p, "%s: must be a list of strings (item %zu is %s)",
                             p->name, i, type_name(el));
        break;
    }
    case CMDOP__T_STRING_MAP: {
        if (!json_is_object(v)) { want = "a map of strings"; break; }
        const char *k;
        const json_t *el;
        json_object_foreach((json_t *)v, k, el)
            if (!json_is_string(el))
                return VFAIL(p, "%s: must be a map of strings (\"%s\" is %s)",
                             p->name, k, type_name(el));
        break;
    }
    default:
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, p->name,
                                "%s: unknown param type %d", p->name, (int)p->type);
    }
    if (want)
        return VFAIL(p, "%s: must be %s (got %s)", p->name, want, type_name(v));
    return 0;
}

static int check_range(const cmdop__param_desc *p, const json_t *v)
{
    if (!json_is_number(v) || (!p->has_min && !p->has_max))
        return 0;
    double x = json_number_value(v);
    char got[64];
    if (json_is_integer(v))
        snprintf(got, sizeof got, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        snprintf(got, sizeof got, "%.15g", x);
    if ((p->has_min && x < p->min) || (p->has_max && x > p->max)) {
        if (p->has_min && p->has_max)
            return VFAIL(p, "%s: must be between %.15g and %.15g (got %s)",
                         p->name, p->min, p->max, got);
        if (p->has_min)
            return VFAIL(p, "%s: must be >= %.15g (got %s)", p->name, p->min, got);
        return VFAIL(p, "%s: must be <= %.15g (got %s)", p->name, p->max, got);
    }
    return 0;
}

static int check_length(const cmdop__param_desc *p, const char *s)
{
    long n = (long)strlen(s);
    bool lo = p->min_len > 0, hi = p->max_len >= 0;
    if ((lo && n < p->min_len) || (hi && n > p->max_len)) {
        if (lo && hi)
            return VFAIL(p, "%s: length must be between %d and %d bytes (got %ld)",
                         p->name, (int)p->min_len, (int)p->max_len, n);
        if (lo)
            return VFAIL(p, "%s: length must be at least %d bytes (got %ld)",
                         p->name, (int)p->min_len, n);
        return VFAIL(p, "%s: length must be at most %d bytes (got %ld)",
                     p->name, (int)p->max_len, n);
    }
    return 0;
}

static int check_enum(const cmdop__param_desc *p, const char *s)
{
    if (!p->enum_values)
        return 0;
    char list[512] = "";
    for (const char *const *e = p->enum_values; *e; e++) {
        if (strcmp(*e, s) == 0)
            return 0;
        if (strlen(list) + strlen(*e) + 3 < sizeof list) {
            if (e != p->enum_values)
                strcat(list, ", ");
            strcat(list, *e);
        }
    }
    return VFAIL(p, "%s: must be one of %s (got \"%s\")", p->name, list, s);
}

static int check_pattern(const cmdop__param_desc *p, const char *s)
{
    if (!p->pattern)
        return 0;
    /* Whole-value match, whether or not the pattern is anchored. */
    int ok = cmdop__port_full_match(p->pattern, s);
    if (ok < 0)
        return cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, p->name,
                                "%s: invalid pattern %s in the op table", p->name, p->pattern);
    if (!ok)
        return VFAIL(p, "%s: must match %s (got \"%s\")", p->name, p->pattern, s);
    return 0;
}

int cmdop__validate_value(const cmdop__param_desc *p, const json_t *v)
{
    int rc = check_type(p, v);
    if (rc)
        return rc;
    if ((rc = check_range(p, v)) != 0)
        return rc;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if ((rc = check_length(p, s)) || (rc = check_enum(p, s)) || (rc = check_pattern(p, s)))
            return rc;
    }
    return 0;
}

/* Value for an absent param: its default, or its context fallback. NEW ref
 * or NULL (stays absent); *rc set on a descriptor error. */
static json_t *fill_absent(const cmdop__param_desc *p, const char *default_fleet_id, int *rc)
{
    *rc = 0;
    if (p->in == CMDOP__IN_CONTEXT && p->context_env) {
        if (strcmp(p->context_env, "fleet_id") != 0) {
            *rc = cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, p->name,
                                   "%s: unknown context \"%s\"", p->name, p->context_env);
            return NULL;
        }
        if (default_fleet_id && *default_fleet_id)
            return json_string(default_fleet_id);
    }
    if (p->default_json) {
        json_t *d = json_loads(p->default_json, JSON_DECODE_ANY, NULL);
        if (!d)
            *rc = cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, p->name,
                                   "%s: bad default %s in the op table", p->name, p->default_json);
        return d;
    }
    return NULL;
}

/* The env var of the client option a context param falls back to ("fleet_id"
 * -> its first variable in cmdop__options), or the option name if none. */
static const char *context_env_var(const char *option)
{
    for (const cmdop__option_desc *o = cmdop__options; o->name; o++)
        if (strcmp(o->name, option) == 0)
            return o->env[0];
    return option;
}

static int missing(const cmdop__param_desc *p)
{
    if (p->in == CMDOP__IN_CONTEXT && p->context_env)
        return VFAIL(p, "%s: required (pass %s, or set the client's default: "
                        "option %s or %s)", p->name, p->name, p->context_env,
                     context_env_var(p->context_env));
    return VFAIL(p, "%s: required", p->name);
}

int cmdop__validate_args(const cmdop__op_desc *op, const json_t *args,
                         const char *default_fleet_id, json_t **out)
{
    *out = NULL;
    if (args && !json_is_object(args))
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                "%s: arguments must be a JSON object", op->name);
    json_t *a = json_object();
    if (!a)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)args, k, v) {
        if (json_is_null(v))
            continue;
        if (!cmdop__op_param(op, k)) {
            json_decref(a);
            return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, k,
                                    "%s: unknown parameter of %s", k, op->name);
        }
        json_object_set(a, k, v);
    }
    for (size_t i = 0; i < op->n_params; i++) {
        const cmdop__param_desc *p = &op->params[i];
        json_t *val = json_object_get(a, p->name);
        int rc = 0;
        if (!val) {
            json_t *filled = fill_absent(p, default_fleet_id, &rc);
            if (filled)
                json_object_set_new(a, p->name, filled);
            val = filled;
        }
        if (!rc && !val && p->required)
            rc = missing(p);
        if (!rc && val)
            rc = cmdop__validate_value(p, val);
        if (rc) {
            json_decref(a);
            return rc;
        }
    }
    *out = a;
    return 0;
}
