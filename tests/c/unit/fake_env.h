/*
 * fake_env.h — an in-memory environment for the unit tests that resolve
 * configuration (config.c, net.c take a getenv-like function, so a test
 * never depends on the process environment).
 */
#ifndef CMDOP_TEST_FAKE_ENV_H
#define CMDOP_TEST_FAKE_ENV_H

#include <check.h>
#include <string.h>

#define FAKE_ENV_SLOTS 24

static const char *g_env[FAKE_ENV_SLOTS][2];

static void env_clear(void) { memset(g_env, 0, sizeof g_env); }

/* Sets or replaces k; the strings are borrowed and must outlive the test. */
static void env_set(const char *k, const char *v)
{
    for (size_t i = 0; i < FAKE_ENV_SLOTS; i++)
        if (!g_env[i][0] || strcmp(g_env[i][0], k) == 0) {
            g_env[i][0] = k;
            g_env[i][1] = v;
            return;
        }
    ck_abort_msg("fake env full");
}

static const char *fake_getenv(const char *k)
{
    for (size_t i = 0; i < FAKE_ENV_SLOTS && g_env[i][0]; i++)
        if (strcmp(g_env[i][0], k) == 0)
            return g_env[i][1];
    return NULL;
}

#endif
