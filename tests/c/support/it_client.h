/*
 * it_client.h — shared helpers of the integration tests (tests/c/integration):
 * one relay per TCase (started in an unchecked fixture, so it is stopped even
 * when a test child fails), its state reloaded before every test, clients
 * pointed at it, and assertions on libcmdop's last error and on the relay's
 * recording of requests.
 */
#ifndef TEST_IT_CLIENT_H
#define TEST_IT_CLIENT_H

#include <check.h>
#include <jansson.h>

#include "cmdop/client.h"
#include "cmdop/error.h"
#include "relay_proc.h"

/* Seed ids (docs/api-rules.md, "The default seed"). */
#define IT_USER_OWNER "00000000-0000-4000-8000-000000000001"
#define IT_USER_ADMIN "00000000-0000-4000-8000-000000000002"
#define IT_USER_MEMBER "00000000-0000-4000-8000-000000000003"
#define IT_FLEET "10000000-0000-4000-8000-000000000001"
#define IT_M_ALPHA "20000000-0000-4000-8000-000000000001"
#define IT_M_BRAVO "20000000-0000-4000-8000-000000000002"
#define IT_M_CHARLIE "20000000-0000-4000-8000-000000000003"
#define IT_M_DELTA "20000000-0000-4000-8000-000000000004"
#define IT_M_ECHO "20000000-0000-4000-8000-000000000005"
#define IT_TUNNEL "40000000-0000-4000-8000-000000000001"
#define IT_KEY "50000000-0000-4000-8000-000000000001"
#define IT_SCHEDULE "60000000-0000-4000-8000-000000000001"
#define IT_BOT "80000000-0000-4000-8000-000000000001"
#define IT_UNKNOWN "99999999-0000-4000-8000-000000000099"

/* The relay of the running TCase (valid inside tests). */
extern relay_proc it_relay;

/* Adds the fixtures to `tc`: the relay starts before the TCase and stops
 * after it; before each test its state is reset to the seed. */
void it_add_relay_fixture(TCase *tc);

/* What credentials a client gets. */
typedef enum it_creds {
    IT_BOTH = 0,      /* the relay token and the api key */
    IT_RELAY_ONLY,    /* token only */
    IT_PLATFORM_ONLY, /* api key only */
    IT_SWAPPED        /* token = the api key, api key = the token */
} it_creds;

/* Options pointing at it_relay, env ignored, fast retries (base 5 ms, cap
 * 1500 ms), 10 s timeout. Strings are borrowed from it_relay. */
cmdop_client_options it_options(it_creds creds, const char *fleet_id);

/* New client from it_options(); fails the test if creation fails. Caller
 * frees with cmdop_client_free(). */
cmdop_client *it_client(it_creds creds, const char *fleet_id);
cmdop_client *it_client_opts(const cmdop_client_options *opts);

/* The relay's recording (new reference; fails the test when unavailable). */
json_t *it_requests(void);
/* Number of requests recorded since the last reset. */
size_t it_request_count(void);
/* Clears the recording (not the state). */
void it_clear_recording(void);

/* Checks the last error: code, code_str, http_status, non-empty message; for
 * server errors (http_status != 0) a request_id of the relay's form
 * "req_<hex>" that equals the X-Request-Id the relay recorded for the last
 * request. `field` (may be NULL) must match error->field when given. */
void it_check_error(const char *file, int line, int rc, int code,
                    const char *code_str, int http_status, const char *field);
#define IT_ERR(rc, code, code_str, status) \
    it_check_error(__FILE__, __LINE__, (rc), (code), (code_str), (status), NULL)
#define IT_ERR_FIELD(rc, code, code_str, status, field) \
    it_check_error(__FILE__, __LINE__, (rc), (code), (code_str), (status), (field))

/* A client-side validation failure: CMDOP_EVALIDATION naming `field`,
 * http_status 0, no request id, and no request reached the relay (the
 * recording must be empty: call it_clear_recording() first). */
void it_check_local_validation(const char *file, int line, int rc,
                               const char *field);
#define IT_LOCAL_VALIDATION(rc, field) \
    it_check_local_validation(__FILE__, __LINE__, (rc), (field))

/* Runs `s` and returns the process exit status (0 when all passed). */
int it_run(Suite *s);

#endif
