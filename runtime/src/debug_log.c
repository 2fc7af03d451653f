/* debug_log.c — see debug_log.h. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "debug_log.h"
#include "port.h"

#define LOG_LINE_MAX 4096
#define MAX_SECRETS 4

struct cmdop__debug_log {
    FILE *f;             /* owned, or stderr (not closed) */
    char *path;          /* owned; NULL for stderr */
    cmdop__log_level level;
    char *secrets[MAX_SECRETS];
    size_t n_secrets;
    pthread_mutex_t mu;
};

/* ------------------------------------------------------------ redaction */

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static const char *const k_keys[] = {"confirm_token", "api_key", "apikey", "password",
                                     "secret", "token", "pin"};

/* A key at in[i] (not inside a longer word): the index where its value
 * starts, or 0. */
static size_t key_value_at(const char *in, size_t i)
{
    if (i > 0 && word_char(in[i - 1]))
        return 0;
    for (size_t k = 0; k < sizeof k_keys / sizeof k_keys[0]; k++) {
        size_t n = strlen(k_keys[k]);
        if (strncasecmp(in + i, k_keys[k], n) != 0 || word_char(in[i + n]))
            continue;
        size_t j = i + n;
        if (in[j] == '"' || in[j] == '\'')
            j++;
        while (in[j] == ' ')
            j++;
        if (in[j] != ':' && in[j] != '=')
            return 0;
        j++;
        while (in[j] == ' ')
            j++;
        return in[j] ? j : 0;
    }
    return 0;
}

/* The end of a value starting at in[j]: a quoted string, or a bare word. */
static size_t value_end(const char *in, size_t j, bool *quoted)
{
    *quoted = in[j] == '"';
    if (*quoted) {
        size_t e = j + 1;
        while (in[e] && in[e] != '"') {
            if (in[e] == '\\' && in[e + 1])
                e++;
            e++;
        }
        return e;   /* at the closing quote (or the end) */
    }
    return j + strcspn(in + j, " \t\r\n,;&}\"')");
}

void cmdop__log_redact(const char *in, char *out, size_t cap, const char *const *secrets,
                       size_t n_secrets, bool keys)
{
    if (cap == 0)
        return;
    size_t o = 0;
#define PUT(c) do { if (o + 1 < cap) out[o++] = (c); } while (0)
#define PUTS(s) do { for (const char *p_ = (s); *p_; p_++) PUT(*p_); } while (0)
    size_t i = 0;
    while (in[i]) {
        bool hit = false;
        for (size_t s = 0; s < n_secrets && !hit; s++) {
            size_t n = secrets[s] ? strlen(secrets[s]) : 0;
            if (n >= 4 && strncmp(in + i, secrets[s], n) == 0) {
                PUTS("***");
                i += n;
                hit = true;
            }
        }
        if (hit)
            continue;
        if (strncmp(in + i, "://", 3) == 0) {   /* userinfo of a URL */
            size_t a = i + 3, e = a + strcspn(in + a, "/?# \t\r\n\"'<>");
            const char *at = NULL;
            for (size_t q = a; q < e; q++)
                if (in[q] == '@')
                    at = in + q;
            PUTS("://");
            if (at) {
                PUTS("***");
                i = (size_t)(at - in);
            } else {
                i = a;
            }
            continue;
        }
        if (strncasecmp(in + i, "Bearer ", 7) == 0 && (i == 0 || !word_char(in[i - 1]))) {
            PUTS("Bearer ***");
            i += 7;
            i += strcspn(in + i, " \t\r\n,;\"'");
            continue;
        }
        size_t j = keys ? key_value_at(in, i) : 0;
        if (j) {
            bool quoted;
            size_t e = value_end(in, j, &quoted);
            for (size_t q = i; q < j; q++)
                PUT(in[q]);
            PUTS(quoted ? "\"***" : "***");
            i = e;
            continue;
        }
        PUT(in[i]);
        i++;
    }
    out[o] = '\0';
#undef PUT
#undef PUTS
}

/* ------------------------------------------------------------- the file */

cmdop__debug_log *cmdop__debug_log_open_at(const char *path, cmdop__log_level level,
                                           bool exclusive)
{
    cmdop__debug_log *log = calloc(1, sizeof *log);
    if (!log)
        return NULL;
    log->level = level;
    if (!path) {
        log->f = stderr;
    } else {
        /* 0600, no symlink, a regular file only (a FIFO or device could
         * block or leak) */
        int fd = cmdop__port_open_private(path, exclusive);
        log->f = fd >= 0 ? fdopen(fd, "a") : NULL;
        log->path = log->f ? strdup(path) : NULL;
        if (!log->f || !log->path) {
            int err = errno;
            if (log->f)
                fclose(log->f);
            else if (fd >= 0)
                close(fd);
            fprintf(stderr, "cmdop: cannot open the log file %s: %s; logging is off\n", path,
                    strerror(err));
            free(log);
            return NULL;
        }
    }
    pthread_mutex_init(&log->mu, NULL);
    return log;
}

cmdop__debug_log *cmdop__debug_log_open(const char *path)
{
    return cmdop__debug_log_open_at(path, CMDOP__LOG_DEBUG, false);
}

/* A private directory for CMDOP_DEBUG's file into dir[size]: 0 or -1. */
static int private_dir(cmdop__log_getenv_fn env, char *dir, size_t size)
{
    return cmdop__port_private_dir(env ? env("XDG_RUNTIME_DIR") : NULL,
                                   env ? env("TMPDIR") : NULL, dir, size);
}

static cmdop__log_level parse_level(const char *s)
{
    static const char *const names[] = {"off", "error", "warn", "info", "debug"};
    for (int i = 0; s && i < 5; i++)
        if (strcasecmp(s, names[i]) == 0)
            return (cmdop__log_level)i;
    if (s && strcasecmp(s, "warning") == 0)
        return CMDOP__LOG_WARN;
    return CMDOP__LOG_OFF;
}

cmdop__debug_log *cmdop__log_from_env(cmdop__log_getenv_fn env, const char *const *secrets,
                                      size_t n_secrets)
{
    const char *lv = env ? env("CMDOP_LOG") : NULL;
    const char *file = env ? env("CMDOP_LOG_FILE") : NULL;
    const char *dbg = env ? env("CMDOP_DEBUG") : NULL;
    cmdop__log_level level = parse_level(lv);
    if (lv && *lv && level == CMDOP__LOG_OFF && strcasecmp(lv, "off") != 0)
        fprintf(stderr, "cmdop: CMDOP_LOG=%s is not error|warn|info|debug; logging is off\n",
                lv);
    bool debug_file = dbg && strcmp(dbg, "1") == 0;
    if (debug_file)
        level = CMDOP__LOG_DEBUG;
    if (level == CMDOP__LOG_OFF)
        return NULL;
    cmdop__debug_log *log = NULL;
    if (file && *file) {
        log = cmdop__debug_log_open_at(file, level, false);
    } else if (debug_file) {
        char dir[400], path[512];
        if (private_dir(env, dir, sizeof dir) != 0) {
            fprintf(stderr, "cmdop: cannot create a private log directory: %s; logging is "
                            "off\n", strerror(errno));
            return NULL;
        }
        unsigned long salt = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
        for (int i = 0; i < 16 && !log; i++) {
            snprintf(path, sizeof path, "%s/cmdop-core-%ld-%lx.log", dir, (long)getpid(),
                     salt + (unsigned long)i);
            log = cmdop__debug_log_open_at(path, level, true);
        }
        if (log)
            fprintf(stderr, "cmdop: debug log: %s\n", path);
    } else {
        log = cmdop__debug_log_open_at(NULL, level, false);
    }
    for (size_t i = 0; log && i < n_secrets && log->n_secrets < MAX_SECRETS; i++)
        if (secrets[i] && *secrets[i])
            log->secrets[log->n_secrets++] = strdup(secrets[i]);
    return log;
}

void cmdop__debug_log_close(cmdop__debug_log *log)
{
    if (!log)
        return;
    if (log->f != stderr)
        fclose(log->f);
    for (size_t i = 0; i < log->n_secrets; i++)
        free(log->secrets[i]);
    free(log->path);
    pthread_mutex_destroy(&log->mu);
    free(log);
}

const char *cmdop__debug_log_path(const cmdop__debug_log *log)
{
    return log ? log->path : NULL;
}

bool cmdop__log_enabled(const cmdop__debug_log *log, cmdop__log_level level)
{
    return log && level != CMDOP__LOG_OFF && level <= log->level;
}

static void vlog(cmdop__debug_log *log, cmdop__log_level level, const char *fmt, va_list ap)
{
    static const char *const names[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG"};
    char raw[LOG_LINE_MAX], clean[LOG_LINE_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    for (char *p = raw; *p; p++)   /* one message, one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    cmdop__log_redact(raw, clean, sizeof clean, (const char *const *)log->secrets,
                      log->n_secrets, true);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    pthread_mutex_lock(&log->mu);
    fprintf(log->f, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, names[level], clean);
    fflush(log->f);
    pthread_mutex_unlock(&log->mu);
}

void cmdop__log_at(cmdop__debug_log *log, cmdop__log_level level, const char *fmt, ...)
{
    if (!cmdop__log_enabled(log, level))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(log, level, fmt, ap);
    va_end(ap);
}

void cmdop__debug_log_printf(cmdop__debug_log *log, const char *fmt, ...)
{
    if (!cmdop__log_enabled(log, CMDOP__LOG_DEBUG))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(log, CMDOP__LOG_DEBUG, fmt, ap);
    va_end(ap);
}
