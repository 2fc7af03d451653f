/*
 * debug_log.h — INTERNAL: CMDOP_DEBUG=1 writes one line per HTTP attempt to
 * a file ($TMPDIR/cmdop-core-<pid>.log, /tmp when TMPDIR is unset), never
 * to stdout (the stdio server owns stdout). Credentials are never logged.
 */
#ifndef CMDOP__DEBUG_LOG_H
#define CMDOP__DEBUG_LOG_H

typedef struct cmdop__debug_log cmdop__debug_log;

/* Open (append) the log file; NULL when it cannot be opened (debugging is
 * then silently off: it must never break a call). */
cmdop__debug_log *cmdop__debug_log_open(const char *path);
void cmdop__debug_log_close(cmdop__debug_log *log);
/* One line, timestamped; thread-safe; NULL log is a no-op. */
void cmdop__debug_log_printf(cmdop__debug_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The default path into buf. */
void cmdop__debug_log_default_path(char *buf, unsigned long size,
                                   const char *tmpdir);

#endif /* CMDOP__DEBUG_LOG_H */
