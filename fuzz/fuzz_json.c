/*
 * fuzz_json.c — libFuzzer harness for the generated JSON decoders
 * (gen/c/src/types_json.c): every IDL record and union, through the public
 * cmdop_<type>_from_json / _to_json pair (gen/c/src/types_samples.c keeps a
 * round trip per type in cmdop__record_samples[]).
 *
 * Input: byte 0 picks the type (modulo the number of types), the rest is
 * the JSON text (a NUL ends it, as for any C string). Checked, beyond the
 * sanitizers (leaks included):
 *   - a decode either succeeds with a document or fails with a code and
 *     the thread's last error set (code and message);
 *   - what to_json gives back decodes again, to the same text (a fixed
 *     point: nothing a decode accepts is lost or changed by a second trip);
 *   - the same document as the stdio server maps a response (or a stream
 *     frame) into the Envelope arm of that type (runtime/src/stdio_map.c
 *     cmdop__stdio_response_to_msg): it maps or fails with a message, and the
 *     message it gives packs to bytes that unpack again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "cmdop/error.h"
#include "fuzz_util.h"
#include "stdio_map.h"
#include "types_json.h"

/* The Envelope arm whose message type is named `name`, or NULL. */
static const ProtobufCMessageDescriptor *arm_of(const char *name)
{
    const ProtobufCMessageDescriptor *env = &cmdop__core__v1__envelope__descriptor;
    for (unsigned i = 0; i < env->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &env->fields[i];
        if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
            strcmp(((const ProtobufCMessageDescriptor *)f->descriptor)->short_name, name) == 0)
            return f->descriptor;
    }
    return NULL;
}

static void check_stdio_map(const char *name, const char *text)
{
    const ProtobufCMessageDescriptor *d = arm_of(name);
    json_t *j = d ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (!j)
        return;
    char err[256] = "";
    ProtobufCMessage *m = (ProtobufCMessage *)(uintptr_t)1;
    int rc = cmdop__stdio_response_to_msg(d, j, &m, err, sizeof err);
    json_decref(j);
    if (rc) {
        FUZZ_CHECK(m == NULL && err[0], "%s: stdio failure %d without message", name, rc);
        return;
    }
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *wire = malloc(n ? n : 1);
    FUZZ_CHECK(wire && protobuf_c_message_pack(m, wire) == n, "%s: pack", name);
    protobuf_c_message_free_unpacked(m, NULL);
    ProtobufCMessage *m2 = protobuf_c_message_unpack(d, NULL, n, wire);
    FUZZ_CHECK(m2 != NULL, "%s: packed bytes do not unpack", name);
    protobuf_c_message_free_unpacked(m2, NULL);
    free(wire);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    json_object_seed(1); /* the same hash order in every run */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || cmdop__record_samples_count == 0)
        return 0;
    const cmdop__record_sample *s = &cmdop__record_samples[data[0] % cmdop__record_samples_count];
    char *text = malloc(size);
    FUZZ_CHECK(text != NULL, "out of memory");
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    char *out = NULL;
    int rc = s->roundtrip(text, &out);
    if (rc != 0) {
        FUZZ_CHECK(out == NULL, "%s: output on failure %d", s->name, rc);
        FUZZ_CHECK(rc < 0, "%s: positive code %d", s->name, rc);
        const cmdop_error *e = cmdop_error_last();
        FUZZ_CHECK(e != NULL && e->code == rc && e->message != NULL,
                   "%s: rc %d without a matching last error", s->name, rc);
    } else {
        FUZZ_CHECK(out != NULL, "%s: no output", s->name);
        char *again = NULL;
        int rc2 = s->roundtrip(out, &again);
        FUZZ_CHECK(rc2 == 0, "%s: own output does not decode (%d): %s", s->name, rc2, out);
        FUZZ_CHECK(strcmp(out, again) == 0, "%s: not a fixed point:\n  %s\n  %s", s->name, out,
                   again);
        free(again);
    }
    free(out);
    check_stdio_map(s->name, text);
    free(text);
    return 0;
}
