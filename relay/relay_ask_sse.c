/*
 * relay_ask_sse.c — one connection reading an ask stream. libmicrohttpd
 * calls the reader on its daemon thread whenever the socket can take more;
 * the reader copies as many stored frames after the client's position as
 * fit, applies the one-shot injections (drop after frame N, a malformed data
 * line after frame N) and sends `: ping` heartbeats. With nothing to send
 * it never blocks: it suspends the connection and leaves it to the
 * scheduler (relay_ask_sched.c), which resumes it on a new frame, the end
 * of the agent, a stop, a due heartbeat, or the client leaving.
 *
 * How a connection ended is decided in release(): it is a cancel when the
 * client left before the terminal frame and neither the relay (injected
 * drop) nor a reset/shutdown closed it, and the stream was neither waiting
 * for a confirm nor handed over to a POST /confirm since this connection
 * started.
 */
#include "relay_ask.h"

#include "port.h"
#include "port_net.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* What the malformed injection sends: a data line that is not JSON. */
#define ASK_MALFORMED "event: event\ndata: {\"type\": \"event\", \"payload\": \n\n"
#define ASK_PING ": ping\n\n"

/* Copies from src (len bytes, sub->off already out) into buf; true when
 * all of src is out. */
static bool copy_part(ask_sub *sub, const char *src, size_t len, char *buf,
                      size_t max, size_t *n)
{
    size_t k = len - sub->off;
    if (k > max - *n)
        k = max - *n;
    memcpy(buf + *n, src + sub->off, k);
    *n += k;
    sub->off += k;
    if (sub->off < len)
        return false;
    sub->off = 0;
    return true;
}

/* Fills buf with what is due; mu held. Returns the bytes, or 0 after
 * suspending the connection, or an END/ERROR code. */
static ssize_t fill(ask_sub *sub, char *buf, size_t max)
{
    ask_stream *st = sub->st;
    const ask_controls *c = &st->ctl;
    size_t n = 0;
    while (n < max) {
        if (st->stopping || sub->gone)
            return RELAY_STREAM_ERROR;
        if (sub->lit) {
            if (copy_part(sub, sub->lit, strlen(sub->lit), buf, max, &n))
                sub->lit = NULL;
            continue;
        }
        if (sub->ended)
            return n ? (ssize_t)n : RELAY_STREAM_END;
        size_t sent = sub->next - 1;   /* frames 1..sent are out */
        if (sub->off == 0 && c->drop_after >= 0 && !st->drop_done &&
            sent == (size_t)c->drop_after) {
            if (n)
                break;                 /* send what is here first */
            st->drop_done = true;
            sub->dropped = true;
            return RELAY_STREAM_ERROR;
        }
        if (sub->off == 0 && c->malformed_after >= 0 && !st->malformed_done &&
            sent == (size_t)c->malformed_after) {
            st->malformed_done = true;
            sub->lit = ASK_MALFORMED;
            continue;
        }
        if (sub->next <= st->n_frames) {
            if (copy_part(sub, st->frames[sub->next - 1],
                          st->frame_lens[sub->next - 1], buf, max, &n)) {
                sub->ended = st->terminal && sub->next == st->n_frames;
                sub->next++;
            }
            continue;
        }
        if (n)
            break;
        if (st->cancelled || st->agent_done)   /* ended without a terminal */
            return RELAY_STREAM_ERROR;
        long long now = ask_now_ms(), hb = c->heartbeat_ms;
        if (hb > 0 && now - sub->last_out_ms >= hb) {
            sub->lit = ASK_PING;
            continue;
        }
        /* Nothing due: park until the scheduler resumes us. */
        if (!sub->conn)                /* no connection to park: cannot wait */
            return RELAY_STREAM_ERROR;
        MHD_suspend_connection(sub->conn);
        sub->suspended = true;
        relay_ask_watch(st->reg->sched, sub, sub->fd);
        long long due = hb > 0 ? sub->last_out_ms + hb : 0;
#if !defined(__linux__) || defined(RELAY_ASK_NO_EPOLL)
        /* No socket watch: the heartbeat check also peeks at the client. */
        if (due == 0 || due > now + ASK_POLL_MS)
            due = now + ASK_POLL_MS;
#endif
        if (due)
            relay_ask_heartbeat_at(st->reg->sched, st, due);
        return 0;
    }
    return (ssize_t)n;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    ask_sub *sub = cls;
    pthread_mutex_lock(&sub->st->mu);
    ssize_t rc = fill(sub, buf, max);
    if (rc > 0)
        sub->last_out_ms = ask_now_ms();
    else if (rc < 0)   /* the response ends: stop watching its socket */
        relay_ask_unwatch(sub->st->reg->sched, sub);
    pthread_mutex_unlock(&sub->st->mu);
    return rc;
}

static void sse_release(void *cls)
{
    ask_sub *sub = cls;
    ask_stream *st = sub->st;
    relay_ask_registry *reg = st->reg;
    pthread_mutex_lock(&reg->mu);   /* keeps the sweep off this stream */
    pthread_mutex_lock(&st->mu);
    /* A reader the stream was handed away from (POST /confirm took over)
     * may leave: the official core closes the ask connection then. So may
     * one while a confirm is pending, whichever comes first: the answer
     * takes the stream over (a stream nobody confirms is swept when unread
     * for ASK_KEEP_MS). */
    bool current = sub->generation == st->generation;
    bool parked = st->waiting == ASK_WAIT_CONFIRM && !st->answered;
    bool cancel = current && !parked && !sub->ended && !sub->dropped &&
                  !st->stopping && !st->cancelled;
    if (cancel) {
        st->cancelled = true;       /* the agent stops at its next step */
        atomic_fetch_add(&reg->cancelled, 1);
    }
    for (ask_sub **l = &st->subs; *l; l = &(*l)->next_sub)
        if (*l == sub) {
            *l = sub->next_sub;
            break;
        }
    if (--st->subscribers == 0)
        clock_gettime(CLOCK_MONOTONIC, &st->idle_since);
    relay_ask_unwatch(reg->sched, sub);
    pthread_mutex_unlock(&st->mu);
    if (cancel)                     /* the agent and the other readers end */
        relay_ask_kick(reg->sched, st);
    /* The scheduler frees it: an event it already read may name it. */
    relay_ask_retire(reg->sched, sub);
    pthread_mutex_unlock(&reg->mu);
}

bool relay_ask_serve(relay_resp *out, ask_stream *st, const relay_req *q,
                     size_t after_seq)
{
    ask_sub *sub = calloc(1, sizeof *sub);
    if (!sub)
        return false;
    void *conn = q->conn;
    sub->st = st;
    sub->conn = conn;
    sub->chunked = conn && q->http11;
    sub->next = after_seq + 1;
    sub->fd = CMDOP__NO_SOCKET;
    const union MHD_ConnectionInfo *ci = conn
        ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD)
        : NULL;
    if (ci)
        sub->fd = ci->connect_fd;
    sub->last_out_ms = ask_now_ms();
    pthread_mutex_lock(&st->mu);
    st->subscribers++;
    sub->generation = st->generation;
    sub->next_sub = st->subs;
    st->subs = sub;
    pthread_mutex_unlock(&st->mu);
    relay_stream(out, "text/event-stream", sse_read, sse_release, sub);
    return true;
}
