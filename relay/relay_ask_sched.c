/*
 * relay_ask_sched.c — the one thread behind every ask stream: a min-heap of
 * timed entries (an agent's next step, a stream's heartbeat check), kicks
 * from other threads (an answer, a cancel, a stop), and the resumption of
 * suspended readers. On Linux it also watches the sockets of suspended
 * readers with epoll, so a client that leaves a quiet stream is seen at
 * once; elsewhere it peeks at them every ASK_POLL_MS. A reader's socket
 * joins that epoll set at its first suspension and stays in it until the
 * response ends (not an add and a delete per frame: those were two
 * syscalls a frame), and a released reader's struct is freed by this
 * thread between two epoll_waits, so an event already read for it never
 * touches freed memory.
 *
 * Why one thread: a thread per stream (and per connection) capped the relay
 * far below 10,000 concurrent streams and cost a context switch per frame.
 * Entries hold a reference on their stream, so a stream the registry forgot
 * lives until its last entry is popped.
 *
 * Batches: a timed entry runs at the first multiple of ASK_TICK_MS at or
 * after its time (kicks at once), and the resumptions a batch decides are
 * handed to libmicrohttpd together when the batch ends (flush_resumes).
 * Each resume costs libmicrohttpd an eventfd write and a wake of its
 * polling thread, and each polling pass that finds one resumed walks its
 * WHOLE list of suspended connections (libmicrohttpd 0.9.75
 * resume_suspended_connections): resumes spread over time make many passes
 * that each find a few; batched, one pass finds many (docs/performance.md
 * "The local relay": 2,000 paced streams, about 100 resumes a batch, half
 * the passes). The tick adds at most ASK_TICK_MS of lateness to a frame,
 * and pacing does not drift from it (relay_ask_agent.c counts from the due
 * times).
 */
#include "relay_ask.h"

#include "port.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
/* RELAY_ASK_NO_EPOLL builds the portable path on Linux too (to test it). */
#if defined(__linux__) && !defined(RELAY_ASK_NO_EPOLL)
#  include <errno.h>
#  include <sys/epoll.h>
#  include <sys/eventfd.h>
#  include <sys/socket.h>
#  include <sys/uio.h>
#  include <unistd.h>
#  define ASK_EPOLL 1
#endif

/* Frames one direct write may carry (a reader further behind is resumed
 * and libmicrohttpd streams them from the stored frames). */
#define ASK_DIRECT_MAX 16

/* A batch hands its resumes over at least every this many, so a huge batch
 * (thousands of streams opened at once) does not hold the first ones back. */
#define ASK_FLUSH_AT 1024

typedef enum { ENT_AGENT, ENT_HEARTBEAT } ent_kind;

typedef struct ent {
    long long at_ms;
    ask_stream *st;
    unsigned gen;        /* ENT_AGENT: st->agent_gen when queued */
    ent_kind kind;
} ent;

struct relay_ask_sched {
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* without epoll: the thread waits here */
    ent *heap;
    size_t n, cap;
    bool stop;
    pthread_t thread;
    ask_sub *dead;       /* released readers this thread frees (next_sub) */
    /* Connections (struct MHD_Connection *) this thread decided to resume
     * and has not yet: only this thread (or the one that joined it) touches
     * them. Their readers stay suspended, hence alive, until flushed. */
    void **resumes;
    size_t n_resumes, cap_resumes;
    /* Suspended readers with frames this thread writes itself at the end
     * of the batch (relay_ask_frames_ready; ask_sub.queued). */
    ask_sub **direct;
    size_t n_direct, cap_direct;
#ifdef ASK_EPOLL
    /* The second flushing thread (writer_main) and its hand-over. */
    pthread_t writer;
    bool w_started, w_stop, w_done;
    pthread_mutex_t wmu;
    pthread_cond_t wcv;
    ask_sub **w_list;
    size_t w_n;
#endif
    atomic_llong resumed, batches, direct_frames;   /* GET /_control/streams */
#ifdef ASK_EPOLL
    int ep, wake_fd;
#endif
};

long long ask_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the heap (mu held) ---------------------------------------------------- */
/* Four children a node: with 10,000 streams the heap holds ~20,000 entries
 * (each stream's next step and its heartbeat check), half a megabyte, and
 * a pop per frame; four-way halves the levels a sift walks, and a node's
 * children share one or two cache lines. */
#define HEAP_D 4

static bool heap_push(relay_ask_sched *s, ent e)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        ent *h = realloc(s->heap, cap * sizeof *h);
        if (!h)
            return false;
        s->heap = h, s->cap = cap;
    }
    size_t i = s->n++;
    while (i > 0 && s->heap[(i - 1) / HEAP_D].at_ms > e.at_ms) {
        s->heap[i] = s->heap[(i - 1) / HEAP_D];
        i = (i - 1) / HEAP_D;
    }
    s->heap[i] = e;
    return true;
}

static ent heap_pop(relay_ask_sched *s)
{
    ent top = s->heap[0], last = s->heap[--s->n];
    size_t i = 0;
    for (;;) {
        size_t first = HEAP_D * i + 1, c = first;
        if (first >= s->n)
            break;
        size_t end = first + HEAP_D < s->n ? first + HEAP_D : s->n;
        for (size_t k = first + 1; k < end; k++)
            if (s->heap[k].at_ms < s->heap[c].at_ms)
                c = k;
        if (s->heap[c].at_ms >= last.at_ms)
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n > 0)
        s->heap[i] = last;
    return top;
}

static void wake(relay_ask_sched *s)
{
#ifdef ASK_EPOLL
    uint64_t one = 1;
    if (write(s->wake_fd, &one, sizeof one) < 0) {
        /* a full counter already means "wake up" */
    }
#else
    pthread_cond_signal(&s->cv);
#endif
}

static void push(relay_ask_sched *s, ask_stream *st, long long at, ent_kind k,
                 bool new_gen)
{
    ask_stream_ref(st);
    pthread_mutex_lock(&s->mu);
    if (new_gen)
        st->agent_gen++;
    bool first = s->n == 0 || at < s->heap[0].at_ms;
    if (!heap_push(s, (ent){at, st, st->agent_gen, k})) {
        pthread_mutex_unlock(&s->mu);
        ask_stream_unref(st);
        return;
    }
    pthread_mutex_unlock(&s->mu);
    if (first)
        wake(s);
}

void relay_ask_kick(relay_ask_sched *s, ask_stream *st)
{
    push(s, st, 0, ENT_AGENT, true);
}

void relay_ask_wake_at(relay_ask_sched *s, ask_stream *st, long long at_ms)
{
    push(s, st, at_ms, ENT_AGENT, true);
}

void relay_ask_yield(relay_ask_sched *s, ask_stream *st)
{
    /* Timed at the tick now running: due at once, so pacing off is not
     * held to one step a tick, yet behind every step due before it. */
    long long now = ask_now_ms();
    push(s, st, now - now % ASK_TICK_MS, ENT_AGENT, true);
}

void relay_ask_heartbeat_at(relay_ask_sched *s, ask_stream *st, long long at_ms)
{
    if (st->hb_at != 0 && st->hb_at <= at_ms)
        return;                   /* an earlier check will look again */
    st->hb_at = at_ms;
    push(s, st, at_ms, ENT_HEARTBEAT, false);
}

/* ---- readers ------------------------------------------------------------- */

/* Hands every pending resume to libmicrohttpd, back to back, so that its
 * polling threads find them in as few passes as possible. */
static void flush_resumes(relay_ask_sched *s)
{
    if (s->n_resumes == 0)
        return;
    atomic_fetch_add(&s->batches, 1);
    atomic_fetch_add(&s->resumed, (long long)s->n_resumes);
    for (size_t i = 0; i < s->n_resumes; i++)
        MHD_resume_connection(s->resumes[i]);
    s->n_resumes = 0;
}

/* The reader is no longer suspended as far as the relay is concerned (no
 * one queues it twice); libmicrohttpd learns it at the next flush. */
static void resume_one(relay_ask_sched *s, ask_sub *sub)
{
    sub->suspended = false;
    if (s->n_resumes == s->cap_resumes) {
        size_t cap = s->cap_resumes ? s->cap_resumes * 2 : 256;
        void **r = realloc(s->resumes, cap * sizeof *r);
        if (!r) {                  /* out of memory: resume it alone */
            atomic_fetch_add(&s->batches, 1);
            atomic_fetch_add(&s->resumed, 1);
            MHD_resume_connection(sub->conn);
            return;
        }
        s->resumes = r, s->cap_resumes = cap;
    }
    s->resumes[s->n_resumes++] = sub->conn;
    if (s->n_resumes >= ASK_FLUSH_AT)
        flush_resumes(s);
}

void relay_ask_watch(relay_ask_sched *s, ask_sub *sub, cmdop__socket fd)
{
#ifdef ASK_EPOLL
    if (fd == CMDOP__NO_SOCKET || sub->watched)
        return;
    /* Only the client's half-close or a reset (EPOLLHUP and EPOLLERR come
     * anyway): an SSE client sends nothing after its request, and bytes it
     * did send must not wake this thread while the connection is busy. */
    struct epoll_event ev = {.events = EPOLLRDHUP, .data.ptr = sub};
    sub->watched = epoll_ctl(s->ep, EPOLL_CTL_ADD, (int)fd, &ev) == 0;
#else
    (void)s, (void)sub, (void)fd;
#endif
}

void relay_ask_unwatch(relay_ask_sched *s, ask_sub *sub)
{
#ifdef ASK_EPOLL
    /* The socket is still open here: libmicrohttpd releases a response
     * before it closes the connection's socket. */
    if (sub->watched)
        epoll_ctl(s->ep, EPOLL_CTL_DEL, (int)sub->fd, NULL);
#else
    (void)s;
#endif
    sub->watched = false;
}

static void free_dead(ask_sub *d)
{
    while (d) {
        ask_sub *next = d->next_sub;
        ask_stream_unref(d->st);
        free(d->raw);
        free(d);
        d = next;
    }
}

void relay_ask_retire(relay_ask_sched *s, ask_sub *sub)
{
    ask_stream_ref(sub->st);   /* on_socket may still lock sub->st->mu */
#ifdef ASK_EPOLL
    pthread_mutex_lock(&s->mu);
    sub->next_sub = s->dead;
    s->dead = sub;
    pthread_mutex_unlock(&s->mu);
#else
    (void)s;
    sub->next_sub = NULL;
    free_dead(sub);            /* no socket watch: nothing can refer to it */
#endif
}

void relay_ask_sched_counts(relay_ask_sched *s, long long *resumes,
                            long long *batches, long long *direct)
{
    *resumes = atomic_load(&s->resumed);
    *batches = atomic_load(&s->batches);
    *direct = atomic_load(&s->direct_frames);
}

void relay_ask_sched_reset_counts(relay_ask_sched *s)
{
    atomic_store(&s->resumed, 0);
    atomic_store(&s->batches, 0);
    atomic_store(&s->direct_frames, 0);
}

long long relay_ask_resume_subs(relay_ask_sched *s, ask_stream *st, bool all,
                                long long now_ms)
{
    long long hb = st->ctl.heartbeat_ms, pending = 0;
    for (ask_sub *sub = st->subs; sub; sub = sub->next_sub) {
        if (!sub->suspended)
            continue;
#ifndef ASK_EPOLL
        /* No socket watch here: look at a quiet client on every check. */
        if (cmdop__port_peer_closed(sub->fd))
            sub->gone = true;
#endif
        long long due = hb > 0 ? sub->last_out_ms + hb : 0;
        if (sub->raw && !sub->gone && !st->stopping && !st->cancelled)
            continue;   /* its write is going out: looked at after it */
        if (all || sub->gone || (hb > 0 && due <= now_ms)) {
            resume_one(s, sub);
        } else if (hb > 0 && (pending == 0 || due < pending)) {
            pending = due;
        }
    }
#ifndef ASK_EPOLL
    if (!all) {
        long long poll_at = now_ms + ASK_POLL_MS;
        if (st->subs && (pending == 0 || poll_at < pending))
            pending = poll_at;
    }
#endif
    return pending;
}

/* ---- direct writes ----------------------------------------------------------
 * A paced stream's frame used to cost a resume per reader: an eventfd
 * write, a wake of a polling thread, that thread's walk of its suspended
 * list, an epoll_ctl each way, the reader's call, and the suspension again
 * (docs/performance.md "The local relay"). While a chunked (HTTP/1.1)
 * connection is suspended libmicrohttpd has nothing of its own to send on
 * it (the reader runs only once its buffer went out, and the headers went
 * before the first call), so the scheduler writes the new frames itself as
 * one chunk, byte for byte what libmicrohttpd would write ("<HEX>\r\n",
 * the frames, "\r\n"), and the connection stays suspended. A write the
 * socket does not take whole keeps its rest (ask_sub.raw) and goes on when
 * the socket can take more (EPOLLOUT in the gone-watch): until then the
 * reader is neither written nor resumed, except to end. A batch of
 * ASK_SPLIT_AT or more writes is shared with a writer thread (the kernel's
 * send is most of the cost), which never resumes: the scheduler does, for
 * both halves, once the writer is done. Everything else —
 * the terminal frame, injections, heartbeats, a reader far behind, other
 * platforms — goes through a resume as before. */

#ifdef ASK_EPOLL
/* Can this thread write st's new frames to the suspended reader itself?
 * mu held. */
static bool direct_ok(const ask_stream *st, const ask_sub *sub)
{
    const ask_controls *c = &st->ctl;
    return sub->chunked && sub->watched && !sub->gone && !sub->lit &&
           sub->off == 0 && !st->stopping && !st->cancelled &&
           !st->agent_done && !st->terminal && c->drop_after < 0 &&
           c->malformed_after < 0 && sub->next <= st->n_frames &&
           st->n_frames - sub->next < ASK_DIRECT_MAX;
}

static void set_watch(relay_ask_sched *s, ask_sub *sub, bool out)
{
    struct epoll_event ev = {.events = EPOLLRDHUP | (out ? EPOLLOUT : 0),
                             .data.ptr = sub};
    epoll_ctl(s->ep, EPOLL_CTL_MOD, (int)sub->fd, &ev);
}

/* Writes frames sub->next..n_frames as one chunk (direct_ok holds; any of
 * the two flushing threads). Returns true when the client cannot be
 * written to (it left: `gone`), so the reader must be resumed to end. */
static bool write_frames(relay_ask_sched *s, ask_stream *st, ask_sub *sub)
{
    struct iovec iov[ASK_DIRECT_MAX + 2];
    char hdr[12];
    size_t k = 0, body = 0;
    for (size_t i = sub->next; i <= st->n_frames; i++) {
        iov[++k] = (struct iovec){st->frames[i - 1], st->frame_lens[i - 1]};
        body += st->frame_lens[i - 1];
    }
    /* The chunk header as libmicrohttpd writes it: upper-case hex. */
    size_t hl = 0;
    for (int sh = 28; sh >= 0; sh -= 4) {
        unsigned d = (unsigned)(body >> sh) & 15;
        if (d || hl || sh == 0)
            hdr[hl++] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
    }
    hdr[hl++] = '\r';
    hdr[hl++] = '\n';
    iov[0] = (struct iovec){hdr, hl};
    iov[k + 1] = (struct iovec){(void *)"\r\n", 2};
    size_t total = hl + body + 2;
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = k + 2};
    ssize_t w = sendmsg((int)sub->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return sub->gone = true;
    sub->next += k;
    sub->last_out_ms = ask_now_ms();
    atomic_fetch_add(&s->direct_frames, (long long)k);
    size_t done = w < 0 ? 0 : (size_t)w;
    if (done == total)
        return false;
    /* The rest waits for room: copied, since a chunk must go out whole. */
    sub->raw = malloc(total - done);
    if (!sub->raw)
        return sub->gone = true;   /* cannot finish the chunk: end it */
    sub->raw_len = total - done;
    sub->raw_off = 0;
    size_t o = 0;
    for (size_t i = 0; i < k + 2; i++) {
        size_t len = iov[i].iov_len, skip = done < len ? done : len;
        done -= skip;
        memcpy(sub->raw + o, (char *)iov[i].iov_base + skip, len - skip);
        o += len - skip;
    }
    set_watch(s, sub, true);
    return false;
}

static void queue_direct(relay_ask_sched *s, ask_sub *sub)
{
    if (sub->queued)
        return;
    if (s->n_direct == s->cap_direct) {
        size_t cap = s->cap_direct ? s->cap_direct * 2 : 256;
        ask_sub **d = realloc(s->direct, cap * sizeof *d);
        if (!d) {                  /* out of memory: the usual resume */
            resume_one(s, sub);
            return;
        }
        s->direct = d, s->cap_direct = cap;
    }
    sub->queued = true;
    s->direct[s->n_direct++] = sub;
}

/* Whether a suspended reader that cannot be written to directly must be
 * resumed: it ends, or it has frames libmicrohttpd must send. mu held. */
static bool needs_resume(const ask_stream *st, const ask_sub *sub)
{
    return sub->gone || st->stopping || st->cancelled || st->agent_done ||
           sub->next <= st->n_frames;
}

/* What a suspended reader with nothing going out needs now. mu held. */
static void service(relay_ask_sched *s, ask_stream *st, ask_sub *sub)
{
    if (direct_ok(st, sub))
        queue_direct(s, sub);
    else if (needs_resume(st, sub))
        resume_one(s, sub);
    else if (st->ctl.heartbeat_ms > 0)
        relay_ask_heartbeat_at(s, st, sub->last_out_ms + st->ctl.heartbeat_ms);
}

/* One queued reader at the end of the batch (either flushing thread; it
 * stays suspended, hence alive, until the scheduler resumes it). Returns
 * true when it must be resumed, which only the scheduler thread does. */
static bool flush_one(relay_ask_sched *s, ask_sub *sub)
{
    ask_stream *st = sub->st;
    bool resume = false;
    pthread_mutex_lock(&st->mu);
    sub->queued = false;
    /* Resumed since (it ends), or a write still going out: nothing. */
    if (sub->suspended && !sub->raw) {
        if (direct_ok(st, sub))
            resume = write_frames(s, st, sub);
        else if (needs_resume(st, sub))
            resume = true;
        else if (st->ctl.heartbeat_ms > 0)
            relay_ask_heartbeat_at(s, st,
                                   sub->last_out_ms + st->ctl.heartbeat_ms);
    }
    pthread_mutex_unlock(&st->mu);
    return resume;
}

static void resume_now(relay_ask_sched *s, ask_sub *sub)
{
    pthread_mutex_lock(&sub->st->mu);
    if (sub->suspended)
        resume_one(s, sub);
    pthread_mutex_unlock(&sub->st->mu);
}

/* The second flushing thread: a big batch's sends are most of the
 * scheduler's work (the kernel's loopback path, ~5 us each), so the
 * scheduler hands this thread the second half of the list and writes the
 * first itself, then resumes whatever either found ending. */
static void *writer_main(void *arg)
{
    relay_ask_sched *s = arg;
    pthread_mutex_lock(&s->wmu);
    for (;;) {
        while (!s->w_stop && s->w_n == 0)
            pthread_cond_wait(&s->wcv, &s->wmu);
        if (s->w_n == 0)           /* stopping, nothing handed over */
            break;
        ask_sub **list = s->w_list;
        size_t n = s->w_n;
        pthread_mutex_unlock(&s->wmu);
        for (size_t i = 0; i < n; i++)
            if (!flush_one(s, list[i]))
                list[i] = NULL;    /* kept: the ones left need a resume */
        pthread_mutex_lock(&s->wmu);
        s->w_n = 0;
        s->w_done = true;
        pthread_cond_broadcast(&s->wcv);
    }
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

/* Below this many queued readers the scheduler writes them all itself. */
#define ASK_SPLIT_AT 16

/* The batch is over: every queued reader gets its frames. */
static void flush_direct(relay_ask_sched *s)
{
    size_t n = s->n_direct, mine = n;
    if (n >= ASK_SPLIT_AT && s->w_started) {
        mine = n / 2;
        pthread_mutex_lock(&s->wmu);
        s->w_list = s->direct + mine;
        s->w_n = n - mine;
        s->w_done = false;
        pthread_cond_broadcast(&s->wcv);
        pthread_mutex_unlock(&s->wmu);
    }
    for (size_t i = 0; i < mine; i++)
        if (flush_one(s, s->direct[i]))
            resume_now(s, s->direct[i]);
    if (mine < n) {
        pthread_mutex_lock(&s->wmu);
        while (!s->w_done)
            pthread_cond_wait(&s->wcv, &s->wmu);
        pthread_mutex_unlock(&s->wmu);
        for (size_t i = mine; i < n; i++)
            if (s->direct[i])
                resume_now(s, s->direct[i]);
    }
    s->n_direct = 0;
}

/* The socket takes more: the rest of a direct write. mu held. */
static void drain(relay_ask_sched *s, ask_stream *st, ask_sub *sub)
{
    if (!sub->raw) {
        set_watch(s, sub, false);
        return;
    }
    ssize_t w = send((int)sub->fd, sub->raw + sub->raw_off,
                     sub->raw_len - sub->raw_off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            sub->gone = true;      /* the client left */
            if (sub->suspended)
                resume_one(s, sub);
        }
        return;
    }
    sub->raw_off += (size_t)w;
    if (sub->raw_off < sub->raw_len)
        return;
    free(sub->raw);
    sub->raw = NULL;
    sub->last_out_ms = ask_now_ms();
    set_watch(s, sub, false);
    if (sub->suspended)
        service(s, st, sub);
}
#endif

void relay_ask_frames_ready(relay_ask_sched *s, ask_stream *st)
{
#ifdef ASK_EPOLL
    for (ask_sub *sub = st->subs; sub; sub = sub->next_sub) {
        if (!sub->suspended || sub->queued)
            continue;
        if (direct_ok(st, sub))
            queue_direct(s, sub);
        else if (!sub->raw || sub->gone || st->stopping || st->cancelled)
            resume_one(s, sub);
        /* else: looked at again when its write is out (drain) */
    }
#else
    relay_ask_resume_subs(s, st, true, 0);
#endif
}

/* ---- the thread ------------------------------------------------------------ */

static void run_entry(relay_ask_sched *s, ent e)
{
    ask_stream *st = e.st;
    if (e.kind == ENT_AGENT) {
        relay_ask_agent_step(s, st);
    } else {
        pthread_mutex_lock(&st->mu);
        if (st->hb_at == e.at_ms)
            st->hb_at = 0;
        long long next = relay_ask_resume_subs(s, st, false, ask_now_ms());
        if (next)
            relay_ask_heartbeat_at(s, st, next);
        pthread_mutex_unlock(&st->mu);
    }
}

#ifdef ASK_EPOLL
/* A reader's client half-closed or reset its socket: the client left. A
 * suspended reader is resumed to end; a busy one sees `gone` at its next
 * call. Either way the socket leaves the set (the event is level-triggered).
 * sub may be released already (then unwatched): its struct lives until this
 * thread frees it after the batch. */
static void on_socket(relay_ask_sched *s, ask_sub *sub, uint32_t events)
{
    ask_stream *st = sub->st;
    pthread_mutex_lock(&st->mu);
    if (sub->watched && events == EPOLLOUT) {
        drain(s, st, sub);         /* room for the rest of a direct write */
    } else if (sub->watched) {
        if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ||
            cmdop__port_peer_closed(sub->fd))
            sub->gone = true;
        relay_ask_unwatch(s, sub);
        if (sub->gone && sub->suspended)
            resume_one(s, sub);
    }
    pthread_mutex_unlock(&st->mu);
}
#endif

static void *sched_main(void *arg)
{
    relay_ask_sched *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        if (s->stop) {
            pthread_mutex_unlock(&s->mu);
            flush_resumes(s);
            return NULL;
        }
        long long now = ask_now_ms();
        /* Due: every entry timed at or before the last tick (see header). */
        long long tick = now - now % ASK_TICK_MS;
        if (s->n > 0 && s->heap[0].at_ms <= tick) {
            ent e = heap_pop(s);
            bool stale = e.kind == ENT_AGENT && e.gen != e.st->agent_gen;
            pthread_mutex_unlock(&s->mu);
            if (!stale)
                run_entry(s, e);
            ask_stream_unref(e.st);
            continue;
        }
        long long wait = -1;
        if (s->n > 0) {            /* to the tick at or after the next entry */
            long long at = s->heap[0].at_ms;
            at += (ASK_TICK_MS - at % ASK_TICK_MS) % ASK_TICK_MS;
            wait = at - now;
        }
        if (s->n_resumes > 0 || s->n_direct > 0) {
            /* The batch is over: its writes and resumes go out before this
             * thread sleeps (without mu: readers queue heartbeats under
             * it; a direct write may end in a resume). */
            pthread_mutex_unlock(&s->mu);
#ifdef ASK_EPOLL
            flush_direct(s);
#endif
            flush_resumes(s);
            continue;
        }
#ifdef ASK_EPOLL
        /* Every event for a reader released before now was handled in an
         * earlier batch (its socket left the set before its release). */
        ask_sub *dead = s->dead;
        s->dead = NULL;
        pthread_mutex_unlock(&s->mu);
        free_dead(dead);
        struct epoll_event evs[64];
        int n = epoll_wait(s->ep, evs, 64, wait > 60000 ? 60000 : (int)wait);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL) {
                uint64_t v;
                if (read(s->wake_fd, &v, sizeof v) < 0) {
                    /* drained by another read: nothing to do */
                }
            } else {
                on_socket(s, evs[i].data.ptr, evs[i].events);
            }
        }
#else
        if (wait < 0) {
            pthread_cond_wait(&s->cv, &s->mu);
        } else {
            struct timespec until = ask_deadline((long)wait);
            cmdop__port_cond_timedwait(&s->cv, &s->mu, &until);
        }
        pthread_mutex_unlock(&s->mu);
#endif
    }
}

static void relay_ask_sched_stop_writer(relay_ask_sched *s)
{
#ifdef ASK_EPOLL
    if (!s->w_started)
        return;
    pthread_mutex_lock(&s->wmu);
    s->w_stop = true;
    pthread_cond_broadcast(&s->wcv);
    pthread_mutex_unlock(&s->wmu);
    pthread_join(s->writer, NULL);
    s->w_started = false;
#else
    (void)s;
#endif
}

relay_ask_sched *relay_ask_sched_start(void)
{
    relay_ask_sched *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->mu, NULL);
    cmdop__port_cond_init_monotonic(&s->cv);
    atomic_init(&s->resumed, 0);
    atomic_init(&s->batches, 0);
    atomic_init(&s->direct_frames, 0);
#ifdef ASK_EPOLL
    pthread_mutex_init(&s->wmu, NULL);
    pthread_cond_init(&s->wcv, NULL);
    s->ep = epoll_create1(EPOLL_CLOEXEC);
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (s->ep < 0 || s->wake_fd < 0 ||
        epoll_ctl(s->ep, EPOLL_CTL_ADD, s->wake_fd, &ev) < 0) {
        relay_ask_sched_free(s);
        return NULL;
    }
#endif
#ifdef ASK_EPOLL
    /* Without it the scheduler writes every batch itself. */
    s->w_started = pthread_create(&s->writer, NULL, writer_main, s) == 0;
#endif
    if (pthread_create(&s->thread, NULL, sched_main, s) != 0) {
        relay_ask_sched_stop_writer(s);
        relay_ask_sched_free(s);
        return NULL;
    }
    return s;
}

void relay_ask_sched_stop(relay_ask_sched *s, relay_ask_registry *reg)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    bool running = !s->stop;
    s->stop = true;
    pthread_mutex_unlock(&s->mu);
    if (!running)
        return;
    wake(s);
    pthread_join(s->thread, NULL);
    relay_ask_sched_stop_writer(s);   /* idle: the scheduler waited for it */
    /* The thread is gone, so this one may resume: every reader returns at
     * once (their streams are stopping). */
    for (ask_stream *st = reg->streams; st; st = st->next) {
        pthread_mutex_lock(&st->mu);
        relay_ask_resume_subs(s, st, true, 0);
        pthread_mutex_unlock(&st->mu);
    }
    flush_resumes(s);
}

void relay_ask_sched_free(relay_ask_sched *s)
{
    if (!s)
        return;
    relay_ask_sched_stop_writer(s);
    for (size_t i = 0; i < s->n; i++)
        ask_stream_unref(s->heap[i].st);
    free(s->heap);
    free(s->resumes);
    free(s->direct);
    free_dead(s->dead);
#ifdef ASK_EPOLL
    if (s->ep >= 0)
        close(s->ep);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    pthread_cond_destroy(&s->wcv);
    pthread_mutex_destroy(&s->wmu);
#endif
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
