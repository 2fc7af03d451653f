/* chat_fake.c — see chat_fake.h. The process and its control calls are
 * child_proc.c's (libcurl easy calls, independent of the runtime under
 * test). */
#include "chat_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child_proc.h"

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
    json_t *j = child_proc_start(&f->pid, argv, "chat_fake");
    if (!j)
        return -1;
    const char *u = json_string_value(json_object_get(j, "url"));
    if (!u || strlen(u) >= sizeof f->url) {
        fprintf(stderr, "chat_fake: startup line lacks url\n");
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
    return child_proc_stop(&f->pid);
}

int chat_fake_call(const chat_fake *f, const char *method, const char *path, const char *body,
                   json_t **out)
{
    return child_proc_http(f->url, method, path, body, 15000L, out);
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
