/*
 * config.c — explicit option > environment variable > default, for every
 * setting. Empty strings count as unset at every level (1.1.0's Python
 * behaviour), so `CMDOP_TOKEN=` falls through to CMDOP_API_KEY.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "config.h"
#include "net.h"
#include "op_descs.h"

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static const char *env_get(cmdop__getenv_fn env, const char *name)
{
    return env ? nonempty(env(name)) : NULL;
}

/* The first non-empty of option `o`'s env vars (the IDL's order), or NULL;
 * *var (if given) names the variable it came from. */
static const char *opt_env(cmdop__getenv_fn env, cmdop__option o, const char **var)
{
    for (const char *const *v = cmdop__options[o].env; *v; v++) {
        const char *s = env_get(env, *v);
        if (s) {
            if (var)
                *var = *v;
            return s;
        }
    }
    return NULL;
}

/* First non-empty of the candidates, copied; *out NULL when all are unset. */
static int pick(char **out, const char *a, const char *b, const char *c)
{
    const char *v = nonempty(a) ? a : nonempty(b) ? b : nonempty(c);
    *out = NULL;
    if (!v)
        return 0;
    *out = strdup(v);
    return *out ? 0 : CMDOP_ENOMEM;
}

static void strip_trailing_slashes(char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        url[--n] = '\0';
}

/* A positive integer of milliseconds, the whole string. */
static int parse_timeout(const char *s, long *out)
{
    if (*s < '0' || *s > '9')   /* strtol would skip blanks and take signs */
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

void cmdop__config_clear(cmdop__config *cfg)
{
    free(cfg->token);
    free(cfg->api_key);
    free(cfg->base_url);
    free(cfg->api_base_url);
    free(cfg->fleet_id);
    cmdop__net_clear(&cfg->net);
    memset(cfg, 0, sizeof *cfg);
}

static int resolve_numbers(cmdop__config *cfg, const cmdop_client_options *o,
                           cmdop__getenv_fn env)
{
    if (o->timeout_ms < 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "timeout_ms",
                                "timeout_ms: must be > 0 (got %ld)", o->timeout_ms);
    cfg->timeout_ms = strtol(cmdop__options[CMDOP__OPT_TIMEOUT_MS].default_value, NULL, 10);
    const char *var = NULL;
    const char *t = opt_env(env, CMDOP__OPT_TIMEOUT_MS, &var);
    if (o->timeout_ms > 0)
        cfg->timeout_ms = o->timeout_ms;
    else if (t && parse_timeout(t, &cfg->timeout_ms) != 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, var,
                                "%s: must be a positive integer "
                                "of milliseconds (got \"%s\")", var, t);
    if (o->max_retries < -1)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "max_retries",
                                "max_retries: must be >= 0, or -1 for the default (got %d)",
                                o->max_retries);
    cfg->max_retries = o->max_retries >= 0 ? o->max_retries : CMDOP__DEFAULT_MAX_RETRIES;
    if (o->retry_base_ms < 0 || o->retry_max_ms < 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL,
                                o->retry_base_ms < 0 ? "retry_base_ms" : "retry_max_ms",
                                "%s: must be >= 0",
                                o->retry_base_ms < 0 ? "retry_base_ms" : "retry_max_ms");
    cfg->retry_base_ms = o->retry_base_ms > 0 ? o->retry_base_ms : CMDOP__DEFAULT_RETRY_BASE_MS;
    cfg->retry_max_ms = o->retry_max_ms > 0 ? o->retry_max_ms : CMDOP__DEFAULT_RETRY_MAX_MS;
    if (cfg->retry_max_ms < cfg->retry_base_ms)
        cfg->retry_max_ms = cfg->retry_base_ms;
    return 0;
}

int cmdop__config_resolve(cmdop__config *cfg, const cmdop_client_options *opts,
                          cmdop__getenv_fn env)
{
    static const cmdop_client_options k_defaults = CMDOP_CLIENT_OPTIONS_INIT;
    const cmdop_client_options *o = opts ? opts : &k_defaults;
    memset(cfg, 0, sizeof *cfg);
    if (o->version != CMDOP_CLIENT_OPTIONS_VERSION && o->version != 1)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                "cmdop_client_options.version is %u, expected %u",
                                o->version, (unsigned)CMDOP_CLIENT_OPTIONS_VERSION);
    cmdop__getenv_fn sys_env = env;   /* SSL_CERT_FILE, *_proxy: always (net.h) */
    if (!o->use_env)
        env = NULL;
    int rc = 0;
    /* Each option's env vars and default come from the IDL (cmdop__options):
     * the relay token falls back to the api-key variable there; an explicit
     * api_key option is deliberately not a token fallback, as in 1.1.0
     * (docs/design.md "Configuration"). */
#define OPT(name, O) pick(&cfg->name, o->name, opt_env(env, O, NULL), \
                          cmdop__options[O].default_value)
    if ((rc = OPT(token, CMDOP__OPT_TOKEN)) ||
        (rc = OPT(api_key, CMDOP__OPT_API_KEY)) ||
        (rc = OPT(base_url, CMDOP__OPT_BASE_URL)) ||
        (rc = OPT(api_base_url, CMDOP__OPT_API_BASE_URL)) ||
        (rc = OPT(fleet_id, CMDOP__OPT_FLEET_ID))) {
#undef OPT
        cmdop__config_clear(cfg);
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    }
    if (cfg->base_url)
        strip_trailing_slashes(cfg->base_url);
    if (cfg->api_base_url)
        strip_trailing_slashes(cfg->api_base_url);
    /* A URL of only slashes strips to "": that is "unset" too. */
    if ((cfg->base_url && !*cfg->base_url) || (cfg->api_base_url && !*cfg->api_base_url)) {
        const char *which = cfg->base_url && !*cfg->base_url ? "base_url" : "api_base_url";
        cmdop__config_clear(cfg);
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, which,
                                "%s: not a URL (only '/')", which);
    }
    if ((rc = resolve_numbers(cfg, o, env)) != 0) {
        cmdop__config_clear(cfg);
        return rc;
    }
    /* version 1 of the options has no ca_file member */
    if ((rc = cmdop__net_resolve(&cfg->net, o->version >= 2 ? o->ca_file : NULL, env,
                                 sys_env)) != 0) {
        cmdop__config_clear(cfg);
        return rc;
    }
    const char *dbg = env_get(env, "CMDOP_DEBUG");
    cfg->debug = dbg && strcmp(dbg, "1") == 0;
    return 0;
}
