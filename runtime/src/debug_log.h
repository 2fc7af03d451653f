/*
 * debug_log.h — INTERNAL: the core's log (docs/runtime.md "Logging").
 *
 *   CMDOP_LOG=error|warn|info|debug  turns it on at that level; the lines go
 *                                    to stderr (the stdio clients forward
 *                                    them to their logger, docs/stdio.md)
 *   CMDOP_LOG_FILE=PATH              ... to PATH instead (appended; created
 *                                    0600; O_NOFOLLOW: a symlink is refused)
 *   CMDOP_DEBUG=1                    CMDOP_LOG=debug into a fresh file
 *                                    (O_EXCL, 0600) in a private 0700
 *                                    directory ($XDG_RUNTIME_DIR/cmdop, else
 *                                    a new mkdtemp directory under $TMPDIR or
 *                                    /tmp); its path is printed once on stderr
 * Never stdout (the stdio server owns it). One line per message:
 *   <UTC time> <LEVEL> <message>
 * Every line is redacted before it is written (cmdop__log_redact): the
 * client's token and API key, URL userinfo, Bearer values and the values of
 * pin / confirm_token / token / api_key / password keys become "***".
 * A log that cannot be opened is off (a warning on stderr): logging never
 * breaks a call.
 */
#ifndef CMDOP__DEBUG_LOG_H
#define CMDOP__DEBUG_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cmdop__debug_log cmdop__debug_log;

typedef enum cmdop__log_level {
    CMDOP__LOG_OFF = 0,
    CMDOP__LOG_ERROR = 1,
    CMDOP__LOG_WARN = 2,
    CMDOP__LOG_INFO = 3,
    CMDOP__LOG_DEBUG = 4
} cmdop__log_level;

/* getenv(3) or a fake; returns borrowed or NULL (config.h has the twin). */
typedef const char *(*cmdop__log_getenv_fn)(const char *name);

/* The log the environment asks for (see above), or NULL when logging is
 * off or cannot be opened. `secrets` (may hold NULLs; copied) are redacted
 * literally. Free with cmdop__debug_log_close. */
cmdop__debug_log *cmdop__log_from_env(cmdop__log_getenv_fn env,
                                      const char *const *secrets, size_t n_secrets);

/* Open PATH for appending at `level` (O_NOFOLLOW, created 0600; O_EXCL when
 * `exclusive`); NULL when it cannot be opened. path NULL = stderr. */
cmdop__debug_log *cmdop__debug_log_open_at(const char *path, cmdop__log_level level,
                                           bool exclusive);
/* Same as cmdop__debug_log_open_at(path, CMDOP__LOG_DEBUG, false). */
cmdop__debug_log *cmdop__debug_log_open(const char *path);
void cmdop__debug_log_close(cmdop__debug_log *log);
/* The file's path (borrowed, valid until close), or NULL for stderr. */
const char *cmdop__debug_log_path(const cmdop__debug_log *log);
/* Whether a message at `level` would be written (NULL: false). */
bool cmdop__log_enabled(const cmdop__debug_log *log, cmdop__log_level level);

/* One line at `level`, timestamped and redacted; thread-safe; NULL log or
 * a level above the log's is a no-op. */
void cmdop__log_at(cmdop__debug_log *log, cmdop__log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* cmdop__log_at(log, CMDOP__LOG_DEBUG, ...). */
void cmdop__debug_log_printf(cmdop__debug_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Pure: `in` into out[cap] (always NUL-terminated, truncated if needed)
 * with every literal secret (NULL or "" entries are skipped), URL userinfo,
 * the word after "Bearer " and, when `keys`, the value after a key named
 * pin, confirm_token, token, api_key, apikey, password or secret (followed
 * by optional '"', then ':' or '=') replaced by "***".
 */
void cmdop__log_redact(const char *in, char *out, size_t cap,
                       const char *const *secrets, size_t n_secrets, bool keys);

#endif /* CMDOP__DEBUG_LOG_H */
