/* versions.c — `cmdop-core --version`'s library lines (versions.h). */
#include "versions.h"

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <protobuf-c/protobuf-c.h>
#include <wslay/wslay.h>

#if defined(__linux__)
/* mimalloc is linked only into the static linux cores
 * (packaging/static/core.sh); a weak reference is null everywhere else. */
extern int mi_version(void) __attribute__((weak));
#endif

void cmdop__cli_print_versions(FILE *to)
{
    const curl_version_info_data *c = curl_version_info(CURLVERSION_NOW);
    fprintf(to, "libcurl %s (%s)\n", c->version, c->ssl_version ? c->ssl_version : "no TLS");
    fprintf(to, "openssl %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
    fprintf(to, "jansson %s\n", jansson_version_str());
    fprintf(to, "protobuf-c %s\n", protobuf_c_version());
    fprintf(to, "libmicrohttpd %s\n", MHD_get_version());
    /* wslay has no run-time version call: the headers it was built with */
    fprintf(to, "wslay %s\n", WSLAY_VERSION);
#if defined(__linux__)
    if (mi_version) {
        int v = mi_version(); /* major*10000 + minor*100 + patch (mimalloc 2.x) */
        fprintf(to, "allocator mimalloc %d.%d.%d\n", v / 10000, v / 100 % 100, v % 100);
        return;
    }
#endif
    fputs("allocator system\n", to);
}
