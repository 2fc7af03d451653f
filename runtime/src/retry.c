/*
 * retry.c — the pure parts of the retry policy: which failures retry, how
 * long to wait, and the Idempotency-Key generator.
 */
#include <stdio.h>

#include "call.h"
#include "error_internal.h"
#include "port.h"
#include "retry.h"

long cmdop__retry_delay_ms(const cmdop__retry_policy *p, int retry,
                           long retry_after_ms, uint32_t rnd)
{
    long cap = p->cap_ms > 0 ? p->cap_ms : 0;
    if (retry_after_ms >= 0)   /* the server knows best, within our cap */
        return retry_after_ms < cap ? retry_after_ms : cap;
    /* base * 2^(retry-1), saturating at the cap without overflowing */
    long d = p->base_ms > 0 ? p->base_ms : 1;
    for (int i = 1; i < retry && d < cap; i++)
        d = d > cap / 2 ? cap : d * 2;
    if (d > cap)
        d = cap;
    if (p->jitter == CMDOP__JITTER_FULL)
        return (long)(rnd % ((uint32_t)d + 1u));
    long half = d / 2;
    return (d - half) + (long)(rnd % ((uint32_t)half + 1u));
}

bool cmdop__retry_is_retryable(const cmdop__http_req *req)
{
    switch (req->xfer) {
    case CMDOP__XFER_CONNECTION:
    case CMDOP__XFER_TIMEOUT:
        return true;
    case CMDOP__XFER_OK: {
        /* rate_limit and server, by the IDL's status table */
        int code = cmdop__error_code_for_status(req->status);
        return code == CMDOP_ERATELIMIT || code == CMDOP_ESERVER;
    }
    default:
        return false;   /* cancelled or out of memory: retrying cannot help */
    }
}

int cmdop__uuid4(char out[37])
{
    unsigned char b[16];
    if (cmdop__port_random(b, sizeof b) != 0)
        return CMDOP_EINTERNAL;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
    return 0;
}
