/*
 * streams_load.c — a bare load generator for concurrent ask streams: one
 * thread, epoll, raw sockets, no HTTP library. It opens N asks at once on
 * the relay, decodes the chunked SSE answers, counts every frame, and
 * reports, besides the result line every bench worker prints, where the
 * time went: how long the opens took, the time from a stream's open to its
 * first frame, and each stream's pacing drift (its last frame's lateness
 * against first frame + (frames - 2) x delay_ms: the relay's agent sends
 * its `done` right after the last delta). With a relay pid it also reads the
 * relay's CPU seconds and peak RSS from /proc.
 *
 * It measures the relay, not an SDK: the client's own cost per frame is a
 * few hundred nanoseconds, so the wall of 10,000 paced streams shows whether
 * the relay keeps up (docs/performance.md "The local relay").
 *
 * Usage: streams_load N BASE_URL TOKEN MACHINE_ID PROMPT [DELAY_MS [RELAY_PID]]
 * (BASE_URL http://127.0.0.1:PORT; arm the pacing with POST /_control/ask
 * first). Linux only (epoll), like the benchmark machine.
 */
#include "bench_c.h"

#ifndef __linux__
int main(void)
{
    fprintf(stderr, "streams_load: Linux only (epoll)\n");
    return 2;
}
#else

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, DONE };

typedef struct conn {
    int fd, state;
    size_t sent;             /* request bytes written */
    size_t chunk_left;       /* CHUNK_DATA: bytes of this chunk still due */
    char head[1024];         /* the response head, then a chunk size line */
    size_t head_n;
    char block[96];          /* the start of the SSE block being read */
    size_t block_n;
    char last;               /* the previous SSE byte */
    bool terminal;           /* a done or error frame arrived */
    long frames;
    double t_open, t_first, t_last;
} conn;

static char *request;
static size_t request_len;

static void fail_conn(conn *c, long *failed, const char *why)
{
    if (c->state != DONE) {
        if ((*failed)++ == 0)
            fprintf(stderr, "stream failed: %s\n", why);
        c->state = DONE;
    }
}

/* One SSE byte: a block ends at a blank line; a block that is not a comment
 * (": ping") is a frame. */
static void sse_byte(conn *c, char ch, double now)
{
    if (ch == '\n' && c->last == '\n') {
        if (c->block_n > 0 && c->block[0] != ':') {
            if (c->frames++ == 0)
                c->t_first = now;
            c->t_last = now;
            const char *b = c->block;
            size_t n = c->block_n < sizeof c->block ? c->block_n : sizeof c->block;
            for (size_t i = 0; i + 12 <= n; i++)
                if (memcmp(b + i, "\nevent: done", 12) == 0 ||
                    (i + 13 <= n && memcmp(b + i, "\nevent: error", 13) == 0))
                    c->terminal = true;
        }
        c->block_n = 0;
        c->last = 0;
        return;
    }
    if (c->block_n < sizeof c->block)
        c->block[c->block_n] = ch;
    c->block_n++;
    c->last = ch;
}

/* Feeds received bytes through the HTTP head and the chunked framing. */
static void feed(conn *c, const char *p, size_t n, double now, long *failed)
{
    for (size_t i = 0; i < n && c->state != DONE;) {
        switch (c->state) {
        case HEAD:
            if (c->head_n + 1 >= sizeof c->head) {
                fail_conn(c, failed, "response head too long");
                return;
            }
            c->head[c->head_n++] = p[i++];
            if (c->head_n >= 4 && memcmp(c->head + c->head_n - 4, "\r\n\r\n", 4) == 0) {
                c->head[c->head_n] = '\0';
                if (strncmp(c->head, "HTTP/1.1 200", 12) != 0) {
                    char *eol = strchr(c->head, '\r');
                    if (eol)
                        *eol = '\0';
                    fail_conn(c, failed, c->head);
                    return;
                }
                c->state = CHUNK_SIZE;
                c->head_n = 0;
            }
            break;
        case CHUNK_SIZE:
            if (c->head_n + 1 >= sizeof c->head) {
                fail_conn(c, failed, "chunk size line too long");
                return;
            }
            c->head[c->head_n++] = p[i++];
            if (c->head_n >= 2 && c->head[c->head_n - 2] == '\r' &&
                c->head[c->head_n - 1] == '\n') {
                c->head[c->head_n] = '\0';
                c->chunk_left = strtoul(c->head, NULL, 16);
                c->head_n = 0;
                if (c->chunk_left == 0) {   /* the last chunk: the stream ended */
                    if (!c->terminal)
                        fail_conn(c, failed, "stream ended before done");
                    c->state = DONE;
                    return;
                }
                c->state = CHUNK_DATA;
            }
            break;
        case CHUNK_DATA: {
            size_t k = n - i < c->chunk_left ? n - i : c->chunk_left;
            for (size_t j = 0; j < k; j++)
                sse_byte(c, p[i + j], now);
            i += k;
            c->chunk_left -= k;
            if (c->chunk_left == 0)
                c->state = CHUNK_CRLF, c->head_n = 0;
            break;
        }
        case CHUNK_CRLF:
            if (++c->head_n == 2)
                c->state = CHUNK_SIZE, c->head_n = 0;
            i++;
            break;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

/* The relay's CPU seconds (utime + stime) and peak RSS in KiB, from /proc. */
static void proc_usage(long pid, double *cpu, long *hwm_kb)
{
    char path[64], buf[4096];
    *cpu = 0, *hwm_kb = 0;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        char *p = strrchr(buf, ')');
        unsigned long ut = 0, st = 0;
        /* fields after the name: state(3) ... utime(14) stime(15) */
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                        &ut, &st) == 2)
            *cpu = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    }
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if (f) {
        while (fgets(buf, sizeof buf, f))
            if (strncmp(buf, "VmHWM:", 6) == 0)
                *hwm_kb = atol(buf + 6);
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    if (argc < 6 || argc > 8) {
        fprintf(stderr, "usage: %s N BASE_URL TOKEN MACHINE_ID PROMPT [DELAY_MS [RELAY_PID]]\n",
                argv[0]);
        return 2;
    }
    long n = atol(argv[1]), delay_ms = argc > 6 ? atol(argv[6]) : 0;
    long pid = argc > 7 ? atol(argv[7]) : 0;
    const char *base = argv[2];
    if (strncmp(base, "http://", 7) != 0 || n <= 0) {
        fprintf(stderr, "streams_load: BASE_URL must be http://HOST:PORT, N > 0\n");
        return 2;
    }
    char host[64] = "127.0.0.1";
    int port = 80;
    if (sscanf(base + 7, "%63[^:/]:%d", host, &port) < 1) {
        fprintf(stderr, "streams_load: cannot read %s\n", base);
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
                  &sa.sin_addr) != 1) {
        fprintf(stderr, "streams_load: %s is not an IPv4 address\n", host);
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* The prompt goes in a JSON string: escape what JSON needs. */
    size_t pl = strlen(argv[5]);
    char *body = malloc(pl * 6 + 128), *o = body;
    o += sprintf(o, "{\"prompt\":\"");
    for (const char *s = argv[5]; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            *o++ = '\\', *o++ = (char)ch;
        else if (ch < 0x20)
            o += sprintf(o, "\\u%04x", ch);
        else
            *o++ = (char)ch;
    }
    o += sprintf(o, "\",\"session_id\":\"0123456789abcdef0123456789abcdef\"}");
    size_t body_len = (size_t)(o - body);
    request = malloc(body_len + 1024);
    request_len = (size_t)sprintf(request,
        "POST /api/admin/machines/%s/ask HTTP/1.1\r\nHost: %s:%d\r\n"
        "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
        argv[4], host, port, argv[3], body_len, body);
    free(body);

    conn *cs = calloc((size_t)n, sizeof *cs);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    double cpu0_relay = 0;
    long hwm = 0;
    if (pid)
        proc_usage(pid, &cpu0_relay, &hwm);
    double t0 = bench_now(), c0 = bench_cpu();
    long failed = 0, live = 0;
    for (long i = 0; i < n; i++) {
        conn *c = &cs[i];
        c->t_open = bench_now();
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) {
            fail_conn(c, &failed, strerror(errno));
            continue;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
            fail_conn(c, &failed, strerror(errno));
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        live++;
    }
    double t_opened = 0;       /* when the last response head arrived */
    long heads = 0;
    static char buf[65536];
    struct epoll_event evs[256];
    while (live > 0) {
        int k = epoll_wait(ep, evs, 256, 120000);
        if (k <= 0) {
            fprintf(stderr, "streams_load: no progress for 120 s, %ld streams open\n", live);
            break;
        }
        double now = bench_now();
        for (int e = 0; e < k; e++) {
            conn *c = evs[e].data.ptr;
            if (c->state == DONE)
                continue;
            if ((evs[e].events & EPOLLOUT) && c->sent < request_len) {
                ssize_t w = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
                if (w > 0)
                    c->sent += (size_t)w;
                else if (w < 0 && errno != EAGAIN)
                    fail_conn(c, &failed, strerror(errno));
                if (c->sent == request_len) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (c->state != DONE && (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                for (;;) {
                    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
                    if (r > 0) {
                        bool in_head = c->state == HEAD;
                        feed(c, buf, (size_t)r, now, &failed);
                        if (in_head && c->state != HEAD) {
                            heads++;
                            t_opened = now;
                        }
                        if (c->state == DONE)
                            break;
                        continue;
                    }
                    if (r == 0)
                        fail_conn(c, &failed, "connection closed early");
                    else if (errno != EAGAIN)
                        fail_conn(c, &failed, strerror(errno));
                    break;
                }
            }
            if (c->state == DONE) {
                close(c->fd);
                c->fd = -1;
                live--;
            }
        }
    }
    double wall = bench_now() - t0, cpu = bench_cpu() - c0;
    double cpu_relay = 0;
    if (pid) {
        double c1;
        proc_usage(pid, &c1, &hwm);
        cpu_relay = c1 - cpu0_relay;
    }
    long frames = 0;
    double *first = malloc((size_t)n * sizeof *first), *drift = malloc((size_t)n * sizeof *drift);
    size_t nf = 0, nd = 0;
    for (long i = 0; i < n; i++) {
        conn *c = &cs[i];
        frames += c->frames;
        if (c->frames > 0)
            first[nf++] = (c->t_first - c->t_open) * 1000;
        if (c->frames > 1 && delay_ms > 0)
            drift[nd++] = (c->t_last - c->t_first) * 1000 - (double)(c->frames - 2) * (double)delay_ms;
        if (c->fd >= 0)
            close(c->fd);
    }
    qsort(first, nf, sizeof *first, cmp_double);
    qsort(drift, nd, sizeof *drift, cmp_double);
    printf("{\"ops\": %ld, \"frames\": %ld, \"failed\": %ld, \"wall_s\": %.6f, "
           "\"cpu_client_s\": %.6f, \"cpu_core_s\": 0, \"rss_client_kb\": %ld, "
           "\"rss_core_kb\": 0, \"opened_s\": %.3f, \"heads\": %ld, "
           "\"first_frame_ms\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
           "\"drift_ms\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
           "\"relay_cpu_s\": %.3f, \"relay_peak_rss_kb\": %ld}\n",
           n - failed, frames, failed, wall, cpu, bench_maxrss_kb(),
           t_opened > 0 ? t_opened - t0 : 0, heads, pct(first, nf, .5), pct(first, nf, .99),
           nf ? first[nf - 1] : 0, pct(drift, nd, .5), pct(drift, nd, .99),
           nd ? drift[nd - 1] : 0, cpu_relay, hwm);
    free(first);
    free(drift);
    free(cs);
    free(request);
    close(ep);
    return failed ? 1 : 0;
}
#endif
