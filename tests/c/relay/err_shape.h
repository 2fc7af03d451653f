/*
 * err_shape.h — what the relay's tests know about an error body: the hosted
 * shapes (docs/relay.md, "Wire behaviour") and nothing else. A client gets the
 * stable code from the HTTP status and the field from the body:
 *   422  {"detail": [{"loc": [where, field?], "msg", "type"}]}  (FastAPI)
 *   400  {"<field>": ["msg"]} or {"non_field_errors": ["msg"]}    (DRF)
 *   else {"detail": "msg"}
 * Header-only: tests/tests.mk links each test file alone.
 */
#ifndef ERR_SHAPE_H
#define ERR_SHAPE_H

#include <check.h>
#include <jansson.h>
#include <string.h>

/* The stable code of a status, as the SDK derives it. */
static inline const char *es_code(long status)
{
    switch (status) {
    case 400: case 422: return "validation";
    case 401: return "auth";
    case 403: return "permission";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 429: return "rate_limit";
    default: return status >= 500 ? "server" : "error";
    }
}

/* The one entry of a 422's detail list (borrowed). */
static inline json_t *es_entry(json_t *body)
{
    json_t *d = json_object_get(body, "detail");
    ck_assert_msg(json_is_array(d) && json_array_size(d) == 1,
                  "422 detail must be a list of one entry");
    return json_array_get(d, 0);
}

/*
 * Asserts the body is exactly the hosted shape for `status` and returns the
 * field it names (borrowed; NULL for none): loc's element after the
 * location for a 422, the DRF key for a 400 (NULL for non_field_errors).
 */
static inline const char *es_field(long status, json_t *body)
{
    ck_assert_ptr_nonnull(body);
    if (status == 422) {
        ck_assert_int_eq(json_object_size(body), 1);
        json_t *e = es_entry(body);
        ck_assert_int_eq(json_object_size(e), 3);
        ck_assert_ptr_nonnull(json_string_value(json_object_get(e, "msg")));
        ck_assert_ptr_nonnull(json_string_value(json_object_get(e, "type")));
        json_t *loc = json_object_get(e, "loc");
        ck_assert(json_is_array(loc) && json_array_size(loc) >= 1);
        const char *where = json_string_value(json_array_get(loc, 0));
        ck_assert_msg(where && (strcmp(where, "body") == 0 ||
                                strcmp(where, "query") == 0 ||
                                strcmp(where, "path") == 0),
                      "bad loc[0]");
        return json_string_value(json_array_get(loc, 1));
    }
    if (status == 400 && !json_object_get(body, "detail")) {
        ck_assert_int_eq(json_object_size(body), 1);
        const char *key = json_object_iter_key(json_object_iter(body));
        json_t *msgs = json_object_get(body, key);
        ck_assert(json_is_array(msgs) && json_array_size(msgs) >= 1);
        ck_assert_ptr_nonnull(json_string_value(json_array_get(msgs, 0)));
        return strcmp(key, "non_field_errors") == 0 ? NULL : key;
    }
    ck_assert_int_eq(json_object_size(body), 1);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(body, "detail")));
    return NULL;
}

/* The message of any error body (borrowed). */
static inline const char *es_msg(long status, json_t *body)
{
    if (status == 422)
        return json_string_value(json_object_get(es_entry(body), "msg"));
    json_t *d = json_object_get(body, "detail");
    if (json_is_string(d))
        return json_string_value(d);
    json_t *msgs = json_object_iter_value(json_object_iter(body));
    return json_string_value(json_array_get(msgs, 0));
}

/* Asserts status, shape, the code derived from the status, and the field
 * (NULL: none named). */
static inline void es_assert(long status, json_t *body, long want_status,
                             const char *code, const char *field)
{
    ck_assert_int_eq(status, want_status);
    ck_assert_str_eq(es_code(status), code);
    const char *got = es_field(status, body);
    if (field)
        ck_assert_str_eq(got ? got : "(none)", field);
    else
        ck_assert_msg(got == NULL, "unexpected field %s", got);
}

#endif /* ERR_SHAPE_H */
