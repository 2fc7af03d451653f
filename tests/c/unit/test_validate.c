/*
 * test_validate.c — every constraint kind of the IDL checked before any
 * network I/O, each failure naming the field and the rule: required,
 * context fallback, JSON type, int32 bounds, ranges (both ends, one end),
 * byte lengths, enums, patterns (whole-value match), unknown params,
 * defaults applied.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/client.h"
#include "cmdop/error.h"
#include "cmdop/ops.h"
#include "fake_ops.h"
#include "validate.h"

static const char *const k_proto[] = {"http", "https", "tcp", NULL};

/* One op with a param of every kind. */
static const cmdop__param_desc k_params[] = {
    {"fleet_id", "fleet_id", CMDOP__IN_CONTEXT, CMDOP__T_STRING, true, NULL, false, false, 0, 0, -1, -1, NULL, NULL, "fleet_id", NULL, NULL, false},
    {"name", "name", CMDOP__IN_BODY, CMDOP__T_STRING, true, NULL, false, false, 0, 0, 1, 100, NULL, NULL, NULL, NULL, NULL, false},
    {"limit", "limit", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "50", true, true, 1, 200, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"page", "page", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "1", true, false, 1, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"ratio", "ratio", CMDOP__IN_BODY, CMDOP__T_DOUBLE, false, NULL, false, true, 0, 1.5, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"big", "big", CMDOP__IN_BODY, CMDOP__T_INT64, false, NULL, false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"q", "q", CMDOP__IN_QUERY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, 5, NULL, NULL, NULL, NULL, NULL, false},
    {"cron", "cron_expr", CMDOP__IN_BODY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, 9, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"protocol", "protocol", CMDOP__IN_BODY, CMDOP__T_ENUM, false, "\"http\"", false, false, 0, 0, -1, -1, k_proto, NULL, NULL, NULL, NULL, false},
    {"slug", "slug", CMDOP__IN_BODY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, -1, NULL, "^[a-z0-9][a-z0-9-]{1,62}$", NULL, NULL, NULL, false},
    {"sub", "subdomain", CMDOP__IN_BODY, CMDOP__T_STRING, false, NULL, false, false, 0, 0, -1, -1, NULL, "[a-z]+", NULL, NULL, NULL, false},
    {"enabled", "is_enabled", CMDOP__IN_BODY, CMDOP__T_BOOL, false, "true", false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"ids", "machine_ids", CMDOP__IN_BODY, CMDOP__T_STRING_LIST, false, "[]", false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    {"options", "options", CMDOP__IN_BODY, CMDOP__T_STRING_MAP, false, "{}", false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
};
static const cmdop__op_desc k_op = {
    "test.every", "test", "every", "cmdop_test_every", CMDOP__OP_HTTP, CMDOP__PLANE_RELAY,
    "POST", "/api/fleets/{fleet_id}/things", k_params, NP(k_params), "Thing", 0, NULL,
    false, true, NULL, NULL, NULL, NULL, NULL, 90, 91, NULL};

typedef struct v_case {
    const char *args;      /* merged over a valid base */
    const char *fleet;     /* client default */
    int code;
    const char *field;
    const char *message;   /* exact */
} v_case;

#define BASE "\"name\": \"n\""

static const v_case k_bad[] = {
    {"{}", "f", CMDOP_EVALIDATION, "name", "name: required"},
    {"{" BASE "}", NULL, CMDOP_EVALIDATION, "fleet_id",
     "fleet_id: required (pass fleet_id, or set the client's default: option fleet_id or CMDOP_FLEET_ID)"},
    {"{" BASE ", \"limit\": 0}", "f", CMDOP_EVALIDATION, "limit", "limit: must be between 1 and 200 (got 0)"},
    {"{" BASE ", \"limit\": 201}", "f", CMDOP_EVALIDATION, "limit", "limit: must be between 1 and 200 (got 201)"},
    {"{" BASE ", \"limit\": \"10\"}", "f", CMDOP_EVALIDATION, "limit", "limit: must be an integer (got string)"},
    {"{" BASE ", \"limit\": 2.5}", "f", CMDOP_EVALIDATION, "limit", "limit: must be an integer (got number)"},
    {"{" BASE ", \"limit\": 4294967296}", "f", CMDOP_EVALIDATION, "limit", "limit: must be a 32-bit integer (got 4294967296)"},
    {"{" BASE ", \"page\": 0}", "f", CMDOP_EVALIDATION, "page", "page: must be >= 1 (got 0)"},
    {"{" BASE ", \"ratio\": 1.75}", "f", CMDOP_EVALIDATION, "ratio", "ratio: must be <= 1.5 (got 1.75)"},
    {"{" BASE ", \"ratio\": true}", "f", CMDOP_EVALIDATION, "ratio", "ratio: must be a number (got boolean)"},
    {"{" BASE ", \"big\": \"1\"}", "f", CMDOP_EVALIDATION, "big", "big: must be an integer (got string)"},
    {"{\"name\": \"\"}", "f", CMDOP_EVALIDATION, "name", "name: length must be between 1 and 100 bytes (got 0)"},
    {"{\"name\": 5}", "f", CMDOP_EVALIDATION, "name", "name: must be a string (got integer)"},
    {"{" BASE ", \"q\": \"abcdef\"}", "f", CMDOP_EVALIDATION, "q", "q: length must be at most 5 bytes (got 6)"},
    /* length is in bytes: 3 two-byte characters = 6 bytes */
    {"{" BASE ", \"q\": \"\\u00e9\\u00e9\\u00e9\"}", "f", CMDOP_EVALIDATION, "q", "q: length must be at most 5 bytes (got 6)"},
    {"{" BASE ", \"cron\": \"* * *\"}", "f", CMDOP_EVALIDATION, "cron", "cron: length must be at least 9 bytes (got 5)"},
    {"{" BASE ", \"protocol\": \"udp\"}", "f", CMDOP_EVALIDATION, "protocol", "protocol: must be one of http, https, tcp (got \"udp\")"},
    {"{" BASE ", \"protocol\": \"HTTP\"}", "f", CMDOP_EVALIDATION, "protocol", "protocol: must be one of http, https, tcp (got \"HTTP\")"},
    {"{" BASE ", \"slug\": \"Bad\"}", "f", CMDOP_EVALIDATION, "slug", "slug: must match ^[a-z0-9][a-z0-9-]{1,62}$ (got \"Bad\")"},
    {"{" BASE ", \"slug\": \"a\"}", "f", CMDOP_EVALIDATION, "slug", "slug: must match ^[a-z0-9][a-z0-9-]{1,62}$ (got \"a\")"},
    /* an unanchored pattern must still match the whole value */
    {"{" BASE ", \"sub\": \"abc1\"}", "f", CMDOP_EVALIDATION, "sub", "sub: must match [a-z]+ (got \"abc1\")"},
    {"{" BASE ", \"enabled\": \"yes\"}", "f", CMDOP_EVALIDATION, "enabled", "enabled: must be a boolean (got string)"},
    {"{" BASE ", \"ids\": \"a\"}", "f", CMDOP_EVALIDATION, "ids", "ids: must be a list of strings (got string)"},
    {"{" BASE ", \"ids\": [\"a\", 2]}", "f", CMDOP_EVALIDATION, "ids", "ids: must be a list of strings (item 1 is integer)"},
    {"{" BASE ", \"options\": {\"a\": 1}}", "f", CMDOP_EVALIDATION, "options", "options: must be a map of strings (\"a\" is integer)"},
    {"{" BASE ", \"nope\": 1}", "f", CMDOP_EVALIDATION, "nope", "nope: unknown parameter of test.every"},
};

START_TEST(each_rule_named)
{
    const v_case *c = &k_bad[_i];
    json_t *args = json_loads(c->args, 0, NULL), *out = (json_t *)1;
    ck_assert_ptr_nonnull(args);
    cmdop_error_clear();
    ck_assert_int_eq(cmdop__validate_args(&k_op, args, c->fleet, &out), c->code);
    ck_assert_ptr_null(out);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_str_eq(e->code_str, "validation");
    ck_assert_int_eq(e->http_status, 0);
    ck_assert_str_eq(e->field, c->field);
    ck_assert_str_eq(e->message, c->message);
    json_decref(args);
}
END_TEST

START_TEST(defaults_and_context_applied)
{
    json_t *args = json_loads("{\"name\": \"n\", \"q\": null, \"slug\": \"ok-slug\","
                              " \"sub\": \"abc\", \"ratio\": 1}", 0, NULL), *out;
    ck_assert_int_eq(cmdop__validate_args(&k_op, args, "fleet-9", &out), 0);
    ck_assert_str_eq(json_string_value(json_object_get(out, "fleet_id")), "fleet-9");
    ck_assert_int_eq(json_integer_value(json_object_get(out, "limit")), 50);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "page")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(out, "protocol")), "http");
    ck_assert(json_is_true(json_object_get(out, "enabled")));
    ck_assert(json_is_array(json_object_get(out, "ids")));
    ck_assert(json_is_object(json_object_get(out, "options")));
    ck_assert_ptr_null(json_object_get(out, "q"));       /* null = absent */
    ck_assert_ptr_null(json_object_get(out, "cron"));    /* no default: stays absent */
    ck_assert_int_eq(json_object_size(out), 11);
    json_decref(out);
    json_decref(args);
}
END_TEST

START_TEST(edges_accepted)
{
    json_t *args = json_loads("{\"name\": \"n\", \"limit\": 1, \"q\": \"abcde\","
                              " \"cron\": \"* * * * *\", \"fleet_id\": \"f\"}", 0, NULL), *out;
    ck_assert_int_eq(cmdop__validate_args(&k_op, args, NULL, &out), 0);
    json_decref(out);
    json_object_set_new(args, "limit", json_integer(200));
    ck_assert_int_eq(cmdop__validate_args(&k_op, args, NULL, &out), 0);
    json_decref(out);
    json_decref(args);
}
END_TEST

START_TEST(bad_descriptor_is_internal)
{
    static const cmdop__param_desc p[] = {
        {"x", "x", CMDOP__IN_QUERY, CMDOP__T_INT32, false, "{not json", false, false, 0, 0, -1, -1, NULL, NULL, NULL, NULL, NULL, false},
    };
    static const cmdop__op_desc op = {"t.bad", "t", "bad", "cmdop_t_bad", CMDOP__OP_HTTP,
        CMDOP__PLANE_RELAY, "GET", "/x", p, 1, NULL, 0, NULL, true, false, NULL, NULL,
        NULL, NULL, NULL, 0, 0, NULL};
    json_t *out;
    ck_assert_int_eq(cmdop__validate_args(&op, NULL, NULL, &out), CMDOP_EINTERNAL);
    json_t *notobj = json_array();
    ck_assert_int_eq(cmdop__validate_args(&op, notobj, NULL, &out), CMDOP_EINVALID);
    json_decref(notobj);
}
END_TEST

/* The typed calls: an enum value outside the enum is a validation error
 * naming the field and listing the IDL's values; a fleet-scoped op with no
 * fleet (no argument, no client default) names fleet_id. Both before any
 * network I/O (the client points at a closed port). */
static cmdop_client *offline_client(void)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.base_url = "http://127.0.0.1:1";
    o.api_base_url = "http://127.0.0.1:1";
    o.token = "t";
    o.api_key = "k";
    cmdop_client *c = NULL;
    ck_assert_int_eq(cmdop_client_new(&c, &o), 0);
    return c;
}

static void assert_validation(int rc, const char *field, const char *in_message)
{
    ck_assert_int_eq(rc, CMDOP_EVALIDATION);
    const cmdop_error *e = cmdop_error_last();
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->http_status, 0);
    ck_assert_str_eq(e->field, field);
    ck_assert_msg(strstr(e->message, in_message), "\"%s\" lacks \"%s\"", e->message, in_message);
}

START_TEST(typed_enum_and_fleet)
{
    cmdop_client *c = offline_client();
    cmdop_fleet_summary *f = NULL;
    cmdop_fleets_create_params fp = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    fp.name = "Staging";
    fp.slug = "staging";
    fp.mfa_required = (cmdop_mfa_requirement)42;
    assert_validation(cmdop_fleets_create(&f, c, &fp), "mfa_required", "none, optional, required");
    ck_assert_ptr_null(f);
    cmdop_bot *b = NULL;
    cmdop_bots_create_params bp = CMDOP_BOTS_CREATE_PARAMS_INIT;
    bp.name = "x";
    bp.platform = CMDOP_BOT_PLATFORM_SLACK;
    bp.machine_id = "m";
    bp.permission = (cmdop_bot_permission)-1;
    assert_validation(cmdop_bots_create(&b, c, &bp), "permission",
                      "none, read, execute, files, admin");
    ck_assert_ptr_null(b);
    cmdop_schedule_list *l = NULL;
    cmdop_schedules_list_params sp = CMDOP_SCHEDULES_LIST_PARAMS_INIT;
    assert_validation(cmdop_schedules_list(&l, c, &sp), "fleet_id", "CMDOP_FLEET_ID");
    ck_assert_ptr_null(l);
    cmdop_client_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("validate");
    TCase *t = tcase_create("rules");
    tcase_add_loop_test(t, each_rule_named, 0, (int)(sizeof k_bad / sizeof k_bad[0]));
    tcase_add_test(t, defaults_and_context_applied);
    tcase_add_test(t, edges_accepted);
    tcase_add_test(t, bad_descriptor_is_internal);
    tcase_add_test(t, typed_enum_and_fleet);
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
