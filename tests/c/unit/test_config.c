/*
 * test_config.c — configuration precedence (explicit > env > default) for
 * every setting, empty strings as unset, the CMDOP_API_KEY fallback of the
 * relay token, trailing slashes, bad CMDOP_TIMEOUT_MS. The environment is a
 * fake table read through the resolver's getenv hook.
 */
#include <check.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "client_internal.h"
#include "cmdop/error.h"
#include "config.h"
#include "fake_ops.h"

#include "fake_env.h"

static cmdop__config resolve_ok(const cmdop_client_options *o)
{
    cmdop__config c;
    int rc = cmdop__config_resolve(&c, o, fake_getenv);
    ck_assert_msg(rc == 0, "resolve failed: %s", cmdop_error_last()->message);
    return c;
}

START_TEST(defaults_without_env)
{
    env_clear();
    cmdop__config c = resolve_ok(NULL);
    ck_assert_ptr_null(c.token);
    ck_assert_ptr_null(c.api_key);
    ck_assert_ptr_null(c.base_url); /* no default relay URL (1.1.1) */
    ck_assert_str_eq(c.api_base_url, "https://api.cmdop.com");
    ck_assert_ptr_null(c.fleet_id);
    ck_assert_int_eq(c.timeout_ms, 30000);
    ck_assert_int_eq(c.max_retries, 2);
    ck_assert_int_eq(c.retry_base_ms, 500);
    ck_assert_int_eq(c.retry_max_ms, 8000);
    ck_assert(!c.debug);
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(env_over_default)
{
    env_clear();
    env_set("CMDOP_TOKEN", "t-env");
    env_set("CMDOP_API_KEY", "k-env");
    env_set("CMDOP_BASE_URL", "http://relay.local:1");
    env_set("CMDOP_API_BASE_URL", "http://platform.local:2/platform");
    env_set("CMDOP_FLEET_ID", "fleet-env");
    env_set("CMDOP_TIMEOUT_MS", "1234");
    env_set("CMDOP_DEBUG", "1");
    cmdop__config c = resolve_ok(NULL);
    ck_assert_str_eq(c.token, "t-env");
    ck_assert_str_eq(c.api_key, "k-env");
    ck_assert_str_eq(c.base_url, "http://relay.local:1");
    ck_assert_str_eq(c.api_base_url, "http://platform.local:2/platform");
    ck_assert_str_eq(c.fleet_id, "fleet-env");
    ck_assert_int_eq(c.timeout_ms, 1234);
    ck_assert(c.debug);
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(explicit_over_env)
{
    env_clear();
    env_set("CMDOP_TOKEN", "t-env");
    env_set("CMDOP_API_KEY", "k-env");
    env_set("CMDOP_BASE_URL", "http://relay.env");
    env_set("CMDOP_API_BASE_URL", "http://platform.env");
    env_set("CMDOP_FLEET_ID", "fleet-env");
    env_set("CMDOP_TIMEOUT_MS", "1234");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.token = "t-x";
    o.api_key = "k-x";
    o.base_url = "http://relay.x";
    o.api_base_url = "http://platform.x";
    o.fleet_id = "fleet-x";
    o.timeout_ms = 99;
    o.max_retries = 0;
    o.retry_base_ms = 10;
    o.retry_max_ms = 20;
    cmdop__config c = resolve_ok(&o);
    ck_assert_str_eq(c.token, "t-x");
    ck_assert_str_eq(c.api_key, "k-x");
    ck_assert_str_eq(c.base_url, "http://relay.x");
    ck_assert_str_eq(c.api_base_url, "http://platform.x");
    ck_assert_str_eq(c.fleet_id, "fleet-x");
    ck_assert_int_eq(c.timeout_ms, 99);
    ck_assert_int_eq(c.max_retries, 0);
    ck_assert_int_eq(c.retry_base_ms, 10);
    ck_assert_int_eq(c.retry_max_ms, 20);
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(token_falls_back_to_env_api_key)
{
    env_clear();
    env_set("CMDOP_API_KEY", "k-env");
    cmdop__config c = resolve_ok(NULL);
    ck_assert_str_eq(c.token, "k-env");
    ck_assert_str_eq(c.api_key, "k-env");
    cmdop__config_clear(&c);
    /* CMDOP_TOKEN wins over the fallback */
    env_set("CMDOP_TOKEN", "t-env");
    c = resolve_ok(NULL);
    ck_assert_str_eq(c.token, "t-env");
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(explicit_api_key_is_not_a_token)
{
    env_clear();
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.api_key = "k-x";
    cmdop__config c = resolve_ok(&o);
    ck_assert_ptr_null(c.token);
    ck_assert_str_eq(c.api_key, "k-x");
    cmdop__config_clear(&c);
    /* but the env key still backs the token when the option sets api_key */
    env_set("CMDOP_API_KEY", "k-env");
    c = resolve_ok(&o);
    ck_assert_str_eq(c.token, "k-env");
    ck_assert_str_eq(c.api_key, "k-x");
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(empty_strings_are_unset)
{
    env_clear();
    env_set("CMDOP_TOKEN", "");
    env_set("CMDOP_API_KEY", "k-env");
    env_set("CMDOP_BASE_URL", "");
    env_set("CMDOP_API_BASE_URL", "");
    env_set("CMDOP_FLEET_ID", "");
    env_set("CMDOP_TIMEOUT_MS", "");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.token = "";
    o.api_key = "";
    o.base_url = "";
    o.fleet_id = "";
    cmdop__config c = resolve_ok(&o);
    ck_assert_str_eq(c.token, "k-env");      /* "" option, "" env, then API key */
    ck_assert_str_eq(c.api_key, "k-env");
    ck_assert_ptr_null(c.base_url); /* no default relay URL (1.1.1) */
    ck_assert_str_eq(c.api_base_url, "https://api.cmdop.com");
    ck_assert_ptr_null(c.fleet_id);
    ck_assert_int_eq(c.timeout_ms, 30000);
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(trailing_slashes_stripped)
{
    env_clear();
    env_set("CMDOP_BASE_URL", "http://relay.env//");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.api_base_url = "http://127.0.0.1:9/platform/";
    cmdop__config c = resolve_ok(&o);
    ck_assert_str_eq(c.base_url, "http://relay.env");
    ck_assert_str_eq(c.api_base_url, "http://127.0.0.1:9/platform");
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(use_env_false_ignores_env)
{
    env_clear();
    env_set("CMDOP_TOKEN", "t-env");
    env_set("CMDOP_TIMEOUT_MS", "nope");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    cmdop__config c = resolve_ok(&o);
    ck_assert_ptr_null(c.token);
    ck_assert_int_eq(c.timeout_ms, 30000);
    cmdop__config_clear(&c);
}
END_TEST

static const char *k_bad_timeouts[] = {"abc", "0", "-5", "12ms", " 12", "99999999999999999999"};

START_TEST(bad_env_timeout_names_the_variable)
{
    env_clear();
    env_set("CMDOP_TIMEOUT_MS", k_bad_timeouts[_i]);
    cmdop__config c;
    ck_assert_int_eq(cmdop__config_resolve(&c, NULL, fake_getenv), CMDOP_EVALIDATION);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_int_eq(e->code, CMDOP_EVALIDATION);
    ck_assert_str_eq(e->field, "CMDOP_TIMEOUT_MS");
    ck_assert_ptr_nonnull(strstr(e->message, "CMDOP_TIMEOUT_MS"));
    ck_assert_ptr_nonnull(strstr(e->message, k_bad_timeouts[_i]));
    ck_assert_ptr_null(c.base_url);  /* nothing half-resolved left behind */
}
END_TEST

START_TEST(explicit_timeout_beats_bad_env)
{
    env_clear();
    env_set("CMDOP_TIMEOUT_MS", "abc");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.timeout_ms = 5;
    cmdop__config c = resolve_ok(&o);
    ck_assert_int_eq(c.timeout_ms, 5);
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(bad_options)
{
    env_clear();
    cmdop__config c;
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.version = 77;
    ck_assert_int_eq(cmdop__config_resolve(&c, &o, fake_getenv), CMDOP_EINVALID);
    o.version = CMDOP_CLIENT_OPTIONS_VERSION;
    o.timeout_ms = -1;
    ck_assert_int_eq(cmdop__config_resolve(&c, &o, fake_getenv), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "timeout_ms");
    o.timeout_ms = 0;
    o.base_url = "///";
    ck_assert_int_eq(cmdop__config_resolve(&c, &o, fake_getenv), CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "base_url");
}
END_TEST

START_TEST(debug_only_on_one)
{
    env_clear();
    env_set("CMDOP_DEBUG", "0");
    cmdop__config c = resolve_ok(NULL);
    ck_assert(!c.debug);
    cmdop__config_clear(&c);
}
END_TEST

/* CMDOP_DEBUG=1: one line per attempt in a fresh 0600 file inside a private
 * 0700 directory under $TMPDIR, never the credential, nothing on stdout. */
START_TEST(debug_log_goes_to_a_file_without_secrets)
{
    char dir[] = "/tmp/cmdop-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    env_clear();
    env_set("CMDOP_DEBUG", "1");
    env_set("TMPDIR", dir);
    env_set("CMDOP_TOKEN", "secret-token-123");
    env_set("CMDOP_BASE_URL", "http://127.0.0.1:1");   /* refused at once */
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.max_retries = 0;
    cmdop_client *c;
    ck_assert_int_eq(cmdop__client_new_env(&c, &o, fake_getenv), 0);
    json_t *args = json_pack("{s:s}", "machine_id", "m1"), *out;
    ck_assert_int_eq(cmdop__call(c, &k_machines_get, args, &out), CMDOP_ECONNECTION);
    json_decref(args);
    char path[512], text[4096] = "";
    ck_assert_ptr_nonnull(cmdop__debug_log_path(c->log));
    snprintf(path, sizeof path, "%s", cmdop__debug_log_path(c->log));
    cmdop_client_free(c);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    ck_assert_int_eq(strncmp(path, dir, strlen(dir)), 0);
    struct stat dst;
    ck_assert_int_eq(stat(path, &dst), 0);
    ck_assert_int_eq(dst.st_mode & 0777, 0700);
    *slash = '/';
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    *slash = '\0';
    rmdir(path);
    rmdir(dir);
    ck_assert_ptr_nonnull(strstr(text, "DEBUG request: GET http://127.0.0.1:1/api/machines/m1"));
    ck_assert_ptr_nonnull(strstr(text, "relay credential set"));
    ck_assert_ptr_null(strstr(text, "secret-token-123"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config");
    TCase *t = tcase_create("precedence");
    tcase_add_test(t, defaults_without_env);
    tcase_add_test(t, env_over_default);
    tcase_add_test(t, explicit_over_env);
    tcase_add_test(t, token_falls_back_to_env_api_key);
    tcase_add_test(t, explicit_api_key_is_not_a_token);
    tcase_add_test(t, empty_strings_are_unset);
    tcase_add_test(t, trailing_slashes_stripped);
    tcase_add_test(t, use_env_false_ignores_env);
    tcase_add_loop_test(t, bad_env_timeout_names_the_variable, 0,
                        (int)(sizeof k_bad_timeouts / sizeof k_bad_timeouts[0]));
    tcase_add_test(t, explicit_timeout_beats_bad_env);
    tcase_add_test(t, bad_options);
    tcase_add_test(t, debug_only_on_one);
    tcase_add_test(t, debug_log_goes_to_a_file_without_secrets);
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
