/*
 * utf8.c - UTF-8 decoding and the character classes the readers and
 * writers need.
 */
#include "paidoc.h"
#include "internal.h"

uint32_t
pd_utf8_decode(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str + *i;
    size_t left = len - *i;
    uint32_t c;
    int n, k;

    if (s[0] < 0x80) {
        (*i)++;
        return s[0];
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 1;
        c = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 2;
        c = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 3;
        c = s[0] & 0x07;
    } else
        goto bad;
    if (left <= (size_t)n)
        goto bad;
    for (k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            goto bad;
        c = (c << 6) | (s[k] & 0x3F);
    }
    /* Overlong forms, surrogates, beyond U+10FFFF. */
    if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
        (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
        goto bad;
    *i += (size_t)n + 1;
    return c;
bad:
    (*i)++;
    return 0xFFFD;
}

uint32_t
pd_utf8_decode_prev(const char *s, size_t *i)
{
    size_t end = *i, j = end, p;
    uint32_t c;

    if (end == 0)
        return 0;
    /* Back up over at most three continuation bytes to a lead byte. */
    do
        j--;
    while (j > 0 && end - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80);
    p = j;
    c = pd_utf8_decode(s, end, &p);
    if (p == end) {
        *i = j;
        return c;
    }
    *i = end - 1;
    return 0xFFFD;
}

void
pd_utf8_put(struct pd_buf *b, uint32_t c)
{
    char t[4];

    if (c < 0x80) {
        pd_buf_putc(b, (int)c);
        return;
    }
    if (c < 0x800) {
        t[0] = (char)(0xC0 | (c >> 6));
        t[1] = (char)(0x80 | (c & 0x3F));
        pd_buf_put(b, t, 2);
    } else if (c < 0x10000) {
        t[0] = (char)(0xE0 | (c >> 12));
        t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        t[2] = (char)(0x80 | (c & 0x3F));
        pd_buf_put(b, t, 3);
    } else {
        t[0] = (char)(0xF0 | (c >> 18));
        t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        t[3] = (char)(0x80 | (c & 0x3F));
        pd_buf_put(b, t, 4);
    }
}

size_t
pd_utf8_check(const char *s, size_t len)
{
    size_t i = 0, at;

    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        at = i;
        if (pd_utf8_decode(s, len, &i) == 0xFFFD) {
            /* U+FFFD itself is valid: check it was really encoded. */
            if (i - at != 3 || (unsigned char)s[at] != 0xEF)
                return at;
        }
    }
    return len;
}

int
pd_is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) ||
        c == 0x3007;
}

int
pd_is_cjk(uint32_t c)
{
    return pd_is_han(c) ||
        (c >= 0x3000 && c <= 0x303F) ||    /* CJK symbols, punctuation */
        (c >= 0x3040 && c <= 0x30FF) ||    /* kana */
        (c >= 0x3100 && c <= 0x31FF) ||    /* bopomofo, kana ext. */
        (c >= 0xAC00 && c <= 0xD7AF) ||    /* Hangul syllables */
        (c >= 0xFF00 && c <= 0xFFEF) ||    /* full-width forms */
        (c >= 0xFE30 && c <= 0xFE4F) ||    /* CJK compatibility forms */
        (c >= 0x2460 && c <= 0x24FF) ||    /* enclosed numbers ① */
        c == 0x2014 || c == 0x2026 ||      /* — … as used in Chinese */
        c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
        c == 0x00B7;
}

int
pd_is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 ||
        (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

int
pd_is_xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
        (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}
