/*
 * relay_skills_use.c — what any caller may do to a skill it can see:
 * install it (the SkillInstall payload, counted) and star it (a toggle for
 * the one platform user).
 */
#include <stdio.h>
#include <string.h>

#include "relay_skills.h"

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : dflt;
}

static void bump(json_t *s, const char *key, int by)
{
    json_int_t n = json_integer_value(json_object_get(s, key)) + by;
    json_object_set_new(s, key, json_integer(n < 0 ? 0 : n));
}

/* files: SKILL.md always, README.md when the skill has a readme. */
static json_t *install_files(const char *skill_md, const char *readme)
{
    json_t *files = json_pack("[{s:s, s:s}]", "path", "SKILL.md", "content",
                              skill_md);
    if (*readme)
        json_array_append_new(files, json_pack("{s:s, s:s}", "path",
                                               "README.md", "content", readme));
    return files;
}

void skills_install(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = skills_visible(r, q->cap[0], out);
    if (!s)
        return;
    json_t *v = skills_latest_version(r, s);
    if (!v) {
        relay_error(out, 409, "conflict", NULL,
                    "Skill '%s' has no published version yet.", q->cap[0]);
        return;
    }
    const char *version = str_or(v, "version", "");
    const char *skill_md = str_or(v, "skill_md", "");
    const char *readme = str_or(s, "readme", "");
    char cmd[160], from[256], now[32];
    snprintf(cmd, sizeof cmd, "cmdop skills install %s", q->cap[0]);
    snprintf(from, sizeof from, "%s/platform/apix/skills/skills/%s/",
             r->root_url, q->cap[0]);
    relay_now(now);
    json_t *pk = json_object_get(s, "packages");
    json_t *packages = json_pack("{s:O?, s:O?}", "pip",
                                 json_object_get(pk, "pip"), "npm",
                                 json_object_get(pk, "npm"));
    static const char *const pm[] = {"pip", "npm"};
    for (size_t i = 0; i < 2; i++)
        if (!json_is_array(json_object_get(packages, pm[i])))
            json_object_set_new(packages, pm[i], json_array());
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s,"
        " s:{s:s, s:s, s:s, s:s}}",
        "slug", q->cap[0], "version", version, "model",
        str_or(v, "model", ""), "install_command", cmd, "readme", readme,
        "skill_md", skill_md, "files", install_files(skill_md, readme),
        "packages", packages, "run_check", str_or(s, "run_check", ""), "meta",
        "installed_at", now, "installed_from", from, "installed_version",
        version, "updated_at", str_or(v, "created_at", now));
    bump(s, "install_count", 1);
    bump(s, "download_count", 1);
    relay_json(out, 200, body);
}

void skills_star(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = skills_visible(r, q->cap[0], out);
    if (!s)
        return;
    bool starred = !json_is_true(json_object_get(s, "is_starred"));
    json_object_set_new(s, "is_starred", json_boolean(starred));
    bump(s, "star_count", starred ? 1 : -1);
    relay_json(out, 200, json_pack("{s:b, s:O}", "starred", starred,
                                   "star_count",
                                   json_object_get(s, "star_count")));
}
