/*
 * relay_ask_sse.c — one connection reading an ask stream. MHD calls the
 * reader on the connection's own thread whenever it can send more; the
 * reader hands out the stored frames after the client's position, blocks on
 * the stream's condition variable while the agent is quiet (sending
 * `: ping` heartbeats), and applies the one-shot injections (drop after
 * frame N, a malformed data line after frame N).
 *
 * How a connection ended is decided in release(): it is a cancel when the
 * client left before the terminal frame and neither the relay (injected
 * drop) nor a reset/shutdown closed it, and the stream was neither waiting
 * for a confirm nor handed over to a POST /confirm since this connection
 * started. A client that leaves
 * while the stream is quiet is noticed by peeking at the socket every
 * ASK_POLL_MS (an EOF there means it closed: an SSE client sends nothing
 * after its request).
 */
#include "relay_ask.h"

#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* What the malformed injection sends: a data line that is not JSON. */
#define ASK_MALFORMED "event: event\ndata: {\"type\": \"event\", \"payload\": \n\n"
#define ASK_PING ": ping\n\n"

typedef struct ask_sub {
    ask_stream *st;
    int fd;                    /* the client's socket, -1 if unknown */
    size_t next;               /* seq of the next frame to hand out */
    char *pending;             /* bytes being handed out (owned) */
    size_t plen, poff;
    bool ended;                /* the terminal frame was handed out */
    bool dropped;              /* the relay closed it (injected drop) */
    unsigned generation;       /* st->generation when it started */
    struct timespec last_out;  /* when bytes were last handed out */
} ask_sub;

/* True when the client closed its end (EOF or a reset on a peek). */
static bool client_gone(int fd)
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

/* Takes a copy of text as the bytes to hand out. */
static bool set_pending(ask_sub *sub, const char *text)
{
    free(sub->pending);
    sub->pending = strdup(text);
    sub->plen = sub->pending ? strlen(text) : 0;
    sub->poff = 0;
    return sub->pending != NULL;
}

static ssize_t copy_out(ask_sub *sub, char *buf, size_t max)
{
    size_t n = sub->plen - sub->poff;
    if (n > max)
        n = max;
    memcpy(buf, sub->pending + sub->poff, n);
    sub->poff += n;
    clock_gettime(CLOCK_MONOTONIC, &sub->last_out);
    return (ssize_t)n;
}

/* Decides what goes next; blocks while there is nothing. mu held. */
static ssize_t next_bytes(ask_sub *sub)
{
    ask_stream *st = sub->st;
    const ask_controls *c = &st->ctl;
    for (;;) {
        if (st->stopping)
            return RELAY_STREAM_ERROR;
        if (sub->ended)
            return RELAY_STREAM_END;
        size_t sent = sub->next - 1;   /* frames 1..sent are out */
        if (c->drop_after >= 0 && !st->drop_done &&
            sent == (size_t)c->drop_after) {
            st->drop_done = true;
            sub->dropped = true;
            return RELAY_STREAM_ERROR;
        }
        if (c->malformed_after >= 0 && !st->malformed_done &&
            sent == (size_t)c->malformed_after) {
            st->malformed_done = true;
            return set_pending(sub, ASK_MALFORMED) ? 0 : RELAY_STREAM_ERROR;
        }
        if (sub->next <= st->n_frames) {
            if (!set_pending(sub, st->frames[sub->next - 1]))
                return RELAY_STREAM_ERROR;
            sub->ended = st->terminal && sub->next == st->n_frames;
            sub->next++;
            return 0;
        }
        if (st->cancelled)   /* another connection of it was cancelled */
            return RELAY_STREAM_ERROR;
        if (st->agent_done)  /* stopped without a terminal frame */
            return RELAY_STREAM_ERROR;
        /* Quiet: wait for a frame, the next heartbeat or the next look at
         * the socket, whichever comes first. */
        struct timespec until = ask_deadline(ASK_POLL_MS);
        long hb = c->heartbeat_ms;
        if (hb > 0) {
            struct timespec beat = sub->last_out;
            beat.tv_sec += hb / 1000;
            beat.tv_nsec += (hb % 1000) * 1000000L;
            if (beat.tv_nsec >= 1000000000L)
                beat.tv_sec++, beat.tv_nsec -= 1000000000L;
            if (ask_ms_between(beat, until) > 0)
                until = beat;
        }
        int w = pthread_cond_timedwait(&st->cv, &st->mu, &until);
        if (w == 0)
            continue;            /* something changed: look again */
        if (client_gone(sub->fd))
            return RELAY_STREAM_ERROR;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (hb > 0 && ask_ms_between(sub->last_out, now) >= hb &&
            sub->next > st->n_frames)
            return set_pending(sub, ASK_PING) ? 0 : RELAY_STREAM_ERROR;
    }
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    ask_sub *sub = cls;
    if (sub->poff < sub->plen)
        return copy_out(sub, buf, max);
    pthread_mutex_lock(&sub->st->mu);
    ssize_t rc = next_bytes(sub);
    pthread_mutex_unlock(&sub->st->mu);
    return rc < 0 ? rc : copy_out(sub, buf, max);
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
    if (current && !parked && !sub->ended && !sub->dropped &&
        !st->stopping && !st->cancelled) {
        st->cancelled = true;       /* the agent stops at its next step */
        atomic_fetch_add(&reg->cancelled, 1);
    }
    if (--st->subscribers == 0)
        clock_gettime(CLOCK_MONOTONIC, &st->idle_since);
    pthread_cond_broadcast(&st->cv);
    pthread_mutex_unlock(&st->mu);
    pthread_mutex_unlock(&reg->mu);
    free(sub->pending);
    free(sub);
}

bool relay_ask_serve(relay_resp *out, ask_stream *st, void *conn,
                     size_t after_seq)
{
    ask_sub *sub = calloc(1, sizeof *sub);
    if (!sub)
        return false;
    sub->st = st;
    sub->next = after_seq + 1;
    sub->fd = -1;
    const union MHD_ConnectionInfo *ci = conn
        ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD)
        : NULL;
    if (ci)
        sub->fd = ci->connect_fd;
    clock_gettime(CLOCK_MONOTONIC, &sub->last_out);
    pthread_mutex_lock(&st->mu);
    st->subscribers++;
    sub->generation = st->generation;
    pthread_mutex_unlock(&st->mu);
    relay_stream(out, "text/event-stream", sse_read, sse_release, sub);
    return true;
}
