/*
 * relay_main.c — `cmdop-core relay [--port N] [--host H] [--seed FILE]
 * [--token T] [--api-key K]`: starts the local relay, prints one JSON line
 * with its URLs and credentials once it accepts connections, and runs until
 * SIGTERM or SIGINT.
 */
#include "relay_server.h"

#include "port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#  include <sys/resource.h>
#endif

/* Each open ask stream holds a socket: lift the soft descriptor limit to
 * the hard one so thousands of concurrent streams are not refused. */
static void raise_nofile(void)
{
#ifndef _WIN32
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
#endif
}

/* The official 1.1.1 client names http://127.0.0.1:63141 as the local
 * embedded relay's address (its missing-base-URL help), so that is where a
 * relay started without --port listens; --port 0 asks for a free port. */
#define RELAY_DEFAULT_PORT 63141

static const char usage[] =
    "usage: cmdop-core relay [--port N] [--host 127.0.0.1] [--seed FILE]\n"
    "                        [--token T] [--api-key K]\n"
    "  --port N   default 63141; 0 = a free port\n";

/* Explicit > env (if non-empty) > default. Borrowed. */
static const char *pick(const char *explicit_val, const char *env,
                        const char *dflt)
{
    const char *e = getenv(env);
    return explicit_val ? explicit_val : (e && *e) ? e : dflt;
}

static int parse_port(const char *s, unsigned short *port)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end || n < 0 || n > 65535)
        return -1;
    *port = (unsigned short)n;
    return 0;
}

static int print_startup(relay *r)
{
    json_t *line = json_pack("{s:s, s:s+, s:s+, s:s, s:s}",
                             "relay_url", r->root_url,
                             "platform_url", r->root_url, "/platform",
                             "control_url", r->root_url, "/_control",
                             "token", r->token, "api_key", r->api_key);
    char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    if (!text)
        return -1;
    printf("%s\n", text);
    fflush(stdout);
    free(text);
    return 0;
}

int cmdop_relay_main(int argc, char **argv)
{
    relay_options opt = {.port = RELAY_DEFAULT_PORT};
    const char *seed_file = NULL, *token = NULL, *api_key = NULL;
    for (int i = 1; i < argc; i += 2) {   /* an option and its value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "relay: %s needs a value\n%s", a, usage);
            return 2;
        }
        if (strcmp(a, "--port") == 0) {
            if (parse_port(v, &opt.port) < 0) {
                fprintf(stderr, "relay: bad --port %s\n", v);
                return 2;
            }
        } else if (strcmp(a, "--host") == 0) {
            opt.host = v;
        } else if (strcmp(a, "--seed") == 0) {
            seed_file = v;
        } else if (strcmp(a, "--token") == 0) {
            token = v;
        } else if (strcmp(a, "--api-key") == 0) {
            api_key = v;
        } else {
            fprintf(stderr, "relay: unknown option %s\n%s", a, usage);
            return 2;
        }
    }
    opt.token = pick(token, "CMDOP_TOKEN", "local-dev-token");
    opt.api_key = pick(api_key, "CMDOP_API_KEY", "local-dev-api-key");

    char err[256];
    opt.seed = seed_file ? relay_seed_from_file(seed_file, err, sizeof err)
                         : relay_default_seed(err, sizeof err);
    if (!opt.seed) {
        fprintf(stderr, "relay: %s\n", err);
        return 1;
    }

    /* Block the stop signals before MHD starts its threads (they inherit the
     * mask), then wait for one synchronously: no async handler needed. */
    cmdop__port_stop_signals_block();
    cmdop__port_ignore_sigpipe();
    raise_nofile();

    relay_server *s;
    int rc = relay_server_start(&s, &opt, err, sizeof err);
    json_decref(opt.seed);
    if (rc < 0) {
        fprintf(stderr, "relay: %s\n", err);
        return 1;
    }
    if (print_startup(relay_server_relay(s)) < 0) {
        relay_server_stop(s);
        return 1;
    }
    cmdop__port_stop_signals_wait();
    relay_server_stop(s);
    return 0;
}
