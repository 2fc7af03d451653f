/*
 * test_retry.c — the pure retry schedule: exponential growth, jitter
 * bounds (equal and full), Retry-After honoured up to the cap, the cap
 * itself, overflow safety; which failures are retryable; UUIDv4 keys.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "http_loop.h"
#include "retry.h"

static const uint32_t k_rnds[] = {0u, 1u, 7u, 499u, 500u, 12345u, 0x7fffffffu, 0xffffffffu};
#define N_RNDS (sizeof k_rnds / sizeof k_rnds[0])

START_TEST(equal_jitter_bounds)
{
    cmdop__retry_policy p = {5, 500, 8000, CMDOP__JITTER_EQUAL};
    /* nominal delays: 500, 1000, 2000, 4000, 8000, 8000 (capped) */
    static const long nominal[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (int retry = 1; retry <= 7; retry++) {
        long d = nominal[retry - 1];
        long lo = d - d / 2, hi = d;
        long seen_min = hi, seen_max = lo;
        for (size_t i = 0; i < N_RNDS; i++) {
            long got = cmdop__retry_delay_ms(&p, retry, -1, k_rnds[i]);
            ck_assert_msg(got >= lo && got <= hi, "retry %d rnd %u: %ld not in [%ld,%ld]",
                          retry, k_rnds[i], got, lo, hi);
            if (got < seen_min) seen_min = got;
            if (got > seen_max) seen_max = got;
        }
        ck_assert_int_eq(seen_min, lo);   /* rnd 0 gives the lower bound */
        ck_assert_int_gt(seen_max, lo);   /* and the jitter does spread */
    }
}
END_TEST

START_TEST(full_jitter_bounds)
{
    cmdop__retry_policy p = {5, 100, 1000, CMDOP__JITTER_FULL};
    for (int retry = 1; retry <= 6; retry++) {
        long d = 100L << (retry - 1);
        if (d > 1000) d = 1000;
        for (size_t i = 0; i < N_RNDS; i++) {
            long got = cmdop__retry_delay_ms(&p, retry, -1, k_rnds[i]);
            ck_assert_msg(got >= 0 && got <= d, "retry %d: %ld not in [0,%ld]", retry, got, d);
        }
        ck_assert_int_eq(cmdop__retry_delay_ms(&p, retry, -1, (uint32_t)d), d);
    }
}
END_TEST

START_TEST(delays_grow_exponentially)
{
    cmdop__retry_policy p = {10, 250, 100000, CMDOP__JITTER_EQUAL};
    /* with rnd 0 equal jitter yields exactly half the nominal delay */
    ck_assert_int_eq(cmdop__retry_delay_ms(&p, 1, -1, 0), 125);
    ck_assert_int_eq(cmdop__retry_delay_ms(&p, 2, -1, 0), 250);
    ck_assert_int_eq(cmdop__retry_delay_ms(&p, 3, -1, 0), 500);
    ck_assert_int_eq(cmdop__retry_delay_ms(&p, 4, -1, 0), 1000);
}
END_TEST

START_TEST(cap_holds_for_huge_attempts)
{
    cmdop__retry_policy p = {1000, 500, 8000, CMDOP__JITTER_FULL};
    for (int retry = 1; retry < 1000; retry += 37)
        for (size_t i = 0; i < N_RNDS; i++)
            ck_assert_int_le(cmdop__retry_delay_ms(&p, retry, -1, k_rnds[i]), 8000);
}
END_TEST

START_TEST(retry_after_honoured_up_to_cap)
{
    cmdop__retry_policy p = {3, 500, 8000, CMDOP__JITTER_EQUAL};
    for (size_t i = 0; i < N_RNDS; i++) {
        /* the server's value replaces the backoff, without jitter */
        ck_assert_int_eq(cmdop__retry_delay_ms(&p, 1, 3000, k_rnds[i]), 3000);
        ck_assert_int_eq(cmdop__retry_delay_ms(&p, 3, 0, k_rnds[i]), 0);
        /* but never beyond the cap */
        ck_assert_int_eq(cmdop__retry_delay_ms(&p, 1, 60000, k_rnds[i]), 8000);
    }
}
END_TEST

static cmdop__http_req *fake(cmdop__xfer x, long status)
{
    cmdop__http_req *r = cmdop__http_req_new();
    r->xfer = x;
    r->status = status;
    return r;
}

START_TEST(retryable_classes)
{
    static const struct { cmdop__xfer x; long status; bool want; } k[] = {
        {CMDOP__XFER_OK, 429, true},   {CMDOP__XFER_OK, 500, true},
        {CMDOP__XFER_OK, 502, true},   {CMDOP__XFER_OK, 503, true},
        {CMDOP__XFER_OK, 599, true},   {CMDOP__XFER_OK, 200, false},
        {CMDOP__XFER_OK, 204, false},  {CMDOP__XFER_OK, 400, false},
        {CMDOP__XFER_OK, 401, false},  {CMDOP__XFER_OK, 404, false},
        {CMDOP__XFER_OK, 409, false},  {CMDOP__XFER_OK, 422, false},
        {CMDOP__XFER_CONNECTION, 0, true}, {CMDOP__XFER_TIMEOUT, 0, true},
        {CMDOP__XFER_CANCELLED, 0, false}, {CMDOP__XFER_NOMEM, 0, false},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        cmdop__http_req *r = fake(k[i].x, k[i].status);
        ck_assert_msg(cmdop__retry_is_retryable(r) == k[i].want, "case %zu", i);
        cmdop__http_req_free(r);
    }
}
END_TEST

START_TEST(uuid4_shape_and_uniqueness)
{
    char a[37], b[37];
    ck_assert_int_eq(cmdop__uuid4(a), 0);
    ck_assert_int_eq(cmdop__uuid4(b), 0);
    ck_assert_int_eq(strlen(a), 36);
    ck_assert_str_ne(a, b);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            ck_assert_int_eq(a[i], '-');
        else
            ck_assert_msg(strchr("0123456789abcdef", a[i]) != NULL, "hex at %d", i);
    }
    ck_assert_int_eq(a[14], '4');
    ck_assert_msg(strchr("89ab", a[19]) != NULL, "variant %c", a[19]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("retry");
    TCase *t = tcase_create("schedule");
    tcase_add_test(t, equal_jitter_bounds);
    tcase_add_test(t, full_jitter_bounds);
    tcase_add_test(t, delays_grow_exponentially);
    tcase_add_test(t, cap_holds_for_huge_attempts);
    tcase_add_test(t, retry_after_honoured_up_to_cap);
    tcase_add_test(t, retryable_classes);
    tcase_add_test(t, uuid4_shape_and_uniqueness);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
