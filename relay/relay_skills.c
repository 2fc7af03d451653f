/*
 * relay_skills.c — the skills marketplace (platform plane, X-Api-Key):
 * routes, seed and the read endpoints (list, my, get, versions, reviews,
 * categories, tags). Validation errors are 400, as Django REST framework
 * answers; list pages use the DRF page-number shape. Storage and the
 * "own" rule: relay_skills.h.
 */
#include <string.h>

#include "relay_kit.h"
#include "relay_skills.h"

#define QMAX 100 /* every string query param: at most 100 bytes */

static const char *const SKILL_ORDER[] = {"name", "created_at", "star_count",
                                          NULL};

static bool str_is(json_t *o, const char *key, const char *val)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && strcmp(v, val) == 0;
}

static bool has_tag(json_t *s, const char *tag_id)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(s, "tags"), i, t)
        if (tag_id && strcmp(json_string_value(t), tag_id) == 0)
            return true;
    return false;
}

/* Search matches name or either description (in the requested language). */
static bool matches(json_t *view, const char *search)
{
    return relay_kit_contains_ci(json_string_value(json_object_get(view, "name")), search) ||
           relay_kit_contains_ci(json_string_value(json_object_get(view, "short_description")), search) ||
           relay_kit_contains_ci(json_string_value(json_object_get(view, "description")), search);
}

/*
 * Shared by list (mine = false: the public marketplace, with category and
 * tag filters) and my (mine = true: every own skill, drafts included).
 * An unknown category or tag slug filters everything out, like a DRF
 * filter on a related slug.
 */
static void list_skills(relay *r, const relay_req *q, relay_resp *out,
                        bool mine)
{
    const char *cat = NULL, *tag = NULL, *search, *lang = NULL, *ordering,
               *key;
    bool desc;
    if ((!mine && (!relay_kit_query_str(q, out, 400, "category", QMAX, &cat) ||
                   !relay_kit_query_str(q, out, 400, "tag", QMAX, &tag) ||
                   !relay_kit_query_str(q, out, 400, "lang", QMAX, &lang))) ||
        !relay_kit_query_str(q, out, 400, "search", QMAX, &search) ||
        !relay_kit_query_str(q, out, 400, "ordering", QMAX, &ordering) ||
        !relay_kit_ordering(out, 400, ordering, SKILL_ORDER, &key, &desc))
        return;
    json_t *c = cat ? relay_find(relay_coll(r, "skill_categories"), "slug", cat)
                    : NULL;
    json_t *t = tag ? relay_find(relay_coll(r, "skill_tags"), "slug", tag)
                    : NULL;
    const char *cid = json_string_value(json_object_get(c, "id"));
    const char *tid = json_string_value(json_object_get(t, "id"));
    json_t *all = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(relay_coll(r, "skills"), i, s) {
        if (mine ? !skills_is_own(s) : !skills_is_listed(s))
            continue;
        if ((cat && !(cid && str_is(s, "category", cid))) ||
            (tag && !has_tag(s, tid)))
            continue;
        json_t *view = skills_summary(r, s, lang);
        /* the summary has no long description: search the stored one, in
         * the requested language */
        json_object_set(view, "description", json_object_get(s, "description"));
        skills_translate(view, s, lang);
        if (matches(view, search)) {
            json_object_del(view, "description");
            json_array_append(all, view);
        }
        json_decref(view);
    }
    if (key)
        relay_kit_sort(all, key, desc);
    relay_page_number(q, out, all, 20, 100);
    json_decref(all);
}

static void skills_list(relay *r, const relay_req *q, relay_resp *out)
{
    list_skills(r, q, out, false);
}

static void skills_my(relay *r, const relay_req *q, relay_resp *out)
{
    list_skills(r, q, out, true);
}

static void skills_get(relay *r, const relay_req *q, relay_resp *out)
{
    const char *lang;
    json_t *s;
    if (!relay_kit_query_str(q, out, 400, "lang", QMAX, &lang) ||
        !(s = skills_visible(r, q->cap[0], out)))
        return;
    relay_json(out, 200, skills_detail(r, s, lang));
}

static void skills_versions(relay *r, const relay_req *q, relay_resp *out)
{
    json_t *s = skills_visible(r, q->cap[0], out);
    if (!s)
        return;
    const char *id = json_string_value(json_object_get(s, "id"));
    json_t *items = json_array(), *vs = relay_coll(r, "skill_versions");
    for (size_t i = json_array_size(vs); i-- > 0;) /* newest first */
        if (str_is(json_array_get(vs, i), "skill", id))
            json_array_append_new(items, json_deep_copy(json_array_get(vs, i)));
    /* a bare array: the official decoder wants "[" here */
    relay_json(out, 200, items);
}

static void skills_reviews(relay *r, const relay_req *q, relay_resp *out)
{
    static const char *const order[] = {"upstream_created_at", "created_at",
                                        NULL};
    const char *search, *ordering, *key;
    bool desc;
    json_t *s;
    if (!relay_kit_query_str(q, out, 400, "search", QMAX, &search) ||
        !relay_kit_query_str(q, out, 400, "ordering", QMAX, &ordering) ||
        !relay_kit_ordering(out, 400, ordering, order, &key, &desc) ||
        !(s = skills_visible(r, q->cap[0], out)))
        return;
    const char *id = json_string_value(json_object_get(s, "id"));
    json_t *all = json_array();
    size_t i;
    json_t *rev;
    json_array_foreach(relay_coll(r, "skill_reviews"), i, rev) {
        const char *body = json_string_value(json_object_get(rev, "body"));
        const char *who = json_string_value(json_object_get(rev, "author_handle"));
        if (str_is(rev, "skill", id) && (relay_kit_contains_ci(body, search) ||
                                         relay_kit_contains_ci(who, search)))
            json_array_append_new(all, skills_review_view(rev));
    }
    /* a review's only date is when it was written upstream */
    if (key)
        relay_kit_sort(all, "upstream_created_at", desc);
    relay_page_number(q, out, all, 20, 100);
    json_decref(all);
}

/* categories and tags: an unpaginated bare array (measured: the official
 * decoder wants "["), search on the name. */
static void plain_list(relay *r, const relay_req *q, relay_resp *out,
                       const char *coll, const char *const *order)
{
    const char *search, *ordering, *key;
    bool desc;
    if (!relay_kit_query_str(q, out, 400, "search", QMAX, &search) ||
        !relay_kit_query_str(q, out, 400, "ordering", QMAX, &ordering) ||
        !relay_kit_ordering(out, 400, ordering, order, &key, &desc))
        return;
    bool cats = strcmp(coll, "skill_categories") == 0;
    json_t *items = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(relay_coll(r, coll), i, o) {
        if (relay_kit_contains_ci(json_string_value(json_object_get(o, "name")),
                                  search))
            json_array_append_new(items, cats ? skills_category_view(r, o)
                                              : json_deep_copy(o));
    }
    if (key)
        relay_kit_sort(items, key, desc);
    relay_json(out, 200, items);
}

static void skills_categories(relay *r, const relay_req *q, relay_resp *out)
{
    static const char *const order[] = {"name", "slug", "ordering",
                                        "skill_count", NULL};
    plain_list(r, q, out, "skill_categories", order);
}

static void skills_tags(relay *r, const relay_req *q, relay_resp *out)
{
    static const char *const order[] = {"name", "slug", NULL};
    plain_list(r, q, out, "skill_tags", order);
}

/* Loads the skills keys from the seed (copies). */
int relay_skills_seed(relay *r, json_t *seed)
{
    static const char *const keys[] = {"skills", "skill_categories",
                                       "skill_tags", "skill_versions",
                                       "skill_reviews", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (relay_seed_array(r, seed, keys[i], "id") != 0)
            return -1;
    return 0;
}

/* Literal segments (my/) come before the {} slug routes so they win. */
#define P RELAY_PLANE_PLATFORM
#define SK "/apix/skills/skills"
const relay_route relay_skills_routes[] = {
    {"GET", SK "/", P, skills_list},
    {"POST", SK "/", P, skills_create},
    {"GET", SK "/my/", P, skills_my},
    {"GET", SK "/{}/", P, skills_get},
    {"PATCH", SK "/{}/", P, skills_update},
    {"DELETE", SK "/{}/", P, skills_delete},
    {"POST", SK "/{}/install/", P, skills_install},
    {"POST", SK "/{}/star/", P, skills_star},
    {"GET", SK "/{}/versions/", P, skills_versions},
    {"GET", SK "/{}/reviews/", P, skills_reviews},
    {"POST", SK "/{}/publish/", P, skills_publish},
    {"GET", SK "/{}/publish-status/", P, skills_publish_status},
    {"GET", "/apix/skills/categories/", P, skills_categories},
    {"GET", "/apix/skills/tags/", P, skills_tags},
    {0},
};
#undef SK
#undef P
