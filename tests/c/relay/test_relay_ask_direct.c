/*
 * test_relay_ask_direct.c — the scheduler writing paced frames itself
 * (relay_ask_sched.c "direct writes"): a suspended HTTP/1.1 reader gets its
 * new frames as a chunk written by the scheduler, with no resume, and the
 * stream a client reads is byte for byte what libmicrohttpd would have
 * sent (curl decodes the chunks; every frame, in order, with its id). An
 * HTTP/1.0 reader (no chunks) is never written to directly. A reader that
 * stops reading until the socket is full gets every byte once it reads
 * again (the rest of a write the socket did not take goes out first, then
 * the reader is resumed or written again). Without epoll (other platforms,
 * RELAY_ASK_NO_EPOLL) there are no direct writes and the same streams
 * arrive through resumes.
 */
#include "ask_sse.h"
#include "relay_ask.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define N_STREAMS 50
#define N_WORDS 8             /* "s<i>" + 7 words: 8 deltas + done */

/* Checks one finished stream: N deltas + done, ids .1 .. .N+1 of one
 * stream, and the deltas spell `want`. */
static void check_stream(as_stream *s, size_t n_deltas, const char *want)
{
    ck_assert_msg(s->done && s->result == CURLE_OK, "result %d",
                  (int)s->result);
    as_frames fs = as_parse(s);
    ck_assert_uint_eq(fs.n, n_deltas + 1);
    char sid[64], first[64] = "";
    for (size_t k = 0; k < fs.n; k++) {
        ck_assert_int_eq(as_seq(&fs.f[k], sid), (long)k + 1);
        if (k == 0)
            memcpy(first, sid, sizeof first);
        ck_assert_str_eq(sid, first);
        ck_assert_ptr_nonnull(fs.f[k].json);
    }
    ck_assert_str_eq(fs.f[fs.n - 1].event, "done");
    char *text = as_deltas(&fs);
    ck_assert_str_eq(text, want);
    free(text);
    as_frames_free(&fs);
}

/* Opens n paced streams (version: a CURL_HTTP_VERSION_*), reads them to
 * the end, checks each, and returns the counters. */
static json_t *run_paced(int n, long version)
{
    as_stream *s[N_STREAMS];
    char body[256];
    for (int i = 0; i < n; i++) {
        snprintf(body, sizeof body, "{\"prompt\": \"echo: s%d a b c d e f g\", "
                 "\"session_id\": \"d%d\"}", i, i);
        s[i] = as_open(AS_ASK(1), body);
        curl_easy_setopt(s[i]->easy, CURLOPT_HTTP_VERSION, version);
        as_pump(s[i], 0);
    }
    long until = as_now_ms() + 30000;
    for (bool all = false; !all && as_now_ms() < until;) {
        all = true;
        for (int i = 0; i < n; i++) {
            as_pump(s[i], 0);
            all = all && s[i]->done;
        }
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < n; i++) {
        snprintf(body, sizeof body, "s%d a b c d e f g", i);
        check_stream(s[i], N_WORDS, body);
        as_close(s[i]);
    }
    return as_counters();
}

START_TEST(paced_frames_go_out_without_a_resume_each)
{
    json_decref(rh_expect(rh_control("POST", "/ask",
        "{\"delay_ms\": 20, \"heartbeat_ms\": 0, \"streams\": 50}"), 200));
    json_t *c = run_paced(N_STREAMS, CURL_HTTP_VERSION_1_1);
    long long direct = rh_i(c, "direct_frames");
    long long resumes = rh_i(c, "reader_resumes");
    ck_assert_int_eq(rh_i(c, "completed"), N_STREAMS);
    json_decref(c);
    /* Of the 8 deltas a stream, all but the last (it goes with the done
     * frame, through a resume) may go out directly; a busy machine may
     * have a reader still in its first call when a frame comes. So: most
     * deltas direct, far fewer resumes than frames. */
#if ASK_DIRECT_WRITES
    ck_assert_msg(direct >= N_STREAMS * (N_WORDS - 1) / 2,
                  "%lld frames written directly", direct);
    ck_assert_msg(resumes < N_STREAMS * (N_WORDS + 1) / 2,
                  "%lld resumes for %d frames", resumes,
                  N_STREAMS * (N_WORDS + 1));
#else   /* no socket watch: every frame through a resume */
    ck_assert_int_eq(direct, 0);
    ck_assert_int_ge(resumes, N_STREAMS);
#endif
}
END_TEST

START_TEST(http10_readers_are_only_resumed)
{
    json_decref(rh_expect(rh_control("POST", "/ask",
        "{\"delay_ms\": 20, \"heartbeat_ms\": 0, \"streams\": 10}"), 200));
    json_t *c = run_paced(10, CURL_HTTP_VERSION_1_0);
    ck_assert_int_eq(rh_i(c, "direct_frames"), 0);
    ck_assert_int_ge(rh_i(c, "reader_resumes"), 10);
    ck_assert_int_eq(rh_i(c, "completed"), 10);
    json_decref(c);
}
END_TEST

/* A tiny receive buffer, so that the relay's writes fill the socket. */
static int small_rcvbuf(void *ud, curl_socket_t fd, curlsocktype purpose)
{
    (void)ud, (void)purpose;
    int sz = 2048;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, (const void *)&sz, sizeof sz);
    return CURL_SOCKOPT_OK;
}

/* The relay runs in this process: finds its end of the connection whose
 * client port is `port` and gives it a small, fixed send buffer, so that
 * its writes fill it (loopback buffers otherwise grow to megabytes). */
static bool shrink_relay_sndbuf(long port)
{
    for (int fd = 3; fd < 65536; fd++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0 ||
            peer.sin_family != AF_INET || ntohs(peer.sin_port) != port)
            continue;
        struct sockaddr_in self;
        len = sizeof self;
        /* the client's own socket has `port` as its local port */
        if (getsockname(fd, (struct sockaddr *)&self, &len) == 0 &&
            ntohs(self.sin_port) == port)
            continue;
        int sz = 4096;
        return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, (const void *)&sz,
                          sizeof sz) == 0;
    }
    return false;
}

START_TEST(a_reader_that_stops_reading_gets_every_byte)
{
    enum { WORDS = 1400, WLEN = 64 };
    /* 1 ms pacing: the 1,400 frames (about 250 KB) are all stored while
     * the client reads nothing for 2 s. */
    json_decref(rh_expect(rh_control("POST", "/ask",
        "{\"delay_ms\": 1, \"heartbeat_ms\": 0, \"streams\": 1}"), 200));
    size_t cap = (size_t)WORDS * (WLEN + 1) + 64;
    char *text = malloc(cap), *body = malloc(cap + 64);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(body);
    size_t o = 0;
    for (int w = 0; w < WORDS; w++) {
        o += (size_t)snprintf(text + o, cap - o, "%s%05d", w ? " " : "", w);
        memset(text + o, 'a' + w % 26, WLEN - 5);
        o += WLEN - 5;
    }
    text[o] = '\0';
    snprintf(body, cap + 64, "{\"prompt\": \"echo: %s\", \"session_id\": \"slow\"}", text);
    as_stream *s = as_open(AS_ASK(1), body);
    curl_easy_setopt(s->easy, CURLOPT_SOCKOPTFUNCTION, small_rcvbuf);
    curl_easy_setopt(s->easy, CURLOPT_BUFFERSIZE, 1024L);
    ck_assert_msg(as_wait_for(s, "\n\n", 10000), "status %ld, done %d: %s",
                  as_status(s), (int)s->done, s->buf ? s->buf : "");
    long port = 0;
    curl_easy_getinfo(s->easy, CURLINFO_LOCAL_PORT, &port);
    ck_assert(shrink_relay_sndbuf(port));
    struct timespec pause = {2, 0};
    nanosleep(&pause, NULL);                    /* not reading */
    ck_assert_int_eq(as_finish(s, 30000), CURLE_OK);
    check_stream(s, WORDS, text);
    as_close(s);
    json_t *c = as_counters();
    ck_assert_int_eq(rh_i(c, "completed"), 1);
    ck_assert_int_eq(rh_i(c, "direct_frames") > 0, ASK_DIRECT_WRITES);
    json_decref(c);
    free(text);
    free(body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay_ask_direct");
    TCase *tc = tcase_create("direct");
    tcase_add_checked_fixture(tc, rh_start, rh_stop);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, paced_frames_go_out_without_a_resume_each);
    tcase_add_test(tc, http10_readers_are_only_resumed);
    tcase_add_test(tc, a_reader_that_stops_reading_gets_every_byte);
    suite_add_tcase(s, tc);
    return rh_run(s);
}
