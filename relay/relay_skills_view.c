/*
 * relay_skills_view.c — skills records as they go on the wire (the IDL's
 * SkillSummary, SkillDetail, SkillCategory, SkillReview in idl/skills.cmdop),
 * built field by field so the stored bookkeeping never leaks, and the
 * visibility lookups every skills handler starts with.
 */
#include <stdio.h>
#include <string.h>

#include "relay_kit.h"
#include "relay_skills.h"

bool skills_is_own(json_t *s)
{
    return json_integer_value(json_object_get(s, "author")) == SKILLS_ME;
}

static bool str_is(json_t *o, const char *key, const char *val)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && strcmp(v, val) == 0;
}

bool skills_is_listed(json_t *s)
{
    return str_is(s, "visibility", "public") && str_is(s, "status", "published");
}

json_t *skills_visible(relay *r, const char *slug, relay_resp *out)
{
    json_t *s = relay_find(relay_coll(r, "skills"), "slug", slug);
    bool reachable = s && (skills_is_own(s) ||
                           ((str_is(s, "visibility", "public") ||
                             str_is(s, "visibility", "unlisted")) &&
                            str_is(s, "status", "published")));
    if (!reachable) {
        relay_error(out, 404, "not_found", NULL, "No skill '%s'.", slug);
        return NULL;
    }
    return s;
}

json_t *skills_own(relay *r, const char *slug, relay_resp *out)
{
    json_t *s = skills_visible(r, slug, out);
    if (s && !skills_is_own(s)) {
        relay_error(out, 403, "permission", NULL,
                    "You do not own the skill '%s'.", slug);
        return NULL;
    }
    return s;
}

/* Overlays the stored translation for `lang` (name, descriptions). */
void skills_translate(json_t *view, json_t *s, const char *lang)
{
    json_t *t = lang ? json_object_get(json_object_get(s, "translations"), lang)
                     : NULL;
    static const char *const keys[] = {"name", "short_description",
                                       "description", NULL};
    for (size_t i = 0; t && keys[i]; i++) {
        json_t *v = json_object_get(t, keys[i]);
        if (json_is_string(v) && json_object_get(view, keys[i]))
            json_object_set(view, keys[i], v);
    }
}

static json_t *tag_views(relay *r, json_t *s)
{
    json_t *tags = json_array(), *all = relay_coll(r, "skill_tags");
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(s, "tags"), i, id) {
        json_t *t = relay_find(all, "id", json_string_value(id));
        if (t)
            json_array_append_new(tags, json_pack("{s:O, s:O, s:O}", "id",
                json_object_get(t, "id"), "name", json_object_get(t, "name"),
                "slug", json_object_get(t, "slug")));
    }
    return tags;
}

static json_int_t review_count(relay *r, json_t *s)
{
    json_int_t n = 0;
    size_t i;
    json_t *rev;
    const char *id = json_string_value(json_object_get(s, "id"));
    json_array_foreach(relay_coll(r, "skill_reviews"), i, rev)
        n += id && str_is(rev, "skill", id);
    return n;
}

static json_t *category_of(relay *r, json_t *s)
{
    const char *cid = json_string_value(json_object_get(s, "category"));
    return cid ? relay_find(relay_coll(r, "skill_categories"), "id", cid) : NULL;
}

/* Stored string `key` of s, or dflt (borrowed). */
static const char *str_or(json_t *s, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(s, key));
    return v ? v : dflt;
}

/*
 * upstream_author_{name,avatar,url}: required on every skill record, and the
 * official decoder parses the two URLs as URIs (an empty string fails). A
 * stored value wins; a native skill (no upstream) gets its cmdop author's
 * public avatar and profile URLs, made up locally (inferred: what the hosted
 * platform puts there for a skill without an upstream is not visible).
 */
static void upstream_author(json_t *v, json_t *s)
{
    char avatar[256], url[256];
    const char *who = str_or(s, "author_username", "cmdop");
    snprintf(avatar, sizeof avatar, "https://cdn.example.com/avatars/%s.png",
             who);
    snprintf(url, sizeof url, "https://cmdop.com/u/%s", who);
    json_object_set_new(v, "upstream_author_name", json_string(
        str_or(s, "upstream_author_name", "")));
    json_object_set_new(v, "upstream_author_avatar", json_string(
        str_or(s, "upstream_author_avatar", avatar)));
    json_object_set_new(v, "upstream_author_url", json_string(
        str_or(s, "upstream_author_url", url)));
}

json_t *skills_summary(relay *r, json_t *s, const char *lang)
{
    static const char *const keys[] = {
        "id", "slug", "name", "short_description", "author",
        "author_username", "visibility", "status", "is_verified", "icon",
        "cover", "install_count", "star_count", "download_count",
        "is_starred", "created_at", "updated_at", NULL};
    json_t *v = relay_pick(s, keys);
    skills_translate(v, s, lang);
    /* category (an id) is required and not nullable in SkillList, so every
     * skill has one (create assigns the first); category_name is nullable. */
    json_t *c = category_of(r, s);
    json_object_set(v, "category", c ? json_object_get(c, "id")
                                     : json_object_get(s, "category"));
    json_object_set(v, "category_name", c ? json_object_get(c, "name")
                                          : json_null());
    json_object_set_new(v, "tags", tag_views(r, s));
    json_object_set_new(v, "review_count", json_integer(review_count(r, s)));
    upstream_author(v, s);
    return v;
}

json_t *skills_category_view(relay *r, json_t *c)
{
    static const char *const keys[] = {"id", "name", "slug", "description",
                                       "icon", "ordering", NULL};
    json_t *v = relay_pick(c, keys);
    json_int_t n = 0;
    size_t i;
    json_t *s;
    const char *id = json_string_value(json_object_get(c, "id"));
    json_array_foreach(relay_coll(r, "skills"), i, s)
        n += id && skills_is_listed(s) && str_is(s, "category", id);
    json_object_set_new(v, "skill_count", json_integer(n));
    return v;
}

json_t *skills_review_view(json_t *rev)
{
    static const char *const keys[] = {
        "id", "author_handle", "author_display_name", "author_avatar_url",
        "body", "is_rewritten", "source", "upstream_created_at", NULL};
    return relay_pick(rev, keys);
}

json_t *skills_latest_version(relay *r, json_t *s)
{
    json_t *vs = relay_coll(r, "skill_versions"), *latest = NULL;
    const char *id = json_string_value(json_object_get(s, "id"));
    size_t i;
    json_t *v;
    json_array_foreach(vs, i, v)
        if (id && str_is(v, "skill", id))
            latest = v; /* stored oldest first */
    return latest;
}

/* parsed_meta (required, nullable): what the publish parse found, here
 * the model of the latest version; null before the first version. */
static json_t *parsed_meta(json_t *latest)
{
    if (!latest)
        return json_null();
    return json_pack("{s:s}", "model", str_or(latest, "model", ""));
}

/* seo: every key required. Derived from the skill (inferred: the hosted
 * platform's SEO texts are not visible; these are the obvious sources). */
static json_t *seo(relay *r, json_t *s, json_t *view)
{
    char canonical[256];
    const char *name = str_or(view, "name", "");
    const char *desc = str_or(view, "short_description", "");
    snprintf(canonical, sizeof canonical, "https://cmdop.com/skills/%s/",
             str_or(s, "slug", ""));
    json_t *keywords = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(view, "tags"), i, t)
        json_array_append(keywords, json_object_get(t, "slug"));
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "title", name,
                     "description", desc, "keywords", keywords, "og_title",
                     name, "og_description", desc, "og_image",
                     str_or(s, "cover", str_or(s, "icon", "")), "canonical",
                     canonical);
}

json_t *skills_detail(relay *r, json_t *s, const char *lang)
{
    static const char *const keys[] = {
        "id", "slug", "name", "short_description", "description", "readme",
        "author", "author_username", "visibility", "status", "is_verified",
        "icon", "cover", "install_count", "star_count", "download_count",
        "repository_url", "is_starred", "created_at", "updated_at", NULL};
    json_t *v = relay_pick(s, keys);
    skills_translate(v, s, lang);
    json_t *c = category_of(r, s);
    json_object_set_new(v, "category", c ? skills_category_view(r, c)
                                         : json_null());
    json_object_set_new(v, "tags", tag_views(r, s));
    json_t *latest = skills_latest_version(r, s);
    json_object_set_new(v, "latest_version",
                        latest ? json_deep_copy(latest) : json_null());
    json_object_set_new(v, "parsed_meta", parsed_meta(latest));
    upstream_author(v, s);
    static const char *const upstream[] = {"upstream_github_url",
        "upstream_npm_package", "upstream_license", NULL};
    for (size_t k = 0; upstream[k]; k++)
        json_object_set_new(v, upstream[k],
                            json_string(str_or(s, upstream[k], "")));
    json_object_set_new(v, "seo", seo(r, s, v));
    json_t *reviews = json_array();
    const char *id = json_string_value(json_object_get(s, "id"));
    size_t i;
    json_t *rev;
    json_array_foreach(relay_coll(r, "skill_reviews"), i, rev)
        if (id && str_is(rev, "skill", id))
            json_array_append_new(reviews, skills_review_view(rev));
    json_object_set_new(v, "review_count",
                        json_integer((json_int_t)json_array_size(reviews)));
    json_object_set_new(v, "reviews", reviews);
    return v;
}
