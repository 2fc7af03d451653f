/*
 * test_botrun_serve.c — `cmdop-core bots serve --config FILE` (the
 * long-running host, runtime/src/bot_serve.c): a Telegram bot from a
 * config whose token is in a secret file, against the Telegram fake and
 * the real local relay; SIGTERM drains and exits 0; the state file keeps
 * the chat's session and the update offset across a restart; the audit
 * log says who asked what and how it ended, with no secret in it.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chat_fake.h"
#include "it_client.h"

#define SECRET "123:fake-token"

static chat_fake fake;
static char dir[] = "/tmp/cmdop-serve-XXXXXX";
static char cfg_path[256], state_path[256], audit_path[256], secret_path[256];

static const char *core_bin(void)
{
    const char *b = getenv("CMDOP_CORE_BIN");
    return (b && *b) ? b : "build/cmdop-core";
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void setup(void)
{
    ck_assert_int_eq(chat_fake_start(&fake, "telegram", NULL), 0);
    strcpy(dir, "/tmp/cmdop-serve-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cfg_path, sizeof cfg_path, "%s/bots.json", dir);
    snprintf(state_path, sizeof state_path, "%s/state.json", dir);
    snprintf(audit_path, sizeof audit_path, "%s/audit.jsonl", dir);
    snprintf(secret_path, sizeof secret_path, "%s/tg-token", dir);
    write_file(secret_path, SECRET "\n");
    json_t *cfg = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s], s:s, s:i}]}", "state_file",
                            state_path, "audit_log", audit_path, "bots", "name", "ops",
                            "platform", "telegram", "token_file", secret_path, "machine_id",
                            IT_M_ALPHA, "allowed_users", "42", "api_base_url", fake.url,
                            "edit_interval_ms", 200);
    ck_assert_int_eq(json_dump_file(cfg, cfg_path, 0), 0);
    json_decref(cfg);
}

static void teardown(void)
{
    chat_fake_stop(&fake);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static pid_t serve_start(const char *config)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("CMDOP_BASE_URL", it_relay.relay_url, 1);
        setenv("CMDOP_TOKEN", it_relay.token, 1);
        execl(core_bin(), core_bin(), "bots", "serve", "--config", config, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int serve_stop(pid_t pid)
{
    kill(pid, SIGTERM);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int answered(json_t *chat, void *arg)
{
    size_t want = (size_t)arg, n = 0;
    for (size_t i = 0; chat_fake_bot_msg(chat, i); i++) {
        const char *t = json_string_value(json_object_get(chat_fake_bot_msg(chat, i), "text"));
        if (t && strncmp(t, "answer ", 7) == 0 && strlen(t) == 8)
            n++;
    }
    return n >= want;
}

/* The session id of the n-th ask_started line of the audit log. */
static char *audit_session(const char *audit, int nth)
{
    const char *p = audit;
    while ((p = strstr(p, "\"event\":\"ask_started\""))) {
        const char *line = p;
        while (line > audit && line[-1] != '\n')
            line--;
        const char *end = strchr(p, '\n');
        char *l = strndup(line, end ? (size_t)(end - line) : strlen(line));
        json_t *j = json_loads(l, 0, NULL);
        free(l);
        if (nth-- == 0) {
            char *sid = strdup(json_string_value(json_object_get(j, "session_id")));
            json_decref(j);
            return sid;
        }
        json_decref(j);
        p++;
    }
    return NULL;
}

START_TEST(serve_drains_persists_and_audits)
{
    relay_proc_control(&it_relay, "POST", "/ask", "{\"delay_ms\": 0, \"streams\": 2}", NULL);
    pid_t pid = serve_start(cfg_path);
    free(chat_fake_say(&fake, "42", "42", "echo: answer 1"));
    json_t *chat = chat_fake_wait_chat(&fake, "42", answered, (void *)1, 15000);
    ck_assert_ptr_nonnull(chat);
    json_decref(chat);
    ck_assert_int_eq(serve_stop(pid), 0);

    json_t *state = json_load_file(state_path, 0, NULL);
    ck_assert_ptr_nonnull(state);
    json_t *ops = json_object_get(state, "ops");
    ck_assert_int_ge(json_integer_value(json_object_get(ops, "offset")), 2);
    const char *sid = json_string_value(json_object_get(json_object_get(ops, "sessions"), "42"));
    ck_assert_ptr_nonnull(sid);
    ck_assert_uint_eq(strlen(sid), 32);
    char *first_sid = strdup(sid);
    json_decref(state);

    /* restarted: the same session, and the first message is not answered again */
    pid = serve_start(cfg_path);
    free(chat_fake_say(&fake, "42", "42", "echo: answer 2"));
    chat = chat_fake_wait_chat(&fake, "42", answered, (void *)2, 15000);
    ck_assert_ptr_nonnull(chat);
    ck_assert_uint_eq(chat_fake_bot_count(chat), 2);
    json_decref(chat);
    ck_assert_int_eq(serve_stop(pid), 0);

    char *audit = read_file(audit_path);
    ck_assert_ptr_nonnull(strstr(audit, "\"prompt\":\"echo: answer 1\""));
    ck_assert_ptr_nonnull(strstr(audit, "\"event\":\"reply_sent\""));
    ck_assert_ptr_null(strstr(audit, SECRET));
    char *s1 = audit_session(audit, 0), *s2 = audit_session(audit, 1);
    ck_assert_ptr_nonnull(s1);
    ck_assert_ptr_nonnull(s2);
    ck_assert_str_eq(s1, first_sid);
    ck_assert_str_eq(s2, first_sid);
    char *st = read_file(state_path);
    ck_assert_ptr_null(strstr(st, SECRET));
    free(st);
    free(s1);
    free(s2);
    free(first_sid);
    free(audit);
}
END_TEST

START_TEST(a_secret_written_in_the_config_is_refused)
{
    json_t *cfg = json_pack("{s:[{s:s, s:s, s:s}]}", "bots", "platform", "telegram", "token",
                            SECRET, "machine_id", IT_M_ALPHA);
    ck_assert_int_eq(json_dump_file(cfg, cfg_path, 0), 0);
    json_decref(cfg);
    pid_t pid = serve_start(cfg_path);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 2);
    json_t *calls = chat_fake_calls(&fake, NULL);
    ck_assert_uint_eq(json_array_size(calls), 0);
    json_decref(calls);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("botrun_serve");
    TCase *tc = tcase_create("serve");
    it_add_relay_fixture(tc);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, serve_drains_persists_and_audits);
    tcase_add_test(tc, a_secret_written_in_the_config_is_refused);
    suite_add_tcase(s, tc);
    return it_run(s);
}
