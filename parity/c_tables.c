/*
 * c_tables.c — prints the C core's generated tables as JSON for the parity
 * gate (parity/extract_c_tables.py): the client options (env vars in order,
 * default), the planes (the options holding their base URL and credential,
 * the credential header and prefix) and the HTTP status -> error code rules.
 * Linked against the built libcmdop.a, so it reads the tables the library
 * actually carries (cmdop__options, cmdop__planes, cmdop__status_rules).
 */
#include <stdio.h>

#include "op_table.h"

static void str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static const char *option_name(cmdop__option o)
{
    return o == CMDOP__OPT_NONE ? NULL : cmdop__options[o].name;
}

int main(void)
{
    fputs("{\"options\": {", stdout);
    for (const cmdop__option_desc *o = cmdop__options; o->name; o++) {
        if (o != cmdop__options)
            fputs(", ", stdout);
        str(o->name);
        fputs(": {\"env\": [", stdout);
        for (const char *const *v = o->env; *v; v++) {
            if (v != o->env)
                fputs(", ", stdout);
            str(*v);
        }
        fputs("], \"default\": ", stdout);
        str(o->default_value);
        putchar('}');
    }
    fputs("}, \"planes\": {", stdout);
    for (const cmdop__plane_desc *p = cmdop__planes; p->name; p++) {
        if (p != cmdop__planes)
            fputs(", ", stdout);
        str(p->name);
        fputs(": {\"url_option\": ", stdout);
        str(option_name(p->url_option));
        fputs(", \"cred_option\": ", stdout);
        str(option_name(p->cred_option));
        fputs(", \"auth_header\": ", stdout);
        str(p->auth_header);
        fputs(", \"auth_prefix\": ", stdout);
        str(p->auth_prefix);
        putchar('}');
    }
    fputs("}, \"status\": [", stdout);
    for (const cmdop__status_rule *r = cmdop__status_rules; r->code; r++) {
        if (r != cmdop__status_rules)
            fputs(", ", stdout);
        printf("[%d, %d, ", r->lo, r->hi);
        str(r->code);
        putchar(']');
    }
    fputs("]}\n", stdout);
    return 0;
}
