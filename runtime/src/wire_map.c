/*
 * wire_map.c — see wire_map.h. Walks the generated tables.
 */
#include <string.h>

#include "wire_map.h"

const cmdop__wire_record *cmdop__wire_find(const char *name)
{
    for (size_t i = 0; name && cmdop__wire_records[i]; i++)
        if (strcmp(cmdop__wire_records[i]->name, name) == 0)
            return cmdop__wire_records[i];
    return NULL;
}

static int map_object(const cmdop__wire_record *r, json_t *obj);

static int map_enum(const cmdop__wire_alias *a, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return 0;
    for (; a->wire; a++)
        if (strcmp(json_string_value(v), a->wire) == 0)
            return json_object_set_new(obj, key, json_string(a->model));
    return 0;
}

/* The flat keys of the parent, copied into a new object under f->key
 * (unless the answer already nests it, as an older relay did). */
static int map_flatten(const cmdop__wire_field *f, json_t *obj)
{
    if (json_is_object(json_object_get(obj, f->key)))
        return f->record ? map_object(f->record, json_object_get(obj, f->key)) : 0;
    json_t *sub = json_object();
    if (!sub)
        return -1;
    for (const char *const *k = f->flat_keys; *k; k++) {
        json_t *v = json_object_get(obj, *k);
        if (v && json_object_set(sub, *k, v) != 0) {
            json_decref(sub);
            return -1;
        }
    }
    if (f->record && map_object(f->record, sub) != 0) {
        json_decref(sub);
        return -1;
    }
    return json_object_set_new(obj, f->key, sub);
}

static int map_object(const cmdop__wire_record *r, json_t *obj)
{
    if (!json_is_object(obj))
        return 0;
    for (size_t i = 0; i < r->n_fields; i++) {
        const cmdop__wire_field *f = &r->fields[i];
        json_t *v = json_object_get(obj, f->key);
        int rc = 0;
        switch (f->kind) {
        case CMDOP__WF_ENUM:
            rc = map_enum(f->aliases, obj, f->key);
            break;
        case CMDOP__WF_RECORD:
            rc = map_object(f->record, v);
            break;
        case CMDOP__WF_LIST:
            for (size_t j = 0; !rc && json_is_array(v) && j < json_array_size(v); j++)
                rc = map_object(f->record, json_array_get(v, j));
            break;
        case CMDOP__WF_FLATTEN:
            rc = map_flatten(f, obj);
            break;
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

int cmdop__wire_to_model(const char *type, json_t **doc)
{
    const cmdop__wire_record *r = cmdop__wire_find(type);
    if (!r)
        return 0;
    if (r->array_key && json_is_array(*doc)) {
        json_t *wrap = json_object();
        if (!wrap || json_object_set(wrap, r->array_key, *doc) != 0) {
            json_decref(wrap);
            return -1;
        }
        json_decref(*doc);
        *doc = wrap;
    }
    return map_object(r, *doc);
}
