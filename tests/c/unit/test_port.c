/*
 * test_port.c — the portability layer (runtime/src/port.h, port_net.h) on
 * POSIX: the built-in ERE matcher Windows uses gives regexec's answers
 * (every IDL pattern and more, on fixed and random strings), timed waits
 * against monotonic deadlines, randomness, strndup, private files and
 * directories, the stdout hand-over of `--stdio`, the peer-closed peek and
 * the client socket.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "port.h"
#include "port_net.h"

/* The patterns of the IDL (idl/) and the ERE features the matcher claims. */
static const char *const k_patterns[] = {
    "^[a-z0-9][a-z0-9-]{1,62}$",
    "^[^@ ]+@[^@ ]+$",
    "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$",
    "abc", "a|b|", "(ab|a)(bc|c)", "(a*)*b", "(a|ab)(c|bcd)(d*)", "x(a|b)+y",
    "[[:alpha:]_][[:alnum:]_]*", "[]a-]+", "[^]a]", "a{2}", "a{2,}", "(ab){1,3}c?",
    "^$", "a.c", "\\.\\*", "(|x)y", "[0-9]{3}-[0-9]{4}", "((a)|b)*", "^a|b$",
    "[[:digit:][:upper:]]+", "(a?){3}a{3}", "a)", "b)+",
};

static const char *const k_strings[] = {
    "", "a", "b", "ab", "abc", "abcd", "aab", "xaby", "xy", "my-slug", "-bad", "a-",
    "x@y", "x @y", "@y", "a@b@c", "abbc", "abcbcd", "_x1", "9x", "]", "-", "a]-",
    "aa", "aaa", "ababc", "ababababc", ".*", "a.c", "a\nc", "y", "xy", "555-1234",
    "55-1234", "ABC12", "aaaaaa", "aaa", "sub-domain", "sub--", "0",
};

START_TEST(ere_matches_regexec_on_fixed_strings)
{
    const char *p = k_patterns[_i];
    for (size_t j = 0; j < sizeof k_strings / sizeof k_strings[0]; j++) {
        int want = cmdop__port_full_match(p, k_strings[j]);
        int got = cmdop__port_ere_full_match(p, k_strings[j]);
        ck_assert_msg(want == got, "/%s/ on \"%s\": regexec %d, built-in %d", p,
                      k_strings[j], want, got);
    }
}
END_TEST

START_TEST(ere_matches_regexec_on_random_strings)
{
    static const char alphabet[] = "abcxy@-09. _]A";
    unsigned seed = 12345u + (unsigned)_i;
    const char *p = k_patterns[_i];
    char s[24];
    for (int n = 0; n < 400; n++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % (sizeof s - 1);
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            s[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        s[len] = '\0';
        int want = cmdop__port_full_match(p, s);
        int got = cmdop__port_ere_full_match(p, s);
        ck_assert_msg(want == got, "/%s/ on \"%s\": regexec %d, built-in %d", p, s, want, got);
    }
}
END_TEST

START_TEST(ere_rejects_invalid_patterns)
{
    static const char *const bad[] = {"(", "((a)", "[a", "a{2,1}", "[z-a]", "*a", "a{x}",
                                      "[[:nope:]]", "\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(cmdop__port_ere_full_match(bad[i], "a") == -1, "%s", bad[i]);
        ck_assert_msg(cmdop__port_full_match(bad[i], "a") == -1, "regcomp %s", bad[i]);
    }
}
END_TEST

START_TEST(ere_long_input_is_bounded)
{
    /* 254 characters, the email rule's length cap, and far beyond it */
    size_t sizes[] = {254, 100000};
    for (size_t k = 0; k < 2; k++) {
        char *s = malloc(sizes[k] + 1);
        ck_assert_ptr_nonnull(s);
        memset(s, 'a', sizes[k]);
        s[sizes[k] / 2] = '@';
        s[sizes[k]] = '\0';
        ck_assert_int_eq(cmdop__port_ere_full_match("^[^@ ]+@[^@ ]+$", s), 1);
        s[sizes[k] - 1] = ' ';
        ck_assert_int_eq(cmdop__port_ere_full_match("^[^@ ]+@[^@ ]+$", s), 0);
        free(s);
    }
}
END_TEST

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

START_TEST(cond_waits_until_a_monotonic_deadline)
{
    pthread_cond_t cv;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    ck_assert_int_eq(cmdop__port_cond_init_monotonic(&cv), 0);
    struct timespec t0, until;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    until = t0;
    until.tv_nsec += 60 * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&mu);
    int rc;
    while ((rc = cmdop__port_cond_timedwait(&cv, &mu, &until)) == 0)
        ;
    ck_assert_int_eq(rc, ETIMEDOUT);
    long waited = ms_since(&t0);
    ck_assert_msg(waited >= 59 && waited < 5000, "waited %ld ms", waited);
    /* a deadline already past: at once */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(cmdop__port_cond_timedwait(&cv, &mu, &t0), ETIMEDOUT);
    pthread_mutex_unlock(&mu);
    pthread_cond_destroy(&cv);
}
END_TEST

START_TEST(random_and_strndup)
{
    unsigned char a[64], b[64], zero[64] = {0};
    ck_assert_int_eq(cmdop__port_random(a, sizeof a), 0);
    ck_assert_int_eq(cmdop__port_random(b, sizeof b), 0);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    ck_assert(memcmp(a, zero, sizeof a) != 0);
    char *s = cmdop__port_strndup("abcdef", 3);
    ck_assert_str_eq(s, "abc");
    free(s);
    s = cmdop__port_strndup("ab", 10);   /* n beyond the string */
    ck_assert_str_eq(s, "ab");
    free(s);
}
END_TEST

START_TEST(private_file_and_directory)
{
    char dir[512], path[600], link[600];
    ck_assert_int_eq(cmdop__port_private_dir(NULL, NULL, dir, sizeof dir), 0);
    struct stat st;
    ck_assert_int_eq(lstat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/f.log", dir);
    int fd = cmdop__port_open_private(path, true);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* exclusive: the file exists now */
    ck_assert_int_eq(cmdop__port_open_private(path, true), -1);
    ck_assert_int_eq(errno, EEXIST);
    /* appending reopens it */
    fd = cmdop__port_open_private(path, false);
    ck_assert_int_ge(fd, 0);
    close(fd);
    /* a planted symlink is refused, a directory too */
    snprintf(link, sizeof link, "%s/l.log", dir);
    ck_assert_int_eq(symlink(path, link), 0);
    ck_assert_int_eq(cmdop__port_open_private(link, false), -1);
    ck_assert_int_eq(cmdop__port_open_private(dir, false), -1);
    unlink(link);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* In a child: stdout and stderr are pipes; after the hand-over, the
 * returned descriptor reaches the old stdout and printf reaches stderr. */
START_TEST(stdio_take_stdout_moves_fd1_to_stderr)
{
    int out[2], err[2];
    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]), close(err[0]), close(out[1]), close(err[1]);
        int fd = cmdop__port_stdio_take_stdout();
        if (fd < 0)
            _exit(3);
        printf("stray");
        fflush(stdout);
        _exit(write(fd, "frame", 5) == 5 ? 0 : 4);
    }
    close(out[1]);
    close(err[1]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    char b[32];
    ssize_t n = read(out[0], b, sizeof b - 1);
    ck_assert_int_eq(n, 5);
    b[n] = '\0';
    ck_assert_str_eq(b, "frame");
    n = read(err[0], b, sizeof b - 1);
    ck_assert_int_eq(n, 5);
    b[n] = '\0';
    ck_assert_str_eq(b, "stray");
    close(out[0]);
    close(err[0]);
}
END_TEST

START_TEST(peer_closed_sees_eof_not_data)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert(!cmdop__port_peer_closed(CMDOP__NO_SOCKET));
    ck_assert(!cmdop__port_peer_closed(sv[0]));
    ck_assert_int_eq(write(sv[1], "x", 1), 1);
    ck_assert(!cmdop__port_peer_closed(sv[0]));   /* data is not an EOF... */
    char c;
    ck_assert_int_eq(read(sv[0], &c, 1), 1);      /* ...and the peek left it */
    close(sv[1]);
    ck_assert(cmdop__port_peer_closed(sv[0]));
    close(sv[0]);
}
END_TEST

START_TEST(client_socket_connects_moves_bytes_and_sees_close)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(l, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(l, 1), 0);
    socklen_t sl = sizeof sa;
    ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sa, &sl), 0);
    char port[8], err[128] = "";
    snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
    cmdop__socket c = cmdop__port_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    ck_assert_msg(c != CMDOP__NO_SOCKET, "%s", err);
    int a = accept(l, NULL, NULL);
    ck_assert_int_ge(a, 0);
    char b[8];
    ck_assert_int_eq(cmdop__port_sock_recv(c, b, sizeof b), 0);   /* nothing yet */
    ck_assert_int_eq(cmdop__port_sock_wait(c, true, false, 0), 0);
    ck_assert_int_eq(cmdop__port_sock_wait(c, false, true, 1000), 1);
    ck_assert_int_eq(cmdop__port_sock_send(c, "ping", 4), 4);
    ck_assert_int_eq(read(a, b, sizeof b), 4);
    ck_assert_int_eq(write(a, "pong", 4), 4);
    ck_assert_int_eq(cmdop__port_sock_wait(c, true, false, 1000), 1);
    ck_assert_int_eq(cmdop__port_sock_recv(c, b, sizeof b), 4);
    ck_assert(memcmp(b, "pong", 4) == 0);
    close(a);
    ck_assert_int_eq(cmdop__port_sock_wait(c, true, false, 1000), 1);
    ck_assert_int_eq(cmdop__port_sock_recv(c, b, sizeof b), -1);   /* the peer closed */
    cmdop__port_sock_close(c);
    /* nothing listens there any more: refused, with the address in the message */
    close(l);
    c = cmdop__port_tcp_connect("127.0.0.1", port, 2000, err, sizeof err);
    ck_assert(c == CMDOP__NO_SOCKET);
    ck_assert_msg(strstr(err, "cannot connect to 127.0.0.1 port") != NULL, "%s", err);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("port");
    TCase *t = tcase_create("regex");
    int np = (int)(sizeof k_patterns / sizeof k_patterns[0]);
    tcase_add_loop_test(t, ere_matches_regexec_on_fixed_strings, 0, np);
    tcase_add_loop_test(t, ere_matches_regexec_on_random_strings, 0, np);
    tcase_add_test(t, ere_rejects_invalid_patterns);
    tcase_add_test(t, ere_long_input_is_bounded);
    suite_add_tcase(s, t);
    t = tcase_create("os");
    tcase_add_test(t, cond_waits_until_a_monotonic_deadline);
    tcase_add_test(t, random_and_strndup);
    tcase_add_test(t, private_file_and_directory);
    tcase_add_test(t, stdio_take_stdout_moves_fd1_to_stderr);
    tcase_add_test(t, peer_closed_sees_eof_not_data);
    tcase_add_test(t, client_socket_connects_moves_bytes_and_sees_close);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
