/*
 * quickstart.c — the C tour the README's demo runs against the local relay.
 *
 * Configuration comes from the environment (CMDOP_TOKEN, CMDOP_API_KEY,
 * CMDOP_BASE_URL, CMDOP_API_BASE_URL), exactly as for a hosted account.
 * It lists, pages and reads machines, streams `ask` answers (collecting one,
 * accepting a confirmation and answering a PIN mid-stream), creates and
 * disables a fleet, issues and revokes a key, and lists skills.
 * Every step prints what it did; any failure prints the typed error and
 * makes the program exit non-zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdop.h>

static int fail(const char *what)
{
    const cmdop_error *e = cmdop_error_last();
    fprintf(stderr, "%s failed: %s (http %d): %s [request %s]\n", what,
            e ? e->code_str : "?", e ? e->http_status : 0,
            e ? e->message : "?", e && e->request_id ? e->request_id : "-");
    return 1;
}

static int list_first_page(cmdop_client *c)
{
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.limit = 2;
    p.has_limit = true;
    cmdop_machine_list *page = NULL;
    if (cmdop_machines_list(&page, c, &p) < 0)
        return fail("machines.list");
    printf("machines.list(limit=2): %zu machines, has_more=%s\n",
           page->items_count, page->has_more ? "true" : "false");
    cmdop_machine_list_free(page);
    return 0;
}

/* Pages through every machine, two per request; returns the first id. */
static int iterate_machines(cmdop_client *c, char **first_id)
{
    cmdop_machines_list_params p = CMDOP_MACHINES_LIST_PARAMS_INIT;
    p.limit = 2;
    p.has_limit = true;
    cmdop_pager *it = NULL;
    if (cmdop_machines_iter(&it, c, &p) < 0)
        return fail("machines.iter");
    puts("machines.iter(limit=2), every page fetched on demand:");
    cmdop_machine_summary *m = NULL;
    int rc;
    while ((rc = cmdop_machines_iter_next(it, &m)) == 0) {
        printf("  %-8s %-8s %s %s\n", m->name, m->presence, m->os, m->id);
        if (!*first_id)
            *first_id = strdup(m->id);
        cmdop_machine_summary_free(m);
    }
    cmdop_pager_free(it);
    return rc == CMDOP_ITEROVER ? 0 : fail("machines.iter_next");
}

static int read_machine(cmdop_client *c, const char *id)
{
    cmdop_machine_detail *d = NULL;
    if (cmdop_machines_get(&d, c, id) < 0)
        return fail("machines.get");
    printf("machines.get(%s): host %s, user %s, %d CPUs (%s)\n", d->summary->name,
           d->summary->hostname, d->username, d->summary->specs->cpu_count,
           d->summary->specs->cpu_model);
    cmdop_machine_detail_free(d);

    /* Errors are typed and carry the relay's request id. */
    if (cmdop_machines_get(&d, c, "no-such-machine") == CMDOP_ENOTFOUND) {
        const cmdop_error *e = cmdop_error_last();
        printf("machines.get(no-such-machine): %s %d \"%s\" request_id=%s\n",
               e->code_str, e->http_status, e->message, e->request_id);
    }
    /* Constraints from the IDL are checked before any network call. */
    cmdop_machines_list_params bad = CMDOP_MACHINES_LIST_PARAMS_INIT;
    bad.limit = 0;
    bad.has_limit = true;
    cmdop_machine_list *none = NULL;
    if (cmdop_machines_list(&none, c, &bad) == CMDOP_EVALIDATION)
        printf("machines.list(limit=0): rejected locally: %s\n",
               cmdop_error_last()->message);
    return 0;
}

static int fleet_round_trip(cmdop_client *c)
{
    cmdop_fleets_create_params p = CMDOP_FLEETS_CREATE_PARAMS_INIT;
    p.name = "Demo Fleet";
    p.slug = "demo-fleet";
    /* the hosted wire knows none|any: optional and required both go out as
     * "any" and come back as required (docs/wire.md) */
    p.mfa_required = CMDOP_MFA_REQUIREMENT_OPTIONAL;
    cmdop_fleet_summary *f = NULL;
    if (cmdop_fleets_create(&f, c, &p) < 0)
        return fail("fleets.create");
    printf("fleets.create: %s (%s), role %s, mfa %s\n", f->name, f->id, f->role ? f->role : "-",
           cmdop_mfa_requirement_to_string(f->mfa_required));
    int rc = cmdop_fleets_disable(c, f->id);
    if (rc == 0)
        printf("fleets.disable(%s): done\n", f->slug);
    cmdop_fleet_summary_free(f);
    return rc < 0 ? fail("fleets.disable") : 0;
}

static int key_round_trip(cmdop_client *c)
{
    cmdop_fleet_list *fleets = NULL;
    if (cmdop_fleets_list(&fleets, c, NULL) < 0)
        return fail("fleets.list");
    if (fleets->items_count == 0) {
        cmdop_fleet_list_free(fleets);
        fputs("fleets.list: no fleet to issue a key in\n", stderr);
        return 1;
    }
    cmdop_keys_issue_params p = CMDOP_KEYS_ISSUE_PARAMS_INIT;
    p.fleet_id = fleets->items[0]->id;
    p.name = "quickstart";
    p.expires_in_days = 7;
    p.has_expires_in_days = true;
    cmdop_issue_key_response *k = NULL;
    int rc = cmdop_keys_issue(&k, c, &p);
    if (rc < 0) {
        cmdop_fleet_list_free(fleets);
        return fail("keys.issue");
    }
    printf("keys.issue(%s): %s, raw token shown once: %.12s...\n",
           fleets->items[0]->slug, k->id, k->raw_token);
    cmdop_keys_revoke_params rp = CMDOP_KEYS_REVOKE_PARAMS_INIT;
    rp.fleet_id = p.fleet_id;
    rc = cmdop_keys_revoke(c, k->id, &rp);
    if (rc == 0)
        printf("keys.revoke(%s): done\n", k->id);
    cmdop_issue_key_response_free(k);
    cmdop_fleet_list_free(fleets);
    return rc < 0 ? fail("keys.revoke") : 0;
}

static int list_skills(cmdop_client *c)
{
    cmdop_skills_list_params p = CMDOP_SKILLS_LIST_PARAMS_INIT;
    p.page_size = 5;
    p.has_page_size = true;
    cmdop_skill_list_page *page = NULL;
    if (cmdop_skills_list(&page, c, &p) < 0)
        return fail("skills.list");
    printf("skills.list (platform plane, X-Api-Key): %d skills, page %d of %d\n",
           page->count, page->page, page->pages);
    for (size_t i = 0; i < page->results_count; i++)
        printf("  %-10s %s\n", page->results[i]->slug, page->results[i]->name);
    cmdop_skill_list_page_free(page);
    return 0;
}

/* Collects a plain answer: the stream drained to its final text. */
static int ask_collect(cmdop_client *c, const char *machine_id)
{
    cmdop_ask_stream *s = NULL;
    if (cmdop_machines_ask(&s, c, machine_id, "what is the uptime?", NULL) < 0)
        return fail("machines.ask");
    char *text = NULL;
    int rc = cmdop_ask_stream_collect(s, &text);
    if (rc == 0)
        printf("machines.ask(alpha).collect(): \"%s\"\n", text);
    cmdop_free(text);
    cmdop_ask_stream_free(s);
    return rc < 0 ? fail("machines.ask collect") : 0;
}

/* Streams frame by frame and answers the agent's questions mid-stream: a
 * confirmation for a dangerous plan, a PIN for a guarded machine. */
static int ask_interactive(cmdop_client *c, const char *machine_id,
                           const char *label, const char *prompt)
{
    cmdop_ask_stream *s = NULL;
    if (cmdop_machines_ask(&s, c, machine_id, prompt, NULL) < 0)
        return fail("machines.ask");
    printf("machines.ask(%s, \"%s\"):\n", label, prompt);
    cmdop_ask_frame *f = NULL;
    int rc, events = 0;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        switch (f->kind) {
        case CMDOP_ASK_FRAME_EVENT:
            events++;
            break;
        case CMDOP_ASK_FRAME_CONFIRM_REQUIRED:
            printf("  confirm_required: %s (danger %s) -> accepting\n",
                   f->confirm_required->plan, f->confirm_required->danger_level);
            rc = cmdop_ask_stream_confirm(s, f->confirm_required->token, true);
            break;
        case CMDOP_ASK_FRAME_PIN_REQUIRED:
            printf("  pin_required: %s -> answering\n", f->pin_required->label);
            rc = cmdop_ask_stream_pin(s, f->pin_required->challenge_id, "1234");
            break;
        case CMDOP_ASK_FRAME_DONE:
            printf("  %d event frames, then done: success=%s \"%s\" (%d ms)\n",
                   events, f->done->success ? "true" : "false", f->done->text,
                   f->done->duration_ms);
            break;
        default:
            printf("  %s frame\n", f->type);
            break;
        }
        cmdop_ask_frame_free(f);
        if (rc < 0)
            break;
    }
    cmdop_ask_stream_free(s);
    return rc == CMDOP_ITEROVER ? 0 : fail("machines.ask stream");
}

static int ask_tour(cmdop_client *c)
{
    int rc = ask_collect(c, "20000000-0000-4000-8000-000000000001");
    if (!rc)
        rc = ask_interactive(c, "20000000-0000-4000-8000-000000000002", "bravo",
                             "sudo systemctl restart nginx");
    if (!rc)
        rc = ask_interactive(c, "20000000-0000-4000-8000-000000000003", "charlie",
                             "list the open ports");
    /* An offline machine ends the stream with the agent's own error code. */
    cmdop_ask_stream *s = NULL;
    if (!rc && cmdop_machines_ask(&s, c, "20000000-0000-4000-8000-000000000004",
                                  "hello", NULL) == 0) {
        char *text = NULL;
        if (cmdop_ask_stream_collect(s, &text) == CMDOP_EAGENT)
            printf("machines.ask(delta): %s: %s\n", cmdop_error_last()->code_str,
                   cmdop_error_last()->message);
        cmdop_free(text);
        cmdop_ask_stream_free(s);
    }
    return rc;
}

int main(void)
{
    cmdop_client *c = NULL;
    if (cmdop_client_new(&c, NULL) < 0)
        return fail("client");
    /* there is no default relay URL: relay calls fail until CMDOP_BASE_URL is set */
    const char *relay = cmdop_client_base_url(c);
    printf("cmdop %s, relay %s, platform %s\n\n", cmdop_version(),
           relay ? relay : "(none: set CMDOP_BASE_URL)", cmdop_client_api_base_url(c));

    char *first = NULL;
    int rc = list_first_page(c);
    if (!rc)
        rc = iterate_machines(c, &first);
    if (!rc && first)
        rc = read_machine(c, first);
    if (!rc)
        rc = fleet_round_trip(c);
    if (!rc)
        rc = key_round_trip(c);
    if (!rc)
        rc = ask_tour(c);
    if (!rc)
        rc = list_skills(c);
    free(first);
    cmdop_client_free(c);
    if (!rc)
        puts("\nquickstart: done");
    return rc;
}
