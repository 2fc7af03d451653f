/* it_client.c — see it_client.h. */
#include "it_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

relay_proc it_relay;

/* Unchecked: runs in the Check parent once per TCase, so the relay is
 * stopped by the teardown even when a test child dies on an assertion. */
static void relay_up(void)
{
    if (relay_proc_start(&it_relay, NULL) != 0) {
        fprintf(stderr, "it_client: cannot start the relay\n");
        exit(2);
    }
}

static void relay_down(void)
{
    relay_proc_stop(&it_relay);
}

/* Checked: runs before each test, so no test depends on another's writes. */
static void relay_reset(void)
{
    ck_assert_msg(relay_proc_reset(&it_relay, 1) == 0, "relay reset failed");
}

void it_add_relay_fixture(TCase *tc)
{
    tcase_add_unchecked_fixture(tc, relay_up, relay_down);
    tcase_add_checked_fixture(tc, relay_reset, NULL);
    tcase_set_timeout(tc, 30);
}

cmdop_client_options it_options(it_creds creds, const char *fleet_id)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.base_url = it_relay.relay_url;
    o.api_base_url = it_relay.platform_url;
    o.fleet_id = fleet_id;
    o.timeout_ms = 10000;
    o.retry_base_ms = 5;
    o.retry_max_ms = 1500;
    switch (creds) {
    case IT_BOTH:
        o.token = it_relay.token;
        o.api_key = it_relay.api_key;
        break;
    case IT_RELAY_ONLY:
        o.token = it_relay.token;
        break;
    case IT_PLATFORM_ONLY:
        o.api_key = it_relay.api_key;
        break;
    case IT_SWAPPED:
        o.token = it_relay.api_key;
        o.api_key = it_relay.token;
        break;
    }
    return o;
}

cmdop_client *it_client_opts(const cmdop_client_options *opts)
{
    cmdop_client *c = NULL;
    int rc = cmdop_client_new(&c, opts);
    ck_assert_msg(rc == 0 && c, "cmdop_client_new failed: %d", rc);
    return c;
}

cmdop_client *it_client(it_creds creds, const char *fleet_id)
{
    cmdop_client_options o = it_options(creds, fleet_id);
    return it_client_opts(&o);
}

json_t *it_requests(void)
{
    json_t *r = relay_proc_requests(&it_relay);
    ck_assert_msg(json_is_array(r), "no recording from the relay");
    return r;
}

size_t it_request_count(void)
{
    json_t *r = it_requests();
    size_t n = json_array_size(r);
    json_decref(r);
    return n;
}

void it_clear_recording(void)
{
    ck_assert_msg(relay_proc_reset(&it_relay, 0) == 0, "recording reset failed");
}

void it_check_error(const char *file, int line, int rc, int code,
                    const char *code_str, int http_status, const char *field)
{
    const cmdop_error *e = cmdop_error_last();
    ck_assert_msg(rc == code, "%s:%d: rc %d, expected %d", file, line, rc, code);
    ck_assert_msg(e != NULL, "%s:%d: no last error", file, line);
    ck_assert_msg(e->code == code, "%s:%d: error code %d, expected %d",
                  file, line, e->code, code);
    ck_assert_msg(e->code_str && strcmp(e->code_str, code_str) == 0,
                  "%s:%d: code_str '%s', expected '%s'", file, line,
                  e->code_str ? e->code_str : "(null)", code_str);
    ck_assert_msg(e->http_status == http_status, "%s:%d: http_status %d, expected %d",
                  file, line, e->http_status, http_status);
    ck_assert_msg(e->message && *e->message, "%s:%d: empty message", file, line);
    if (http_status != 0)
        ck_assert_msg(e->request_id && strncmp(e->request_id, "req_", 4) == 0 &&
                          strlen(e->request_id) > 4,
                      "%s:%d: request_id '%s' is not the relay's", file, line,
                      e->request_id ? e->request_id : "(null)");
    if (http_status != 0) {
        /* The id must be the one the relay sent for the last request. */
        json_t *reqs = it_requests();
        json_t *last = json_array_get(reqs, json_array_size(reqs) - 1);
        const char *sent = json_string_value(json_object_get(last, "request_id"));
        ck_assert_msg(sent && strcmp(sent, e->request_id) == 0,
                      "%s:%d: request_id '%s', the relay sent '%s'", file, line,
                      e->request_id, sent ? sent : "(null)");
        json_decref(reqs);
    } else
        ck_assert_msg(e->request_id == NULL, "%s:%d: request_id without a response",
                      file, line);
    if (field)
        ck_assert_msg(e->field && strcmp(e->field, field) == 0,
                      "%s:%d: field '%s', expected '%s'", file, line,
                      e->field ? e->field : "(null)", field);
}

void it_check_local_validation(const char *file, int line, int rc,
                               const char *field)
{
    it_check_error(file, line, rc, CMDOP_EVALIDATION, "validation", 0, field);
    size_t n = it_request_count();
    ck_assert_msg(n == 0, "%s:%d: %zu request(s) reached the relay", file, line, n);
}

int it_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
