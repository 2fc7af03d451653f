/*
 * relay_skills_write.c — the skills endpoints that change state: create,
 * update, delete (own skills only), install, star (any visible skill),
 * publish and publish-status.
 *
 * Publishing is asynchronous on the hosted platform (an LLM parses the
 * manifest); here the parse is immediate and deterministic: the version is
 * read from the manifest (package.json "version", or a pyproject.toml
 * `version = "..."` line), the model from the skill.md front matter. The
 * outcome is what publish-status reports.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "relay_kit.h"
#include "relay_skills.h"

/* The hosted VisibilityEnum and SkillStatusEnum: the official decoder
 * accepts exactly these in a SkillList (it rejects "unlisted" and
 * "archived"), so an update may not store anything else. */
static const char *const VISIBILITY[] = {"public", "private", NULL};
static const char *const STATUS[] = {"draft", "published", NULL};

/* "My Skill!" -> "my-skill": lowercase alphanumerics, other runs -> '-'. */
static void slugify(const char *name, char slug[64])
{
    size_t n = 0;
    bool dash = false;
    for (const char *p = name; *p && n < 50; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 128) {
            if (dash && n > 0)
                slug[n++] = '-';
            slug[n++] = (char)tolower(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    slug[n] = '\0';
}

/* The category with the lowest `ordering` (borrowed), or NULL. */
static json_t *first_category(relay *r)
{
    json_t *best = NULL, *c;
    size_t i;
    json_array_foreach(relay_coll(r, "skill_categories"), i, c) {
        json_int_t o = json_integer_value(json_object_get(c, "ordering"));
        if (!best ||
            o < json_integer_value(json_object_get(best, "ordering")))
            best = c;
    }
    return best;
}

void skills_create(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name;
    if (!relay_body_str(q, out, 400, "name", true, 1, 100, &name))
        return;
    char slug[64], id[37], now[32];
    slugify(name, slug);
    if (!*slug || strcmp(slug, "my") == 0) {
        relay_error(out, 400, "validation", "name",
                    "name must give a usable slug (letters or digits, not 'my')");
        return;
    }
    json_t *all = relay_coll(r, "skills");
    if (relay_find(all, "slug", slug)) {
        relay_error(out, 409, "conflict", "name",
                    "A skill with slug '%s' already exists.", slug);
        return;
    }
    relay_new_uuid(id);
    relay_now(now);
    json_t *cat = first_category(r);
    json_array_append_new(all, json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:i, s:i, s:i,"
        " s:b, s:[], s:{s:[], s:[]}, s:s, s:s, s:s, s:s}",
        "id", id, "slug", slug, "name", name, "short_description", "",
        "description", "", "author", SKILLS_ME, "author_username",
        SKILLS_ME_NAME, "visibility", "private", "status", "draft",
        "is_verified", 0, "install_count", 0, "star_count", 0,
        "download_count", 0, "is_starred", 0, "tags", "packages", "pip", "npm",
        "run_check", "", "publish_state", "none", "created_at", now,
        "updated_at", now));
    /* SkillList needs a category id on every skill (required, not
     * nullable), so a new skill starts in the first category. */
    if (cat)
        json_object_set(json_array_get(all, json_array_size(all) - 1),
                        "category", json_object_get(cat, "id"));
    relay_json(out, 201, json_pack("{s:s, s:s}", "name", name, "slug", slug));
}

void skills_update(relay *r, const relay_req *q, relay_resp *out)
{
    const char *name, *vis, *status, *cat, *icon, *cover, *repo;
    json_t *s = skills_own(r, q->cap[0], out);
    if (!s ||
        !relay_body_str(q, out, 400, "name", false, 1, 100, &name) ||
        !relay_body_enum(q, out, 400, "visibility", false, VISIBILITY, &vis) ||
        !relay_body_enum(q, out, 400, "status", false, STATUS, &status) ||
        !relay_body_str(q, out, 400, "category", false, 1, 100, &cat) ||
        !relay_body_str(q, out, 400, "icon", false, 0, 500, &icon) ||
        !relay_body_str(q, out, 400, "cover", false, 0, 500, &cover) ||
        !relay_body_str(q, out, 400, "repository_url", false, 0, 500, &repo))
        return;
    json_t *c = cat ? relay_find(relay_coll(r, "skill_categories"), "slug", cat)
                    : NULL;
    if (cat && !c) {
        relay_error(out, 400, "validation", "category",
                    "No category with slug '%s'.", cat);
        return;
    }
    const struct { const char *key, *val; } set[] = {
        {"name", name}, {"visibility", vis}, {"status", status},
        {"icon", icon}, {"cover", cover}, {"repository_url", repo}};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i].val)
            json_object_set_new(s, set[i].key, json_string(set[i].val));
    if (c)
        json_object_set(s, "category", json_object_get(c, "id"));
    char now[32];
    relay_now(now);
    json_object_set_new(s, "updated_at", json_string(now));
    /* SkillUpdated: the skill as it now stands, category by slug (the form
     * the update takes it in) */
    static const char *const echo[] = {"name", "visibility", "status", "icon",
                                       "cover", "repository_url", NULL};
    json_t *res = relay_pick(s, echo);
    const char *cid = json_string_value(json_object_get(s, "category"));
    json_t *now_cat =
        cid ? relay_find(relay_coll(r, "skill_categories"), "id", cid) : NULL;
    if (now_cat)
        json_object_set(res, "category", json_object_get(now_cat, "slug"));
    relay_json(out, 200, res);
}

void skills_delete(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = skills_own(r, q->cap[0], out);
    if (!s)
        return;
    const char *id = json_string_value(json_object_get(s, "id"));
    static const char *const deps[] = {"skill_versions", "skill_reviews", NULL};
    for (size_t k = 0; deps[k]; k++) {
        json_t *arr = relay_coll(r, deps[k]);
        for (size_t i = json_array_size(arr); i-- > 0;) {
            const char *sid = json_string_value(
                json_object_get(json_array_get(arr, i), "skill"));
            if (sid && id && strcmp(sid, id) == 0)
                json_array_remove(arr, i);
        }
    }
    json_t *all = relay_coll(r, "skills");
    json_array_remove(all, (size_t)relay_find_index(all, "slug", q->cap[0]));
    relay_empty(out, 204);
}
