/*
 * wire_map.h — INTERNAL: the hosted wire -> the model JSON.
 *
 * Every reader of an op's answer (the generated C mapping in types_json.c,
 * the stdio envelope in stdio_map.c) reads the model: the IDL's records with
 * their field names, enum surface strings ("required", "success") and nested
 * records. Where the hosted wire differs, the IDL says so and the generator
 * emits a table here (gen/c/src/wire_map.c); cmdop__wire_to_model applies it
 * to each answer once, in the op driver (call.c), before anyone reads it:
 *   - `record X wire array items`: a bare JSON array -> {"items": [...]};
 *   - a `flatten` field: its record's keys sit at the parent's level on the
 *     wire -> they are copied into a nested object under the field's key;
 *   - an enum field whose values have `wire`/`accepts` strings: a wire
 *     string -> its value's surface string ("any" -> "required");
 *   - and the same inside nested records and lists of records.
 * JSON null stays null (every reader takes null as absent), so a field that
 * the wire always carries, nullable (`disabled_at`), needs no entry.
 */
#ifndef CMDOP__WIRE_MAP_H
#define CMDOP__WIRE_MAP_H

#include <stddef.h>
#include <jansson.h>

typedef struct cmdop__wire_alias {
    const char *wire;     /* the string on the wire ("any") */
    const char *model;    /* the value's surface string ("required") */
} cmdop__wire_alias;

typedef enum cmdop__wire_field_kind {
    CMDOP__WF_ENUM = 0,    /* a string: replace by aliases[] */
    CMDOP__WF_RECORD = 1,  /* an object: recurse into record */
    CMDOP__WF_LIST = 2,    /* an array of objects: recurse into each */
    CMDOP__WF_FLATTEN = 3  /* flat_keys of the parent -> a nested object */
} cmdop__wire_field_kind;

typedef struct cmdop__wire_record cmdop__wire_record;

typedef struct cmdop__wire_field {
    const char *key;                     /* the field's key in the model */
    cmdop__wire_field_kind kind;
    const cmdop__wire_alias *aliases;    /* ENUM: {NULL, NULL}-terminated */
    const cmdop__wire_record *record;    /* RECORD, LIST, FLATTEN: the nested
                                            record's own table, or NULL */
    const char *const *flat_keys;        /* FLATTEN: NULL-terminated */
} cmdop__wire_field;

struct cmdop__wire_record {
    const char *name;                    /* IDL record name */
    const char *array_key;               /* wire is a bare array of this field */
    const cmdop__wire_field *fields;
    size_t n_fields;
};

/* Generated: every record that differs on the wire, NULL-terminated. */
extern const cmdop__wire_record *const cmdop__wire_records[];

/* The table of IDL record `name`, or NULL when its wire form is the model. */
const cmdop__wire_record *cmdop__wire_find(const char *name);

/*
 * Turn *doc (an owned reference: the parsed answer of an op whose result is
 * record `type`) into the model, in place or by replacing *doc (the old
 * reference is then released). Never fails except out of memory (-1); values
 * of an unexpected JSON type are left as they are for the typed reader to
 * reject. type NULL or a record without a table: nothing to do, returns 0.
 */
int cmdop__wire_to_model(const char *type, json_t **doc);

#endif /* CMDOP__WIRE_MAP_H */
