/*
 * test_relay_main.c — `cmdop-core relay` as a process: cmdop_relay_main in a
 * forked child prints the startup line once accepting, serves with the
 * credentials and seed it was given, and exits 0 on SIGTERM; bad options,
 * seeds and hosts fail before listening.
 */
#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "relay_server.h"

typedef struct child {
    pid_t pid;
    json_t *line;     /* the startup line */
} child;

/* Runs cmdop_relay_main(argv) in a child with stdout on a pipe and waits for
 * its first line. */
static child spawn(char **argv)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    child c = {0};
    c.pid = fork();
    ck_assert_int_ge(c.pid, 0);
    if (c.pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        int argc = 0;
        while (argv[argc])
            argc++;
        _exit(cmdop_relay_main(argc, argv));
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char buf[1024] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    c.line = json_loads(buf, 0, NULL);
    ck_assert_msg(c.line != NULL, "startup line is not JSON: %s", buf);
    return c;
}

static int stop(child *c)
{
    int st = 0;
    kill(c->pid, SIGTERM);
    ck_assert_int_eq(waitpid(c->pid, &st, 0), c->pid);
    json_decref(c->line);
    return st;
}

static long get(const char *url, const char *header)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hs = header ? curl_slist_append(NULL, header) : NULL;
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, devnull);
    long status = -1;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    fclose(devnull);
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    return status;
}

static const char *s(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

START_TEST(startup_line_and_sigterm)
{
    char *argv[] = {"relay", "--port", "0", "--token", "T1", "--api-key",
                    "K1", NULL};
    child c = spawn(argv);
    const char *root = s(c.line, "relay_url");
    ck_assert(strncmp(root, "http://127.0.0.1:", 17) == 0);
    ck_assert_int_gt(atoi(root + 17), 0);
    char want[256], url[256];
    snprintf(want, sizeof want, "%s/platform", root);
    ck_assert_str_eq(s(c.line, "platform_url"), want);
    snprintf(want, sizeof want, "%s/_control", root);
    ck_assert_str_eq(s(c.line, "control_url"), want);
    ck_assert_str_eq(s(c.line, "token"), "T1");
    ck_assert_str_eq(s(c.line, "api_key"), "K1");

    snprintf(url, sizeof url, "%s/api/machines", root);
    ck_assert_int_eq(get(url, "Authorization: Bearer T1"), 200);
    ck_assert_int_eq(get(url, "Authorization: Bearer local-dev-token"), 401);
    snprintf(url, sizeof url, "%s/platform/apix/skills/skills/", root);
    ck_assert_int_eq(get(url, "X-Api-Key: K1"), 200);
    int st = stop(&c);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(env_credentials_and_seed_file)
{
    setenv("CMDOP_TOKEN", "env-token", 1);
    setenv("CMDOP_API_KEY", "", 1);   /* empty = unset: the default */
    char path[] = "/tmp/relay-seed-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *seed = "{\"token_user_id\":\"u1\",\"users\":[{\"id\":\"u1\","
        "\"email\":\"u@x.y\",\"display_name\":\"U\"}],\"machines\":[]}";
    ck_assert_int_eq(write(fd, seed, strlen(seed)), (ssize_t)strlen(seed));
    close(fd);
    char *argv[] = {"relay", "--port", "0", "--seed", path, NULL};
    child c = spawn(argv);
    ck_assert_str_eq(s(c.line, "token"), "env-token");
    ck_assert_str_eq(s(c.line, "api_key"), "local-dev-api-key");
    char url[256];
    snprintf(url, sizeof url, "%s/api/machines/"
             "20000000-0000-4000-8000-000000000001", s(c.line, "relay_url"));
    /* the file replaced the default seed: alpha does not exist */
    ck_assert_int_eq(get(url, "Authorization: Bearer env-token"), 404);
    ck_assert_int_eq(stop(&c), 0);
    unlink(path);
}
END_TEST

/* True when 127.0.0.1:port can be bound right now. */
static bool port_free(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Without --port the relay listens where the official 1.1.1 client says the
 * local embedded relay is: 127.0.0.1:63141. */
START_TEST(default_port_is_63141)
{
    if (!port_free(63141)) {   /* someone else has it: nothing to prove */
        fprintf(stderr, "default_port_is_63141: port busy, skipped\n");
        return;
    }
    char *argv[] = {"relay", NULL};
    child c = spawn(argv);
    ck_assert_str_eq(s(c.line, "relay_url"), "http://127.0.0.1:63141");
    ck_assert_int_eq(get("http://127.0.0.1:63141/_control/health", NULL), 200);
    ck_assert_int_eq(stop(&c), 0);
}
END_TEST

START_TEST(bad_invocations)
{
    char *help[] = {"relay", "--help", NULL};
    char *port[] = {"relay", "--port", "70000", NULL};
    char *unknown[] = {"relay", "--verbose", "1", NULL};
    char *missing[] = {"relay", "--port", NULL};
    char *host[] = {"relay", "--host", "0.0.0.0", NULL};
    char *seed[] = {"relay", "--seed", "/nonexistent/seed.json", NULL};
    /* --help prints usage; silence it */
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    FILE *null = freopen("/dev/null", "w", stdout);
    ck_assert_ptr_nonnull(null);
    ck_assert_int_eq(cmdop_relay_main(2, help), 0);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    ck_assert_int_eq(cmdop_relay_main(3, port), 2);
    ck_assert_int_eq(cmdop_relay_main(3, unknown), 2);
    ck_assert_int_eq(cmdop_relay_main(2, missing), 2);
    ck_assert_int_eq(cmdop_relay_main(3, host), 1);   /* not loopback */
    ck_assert_int_eq(cmdop_relay_main(3, seed), 1);
}
END_TEST

START_TEST(seed_errors)
{
    char err[256] = "";
    ck_assert_ptr_null(relay_seed_from_file("/nonexistent.json", err,
                                            sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent.json"));
    /* a seed without token_user_id, or with a bad shape, is refused */
    static const char *const bad[] = {"{}",
        "{\"token_user_id\":\"u\",\"machines\":{}}",
        "{\"token_user_id\":\"u\",\"fleets\":[{\"name\":\"no id\"}]}", NULL};
    for (size_t i = 0; bad[i]; i++) {
        json_t *seed = json_loads(bad[i], 0, NULL);
        relay_options opt = {NULL, 0, "t", "k", seed};
        relay_server *srv = NULL;
        err[0] = '\0';
        ck_assert_int_eq(relay_server_start(&srv, &opt, err, sizeof err), -1);
        ck_assert_ptr_null(srv);
        ck_assert(err[0] != '\0');
        json_decref(seed);
    }
}
END_TEST

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Suite *su = suite_create("relay_main");
    TCase *tc = tcase_create("main");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, startup_line_and_sigterm);
    tcase_add_test(tc, default_port_is_63141);
    tcase_add_test(tc, env_credentials_and_seed_file);
    tcase_add_test(tc, bad_invocations);
    tcase_add_test(tc, seed_errors);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
