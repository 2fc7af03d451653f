/*
 * test_net.c — network settings (net.h: CAs, proxies in both
 * cases, httpoxy, the plain-http opt-in), the URL helpers, log redaction and
 * the log files (debug_log.h: 0600, O_NOFOLLOW, O_EXCL, private directory),
 * the refusal of a credential over plain http to a remote host before any
 * connection, and the over-cap error text. No network.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call.h"
#include "client_internal.h"
#include "cmdop/error.h"
#include "config.h"
#include "debug_log.h"
#include "error_internal.h"
#include "fake_ops.h"
#include "net.h"

#include "fake_env.h"

static cmdop__net resolve(const char *ca_file)
{
    cmdop__net n;
    memset(&n, 0, sizeof n);
    ck_assert_int_eq(cmdop__net_resolve(&n, ca_file, fake_getenv, fake_getenv), 0);
    return n;
}

START_TEST(proxies_in_both_cases)
{
    env_clear();
    env_set("HTTP_PROXY", "http://upper:1");
    env_set("HTTPS_PROXY", "http://upper:2");
    env_set("NO_PROXY", "upper.example");
    cmdop__net n = resolve(NULL);
    ck_assert_str_eq(n.http_proxy, "http://upper:1");
    ck_assert_str_eq(n.https_proxy, "http://upper:2");
    ck_assert_str_eq(n.no_proxy, "upper.example");
    cmdop__net_clear(&n);
    env_set("http_proxy", "http://lower:1");   /* lowercase wins */
    env_set("https_proxy", "http://lower:2");
    env_set("no_proxy", "lower.example");
    n = resolve(NULL);
    ck_assert_str_eq(n.http_proxy, "http://lower:1");
    ck_assert_str_eq(n.https_proxy, "http://lower:2");
    ck_assert_str_eq(n.no_proxy, "lower.example");
    cmdop__net_clear(&n);
}
END_TEST

START_TEST(httpoxy_ignores_uppercase_http_proxy_under_cgi)
{
    env_clear();
    env_set("HTTP_PROXY", "http://attacker:1");
    env_set("HTTPS_PROXY", "http://corp:2");
    env_set("REQUEST_METHOD", "GET");
    cmdop__net n = resolve(NULL);
    ck_assert_ptr_null(n.http_proxy);
    ck_assert_str_eq(n.https_proxy, "http://corp:2");
    cmdop__net_clear(&n);
    env_set("http_proxy", "http://lower:1");   /* lowercase cannot come from a header */
    env_set("ALL_PROXY", "http://all:3");
    n = resolve(NULL);
    ck_assert_str_eq(n.http_proxy, "http://lower:1");
    cmdop__net_clear(&n);
}
END_TEST

START_TEST(ca_precedence)
{
    env_clear();
    env_set("SSL_CERT_FILE", "/etc/passwd");
    env_set("SSL_CERT_DIR", "/etc");
    cmdop__net n = resolve(NULL);
    ck_assert_str_eq(n.ca_file, "/etc/passwd");
    ck_assert_str_eq(n.ca_dir, "/etc");
    cmdop__net_clear(&n);
    env_set("CURL_CA_BUNDLE", "/etc/hostname");
    n = resolve(NULL);
    ck_assert_str_eq(n.ca_file, "/etc/hostname");
    cmdop__net_clear(&n);
    env_set("CMDOP_CA_FILE", "/etc/hosts");
    n = resolve(NULL);
    ck_assert_str_eq(n.ca_file, "/etc/hosts");
    cmdop__net_clear(&n);
    n = resolve("/etc/group");   /* the option first */
    ck_assert_str_eq(n.ca_file, "/etc/group");
    cmdop__net_clear(&n);
    memset(&n, 0, sizeof n);
    ck_assert_int_eq(cmdop__net_resolve(&n, "/nonexistent/ca.pem", fake_getenv, fake_getenv),
                     CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "ca_file");
    ck_assert_ptr_null(n.ca_file);
}
END_TEST

START_TEST(system_ca_bundle_is_probed_last)
{
    char dir[] = "/tmp/cmdop-ca-XXXXXX", pem[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(pem, sizeof pem, "%s/bundle.pem", dir);
    FILE *f = fopen(pem, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    const char *const none[] = {"/nonexistent/a.crt", "/nonexistent/b.pem", NULL};
    const char *const some[] = {"/nonexistent/a.crt", pem, "/etc/hostname", NULL};
    ck_assert_ptr_null(cmdop__net_probe_ca(none));
    ck_assert_ptr_null(cmdop__net_probe_ca(NULL));
    ck_assert_str_eq(cmdop__net_probe_ca(some), pem);   /* the first readable one */
    chmod(pem, 0);
    if (geteuid() != 0)   /* root reads anything */
        ck_assert_str_eq(cmdop__net_probe_ca(some), "/etc/hostname");
    unlink(pem);
    rmdir(dir);
    /* Resolved without any CA setting: the system bundle, when this machine has one. */
    env_clear();
    cmdop__net n = resolve(NULL);
    const char *sys = cmdop__net_probe_ca(cmdop__net_system_ca_files);
    if (sys)
        ck_assert_str_eq(n.ca_file, sys);
    else
        ck_assert_ptr_null(n.ca_file);
    cmdop__net_clear(&n);
    /* Any setting wins over it. */
    env_set("SSL_CERT_FILE", "/etc/hosts");
    n = resolve(NULL);
    ck_assert_str_eq(n.ca_file, "/etc/hosts");
    cmdop__net_clear(&n);
}
END_TEST

START_TEST(options_version_1_still_accepted)
{
    env_clear();
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.version = 1;
    o.ca_file = "/nonexistent";   /* not a member of version 1: never read */
    cmdop__config c;
    ck_assert_int_eq(cmdop__config_resolve(&c, &o, fake_getenv), 0);
    const char *sys = cmdop__net_probe_ca(cmdop__net_system_ca_files);
    if (sys)   /* "/nonexistent" was not read: the system bundle, or none */
        ck_assert_str_eq(c.net.ca_file, sys);
    else
        ck_assert_ptr_null(c.net.ca_file);
    cmdop__config_clear(&c);
    o.version = CMDOP_CLIENT_OPTIONS_VERSION;
    o.ca_file = "/etc/hosts";
    ck_assert_int_eq(cmdop__config_resolve(&c, &o, fake_getenv), 0);
    ck_assert_str_eq(c.net.ca_file, "/etc/hosts");
    cmdop__config_clear(&c);
}
END_TEST

START_TEST(loopback_hosts)
{
    ck_assert(cmdop__url_is_loopback("http://127.0.0.1:8080/api"));
    ck_assert(cmdop__url_is_loopback("http://127.9.8.7/"));
    ck_assert(cmdop__url_is_loopback("http://localhost"));
    ck_assert(cmdop__url_is_loopback("http://LOCALHOST.:1/x"));
    ck_assert(cmdop__url_is_loopback("http://relay.localhost:1/x"));
    ck_assert(cmdop__url_is_loopback("http://[::1]:9/x"));
    ck_assert(cmdop__url_is_loopback("http://u:p@127.0.0.1/x"));
    ck_assert(!cmdop__url_is_loopback("http://127.0.0.1.evil.com/x"));
    ck_assert(!cmdop__url_is_loopback("http://localhost.evil.com/x"));
    ck_assert(!cmdop__url_is_loopback("http://192.0.2.1/x"));
    ck_assert(!cmdop__url_is_loopback("http://127.0.0.1@evil.com/x"));
    ck_assert(!cmdop__url_is_loopback("http://[::2]/x"));
}
END_TEST

START_TEST(redaction)
{
    char out[512];
    cmdop__url_redact("https://user:pw@host:1/p?q=1", out, sizeof out);
    ck_assert_str_eq(out, "https://***@host:1/p?q=1");
    const char *secrets[] = {"tok-SECRET-1", NULL, "key-SECRET-2"};
    cmdop__log_redact("GET http://a:b@h/x Authorization: Bearer abc.def tok-SECRET-1 "
                      "{\"pin\":\"1234\",\"confirm_token\": \"ct-9\",\"name\":\"n\"} "
                      "api_key=key-SECRET-2&x=1 pin_required token=set",
                      out, sizeof out, secrets, 3, true);
    ck_assert_str_eq(out, "GET http://***@h/x Authorization: Bearer *** *** "
                          "{\"pin\":\"***\",\"confirm_token\": \"***\",\"name\":\"n\"} "
                          "api_key=***&x=1 pin_required token=***");
    /* messages: only URL userinfo and Bearer values (field names stay) */
    cmdop__log_redact("confirm_token: must not be empty; see http://u:p@h", out, sizeof out,
                      NULL, 0, false);
    ck_assert_str_eq(out, "confirm_token: must not be empty; see http://***@h");
    cmdop__log_redact("abcdef", out, 4, NULL, 0, true);   /* truncates, terminated */
    ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(error_messages_are_redacted)
{
    cmdop__error_from_xfer(CMDOP__XFER_CONNECTION, "refused", "GET",
                           "http://user:pw-SECRET@127.0.0.1:1/api");
    ck_assert_ptr_null(strstr(cmdop_error_last()->message, "pw-SECRET"));
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "http://***@127.0.0.1:1/api"));
    cmdop__error_from_xfer(CMDOP__XFER_TOO_BIG, NULL, "GET", "http://h/x");
    ck_assert_int_eq(cmdop_error_last()->code, CMDOP_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "size cap"));
    ck_assert_ptr_null(strstr(cmdop_error_last()->message, "memory"));
}
END_TEST

static char g_dir[64];

static void mkdir_tmp(void)
{
    strcpy(g_dir, "/tmp/cmdop-net-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

START_TEST(log_file_refuses_a_symlink_and_is_0600)
{
    mkdir_tmp();
    char victim[128], link[128], good[128];
    snprintf(victim, sizeof victim, "%s/victim", g_dir);
    snprintf(link, sizeof link, "%s/log", g_dir);
    snprintf(good, sizeof good, "%s/good.log", g_dir);
    FILE *f = fopen(victim, "w");
    fputs("keep\n", f);
    fclose(f);
    ck_assert_int_eq(symlink(victim, link), 0);
    env_clear();
    env_set("CMDOP_LOG", "debug");
    env_set("CMDOP_LOG_FILE", link);
    ck_assert_ptr_null(cmdop__log_from_env(fake_getenv, NULL, 0));
    struct stat st;
    ck_assert_int_eq(stat(victim, &st), 0);
    ck_assert_int_eq(st.st_size, 5);
    env_set("CMDOP_LOG_FILE", good);
    env_set("CMDOP_LOG", "warn");
    const char *secrets[] = {"tok-SECRET-1"};
    cmdop__debug_log *log = cmdop__log_from_env(fake_getenv, secrets, 1);
    ck_assert_ptr_nonnull(log);
    cmdop__log_at(log, CMDOP__LOG_WARN, "warned tok-SECRET-1");
    cmdop__log_at(log, CMDOP__LOG_INFO, "not at warn");
    cmdop__debug_log_printf(log, "not at warn either");
    cmdop__debug_log_close(log);
    ck_assert_int_eq(stat(good, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char text[512] = "";
    f = fopen(good, "r");
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, " WARN warned ***\n"));
    ck_assert_ptr_null(strstr(text, "not at"));
    ck_assert_ptr_null(strstr(text, "SECRET"));
    unlink(victim);
    unlink(link);
    unlink(good);
    rmdir(g_dir);
}
END_TEST

START_TEST(debug_file_in_a_private_xdg_dir)
{
    mkdir_tmp();
    env_clear();
    env_set("CMDOP_DEBUG", "1");
    env_set("XDG_RUNTIME_DIR", g_dir);
    cmdop__debug_log *log = cmdop__log_from_env(fake_getenv, NULL, 0);
    ck_assert_ptr_nonnull(log);
    char path[512], dir[128];
    snprintf(path, sizeof path, "%s", cmdop__debug_log_path(log));
    snprintf(dir, sizeof dir, "%s/cmdop", g_dir);
    ck_assert_int_eq(strncmp(path, dir, strlen(dir)), 0);
    cmdop__debug_log_close(log);
    struct stat st;
    ck_assert_int_eq(lstat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    unlink(path);
    /* a $XDG_RUNTIME_DIR/cmdop others can enter is not used */
    ck_assert_int_eq(chmod(dir, 0755), 0);
    env_set("TMPDIR", g_dir);
    log = cmdop__log_from_env(fake_getenv, NULL, 0);
    ck_assert_ptr_nonnull(log);
    snprintf(path, sizeof path, "%s", cmdop__debug_log_path(log));
    cmdop__debug_log_close(log);
    ck_assert(path[strlen(dir)] != '/');   /* not inside $XDG_RUNTIME_DIR/cmdop */
    unlink(path);
    *strrchr(path, '/') = '\0';
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    rmdir(path);
    rmdir(dir);
    rmdir(g_dir);
}
END_TEST

START_TEST(logging_is_off_by_default_and_on_bad_levels)
{
    env_clear();
    ck_assert_ptr_null(cmdop__log_from_env(fake_getenv, NULL, 0));
    env_set("CMDOP_LOG", "loud");
    ck_assert_ptr_null(cmdop__log_from_env(fake_getenv, NULL, 0));
    env_set("CMDOP_LOG", "off");
    ck_assert_ptr_null(cmdop__log_from_env(fake_getenv, NULL, 0));
}
END_TEST

/* The refusal happens in the loop before any connection: 192.0.2.1
 * (TEST-NET-1) would otherwise time out. */
START_TEST(credential_over_plain_http_to_a_remote_host_is_refused)
{
    env_clear();
    env_set("CMDOP_TOKEN", "tok-SECRET-1");
    env_set("CMDOP_BASE_URL", "http://192.0.2.1:9");
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.timeout_ms = 60000;
    cmdop_client *c;
    ck_assert_int_eq(cmdop__client_new_env(&c, &o, fake_getenv), 0);
    json_t *args = json_pack("{s:s}", "machine_id", "m1"), *out;
    ck_assert_int_eq(cmdop__call(c, &k_machines_get, args, &out), CMDOP_EVALIDATION);
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "CMDOP_ALLOW_INSECURE_HTTP"));
    ck_assert_str_eq(cmdop_error_last()->field, "base_url");
    json_decref(args);
    cmdop_client_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("net");
    TCase *t = tcase_create("core");
    tcase_add_test(t, proxies_in_both_cases);
    tcase_add_test(t, httpoxy_ignores_uppercase_http_proxy_under_cgi);
    tcase_add_test(t, ca_precedence);
    tcase_add_test(t, system_ca_bundle_is_probed_last);
    tcase_add_test(t, options_version_1_still_accepted);
    tcase_add_test(t, loopback_hosts);
    tcase_add_test(t, redaction);
    tcase_add_test(t, error_messages_are_redacted);
    tcase_add_test(t, log_file_refuses_a_symlink_and_is_0600);
    tcase_add_test(t, debug_file_in_a_private_xdg_dir);
    tcase_add_test(t, logging_is_off_by_default_and_on_bad_levels);
    tcase_add_test(t, credential_over_plain_http_to_a_remote_host_is_refused);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
