/*
 * port_net.h — INTERNAL: the relay's socket needs, on POSIX and Windows
 * (the rest of the portability layer: port.h). Including it brings the
 * platform's socket headers: sockaddr_in, inet_pton/inet_ntop, htons.
 */
#ifndef CMDOP__PORT_NET_H
#define CMDOP__PORT_NET_H

#include <stdbool.h>
#include <stddef.h>

#ifdef _WIN32
#  include <winsock2.h>
#  include <ws2tcpip.h>
typedef SOCKET cmdop__socket;
#  define CMDOP__NO_SOCKET INVALID_SOCKET
#else
#  include <arpa/inet.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
typedef int cmdop__socket;
#  define CMDOP__NO_SOCKET (-1)
#endif

/* True when the peer of the connected socket fd closed its end (EOF or a
 * reset, seen by a non-blocking peek that consumes nothing); false when it
 * is still open or fd is CMDOP__NO_SOCKET. For a server whose client sends
 * nothing more after its request (an SSE reader). */
bool cmdop__port_peer_closed(cmdop__socket fd);

/* ---- a client socket (the bots' WebSocket; docs/runtime.md "Windows") ---- */

/* Starts the socket library once per process (Windows: WSAStartup; POSIX:
 * nothing). Thread-safe. 0, or -1 when it cannot start. */
int cmdop__port_net_init(void);

/* A TCP connection to host:port (each address getaddrinfo gives, in turn),
 * non-blocking and close-on-exec, made within timeout_ms. The socket, or
 * CMDOP__NO_SOCKET with a message in err[errcap]. Close it with
 * cmdop__port_sock_close. */
cmdop__socket cmdop__port_tcp_connect(const char *host, const char *port, long timeout_ms,
                                      char *err, size_t errcap);

/* On a non-blocking socket: the bytes moved (>0), 0 when it would block, -1
 * when the peer closed or the socket failed. A send to a peer that went away
 * fails instead of raising SIGPIPE. */
long cmdop__port_sock_recv(cmdop__socket s, void *buf, size_t len);
long cmdop__port_sock_send(cmdop__socket s, const void *buf, size_t len);

/* Waits at most ms (0: a poll) until s is readable (in) or writable (out):
 * 1 ready (a closed peer or an error counts: the next recv/send says), 0
 * timed out, -1 failed. */
int cmdop__port_sock_wait(cmdop__socket s, bool in, bool out, long ms);

/* Closes s (CMDOP__NO_SOCKET: nothing). */
void cmdop__port_sock_close(cmdop__socket s);

#endif /* CMDOP__PORT_NET_H */
