/* child_proc.c — see child_proc.h. */
#include "child_proc.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

json_t *child_proc_start(pid_t *pid, const char *const *argv, const char *who)
{
    *pid = 0;
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t p = fork();
    if (p < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (p == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "%s: exec %s: %s\n", who, argv[0], strerror(errno));
        _exit(127);
    }
    *pid = p;
    close(fds[1]);
    char line[2048];
    int rc = read_line(fds[0], line, sizeof line);
    close(fds[0]);
    if (rc != 0) {
        fprintf(stderr, "%s: %s exited before its startup line\n", who, argv[0]);
        child_proc_stop(pid);
        return NULL;
    }
    json_t *j = json_loads(line, 0, NULL);
    if (!json_is_object(j)) {
        fprintf(stderr, "%s: bad startup line: %s\n", who, line);
        json_decref(j);
        child_proc_stop(pid);
        return NULL;
    }
    return j;
}

int child_proc_stop(pid_t *pid)
{
    if (*pid <= 0)
        return -1;
    kill(*pid, SIGTERM);
    int status = 0;
    while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
        ;
    *pid = 0;
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

int child_proc_http(const char *base, const char *method, const char *path, const char *body,
                    long timeout_ms, json_t **out)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    if (out)
        *out = NULL;
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
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
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
