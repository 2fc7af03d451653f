/*
 * relay_seed.c — where the relay's initial state comes from: the files of
 * relay/seed/ embedded at build time (relay/seed-embed.sh writes
 * $(BUILD)/relay/seed_data.c), merged into one object, or a --seed file.
 */
#include "relay_server.h"

#include <stdio.h>

extern const size_t relay_seed_count;
extern const char *const relay_seed_names[];
extern const unsigned char *const relay_seed_blobs[];
extern const size_t relay_seed_lens[];

/* Adds src's keys to dst: arrays under one key are concatenated (two files
 * may both contribute users, say); any other repeated key is an error. */
static int merge(json_t *dst, json_t *src, const char *name, char *err,
                 size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        json_t *have = json_object_get(dst, k);
        if (!have) {
            json_object_set(dst, k, v);
        } else if (json_is_array(have) && json_is_array(v)) {
            json_array_extend(have, v);
        } else {
            snprintf(err, errlen, "%s: key %s is already set by another "
                     "seed file", name, k);
            return -1;
        }
    }
    return 0;
}

json_t *relay_default_seed(char *err, size_t errlen)
{
    json_t *all = json_object();
    for (size_t i = 0; i < relay_seed_count; i++) {
        json_error_t e;
        json_t *one = json_loadb((const char *)relay_seed_blobs[i],
                                 relay_seed_lens[i], 0, &e);
        if (!json_is_object(one)) {
            snprintf(err, errlen, "%s:%d:%d: %s", relay_seed_names[i], e.line,
                     e.column, one ? "not a JSON object" : e.text);
            json_decref(one);
            json_decref(all);
            return NULL;
        }
        int rc = merge(all, one, relay_seed_names[i], err, errlen);
        json_decref(one);
        if (rc < 0) {
            json_decref(all);
            return NULL;
        }
    }
    return all;
}

json_t *relay_seed_from_file(const char *path, char *err, size_t errlen)
{
    json_error_t e;
    json_t *seed = json_load_file(path, 0, &e);
    if (!json_is_object(seed)) {
        if (seed || e.line < 0)   /* unreadable file: no position */
            snprintf(err, errlen, "%s: %s", path,
                     seed ? "not a JSON object" : e.text);
        else
            snprintf(err, errlen, "%s:%d:%d: %s", path, e.line, e.column,
                     e.text);
        json_decref(seed);
        return NULL;
    }
    return seed;
}
