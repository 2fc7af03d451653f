/*
 * test_skills.c — skills.* (platform plane, X-Api-Key) against the real
 * local relay: the marketplace seed mapped into the C structs, the own-skill
 * lifecycle (create, update, publish, publish_status, delete) and the 400s,
 * 403s, 404s and 409s of the DRF-style platform.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/ops.h"
#include "it_client.h"

START_TEST(list_filters_and_ordering)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skill_list_page *l = NULL;
    ck_assert_int_eq(cmdop_skills_list(&l, c, NULL), 0);
    ck_assert_int_eq(l->count, 12);
    ck_assert_int_eq(l->page_size, 20);
    ck_assert_uint_eq(l->results_count, 12);
    ck_assert_str_eq(l->results[0]->slug, "skill-01");
    ck_assert_str_eq(l->results[0]->name, "Log Summarizer");
    ck_assert_str_eq(l->results[0]->author_username, "cmdop");
    ck_assert_int_eq(l->results[0]->author, 2);
    ck_assert_int_eq(l->results[0]->star_count, 42);
    ck_assert_int_eq(l->results[0]->install_count, 95);
    ck_assert(l->results[0]->is_verified);
    ck_assert_uint_eq(l->results[0]->tags_count, 2);
    ck_assert(!l->has_next);
    cmdop_skill_list_page_free(l);

    cmdop_skills_list_params p = CMDOP_SKILLS_LIST_PARAMS_INIT;
    p.category = "data";
    ck_assert_int_eq(cmdop_skills_list(&l, c, &p), 0);
    ck_assert_int_eq(l->count, 3);
    ck_assert_str_eq(l->results[0]->slug, "skill-04");
    ck_assert_str_eq(l->results[2]->slug, "skill-10");
    cmdop_skill_list_page_free(l);

    p.category = NULL;
    p.ordering = "-star_count";
    ck_assert_int_eq(cmdop_skills_list(&l, c, &p), 0);
    ck_assert_str_eq(l->results[0]->slug, "skill-01");
    ck_assert_str_eq(l->results[1]->slug, "skill-08"); /* 33 stars */
    cmdop_skill_list_page_free(l);

    p.ordering = NULL;
    p.search = "docker";
    ck_assert_int_eq(cmdop_skills_list(&l, c, &p), 0);
    ck_assert_int_eq(l->count, 1);
    ck_assert_str_eq(l->results[0]->name, "Docker Doctor");
    cmdop_skill_list_page_free(l);

    /* only the platform knows the ordering fields: 400 */
    l = NULL;
    p.search = NULL;
    p.ordering = "popularity";
    IT_ERR_FIELD(cmdop_skills_list(&l, c, &p), CMDOP_EVALIDATION, "validation", 400,
                 "ordering");
    ck_assert_ptr_null(l);
    /* a page past the last: 404 (DRF) */
    p.ordering = NULL;
    p.has_page = true;
    p.page = 9;
    IT_ERR(cmdop_skills_list(&l, c, &p), CMDOP_ENOTFOUND, "not_found", 404);

    it_clear_recording();
    char big[102];
    memset(big, 'a', 101);
    big[101] = '\0';
    p.has_page = false;
    p.search = big;
    IT_LOCAL_VALIDATION(cmdop_skills_list(&l, c, &p), "search");
    p.search = NULL;
    p.has_page_size = true;
    p.page_size = 101;
    IT_LOCAL_VALIDATION(cmdop_skills_list(&l, c, &p), "page_size");
    cmdop_client_free(c);
}
END_TEST

START_TEST(get_versions_reviews)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skill_detail *d = NULL;
    ck_assert_int_eq(cmdop_skills_get(&d, c, "skill-01", NULL), 0);
    ck_assert_str_eq(d->id, "70000000-0000-4000-8000-000000000001");
    ck_assert_str_eq(d->name, "Log Summarizer");
    ck_assert_ptr_nonnull(d->readme);
    ck_assert_ptr_nonnull(d->category);
    ck_assert_str_eq(d->category->slug, "devops");
    ck_assert_uint_eq(d->tags_count, 2);
    ck_assert_ptr_nonnull(d->latest_version);
    ck_assert_str_eq(d->latest_version->version, "1.1.0");
    ck_assert_int_eq(d->review_count, 3);
    ck_assert_str_eq(d->repository_url, "https://github.com/cmdop/skill-01");
    cmdop_skill_detail_free(d);

    cmdop_skills_get_params gp = CMDOP_SKILLS_GET_PARAMS_INIT;
    gp.lang = "de";
    ck_assert_int_eq(cmdop_skills_get(&d, c, "skill-01", &gp), 0);
    ck_assert_str_eq(d->name, "Log-Zusammenfasser");
    cmdop_skill_detail_free(d);
    d = NULL;
    IT_ERR(cmdop_skills_get(&d, c, "no-such-skill", NULL), CMDOP_ENOTFOUND, "not_found",
           404);
    ck_assert_ptr_null(d);

    cmdop_skill_version_list *v = NULL;
    ck_assert_int_eq(cmdop_skills_versions(&v, c, "skill-01"), 0);
    ck_assert_uint_eq(v->items_count, 2);
    ck_assert_str_eq(v->items[0]->version, "1.1.0"); /* newest first */
    ck_assert_str_eq(v->items[0]->model, "claude-sonnet-4");
    ck_assert_str_eq(v->items[1]->changelog, "First release.");
    cmdop_skill_version_list_free(v);
    v = NULL;
    IT_ERR(cmdop_skills_versions(&v, c, "no-such-skill"), CMDOP_ENOTFOUND, "not_found", 404);

    cmdop_skill_review_page *r = NULL;
    ck_assert_int_eq(cmdop_skills_reviews(&r, c, "skill-01", NULL), 0);
    ck_assert_int_eq(r->count, 3);
    ck_assert_str_eq(r->results[0]->author_display_name, "Ana Lopez");
    ck_assert(r->results[1]->is_rewritten);
    ck_assert_str_eq(r->results[1]->source, "cmdop");
    cmdop_skill_review_page_free(r);
    r = NULL;
    IT_ERR(cmdop_skills_reviews(&r, c, "no-such-skill", NULL), CMDOP_ENOTFOUND, "not_found",
           404);
    cmdop_client_free(c);
}
END_TEST

START_TEST(install_and_star)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skill_install *in = NULL;
    ck_assert_int_eq(cmdop_skills_install(&in, c, "skill-01"), 0);
    ck_assert_str_eq(in->slug, "skill-01");
    ck_assert_str_eq(in->version, "1.1.0");
    ck_assert_str_eq(in->model, "claude-sonnet-4");
    ck_assert_uint_ge(in->files_count, 1);
    int has_md = 0;
    for (size_t i = 0; i < in->files_count; i++)
        has_md += strcmp(in->files[i]->path, "SKILL.md") == 0;
    ck_assert_int_eq(has_md, 1);
    ck_assert_str_eq(in->run_check, "cmdop skills check skill-01");
    ck_assert_ptr_nonnull(in->meta);
    cmdop_skill_install_free(in);

    cmdop_skill_detail *d = NULL;
    ck_assert_int_eq(cmdop_skills_get(&d, c, "skill-01", NULL), 0);
    ck_assert_int_eq(d->install_count, 96);
    cmdop_skill_detail_free(d);

    in = NULL;
    IT_ERR(cmdop_skills_install(&in, c, "my-draft-skill"), CMDOP_ECONFLICT, "conflict", 409);
    IT_ERR(cmdop_skills_install(&in, c, "no-such-skill"), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(in);

    cmdop_skill_star *st = NULL;
    ck_assert_int_eq(cmdop_skills_star(&st, c, "skill-02"), 0);
    ck_assert(st->starred);
    ck_assert_int_eq(st->star_count, 8);
    cmdop_skill_star_free(st);
    ck_assert_int_eq(cmdop_skills_star(&st, c, "skill-02"), 0); /* toggles */
    ck_assert(!st->starred);
    ck_assert_int_eq(st->star_count, 7);
    cmdop_skill_star_free(st);
    st = NULL;
    IT_ERR(cmdop_skills_star(&st, c, "no-such-skill"), CMDOP_ENOTFOUND, "not_found", 404);
    ck_assert_ptr_null(st);
    cmdop_client_free(c);
}
END_TEST

START_TEST(own_skill_lifecycle)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skill_created *cr = NULL;
    cmdop_skills_create_params cp = CMDOP_SKILLS_CREATE_PARAMS_INIT;
    cp.name = "Hello World!";
    ck_assert_int_eq(cmdop_skills_create(&cr, c, &cp), 0);
    ck_assert_str_eq(cr->name, "Hello World!");
    cmdop_skill_created_free(cr);
    cr = NULL;
    IT_ERR(cmdop_skills_create(&cr, c, &cp), CMDOP_ECONFLICT, "conflict", 409);
    cp.name = "!!!"; /* no usable slug: only the platform knows */
    IT_ERR_FIELD(cmdop_skills_create(&cr, c, &cp), CMDOP_EVALIDATION, "validation", 400,
                 "name");
    ck_assert_ptr_null(cr);

    cmdop_skill_list_page *my = NULL;
    ck_assert_int_eq(cmdop_skills_my(&my, c, NULL), 0);
    ck_assert_int_eq(my->count, 2);
    int found = 0;
    for (size_t i = 0; i < my->results_count; i++)
        if (strcmp(my->results[i]->slug, "hello-world") == 0) {
            found++;
            ck_assert_str_eq(my->results[i]->visibility, "private");
            ck_assert_str_eq(my->results[i]->status, "draft");
        }
    ck_assert_int_eq(found, 1);
    cmdop_skill_list_page_free(my);
    my = NULL;
    cmdop_skills_my_params mp = CMDOP_SKILLS_MY_PARAMS_INIT;
    mp.has_page = true;
    mp.page = 2; /* past the last page: 404 (DRF) */
    IT_ERR(cmdop_skills_my(&my, c, &mp), CMDOP_ENOTFOUND, "not_found", 404);
    mp.has_page = false;
    mp.ordering = "stars";
    IT_ERR_FIELD(cmdop_skills_my(&my, c, &mp), CMDOP_EVALIDATION, "validation", 400,
                 "ordering");
    ck_assert_ptr_null(my);

    cmdop_skill_updated *up = NULL;
    cmdop_skills_update_params upp = CMDOP_SKILLS_UPDATE_PARAMS_INIT;
    upp.visibility = "private"; /* the hosted VisibilityEnum: public|private */
    upp.category = "data";
    upp.repository_url = "https://example.com/hello";
    int rc = cmdop_skills_update(&up, c, "hello-world", &upp);
    ck_assert_msg(rc == 0, "skills.update: %s", rc ? cmdop_error_last()->message : "");
    ck_assert_str_eq(up->name, "Hello World!");
    ck_assert_str_eq(up->visibility, "private");
    ck_assert_str_eq(up->category, "data");
    ck_assert_str_eq(up->repository_url, "https://example.com/hello");
    cmdop_skill_updated_free(up);
    up = NULL;
    upp.category = "no-such-category";
    IT_ERR_FIELD(cmdop_skills_update(&up, c, "hello-world", &upp), CMDOP_EVALIDATION,
                 "validation", 400, "category");
    upp.category = NULL;
    IT_ERR(cmdop_skills_update(&up, c, "skill-01", &upp), CMDOP_EPERMISSION, "permission",
           403);
    IT_ERR(cmdop_skills_update(&up, c, "no-such-skill", &upp), CMDOP_ENOTFOUND, "not_found",
           404);
    ck_assert_ptr_null(up);

    /* publish: 202, the parse runs at once on the local relay */
    cmdop_skills_publish_response *pr = NULL;
    cmdop_skills_publish_params pp = CMDOP_SKILLS_PUBLISH_PARAMS_INIT;
    pp.raw_manifest = "{\"name\": \"hello-world\", \"version\": \"0.1.0\"}";
    pp.skill_md = "---\nname: Hello\nmodel: claude-3-5-haiku\n---\nSay hello.\n";
    pp.changelog = "First.";
    ck_assert_int_eq(cmdop_skills_publish(&pr, c, "hello-world", &pp), 0);
    ck_assert_str_eq(pr->status, "accepted");
    cmdop_skills_publish_response_free(pr);
    cmdop_skills_publish_status_response *ps = NULL;
    ck_assert_int_eq(cmdop_skills_publish_status(&ps, c, "hello-world"), 0);
    ck_assert_str_eq(ps->status, "ok");
    cmdop_skills_publish_status_response_free(ps);
    cmdop_skill_version_list *v = NULL;
    ck_assert_int_eq(cmdop_skills_versions(&v, c, "hello-world"), 0);
    ck_assert_uint_eq(v->items_count, 1);
    ck_assert_str_eq(v->items[0]->version, "0.1.0");
    ck_assert_str_eq(v->items[0]->model, "claude-3-5-haiku");
    cmdop_skill_version_list_free(v);

    pr = NULL;
    IT_ERR(cmdop_skills_publish(&pr, c, "skill-01", &pp), CMDOP_EPERMISSION, "permission",
           403);
    ps = NULL;
    IT_ERR(cmdop_skills_publish_status(&ps, c, "no-such-skill"), CMDOP_ENOTFOUND,
           "not_found", 404);
    ck_assert_ptr_null(pr);
    ck_assert_ptr_null(ps);

    ck_assert_int_eq(cmdop_skills_delete(c, "hello-world"), 0);
    cmdop_skill_detail *d = NULL;
    IT_ERR(cmdop_skills_get(&d, c, "hello-world", NULL), CMDOP_ENOTFOUND, "not_found", 404);
    IT_ERR(cmdop_skills_delete(c, "hello-world"), CMDOP_ENOTFOUND, "not_found", 404);
    IT_ERR(cmdop_skills_delete(c, "skill-01"), CMDOP_EPERMISSION, "permission", 403);
    cmdop_client_free(c);
}
END_TEST

START_TEST(own_skill_rules_before_the_network)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    it_clear_recording();
    cmdop_skill_created *cr = NULL;
    cmdop_skills_create_params cp = CMDOP_SKILLS_CREATE_PARAMS_INIT;
    IT_LOCAL_VALIDATION(cmdop_skills_create(&cr, c, &cp), "name");
    cp.name = "";
    IT_LOCAL_VALIDATION(cmdop_skills_create(&cr, c, &cp), "name");
    cmdop_skill_updated *up = NULL;
    cmdop_skills_update_params upp = CMDOP_SKILLS_UPDATE_PARAMS_INIT;
    upp.visibility = "secret";
    IT_LOCAL_VALIDATION(cmdop_skills_update(&up, c, "my-draft-skill", &upp), "visibility");
    upp.visibility = NULL;
    upp.status = "live";
    IT_LOCAL_VALIDATION(cmdop_skills_update(&up, c, "my-draft-skill", &upp), "status");
    cmdop_skills_publish_response *pr = NULL;
    cmdop_skills_publish_params pp = CMDOP_SKILLS_PUBLISH_PARAMS_INIT;
    IT_LOCAL_VALIDATION(cmdop_skills_publish(&pr, c, "my-draft-skill", &pp), "raw_manifest");
    pp.raw_manifest = "";
    IT_LOCAL_VALIDATION(cmdop_skills_publish(&pr, c, "my-draft-skill", &pp), "raw_manifest");
    cmdop_client_free(c);
}
END_TEST

START_TEST(categories_and_tags)
{
    cmdop_client *c = it_client(IT_PLATFORM_ONLY, NULL);
    cmdop_skill_category_list *cl = NULL;
    ck_assert_int_eq(cmdop_skills_categories(&cl, c, NULL), 0);
    ck_assert_uint_eq(cl->items_count, 3);
    ck_assert_str_eq(cl->items[0]->slug, "devops");
    ck_assert_str_eq(cl->items[0]->icon, "server");
    ck_assert_int_eq(cl->items[0]->skill_count, 7);
    ck_assert(cl->items[0]->has_ordering);
    ck_assert_int_eq(cl->items[2]->ordering, 3);
    cmdop_skill_category_list_free(cl);

    cmdop_skills_categories_params cp = CMDOP_SKILLS_CATEGORIES_PARAMS_INIT;
    cp.ordering = "skill_count";
    ck_assert_int_eq(cmdop_skills_categories(&cl, c, &cp), 0);
    ck_assert_str_eq(cl->items[0]->slug, "writing"); /* 2 skills */
    cmdop_skill_category_list_free(cl);
    cl = NULL;
    cp.ordering = "colour";
    IT_ERR_FIELD(cmdop_skills_categories(&cl, c, &cp), CMDOP_EVALIDATION, "validation", 400,
                 "ordering");
    ck_assert_ptr_null(cl);

    cmdop_skill_tag_list *tl = NULL;
    ck_assert_int_eq(cmdop_skills_tags(&tl, c, NULL), 0);
    ck_assert_uint_eq(tl->items_count, 4);
    ck_assert_str_eq(tl->items[0]->slug, "python");
    cmdop_skill_tag_list_free(tl);
    cmdop_skills_tags_params tp = CMDOP_SKILLS_TAGS_PARAMS_INIT;
    tp.search = "auto";
    ck_assert_int_eq(cmdop_skills_tags(&tl, c, &tp), 0);
    ck_assert_uint_eq(tl->items_count, 1);
    ck_assert_str_eq(tl->items[0]->name, "Automation");
    cmdop_skill_tag_list_free(tl);
    tl = NULL;
    tp.search = NULL;
    tp.ordering = "-popularity";
    IT_ERR_FIELD(cmdop_skills_tags(&tl, c, &tp), CMDOP_EVALIDATION, "validation", 400,
                 "ordering");
    ck_assert_ptr_null(tl);
    cmdop_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("integration_skills");
    TCase *tc = tcase_create("skills");
    it_add_relay_fixture(tc);
    tcase_add_test(tc, list_filters_and_ordering);
    tcase_add_test(tc, get_versions_reviews);
    tcase_add_test(tc, install_and_star);
    tcase_add_test(tc, own_skill_lifecycle);
    tcase_add_test(tc, own_skill_rules_before_the_network);
    tcase_add_test(tc, categories_and_tags);
    suite_add_tcase(s, tc);
    return it_run(s);
}
