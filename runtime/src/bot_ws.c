/* bot_ws.c — see bot_ws.h. */
#include "bot_ws.h"
#include "port_net.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wslay/wslay.h>

typedef struct ws_msg {
    char *text;
    struct ws_msg *next;
} ws_msg;

struct bot_ws {
    cmdop__socket fd;
    SSL_CTX *ctx;
    SSL *ssl;
    wslay_event_context_ptr ev;
    unsigned char *pre; /* bytes read past the handshake's answer */
    size_t pre_len, pre_off;
    ws_msg *head, *tail;
    bool closed;
    int close_code;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- raw I/O (TLS or not), on a non-blocking socket ---- */

/* >0 bytes, 0 would block, -1 closed or failed. */
static ssize_t raw_read(bot_ws *ws, void *buf, size_t len)
{
    if (ws->ssl) {
        int n = SSL_read(ws->ssl, buf, (int)len);
        if (n > 0)
            return n;
        int e = SSL_get_error(ws->ssl, n);
        return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
    }
    return cmdop__port_sock_recv(ws->fd, buf, len);
}

static ssize_t raw_write(bot_ws *ws, const void *buf, size_t len)
{
    if (ws->ssl) {
        int n = SSL_write(ws->ssl, buf, (int)len);
        if (n > 0)
            return n;
        int e = SSL_get_error(ws->ssl, n);
        return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
    }
    return cmdop__port_sock_send(ws->fd, buf, len);
}

static int wait_fd(bot_ws *ws, bool in, bool out, long ms)
{
    if (ws->ssl && in && SSL_pending(ws->ssl) > 0)
        return 1;
    return cmdop__port_sock_wait(ws->fd, in, out, ms < 0 ? 0 : ms);
}

/* Write all of buf within the deadline. */
static int write_all(bot_ws *ws, const char *buf, size_t len, long deadline)
{
    while (len) {
        ssize_t n = raw_write(ws, buf, len);
        if (n < 0)
            return -1;
        if (n == 0) {
            if (now_ms() >= deadline || wait_fd(ws, true, true, deadline - now_ms()) < 0)
                return -1;
            continue;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- wslay callbacks ---- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                       void *user)
{
    bot_ws *ws = user;
    if (ws->pre_off < ws->pre_len) {
        size_t n = ws->pre_len - ws->pre_off;
        if (n > len)
            n = len;
        memcpy(buf, ws->pre + ws->pre_off, n);
        ws->pre_off += n;
        return (ssize_t)n;
    }
    ssize_t n = raw_read(ws, buf, len);
    if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n < 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    ssize_t n = raw_write(user, data, len);
    if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n < 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static int on_mask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
    bot_ws *ws = user;
    if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
        ws->closed = true;
        ws->close_code = arg->status_code;
        return;
    }
    if (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME)
        return;
    ws_msg *m = calloc(1, sizeof *m);
    if (!m || !(m->text = malloc(arg->msg_length + 1))) {
        free(m);
        return;
    }
    memcpy(m->text, arg->msg, arg->msg_length);
    m->text[arg->msg_length] = '\0';
    if (ws->tail)
        ws->tail->next = m;
    else
        ws->head = m;
    ws->tail = m;
}

/* ---- connect + upgrade ---- */

typedef struct url_parts {
    bool tls;
    char host[256];
    char port[8];
    char path[2048];
} url_parts;

static int parse_url(const char *url, url_parts *u)
{
    const char *p;
    if (strncasecmp(url, "wss://", 6) == 0) {
        u->tls = true;
        p = url + 6;
    } else if (strncasecmp(url, "ws://", 5) == 0) {
        u->tls = false;
        p = url + 5;
    } else {
        return -1;
    }
    size_t hl = strcspn(p, ":/?");
    if (hl == 0 || hl >= sizeof u->host)
        return -1;
    memcpy(u->host, p, hl);
    u->host[hl] = '\0';
    p += hl;
    snprintf(u->port, sizeof u->port, "%s", u->tls ? "443" : "80");
    if (*p == ':') {
        size_t pl = strcspn(p + 1, "/?");
        if (pl == 0 || pl >= sizeof u->port)
            return -1;
        memcpy(u->port, p + 1, pl);
        u->port[pl] = '\0';
        p += 1 + pl;
    }
    snprintf(u->path, sizeof u->path, "%s%s", *p == '/' ? "" : "/", p);
    return 0;
}

static cmdop__socket tcp_connect(const url_parts *u, long deadline, char *err, size_t errcap)
{
    return cmdop__port_tcp_connect(u->host, u->port, deadline - now_ms(), err, errcap);
}

static int tls_start(bot_ws *ws, const cmdop__net *net, const url_parts *u, long deadline,
                     char *err, size_t errcap)
{
    ws->ctx = SSL_CTX_new(TLS_client_method());
    if (!ws->ctx)
        return -1;
    SSL_CTX_set_min_proto_version(ws->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ws->ctx, SSL_VERIFY_PEER, NULL);
    if (net && (net->ca_file || net->ca_dir))
        SSL_CTX_load_verify_locations(ws->ctx, net->ca_file, net->ca_dir);
    else
        SSL_CTX_set_default_verify_paths(ws->ctx);
    ws->ssl = SSL_new(ws->ctx);
    if (!ws->ssl)
        return -1;
    SSL_set_fd(ws->ssl, (int)ws->fd);   /* a SOCKET fits an int on Windows too */
    SSL_set_tlsext_host_name(ws->ssl, u->host);
    SSL_set1_host(ws->ssl, u->host);
    for (;;) {
        int r = SSL_connect(ws->ssl);
        if (r == 1)
            return 0;
        int e = SSL_get_error(ws->ssl, r);
        long left = deadline - now_ms();
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || left <= 0) {
            long v = SSL_get_verify_result(ws->ssl);
            snprintf(err, errcap, "TLS handshake with %s failed%s%s", u->host,
                     v != X509_V_OK ? ": " : "",
                     v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
            return -1;
        }
        cmdop__port_sock_wait(ws->fd, e == SSL_ERROR_WANT_READ, e != SSL_ERROR_WANT_READ, left);
    }
}

static void b64(const unsigned char *in, int n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, n);
}

static int upgrade(bot_ws *ws, const url_parts *u, long deadline, char *err, size_t errcap)
{
    unsigned char raw[16];
    char key[32], req[3072];
    RAND_bytes(raw, sizeof raw);
    b64(raw, sizeof raw, key);
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\nUser-Agent: cmdop-core\r\n\r\n",
                     u->path, u->host,
                     (strcmp(u->port, u->tls ? "443" : "80") != 0) ? ":" : "",
                     (strcmp(u->port, u->tls ? "443" : "80") != 0) ? u->port : "", key);
    if (n <= 0 || (size_t)n >= sizeof req || write_all(ws, req, (size_t)n, deadline) != 0) {
        snprintf(err, errcap, "cannot send the WebSocket upgrade to %s", u->host);
        return -1;
    }
    char resp[8192];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= sizeof resp) {
            snprintf(err, errcap, "WebSocket upgrade answer too long");
            return -1;
        }
        ssize_t r = raw_read(ws, resp + len, sizeof resp - 1 - len);
        if (r < 0) {
            snprintf(err, errcap, "connection closed during the WebSocket upgrade");
            return -1;
        }
        if (r == 0) {
            long left = deadline - now_ms();
            if (left <= 0) {
                snprintf(err, errcap, "no WebSocket upgrade answer in time");
                return -1;
            }
            wait_fd(ws, true, false, left);
            continue;
        }
        len += (size_t)r;
        resp[len] = '\0';
        end = strstr(resp, "\r\n\r\n");
    }
    if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
        int status = 0;
        sscanf(resp, "HTTP/%*s %d", &status);
        snprintf(err, errcap, "WebSocket upgrade refused: HTTP %d", status);
        return -1;
    }
    /* Sec-WebSocket-Accept = base64(SHA1(key + the RFC 6455 GUID)) */
    char cat[96];
    unsigned char sha[SHA_DIGEST_LENGTH];
    char want[64];
    snprintf(cat, sizeof cat, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    SHA1((const unsigned char *)cat, strlen(cat), sha);
    b64(sha, SHA_DIGEST_LENGTH, want);
    bool ok = false;
    for (char *line = strstr(resp, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Sec-WebSocket-Accept:", 21) == 0) {
            const char *v = line + 2 + 21;
            while (*v == ' ')
                v++;
            ok = strncmp(v, want, strlen(want)) == 0;
        }
    }
    if (!ok) {
        snprintf(err, errcap, "WebSocket upgrade: bad Sec-WebSocket-Accept");
        return -1;
    }
    size_t extra = len - (size_t)(end + 4 - resp);
    if (extra) {
        ws->pre = malloc(extra);
        if (!ws->pre)
            return -1;
        memcpy(ws->pre, end + 4, extra);
        ws->pre_len = extra;
    }
    return 0;
}

int cmdop__bot_ws_connect(bot_ws **out, const cmdop__net *net, const char *url, long timeout_ms,
                          char *err, size_t errcap)
{
    *out = NULL;
    url_parts u;
    if (parse_url(url, &u) != 0) {
        snprintf(err, errcap, "not a ws:// or wss:// URL");
        return -1;
    }
    bot_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return -1;
    long deadline = now_ms() + timeout_ms;
    ws->fd = tcp_connect(&u, deadline, err, errcap);
    if (ws->fd == CMDOP__NO_SOCKET || (u.tls && tls_start(ws, net, &u, deadline, err, errcap) != 0) ||
        upgrade(ws, &u, deadline, err, errcap) != 0) {
        cmdop__bot_ws_close(ws, 0);
        return -1;
    }
    struct wslay_event_callbacks cb = {.recv_callback = on_recv, .send_callback = on_send,
                                       .genmask_callback = on_mask, .on_msg_recv_callback = on_msg};
    if (wslay_event_context_client_init(&ws->ev, &cb, ws) != 0) {
        snprintf(err, errcap, "out of memory");
        cmdop__bot_ws_close(ws, 0);
        return -1;
    }
    *out = ws;
    return 0;
}

static int flush(bot_ws *ws, long deadline)
{
    while (wslay_event_want_write(ws->ev)) {
        if (wslay_event_send(ws->ev) != 0)
            return -1;
        if (!wslay_event_want_write(ws->ev))
            break;
        long left = deadline - now_ms();
        if (left <= 0 || wait_fd(ws, false, true, left) < 0)
            return -1;
    }
    return 0;
}

int cmdop__bot_ws_recv(bot_ws *ws, char **msg, long timeout_ms, int *close_code)
{
    *msg = NULL;
    *close_code = 0;
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        if (ws->head) {
            ws_msg *m = ws->head;
            ws->head = m->next;
            if (!ws->head)
                ws->tail = NULL;
            *msg = m->text;
            free(m);
            return 1;
        }
        if (ws->closed) {
            flush(ws, now_ms() + 1000); /* wslay queued the close reply */
            *close_code = ws->close_code;
            return -1;
        }
        if (flush(ws, now_ms() + 5000) != 0)
            return -1;
        bool buffered = ws->pre_off < ws->pre_len;
        long left = deadline - now_ms();
        if (!buffered) {
            if (left <= 0)
                return 0;
            int r = wait_fd(ws, true, false, left);
            if (r < 0)
                return -1;
            if (r == 0)
                return 0;
        }
        if (wslay_event_recv(ws->ev) != 0)
            return -1;
        if (!ws->head && !ws->closed && !wslay_event_want_read(ws->ev))
            return -1;
        /* A peer that closed the TCP stream without a close frame. */
        if (!ws->head && !ws->closed && !buffered) {
            char probe;
            if (!ws->ssl && recv(ws->fd, &probe, 1, MSG_PEEK) == 0)
                return -1;
        }
    }
}

int cmdop__bot_ws_send(bot_ws *ws, const char *text)
{
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text, strlen(text)};
    if (wslay_event_queue_msg(ws->ev, &m) != 0)
        return -1;
    return flush(ws, now_ms() + 10000);
}

void cmdop__bot_ws_close(bot_ws *ws, int code)
{
    if (!ws)
        return;
    if (ws->ev && code > 0 && !ws->closed) {
        wslay_event_queue_close(ws->ev, (uint16_t)code, NULL, 0);
        flush(ws, now_ms() + 1000);
    }
    if (ws->ev)
        wslay_event_context_free(ws->ev);
    while (ws->head) {
        ws_msg *m = ws->head;
        ws->head = m->next;
        free(m->text);
        free(m);
    }
    if (ws->ssl) {
        SSL_shutdown(ws->ssl);
        SSL_free(ws->ssl);
    }
    if (ws->ctx)
        SSL_CTX_free(ws->ctx);
    cmdop__port_sock_close(ws->fd);
    free(ws->pre);
    free(ws);
}
