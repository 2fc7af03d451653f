/*
 * client.c — cmdop_client_new/free and the accessors. The configuration is
 * resolved once (config.c); the client then owns one event-loop thread.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "call.h"
#include "client_internal.h"

static const char *real_getenv(const char *name)
{
    return getenv(name);
}

int cmdop__client_new_env(cmdop_client **out, const cmdop_client_options *opts,
                          cmdop__getenv_fn env)
{
    if (!out)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "out is NULL");
    *out = NULL;
    cmdop_client *c = calloc(1, sizeof *c);
    if (!c)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    int rc = cmdop__config_resolve(&c->cfg, opts, env);
    if (rc) {
        free(c);
        return rc;
    }
    c->retry.max_retries = c->cfg.max_retries;
    c->retry.base_ms = c->cfg.retry_base_ms;
    c->retry.cap_ms = c->cfg.retry_max_ms;
    c->retry.jitter = CMDOP__JITTER_EQUAL;
    /* CMDOP_LOG / CMDOP_LOG_FILE / CMDOP_DEBUG (debug_log.h), CMDOP_* like
     * every other variable: not read when use_env is off */
    const char *secrets[] = {c->cfg.token, c->cfg.api_key};
    c->log = cmdop__log_from_env(opts && !opts->use_env ? NULL : env, secrets, 2);
    cmdop__log_at(c->log, CMDOP__LOG_INFO, "client: base_url=%s api_base_url=%s relay "
                  "credential %s, platform credential %s, fleet_id=%s timeout_ms=%ld "
                  "max_retries=%d ca_file=%s proxy http=%s https=%s",
                  c->cfg.base_url ? c->cfg.base_url : "(none)",
                  c->cfg.api_base_url ? c->cfg.api_base_url : "(none)",
                  c->cfg.token ? "set" : "unset", c->cfg.api_key ? "set" : "unset",
                  c->cfg.fleet_id ? c->cfg.fleet_id : "(none)", c->cfg.timeout_ms,
                  c->cfg.max_retries, c->cfg.net.ca_file ? c->cfg.net.ca_file : "(default)",
                  c->cfg.net.http_proxy ? c->cfg.net.http_proxy : "(none)",
                  c->cfg.net.https_proxy ? c->cfg.net.https_proxy : "(none)");
    c->cfg.net.log = c->log;
    c->loop = cmdop__loop_new();
    if (!c->loop) {
        cmdop__debug_log_close(c->log);
        cmdop__config_clear(&c->cfg);
        free(c);
        return cmdop_error_last() ? cmdop_error_last()->code : CMDOP_EINTERNAL;
    }
    cmdop__loop_set_net(c->loop, &c->cfg.net);
    *out = c;
    return 0;
}

int cmdop_client_options_init(cmdop_client_options *opts, unsigned int version)
{
    static const cmdop_client_options defaults = CMDOP_CLIENT_OPTIONS_INIT;

    if (!opts || (version != CMDOP_CLIENT_OPTIONS_VERSION && version != 1))
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "cmdop_client_options_init: %s",
                                opts ? "bad version" : "NULL opts");
    /* a version-1 caller's struct ends before ca_file */
    memcpy(opts, &defaults, version == 1 ? offsetof(cmdop_client_options, ca_file)
                                         : sizeof defaults);
    opts->version = version;
    return 0;
}

int cmdop_client_new(cmdop_client **out, const cmdop_client_options *opts)
{
    return cmdop__client_new_env(out, opts, real_getenv);
}

void cmdop_client_free(cmdop_client *client)
{
    if (!client)
        return;
    /* Stops the thread; pending calls end with CMDOP_ECANCELLED. */
    cmdop__loop_free(client->loop);
    cmdop__debug_log_close(client->log);
    cmdop__config_clear(&client->cfg);
    free(client);
}

const char *cmdop_client_base_url(const cmdop_client *c) { return c ? c->cfg.base_url : NULL; }
const char *cmdop_client_api_base_url(const cmdop_client *c) { return c ? c->cfg.api_base_url : NULL; }
const char *cmdop_client_fleet_id(const cmdop_client *c) { return c ? c->cfg.fleet_id : NULL; }
long cmdop_client_timeout_ms(const cmdop_client *c) { return c ? c->cfg.timeout_ms : 0; }
bool cmdop_client_has_token(const cmdop_client *c) { return c && c->cfg.token; }
bool cmdop_client_has_api_key(const cmdop_client *c) { return c && c->cfg.api_key; }
