/*
 * write_html.c - HTML5 output: a fragment, or with opts->standalone a whole
 * page with the default stylesheet inlined (or linked with opts->css_url).
 *
 * Every character of text is escaped; characters HTML does not allow
 * (C0 and C1 controls except tab and newline, noncharacters, invalid
 * UTF-8) become U+FFFD.  Raw HTML passes only with opts->unsafe, and link
 * targets with a javascript:, vbscript: or data: scheme become "#".
 * Heading ids are slugs made unique with a hash set, so the whole writer is
 * linear in the size of the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/* Longest slug taken from a heading's text, in bytes. */
#define SLUG_MAX 80

/* One used id: offset and length in the pool, next suffix to try. */
struct id_ent {
    size_t off;
    uint32_t len;
    unsigned next;      /* next "-N" to try */
};

/*
 * A set of the ids used so far: the entries in the order added, keys in
 * one pool, and an open-addressing index whose slots hold a key's hash
 * beside its entry number.  Eight bytes a slot instead of a whole entry
 * keeps the memory the index touches small: with tens of thousands of
 * headings, clearing and faulting in a table of full entries (and of each
 * table it outgrew) cost more than the rest of the ids put together.
 * The three come from pd_big_grow(): in a document of tens of thousands
 * of headings their pages, faulted in 4 KiB at a time, cost an eighth of
 * the time of txt -> html.
 */
struct id_set {
    uint64_t *slot;     /* 0: empty; else hash << 32 | (entry number + 1) */
    size_t cap;         /* power of two */
    size_t slot_bytes;  /* the block of slot */
    struct id_ent *ent;
    size_t n, ent_cap, ent_bytes;
    char *pool;
    size_t pool_len, pool_bytes;
};

struct html {
    struct pd_buf *out;
    const struct pd_opts *opts;
    struct pd_diag *d;
    struct id_set ids;
    struct pd_buf scratch;  /* heading text for slugs */
    struct pd_buf id;       /* the id being built */
    int warned_raw;
    const char *begin;      /* paid markers of opts->paid_style */
    const char *end;        /* NULL: no end marker (ghost, wordpress) */
    const struct pd_node *rest;   /* then: the one section marked */
};

/*
 * Bytes below 0x80 that need more than a copy: 1 escape, 2 replace, 3 may
 * start a paid marker (see put_text()).
 */
static const unsigned char special[128] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 3, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
};

/*
 * Length of the well-formed UTF-8 sequence at s (n bytes left) whose
 * character HTML allows, or 0 when it is invalid or not allowed (C1
 * controls, U+FDD0..U+FDEF, U+xFFFE and U+xFFFF).
 */
static size_t
good_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    uint32_t cp;

    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        return c == 0xC2 && s[1] < 0xA0 ? 0 : 2;     /* C1 controls */
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        cp = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
            (cp >= 0xFDD0 && cp <= 0xFDEF) || cp >= 0xFFFE)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        cp = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
            ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
        if (cp < 0x10000 || cp > 0x10FFFF || (cp & 0xFFFE) == 0xFFFE)
            return 0;
        return 4;
    }
    return 0;
}

#ifndef PD_SSE2
/*
 * End of the run of three-byte characters HTML allows from s[i]: the
 * bulk of Chinese text, its full-width punctuation included, taken with
 * one test of the byte pattern (lead E0..EF, two continuation bytes) and
 * one of the lead's low nibble a character.  Lead bytes E1..EC and EE
 * start U+1000..U+CFFF and U+E000..U+EFFF, where HTML allows every
 * character.  EF starts U+F000..U+FFFF, where it allows all but
 * U+FDD0..U+FDEF (EF B7 90..AF) and U+FFFE, U+FFFF (EF BF BE..BF):
 * U+FF00..U+FFEF (full-width forms: ，：；！？（）) pass too.
 */
static size_t
three_run(const unsigned char *s, size_t i, size_t len)
{
    /* Bit n: lead byte En is always fine. */
    const unsigned ok = 0x5FFEu;

    while (len - i >= 3) {
        uint32_t x = s[i] | (uint32_t)s[i + 1] << 8 |
            (uint32_t)s[i + 2] << 16;

        if ((x & 0xC0C0F0u) != 0x8080E0u)
            break;
        if (!(ok >> (x & 0x0Fu) & 1u) &&
            !((x & 0x0Fu) == 0x0Fu && s[i + 1] != 0xB7 &&
              (s[i + 1] != 0xBF || s[i + 2] < 0xBE)))
            break;
        i += 3;
    }
    return i;
}
#else
/*
 * The bytes of v that esc() copies as they are, as pd_run3() wants them
 * (n: v shifted by one byte, byte k of it byte k + 1 of v): ASCII that
 * special[] passes, and three-byte characters with lead bytes E1..EF but
 * ED, where HTML allows every character but U+FDD0..U+FDEF (EF B7
 * 90..AF) and U+FFFE, U+FFFF (EF BF BE..BF): an EF before B7 or BF is
 * left to good_seq().  Full-width punctuation (EF BC, EF BD) passes.
 */
static inline void
html_classes(__m128i v, __m128i n, unsigned *a, unsigned *l, unsigned *c)
{
    __m128i v2 = _mm_or_si128(v, _mm_set1_epi8(2));
    /* 20..7F but " # (22, 23), $ & (24, 26), < > (3C, 3E), DEL; tab,
     * LF.  The tests are combined before one movemask per class. */
    __m128i sp = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(1)),
                                    _mm_set1_epi8(0x23)),
                     _mm_cmpeq_epi8(v2, _mm_set1_epi8(0x26))),
        _mm_or_si128(_mm_cmpeq_epi8(v2, _mm_set1_epi8(0x3E)),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))));
    __m128i av = _mm_or_si128(
        _mm_andnot_si128(sp, _mm_cmpgt_epi8(v, _mm_set1_epi8(0x1F))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
    /* Signed, E0..EF are -32..-17 and 80..BF are -128..-65.  B7 and BF
     * are the bytes that OR 08 makes BF. */
    __m128i lv = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-33)),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(-16)));
    __m128i bad = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE0)),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED))),
        _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF)),
                      _mm_cmpeq_epi8(_mm_or_si128(n, _mm_set1_epi8(8)),
                                     _mm_set1_epi8((char)0xBF))));

    *a = pd_mask16(av);
    *l = pd_mask16(_mm_andnot_si128(bad, lv));
    *c = pd_mask16(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)));
}

/*
 * From s[i] (more than 16 bytes left), the end of the run of bytes esc()
 * copies as they are, 16-byte blocks at a time (pd_run3_block()).  Each
 * block's next byte is read too: an EF at its end is checked against
 * the byte after it.
 */
static size_t
html_run(const unsigned char *s, size_t i, size_t len)
{
    size_t start = i;
    unsigned carry = 0, bad = 0, a, l, c;

    for (; len - i > 16; i += 16) {
        html_classes(pd_load16(s + i), pd_load16(s + i + 1), &a, &l, &c);
        if ((bad = pd_run3_block(a, l, c, &carry)) != 0)
            break;
    }
    return pd_run3_end(s, start, bad ? i + pd_ctz(bad) : i);
}

/*
 * The same for the last 16 bytes or fewer, from s[i] (s holds len >= 16
 * bytes): the last sixteen, of which those before i are shifted out of
 * the masks.  An EF at the very end is cut anyway.
 */
static size_t
html_tail(const unsigned char *s, size_t i, size_t len)
{
    __m128i v = pd_load16(s + len - 16);
    unsigned sh = (unsigned)(i - (len - 16)), a, l, c;

    html_classes(v, _mm_srli_si128(v, 1), &a, &l, &c);
    return pd_run3(a >> sh, l >> sh, c >> sh);
}
#endif

/*
 * Append s escaped for text and attribute values: runs of plain bytes are
 * copied in one go, & < > " become entities, bad characters U+FFFD.  With
 * markers, a paid marker spelled in s is broken up (see put_text()).
 */
static void
esc(struct pd_buf *out, const char *str, size_t len, int markers)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run, k;

    while (i < len) {
        run = i;
        for (;;) {
#ifdef PD_SSE2
            /* Sixteen bytes a step, else one character. */
            if (len - i > 16) {
                if ((k = html_run(s, i, len)) > i) {
                    i = k;
                    continue;
                }
            } else if (len >= 16 && i < len &&
                       (k = html_tail(s, i, len)) > 0) {
                i += k;
                continue;
            }
            if (i < len && s[i] < 0x80 && !special[s[i]])
                i++;
#else
            size_t end;

            while (i < len && s[i] < 0x80 && !special[s[i]])
                i++;
            end = three_run(s, i, len);
            if (end > i)
                i = end;
#endif
            else if (i < len && s[i] >= 0x80 &&
                     (k = good_seq(s + i, len - i)))
                i += k;
            else
                break;
        }
        if (i > run)
            pd_buf_put(out, s + run, i - run);
        if (i >= len)
            break;
        switch (s[i]) {
        case '&':
            pd_buf_put(out, "&amp;", 5);
            break;
        case '<':
            pd_buf_put(out, "&lt;", 4);
            break;
        case '>':
            pd_buf_put(out, "&gt;", 4);
            break;
        case '"':
            pd_buf_put(out, "&quot;", 6);
            break;
        case '#':
        case '$':
            pd_buf_putc(out, s[i]);
            if (markers && pd_marker_at(str + i, len - i) > 0)
                pd_buf_put(out, "<!---->", 7);
            break;
        default:
            /* Skip a whole disallowed character, one byte of garbage. */
            k = 1;
            if (s[i] >= 0x80) {
                size_t j = i;
                uint32_t c = pd_utf8_decode(str, len, &j);

                if (c != 0xFFFD || j - i == 3)
                    k = j - i;
            }
            pd_buf_put(out, "\xEF\xBF\xBD", 3);
            i += k;
            continue;
        }
        i++;
    }
}

static void
put_esc(struct pd_buf *out, const char *s, size_t len)
{
    esc(out, s, len, 0);
}

/*
 * Text content.  Text that spells a paid marker (##paidbegin## ...) gets
 * an empty comment after its first character, `#<!---->#paidbegin##`: it
 * looks the same in a browser, but neither the html reader (which takes
 * markers from one text node at a time) nor a CMS that replaces markers
 * in the HTML source reads it as a marker.  The escaping pass looks for
 * the markers too, at each '#' and '$' it meets: no second pass.
 */
static void
put_text(struct html *h, const char *s, size_t len)
{
    esc(h->out, s, len, 1);
}

/*
 * 1 when url starts with a scheme a browser would run or inline:
 * javascript:, vbscript:, data:.  Leading spaces and controls and tabs or
 * newlines inside the scheme are ignored, as browsers do.
 */
static int
bad_scheme(const char *url)
{
    static const char *const bad[] = { "javascript:", "vbscript:", "data:" };
    char sch[16];
    size_t n = 0, i;
    const unsigned char *p = (const unsigned char *)url;

    while (*p != '\0' && *p <= 0x20)
        p++;
    for (; *p != '\0' && n < sizeof(sch) - 1; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r')
            continue;
        sch[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (*p == ':')
            break;
    }
    sch[n] = '\0';
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (strcmp(sch, bad[i]) == 0)
            return 1;
    return 0;
}

/*
 * An href value: spaces, controls and invalid bytes percent-encoded, the
 * rest escaped as an attribute.
 */
static void
put_href(struct html *h, const char *url)
{
    const unsigned char *s = (const unsigned char *)url;
    size_t len = strlen(url), i = 0, run, k;

    if (!h->opts->unsafe && bad_scheme(url)) {
        pd_buf_putc(h->out, '#');
        return;
    }
    while (i < len) {
        run = i;
        for (;;) {
            while (i < len && s[i] > 0x20 && s[i] < 0x7F && s[i] != '&' &&
                   s[i] != '<' && s[i] != '>' && s[i] != '"')
                i++;
            if (i < len && s[i] >= 0x80 && (k = good_seq(s + i, len - i)))
                i += k;
            else
                break;
        }
        pd_buf_put(h->out, s + run, i - run);
        if (i >= len)
            break;
        if (s[i] == '&')
            pd_buf_put(h->out, "&amp;", 5);
        else
            pd_buf_printf(h->out, "%%%02X", s[i]);
        i++;
    }
}

/*
 * Hash of an id, eight bytes a step: ids run to some 90 bytes (45 on
 * average in a Chinese document), and a byte-a-step hash such as FNV-1a
 * spent a dependent multiply on each of them, twice or more per heading.
 * Each word is mixed in with a multiply by an odd constant; the end mixes
 * the high bits down, as the index uses the low bits.  The length goes in
 * too, so ids differing only in trailing zero padding hash apart.
 */
static uint32_t
hash_bytes(const char *s, size_t n)
{
    const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = n * k, w;
    size_t i = 0;

    for (; n - i >= 8; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (i < n) {
        w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * k;
    }
    h ^= h >> 32;
    h *= k;
    h ^= h >> 29;
    return (uint32_t)(h ^ h >> 32);
}

/* The slot of key, or the empty slot where it would go. */
static uint64_t *
id_find(const struct id_set *set, const char *s, size_t n, uint32_t hv)
{
    size_t i = hv & (set->cap - 1);

    for (;;) {
        uint64_t *sl = &set->slot[i];
        const struct id_ent *e;

        if (*sl == 0)
            return sl;
        e = &set->ent[(uint32_t)*sl - 1];
        if ((uint32_t)(*sl >> 32) == hv && e->len == n &&
            memcmp(set->pool + e->off, s, n) == 0)
            return sl;
        i = (i + 1) & (set->cap - 1);
    }
}

/*
 * Add key to the set (it is not there) and return its entry number;
 * grows the index at 1/2 load.
 */
static size_t
id_add(struct id_set *set, const char *s, size_t n, uint32_t hv)
{
    uint64_t *sl;
    struct id_ent *e;

    if (set->n >= UINT32_MAX - 1) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    if ((set->n + 1) * 2 > set->cap) {
        uint64_t *old = set->slot;
        size_t oldcap = set->cap, old_bytes = set->slot_bytes, i;

        set->cap = oldcap ? oldcap * 2 : 64;
        set->slot_bytes = 0;
        set->slot = pd_big_grow(NULL, 0, &set->slot_bytes,
                                set->cap * sizeof(*set->slot));
        for (i = 0; i < oldcap; i++) {
            size_t j;

            if (old[i] == 0)
                continue;
            /* Keys are unique: the first empty slot from the hash. */
            j = (uint32_t)(old[i] >> 32) & (set->cap - 1);
            while (set->slot[j] != 0)
                j = (j + 1) & (set->cap - 1);
            set->slot[j] = old[i];
        }
        pd_big_free(old, old_bytes);
    }
    if (set->n == set->ent_cap) {
        set->ent = pd_big_grow(set->ent, set->n * sizeof(*set->ent),
                               &set->ent_bytes, set->ent_cap ?
                               set->ent_cap * 2 * sizeof(*set->ent) :
                               64 * sizeof(*set->ent));
        set->ent_cap = set->ent_bytes / sizeof(*set->ent);
    }
    if (set->pool_bytes - set->pool_len <= n)
        set->pool = pd_big_grow(set->pool, set->pool_len, &set->pool_bytes,
                                set->pool_len + n > set->pool_bytes * 2 ?
                                set->pool_len + n + 1024 :
                                set->pool_bytes ? set->pool_bytes * 2 :
                                4096);
    sl = id_find(set, s, n, hv);
    e = &set->ent[set->n];
    e->off = set->pool_len;
    e->len = (uint32_t)n;
    e->next = 1;
    *sl = (uint64_t)hv << 32 | (uint64_t)(set->n + 1);
    memcpy(set->pool + set->pool_len, s, n);
    set->pool_len += n;
    return set->n++;
}

/* Append "-k" (printf, called for every try, costs several times more). */
static void
put_suffix(struct pd_buf *b, unsigned k)
{
    char d[24];
    size_t n = sizeof(d);

    do {
        d[--n] = (char)('0' + k % 10);
        k /= 10;
    } while (k > 0);
    d[--n] = '-';
    pd_buf_put(b, d + n, sizeof(d) - n);
}

/*
 * Make h->id unique: when the slug is taken, try slug-N from the slug's
 * own counter on.  Every failed try hits an id that only this slug can
 * produce, and the counter only grows, so all headings together cost
 * linear time however many share a slug.
 */
static void
unique_id(struct html *h)
{
    struct id_set *set = &h->ids;
    uint32_t hv = hash_bytes(h->id.data, h->id.len);
    uint64_t *sl;
    size_t base, blen = h->id.len;
    unsigned k;

    if (set->cap == 0 || *(sl = id_find(set, h->id.data, blen, hv)) == 0) {
        id_add(set, h->id.data, blen, hv);
        return;
    }
    base = (uint32_t)*sl - 1;
    k = set->ent[base].next;
    for (;;) {
        h->id.len = blen;
        put_suffix(&h->id, k);
        hv = hash_bytes(h->id.data, h->id.len);
        k++;
        if (*id_find(set, h->id.data, h->id.len, hv) == 0)
            break;
    }
    /* The entry number stays when the add moves the entries. */
    set->ent[base].next = k;
    id_add(set, h->id.data, h->id.len, hv);
}

/* 1 for punctuation and symbols that separate words in a slug. */
static int
slug_sep(uint32_t c)
{
    if (c >= 0x4E00 && c <= 0x9FFF)
        return 0;               /* the common case: Han */
    return (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
        (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
        (c >= 0xFE30 && c <= 0xFE4F) || c == 0xA0 || c == 0xB7 ||
        c == 0xFFFD || (c >= 0x80 && c < 0xA0) || (c >= 0xFDD0 && c <= 0xFDEF) ||
        (c & 0xFFFE) == 0xFFFE || pd_is_space(c);
}

/*
 * The id of a heading: its text lower-cased, ASCII letters and digits and
 * every non-punctuation character beyond ASCII (so Chinese stays Chinese)
 * kept, everything else one '-'; "section" when nothing is left.  Then
 * made unique.
 */
static void
make_id(struct html *h, const struct pd_node *n)
{
    const unsigned char *s;
    size_t i = 0, len, mark, k = 0;
    int dash = 0;
    char *d;

    pd_buf_clear(&h->scratch);
    pd_node_text(n, &h->scratch);
    /*
     * Written in place: a character (at most 4 bytes) and a '-' are
     * added while the slug is shorter than SLUG_MAX.  A put per
     * character cost more than the rest of the slug.
     */
    pd_buf_clear(&h->id);
    pd_buf_grow(&h->id, SLUG_MAX + 8);
    d = h->id.data;
    s = (const unsigned char *)h->scratch.data;
    len = h->scratch.len;
    while (i < len && k < SLUG_MAX) {
        unsigned char b = s[i];
        uint32_t c;

        if (b < 0x80) {
            i++;
            if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                b == '_') {
                if (dash && k > 0)
                    d[k++] = '-';
                d[k++] = (char)b;
                dash = 0;
            } else if (b >= 'A' && b <= 'Z') {
                if (dash && k > 0)
                    d[k++] = '-';
                d[k++] = (char)(b + 32);
                dash = 0;
            } else
                dash = 1;
            continue;
        }
        /* Lead E1..EC, EE, EF and two continuation bytes is always a
         * character (U+1000..U+CFFF, U+E000..U+FFFF): most of CJK text,
         * decoded and copied here without a call. */
        if (b >= 0xE1 && b != 0xED && b <= 0xEF && len - i >= 3 &&
            (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            c = ((uint32_t)(b & 0x0F) << 12) |
                ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            if (slug_sep(c))
                dash = 1;
            else {
                if (dash && k > 0)
                    d[k++] = '-';
                d[k] = (char)b;
                d[k + 1] = (char)s[i + 1];
                d[k + 2] = (char)s[i + 2];
                k += 3;
                dash = 0;
            }
            i += 3;
            continue;
        }
        mark = i;
        c = pd_utf8_decode(h->scratch.data, len, &i);
        if (slug_sep(c)) {
            dash = 1;
            continue;
        }
        if (dash && k > 0)
            d[k++] = '-';
        while (mark < i)            /* 1 to 4 bytes: no memcpy() call */
            d[k++] = (char)s[mark++];
        dash = 0;
    }
    h->id.len = k;
    d[k] = '\0';
    if (h->id.len == 0)
        pd_buf_puts(&h->id, "section");
    unique_id(h);
}

/* A newline unless the output already ends a line (or is empty). */
static void
cr(struct html *h)
{
    if (h->out->len > 0 && h->out->data[h->out->len - 1] != '\n')
        pd_buf_putc(h->out, '\n');
}

/* 1 when n is a paragraph directly inside an item of a tight list. */
static int
tight_para(const struct pd_node *n)
{
    const struct pd_node *item = n->parent, *list;

    if (n->type != PD_NODE_PARAGRAPH || item == NULL ||
        item->type != PD_NODE_LIST_ITEM)
        return 0;
    list = item->parent;
    return list != NULL && list->as.list.tight;
}

/*
 * A heading tag's level: one digit but from a tree built through the API,
 * put rather than printed, as printf costs more than the rest of the tag
 * in a document of many headings.
 */
static void
put_level(struct pd_buf *out, int level)
{
    if (level >= 0 && level <= 9)
        pd_buf_putc(out, '0' + level);
    else
        pd_buf_printf(out, "%d", level);
}

static void
rndr_heading(struct html *h, const struct pd_node *n, int entering)
{
    int level = n->type == PD_NODE_TITLE ? 1 : n->as.heading.level + 1;

    if (level > 6)
        level = 6;
    if (!entering) {
        pd_buf_put(h->out, "</h", 3);
        put_level(h->out, level);
        pd_buf_put(h->out, ">\n", 2);
        return;
    }
    cr(h);
    make_id(h, n);
    pd_buf_put(h->out, "<h", 2);
    put_level(h->out, level);
    /* HTML stops at h6: a level-6 heading is an h6 whose ARIA level
     * (title h1 + 6) keeps it apart from a level-5 one. */
    if (n->type == PD_NODE_HEADING && n->as.heading.level + 1 > 6)
        pd_buf_printf(h->out, " aria-level=\"%d\"", n->as.heading.level + 1);
    if (n->type == PD_NODE_HEADING && n->as.heading.run_in)
        pd_buf_puts(h->out, " class=\"run-in\"");
    pd_buf_puts(h->out, " id=\"");
    put_esc(h->out, h->id.data, h->id.len);
    pd_buf_puts(h->out, "\">");
}

/*
 * The class that names a bullet glyph on <ul>, styled by paidoc.css and
 * read back by read_html.c; NULL for '-', the default.
 */
static const char *
bullet_class(uint32_t bullet)
{
    switch (bullet) {
    case '*':
        return "bullet-star";
    case '+':
        return "bullet-plus";
    case 0x2022:
        return "bullet-dot";
    case 0xB7:
        return "bullet-middot";
    case 0x25CF:
        return "bullet-circle";
    }
    return NULL;
}

/*
 * <ul>/<ol> with what the list's markers look like: a bullet class, the
 * type and start of the numbering, class="paren" for `1)` delimiters.
 */
static void
rndr_list(struct html *h, const struct pd_node *n, int entering)
{
    const char *tag = n->type == PD_NODE_BULLET_LIST ? "ul" : "ol";
    const char *cls;

    if (!entering) {
        cr(h);
        pd_buf_printf(h->out, "</%s>\n", tag);
        return;
    }
    cr(h);
    pd_buf_printf(h->out, "<%s", tag);
    if (n->type == PD_NODE_BULLET_LIST) {
        cls = bullet_class(n->as.list.bullet);
        if (cls != NULL)
            pd_buf_printf(h->out, " class=\"%s\"", cls);
    }
    if (n->type == PD_NODE_ORDERED_LIST) {
        switch ((pd_list_numbering)n->as.list.numbering) {
        case PD_NUM_DECIMAL:
            break;
        case PD_NUM_LOWER_ALPHA:
            pd_buf_puts(h->out, " type=\"a\"");
            break;
        case PD_NUM_UPPER_ALPHA:
            pd_buf_puts(h->out, " type=\"A\"");
            break;
        case PD_NUM_CIRCLED:
            pd_buf_puts(h->out, " class=\"circled\"");
            break;
        }
        if (n->as.list.numbering != PD_NUM_CIRCLED &&
            n->as.list.delim == PD_DELIM_PAREN)
            pd_buf_puts(h->out, " class=\"paren\"");
        if (n->as.list.start != 1)
            pd_buf_printf(h->out, " start=\"%d\"", n->as.list.start);
    }
    pd_buf_puts(h->out, ">\n");
}

static void
rndr_code_block(struct html *h, const struct pd_node *n)
{
    const char *info = n->as.code.info;
    size_t ilen = 0;

    cr(h);
    pd_buf_puts(h->out, "<pre><code");
    if (info != NULL) {
        while (*info == ' ' || *info == '\t')
            info++;
        while (info[ilen] != '\0' && info[ilen] != ' ' && info[ilen] != '\t')
            ilen++;
        if (ilen > 0) {
            pd_buf_puts(h->out, " class=\"language-");
            put_esc(h->out, info, ilen);
            pd_buf_putc(h->out, '"');
        }
    }
    pd_buf_putc(h->out, '>');
    put_esc(h->out, n->text, n->len);
    pd_buf_puts(h->out, "</code></pre>\n");
}

/* Raw HTML only with --unsafe; other formats are silently not HTML. */
static void
rndr_raw(struct html *h, const struct pd_node *n)
{
    if (n->as.raw.format == NULL || strcmp(n->as.raw.format, "html") != 0)
        return;
    if (h->opts->unsafe) {
        if (n->type == PD_NODE_RAW_BLOCK)
            cr(h);
        pd_buf_put(h->out, n->text, n->len);
        if (n->type == PD_NODE_RAW_BLOCK)
            cr(h);
        return;
    }
    if (!h->warned_raw)
        pd_warn(h->d, n->line, "raw HTML omitted (use --unsafe to keep it)");
    h->warned_raw = 1;
}

static void
rndr_link(struct html *h, const struct pd_node *n, int entering)
{
    if (!entering) {
        pd_buf_puts(h->out, "</a>");
        return;
    }
    pd_buf_puts(h->out, "<a href=\"");
    put_href(h, n->as.link.url);
    pd_buf_putc(h->out, '"');
    if (n->as.link.title != NULL) {
        pd_buf_puts(h->out, " title=\"");
        put_esc(h->out, n->as.link.title, strlen(n->as.link.title));
        pd_buf_putc(h->out, '"');
    }
    pd_buf_putc(h->out, '>');
}

/* Block containers that are one tag pair with newlines around. */
static void
rndr_simple(struct html *h, const char *open, const char *close, int entering)
{
    cr(h);
    pd_buf_puts(h->out, entering ? open : close);
    pd_buf_putc(h->out, '\n');
}

/* Dispatch one iterator event. */
static void
rndr_node(struct html *h, const struct pd_node *n, int entering)
{
    switch (n->type) {
    case PD_NODE_DOCUMENT:
        break;
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
        rndr_heading(h, n, entering);
        break;
    case PD_NODE_PARAGRAPH:
        if (tight_para(n)) {
            if (!entering && n->next != NULL)
                pd_buf_putc(h->out, '\n');
            break;
        }
        if (entering) {
            cr(h);
            pd_buf_puts(h->out, "<p>");
        } else
            pd_buf_puts(h->out, "</p>\n");
        break;
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
        rndr_list(h, n, entering);
        break;
    case PD_NODE_LIST_ITEM:
        if (entering) {
            cr(h);
            pd_buf_puts(h->out, "<li>");
        } else
            pd_buf_puts(h->out, "</li>\n");
        break;
    case PD_NODE_BLOCK_QUOTE:
        rndr_simple(h, "<blockquote>", "</blockquote>", entering);
        break;
    case PD_NODE_PAID:
        /* Without an end marker only the first section is marked; the
         * rest of the document is paid anyway (pd_paid_rest_first). */
        if (h->end == NULL && n != h->rest)
            break;
        if (entering)
            rndr_simple(h, h->begin, NULL, 1);
        else if (h->end != NULL)
            rndr_simple(h, NULL, h->end, 0);
        break;
    case PD_NODE_PAYWALL:
        if (entering) {
            cr(h);
            pd_buf_puts(h->out, "<div class=\"paywall\"><p>");
        } else
            pd_buf_puts(h->out, "</p></div>\n");
        break;
    case PD_NODE_CODE_BLOCK:
        rndr_code_block(h, n);
        break;
    case PD_NODE_THEMATIC_BREAK:
        cr(h);
        pd_buf_puts(h->out, "<hr>\n");
        break;
    case PD_NODE_PAGE_BREAK:
        cr(h);
        pd_buf_puts(h->out, "<hr class=\"pagebreak\">\n");
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        rndr_raw(h, n);
        break;
    case PD_NODE_TEXT:
        put_text(h, n->text, n->len);
        break;
    case PD_NODE_EMPH:
        pd_buf_puts(h->out, entering ? "<em>" : "</em>");
        break;
    case PD_NODE_STRONG:
        pd_buf_puts(h->out, entering ? "<strong>" : "</strong>");
        break;
    case PD_NODE_CODE:
        pd_buf_puts(h->out, "<code>");
        put_esc(h->out, n->text, n->len);
        pd_buf_puts(h->out, "</code>");
        break;
    case PD_NODE_LINK:
        rndr_link(h, n, entering);
        break;
    case PD_NODE_LINE_BREAK:
        pd_buf_puts(h->out, "<br>\n");
        break;
    case PD_NODE_NONE:
    case PD_NODE__MAX:
        break;
    }
}

/*
 * The paid markers of opts->paid_style.  The comments are written also
 * without --unsafe: they are our markers, not the user's HTML.
 */
static void
paid_markers(struct html *h, const struct pd_doc *doc)
{
    switch (h->opts->paid_style) {
    case PD_STYLE_FASTADMIN:
        h->begin = "<p>##paidbegin##</p>";
        h->end = "<p>##paidend##</p>";
        break;
    case PD_STYLE_HTML_COMMENT:
        h->begin = "<!--paidbegin-->";
        h->end = "<!--paidend-->";
        break;
    case PD_STYLE_GHOST:
        h->begin = "<!--members-only-->";
        h->rest = pd_paid_rest_first(doc, "ghost", h->begin, h->d);
        break;
    case PD_STYLE_WORDPRESS:
        h->begin = "<!--more-->";
        h->rest = pd_paid_rest_first(doc, "wordpress", h->begin, h->d);
        break;
    case PD_STYLE_DEFAULT:
    default:
        h->begin = "<section class=\"paid\">";
        h->end = "</section>";
        break;
    }
}

/* The text of the first node of type t, or NULL. */
static const struct pd_node *
find_first(const struct pd_doc *doc, pd_node_type t)
{
    const struct pd_node *n;

    for (n = doc->root->first; n != NULL; n = n->next) {
        if (n->type == t)
            return n;
        if (n->type == PD_NODE_PAID) {
            const struct pd_node *c;

            for (c = n->first; c != NULL; c = c->next)
                if (c->type == t)
                    return c;
        }
    }
    return NULL;
}

/* <!DOCTYPE html> up to <body>. */
static void
page_head(struct html *h, const struct pd_doc *doc)
{
    const char *title = pd_doc_meta(doc, "title"), *v, *css;
    const struct pd_node *tn;
    size_t len;

    pd_buf_puts(h->out, "<!DOCTYPE html>\n<html lang=\"");
    v = pd_doc_lang(doc);
    put_esc(h->out, v, strlen(v));
    pd_buf_puts(h->out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, "
                "initial-scale=1\">\n");
    if ((v = pd_doc_meta(doc, "author")) != NULL) {
        pd_buf_puts(h->out, "<meta name=\"author\" content=\"");
        put_esc(h->out, v, strlen(v));
        pd_buf_puts(h->out, "\">\n");
    }
    if ((v = pd_doc_meta(doc, "date")) != NULL) {
        pd_buf_puts(h->out, "<meta name=\"dcterms.date\" content=\"");
        put_esc(h->out, v, strlen(v));
        pd_buf_puts(h->out, "\">\n");
    }
    pd_buf_puts(h->out, "<title>");
    if (title != NULL && *title != '\0')
        put_esc(h->out, title, strlen(title));
    else if ((tn = find_first(doc, PD_NODE_TITLE)) != NULL ||
             (tn = find_first(doc, PD_NODE_HEADING)) != NULL) {
        pd_buf_clear(&h->scratch);
        pd_node_text(tn, &h->scratch);
        if (h->scratch.len > 0)
            put_esc(h->out, h->scratch.data, h->scratch.len);
        else
            pd_buf_puts(h->out, "Untitled");
    } else
        pd_buf_puts(h->out, "Untitled");
    pd_buf_puts(h->out, "</title>\n");
    if (h->opts->css_url != NULL) {
        pd_buf_puts(h->out, "<link rel=\"stylesheet\" href=\"");
        put_href(h, h->opts->css_url);
        pd_buf_puts(h->out, "\">\n");
    } else if ((css = pd_resource("html/paidoc.css", &len)) != NULL) {
        pd_buf_puts(h->out, "<style>\n");
        pd_buf_put(h->out, css, len);
        cr(h);
        pd_buf_puts(h->out, "</style>\n");
    }
    pd_buf_puts(h->out, "</head>\n<body>\n");
}

static struct pd_walker *
html_begin(const struct pd_doc *doc, struct pd_buf *out,
           const struct pd_opts *opts, struct pd_diag *d)
{
    static const struct pd_opts defaults;
    struct html *h = pd_xmalloc(sizeof(*h));

    memset(h, 0, sizeof(*h));
    h->out = out;
    h->opts = opts != NULL ? opts : &defaults;
    h->d = d;
    paid_markers(h, doc);
    pd_buf_put(out, "", 0);     /* NUL-terminated even when empty */
    if (h->opts->standalone)
        page_head(h, doc);
    return (struct pd_walker *)h;
}

static int
html_event(struct pd_walker *w, const struct pd_node *n, pd_event ev)
{
    struct html *h = (struct html *)w;

    rndr_node(h, n, ev == PD_EVENT_ENTER);
    /* Only cr() looks back, at one byte. */
    pd_buf_checkpoint(h->out);
    return 0;
}

static void
html_end(struct pd_walker *w)
{
    struct html *h = (struct html *)w;

    if (h->opts->standalone) {
        cr(h);
        pd_buf_puts(h->out, "</body>\n</html>\n");
    }
    pd_big_free(h->ids.slot, h->ids.slot_bytes);
    pd_big_free(h->ids.ent, h->ids.ent_bytes);
    pd_big_free(h->ids.pool, h->ids.pool_bytes);
    pd_buf_free(&h->scratch);
    pd_buf_free(&h->id);
    free(h);
}

const struct pd_walker_ops pd_html_walker = {
    html_begin, html_event, html_end
};

int
pd_write_html(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    return pd_walk_write(&pd_html_walker, doc, out, opts, d);
}
