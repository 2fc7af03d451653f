/*
 * fuzz_stdio.c — libFuzzer harness for the stdio protocol's reader: the
 * frame reader (runtime/src/stdio_frame.c) over a file descriptor, the
 * Envelope decode (protobuf-c, gen/c/cmdop/core/v1/envelope.pb-c.c) and
 * the reflection mapping every decoded arm goes through
 * (runtime/src/stdio_map.c), as the stdio server's reader does
 * (runtime/src/stdio_server.c handle_frame / handle_request).
 *
 * Input: the bytes a client writes to the core's stdin (varint length +
 * Envelope, repeated), read back from a memfd. Checked, beyond the
 * sanitizers (leaks included):
 *   - read_frame: a frame of len bytes comes with a buffer iff len > 0,
 *     nothing is handed out on any other outcome, at most 64 MiB;
 *   - every payload arm of a decoded Envelope has a descriptor
 *     (cmdop__stdio_arm) and maps to JSON in both presence readings (or
 *     fails with a message); a failure hands out nothing;
 *   - what msg_to_json gives maps back to a message of the same type
 *     (json_to_msg, the direction of responses and stream frames), that
 *     message packs and unpacks, and maps to the same JSON again;
 *   - an `envelope_page` op's OffsetPage unfolds without error;
 *   - varints: decode(encode(v)) == v for the input's leading varint.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "cmdop/core/v1/envelope.pb-c.h"
#include "cmdop/error.h"
#include "fuzz_util.h"
#include "op_table.h"
#include "stdio_frame.h"
#include "stdio_map.h"
#include "stdio_server.h"
#include "stdio_writer.h"

static int g_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    json_object_seed(1);
    g_fd = memfd_create("fuzz_stdio", 0);
    FUZZ_CHECK(g_fd >= 0, "memfd_create");
    return 0;
}

static void check_varint(const uint8_t *data, size_t size)
{
    uint64_t v = 0;
    int used = cmdop__varint_decode(data, size, &v);
    FUZZ_CHECK(used >= -1 && used <= CMDOP__VARINT_MAX, "varint used %d", used);
    if (used <= 0)
        return;
    uint8_t enc[CMDOP__VARINT_MAX];
    size_t n = cmdop__varint_encode(v, enc);
    uint64_t back = 0;
    FUZZ_CHECK(n >= 1 && n <= (size_t)used && cmdop__varint_decode(enc, n, &back) == (int)n &&
                   back == v,
               "varint %llu does not round-trip", (unsigned long long)v);
}

/* JSON of the arm's message -> message -> wire -> message -> JSON. */
static void check_back(const ProtobufCMessageDescriptor *d, const json_t *j)
{
    char err[256];
    ProtobufCMessage *m = NULL;
    int rc = cmdop__stdio_json_to_msg(d, j, &m, err, sizeof err);
    if (rc) {
        char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        FUZZ_CHECK(0, "%s: own JSON does not map back (%d: %s): %s", d->short_name, rc, err,
                   t ? t : "?");
    }
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *wire = malloc(n ? n : 1);
    FUZZ_CHECK(wire != NULL, "out of memory");
    FUZZ_CHECK(protobuf_c_message_pack(m, wire) == n, "%s: pack size", d->short_name);
    protobuf_c_message_free_unpacked(m, NULL);
    ProtobufCMessage *m2 = protobuf_c_message_unpack(d, NULL, n, wire);
    FUZZ_CHECK(m2 != NULL, "%s: own bytes do not unpack", d->short_name);
    free(wire);
    json_t *j2 = NULL;
    rc = cmdop__stdio_msg_to_json(m2, &j2, err, sizeof err);
    FUZZ_CHECK(rc == 0, "%s: second msg_to_json failed: %s", d->short_name, err);
    if (!json_equal(j, j2)) {
        char *a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        char *b = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
        FUZZ_CHECK(0, "%s: JSON changed on a round trip:\n  %s\n  %s", d->short_name,
                   a ? a : "?", b ? b : "?");
    }
    json_decref(j2);
    protobuf_c_message_free_unpacked(m2, NULL);
}

static void handle_frame(const uint8_t *buf, size_t len)
{
    Cmdop__Core__V1__Envelope *env = cmdop__core__v1__envelope__unpack(NULL, len, buf);
    if (!env)
        return;
    int arm = (int)env->payload_case;
    if (arm != CMDOP__CORE__V1__ENVELOPE__PAYLOAD__NOT_SET) {
        const ProtobufCFieldDescriptor *f = cmdop__stdio_arm(arm);
        FUZZ_CHECK(f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE, "no descriptor for arm %d",
                   arm);
        const ProtobufCMessage *msg = *(ProtobufCMessage *const *)((const char *)env + f->offset);
        FUZZ_CHECK(msg != NULL, "arm %d set without a message", arm);
        const cmdop__op_desc *op = cmdop__stdio_op_by_req_arm((uint32_t)arm);
        for (unsigned flags = 0; flags <= CMDOP__STDIO_IMPLICIT; flags++) {
            char err[256] = "x";
            json_t *j = (json_t *)(uintptr_t)1;
            int rc = cmdop__stdio_msg_to_json_ex(msg, flags, &j, err, sizeof err);
            if (rc) {
                FUZZ_CHECK(j == NULL && err[0] != '\0' && memchr(err, '\0', sizeof err),
                           "arm %d: failure %d without message or with output", arm, rc);
                continue;
            }
            FUZZ_CHECK(json_is_object(j), "arm %d: not an object", arm);
            if (flags == 0)
                check_back(f->descriptor, j);
            if (op && op->page && op->page->style == CMDOP__PAGE_OFFSET && op->page->req_page &&
                op->page->req_size && op->page->req_offset) {
                rc = cmdop__stdio_unfold_offset_page(j, op->page->req_page, op->page->req_size,
                                                     op->page->req_offset, flags);
                FUZZ_CHECK(rc == 0, "%s: unfold failed %d", op->name, rc);
                json_t *pg = json_object_get(j, op->page->req_page);
                FUZZ_CHECK(!pg || json_is_integer(pg), "%s: page not an integer", op->name);
            }
            json_decref(j);
        }
    }
    cmdop__core__v1__envelope__free_unpacked(env, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_varint(data, size);
    FUZZ_CHECK(ftruncate(g_fd, 0) == 0 && lseek(g_fd, 0, SEEK_SET) == 0, "memfd reset");
    for (size_t off = 0; off < size;) {
        ssize_t n = write(g_fd, data + off, size - off);
        FUZZ_CHECK(n > 0, "memfd write");
        off += (size_t)n;
    }
    FUZZ_CHECK(lseek(g_fd, 0, SEEK_SET) == 0, "memfd rewind");
    for (int frames = 0; frames < 256; frames++) {
        uint8_t *buf = (uint8_t *)(uintptr_t)1;
        size_t len = 12345;
        cmdop__frame_rc rc = cmdop__stdio_read_frame(g_fd, &buf, &len);
        if (rc != CMDOP__FRAME_OK) {
            FUZZ_CHECK(buf == NULL && len == 0, "rc %d with a buffer", (int)rc);
            FUZZ_CHECK(rc == CMDOP__FRAME_EOF || rc == CMDOP__FRAME_TRUNCATED ||
                           rc == CMDOP__FRAME_BAD,
                       "rc %d", (int)rc);
            break;
        }
        FUZZ_CHECK((len == 0) == (buf == NULL), "len %zu with buffer %p", len, (void *)buf);
        FUZZ_CHECK(len <= CMDOP__STDIO_MAX_FRAME && len <= size, "frame of %zu bytes", len);
        handle_frame(buf, len);
        free(buf);
    }
    return 0;
}
