/* bot_text.c — message lengths and splitting for the chat platforms
 * (Telegram counts UTF-16 units up to 4096; Discord 2000 and Slack 4000
 * characters, counted here as code points). See bot_internal.h. */
#include "bot_internal.h"

#include <string.h>

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xF0 && c < 0xF8)
        return 4;
    if (c >= 0xE0)
        return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0)
        return 2;
    return 1;
}

static size_t step(const char *s, size_t i, size_t len, size_t *units, bool utf16)
{
    size_t n = seq_len((unsigned char)s[i]);
    if (i + n > len)
        n = len - i;
    *units = (utf16 && n == 4) ? 2 : 1;
    return n;
}

size_t cmdop__bot_text_units(const char *s, bool utf16)
{
    size_t len = strlen(s), units = 0;
    for (size_t i = 0; i < len;) {
        size_t u;
        i += step(s, i, len, &u, utf16);
        units += u;
    }
    return units;
}

size_t cmdop__bot_text_cut(const char *s, size_t max, bool utf16)
{
    size_t len = strlen(s), units = 0, i = 0;
    while (i < len) {
        size_t u;
        size_t n = step(s, i, len, &u, utf16);
        if (units + u > max)
            break;
        units += u;
        i += n;
    }
    if (i >= len)
        return len;
    /* Prefer a line break, then a space, in the second half of the chunk. */
    for (size_t j = i; j > i / 2; j--)
        if (s[j - 1] == '\n')
            return j;
    for (size_t j = i; j > i / 2; j--)
        if (s[j - 1] == ' ')
            return j;
    return i;
}
