/*
 * The C conformance runner: runs one scenario's steps through the TYPED
 * functions (via the dispatcher generated from the public headers) and
 * prints the outcomes as one JSON object on stdout:
 *
 *   {"steps": [{"ok": true, "result": <JSON>} |
 *              {"ok": false, "error": {"code", "status", "field"}},
 *              ... each ask step also has "frames": [<frame JSON>...]]}
 *
 * The client is configured from the environment only (CMDOP_BASE_URL,
 * CMDOP_TOKEN, ...), exactly as the Python and Node runners are; the driver
 * (tests/conformance/run.py) compares outcomes and the relay's recording.
 *
 *   conformance-c SCENARIO.json
 */
#include <stdio.h>
#include <string.h>

#include "cmdop/client.h"
#include "dispatch_support.h"

const char *jstr(const json_t *a, const char *key) {
    return json_string_value(json_object_get(a, key));
}

const char **jlist(const json_t *arr, size_t *n) {
    size_t len = json_array_size(arr);
    const char **v = calloc(len ? len : 1, sizeof *v);
    for (size_t i = 0; v && i < len; i++) v[i] = json_string_value(json_array_get(arr, i));
    *n = v ? len : 0;
    return v;
}

void jmap(const json_t *obj, cmdop_string_map *m) {
    size_t len = json_object_size(obj), i = 0;
    const char *k;
    json_t *val;
    m->keys = calloc(len ? len : 1, sizeof *m->keys);
    m->values = calloc(len ? len : 1, sizeof *m->values);
    if (!m->keys || !m->values) return;
    /* The map only borrows: cmdop_string_map has char ** members, the
     * runner never frees the strings themselves (json owns them). */
    json_object_foreach((json_t *)obj, k, val) {
        m->keys[i] = (char *)k;
        m->values[i] = (char *)json_string_value(val);
        i++;
    }
    m->count = i;
}

json_t *tojson(char *text) {
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    free(text);
    return j ? j : json_null();
}

static json_t *error_json(void) {
    const cmdop_error *e = cmdop_error_last();
    if (!e) return json_pack("{s:s}", "code", "unknown");
    return json_pack("{s:s, s:i, s:s?}", "code", e->code_str, "status", e->http_status,
                     "field", e->field);
}

static const dispatch_entry *find(const char *op) {
    char key[128];
    snprintf(key, sizeof key, "%s", op);
    for (char *p = key; *p; p++)
        if (*p == '.') *p = '_';
    for (const dispatch_entry *d = dispatch_table; d->key; d++)
        if (strcmp(d->key, key) == 0) return d;
    return NULL;
}

/* Read the stream to its end, answering pin/confirm frames from `answers`
 * while it stays open. Returns the stream's final code (0 after done). */
static int drain_ask(cmdop_ask_stream *s, const json_t *answers, json_t *frames) {
    for (;;) {
        cmdop_ask_frame *f = NULL;
        int rc = cmdop_ask_stream_next(s, &f);
        if (rc == CMDOP_ITEROVER) return 0;
        if (rc != 0) return rc;
        json_array_append_new(frames, tojson(cmdop_ask_frame_to_json(f)));
        int arc = 0;
        if (f->kind == CMDOP_ASK_FRAME_PIN_REQUIRED && jstr(answers, "pin"))
            arc = cmdop_ask_stream_pin(s, f->pin_required->challenge_id, jstr(answers, "pin"));
        else if (f->kind == CMDOP_ASK_FRAME_CONFIRM_REQUIRED && json_object_get(answers, "confirm"))
            arc = cmdop_ask_stream_confirm(s, f->confirm_required->token,
                                           json_is_true(json_object_get(answers, "confirm")));
        cmdop_ask_frame_free(f);
        if (arc != 0) return arc;
    }
}

static json_t *run_step(cmdop_client *c, const json_t *step) {
    const char *op = jstr(step, "op"), *mode = jstr(step, "mode");
    const json_t *args = json_object_get(step, "args");
    json_t *empty = json_object();
    if (!args) args = empty;
    const dispatch_entry *d = op ? find(op) : NULL;
    json_t *res = NULL, *out;
    if (!d) {
        json_decref(empty);
        return json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", "runner",
                         "message", "the C surface has no such op");
    }
    int rc;
    json_t *frames = NULL;
    if (mode && strcmp(mode, "iter") == 0) {
        rc = d->iter ? d->iter(c, args, &res) : CMDOP_EUNSUPPORTED;
    } else if (mode && strcmp(mode, "pages") == 0) {
        rc = d->pages ? d->pages(c, args, &res) : CMDOP_EUNSUPPORTED;
    } else if (mode && strcmp(mode, "collect") == 0) {
        /* a stream's collect(): {"text": ...} */
        cmdop_ask_stream *s = NULL;
        rc = d->d(c, args, &res, &s);
        json_decref(res);
        res = NULL;
        if (rc == 0 && s) {
            char *text = NULL;
            rc = cmdop_ask_stream_collect(s, &text);
            if (rc == 0) res = json_pack("{s:s}", "text", text);
            free(text);
            cmdop_ask_stream_free(s);
        }
    } else {
        cmdop_ask_stream *s = NULL;
        rc = d->d(c, args, &res, &s);
        if (rc == 0 && s) {
            frames = json_array();
            rc = drain_ask(s, json_object_get(step, "answers"), frames);
            cmdop_ask_stream_free(s);
            res = json_null();
        }
    }
    if (rc == 0) out = json_pack("{s:b, s:o}", "ok", 1, "result", res ? res : json_null());
    else {
        json_decref(res);
        out = json_pack("{s:b, s:o}", "ok", 0, "error", error_json());
    }
    if (frames) json_object_set_new(out, "frames", frames);
    json_decref(empty);
    return out;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO.json\n", argv[0]);
        return 2;
    }
    json_error_t jerr;
    json_t *sc = json_load_file(argv[1], 0, &jerr);
    if (!sc) {
        fprintf(stderr, "%s: %s\n", argv[1], jerr.text);
        return 2;
    }
    cmdop_client *c = NULL;
    if (cmdop_client_new(&c, NULL) != 0) {
        fprintf(stderr, "client: %s\n", cmdop_error_last() ? cmdop_error_last()->message : "?");
        json_decref(sc);
        return 2;
    }
    json_t *steps = json_array(), *step;
    size_t i;
    json_array_foreach(json_object_get(sc, "steps"), i, step)
        json_array_append_new(steps, run_step(c, step));
    cmdop_client_free(c);
    json_t *out = json_pack("{s:o}", "steps", steps);
    char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    puts(text);
    free(text);
    json_decref(out);
    json_decref(sc);
    return 0;
}
