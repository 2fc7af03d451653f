/*
 * relay_ask_json.c — a JSON string's text without jansson, for the frame
 * the relay sends most (a delta event, relay_ask_stream.c): the same bytes
 * jansson's compact dump writes for a json_stringn of the same text
 * (tests/c/relay/test_relay_ask_json.c compares them), at a fraction of the
 * cost of building and dumping JSON values once per frame.
 */
#include "relay_ask.h"

/* Bytes of the UTF-8 sequence at s (n bytes left) and its code point, or
 * 0 when it is not valid UTF-8 by jansson's rules (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence). */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned u = s[0];
    size_t len;
    if (u < 0x80) {
        *cp = u;
        return 1;
    }
    if (u >= 0xC2 && u <= 0xDF)
        len = 2, u &= 0x1F;
    else if (u >= 0xE0 && u <= 0xEF)
        len = 3, u &= 0x0F;
    else if (u >= 0xF0 && u <= 0xF4)
        len = 4, u &= 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        u = (u << 6) | (s[i] & 0x3F);
    }
    if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF) ||
        (len == 3 && u < 0x800) || (len == 4 && u < 0x10000))
        return 0;
    *cp = u;
    return len;
}

size_t ask_json_escape(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq(p + i, n - i, &cp);
        if (k == 0)
            return (size_t)-1;
        if (k > 1 || (cp >= 0x20 && cp != '"' && cp != '\\')) {
            for (size_t j = 0; j < k; j++)
                out[o++] = (char)p[i + j];
            i += k;
            continue;
        }
        i++;
        out[o++] = '\\';
        switch (cp) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '\b': out[o++] = 'b'; break;
        case '\f': out[o++] = 'f'; break;
        case '\n': out[o++] = 'n'; break;
        case '\r': out[o++] = 'r'; break;
        case '\t': out[o++] = 't'; break;
        default:
            out[o++] = 'u', out[o++] = '0', out[o++] = '0';
            out[o++] = hex[cp >> 4], out[o++] = hex[cp & 15];
        }
    }
    return o;
}
