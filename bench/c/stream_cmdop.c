/*
 * stream_cmdop.c — libcmdop's stream path: K asks in a row, every frame
 * pulled with cmdop_ask_stream_next() and freed. Configuration from the
 * CMDOP_* environment. Usage: stream_cmdop K MACHINE_ID PROMPT
 */
#include "bench_c.h"

#include <cmdop.h>
#include <stdlib.h>

static long one_stream(cmdop_client *c, const char *machine, const char *prompt)
{
    cmdop_ask_stream *s = NULL;
    cmdop_machines_ask_params p = CMDOP_MACHINES_ASK_PARAMS_INIT;
    if (cmdop_machines_ask(&s, c, machine, prompt, &p) < 0)
        return -1;
    long frames = 0;
    cmdop_ask_frame *f = NULL;
    int rc;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        frames++;
        cmdop_ask_frame_free(f);
    }
    cmdop_ask_stream_free(s);
    return rc == CMDOP_ITEROVER ? frames : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s K MACHINE_ID PROMPT\n", argv[0]);
        return 2;
    }
    long k = atol(argv[1]);
    cmdop_client *c = NULL;
    if (cmdop_client_new(&c, NULL) < 0) {
        fprintf(stderr, "client: %s\n", cmdop_error_last()->message);
        return 1;
    }
    double t0 = bench_now(), c0 = bench_cpu();
    long frames = 0;
    for (long i = 0; i < k; i++) {
        long n = one_stream(c, argv[2], argv[3]);
        if (n < 0) {
            fprintf(stderr, "ask: %s\n", cmdop_error_last()->message);
            return 1;
        }
        frames += n;
    }
    bench_report(k, frames, bench_now() - t0, bench_cpu() - c0);
    cmdop_client_free(c);
    return 0;
}
