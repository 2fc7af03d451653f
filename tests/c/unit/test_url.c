/*
 * test_url.c — path templating: every placeholder filled, each value
 * percent-escaped so it stays one segment (RFC 3986 unreserved kept).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "url.h"

static char *fill(const char *tmpl, const char *json_values, int *rc)
{
    json_t *v = json_loads(json_values, 0, NULL);
    ck_assert_ptr_nonnull(v);
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    *rc = cmdop__url_fill_path(&b, tmpl, v);
    json_decref(v);
    char *s = cmdop__sb_take(&b);
    return s;
}

typedef struct path_case {
    const char *tmpl, *values, *want;
} path_case;

static const path_case k_paths[] = {
    {"/api/machines", "{}", "/api/machines"},
    {"/api/machines/{machine_id}", "{\"machine_id\":\"20000000-0000-4000-8000-000000000001\"}",
     "/api/machines/20000000-0000-4000-8000-000000000001"},
    {"/api/fleets/{fleet_id}/members/{user_id}", "{\"fleet_id\":\"f1\",\"user_id\":\"u 2\"}",
     "/api/fleets/f1/members/u%202"},
    {"/skills/{slug}/publish/", "{\"slug\":\"a/b\"}", "/skills/a%2Fb/publish/"},
    {"/x/{id}", "{\"id\":\"../../etc\"}", "/x/..%2F..%2Fetc"},
    {"/x/{id}", "{\"id\":\"a?b#c&d=e%f\"}", "/x/a%3Fb%23c%26d%3De%25f"},
    {"/x/{id}", "{\"id\":\"keep-._~AZaz09\"}", "/x/keep-._~AZaz09"},
    {"/x/{id}", "{\"id\":\"h\\u00e9\"}", "/x/h%C3%A9"},
    {"/x/{id}", "{\"id\":\"+:@!$'()*,;\"}", "/x/%2B%3A%40%21%24%27%28%29%2A%2C%3B"},
    {"/x/{n}/y", "{\"n\":42}", "/x/42/y"},
    {"/{a}{b}", "{\"a\":\"1\",\"b\":\"2\"}", "/12"},
};

START_TEST(fills_and_escapes)
{
    const path_case *c = &k_paths[_i];
    int rc;
    char *s = fill(c->tmpl, c->values, &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(s, c->want);
    free(s);
}
END_TEST

START_TEST(missing_placeholder_is_internal)
{
    int rc;
    char *s = fill("/api/fleets/{fleet_id}", "{}", &rc);
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    ck_assert_str_eq(cmdop_error_last()->field, "fleet_id");
    free(s);
}
END_TEST

START_TEST(empty_segment_is_validation)
{
    int rc;
    char *s = fill("/api/machines/{machine_id}", "{\"machine_id\":\"\"}", &rc);
    ck_assert_int_eq(rc, CMDOP_EVALIDATION);
    ck_assert_str_eq(cmdop_error_last()->field, "machine_id");
    ck_assert_ptr_nonnull(strstr(cmdop_error_last()->message, "machine_id"));
    free(s);
}
END_TEST

START_TEST(malformed_templates)
{
    int rc;
    char *s = fill("/api/{unclosed", "{}", &rc);
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    free(s);
    s = fill("/api/{}", "{}", &rc);
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    free(s);
    s = fill("/x/{id}", "{\"id\":true}", &rc);   /* not a segment value */
    ck_assert_int_eq(rc, CMDOP_EINTERNAL);
    free(s);
}
END_TEST

START_TEST(escape_every_byte)
{
    /* every byte 1..255 either passes (unreserved) or becomes %XX */
    char in[256];
    for (int i = 1; i < 256; i++)
        in[i - 1] = (char)i;
    in[255] = '\0';
    cmdop__strbuf b = CMDOP__STRBUF_INIT;
    cmdop__url_escape(&b, in);
    char *s = cmdop__sb_take(&b);
    size_t pos = 0;
    for (int i = 1; i < 256; i++) {
        bool unres = (i >= 'A' && i <= 'Z') || (i >= 'a' && i <= 'z') || (i >= '0' && i <= '9') ||
                     i == '-' || i == '.' || i == '_' || i == '~';
        if (unres) {
            ck_assert_int_eq((unsigned char)s[pos], i);
            pos++;
        } else {
            char want[4];
            snprintf(want, sizeof want, "%%%02X", i);
            ck_assert_msg(strncmp(s + pos, want, 3) == 0, "byte %d", i);
            pos += 3;
        }
    }
    ck_assert_int_eq(s[pos], '\0');
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("url");
    TCase *t = tcase_create("path");
    tcase_add_loop_test(t, fills_and_escapes, 0, (int)(sizeof k_paths / sizeof k_paths[0]));
    tcase_add_test(t, missing_placeholder_is_internal);
    tcase_add_test(t, empty_segment_is_validation);
    tcase_add_test(t, malformed_templates);
    tcase_add_test(t, escape_every_byte);
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
