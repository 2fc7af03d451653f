/* versions.h — the versions of the libraries linked into cmdop-core, for
 * `cmdop-core --version` (runtime/cli/main.c). */
#ifndef CMDOP_CLI_VERSIONS_H
#define CMDOP_CLI_VERSIONS_H
#include <stdio.h>

/* Writes one "name version" line per linked library to `to`: libcurl (and the
 * TLS library it was built with), OpenSSL, jansson, protobuf-c,
 * libmicrohttpd, wslay and the allocator. Versions come from the libraries'
 * own run-time version calls, so they name what is linked, not the headers
 * (wslay, which has none, is the exception). */
void cmdop__cli_print_versions(FILE *to);

#endif
