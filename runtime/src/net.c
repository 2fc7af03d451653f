/*
 * net.c — network settings (net.h) and the pure URL helpers of http_loop.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmdop/error.h"
#include "call.h"
#include "error_internal.h"
#include "net.h"

static const char *get(cmdop__getenv_fn env, const char *name)
{
    const char *v = env ? env(name) : NULL;
    return v && *v ? v : NULL;
}

static int dup_first(char **out, const char *a, const char *b, const char *c, const char *d)
{
    const char *v = a ? a : b ? b : c ? c : d;
    *out = NULL;
    if (!v)
        return 0;
    *out = strdup(v);
    return *out ? 0 : CMDOP_ENOMEM;
}

/* Where the usual Linux distributions and macOS keep their CA bundle, in
 * the order probed (the first readable one wins): Debian, Ubuntu, Arch and
 * Alpine; Fedora and RHEL; openSUSE; OpenELEC; RHEL 7+'s extracted bundle;
 * Alpine, the BSDs and macOS. A static core has no distribution's compiled-in
 * default, so without this it would trust nothing on a system whose bundle
 * is not where its TLS library was built to look. */
const char *const cmdop__net_system_ca_files[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    NULL,
};

const char *cmdop__net_probe_ca(const char *const *candidates)
{
    for (; candidates && *candidates; candidates++)
        if (access(*candidates, R_OK) == 0)
            return *candidates;
    return NULL;
}

int cmdop__net_resolve(cmdop__net *net, const char *ca_file, cmdop__getenv_fn cmdop_env,
                       cmdop__getenv_fn sys_env)
{
    const char *explicit_ca = ca_file && *ca_file ? ca_file
                              : get(cmdop_env, cmdop__options[CMDOP__OPT_CA_FILE].env[0]);
    if (explicit_ca && access(explicit_ca, R_OK) != 0)
        return cmdop__error_set(CMDOP_EVALIDATION, 0, NULL, "ca_file",
                                "ca_file: cannot read the CA file \"%s\"", explicit_ca);
    const char *all = get(sys_env, "all_proxy");
    if (!all)
        all = get(sys_env, "ALL_PROXY");
    /* httpoxy: in a CGI script HTTP_PROXY may come from a request header */
    const char *upper_http = get(sys_env, "REQUEST_METHOD") ? NULL : get(sys_env, "HTTP_PROXY");
    int rc = 0;
#ifdef _WIN32
    const char *system_ca = NULL; /* the Windows certificate store (curl's native CA) */
#else
    const char *system_ca = cmdop__net_probe_ca(cmdop__net_system_ca_files);
#endif
    if ((rc = dup_first(&net->ca_file, explicit_ca, get(sys_env, "CURL_CA_BUNDLE"),
                        get(sys_env, "SSL_CERT_FILE"), system_ca)) ||
        (rc = dup_first(&net->ca_dir, get(sys_env, "SSL_CERT_DIR"), NULL, NULL, NULL)) ||
        (rc = dup_first(&net->http_proxy, get(sys_env, "http_proxy"), upper_http, all, NULL)) ||
        (rc = dup_first(&net->https_proxy, get(sys_env, "https_proxy"),
                        get(sys_env, "HTTPS_PROXY"), all, NULL)) ||
        (rc = dup_first(&net->no_proxy, get(sys_env, "no_proxy"), get(sys_env, "NO_PROXY"),
                        NULL, NULL))) {
        cmdop__net_clear(net);
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    }
    const char *ins = get(cmdop_env, "CMDOP_ALLOW_INSECURE_HTTP");
    net->allow_insecure_http = ins && strcmp(ins, "1") == 0;
    return 0;
}

void cmdop__net_clear(cmdop__net *net)
{
    free(net->ca_file);
    free(net->ca_dir);
    free(net->http_proxy);
    free(net->https_proxy);
    free(net->no_proxy);
    memset(net, 0, sizeof *net);
}

/* The authority of `url`: [*start, *end) after "scheme://", up to the path. */
static void authority(const char *url, const char **start, const char **end)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    *start = p;
    *end = p + strcspn(p, "/?#");
}

bool cmdop__url_is_loopback(const char *url)
{
    const char *a, *e;
    authority(url, &a, &e);
    for (const char *q = a; q < e; q++)   /* skip userinfo */
        if (*q == '@')
            a = q + 1;
    char host[256];
    size_t n;
    if (*a == '[') {   /* IPv6 literal */
        const char *close = memchr(a, ']', (size_t)(e - a));
        if (!close)
            return false;
        n = (size_t)(close - a - 1);
        if (n >= sizeof host)
            return false;
        memcpy(host, a + 1, n);
        host[n] = '\0';
        return strcmp(host, "::1") == 0 || strcasecmp(host, "0:0:0:0:0:0:0:1") == 0;
    }
    const char *colon = memchr(a, ':', (size_t)(e - a));
    n = (size_t)((colon ? colon : e) - a);
    if (n == 0 || n >= sizeof host)
        return false;
    memcpy(host, a, n);
    host[n] = '\0';
    if (host[n - 1] == '.')   /* "localhost." */
        host[--n] = '\0';
    if (strcasecmp(host, "localhost") == 0)
        return true;
    if (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0)
        return true;
    /* 127.0.0.0/8 as a dotted quad of decimal numbers */
    unsigned v[4];
    char tail;
    if (sscanf(host, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &tail) == 4)
        return v[0] == 127 && v[1] < 256 && v[2] < 256 && v[3] < 256 &&
               strspn(host, "0123456789.") == n;
    return false;
}

void cmdop__url_redact(const char *url, char *out, size_t size)
{
    if (size == 0)
        return;
    const char *a, *e;
    authority(url, &a, &e);
    const char *at = NULL;
    for (const char *q = a; q < e; q++)
        if (*q == '@')
            at = q;
    if (!at) {
        snprintf(out, size, "%s", url);
        return;
    }
    snprintf(out, size, "%.*s***%s", (int)(a - url), url, at);
}
