/*
 * port_regex.c — whole-string matching of the IDL's `pattern(...)`
 * constraints (validate.c); see port.h. POSIX has regcomp/regexec; Windows
 * has no <regex.h>, so it uses the small ERE matcher below, which is built
 * on every platform and tested against regexec (tests/c/unit/test_port.c).
 *
 * The matcher compiles the pattern to a tree and answers "is there a match
 * spanning all of s", which is what validate.c asks of POSIX (a leftmost-
 * longest match from 0 to the end exists exactly when some full match
 * does). It backtracks with explicit continuations; a repeat of a single
 * character class runs as a loop, so the IDL's patterns recurse only as deep
 * as their own structure. A step and depth budget bounds pathological input.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"

#define ERE_MAX_STEPS 2000000L
#define ERE_MAX_DEPTH 4000
#define ERE_INF (-1)

typedef enum { N_SET, N_BOL, N_EOL, N_ALT, N_REP } node_kind;

typedef struct node {
    node_kind kind;
    struct node *next;        /* the rest of this sequence */
    unsigned char set[32];    /* N_SET: the bytes it matches (a literal is one) */
    struct node **alts;       /* N_ALT: the branches (sequences; NULL = empty) */
    size_t n_alts;
    struct node *body;        /* N_REP: the repeated sequence */
    int min, max;             /* N_REP: max ERE_INF = unbounded */
} node;

typedef struct {
    const char *p;            /* the pattern, at the parse position */
    node **all;               /* every node, for freeing */
    size_t n_all, cap_all;
    int depth;
    bool bad;
} parser;

static node *new_node(parser *ps, node_kind k)
{
    if (ps->n_all == ps->cap_all) {
        size_t cap = ps->cap_all ? ps->cap_all * 2 : 16;
        node **a = realloc(ps->all, cap * sizeof *a);
        if (!a) {
            ps->bad = true;
            return NULL;
        }
        ps->all = a;
        ps->cap_all = cap;
    }
    node *n = calloc(1, sizeof *n);
    if (!n) {
        ps->bad = true;
        return NULL;
    }
    n->kind = k;
    ps->all[ps->n_all++] = n;
    return n;
}

static void set_add(node *n, unsigned char c)
{
    n->set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static bool set_has(const node *n, unsigned char c)
{
    return (n->set[c >> 3] >> (c & 7)) & 1u;
}

static bool class_has(const char *name, size_t len, int c)
{
    static const struct {
        const char *name;
        int (*fn)(int);
    } classes[] = {
        {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
        {"lower", islower}, {"space", isspace}, {"xdigit", isxdigit}, {"punct", ispunct},
        {"print", isprint}, {"graph", isgraph}, {"cntrl", iscntrl}, {"blank", isblank},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strlen(classes[i].name) == len && memcmp(classes[i].name, name, len) == 0)
            return c < 128 && classes[i].fn(c);
    return false;
}

static bool class_known(const char *name, size_t len)
{
    static const char *const names[] = {"alpha", "digit", "alnum", "upper",
                                        "lower", "space", "xdigit", "punct",
                                        "print", "graph", "cntrl", "blank"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return true;
    return false;
}

/* After the '[': a bracket expression up to and including its ']'. */
static node *parse_bracket(parser *ps)
{
    node *n = new_node(ps, N_SET);
    if (!n)
        return NULL;
    bool negate = *ps->p == '^';
    if (negate)
        ps->p++;
    bool first = true;
    for (;;) {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '\0') {
            ps->bad = true;
            return NULL;
        }
        if (c == ']' && !first) {
            ps->p++;
            break;
        }
        first = false;
        if (c == '[' && ps->p[1] == ':') {
            const char *name = ps->p + 2;
            const char *end = strstr(name, ":]");
            if (!end || !class_known(name, (size_t)(end - name))) {
                ps->bad = true;
                return NULL;
            }
            for (int b = 1; b < 256; b++)
                if (class_has(name, (size_t)(end - name), b))
                    set_add(n, (unsigned char)b);
            ps->p = end + 2;
            continue;
        }
        ps->p++;
        if (*ps->p == '-' && ps->p[1] != ']' && ps->p[1] != '\0') {
            unsigned char hi = (unsigned char)ps->p[1];
            if (hi < c) {
                ps->bad = true;
                return NULL;
            }
            for (int b = c; b <= hi; b++)
                set_add(n, (unsigned char)b);
            ps->p += 2;
        } else {
            set_add(n, c);
        }
    }
    if (negate) {
        for (size_t i = 0; i < sizeof n->set; i++)
            n->set[i] = (unsigned char)~n->set[i];
    }
    n->set[0] &= (unsigned char)~1u;   /* never NUL: the string ends there */
    return n;
}

static node *parse_alt(parser *ps);

static node *parse_atom(parser *ps)
{
    char c = *ps->p++;
    node *n;
    switch (c) {
    case '(':
        n = parse_alt(ps);
        if (!n || *ps->p != ')') {
            ps->bad = true;
            return NULL;
        }
        ps->p++;
        return n;
    case '[':
        return parse_bracket(ps);
    case '.':
        n = new_node(ps, N_SET);
        if (n) {
            memset(n->set, 0xff, sizeof n->set);
            n->set[0] &= (unsigned char)~1u;
        }
        return n;
    case '^':
        return new_node(ps, N_BOL);
    case '$':
        return new_node(ps, N_EOL);
    case '\\':
        if (*ps->p == '\0') {
            ps->bad = true;
            return NULL;
        }
        c = *ps->p++;
        break;
    case ')':
        if (ps->depth > 1) {   /* closes a group: parse_seq stops before it */
            ps->bad = true;
            return NULL;
        }
        break;                 /* unmatched at the top: a literal, as glibc */
    case '*': case '+': case '?': case '{': case '|':
        ps->bad = true;   /* nothing to repeat */
        return NULL;
    default:
        break;
    }
    n = new_node(ps, N_SET);
    if (n)
        set_add(n, (unsigned char)c);
    return n;
}

static bool parse_int(parser *ps, int *out)
{
    if (!isdigit((unsigned char)*ps->p))
        return false;
    long v = 0;
    while (isdigit((unsigned char)*ps->p)) {
        v = v * 10 + (*ps->p++ - '0');
        if (v > 255)   /* RE_DUP_MAX of glibc is larger; the IDL's are small */
            return false;
    }
    *out = (int)v;
    return true;
}

/* A quantifier after an atom, or the atom itself when there is none. */
static node *parse_piece(parser *ps)
{
    node *atom = parse_atom(ps);
    while (atom && !ps->bad) {
        int min, max;
        char q = *ps->p;
        if (q == '*') {
            min = 0, max = ERE_INF;
        } else if (q == '+') {
            min = 1, max = ERE_INF;
        } else if (q == '?') {
            min = 0, max = 1;
        } else if (q == '{') {
            ps->p++;
            if (!parse_int(ps, &min)) {
                ps->bad = true;
                return NULL;
            }
            max = min;
            if (*ps->p == ',') {
                ps->p++;
                max = ERE_INF;
                if (*ps->p != '}' && (!parse_int(ps, &max) || max < min)) {
                    ps->bad = true;
                    return NULL;
                }
            }
            if (*ps->p != '}') {
                ps->bad = true;
                return NULL;
            }
        } else {
            break;
        }
        ps->p++;
        node *r = new_node(ps, N_REP);
        if (!r)
            return NULL;
        r->body = atom;
        r->min = min;
        r->max = max;
        atom = r;
    }
    return ps->bad ? NULL : atom;
}

/* A sequence up to '|', ')' or the end: its first node (NULL = empty). */
static node *parse_seq(parser *ps)
{
    node *head = NULL, *tail = NULL;
    while (*ps->p && *ps->p != '|' && (*ps->p != ')' || ps->depth == 1) && !ps->bad) {
        node *n = parse_piece(ps);
        if (!n)
            return NULL;
        if (tail)
            tail->next = n;
        else
            head = n;
        tail = n;
    }
    return head;
}

static node *parse_alt(parser *ps)
{
    if (++ps->depth > 100) {
        ps->bad = true;
        return NULL;
    }
    node *a = new_node(ps, N_ALT);
    if (!a)
        return NULL;
    for (;;) {
        node *seq = parse_seq(ps);
        if (ps->bad)
            return NULL;
        node **alts = realloc(a->alts, (a->n_alts + 1) * sizeof *alts);
        if (!alts) {
            ps->bad = true;
            return NULL;
        }
        a->alts = alts;
        a->alts[a->n_alts++] = seq;
        if (*ps->p != '|')
            break;
        ps->p++;
    }
    ps->depth--;
    return a;
}

/* ------------------------------------------------------------ matching */

typedef struct cont {
    const node *seq;          /* continue with this sequence... */
    const node *rep;          /* ...or with one more turn of this repeat */
    int count;                /* turns of rep done */
    size_t start;             /* where rep's last turn started */
    const struct cont *next;
} cont;

typedef struct {
    const unsigned char *s;
    size_t len;
    long steps;
    int depth;
    bool over;                /* a budget ran out */
} matcher;

static int seq_at(matcher *m, const node *n, size_t i, const cont *k);
static int rep_at(matcher *m, const node *r, int count, size_t start, size_t i,
                  const cont *k);

static int cont_at(matcher *m, size_t i, const cont *k)
{
    if (!k)
        return i == m->len;
    if (k->rep)
        return rep_at(m, k->rep, k->count, k->start, i, k->next);
    return seq_at(m, k->seq, i, k->next);
}

static int rep_at(matcher *m, const node *r, int count, size_t start, size_t i,
                  const cont *k)
{
    /* a turn that matched nothing can repeat any number of times */
    if (start == i)
        return cont_at(m, i, k);
    if (r->max == ERE_INF || count < r->max) {
        cont c = {.rep = r, .count = count + 1, .start = i, .next = k};
        if (seq_at(m, r->body, i, &c))
            return 1;
    }
    return count >= r->min && cont_at(m, i, k);
}

static int seq_at(matcher *m, const node *n, size_t i, const cont *k)
{
    if (!n)
        return cont_at(m, i, k);
    if (++m->steps > ERE_MAX_STEPS || m->depth >= ERE_MAX_DEPTH) {
        m->over = true;
        return 0;
    }
    m->depth++;
    int ok = 0;
    cont rest = {.seq = n->next, .next = k};
    switch (n->kind) {
    case N_SET:
        ok = i < m->len && set_has(n, m->s[i]) && seq_at(m, n->next, i + 1, k);
        break;
    case N_BOL:
        ok = i == 0 && seq_at(m, n->next, i, k);
        break;
    case N_EOL:
        ok = i == m->len && seq_at(m, n->next, i, k);
        break;
    case N_ALT:
        for (size_t b = 0; b < n->n_alts && !ok && !m->over; b++)
            ok = seq_at(m, n->alts[b], i, &rest);
        break;
    case N_REP:
        if (n->body->kind == N_SET) {
            /* one class repeated: take the longest run, then give back */
            size_t run = 0;
            while (i + run < m->len && (n->max == ERE_INF || run < (size_t)n->max) &&
                   set_has(n->body, m->s[i + run]))
                run++;
            for (size_t j = run + 1; j-- > (size_t)n->min && !ok && !m->over;)
                ok = seq_at(m, n->next, i + j, k);
        } else {
            ok = rep_at(m, n, 0, SIZE_MAX, i, &rest);
        }
        break;
    }
    m->depth--;
    return ok && !m->over;
}

int cmdop__port_ere_full_match(const char *pattern, const char *s)
{
    parser ps = {.p = pattern};
    node *root = parse_alt(&ps);
    int rc = -1;
    if (!ps.bad && root) {
        matcher m = {.s = (const unsigned char *)s, .len = strlen(s)};
        rc = seq_at(&m, root, 0, NULL);
        if (m.over)
            rc = -1;
    }
    for (size_t i = 0; i < ps.n_all; i++) {
        free(ps.all[i]->alts);
        free(ps.all[i]);
    }
    free(ps.all);
    return rc;
}

#ifndef _WIN32

#include <regex.h>

int cmdop__port_full_match(const char *pattern, const char *s)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED) != 0)
        return -1;
    regmatch_t m;
    /* Whole-value match, whether or not the pattern is anchored. */
    bool ok = regexec(&re, s, 1, &m, 0) == 0 && m.rm_so == 0 && (size_t)m.rm_eo == strlen(s);
    regfree(&re);
    return ok;
}

#else

int cmdop__port_full_match(const char *pattern, const char *s)
{
    return cmdop__port_ere_full_match(pattern, s);
}

#endif
