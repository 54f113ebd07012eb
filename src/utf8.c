/*
 * utf8.c - UTF-8 decoding and the character classes the readers and
 * writers need.
 */
#include <string.h>

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
    /* The common case of CJK text: a valid three-byte sequence. */
    if (s[0] >= 0xE0 && s[0] <= 0xEF && left >= 3 &&
        (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        c = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
            (s[2] & 0x3F);
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
            *i += 3;
            return c;
        }
        goto bad;
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

/*
 * Length of the valid UTF-8 sequence at s[0..left), or 0.  The same rules
 * as pd_utf8_decode(): no overlong forms, surrogates or code points
 * beyond U+10FFFF.
 */
static size_t
valid_seq(const unsigned char *s, size_t left)
{
    unsigned char a = s[0];

    if (a >= 0xE0 && a <= 0xEF) {
        if (left < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((a == 0xE0 && s[1] < 0xA0) || (a == 0xED && s[1] >= 0xA0))
            return 0;           /* overlong, surrogate */
        return 3;
    }
    if (a >= 0xC2 && a <= 0xDF)
        return left >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (a >= 0xF0 && a <= 0xF4) {
        if (left < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((a == 0xF0 && s[1] < 0x90) || (a == 0xF4 && s[1] >= 0x90))
            return 0;           /* overlong, beyond U+10FFFF */
        return 4;
    }
    return 0;
}

/*
 * One pass with no call per character: ASCII eight bytes at a time, the
 * multi-byte sequences inline (this was 6 % of txt -> docx as a loop
 * over pd_utf8_decode()).
 */
size_t
pd_utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, n;

    while (i < len) {
        if (s[i] < 0x80) {
            while (i + 8 <= len) {
                uint64_t w;

                memcpy(&w, s + i, 8);
                if (w & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            while (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        n = valid_seq(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

#ifdef PD_SSE2
/*
 * From s[i] (at least 16 bytes left), the end of the run of what
 * pd_utf8_check_text() passes with nothing to note: printable ASCII,
 * tab, LF, and three-byte characters with lead bytes E1..EF but ED (E0
 * and ED have rules of their own, as have two- and four-byte
 * characters: those go one at a time), 16-byte blocks at a time.
 */
static size_t
text_run(const unsigned char *s, size_t i, size_t len)
{
    size_t start = i;
    unsigned carry = 0, bad = 0;

    for (; len - i >= 16; i += 16) {
        __m128i v = pd_load16(s + i);
        unsigned a = pd_mask16(_mm_or_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(0x1F)),
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')))));
        /* Signed, E0..EF are -32..-17 and 80..BF are -128..-65. */
        unsigned l = pd_mask16(_mm_andnot_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE0)),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED))),
            _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-33)),
                          _mm_cmplt_epi8(v, _mm_set1_epi8(-16)))));
        unsigned c = pd_mask16(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)));

        if ((bad = pd_run3_block(a, l, c, &carry)) != 0)
            break;
    }
    return pd_run3_end(s, start, bad ? i + pd_ctz(bad) : i);
}
#endif

size_t
pd_utf8_check_text(const char *str, size_t len, int *ctl)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, n;

    /*
     * With SSE2, sixteen bytes a step while they are plain ASCII and the
     * common three-byte characters (text_run()); else a byte at a
     * time, but with a tight inner loop for runs of the three-byte
     * characters of CJK text, lead bytes E1..EF but ED (E0 and ED have
     * rules of their own): in Chinese text that loop takes most
     * characters, and it runs twice as fast as one that goes through
     * valid_seq() for each.  What neither takes goes one character at a
     * time below.
     */
    *ctl = 0;
    while (i < len) {
        unsigned char c;

#ifdef PD_SSE2
        if (len - i >= 16 && (n = text_run(s, i, len)) > i) {
            i = n;
            continue;
        }
#endif
        c = s[i];
        if (c >= 0x80) {
#ifndef PD_SSE2
            while (len - i >= 3) {
                uint32_t x = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8 |
                    (uint32_t)s[i + 2] << 16;

                if ((x & 0xC0C0F0u) != 0x8080E0u || (x & 0x0F) == 0 ||
                    (x & 0x0F) == 0x0D)
                    break;
                i += 3;
            }
            if (i >= len || s[i] < 0x80)
                continue;
#endif
            n = valid_seq(s + i, len - i);
            if (n == 0)
                return i;
            i += n;
            continue;
        }
        if (c < 0x20) {
            if (c == '\0' || c == '\r')
                return i;
            if (c != '\t' && c != '\n' && c != '\f')
                *ctl = 1;
        }
        i++;
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

int
pd_digit_val(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    return -1;
}
