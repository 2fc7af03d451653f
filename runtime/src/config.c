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
#include "op_descs.h"

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static const char *env_get(cmdop__getenv_fn env, const char *name)
{
    return env ? nonempty(env(name)) : NULL;
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
    memset(cfg, 0, sizeof *cfg);
}

static int resolve_numbers(cmdop__config *cfg, const cmdop_client_options *o,
                           cmdop__getenv_fn env)
{
    if (o->timeout_ms < 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "timeout_ms",
                                "timeout_ms: must be > 0 (got %ld)", o->timeout_ms);
    cfg->timeout_ms = CMDOP__DEFAULT_TIMEOUT_MS;
    const char *t = env_get(env, "CMDOP_TIMEOUT_MS");
    if (o->timeout_ms > 0)
        cfg->timeout_ms = o->timeout_ms;
    else if (t && parse_timeout(t, &cfg->timeout_ms) != 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "CMDOP_TIMEOUT_MS",
                                "CMDOP_TIMEOUT_MS: must be a positive integer "
                                "of milliseconds (got \"%s\")", t);
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
    if (o->version != CMDOP_CLIENT_OPTIONS_VERSION)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                "cmdop_client_options.version is %u, expected %u",
                                o->version, (unsigned)CMDOP_CLIENT_OPTIONS_VERSION);
    if (!o->use_env)
        env = NULL;
    const char *env_token = env_get(env, "CMDOP_TOKEN");
    const char *env_key = env_get(env, "CMDOP_API_KEY");
    int rc = 0;
    /* The relay token falls back to CMDOP_API_KEY (reference, section 1);
     * an explicit api_key option is deliberately not a token fallback. */
    if ((rc = pick(&cfg->token, o->token, env_token, env_key)) ||
        (rc = pick(&cfg->api_key, o->api_key, env_key, NULL)) ||
        (rc = pick(&cfg->base_url, o->base_url, env_get(env, CMDOP__PLANE_RELAY_URL_ENV),
                   CMDOP__PLANE_RELAY_DEFAULT_URL)) ||
        (rc = pick(&cfg->api_base_url, o->api_base_url,
                   env_get(env, CMDOP__PLANE_PLATFORM_URL_ENV),
                   CMDOP__PLANE_PLATFORM_DEFAULT_URL)) ||
        (rc = pick(&cfg->fleet_id, o->fleet_id, env_get(env, "CMDOP_FLEET_ID"), NULL))) {
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
    const char *dbg = env_get(env, "CMDOP_DEBUG");
    cfg->debug = dbg && strcmp(dbg, "1") == 0;
    return 0;
}
