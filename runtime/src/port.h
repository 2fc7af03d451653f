/*
 * port.h — INTERNAL: the portability layer. The few things the core (the
 * runtime, the stdio server and the relay) does that POSIX and Windows do
 * differently go through these functions; everything else is standard C.
 * On POSIX each function is the code the core always ran (no behaviour
 * change there); the Windows half is built by the win32-x64 cross build
 * (docs/runtime.md "Windows").
 *
 * Threads, mutexes, condition variables and once: the POSIX threads API on
 * every platform. On Windows it is mingw-w64's winpthreads, linked
 * statically into cmdop-core.exe. Its one gap the core meets is the clock
 * of a condition variable (CLOCK_MONOTONIC is refused), so timed waits go
 * through cmdop__port_cond_*.
 *
 * Sockets (the relay's peek, a client TCP connection): port_net.h.
 */
#ifndef CMDOP__PORT_H
#define CMDOP__PORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* ------------------------------------------------- port_cond.c: waits */

/* Initializes *cv for timed waits against CLOCK_MONOTONIC deadlines (a clock
 * change cannot stretch them). 0 or an errno value. */
int cmdop__port_cond_init_monotonic(pthread_cond_t *cv);

/* pthread_cond_timedwait with a CLOCK_MONOTONIC deadline, for a cv made by
 * cmdop__port_cond_init_monotonic: 0, ETIMEDOUT or another errno value. */
int cmdop__port_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *mu,
                               const struct timespec *mono_deadline);

/* ------------------------------------ port_stdio.c: the process's stdio */

/* For `cmdop-core --stdio`: returns a private descriptor for the frames
 * (a copy of stdout) and points descriptor 1 at stderr, so a stray print
 * cannot corrupt the protocol; stdin and the copy are binary (Windows would
 * otherwise translate CR/LF and stop at ^Z). -1 on failure. */
int cmdop__port_stdio_take_stdout(void);

/* Writes to a peer that went away fail with EPIPE instead of killing the
 * process (SIGPIPE ignored; Windows has no SIGPIPE). */
void cmdop__port_ignore_sigpipe(void);

/* The relay's stop request: _block before any thread starts (POSIX: the
 * threads inherit the blocked SIGTERM/SIGINT), then _wait returns once one
 * arrives (Windows: Ctrl+C, Ctrl+Break or console close). 0 or -1. */
int cmdop__port_stop_signals_block(void);
int cmdop__port_stop_signals_wait(void);

/* ---------------------------------------- port_file.c: private files */

/* Opens path for appending, created private to the user (POSIX 0600; on
 * Windows a protected DACL with the owner alone), never through a symlink
 * (or a reparse point) and only if it is a regular file; with exclusive the
 * file must not exist yet. A descriptor, or -1 with errno set. */
int cmdop__port_open_private(const char *path, bool exclusive);

/* Makes a private directory for the core's own files into dir[size]:
 * `<xdg_runtime_dir>/cmdop` when xdg is absolute and that is a directory of
 * ours closed to others (POSIX), else a fresh `cmdop-XXXXXX` under tmpdir
 * when it is absolute, else under the system's temporary directory (/tmp;
 * Windows: GetTempPath). xdg and tmpdir may be NULL. 0, or -1 with errno. */
int cmdop__port_private_dir(const char *xdg, const char *tmpdir, char *dir, size_t size);

/* --------------------------------------------- port_misc.c: the rest */

/* n bytes of the operating system's CSPRNG into buf: 0 or -1. */
int cmdop__port_random(void *buf, size_t n);

/* A NEW copy of the first n bytes of s (at most strlen(s)), NUL-terminated;
 * the caller frees it. NULL when out of memory. */
char *cmdop__port_strndup(const char *s, size_t n);

/* The number of processors online (at least 1). */
unsigned cmdop__port_cpu_count(void);

/* ------------------------------------------ port_regex.c: patterns */

/* 1 when the POSIX extended regular expression `pattern` matches the WHOLE
 * of s (anchored or not), 0 when it does not, -1 when the pattern is
 * invalid. POSIX: regcomp/regexec; Windows: cmdop__port_ere_full_match. */
int cmdop__port_full_match(const char *pattern, const char *s);

/* The built-in matcher Windows uses (built and tested everywhere): ERE
 * literals, `.`, bracket expressions (ranges, negation, [:classes:]), groups,
 * `|`, `* + ? {m} {m,} {m,n}`, `^ $` and `\` escapes; backtracking, bounded
 * by a step budget (over it: -1). Same results as cmdop__port_full_match. */
int cmdop__port_ere_full_match(const char *pattern, const char *s);

#endif /* CMDOP__PORT_H */
