/*
 * cmdop-core — the one native binary the SDK ships.
 *   cmdop-core relay [--port N] [--seed FILE] [--token T] [--api-key K]
 *       the local relay (relay/), for demos and every integration test;
 *       127.0.0.1:63141 without --port, a free port with --port 0
 *   cmdop-core --stdio
 *       the server the Python and Node clients spawn: length-prefixed
 *       protobuf Envelopes on stdin/stdout (docs/stdio.md), configured from
 *       the CMDOP_* environment
 *   cmdop-core bots serve --config FILE
 *       the configured chat bots with no client program (docs/bots.md)
 *   cmdop-core --version
 *       this build's version and IDL hash on the first line, then one line
 *       per linked library (runtime/cli/versions.c)
 */
#include <stdio.h>
#include <string.h>

#include "bot_serve.h"
#include "cmdop/version.h"
#include "port.h"
#include "stdio_server.h"
#include "versions.h"

/* relay/relay_main.c */
int cmdop_relay_main(int argc, char **argv);

static void usage(FILE *to)
{
    fputs("usage: cmdop-core relay [--port N] [--host ADDR] [--seed FILE]"
          " [--token T] [--api-key K]\n"
          "         (--port defaults to 63141; --port 0 picks a free port)\n"
          "       cmdop-core --stdio\n"
          "       cmdop-core bots serve --config FILE\n"
          "       cmdop-core --version\n",
          to);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "relay") == 0)
        return cmdop_relay_main(argc - 1, argv + 1);
    if (argc >= 3 && strcmp(argv[1], "bots") == 0 && strcmp(argv[2], "serve") == 0)
        return cmdop__bots_serve_main(argc - 2, argv + 2);
    if (argc == 2 && strcmp(argv[1], "--stdio") == 0) {
        /* frames go to a private copy of stdout; fd 1 itself becomes stderr
         * so a stray print from any library cannot corrupt the protocol */
        int out = cmdop__port_stdio_take_stdout();
        if (out < 0)
            return 2;
        return cmdop__stdio_serve(0, out);
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("cmdop-core %s (idl %s)\n", cmdop_version(), cmdop_idl_hash());
        cmdop__cli_print_versions(stdout);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
