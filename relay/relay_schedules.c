/*
 * relay_schedules.c — fleet-scoped schedules (relay plane, Bearer):
 * list, get, create, update, delete, trigger and runs.
 *
 * State (db keys owned here):
 *   schedules       ScheduleView records (each carries its fleet_id)
 *   schedule_runs   ScheduleRunView records in the order they started;
 *                   the runs endpoint serves them newest first
 * Roles: reads need viewer, trigger needs member, writes need admin.
 */
#include <string.h>
#include <time.h>

#include "relay.h"
#include "relay_cron.h"
#include "relay_kit.h"

static const char *const TARGETS[] = {"all_fleet_machines",
                                      "specific_machines", NULL};

/* The parsed body of a create or update; NULL/unset = not passed. */
typedef struct sched_in {
    const char *name, *cron_expr, *command, *description, *timezone, *target;
    bool has_enabled, enabled;
    json_t *machine_ids;
    relay_cron cron;
} sched_in;

/* Validates every field (each optional: create checks required ones). */
static bool read_body(const relay_req *q, relay_resp *out, bool create,
                      sched_in *in)
{
    memset(in, 0, sizeof *in);
    if (!relay_body_str(q, out, 422, "name", create, 1, 100, &in->name) ||
        !relay_body_str(q, out, 422, "cron_expr", create, 9, 100,
                        &in->cron_expr) ||
        !relay_body_str(q, out, 422, "command", create, 1, 4096,
                        &in->command) ||
        !relay_body_str(q, out, 422, "description", false, 0, 1000,
                        &in->description) ||
        !relay_body_str(q, out, 422, "timezone", false, 1, 64,
                        &in->timezone) ||
        !relay_body_enum(q, out, 422, "target_kind", false, TARGETS,
                         &in->target) ||
        !relay_body_bool(q, out, 422, "is_enabled", &in->has_enabled,
                         &in->enabled) ||
        !relay_kit_str_list(q, out, 422, "machine_ids", 1, 64,
                            &in->machine_ids))
        return false;
    char why[64];
    if (in->cron_expr && relay_cron_parse(&in->cron, in->cron_expr, why) != 0) {
        relay_error(out, 422, "validation", "cron_expr", "cron_expr %s", why);
        return false;
    }
    return true;
}

/* Sets next_run_at from the (already validated) cron_expr, UTC. */
static void set_next_run(json_t *s)
{
    relay_cron c;
    char why[64], buf[32];
    const char *expr = json_string_value(json_object_get(s, "cron_expr"));
    time_t next = 0;
    if (expr && json_is_true(json_object_get(s, "is_enabled")) &&
        relay_cron_parse(&c, expr, why) == 0)
        next = relay_cron_next(&c, time(NULL));
    if (next) {
        relay_kit_time(next, buf);
        json_object_set_new(s, "next_run_at", json_string(buf));
    } else {
        json_object_del(s, "next_run_at");
    }
}

/* Copies the passed fields of `in` onto the record s. */
static void apply(json_t *s, const sched_in *in)
{
    const struct { const char *key, *val; } strs[] = {
        {"name", in->name}, {"cron_expr", in->cron_expr},
        {"command", in->command}, {"description", in->description},
        {"timezone", in->timezone}, {"target_kind", in->target}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i].val)
            json_object_set_new(s, strs[i].key, json_string(strs[i].val));
    if (in->has_enabled)
        json_object_set_new(s, "is_enabled", json_boolean(in->enabled));
    if (in->machine_ids)
        json_object_set_new(s, "machine_ids", json_deep_copy(in->machine_ids));
    char now[32];
    relay_now(now);
    json_object_set_new(s, "updated_at", json_string(now));
    set_next_run(s);
}

/* The rule that spans fields: specific_machines needs machine ids. */
static bool check_targets(json_t *s, relay_resp *out)
{
    const char *kind = json_string_value(json_object_get(s, "target_kind"));
    if (kind && strcmp(kind, "specific_machines") == 0 &&
        json_array_size(json_object_get(s, "machine_ids")) == 0) {
        relay_error(out, 422, "validation", "machine_ids",
                    "target_kind specific_machines needs machine_ids");
        return false;
    }
    return true;
}

/* The schedule cap[1] of fleet cap[0], or NULL after filling a 404. */
static json_t *find_schedule(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = relay_find(relay_coll(r, "schedules"), "id", q->cap[1]);
    const char *fid = json_string_value(json_object_get(s, "fleet_id"));
    if (!s || !fid || strcmp(fid, q->cap[0]) != 0) {
        relay_error(out, 404, "not_found", NULL, "no schedule '%s'",
                    q->cap[1]);
        return NULL;
    }
    return s;
}

/* The hosted ScheduleRunStatus enum is pending|running|completed|failed
 * (measured: the official decoder rejects "success"). A seed written for the
 * old wire may still say "success"; it goes out as "completed". */
static void status_to_wire(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v && strcmp(v, "success") == 0)
        json_object_set_new(o, key, json_string("completed"));
}

/* A ScheduleView as it goes out (new reference). */
static json_t *sched_view(json_t *s)
{
    json_t *v = json_deep_copy(s);
    status_to_wire(v, "last_status");
    return v;
}

/* A ScheduleRunView as it goes out: finished_at and duration_seconds are
 * required and nullable, so a pending run carries them as null. */
static json_t *run_view(json_t *run)
{
    static const char *const nulls[] = {"finished_at", "duration_seconds",
                                        NULL};
    json_t *v = json_deep_copy(run);
    status_to_wire(v, "status");
    relay_nulls(v, nulls);
    return v;
}

static void sched_list(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "viewer"))
        return;
    json_t *mine = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(relay_coll(r, "schedules"), i, s) {
        const char *fid = json_string_value(json_object_get(s, "fleet_id"));
        if (fid && strcmp(fid, q->cap[0]) == 0)
            json_array_append_new(mine, sched_view(s));
    }
    relay_page_offset(q, out, mine, 20, 100);
    json_decref(mine);
}

static void sched_get(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "viewer"))
        return;
    json_t *s = find_schedule(r, q, out);
    if (s)
        relay_json(out, 200, sched_view(s));
}

static void sched_create(relay *r, const relay_req *q, relay_resp *out)
{
    sched_in in;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !read_body(q, out, true, &in))
        return;
    char id[37], now[32];
    relay_new_uuid(id);
    relay_now(now);
    json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[], s:s}",
                          "id", id, "fleet_id", q->cap[0], "description", "",
                          "timezone", "UTC", "target_kind",
                          "all_fleet_machines", "created_at", now,
                          "is_enabled", 1, "machine_ids", "updated_at", now);
    apply(s, &in);
    if (!check_targets(s, out)) {
        json_decref(s);
        return;
    }
    json_array_append_new(relay_coll(r, "schedules"), s);
    relay_json(out, 201, sched_view(s));
}

static void sched_update(relay *r, const relay_req *q, relay_resp *out)
{
    sched_in in;
    json_t *s;
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !(s = find_schedule(r, q, out)) || !read_body(q, out, false, &in))
        return;
    /* Check the merged record before touching the stored one. */
    json_t *merged = json_deep_copy(s);
    apply(merged, &in);
    if (!check_targets(merged, out)) {
        json_decref(merged);
        return;
    }
    json_object_update(s, merged);
    if (!json_object_get(merged, "next_run_at"))
        json_object_del(s, "next_run_at");
    json_decref(merged);
    relay_json(out, 200, sched_view(s));
}

/* Drops every run of schedule `id`. */
static void drop_runs(relay *r, const char *id)
{
    json_t *runs = relay_coll(r, "schedule_runs");
    for (size_t i = json_array_size(runs); i-- > 0;) {
        const char *sid = json_string_value(
            json_object_get(json_array_get(runs, i), "schedule_id"));
        if (sid && strcmp(sid, id) == 0)
            json_array_remove(runs, i);
    }
}

static void sched_delete(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "admin") ||
        !find_schedule(r, q, out))
        return;
    json_t *all = relay_coll(r, "schedules");
    json_array_remove(all, (size_t)relay_find_index(all, "id", q->cap[1]));
    drop_runs(r, q->cap[1]);
    relay_empty(out, 204);
}

/* Machines a run targets: the explicit list, or the fleet's machines. */
static size_t target_count(relay *r, json_t *s)
{
    const char *kind = json_string_value(json_object_get(s, "target_kind"));
    if (kind && strcmp(kind, "specific_machines") == 0)
        return json_array_size(json_object_get(s, "machine_ids"));
    const char *fid = json_string_value(json_object_get(s, "fleet_id"));
    size_t n = 0, i;
    json_t *link;
    json_array_foreach(relay_coll(r, "fleet_machines"), i, link) {
        const char *x = json_string_value(json_object_get(link, "fleet_id"));
        n += x && fid && strcmp(x, fid) == 0;
    }
    return n;
}

/* Manual trigger: queues a run (status pending; nothing executes it here)
 * and answers with its id as the job id. */
static void sched_trigger(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s;
    if (!relay_fleet_access(r, q, out, q->cap[0], "member") ||
        !(s = find_schedule(r, q, out)))
        return;
    char id[37], now[32];
    relay_new_uuid(id);
    relay_now(now);
    json_array_append_new(
        relay_coll(r, "schedule_runs"),
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id,
                  "schedule_id", q->cap[1], "fleet_id", q->cap[0], "status",
                  "pending", "started_at", now, "error", "", "command_count",
                  (json_int_t)target_count(r, s)));
    json_object_set_new(s, "last_run_at", json_string(now));
    json_object_set_new(s, "last_status", json_string("pending"));
    /* 202 Accepted: the official decoder rejects 200 and 201 here. */
    relay_json(out, 202, json_pack("{s:b, s:s}", "queued", 1, "job_id", id));
}

static void sched_runs(relay *r, const relay_req *q, relay_resp *out)
{
    if (!relay_fleet_access(r, q, out, q->cap[0], "viewer") ||
        !find_schedule(r, q, out))
        return;
    json_t *runs = relay_coll(r, "schedule_runs"), *mine = json_array();
    for (size_t i = json_array_size(runs); i-- > 0;) {
        json_t *run = json_array_get(runs, i);
        const char *sid = json_string_value(json_object_get(run, "schedule_id"));
        if (sid && strcmp(sid, q->cap[1]) == 0)
            json_array_append_new(mine, run_view(run));
    }
    relay_page_cursor(r, q, out, mine, 50, 200, false);
    json_decref(mine);
}

/* Loads schedules and schedule_runs from the seed (copies); next_run_at is
 * computed at load time so it is always in the future. */
int relay_schedules_seed(relay *r, json_t *seed)
{
    if (relay_seed_array(r, seed, "schedules", "id") != 0 ||
        relay_seed_array(r, seed, "schedule_runs", "id") != 0)
        return -1;
    size_t i;
    json_t *s;
    json_array_foreach(relay_coll(r, "schedules"), i, s)
        set_next_run(s);
    return 0;
}

#define FS "/api/fleets/{}/schedules"
const relay_route relay_schedules_routes[] = {
    {"GET", FS, RELAY_PLANE_RELAY, sched_list},
    {"POST", FS, RELAY_PLANE_RELAY, sched_create},
    {"GET", FS "/{}", RELAY_PLANE_RELAY, sched_get},
    {"PATCH", FS "/{}", RELAY_PLANE_RELAY, sched_update},
    {"DELETE", FS "/{}", RELAY_PLANE_RELAY, sched_delete},
    {"POST", FS "/{}/run", RELAY_PLANE_RELAY, sched_trigger},
    {"GET", FS "/{}/runs", RELAY_PLANE_RELAY, sched_runs},
    {0},
};
