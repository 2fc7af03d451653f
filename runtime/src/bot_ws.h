/*
 * bot_ws.h — INTERNAL: a WebSocket client for the bot engine (Discord
 * Gateway, Slack Socket Mode). RFC 6455 framing, masking, ping/pong and
 * the close handshake are wslay's; this file adds the TCP connection,
 * TLS for wss:// (OpenSSL: peer and host name verified, TLS 1.2 at least,
 * the client's CA file) and the HTTP Upgrade handshake. ws:// is plain TCP
 * (the local fakes). One thread uses a connection at a time.
 */
#ifndef CMDOP__BOT_WS_H
#define CMDOP__BOT_WS_H

#include <stddef.h>

#include "http_loop.h"

typedef struct bot_ws bot_ws;

/* Connect and upgrade. 0 with *out NEW (bot_ws_close), or -1 with a
 * message in err (no URL query in it: Slack's carries a ticket). */
int cmdop__bot_ws_connect(bot_ws **out, const cmdop__net *net, const char *url, long timeout_ms,
                          char *err, size_t errcap);

/* The next text message, waiting at most timeout_ms: 1 and *msg NEW
 * (free()); 0 on timeout; -1 when the connection closed or failed
 * (*close_code: the peer's close code, or 0 when it just dropped). */
int cmdop__bot_ws_recv(bot_ws *ws, char **msg, long timeout_ms, int *close_code);

/* Send one text message. 0 or -1. */
int cmdop__bot_ws_send(bot_ws *ws, const char *text);

/* Send a close frame with `code` (0: none, just drop), then free. NULL ok. */
void cmdop__bot_ws_close(bot_ws *ws, int code);

#endif /* CMDOP__BOT_WS_H */
