/*
 * test_stdio_frame.c — the stdio framing: varint prefix edge cases (1 and
 * 10 bytes, 127/128 boundaries, overflow, truncation) and whole frames over
 * a pipe (empty, 256 KB, several back to back, truncated, over the cap).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipe_feeder.h"
#include "stdio_frame.h"

typedef struct vcase {
    uint64_t v;
    size_t len;
    uint8_t bytes[10];
} vcase;

static const vcase k_varints[] = {
    {0, 1, {0x00}},
    {1, 1, {0x01}},
    {127, 1, {0x7f}},
    {128, 2, {0x80, 0x01}},
    {300, 2, {0xac, 0x02}},
    {16383, 2, {0xff, 0x7f}},
    {16384, 3, {0x80, 0x80, 0x01}},
    {262144, 3, {0x80, 0x80, 0x10}},
    {0xffffffffu, 5, {0xff, 0xff, 0xff, 0xff, 0x0f}},
    {UINT64_MAX, 10, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
};

START_TEST(varint_round_trips_known_encodings)
{
    const vcase *c = &k_varints[_i];
    uint8_t buf[CMDOP__VARINT_MAX];
    ck_assert_uint_eq(cmdop__varint_encode(c->v, buf), c->len);
    ck_assert_int_eq(memcmp(buf, c->bytes, c->len), 0);
    uint64_t v = 12345;
    ck_assert_int_eq(cmdop__varint_decode(c->bytes, c->len, &v), (int)c->len);
    ck_assert(v == c->v);
    /* every strict prefix asks for more bytes */
    for (size_t n = 0; n < c->len; n++)
        ck_assert_int_eq(cmdop__varint_decode(c->bytes, n, &v), 0);
}
END_TEST

START_TEST(varint_rejects_overflow)
{
    uint64_t v;
    /* 10th byte above 1 overflows 64 bits */
    const uint8_t over[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    ck_assert_int_eq(cmdop__varint_decode(over, sizeof over, &v), -1);
    /* 11 bytes: the 10th still has its continuation bit */
    const uint8_t eleven[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00};
    ck_assert_int_eq(cmdop__varint_decode(eleven, sizeof eleven, &v), -1);
    /* a non-minimal encoding is still a valid varint (protobuf accepts it) */
    const uint8_t padded[3] = {0x81, 0x80, 0x00};
    ck_assert_int_eq(cmdop__varint_decode(padded, sizeof padded, &v), 3);
    ck_assert(v == 1);
}
END_TEST

/* Frames written with cmdop__stdio_write_frame by a thread into a pipe and
 * read back here as one byte stream (NEW buffer of *total bytes). */
typedef struct writer_job {
    int fd;
    const size_t *sizes;
    size_t n;
    int rc;
} writer_job;

static void *write_frames(void *arg)
{
    writer_job *j = arg;
    j->rc = 0;
    for (size_t i = 0; i < j->n && j->rc == 0; i++) {
        uint8_t *body = malloc(j->sizes[i] ? j->sizes[i] : 1);
        for (size_t k = 0; k < j->sizes[i]; k++)
            body[k] = (uint8_t)(k * 7 + i);
        j->rc = cmdop__stdio_write_frame(j->fd, body, j->sizes[i]);
        free(body);
    }
    close(j->fd);
    return NULL;
}

static uint8_t *frames_of(const size_t *sizes, size_t n, size_t *total)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    writer_job j = {p[1], sizes, n, -1};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, write_frames, &j), 0);
    size_t cap = 1024, got = 0;
    uint8_t *out = malloc(cap);
    for (;;) {
        if (got == cap)
            out = realloc(out, cap *= 2);
        ssize_t r = read(p[0], out + got, cap - got);
        ck_assert_int_ge(r, 0);
        if (r == 0)
            break;
        got += (size_t)r;
    }
    pthread_join(t, NULL);
    close(p[0]);
    ck_assert_int_eq(j.rc, 0);
    *total = got;
    return out;
}

START_TEST(frames_read_back_exactly)
{
    const size_t sizes[] = {0, 1, 127, 128, 4096, 4097, 256 * 1024, 3};
    const size_t n = sizeof sizes / sizeof sizes[0];
    size_t total;
    uint8_t *stream = frames_of(sizes, n, &total);
    pthread_t t;
    feeder f;
    int fd = feed_pipe(stream, total, 0, &t, &f);
    for (size_t i = 0; i < n; i++) {
        uint8_t *buf = NULL;
        size_t len = 99;
        ck_assert_int_eq(cmdop__stdio_read_frame(fd, &buf, &len), CMDOP__FRAME_OK);
        ck_assert_uint_eq(len, sizes[i]);
        for (size_t k = 0; k < len; k++)
            if (buf[k] != (uint8_t)(k * 7 + i))
                ck_abort_msg("frame %zu byte %zu differs", i, k);
        if (sizes[i] == 0)
            ck_assert_ptr_null(buf);
        free(buf);
    }
    uint8_t *buf;
    size_t len;
    ck_assert_int_eq(cmdop__stdio_read_frame(fd, &buf, &len), CMDOP__FRAME_EOF);
    ck_assert_ptr_null(buf);
    pthread_join(t, NULL);
    close(fd);
    free(stream);
}
END_TEST

static cmdop__frame_rc read_one(const uint8_t *data, size_t len)
{
    pthread_t t;
    feeder f;
    int fd = feed_pipe(data, len, 0, &t, &f);
    uint8_t *buf = (uint8_t *)1;
    size_t n;
    cmdop__frame_rc rc = cmdop__stdio_read_frame(fd, &buf, &n);
    if (rc != CMDOP__FRAME_OK)
        ck_assert_ptr_null(buf);
    free(buf);
    pthread_join(t, NULL);
    close(fd);
    return rc;
}

START_TEST(broken_input_is_reported)
{
    /* nothing at all: a clean EOF */
    ck_assert_int_eq(read_one(NULL, 0), CMDOP__FRAME_EOF);
    /* EOF inside the prefix */
    const uint8_t half_prefix[] = {0x80};
    ck_assert_int_eq(read_one(half_prefix, sizeof half_prefix), CMDOP__FRAME_TRUNCATED);
    /* EOF inside the body */
    const uint8_t short_body[] = {0x05, 'a', 'b'};
    ck_assert_int_eq(read_one(short_body, sizeof short_body), CMDOP__FRAME_TRUNCATED);
    /* a prefix that never ends */
    uint8_t endless[12];
    memset(endless, 0xff, sizeof endless);
    ck_assert_int_eq(read_one(endless, sizeof endless), CMDOP__FRAME_BAD);
    /* a length over the cap is refused before any allocation */
    uint8_t big[CMDOP__VARINT_MAX];
    size_t n = cmdop__varint_encode((uint64_t)CMDOP__STDIO_MAX_FRAME + 1, big);
    ck_assert_int_eq(read_one(big, n), CMDOP__FRAME_BAD);
    n = cmdop__varint_encode(UINT64_MAX, big);
    ck_assert_int_eq(read_one(big, n), CMDOP__FRAME_BAD);
}
END_TEST

START_TEST(write_to_a_closed_reader_fails_with_epipe)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    const uint8_t body[3] = {1, 2, 3};
    errno = 0;
    ck_assert_int_eq(cmdop__stdio_write_frame(p[1], body, sizeof body), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(p[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_frame");
    TCase *tc = tcase_create("frame");
    tcase_add_loop_test(tc, varint_round_trips_known_encodings, 0,
                        (int)(sizeof k_varints / sizeof k_varints[0]));
    tcase_add_test(tc, varint_rejects_overflow);
    tcase_add_test(tc, frames_read_back_exactly);
    tcase_add_test(tc, broken_input_is_reported);
    tcase_add_test(tc, write_to_a_closed_reader_fails_with_epipe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
