/*
 * test_platform_skills.c — the skills marketplace endpoints (platform
 * plane) over real HTTP against an in-process relay with the default seed:
 * page-number pages, filters, ordering, the own-skill rules, install, star,
 * publish, categories and tags.
 */
#include "plat_client.h"

/* Slug of results[i] of a page. */
static const char *slug_at(json_t *page, size_t i)
{
    return pc_s(json_array_get(json_object_get(page, "results"), i), "slug");
}

START_TEST(list_default_page)
{
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 12);
    ck_assert_int_eq(pc_i(p, "page"), 1);
    ck_assert_int_eq(pc_i(p, "pages"), 1);
    ck_assert_int_eq(pc_i(p, "page_size"), 20);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    ck_assert(json_is_false(json_object_get(p, "has_previous")));
    /* present and null at the ends (the decoder accepts null) */
    ck_assert(json_is_null(json_object_get(p, "next_page")));
    ck_assert(json_is_null(json_object_get(p, "previous_page")));
    ck_assert_str_eq(slug_at(p, 0), "skill-01");
    ck_assert_str_eq(slug_at(p, 11), "skill-12");
    json_t *s = json_array_get(json_object_get(p, "results"), 0);
    static const char *const keys[] = {"id", "slug", "name",
        "short_description", "author", "author_username", "category",
        "category_name", "tags", "visibility", "status", "is_verified", "icon",
        "cover", "install_count", "star_count", "download_count",
        "review_count", "is_starred", "created_at", "updated_at",
        "upstream_author_name", "upstream_author_avatar",
        "upstream_author_url", NULL};
    pc_assert_keys(s, keys);
    /* the two upstream URLs must parse as URIs for the official decoder */
    ck_assert(strncmp(pc_s(s, "upstream_author_avatar"), "https://", 8) == 0);
    ck_assert(strncmp(pc_s(s, "upstream_author_url"), "https://", 8) == 0);
    /* bookkeeping never leaks */
    ck_assert_ptr_null(json_object_get(s, "translations"));
    ck_assert_ptr_null(json_object_get(s, "packages"));
    ck_assert_ptr_null(json_object_get(s, "description"));
    ck_assert_int_eq(pc_i(s, "review_count"), 3);
    ck_assert_str_eq(pc_s(s, "category_name"), "DevOps");
    json_t *tag = json_array_get(json_object_get(s, "tags"), 0);
    static const char *const tkeys[] = {"id", "name", "slug", NULL};
    pc_assert_keys(tag, tkeys);
    json_decref(p);
}
END_TEST

START_TEST(list_pages)
{
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?page_size=5&page=2", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "pages"), 3);
    ck_assert_int_eq(pc_i(p, "next_page"), 3);
    ck_assert_int_eq(pc_i(p, "previous_page"), 1);
    ck_assert_str_eq(slug_at(p, 0), "skill-06");
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?page_size=5&page=3", NULL, &p), 200);
    ck_assert_int_eq(json_array_size(json_object_get(p, "results")), 2);
    ck_assert(json_is_false(json_object_get(p, "has_next")));
    json_decref(p);
    long st = pc_plat("GET", "/apix/skills/skills/?page_size=5&page=4", NULL, &p);
    pc_assert_error(st, p, 404, "not_found", NULL);
    json_decref(p);
    st = pc_plat("GET", "/apix/skills/skills/?page_size=101", NULL, &p);
    pc_assert_error(st, p, 400, "validation", "page_size");
    json_decref(p);
    st = pc_plat("GET", "/apix/skills/skills/?page=0", NULL, &p);
    pc_assert_error(st, p, 400, "validation", "page");
    json_decref(p);
}
END_TEST

START_TEST(list_filters)
{
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?category=data", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 3);
    ck_assert_str_eq(slug_at(p, 0), "skill-04");
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?tag=ai", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 5);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?tag=ai&category=writing", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 2);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?category=nope", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 0);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?search=DOCKER", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    ck_assert_str_eq(slug_at(p, 0), "skill-08");
    json_decref(p);
    /* the long description is searched too */
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?search=reports%20back", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 12);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?lang=de&search=zusammen", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(p, "results"), 0), "name"),
                     "Log-Zusammenfasser");
    json_decref(p);
    /* the translated long description is searched too */
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?lang=de&search=liest", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?search=liest", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 0);
    json_decref(p);
    char path[256];
    snprintf(path, sizeof path, "/apix/skills/skills/?search=%0101d", 0);
    long st = pc_plat("GET", path, NULL, &p);
    pc_assert_error(st, p, 400, "validation", "search");
    json_decref(p);
}
END_TEST

START_TEST(list_ordering)
{
    json_t *p;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?ordering=-star_count", NULL, &p), 200);
    ck_assert_str_eq(slug_at(p, 0), "skill-01");
    ck_assert_str_eq(slug_at(p, 1), "skill-08");
    ck_assert_str_eq(slug_at(p, 11), "skill-09");
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?ordering=name", NULL, &p), 200);
    ck_assert_str_eq(slug_at(p, 0), "skill-12"); /* Alert Triage */
    json_decref(p);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?ordering=-created_at", NULL, &p), 200);
    ck_assert_str_eq(slug_at(p, 0), "skill-12");
    json_decref(p);
    long st = pc_plat("GET", "/apix/skills/skills/?ordering=price", NULL, &p);
    pc_assert_error(st, p, 400, "validation", "ordering");
    json_decref(p);
}
END_TEST

START_TEST(my_and_get)
{
    json_t *p, *d;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my/", NULL, &p), 200);
    ck_assert_int_eq(pc_i(p, "count"), 1);
    ck_assert_str_eq(slug_at(p, 0), "my-draft-skill");
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(p, "results"), 0), "status"), "draft");
    json_decref(p);

    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/", NULL, &d), 200);
    static const char *const keys[] = {"id", "slug", "name",
        "short_description", "description", "readme", "author",
        "author_username", "category", "tags", "visibility", "status",
        "is_verified", "icon", "cover", "install_count", "star_count",
        "download_count", "repository_url", "latest_version", "is_starred",
        "reviews", "review_count", "created_at", "updated_at",
        "parsed_meta", "upstream_author_name", "upstream_author_avatar",
        "upstream_author_url", "upstream_github_url", "upstream_npm_package",
        "upstream_license", "seo", NULL};
    pc_assert_keys(d, keys);
    static const char *const seo_keys[] = {"title", "description", "keywords",
        "og_title", "og_description", "og_image", "canonical", NULL};
    pc_assert_keys(json_object_get(d, "seo"), seo_keys);
    ck_assert_str_eq(pc_s(json_object_get(d, "parsed_meta"), "model"),
                     "claude-sonnet-4");
    static const char *const ckeys[] = {"id", "name", "slug", "description",
                                        "icon", "ordering", "skill_count", NULL};
    pc_assert_keys(json_object_get(d, "category"), ckeys);
    static const char *const vkeys[] = {"id", "skill", "version", "skill_md",
                                        "changelog", "model", "created_at", NULL};
    pc_assert_keys(json_object_get(d, "latest_version"), vkeys);
    ck_assert_str_eq(pc_s(json_object_get(d, "latest_version"), "version"), "1.1.0");
    ck_assert_int_eq(json_array_size(json_object_get(d, "reviews")), 3);
    ck_assert_int_eq(pc_i(d, "review_count"), 3);
    json_decref(d);

    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/?lang=de", NULL, &d), 200);
    ck_assert_str_eq(pc_s(d, "name"), "Log-Zusammenfasser");
    json_decref(d);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/", NULL, &d), 200);
    /* required and nullable before the first version */
    ck_assert(json_is_null(json_object_get(d, "latest_version")));
    ck_assert(json_is_null(json_object_get(d, "parsed_meta")));
    json_decref(d);
    long st = pc_plat("GET", "/apix/skills/skills/nope/", NULL, &d);
    pc_assert_error(st, d, 404, "not_found", NULL);
    json_decref(d);
}
END_TEST

START_TEST(versions_and_reviews)
{
    json_t *v, *r;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/versions/", NULL, &v), 200);
    json_t *items = v;
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_str_eq(pc_s(json_array_get(items, 0), "version"), "1.1.0");
    ck_assert_str_eq(pc_s(json_array_get(items, 0), "model"), "claude-sonnet-4");
    json_decref(v);

    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/reviews/", NULL, &r), 200);
    ck_assert_int_eq(pc_i(r, "count"), 3);
    json_t *first = json_array_get(json_object_get(r, "results"), 0);
    static const char *const keys[] = {"id", "author_handle",
        "author_display_name", "author_avatar_url", "body", "is_rewritten",
        "source", "upstream_created_at", NULL};
    pc_assert_keys(first, keys);
    ck_assert_ptr_null(json_object_get(first, "skill"));
    json_decref(r);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/reviews/?ordering=-upstream_created_at&page_size=2&page=2", NULL, &r), 200);
    ck_assert_int_eq(json_array_size(json_object_get(r, "results")), 1);
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(r, "results"), 0), "author_handle"), "ana");
    json_decref(r);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/reviews/?search=stack", NULL, &r), 200);
    ck_assert_int_eq(pc_i(r, "count"), 1);
    json_decref(r);
    long st = pc_plat("GET", "/apix/skills/skills/skill-01/reviews/?page=3&page_size=2", NULL, &r);
    pc_assert_error(st, r, 404, "not_found", NULL);
    json_decref(r);
    st = pc_plat("GET", "/apix/skills/skills/skill-01/reviews/?ordering=stars", NULL, &r);
    pc_assert_error(st, r, 400, "validation", "ordering");
    json_decref(r);
    st = pc_plat("GET", "/apix/skills/skills/nope/versions/", NULL, &r);
    pc_assert_error(st, r, 404, "not_found", NULL);
    json_decref(r);
}
END_TEST

START_TEST(star_toggles)
{
    json_t *s, *d;
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/skill-02/star/", NULL, &s), 200);
    ck_assert(json_is_true(json_object_get(s, "starred")));
    ck_assert_int_eq(pc_i(s, "star_count"), 8);
    json_decref(s);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-02/", NULL, &d), 200);
    ck_assert(json_is_true(json_object_get(d, "is_starred")));
    json_decref(d);
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/skill-02/star/", NULL, &s), 200);
    ck_assert(json_is_false(json_object_get(s, "starred")));
    ck_assert_int_eq(pc_i(s, "star_count"), 7);
    json_decref(s);
    long st = pc_plat("POST", "/apix/skills/skills/nope/star/", NULL, &s);
    pc_assert_error(st, s, 404, "not_found", NULL);
    json_decref(s);
}
END_TEST

START_TEST(install_payload)
{
    json_t *i, *d;
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/skill-01/install/", NULL, &i), 200);
    static const char *const keys[] = {"slug", "version", "model",
        "install_command", "readme", "skill_md", "files", "packages",
        "run_check", "meta", NULL};
    pc_assert_keys(i, keys);
    ck_assert_str_eq(pc_s(i, "version"), "1.1.0");
    ck_assert_str_eq(pc_s(i, "model"), "claude-sonnet-4");
    ck_assert_str_eq(pc_s(json_array_get(json_object_get(i, "files"), 0), "path"), "SKILL.md");
    ck_assert_int_eq(json_array_size(json_object_get(i, "files")), 2);
    json_t *pk = json_object_get(i, "packages");
    ck_assert(json_is_array(json_object_get(pk, "pip")));
    ck_assert(json_is_array(json_object_get(pk, "npm")));
    static const char *const mkeys[] = {"installed_at", "installed_from",
                                        "installed_version", "updated_at", NULL};
    pc_assert_keys(json_object_get(i, "meta"), mkeys);
    ck_assert_str_eq(pc_s(json_object_get(i, "meta"), "installed_version"), "1.1.0");
    json_decref(i);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/skill-01/", NULL, &d), 200);
    ck_assert_int_eq(pc_i(d, "install_count"), 96);
    json_decref(d);
    /* nothing to install before a first publish */
    long st = pc_plat("POST", "/apix/skills/skills/my-draft-skill/install/", NULL, &i);
    pc_assert_error(st, i, 409, "conflict", NULL);
    json_decref(i);
}
END_TEST

START_TEST(create_update_delete)
{
    json_t *b;
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/", "{\"name\":\"Hello World!\"}", &b), 201);
    ck_assert_str_eq(pc_s(b, "name"), "Hello World!");
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/hello-world/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "visibility"), "private");
    ck_assert_str_eq(pc_s(b, "status"), "draft");
    json_decref(b);
    /* a private draft is not in the marketplace, but is in my/ */
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?search=hello", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "count"), 0);
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my/?search=hello", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "count"), 1);
    json_decref(b);

    long st = pc_plat("POST", "/apix/skills/skills/", "{\"name\":\"hello   world\"}", &b);
    pc_assert_error(st, b, 409, "conflict", NULL);
    json_decref(b);
    static const char *const bad[] = {"{}", "{\"name\":\"\"}", "{\"name\":7}",
                                      "{\"name\":\"!!!\"}", NULL};
    for (size_t i = 0; bad[i]; i++) {
        st = pc_plat("POST", "/apix/skills/skills/", bad[i], &b);
        pc_assert_error(st, b, 400, "validation", "name");
        json_decref(b);
    }

    ck_assert_int_eq(pc_plat("PATCH", "/apix/skills/skills/hello-world/",
        "{\"visibility\":\"public\",\"status\":\"published\",\"category\":\"data\","
        "\"icon\":\"https://x/i.png\"}", &b), 200);
    ck_assert_str_eq(pc_s(b, "name"), "Hello World!");
    ck_assert_str_eq(pc_s(b, "category"), "data");
    ck_assert_str_eq(pc_s(b, "visibility"), "public");
    ck_assert_str_eq(pc_s(b, "icon"), "https://x/i.png");
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/?category=data", NULL, &b), 200);
    ck_assert_int_eq(pc_i(b, "count"), 4);
    json_decref(b);

    static const struct { const char *body, *field; } cases[] = {
        {"{\"name\":\"\"}", "name"},
        {"{\"visibility\":\"secret\"}", "visibility"},
        {"{\"status\":\"gone\"}", "status"},
        {"{\"category\":\"nope\"}", "category"},
        {"{\"repository_url\":7}", "repository_url"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st = pc_plat("PATCH", "/apix/skills/skills/hello-world/", cases[i].body, &b);
        pc_assert_error(st, b, 400, "validation", cases[i].field);
        json_decref(b);
    }
    st = pc_plat("PATCH", "/apix/skills/skills/skill-02/", "{\"name\":\"Mine\"}", &b);
    pc_assert_error(st, b, 403, "permission", NULL);
    json_decref(b);
    st = pc_plat("DELETE", "/apix/skills/skills/skill-02/", NULL, &b);
    pc_assert_error(st, b, 403, "permission", NULL);
    json_decref(b);
    st = pc_plat("PATCH", "/apix/skills/skills/nope/", "{\"name\":\"x\"}", &b);
    pc_assert_error(st, b, 404, "not_found", NULL);
    json_decref(b);

    ck_assert_int_eq(pc_plat("DELETE", "/apix/skills/skills/hello-world/", NULL, &b), 204);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/hello-world/", NULL, &b), 404);
    json_decref(b);
}
END_TEST

START_TEST(publish_flow)
{
    json_t *b;
    size_t len = 99;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/publish-status/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "status"), "ok");
    ck_assert_str_eq(pc_s(b, "state"), "none");
    json_decref(b);
    long st = pc_http("POST", "/platform/apix/skills/skills/my-draft-skill/publish/",
        "X-Api-Key: " PC_KEY,
        "{\"raw_manifest\":\"{\\\"name\\\":\\\"d\\\",\\\"version\\\":\\\"0.2.0\\\","
        "\\\"description\\\":\\\"Drafted\\\"}\",\"skill_md\":\"---\\nmodel: m-1\\n---\\nHi\","
        "\"readme\":\"# D\"}", &b, &len);
    ck_assert_int_eq(st, 202);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/publish-status/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "state"), "parsed");
    ck_assert_str_eq(pc_s(b, "version"), "0.2.0");
    json_decref(b);
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/my-draft-skill/install/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "version"), "0.2.0");
    ck_assert_str_eq(pc_s(b, "model"), "m-1");
    ck_assert_str_eq(pc_s(b, "readme"), "# D");
    json_decref(b);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "short_description"), "Drafted");
    ck_assert_str_eq(pc_s(b, "status"), "published");
    json_decref(b);

    /* pyproject.toml, and the same version twice fails the parse */
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/my-draft-skill/publish/",
        "{\"raw_manifest\":\"[project]\\nname = \\\"d\\\"\\nversion = \\\"0.3.0\\\"\\n\"}", &b), 202);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/versions/", NULL, &b), 200);
    ck_assert_int_eq(json_array_size(b), 2);
    ck_assert_str_eq(pc_s(json_array_get(b, 0), "version"), "0.3.0");
    json_decref(b);
    ck_assert_int_eq(pc_plat("POST", "/apix/skills/skills/my-draft-skill/publish/",
        "{\"raw_manifest\":\"version = '0.3.0'\"}", &b), 202);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/skills/my-draft-skill/publish-status/", NULL, &b), 200);
    ck_assert_str_eq(pc_s(b, "state"), "failed");
    ck_assert_ptr_nonnull(pc_s(b, "error"));
    json_decref(b);

    st = pc_plat("POST", "/apix/skills/skills/my-draft-skill/publish/", "{}", &b);
    pc_assert_error(st, b, 400, "validation", "raw_manifest");
    json_decref(b);
    st = pc_plat("POST", "/apix/skills/skills/my-draft-skill/publish/",
                 "{\"raw_manifest\":\"x\",\"readme\":5}", &b);
    pc_assert_error(st, b, 400, "validation", "readme");
    json_decref(b);
    st = pc_plat("POST", "/apix/skills/skills/skill-02/publish/", "{\"raw_manifest\":\"x\"}", &b);
    pc_assert_error(st, b, 403, "permission", NULL);
    json_decref(b);
}
END_TEST

START_TEST(categories_and_tags)
{
    json_t *c;
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/categories/", NULL, &c), 200);
    json_t *items = c;
    ck_assert_int_eq(json_array_size(items), 3);
    ck_assert_str_eq(pc_s(json_array_get(items, 0), "slug"), "devops");
    ck_assert_int_eq(pc_i(json_array_get(items, 0), "skill_count"), 7);
    json_decref(c);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/categories/?ordering=-name", NULL, &c), 200);
    ck_assert_str_eq(pc_s(json_array_get(c, 0), "slug"), "writing");
    json_decref(c);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/categories/?search=DAT", NULL, &c), 200);
    ck_assert_int_eq(json_array_size(c), 1);
    json_decref(c);
    long st = pc_plat("GET", "/apix/skills/categories/?ordering=colour", NULL, &c);
    pc_assert_error(st, c, 400, "validation", "ordering");
    json_decref(c);

    ck_assert_int_eq(pc_plat("GET", "/apix/skills/tags/", NULL, &c), 200);
    ck_assert_int_eq(json_array_size(c), 4);
    json_decref(c);
    ck_assert_int_eq(pc_plat("GET", "/apix/skills/tags/?ordering=name", NULL, &c), 200);
    ck_assert_str_eq(pc_s(json_array_get(c, 0), "slug"), "ai");
    json_decref(c);
}
END_TEST

START_TEST(skills_wrong_plane_credential)
{
    json_t *b;
    long st = pc_http("GET", "/platform/apix/skills/skills/", "Authorization: Bearer " PC_TOKEN,
                      NULL, &b, NULL);
    pc_assert_error(st, b, 401, "auth", NULL);
    json_decref(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("platform_skills");
    TCase *t = tcase_create("skills");
    tcase_add_checked_fixture(t, pc_start, pc_stop);
    tcase_add_test(t, list_default_page);
    tcase_add_test(t, list_pages);
    tcase_add_test(t, list_filters);
    tcase_add_test(t, list_ordering);
    tcase_add_test(t, my_and_get);
    tcase_add_test(t, versions_and_reviews);
    tcase_add_test(t, star_toggles);
    tcase_add_test(t, install_payload);
    tcase_add_test(t, create_update_delete);
    tcase_add_test(t, publish_flow);
    tcase_add_test(t, categories_and_tags);
    tcase_add_test(t, skills_wrong_plane_credential);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return pc_run(suite());
}
