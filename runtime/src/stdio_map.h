/*
 * stdio_map.h — INTERNAL: generic JSON <-> protobuf mapping for the stdio
 * server, driven only by protobuf-c reflection (ProtobufCMessageDescriptor),
 * so no op needs hand-written code.
 *
 * Names: a proto field maps to the JSON key of the same name (the generator
 * names request fields after the op's surface params and record fields after
 * their JSON keys). One exception mirrors the IDL's `json` type: a string
 * field `<x>_json` that has no `<x>_json` key takes the JSON text of key
 * `<x>` (StreamEvent.payload_json <- "payload").
 * Enums: the proto value PREFIX_SUFFIX (PREFIX = the enum's name in upper
 * snake case, as the generator spells it) is the JSON string "suffix" in
 * lower case; the zero value has no string (absent). Maps (map<string,
 * string>) are JSON objects.
 * Presence: proto2 optional fields without has_/pointer, and repeated fields
 * with no element, are absent (not passed); JSON null is absent too.
 * Repeated and map fields have no presence in proto2, so a request message
 * may give one a companion `optional bool <name>_present = <number> +
 * CMDOP__STDIO_PRESENT_OFFSET` (the generator does for every optional list
 * or map param): the field is passed when it has an element OR its companion
 * is true, so an empty list set by the client is passed as [] / {}. A client
 * that never sets companions (1.1.0) keeps the old meaning. A companion is
 * never a JSON key of its own.
 */
#ifndef CMDOP__STDIO_MAP_H
#define CMDOP__STDIO_MAP_H

#include <stddef.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Field number offset of a presence companion (generator/model.py
 * PRESENT_OFFSET; request params are numbered below it). */
#define CMDOP__STDIO_PRESENT_OFFSET 1000

/*
 * A message -> JSON object keyed by field name. Returns 0 and *out (NEW
 * reference), or CMDOP_EVALIDATION when a string is not valid UTF-8 or a
 * field has a type JSON cannot carry (bytes); `err` (may be NULL) then
 * receives a message naming the field.
 */
int cmdop__stdio_msg_to_json(const ProtobufCMessage *msg, json_t **out,
                             char *err, size_t err_size);

/*
 * Presence readings of a client -> core message (docs/stdio.md "Presence").
 * 0: absent = not passed (a client that said hello). CMDOP__STDIO_IMPLICIT:
 * the 1.1 schema's proto3 reading (a client without hello): an absent
 * scalar field that declares a default (the generator declares `[default =
 * <zero>]` on every field the 1.1 schema has without proto3 `optional`) is
 * passed as that default, so `accept` absent is `false`. Fields without a
 * declared default (1.1's proto3 `optional`s, lists, maps, enums, messages)
 * keep "absent = not passed" either way.
 */
#define CMDOP__STDIO_IMPLICIT 1u
int cmdop__stdio_msg_to_json_ex(const ProtobufCMessage *msg, unsigned flags, json_t **out,
                                char *err, size_t err_size);

/*
 * An `envelope_page` op's args (docs/stdio.md "Offset pages"): args[page] is
 * the object {offset, per_page} of the 1.1 schema's OffsetPage (the output of
 * cmdop__stdio_msg_to_json_ex with the same flags). It becomes args[page] =
 * floor(offset / per_page) + 1 (when per_page > 0) and args[per_page] =
 * per_page. A per_page that is not given passes neither, so the op's defaults
 * apply: with CMDOP__STDIO_IMPLICIT (the 1.1 reading) per_page 0 is "not
 * given", as the 1.1 client sends it; without (hello), only an absent
 * per_page is, and a per_page 0 is passed for its range check to name; an
 * absent offset then passes per_page alone (no page). Keys
 * are the op's surface names (op->page->req_page / req_size / req_offset). A
 * non-object args[page] is left alone. Returns 0 or CMDOP_ENOMEM.
 */
int cmdop__stdio_unfold_offset_page(json_t *args, const char *page, const char *per_page,
                                    const char *offset, unsigned flags);

/*
 * A JSON object -> a NEW message of type `desc`, every part malloc'd so the
 * caller frees it with protobuf_c_message_free_unpacked(msg, NULL). Keys
 * without a field are ignored. Returns 0, or CMDOP_EDECODE when a value
 * has the wrong JSON type or is out of range (`err` names the field path,
 * e.g. "items[2].specs.cpu_count"; the thread's last error is set too, its
 * field that path), or CMDOP_ENOMEM.
 */
int cmdop__stdio_json_to_msg(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                             ProtobufCMessage **out, char *err, size_t err_size);
/* The same for a server's answer: also CMDOP_EDECODE when a field the IDL
 * requires (types_json.h cmdop__record_required_fields) is absent or null,
 * at any depth (docs/reliability.md "Responses: strict decoding"). */
int cmdop__stdio_response_to_msg(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                                 ProtobufCMessage **out, char *err, size_t err_size);

/* The JSON string of enum value `value` ("none" for MFA_REQUIREMENT_NONE);
 * NULL for the zero value or a number the enum does not have. Writes into
 * buf (size >= 64 is plenty) and returns it. */
const char *cmdop__stdio_enum_to_str(const ProtobufCEnumDescriptor *ed, int value,
                                     char *buf, size_t size);
/* The number of the enum value for JSON string `s`; -1 when unknown. */
int cmdop__stdio_enum_from_str(const ProtobufCEnumDescriptor *ed, const char *s);

#endif /* CMDOP__STDIO_MAP_H */
