/*
 * net.h — INTERNAL: resolving a client's network settings (cmdop__net, in
 * http_loop.h): custom CAs, proxies and the plain-http opt-in. libcurl's
 * own environment handling is overridden on every transfer (http_loop.c),
 * so these rules are the only ones:
 *   CA file   ca_file option > CMDOP_CA_FILE > CURL_CA_BUNDLE > SSL_CERT_FILE
 *             > the first readable system bundle (cmdop__net_system_ca_files;
 *             not on Windows, where curl reads the system store)
 *   CA dir    SSL_CERT_DIR (hashed names: `openssl rehash DIR`)
 *   http://   http_proxy > HTTP_PROXY (ignored when REQUEST_METHOD is set:
 *             httpoxy, as in Python) > all_proxy > ALL_PROXY
 *   https://  https_proxy > HTTPS_PROXY > all_proxy > ALL_PROXY
 *   no proxy  no_proxy > NO_PROXY (libcurl's syntax: "*", hosts, domains)
 *   CMDOP_ALLOW_INSECURE_HTTP=1 lets a credential go over plain http:// to
 *   a host that is not loopback (refused otherwise, before any connection).
 * CMDOP_* variables are read only when the options' use_env is on; the
 * standard variables above always are (as libcurl and Python do).
 * Verification is always on; there is no option to turn it off.
 */
#ifndef CMDOP__NET_H
#define CMDOP__NET_H

#include "config.h"
#include "http_loop.h"

/*
 * Fill *net (zeroed by the caller) from the explicit `ca_file` option (may
 * be NULL), the CMDOP_* variables through `cmdop_env` (NULL = none) and the
 * standard ones through `sys_env` (NULL = none). Strings are copied: free
 * with cmdop__net_clear. Returns 0, CMDOP_EVALIDATION (an explicit CA file
 * that cannot be read; the error names it) or CMDOP_ENOMEM; on failure
 * *net holds nothing.
 */
int cmdop__net_resolve(cmdop__net *net, const char *ca_file, cmdop__getenv_fn cmdop_env,
                       cmdop__getenv_fn sys_env);

/* The system CA bundles probed when no CA file is configured, NULL-ended. */
extern const char *const cmdop__net_system_ca_files[];

/* The first of `candidates` (NULL-ended; NULL = none) that is readable, or
 * NULL. Returns one of the candidates (borrowed), never a copy. */
const char *cmdop__net_probe_ca(const char *const *candidates);

/* Free what *net owns and zero it (its borrowed log too). */
void cmdop__net_clear(cmdop__net *net);

#endif /* CMDOP__NET_H */
