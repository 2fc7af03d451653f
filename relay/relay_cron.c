/*
 * relay_cron.c — five-field cron parsing and next-run search (relay_cron.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay_cron.h"

static const char *const NAMES[5] = {"minute", "hour", "day-of-month",
                                     "month", "day-of-week"};
static const int LO[5] = {0, 0, 1, 1, 0};
static const int HI[5] = {59, 23, 31, 12, 7};

/* Reads a decimal number at *p; -1 when there is none. */
static int number(const char **p)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    long v = 0;
    while (isdigit((unsigned char)**p) && v < 1000)
        v = v * 10 + (*(*p)++ - '0');
    return (int)v;
}

/* One comma-separated item: "*", N or N-M, with an optional "/step". */
static int item(const char *s, size_t len, int lo, int hi, uint64_t *bits)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *p = buf;
    int a = lo, b = hi, step = 1;
    if (*p == '*') {
        p++;
    } else {
        if ((a = number(&p)) < 0)
            return -1;
        b = a;
        if (*p == '-') {
            p++;
            if ((b = number(&p)) < 0)
                return -1;
        }
    }
    if (*p == '/') {
        p++;
        if ((step = number(&p)) < 1)
            return -1;
        if (b == a && buf[0] != '*')
            b = hi; /* "5/15" means 5-hi/15, as in Vixie cron */
    }
    if (*p || a < lo || b > hi || a > b)
        return -1;
    for (int v = a; v <= b; v += step)
        *bits |= (uint64_t)1 << v;
    return 0;
}

static int field(const char *s, size_t len, int i, uint64_t *bits)
{
    *bits = 0;
    while (len > 0) {
        const char *comma = memchr(s, ',', len);
        size_t n = comma ? (size_t)(comma - s) : len;
        if (item(s, n, LO[i], HI[i], bits) != 0)
            return -1;
        if (!comma)
            break;
        len -= n + 1;
        s = comma + 1;
        if (len == 0)
            return -1; /* trailing comma */
    }
    return *bits ? 0 : -1;
}

int relay_cron_parse(relay_cron *c, const char *expr, char why[64])
{
    uint64_t *slots[5] = {&c->minute, &c->hour, &c->dom, &c->month, &c->dow};
    const char *p = expr;
    int i = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if (i == 5) {
            snprintf(why, 64, "must have exactly 5 space-separated fields");
            return -1;
        }
        if (field(start, (size_t)(p - start), i, slots[i]) != 0) {
            snprintf(why, 64, "invalid %s field", NAMES[i]);
            return -1;
        }
        if (i == 2)
            c->dom_any = (p - start == 1 && *start == '*');
        if (i == 4)
            c->dow_any = (p - start == 1 && *start == '*');
        i++;
    }
    if (i != 5) {
        snprintf(why, 64, "must have exactly 5 space-separated fields");
        return -1;
    }
    if (c->dow & ((uint64_t)1 << 7))
        c->dow |= 1; /* 7 is Sunday too */
    return 0;
}

static bool day_matches(const relay_cron *c, const struct tm *tm)
{
    bool d = (c->dom >> tm->tm_mday) & 1;
    bool w = (c->dow >> tm->tm_wday) & 1;
    /* Vixie cron: when both day fields are restricted, either may match. */
    if (!c->dom_any && !c->dow_any)
        return d || w;
    return d && w;
}

time_t relay_cron_next(const relay_cron *c, time_t after)
{
    time_t t = after - after % 60 + 60;
    time_t end = after + (time_t)5 * 366 * 24 * 3600;
    while (t < end) {
        struct tm tm;
        gmtime_r(&t, &tm);
        if (!((c->month >> (tm.tm_mon + 1)) & 1) || !day_matches(c, &tm)) {
            /* skip to the next midnight */
            t += (time_t)(24 * 3600 - tm.tm_hour * 3600 - tm.tm_min * 60);
            continue;
        }
        if (!((c->hour >> tm.tm_hour) & 1)) {
            t += (time_t)(3600 - tm.tm_min * 60);
            continue;
        }
        if ((c->minute >> tm.tm_min) & 1)
            return t;
        t += 60;
    }
    return 0;
}
