/* bot_serve.c — `cmdop-core bots serve --config FILE`: the configured bots
 * with no client program (systemd-friendly: runs in the foreground, stops
 * on SIGTERM/SIGINT after draining, exit 0). Tokens come from the
 * environment or secret files named in the config, never from the config
 * itself; each bot's chat sessions and Telegram offset persist in a state
 * file; an audit log records who asked what and how it ended, redacted.
 * Config and files: docs/bots.md "A long-running host". */
#include "bot_serve.h"

#ifdef _WIN32
#include <stdio.h>

/* sigwait and the POSIX signal set have no Windows equivalent here yet:
 * the long-running host is POSIX only (docs/bots.md). */
int cmdop__bots_serve_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("cmdop-core bots serve: not supported on Windows\n", stderr);
    return 2;
}
#else

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot.h"
#include "cmdop/client.h"
#include "cmdop/error.h"
#include "debug_log.h"

#define SERVE_MAX_BOTS 32

typedef struct served {
    char name[64];
    cmdop__bot *bot;
    pthread_t reader;
    bool reader_started;
    int end; /* the reader's last next() result */
    char *secrets[3];
} served;

typedef struct serve {
    served bots[SERVE_MAX_BOTS];
    size_t n;
    const char *state_path;
    FILE *audit;
    pthread_mutex_t mu; /* audit and state writes */
    json_t *state_in;   /* what the state file held at start */
} serve;

static const char *const k_secrets[] = {"token", "bot_token", "app_token"};

static char *read_secret(const json_t *cfg, const char *key, char *err, size_t errcap)
{
    char k_env[32], k_file[32];
    snprintf(k_env, sizeof k_env, "%s_env", key);
    snprintf(k_file, sizeof k_file, "%s_file", key);
    const char *env = json_string_value(json_object_get(cfg, k_env));
    const char *file = json_string_value(json_object_get(cfg, k_file));
    if (env) {
        const char *v = getenv(env);
        if (!v || !*v) {
            snprintf(err, errcap, "%s: environment variable %s is not set", k_env, env);
            return NULL;
        }
        return strdup(v);
    }
    if (file) {
        FILE *f = fopen(file, "r");
        char buf[1024];
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        if (!f || n == 0) {
            snprintf(err, errcap, "%s: cannot read %s", k_file, file);
            return NULL;
        }
        buf[n] = '\0';
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
            buf[--n] = '\0';
        char *out = strdup(buf);
        memset(buf, 0, sizeof buf);
        return out;
    }
    return NULL;
}

static void now_iso(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One audit line (JSON), redacted: the bot's tokens literally and any
 * pin/token/password-like key's value. Under s->mu. */
static void audit(serve *s, served *sb, json_t *line)
{
    if (!s->audit) {
        json_decref(line);
        return;
    }
    char ts[32];
    now_iso(ts);
    json_object_set_new(line, "time", json_string(ts));
    json_object_set_new(line, "bot", json_string(sb->name));
    char *txt = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(line);
    if (!txt)
        return;
    size_t cap = strlen(txt) * 2 + 64;
    char *red = malloc(cap);
    if (red) {
        cmdop__log_redact(txt, red, cap, (const char *const *)sb->secrets, 3, true);
        fprintf(s->audit, "%s\n", red);
        fflush(s->audit);
    }
    free(red);
    free(txt);
}

/* Write every bot's state to the state file (a temporary file renamed
 * over it, so a crash leaves the old or the new one). Under s->mu. */
static void save_state(serve *s)
{
    if (!s->state_path)
        return;
    json_t *all = json_object();
    for (size_t i = 0; i < s->n; i++)
        if (s->bots[i].bot)
            json_object_set_new(all, s->bots[i].name, cmdop__bot_state(s->bots[i].bot));
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->state_path);
    if (json_dump_file(all, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 &&
        rename(tmp, s->state_path) != 0)
        fprintf(stderr, "cmdop-core bots serve: cannot write %s: %s\n", s->state_path,
                strerror(errno));
    json_decref(all);
}

typedef struct reader_arg {
    serve *s;
    served *sb;
} reader_arg;

static void *reader(void *arg)
{
    reader_arg ra = *(reader_arg *)arg;
    free(arg);
    serve *s = ra.s;
    served *sb = ra.sb;
    static const char *const st[] = {"", "pending", "running", "reconnecting", "failed",
                                     "stopped"};
    for (;;) {
        cmdop__bot_event *ev = NULL;
        int rc = cmdop__bot_next(sb->bot, &ev);
        pthread_mutex_lock(&s->mu);
        if (rc == CMDOP__BOT_STATE_CHANGED) {
            int status = cmdop__bot_status(sb->bot);
            audit(s, sb, json_pack("{s:s, s:s}", "event", "status", "status", st[status]));
            fprintf(stderr, "cmdop-core bots serve: %s: %s\n", sb->name, st[status]);
        } else if (rc == 0) {
            json_t *j = cmdop__bot_event_to_json(ev);
            char type[32];
            snprintf(type, sizeof type, "%s", json_string_value(json_object_get(j, "type")));
            /* who asked what and how it ended; not every message (a PIN
             * reply's text is "" anyway) */
            if (strcmp(type, "message_received") != 0) {
                json_object_set_new(j, "event", json_string(type));
                json_object_del(j, "type");
                audit(s, sb, json_incref(j));
            }
            if (strcmp(type, "reply_sent") == 0 || strcmp(type, "ask_started") == 0)
                save_state(s);
            json_decref(j);
            cmdop__bot_event_free(ev);
        } else {
            sb->end = rc;
            if (rc != CMDOP_ITEROVER)
                audit(s, sb, json_pack("{s:s, s:s}", "event", "ended", "error",
                                       cmdop_error_last() ? cmdop_error_last()->message : ""));
            pthread_mutex_unlock(&s->mu);
            return NULL;
        }
        pthread_mutex_unlock(&s->mu);
    }
}

/* The bot's bots.run arguments from its config entry: everything but
 * `name` and the *_env / *_file secret references, plus the secrets and
 * the saved state. NEW, or NULL with err filled. */
static json_t *bot_args(serve *s, served *sb, const json_t *cfg, char *err, size_t errcap)
{
    json_t *args = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)cfg, key, v)
    {
        size_t kl = strlen(key);
        if (strcmp(key, "name") == 0 || (kl > 4 && strcmp(key + kl - 4, "_env") == 0) ||
            (kl > 5 && strcmp(key + kl - 5, "_file") == 0))
            continue;
        for (size_t i = 0; i < 3; i++)
            if (strcmp(key, k_secrets[i]) == 0) {
                snprintf(err, errcap, "%s: a secret is not written in the config: use %s_env or "
                                      "%s_file", key, key, key);
                json_decref(args);
                return NULL;
            }
        json_object_set(args, key, v);
    }
    for (size_t i = 0; i < 3; i++) {
        err[0] = '\0';
        sb->secrets[i] = read_secret(cfg, k_secrets[i], err, errcap);
        if (err[0]) {
            json_decref(args);
            return NULL;
        }
        if (sb->secrets[i])
            json_object_set_new(args, k_secrets[i], json_string(sb->secrets[i]));
    }
    json_t *saved = json_object_get(s->state_in, sb->name);
    if (saved)
        json_object_set(args, "state", saved);
    return args;
}

static void wipe(served *sb)
{
    for (size_t i = 0; i < 3; i++)
        if (sb->secrets[i]) {
            memset(sb->secrets[i], 0, strlen(sb->secrets[i]));
            free(sb->secrets[i]);
            sb->secrets[i] = NULL;
        }
}

static int usage(void)
{
    fputs("usage: cmdop-core bots serve --config FILE\n", stderr);
    return 2;
}

int cmdop__bots_serve_main(int argc, char **argv)
{
    const char *config = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "serve") != 0)
            return usage();
    }
    if (!config)
        return usage();
    json_error_t jerr;
    json_t *cfg = json_load_file(config, 0, &jerr);
    if (!json_is_object(cfg) || !json_is_array(json_object_get(cfg, "bots")) ||
        json_array_size(json_object_get(cfg, "bots")) == 0 ||
        json_array_size(json_object_get(cfg, "bots")) > SERVE_MAX_BOTS) {
        fprintf(stderr, "cmdop-core bots serve: %s: %s\n", config,
                cfg ? "needs \"bots\": a list of 1 to 32 bots" : jerr.text);
        json_decref(cfg);
        return 2;
    }
    /* SIGTERM/SIGINT are taken by sigwait below, in this thread only */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    serve *s = calloc(1, sizeof *s);
    if (!s)
        return 1;
    pthread_mutex_init(&s->mu, NULL);
    s->state_path = json_string_value(json_object_get(cfg, "state_file"));
    if (s->state_path)
        s->state_in = json_load_file(s->state_path, 0, NULL);
    const char *audit_path = json_string_value(json_object_get(cfg, "audit_log"));
    if (audit_path && !(s->audit = fopen(audit_path, "a"))) {
        fprintf(stderr, "cmdop-core bots serve: cannot open %s: %s\n", audit_path,
                strerror(errno));
        return 2;
    }
    cmdop_client *client = NULL;
    if (cmdop_client_new(&client, NULL) != 0) {
        fprintf(stderr, "cmdop-core bots serve: %s\n", cmdop_error_last()->message);
        return 2;
    }
    int rc = 0;
    size_t i;
    json_t *bc;
    json_array_foreach(json_object_get(cfg, "bots"), i, bc)
    {
        served *sb = &s->bots[s->n];
        const char *name = json_string_value(json_object_get(bc, "name"));
        snprintf(sb->name, sizeof sb->name, "%s", name ? name : "");
        if (!sb->name[0])
            snprintf(sb->name, sizeof sb->name, "bot%zu", i + 1);
        char err[256] = "";
        json_t *args = bot_args(s, sb, bc, err, sizeof err);
        if (!args || cmdop__bot_open(client, args, &sb->bot) != 0) {
            fprintf(stderr, "cmdop-core bots serve: %s: %s\n", sb->name,
                    args ? cmdop_error_last()->message : err);
            json_decref(args);
            wipe(sb);
            rc = 2;
            break;
        }
        json_decref(args);
        s->n++;
        reader_arg *ra = malloc(sizeof *ra);
        if (ra) {
            ra->s = s;
            ra->sb = sb;
            sb->reader_started = pthread_create(&sb->reader, NULL, reader, ra) == 0;
            if (!sb->reader_started)
                free(ra);
        }
    }
    if (rc == 0) {
        fprintf(stderr, "cmdop-core bots serve: %zu bot(s) started\n", s->n);
        int sig = 0;
        sigwait(&sigs, &sig);
        fprintf(stderr, "cmdop-core bots serve: stopping (draining)\n");
    }
    for (size_t k = 0; k < s->n; k++)
        if (cmdop__bot_stop(s->bots[k].bot, NULL) != 0 && rc == 0)
            rc = 1; /* a bot had failed */
    for (size_t k = 0; k < s->n; k++)
        if (s->bots[k].reader_started)
            pthread_join(s->bots[k].reader, NULL);
    pthread_mutex_lock(&s->mu);
    save_state(s);
    pthread_mutex_unlock(&s->mu);
    for (size_t k = 0; k < s->n; k++) {
        cmdop__bot_free(s->bots[k].bot);
        wipe(&s->bots[k]);
    }
    cmdop_client_free(client);
    if (s->audit)
        fclose(s->audit);
    json_decref(s->state_in);
    pthread_mutex_destroy(&s->mu);
    free(s);
    json_decref(cfg);
    return rc;
}
#endif /* _WIN32 */
