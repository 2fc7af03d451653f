/* relay_proc.c — see relay_proc.h. The process and its control calls are
 * child_proc.c's (libcurl's easy interface on purpose: the control channel
 * must not depend on the runtime under test). */
#include "relay_proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_proc.h"

static const char *core_bin(void)
{
    const char *b = getenv("CMDOP_CORE_BIN");
    return (b && *b) ? b : "build/cmdop-core";
}

static int copy_field(json_t *obj, const char *key, char *dst, size_t cap)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v || strlen(v) >= cap) {
        fprintf(stderr, "relay_proc: startup line lacks %s\n", key);
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

int relay_proc_start(relay_proc *rp, const char *const *extra_args)
{
    const char *argv[32] = {core_bin(), "relay", "--port", "0", "--token",
                            "test-token", "--api-key", "test-api-key"};
    size_t argc = 8;
    for (size_t i = 0; extra_args && extra_args[i] && argc < 31; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;

    memset(rp, 0, sizeof *rp);
    json_t *j = child_proc_start(&rp->pid, argv, "relay_proc");
    if (!j)
        return -1;
    if (copy_field(j, "relay_url", rp->relay_url, sizeof rp->relay_url) ||
        copy_field(j, "platform_url", rp->platform_url, sizeof rp->platform_url) ||
        copy_field(j, "control_url", rp->control_url, sizeof rp->control_url) ||
        copy_field(j, "token", rp->token, sizeof rp->token) ||
        copy_field(j, "api_key", rp->api_key, sizeof rp->api_key)) {
        json_decref(j);
        relay_proc_stop(rp);
        return -1;
    }
    json_decref(j);
    return 0;
}

int relay_proc_stop(relay_proc *rp)
{
    return child_proc_stop(&rp->pid);
}

int relay_proc_control(const relay_proc *rp, const char *method,
                       const char *path, const char *body, json_t **out)
{
    return child_proc_http(rp->control_url, method, path, body, 10000L, out);
}

json_t *relay_proc_requests(const relay_proc *rp)
{
    json_t *resp = NULL;
    if (relay_proc_control(rp, "GET", "/requests", NULL, &resp) != 200) {
        json_decref(resp);
        return NULL;
    }
    json_t *reqs = json_incref(json_object_get(resp, "requests"));
    json_decref(resp);
    return reqs;
}

int relay_proc_reset(const relay_proc *rp, int state)
{
    return relay_proc_control(rp, "POST", "/reset",
                              state ? "{\"state\":true}" : "{}", NULL) == 200 ? 0 : -1;
}

int relay_proc_fail(const relay_proc *rp, int count, int status,
                    const char *retry_after)
{
    char body[256];
    if (retry_after)
        snprintf(body, sizeof body, "{\"count\":%d,\"status\":%d,\"retry_after\":\"%s\"}",
                 count, status, retry_after);
    else
        snprintf(body, sizeof body, "{\"count\":%d,\"status\":%d}", count, status);
    return relay_proc_control(rp, "POST", "/fail", body, NULL) == 200 ? 0 : -1;
}
