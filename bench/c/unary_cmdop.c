/*
 * unary_cmdop.c — libcmdop's unary path: N sequential
 * cmdop_machines_info() calls on one client (configuration from the
 * CMDOP_* environment, as any application). Usage: unary_cmdop N MACHINE_ID
 */
#include "bench_c.h"

#include <cmdop.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s N MACHINE_ID\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    cmdop_client *c = NULL;
    if (cmdop_client_new(&c, NULL) < 0) {
        fprintf(stderr, "client: %s\n", cmdop_error_last()->message);
        return 1;
    }
    /* One warm-up call: the connection is open and cached afterwards. */
    cmdop_machine_info_response *info = NULL;
    if (cmdop_machines_info(&info, c, argv[2]) < 0) {
        fprintf(stderr, "machines.info: %s\n", cmdop_error_last()->message);
        return 1;
    }
    cmdop_machine_info_response_free(info);
    double t0 = bench_now(), c0 = bench_cpu();
    for (long i = 0; i < n; i++) {
        if (cmdop_machines_info(&info, c, argv[2]) < 0) {
            fprintf(stderr, "machines.info: %s\n", cmdop_error_last()->message);
            return 1;
        }
        cmdop_machine_info_response_free(info);
    }
    bench_report(n, 0, bench_now() - t0, bench_cpu() - c0);
    cmdop_client_free(c);
    return 0;
}
