/*
 * relay_skills_publish.c — POST /skills/{slug}/publish/ (202, empty body)
 * and GET /skills/{slug}/publish-status/.
 *
 * The hosted platform parses the manifest asynchronously; here the parse
 * runs before the 202 and its outcome is stored on the skill
 * (publish_state "parsed" or "failed", publish_error, publish_version) for
 * publish-status to report. A parsed manifest adds a SkillVersion and marks
 * the skill published.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "relay_skills.h"

#define MANIFEST_MAX 1048576

/* Copies the value of a `key = "value"` TOML line (pyproject.toml) or the
 * "key" member of a JSON object (package.json) into buf; false if none. */
static bool manifest_value(const char *text, const char *key, char *buf,
                           size_t len)
{
    json_t *j = json_loads(text, 0, NULL);
    if (json_is_object(j)) {
        const char *v = json_string_value(json_object_get(j, key));
        if (v)
            snprintf(buf, len, "%s", v);
        json_decref(j);
        return v != NULL;
    }
    json_decref(j);
    size_t klen = strlen(key);
    for (const char *line = text; line && *line;) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, key, klen) == 0) {
            p += klen;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '=') {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
                if (*p == '"' || *p == '\'') {
                    const char *end = strchr(p + 1, *p);
                    if (end && end - p - 1 < (long)len) {
                        snprintf(buf, len, "%.*s", (int)(end - p - 1), p + 1);
                        return true;
                    }
                }
            }
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return false;
}

/* "model: x" inside the leading "---" front matter of skill.md. */
static void frontmatter_model(const char *md, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!md || strncmp(md, "---\n", 4) != 0)
        return;
    const char *end = strstr(md + 4, "\n---");
    for (const char *p = md + 4; p && (!end || p < end);) {
        if (strncmp(p, "model:", 6) == 0) {
            p += 6;
            while (*p == ' ' || *p == '"' || *p == '\'')
                p++;
            size_t n = strcspn(p, "\"'\r\n");
            while (n > 0 && isspace((unsigned char)p[n - 1]))
                n--;
            snprintf(buf, len, "%.*s", (int)n, p);
            return;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
}

static bool version_taken(relay *r, const char *skill_id, const char *version)
{
    size_t i;
    json_t *v;
    json_array_foreach(relay_coll(r, "skill_versions"), i, v) {
        const char *s = json_string_value(json_object_get(v, "skill"));
        const char *x = json_string_value(json_object_get(v, "version"));
        if (s && x && strcmp(s, skill_id) == 0 && strcmp(x, version) == 0)
            return true;
    }
    return false;
}

static void fail(json_t *s, const char *why)
{
    json_object_set_new(s, "publish_state", json_string("failed"));
    json_object_set_new(s, "publish_error", json_string(why));
}

/* The parse that the hosted platform runs in the background. */
static void parse(relay *r, json_t *s, const char *manifest,
                  const char *skill_md, const char *readme,
                  const char *changelog)
{
    char version[64], model[128], desc[512], id[37], now[32];
    const char *sid = json_string_value(json_object_get(s, "id"));
    if (!manifest_value(manifest, "version", version, sizeof version) ||
        !*version) {
        fail(s, "raw_manifest has no version");
        return;
    }
    if (version_taken(r, sid, version)) {
        fail(s, "this version is already published");
        return;
    }
    frontmatter_model(skill_md, model, sizeof model);
    relay_new_uuid(id);
    relay_now(now);
    json_array_append_new(relay_coll(r, "skill_versions"), json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "skill", sid,
        "version", version, "skill_md", skill_md ? skill_md : "", "changelog",
        changelog ? changelog : "", "model", model, "created_at", now));
    if (manifest_value(manifest, "description", desc, sizeof desc))
        json_object_set_new(s, "short_description", json_string(desc));
    if (readme)
        json_object_set_new(s, "readme", json_string(readme));
    json_object_set_new(s, "status", json_string("published"));
    json_object_set_new(s, "updated_at", json_string(now));
    json_object_set_new(s, "publish_state", json_string("parsed"));
    json_object_set_new(s, "publish_version", json_string(version));
    json_object_del(s, "publish_error");
}

void skills_publish(relay *r, const relay_req *q, relay_resp *out)
{
    const char *manifest, *skill_md, *readme, *changelog;
    json_t *s = skills_own(r, q->cap[0], out);
    if (!s ||
        !relay_body_str(q, out, 400, "raw_manifest", true, 1, MANIFEST_MAX,
                        &manifest) ||
        !relay_body_str(q, out, 400, "skill_md", false, 0, MANIFEST_MAX,
                        &skill_md) ||
        !relay_body_str(q, out, 400, "readme", false, 0, MANIFEST_MAX,
                        &readme) ||
        !relay_body_str(q, out, 400, "changelog", false, 0, MANIFEST_MAX,
                        &changelog))
        return;
    parse(r, s, manifest, skill_md, readme, changelog);
    relay_empty(out, 202);
}

/* {"status": "ok", "state": none|parsed|failed, "version"?, "error"?} */
void skills_publish_status(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = skills_own(r, q->cap[0], out);
    if (!s)
        return;
    const char *state = json_string_value(json_object_get(s, "publish_state"));
    json_t *body = json_pack("{s:s, s:s}", "status", "ok", "state",
                             state ? state : "none");
    json_t *v = json_object_get(s, "publish_version");
    json_t *e = json_object_get(s, "publish_error");
    if (json_is_string(v) && state && strcmp(state, "parsed") == 0)
        json_object_set(body, "version", v);
    if (json_is_string(e))
        json_object_set(body, "error", e);
    relay_json(out, 200, body);
}
