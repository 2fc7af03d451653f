/*
 * replay.c — the wire-speed stream server: answers every POST whose path
 * ends in /ask with the same recorded SSE bytes (a file recorded from the
 * local relay by bench/run.py), as fast as the socket takes them, so a
 * stream benchmark measures the client and not an agent's pacing. Anything
 * else is a 404, except a path ending in /info, answered with a second
 * recorded body (JSON): the contenders' warm-up call. One thread per
 * connection (a benchmark opens few), HTTP/1.1 keep-alive, Content-Length
 * framing, no auth.
 * Usage: replay SSE_FILE INFO_FILE — prints {"url": "http://127.0.0.1:PORT"}
 * once ready.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char *body, *info;
static size_t body_len, info_len;

/* The whole file in a new buffer; exits on failure (a bench tool). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        perror(path);
        exit(1);
    }
    *len = (size_t)ftell(f);
    rewind(f);
    char *p = malloc(*len + 1);
    if (!p || fread(p, 1, *len, f) != *len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    return p;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* Reads one request (headers, then Content-Length bytes of body) into buf;
 * returns the header length, 0 at EOF, -1 on error. */
static long read_request(int fd, char *buf, size_t cap, size_t *have)
{
    for (;;) {
        buf[*have] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end) {
            size_t hlen = (size_t)(end - buf) + 4;
            size_t clen = 0;
            for (char *l = strstr(buf, "\r\n"); l && l < end;
                 l = strstr(l + 2, "\r\n"))
                if (strncasecmp(l + 2, "Content-Length:", 15) == 0)
                    clen = strtoul(l + 17, NULL, 10);
            while (*have < hlen + clen) {
                if (*have == cap - 1)
                    return -1;
                ssize_t r = read(fd, buf + *have, cap - 1 - *have);
                if (r <= 0)
                    return -1;
                *have += (size_t)r;
            }
            return (long)(hlen + clen);
        }
        if (*have == cap - 1)
            return -1;
        ssize_t r = read(fd, buf + *have, cap - 1 - *have);
        if (r <= 0)
            return r == 0 && *have == 0 ? 0 : -1;
        *have += (size_t)r;
    }
}

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    size_t cap = 1 << 20, have = 0;
    char *buf = malloc(cap);
    long n;
    while (buf && (n = read_request(fd, buf, cap, &have)) > 0) {
        char path[512] = "";
        sscanf(buf, "%*s %511s", path);
        char *q = strchr(path, '?');
        if (q)
            *q = '\0';
        size_t pl = strlen(path);
        char head[256];
        int ok = pl >= 4 && strcmp(path + pl - 4, "/ask") == 0;
        int inf = pl >= 5 && strcmp(path + pl - 5, "/info") == 0;
        if (inf) {
            int hl = snprintf(head, sizeof head,
                              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "X-Request-Id: req_replay\r\nContent-Length: %zu\r\n\r\n",
                              info_len);
            if (write_all(fd, head, (size_t)hl) < 0 ||
                write_all(fd, info, info_len) < 0)
                break;
        } else if (ok) {
            int hl = snprintf(head, sizeof head,
                              "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Cache-Control: no-cache\r\nX-Request-Id: req_replay\r\n"
                              "Content-Length: %zu\r\n\r\n", body_len);
            if (write_all(fd, head, (size_t)hl) < 0 ||
                write_all(fd, body, body_len) < 0)
                break;
        } else {
            static const char nf[] = "{\"detail\": \"Not Found\"}";
            int hl = snprintf(head, sizeof head,
                              "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\n\r\n%s", sizeof nf - 1, nf);
            if (write_all(fd, head, (size_t)hl) < 0)
                break;
        }
        memmove(buf, buf + n, have - (size_t)n);
        have -= (size_t)n;
    }
    free(buf);
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SSE_FILE INFO_FILE\n", argv[0]);
        return 2;
    }
    body = slurp(argv[1], &body_len);
    info = slurp(argv[2], &info_len);
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 1024) < 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
        perror("listen");
        return 1;
    }
    printf("{\"url\": \"http://127.0.0.1:%u\"}\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        if (pthread_create(&t, NULL, serve, (void *)(long)fd) == 0)
            pthread_detach(t);
        else
            close(fd);
    }
}
