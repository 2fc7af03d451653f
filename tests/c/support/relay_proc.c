/* relay_proc.c — see relay_proc.h. Uses libcurl's easy interface on purpose:
 * the control channel must not depend on the runtime under test. */
#include "relay_proc.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *core_bin(void)
{
    const char *b = getenv("CMDOP_CORE_BIN");
    return (b && *b) ? b : "build/cmdop-core";
}

static int copy_field(json_t *obj, const char *key, char *dst, size_t cap)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v || strlen(v) >= cap) {
        fprintf(stderr, "relay_proc: startup line lacks %s\n", key);
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return 0;
}

int relay_proc_start(relay_proc *rp, const char *const *extra_args)
{
    const char *argv[32] = {core_bin(), "relay", "--port", "0", "--token",
                            "test-token", "--api-key", "test-api-key"};
    size_t argc = 8;
    for (size_t i = 0; extra_args && extra_args[i] && argc < 31; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;

    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    memset(rp, 0, sizeof *rp);
    rp->pid = fork();
    if (rp->pid < 0)
        return -1;
    if (rp->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "relay_proc: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char line[2048];
    int rc = read_line(fds[0], line, sizeof line);
    close(fds[0]);
    if (rc != 0) {
        fprintf(stderr, "relay_proc: %s exited before its startup line\n", argv[0]);
        relay_proc_stop(rp);
        return -1;
    }
    json_error_t jerr;
    json_t *j = json_loads(line, 0, &jerr);
    if (!j || copy_field(j, "relay_url", rp->relay_url, sizeof rp->relay_url) ||
        copy_field(j, "platform_url", rp->platform_url, sizeof rp->platform_url) ||
        copy_field(j, "control_url", rp->control_url, sizeof rp->control_url) ||
        copy_field(j, "token", rp->token, sizeof rp->token) ||
        copy_field(j, "api_key", rp->api_key, sizeof rp->api_key)) {
        fprintf(stderr, "relay_proc: bad startup line: %s\n", line);
        json_decref(j);
        relay_proc_stop(rp);
        return -1;
    }
    json_decref(j);
    return 0;
}

int relay_proc_stop(relay_proc *rp)
{
    if (rp->pid <= 0)
        return -1;
    kill(rp->pid, SIGTERM);
    int status = 0;
    while (waitpid(rp->pid, &status, 0) < 0 && errno == EINTR)
        ;
    rp->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t on_body(char *p, size_t size, size_t n, void *payload)
{
    buf *b = payload;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, p, size * n);
    b->data = grown;
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

int relay_proc_control(const relay_proc *rp, const char *method,
                       const char *path, const char *body, json_t **out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", rp->control_url, path);
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
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
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

json_t *relay_proc_requests(const relay_proc *rp)
{
    json_t *resp = NULL;
    if (relay_proc_control(rp, "GET", "/requests", NULL, &resp) != 200) {
        json_decref(resp);
        return NULL;
    }
    json_t *reqs = json_incref(json_object_get(resp, "requests"));
    json_decref(resp);
    return reqs;
}

int relay_proc_reset(const relay_proc *rp, int state)
{
    return relay_proc_control(rp, "POST", "/reset",
                              state ? "{\"state\":true}" : "{}", NULL) == 200 ? 0 : -1;
}

int relay_proc_fail(const relay_proc *rp, int count, int status,
                    const char *retry_after)
{
    char body[256];
    if (retry_after)
        snprintf(body, sizeof body, "{\"count\":%d,\"status\":%d,\"retry_after\":\"%s\"}",
                 count, status, retry_after);
    else
        snprintf(body, sizeof body, "{\"count\":%d,\"status\":%d}", count, status);
    return relay_proc_control(rp, "POST", "/fail", body, NULL) == 200 ? 0 : -1;
}
