/*
 * test_stdio_rbuf.c — the stdio server's buffered input and combined
 * output: cmdop__stdio_rbuf returns the same frames as the unbuffered reader
 * whatever the pipe's chunking (many frames per read, a prefix split across
 * reads, frames larger than its buffer), and reports EOF, truncation and a
 * bad prefix; the writer keeps frames whole and each sender's frames in
 * order while many threads write at once (stdio_writer.h).
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipe_feeder.h"
#include "stdio_frame.h"
#include "stdio_writer.h"

/* frames of the given body sizes back to back; byte k of frame i is k*7+i */
static uint8_t *frames_of(const size_t *sizes, size_t n, size_t *total)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += sizes[i] + CMDOP__VARINT_MAX;
    uint8_t *out = malloc(cap ? cap : 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        at += cmdop__varint_encode(sizes[i], out + at);
        for (size_t k = 0; k < sizes[i]; k++)
            out[at + k] = (uint8_t)(k * 7 + i);
        at += sizes[i];
    }
    *total = at;
    return out;
}

static const size_t k_sizes[] = {0, 1, 127, 128, 4096, 70000, 3, 64 * 1024, 200 * 1024, 5, 0, 9};
#define N_SIZES (sizeof k_sizes / sizeof k_sizes[0])

/* chunk sizes the feeder writes in: one byte at a time (a prefix split
 * across reads), odd pieces, and all at once */
static const size_t k_chunks[] = {1, 7, 1000, 1u << 20};

START_TEST(buffered_frames_read_back_exactly)
{
    size_t chunk = k_chunks[_i];
    /* one byte at a time: only the small frames, or the test takes minutes */
    size_t n = chunk == 1 ? 5 : N_SIZES;
    size_t total;
    uint8_t *stream = frames_of(k_sizes, n, &total);
    pthread_t t;
    feeder f;
    int fd = feed_pipe(stream, total, chunk, &t, &f);
    cmdop__stdio_rbuf r;
    cmdop__stdio_rbuf_init(&r, fd);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *body = NULL;
        size_t len = 99;
        ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
        ck_assert_uint_eq(len, k_sizes[i]);
        for (size_t k = 0; k < len; k++)
            if (body[k] != (uint8_t)(k * 7 + i))
                ck_abort_msg("chunk %zu frame %zu byte %zu differs", chunk, i, k);
    }
    const uint8_t *body;
    size_t len;
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_EOF);
    ck_assert_uint_eq(cmdop__stdio_rbuf_pending(&r), 0);
    /* after the large frames the buffer is back to its usual size */
    ck_assert_uint_le(r.cap, 64 * 1024);
    cmdop__stdio_rbuf_free(&r);
    pthread_join(t, NULL);
    close(fd);
    free(stream);
}
END_TEST

START_TEST(pending_counts_frames_already_read)
{
    const size_t sizes[] = {10, 20, 30};
    size_t total;
    uint8_t *stream = frames_of(sizes, 3, &total);
    pthread_t t;
    feeder f;
    int fd = feed_pipe(stream, total, total, &t, &f);
    pthread_join(t, NULL);   /* all three are in the pipe before the first read */
    cmdop__stdio_rbuf r;
    cmdop__stdio_rbuf_init(&r, fd);
    const uint8_t *body;
    size_t len;
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
    ck_assert_uint_eq(cmdop__stdio_rbuf_pending(&r), (1 + 20) + (1 + 30));
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
    ck_assert_uint_eq(len, 30);
    ck_assert_uint_eq(cmdop__stdio_rbuf_pending(&r), 0);
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_EOF);
    cmdop__stdio_rbuf_free(&r);
    close(fd);
    free(stream);
}
END_TEST

static cmdop__frame_rc read_one(const uint8_t *data, size_t len)
{
    pthread_t t;
    feeder f;
    int fd = feed_pipe(data, len, len ? len : 1, &t, &f);
    cmdop__stdio_rbuf r;
    cmdop__stdio_rbuf_init(&r, fd);
    const uint8_t *body = (const uint8_t *)1;
    size_t n;
    cmdop__frame_rc rc = cmdop__stdio_rbuf_next(&r, &body, &n);
    if (rc != CMDOP__FRAME_OK)
        ck_assert_ptr_null(body);
    cmdop__stdio_rbuf_free(&r);
    pthread_join(t, NULL);
    close(fd);
    return rc;
}

START_TEST(buffered_broken_input_is_reported)
{
    ck_assert_int_eq(read_one(NULL, 0), CMDOP__FRAME_EOF);
    const uint8_t half_prefix[] = {0x80};
    ck_assert_int_eq(read_one(half_prefix, sizeof half_prefix), CMDOP__FRAME_TRUNCATED);
    const uint8_t short_body[] = {0x05, 'a', 'b'};
    ck_assert_int_eq(read_one(short_body, sizeof short_body), CMDOP__FRAME_TRUNCATED);
    /* a whole frame, then EOF inside the next one */
    const uint8_t then_short[] = {0x01, 'x', 0x03, 'a'};
    pthread_t t;
    feeder f;
    int fd = feed_pipe(then_short, sizeof then_short, sizeof then_short, &t, &f);
    cmdop__stdio_rbuf r;
    cmdop__stdio_rbuf_init(&r, fd);
    const uint8_t *body;
    size_t len;
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
    ck_assert_uint_eq(len, 1);
    ck_assert_int_eq(body[0], 'x');
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_TRUNCATED);
    cmdop__stdio_rbuf_free(&r);
    pthread_join(t, NULL);
    close(fd);
    uint8_t endless[12];
    memset(endless, 0xff, sizeof endless);
    ck_assert_int_eq(read_one(endless, sizeof endless), CMDOP__FRAME_BAD);
    uint8_t big[CMDOP__VARINT_MAX];
    size_t n = cmdop__varint_encode((uint64_t)CMDOP__STDIO_MAX_FRAME + 1, big);
    ck_assert_int_eq(read_one(big, n), CMDOP__FRAME_BAD);
}
END_TEST

/* ---- the writer under many senders ---- */

#define SENDERS 8
#define PER_SENDER 3000

typedef struct sender {
    cmdop__stdio_writer *w;
    uint32_t base;
} sender;

/* frame k of a sender: sizes vary so frames straddle the writes */
static void fill(char *msg, uint32_t k, uint32_t base)
{
    size_t len = (k * 37u + base) % 599u;
    memset(msg, 'a' + (int)(k % 26), len);
    msg[len] = '\0';
}

static void *send_many(void *arg)
{
    sender *s = arg;
    Cmdop__Core__V1__ErrorInfo info = CMDOP__CORE__V1__ERROR_INFO__INIT;
    char msg[600];
    info.code = "x";
    info.message = msg;
    for (uint32_t k = 0; k < PER_SENDER; k++) {
        fill(msg, k, s->base);
        if (k % 50 == 48) {
            /* a batch of two frames, as the stream dispatcher sends */
            cmdop__strbuf out = CMDOP__STRBUF_INIT;
            cmdop__stdio_pack(&out, s->base + k, CMDOP__CORE__V1__KIND__KIND_ERROR,
                              CMDOP__CORE__V1__ENVELOPE__PAYLOAD_ERROR, &info.base);
            k++;
            fill(msg, k, s->base);
            cmdop__stdio_pack(&out, s->base + k, CMDOP__CORE__V1__KIND__KIND_ERROR,
                              CMDOP__CORE__V1__ENVELOPE__PAYLOAD_ERROR, &info.base);
            ck_assert_int_eq(cmdop__stdio_send_batch(s->w, &out), 0);
            cmdop__sb_free(&out);
            continue;
        }
        ck_assert_int_eq(cmdop__stdio_send(s->w, s->base + k, CMDOP__CORE__V1__KIND__KIND_ERROR,
                                           CMDOP__CORE__V1__ENVELOPE__PAYLOAD_ERROR, &info.base),
                         0);
    }
    return NULL;
}

START_TEST(concurrent_senders_keep_frames_whole_and_in_order)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    cmdop__stdio_writer w;
    cmdop__stdio_writer_init(&w, p[1]);
    pthread_t t[SENDERS];
    sender s[SENDERS];
    for (int i = 0; i < SENDERS; i++) {
        s[i] = (sender){.w = &w, .base = (uint32_t)(i + 1) * 100000u};
        ck_assert_int_eq(pthread_create(&t[i], NULL, send_many, &s[i]), 0);
    }
    /* read while they write: the pipe fills, so the writes block and the
     * senders queue behind them */
    uint32_t next[SENDERS] = {0};
    cmdop__stdio_rbuf r;
    cmdop__stdio_rbuf_init(&r, p[0]);
    for (int got = 0; got < SENDERS * PER_SENDER; got++) {
        const uint8_t *body;
        size_t len;
        ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_OK);
        Cmdop__Core__V1__Envelope *env = cmdop__core__v1__envelope__unpack(NULL, len, body);
        ck_assert_ptr_nonnull(env);
        ck_assert_ptr_nonnull(env->error);
        uint32_t who = env->id / 100000u - 1, k = env->id % 100000u;
        ck_assert_uint_lt(who, SENDERS);
        ck_assert_uint_eq(k, next[who]);   /* each sender's frames in its order */
        size_t want = (k * 37u + s[who].base) % 599u;
        ck_assert_uint_eq(strlen(env->error->message), want);
        next[who]++;
        cmdop__core__v1__envelope__free_unpacked(env, NULL);
    }
    for (int i = 0; i < SENDERS; i++)
        pthread_join(t[i], NULL);
    close(p[1]);
    const uint8_t *body;
    size_t len;
    ck_assert_int_eq(cmdop__stdio_rbuf_next(&r, &body, &len), CMDOP__FRAME_EOF);
    cmdop__stdio_rbuf_free(&r);
    cmdop__stdio_writer_destroy(&w);
    close(p[0]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdio_rbuf");
    TCase *tc = tcase_create("rbuf");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, buffered_frames_read_back_exactly, 0,
                        (int)(sizeof k_chunks / sizeof k_chunks[0]));
    tcase_add_test(tc, pending_counts_frames_already_read);
    tcase_add_test(tc, buffered_broken_input_is_reported);
    tcase_add_test(tc, concurrent_senders_keep_frames_whole_and_in_order);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
