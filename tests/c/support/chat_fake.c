/* chat_fake.c — see chat_fake.h. libcurl easy calls, independent of the
 * runtime under test. */
#include "chat_fake.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *python(void)
{
    const char *p = getenv("CMDOP_FAKE_PYTHON");
    return (p && *p) ? p : ".venv/bin/python";
}

int chat_fake_start(chat_fake *f, const char *platform, const char *const *extra_args)
{
    const char *argv[24] = {python(), "tests/fakes/fake.py", platform, "--port", "0"};
    size_t argc = 5;
    for (size_t i = 0; extra_args && extra_args[i] && argc < 23; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;
    memset(f, 0, sizeof *f);
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    f->pid = fork();
    if (f->pid < 0)
        return -1;
    if (f->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "chat_fake: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char line[512];
    size_t n = 0;
    while (n + 1 < sizeof line) {
        char c;
        ssize_t r = read(fds[0], &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        line[n++] = c;
    }
    line[n] = '\0';
    close(fds[0]);
    json_t *j = json_loads(line, 0, NULL);
    const char *u = json_string_value(json_object_get(j, "url"));
    if (!u || strlen(u) >= sizeof f->url) {
        fprintf(stderr, "chat_fake: bad startup line: %s\n", line);
        json_decref(j);
        chat_fake_stop(f);
        return -1;
    }
    strcpy(f->url, u);
    snprintf(f->platform, sizeof f->platform, "%s", platform);
    json_decref(j);
    return 0;
}

int chat_fake_stop(chat_fake *f)
{
    if (f->pid <= 0)
        return -1;
    kill(f->pid, SIGTERM);
    int status = 0;
    while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR)
        ;
    f->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t on_body(char *p, size_t size, size_t n, void *payload)
{
    buf *b = payload;
    char *g = realloc(b->data, b->len + size * n + 1);
    if (!g)
        return 0;
    memcpy(g + b->len, p, size * n);
    b->data = g;
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

int chat_fake_call(const chat_fake *f, const char *method, const char *path, const char *body,
                   json_t **out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", f->url, path);
    CURL *h = curl_easy_init();
    if (!h)
        return -1;
    buf b = {NULL, 0};
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    long status = -1;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    if (out)
        *out = b.data ? json_loads(b.data, 0, NULL) : NULL;
    free(b.data);
    return (int)status;
}

char *chat_fake_say(const chat_fake *f, const char *user, const char *chat, const char *text)
{
    json_t *req = json_pack("{s:s, s:s, s:s}", "user", user, "chat", chat, "text", text);
    char *body = json_dumps(req, JSON_COMPACT);
    json_t *resp = NULL;
    int st = chat_fake_call(f, "POST", "/_fake/message", body, &resp);
    const char *id = json_string_value(json_object_get(resp, "message_id"));
    char *out = st == 200 && id ? strdup(id) : NULL;
    json_decref(resp);
    json_decref(req);
    free(body);
    return out;
}

int chat_fake_click(const chat_fake *f, const char *user, const char *chat, const char *msg_id,
                    const char *data)
{
    json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "user", user, "chat", chat, "message_id",
                            msg_id, "data", data);
    char *body = json_dumps(req, JSON_COMPACT);
    json_t *resp = NULL;
    int st = chat_fake_call(f, "POST", "/_fake/click", body, &resp);
    int ok = st == 200 && json_is_true(json_object_get(resp, "ok")) ? 0 : -1;
    json_decref(resp);
    json_decref(req);
    free(body);
    return ok;
}

json_t *chat_fake_chat(const chat_fake *f, const char *chat)
{
    char path[256];
    snprintf(path, sizeof path, "/_fake/chat?chat=%s", chat);
    json_t *out = NULL;
    if (chat_fake_call(f, "GET", path, NULL, &out) != 200) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *chat_fake_calls(const chat_fake *f, const char *method)
{
    char path[256];
    if (method)
        snprintf(path, sizeof path, "/_fake/calls?method=%s", method);
    else
        snprintf(path, sizeof path, "/_fake/calls");
    json_t *out = NULL;
    if (chat_fake_call(f, "GET", path, NULL, &out) != 200) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

json_t *chat_fake_wait_chat(const chat_fake *f, const char *chat, chat_fake_pred pred, void *arg,
                            long timeout_ms)
{
    long end = now_ms() + timeout_ms;
    for (;;) {
        json_t *c = chat_fake_chat(f, chat);
        if (c && pred(c, arg))
            return c;
        json_decref(c);
        long left = end - now_ms();
        if (left <= 0)
            return NULL;
        char path[64];
        snprintf(path, sizeof path, "/_fake/wait?timeout_ms=%ld", left < 500 ? left : 500);
        chat_fake_call(f, "GET", path, NULL, NULL);
    }
}

json_t *chat_fake_bot_msg(json_t *chat, size_t i)
{
    size_t k;
    json_t *m;
    json_array_foreach(chat, k, m)
    {
        const char *from = json_string_value(json_object_get(m, "from"));
        if (from && strcmp(from, "bot") == 0 && i-- == 0)
            return m;
    }
    return NULL;
}

size_t chat_fake_bot_count(json_t *chat)
{
    size_t n = 0;
    while (chat_fake_bot_msg(chat, n))
        n++;
    return n;
}
