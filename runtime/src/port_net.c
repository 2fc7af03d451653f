/* port_net.c — see port_net.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "port_net.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifndef _WIN32

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

bool cmdop__port_peer_closed(cmdop__socket fd)
{
    if (fd < 0)
        return false;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLHUP | POLLERR))
        return true;
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                      errno != EINTR);
}

int cmdop__port_net_init(void)
{
    return 0;
}

/* Starts a non-blocking connect of a new socket to a: the socket, or -1. */
static cmdop__socket start_connect(const struct addrinfo *a)
{
#ifdef SOCK_CLOEXEC
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
        return -1;
#else /* macOS: no SOCK_CLOEXEC */
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 0 once the connect of fd succeeded within ms, else -1. */
static int finish_connect(cmdop__socket fd, long ms)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, (int)(ms > 0 ? ms : 0)) != 1 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)
        return -1;
    return 0;
}

long cmdop__port_sock_recv(cmdop__socket s, void *buf, size_t len)
{
    ssize_t n = recv(s, buf, len, 0);
    if (n > 0)
        return (long)n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1;
}

long cmdop__port_sock_send(cmdop__socket s, const void *buf, size_t len)
{
    ssize_t n = send(s, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return (long)n;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

int cmdop__port_sock_wait(cmdop__socket s, bool in, bool out, long ms)
{
    struct pollfd p = {.fd = s, .events = (short)((in ? POLLIN : 0) | (out ? POLLOUT : 0))};
    int r = poll(&p, 1, (int)(ms > 0 ? ms : 0));
    return r < 0 ? (errno == EINTR ? 0 : -1) : r > 0;
}

void cmdop__port_sock_close(cmdop__socket s)
{
    if (s >= 0)
        close(s);
}

#else /* _WIN32 */

#include <pthread.h>

bool cmdop__port_peer_closed(cmdop__socket fd)
{
    if (fd == INVALID_SOCKET)
        return false;
    WSAPOLLFD p = {.fd = fd, .events = POLLRDNORM};
    if (WSAPoll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return true;
    /* readable: the peek cannot block */
    char c;
    int n = recv(fd, &c, 1, MSG_PEEK);
    return n == 0 || (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK &&
                      WSAGetLastError() != WSAEINTR);
}

static pthread_once_t wsa_once = PTHREAD_ONCE_INIT;
static int wsa_rc = -1;

static void wsa_start(void)
{
    WSADATA d;
    wsa_rc = WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 0 : -1;
}

int cmdop__port_net_init(void)
{
    pthread_once(&wsa_once, wsa_start);
    return wsa_rc;
}

static cmdop__socket start_connect(const struct addrinfo *a)
{
    /* WSASocket without WSA_FLAG_NO_HANDLE_INHERIT would leak the socket
     * into child processes: the close-on-exec of POSIX */
    SOCKET s = WSASocketW(a->ai_family, a->ai_socktype, a->ai_protocol, NULL, 0,
                          WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET)
        return INVALID_SOCKET;
    u_long on = 1;
    if (ioctlsocket(s, FIONBIO, &on) != 0 ||
        (connect(s, a->ai_addr, (int)a->ai_addrlen) != 0 &&
         WSAGetLastError() != WSAEWOULDBLOCK)) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

/* select, not WSAPoll: WSAPoll does not report a refused connect on older
 * Windows 10 releases. */
static int finish_connect(cmdop__socket s, long ms)
{
    fd_set w, e;
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(s, &w);
    FD_SET(s, &e);
    struct timeval tv = {.tv_sec = ms > 0 ? ms / 1000 : 0,
                         .tv_usec = ms > 0 ? (ms % 1000) * 1000 : 0};
    if (select(0, NULL, &w, &e, &tv) != 1 || !FD_ISSET(s, &w))
        return -1;
    int soerr = 0, sl = sizeof soerr;
    if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&soerr, &sl) != 0 || soerr != 0)
        return -1;
    return 0;
}

long cmdop__port_sock_recv(cmdop__socket s, void *buf, size_t len)
{
    int n = recv(s, buf, len > 0x7fffffff ? 0x7fffffff : (int)len, 0);
    if (n > 0)
        return n;
    if (n < 0 && (WSAGetLastError() == WSAEWOULDBLOCK || WSAGetLastError() == WSAEINTR))
        return 0;
    return -1;
}

long cmdop__port_sock_send(cmdop__socket s, const void *buf, size_t len)
{
    int n = send(s, buf, len > 0x7fffffff ? 0x7fffffff : (int)len, 0);
    if (n >= 0)
        return n;
    return WSAGetLastError() == WSAEWOULDBLOCK || WSAGetLastError() == WSAEINTR ? 0 : -1;
}

int cmdop__port_sock_wait(cmdop__socket s, bool in, bool out, long ms)
{
    WSAPOLLFD p = {.fd = s, .events = (short)((in ? POLLRDNORM : 0) | (out ? POLLWRNORM : 0))};
    int r = WSAPoll(&p, 1, (int)(ms > 0 ? ms : 0));
    return r < 0 ? -1 : r > 0;
}

void cmdop__port_sock_close(cmdop__socket s)
{
    if (s != INVALID_SOCKET)
        closesocket(s);
}

#endif

cmdop__socket cmdop__port_tcp_connect(const char *host, const char *port, long timeout_ms,
                                      char *err, size_t errcap)
{
    if (cmdop__port_net_init() != 0) {
        snprintf(err, errcap, "cannot start the socket library");
        return CMDOP__NO_SOCKET;
    }
    long deadline = now_ms() + timeout_ms;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        snprintf(err, errcap, "cannot resolve %s: %s", host, gai_strerror(g));
        return CMDOP__NO_SOCKET;
    }
    cmdop__socket s = CMDOP__NO_SOCKET;
    for (struct addrinfo *a = res; a && s == CMDOP__NO_SOCKET; a = a->ai_next) {
        s = start_connect(a);
        if (s != CMDOP__NO_SOCKET && finish_connect(s, deadline - now_ms()) != 0) {
            cmdop__port_sock_close(s);
            s = CMDOP__NO_SOCKET;
        }
    }
    freeaddrinfo(res);
    if (s == CMDOP__NO_SOCKET)
        snprintf(err, errcap, "cannot connect to %s port %s", host, port);
    return s;
}
