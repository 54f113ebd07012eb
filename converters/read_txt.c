/*
 * read_txt.c - the plain-text reader (SPEC section 2).
 *
 * Plain text has no markup, so the reader infers what a reader of the page
 * sees: the paid-section and page-break markers, a title, numbered
 * headings (Chinese GB/T 9704 numbering, decimal numbering, "Chapter 3",
 * underlined lines), run-in headings, paragraphs in the three ways text
 * wraps them, bullet and ordered lists, links.  Nothing is ever read as
 * Markdown or HTML.
 *
 * Work is linear in the input.  After decoding, one cheap statistics pass
 * decides how the document marks paragraphs (blank lines, indents, a
 * fixed wrap width, or one paragraph a line); then one pass builds the
 * tree.  Decisions that depend on the next line (is "1. Scope" a heading
 * or the first of a list? is this the title or the first line of a
 * wrapped paragraph?) are taken when that line arrives, on a pending
 * block, so no line is looked at more than a few times.
 */
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/* How the document marks its paragraphs (decided by the statistics). */
enum para_mode {
    M_LINE = 0,     /* every line is a paragraph */
    M_BLANK,        /* hard-wrapped lines, blank lines between paragraphs */
    M_WRAP          /* fixed-width wrap and/or indented first lines */
};

/* Heading numbering styles; levels follow their first appearance. */
enum style {
    S_ZH_DUN = 0,   /* 一、 */
    S_ZH_PAREN,     /* （一） (一) */
    S_AR_DOT,       /* 1. 1． 1、 */
    S_AR_PAREN,     /* （1） (1) */
    S_ZH_PART,      /* 第一部分 第一编 */
    S_ZH_CHAPTER,   /* 第一章 */
    S_ZH_SECTION,   /* 第一节 */
    S_DEC1,         /* 1 引言 */
    S_DEC2,         /* 1.1 研究背景, 2.1 Scope */
    S_DEC3,         /* 1.1.1 */
    S_DEC4,         /* 1.1.1.1 and deeper */
    S_EN_PART,      /* Part II */
    S_EN_CHAPTER,   /* Chapter 3 */
    S_EN_SECTION,   /* Section 4 */
    S_UNDER_EQ,     /* a line underlined with === */
    S_UNDER_DASH,   /* a line underlined with --- */
    S__MAX
};

/* What the start of a line looks like, before context is considered. */
enum pat_kind {
    PK_PROSE = 0,
    PK_HEAD,        /* a heading numbering style (may still be prose) */
    PK_BULLET,      /* - * • · */
    PK_ORDERED,     /* 1) a) ① */
    PK_RULE,        /* --- === *** ___ */
    PK_ARTICLE      /* 第一条 */
};

struct pat {
    enum pat_kind kind;
    int style;              /* PK_HEAD */
    size_t body;            /* offset of the text after the number/bullet */
    size_t lead;            /* PK_ARTICLE: bytes of "第一条" */
    uint32_t bullet;        /* PK_BULLET */
    int numbering;          /* PK_ORDERED, and PK_HEAD S_AR_DOT as item */
    int delim;
    int number;
    uint32_t rule;          /* PK_RULE: the repeated character */
};

/* One piece of a line between markers, with its measurements. */
struct seg {
    const char *s;          /* content, without indent or trailing space */
    size_t len;
    unsigned line;
    unsigned width;         /* display columns of the content */
    unsigned total;         /* columns including the indent */
    int indented;           /* starts its line with an indent */
};

/* The block being collected, which the next line may extend or decide. */
enum pend_kind {
    P_NONE = 0,
    P_PARA,         /* paragraph (or the title) */
    P_ITEM,         /* list item of the open list */
    P_NUMCAND       /* "1. Scope": a heading, or the first item of a list */
};

struct rd {
    struct pd_doc *doc;
    struct pd_diag *d;
    struct pd_builder b;
    /* The input when it outlives the document (opts->borrow_input) and is
     * read in place: text from it is not copied.  NULL: copy. */
    const char *keep_lo, *keep_hi;
    /* statistics */
    enum para_mode mode;
    unsigned wrap_w;        /* fixed wrap width in columns, or 0 */
    unsigned slack;         /* columns a full line may fall short of it */
    int use_indent;         /* an indent starts a paragraph */
    int has_eq_under;       /* some line is underlined with === */
    /*
     * Per line, what the statistics pass measured, so the pass that builds
     * the tree need not search the line for markers and measure it again:
     * 1 + display columns of its content when it is not blank and holds
     * no marker or form feed, else 0 (measure it there).
     */
    uint32_t *lw;
    size_t nlw, lw_cap, lw_bytes;   /* lw from pd_big_grow() */
    /* heading levels by style, 0 = not seen yet */
    int levels[S__MAX];
    int next_level;
    struct pd_paid_state paid;  /* the open paid section */
    int title_possible;     /* no block of this input seen yet */
    int ff_pending;         /* a form feed waits for following content */
    unsigned ff_line;
    /* the pending block */
    enum pend_kind pk;
    const char *ps;         /* its text while it is one line */
    size_t plen;
    struct pd_buf pbuf;     /* its text once lines were joined */
    int joined;
    unsigned pline;         /* first line */
    unsigned plast;         /* last line */
    unsigned plast_total;   /* columns of the last line, with indent */
    unsigned pwidth;        /* columns of the first line */
    size_t pstrong;         /* bytes of a strong lead (第一条) */
    size_t pbody;           /* P_NUMCAND: offset of the text after "1." */
    int pnumber;            /* P_NUMCAND: its number */
    int ptitle;             /* may become the title */
    int pblank;             /* P_NUMCAND: blank lines followed it */
    /* the open list (b.cur when not NULL) */
    struct pd_node *list;
    enum pat_kind lkind;
    uint32_t lbullet;
    int lnumbering, ldelim;
    int lblank;             /* blank lines since its last item */
};

/* Headings and titles longer than this many columns are prose. */
#define SHORT_COLS 72u
/* A numbered line's lead sentence longer than this is no run-in heading. */
#define RUNIN_COLS 40u
/*
 * Lines shorter than this say nothing about hard wrapping (a short
 * unnumbered heading also ends without punctuation); Latin text wraps
 * shorter lines than CJK text.
 */
#define WRAP_MIN_COLS 40u
#define WRAP_MIN_LATIN 24u
/* Widths above this are not counted in the histogram. */
#define HIST_COLS 1024u

/*
 * ------------------------------------------------------------------------
 * Characters
 * ------------------------------------------------------------------------
 */

static uint32_t
dec(const char *s, size_t len, size_t *i)
{
    return pd_utf8_decode(s, len, i);
}

/* 1 for blanks that may indent or trail a line. */
static int
is_blank_char(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* 1 for the characters of Chinese numerals (一 … 十, 百, 千, 零, 两). */
static int
is_zh_numeral(uint32_t c)
{
    /* A switch: asked of the first characters of every line, a search
     * of the list took a fortieth of txt -> html. */
    switch (c) {
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94:
    case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341:
    case 0x767E: case 0x5343: case 0x96F6: case 0x3007: case 0x4E24:
    case 0x58F9: case 0x8D30: case 0x53C1: case 0x8086: case 0x4F0D:
    case 0x9646: case 0x67D2: case 0x634C: case 0x7396: case 0x62FE:
        return 1;
    }
    return 0;
}

/* Closing quotes and brackets that may follow the end of a sentence. */
static int
is_closer(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F ||
        c == 0xFF09 || c == ')' || c == '"' || c == '\'' || c == 0x300B;
}

/* Sentence-final punctuation. */
static int
is_sentence_end(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == '.' ||
        c == '!' || c == '?' || c == 0x2026;
}

/* Punctuation that ends a clause: a line ending so is no heading. */
static int
is_clause_end(uint32_t c)
{
    return c == 0xFF1B || c == ';' || c == 0xFF0C || c == ',' ||
        c == 0x3001;
}

/* The last character of s, looking through closing quotes. */
static uint32_t
last_char(const char *s, size_t len)
{
    size_t i = len;
    uint32_t c = 0;

    while (i > 0) {
        c = pd_utf8_decode_prev(s, &i);
        if (!is_closer(c))
            return c;
    }
    return c;
}

/* 1 when a line ending so reads as a heading: no sentence end. */
static int
heading_shaped(const struct seg *g)
{
    uint32_t c;

    if (g->width > SHORT_COLS)
        return 0;
    c = last_char(g->s, g->len);
    return !is_sentence_end(c) && !is_clause_end(c);
}

/* 1 when a line reads as a title: short, not a sentence nor a lead-in. */
static int
title_shaped(const struct seg *g)
{
    uint32_t c;

    if (!heading_shaped(g))
        return 0;
    c = last_char(g->s, g->len);
    return c != 0xFF1A && c != ':';
}

/* 1 when a line ends a sentence or clause (for the wrap statistics). */
static int
line_terminated(const char *s, size_t len)
{
    uint32_t c = last_char(s, len);

    return is_sentence_end(c) || is_clause_end(c) || c == 0xFF1A ||
        c == ':';
}

/* Sum of the bytes of x, each at most 31 (the sum then fits a byte). */
#define BYTE_SUM(x) ((uint64_t)((x) * UINT64_C(0x0101010101010101)) >> 56)

#ifdef PD_SSE2
/* Sum of the sixteen bytes of v. */
static size_t
byte_sum16(__m128i v)
{
    __m128i t = _mm_sad_epu8(v, _mm_setzero_si128());

    return (size_t)_mm_cvtsi128_si32(t) +
        (size_t)_mm_cvtsi128_si32(_mm_srli_si128(t, 8));
}
#endif

/*
 * Display columns of s: ASCII and two-byte characters one, three- and
 * four-byte characters (CJK) two.  Counts CJK-wide and Latin characters
 * into *wide and *narrow when not NULL.
 *
 * The text is valid UTF-8 here and s holds whole characters, so each
 * character can be counted at its lead byte alone: ASCII one column,
 * C0..DF one, E0..F4 two, continuation bytes nothing.  That needs no
 * character boundaries, so eight bytes are classified at a time.
 */
static unsigned
columns(const char *s, size_t len, size_t *wide, size_t *narrow)
{
    const uint64_t hi = UINT64_C(0x8080808080808080);
    size_t i = 0, w = 0, nw = 0, nn = 0;

#ifdef PD_SSE2
    /*
     * The same sixteen bytes a step, in signed bytes: ASCII and lead
     * bytes are above -65 (BF), three- and four-byte leads -32..-1,
     * ASCII above ' ' above 0x20.  Each lane of the counters gains at
     * most 2 a step: they are summed before 128 steps could overflow.
     * The last bytes are the end of the last sixteen, with the bytes
     * before them masked out (tail[] holds 16 zero bytes, then 16 ones).
     */
    static const signed char tail[32] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
    };

    while (len >= 16 && i < len) {
        const __m128i zero = _mm_setzero_si128();
        __m128i cw = zero, cn = zero, cg = zero, x, three, keep;
        unsigned k;

        for (k = 0; k < 127 && len - i >= 16; k++, i += 16) {
            x = pd_load16(s + i);
            three = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-33)),
                                  _mm_cmplt_epi8(x, zero));
            cw = _mm_sub_epi8(cw, _mm_cmpgt_epi8(x, _mm_set1_epi8(-65)));
            cw = _mm_sub_epi8(cw, three);
            cn = _mm_sub_epi8(cn, three);
            cg = _mm_sub_epi8(cg, _mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)));
        }
        if (k < 127 && i < len) {
            x = pd_load16(s + len - 16);
            keep = pd_load16(tail + (len - i));
            three = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-33)),
                                  _mm_cmplt_epi8(x, zero));
            three = _mm_and_si128(three, keep);
            cw = _mm_sub_epi8(cw, _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(-65)), keep));
            cw = _mm_sub_epi8(cw, three);
            cn = _mm_sub_epi8(cn, three);
            cg = _mm_sub_epi8(cg, _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)), keep));
            i = len;
        }
        w += byte_sum16(cw);
        nw += byte_sum16(cn);
        nn += byte_sum16(cg);
    }
#endif
    for (; len - i >= 8; i += 8) {
        uint64_t x, ascii, lead, three, graph;

        memcpy(&x, s + i, 8);
        ascii = ~x & hi;                    /* 00..7F */
        lead = x & (x << 1) & hi;           /* C0..FF */
        three = lead & (x << 2);            /* E0..FF */
        /* ASCII above ' ': adding 5F to 21..7F sets the top bit. */
        graph = ((x & ~hi) + UINT64_C(0x5F5F5F5F5F5F5F5F)) & ascii;
        w += BYTE_SUM((ascii >> 7) + (lead >> 7) + (three >> 7));
        nw += BYTE_SUM(three >> 7);
        nn += BYTE_SUM(graph >> 7);
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x80) {
            w++;
            if (c > ' ')
                nn++;
        } else if (c >= 0xE0) {
            w += 2;
            nw++;
        } else
            w += c >= 0xC0;
    }
    if (wide != NULL)
        *wide += nw;
    if (narrow != NULL)
        *narrow += nn;
    return w > 0xFFFFFFu ? 0xFFFFFFu : (unsigned)w;
}

/*
 * Bytes of leading blanks of s and their columns (a tab counts four,
 * an ideographic space two).
 */
static size_t
skip_indent(const char *s, size_t len, unsigned *cols)
{
    size_t i = 0, j;
    unsigned w = 0;

    /* Most lines start with no blank: every blank starts with one of
     * these bytes (U+3000 is E3 80 80, U+00A0 C2 A0). */
    if (len > 0 && s[0] != ' ' && s[0] != '\t' && s[0] != '\xE3' &&
        s[0] != '\xC2') {
        if (cols != NULL)
            *cols = 0;
        return 0;
    }
    while (i < len) {
        uint32_t c;

        j = i;
        c = dec(s, len, &j);
        if (!is_blank_char(c))
            break;
        w += c == '\t' ? 4 : c == 0x3000 ? 2 : 1;
        i = j;
    }
    if (cols != NULL)
        *cols = w;
    return i;
}

/* Length of s without trailing blanks. */
static size_t
trim_end(const char *s, size_t len)
{
    /* Every blank ends in one of these bytes (U+3000 is E3 80 80,
     * U+00A0 C2 A0). */
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                       s[len - 1] == '\x80' || s[len - 1] == '\xA0')) {
        size_t j = len;
        uint32_t c = pd_utf8_decode_prev(s, &j);

        if (!is_blank_char(c))
            break;
        len = j;
    }
    return len;
}

/*
 * ------------------------------------------------------------------------
 * Markers
 * ------------------------------------------------------------------------
 */

/*
 * Find the first marker or form feed in s[from..len).  Returns its offset
 * (len when there is none) and stores the marker's spelling in *m (NULL
 * for a form feed or none) and its length in *mlen.
 */
static size_t
find_marker(const char *s, size_t len, size_t from,
            const struct pd_marker_spelling **m, size_t *mlen)
{
    size_t at = pd_marker_find_stop(s, from, len, '\f', m);

    *mlen = *m != NULL ? (*m)->len : at < len ? 1 : 0;
    return at;
}

/*
 * ------------------------------------------------------------------------
 * Line patterns
 * ------------------------------------------------------------------------
 */

/* 1 when s at *i starts with the ASCII word w followed by a space. */
static int
word_sp(const char *s, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);

    return len - i > n && memcmp(s + i, w, n) == 0 && s[i + n] == ' ';
}

/* Parse an English part/chapter/section line: "Chapter 3", "Part II". */
static int
parse_en_heading(const char *s, size_t len, struct pat *p)
{
    static const struct {
        const char *w;
        int style;
    } words[] = {
        { "Chapter", S_EN_CHAPTER }, { "CHAPTER", S_EN_CHAPTER },
        { "Part", S_EN_PART }, { "PART", S_EN_PART },
        { "Section", S_EN_SECTION }, { "SECTION", S_EN_SECTION },
    };
    size_t k, i, start;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (!word_sp(s, len, 0, words[k].w))
            continue;
        i = strlen(words[k].w) + 1;
        start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            while (i < len && s[i] != '\0' && strchr("IVXLCDM", s[i]))
                i++;
        if (i == start && i < len && s[i] >= 'A' && s[i] <= 'Z')
            i++;
        if (i == start || i - start > 8)
            return 0;
        if (i < len && (s[i] == '.' || s[i] == ':'))
            i++;
        if (i < len && s[i] != ' ' && s[i] != '\t')
            return 0;
        p->kind = PK_HEAD;
        p->style = words[k].style;
        return 1;
    }
    return 0;
}

/*
 * Parse what starts at s[0] after a run of Arabic digits: 1. 1) 1 引言
 * 2.1 Scope.  i is the offset after the digits, n their value.
 */
static void
parse_arabic(const char *s, size_t len, size_t i, int n, struct pat *p)
{
    size_t j = i, k;
    uint32_t c = dec(s, len, &j);
    int depth = 1;

    if (c == '.' || c == 0xFF0E || c == 0x3001) {
        size_t after = j;
        uint32_t c2 = after < len ? dec(s, len, &after) : 0;

        if (pd_digit_val(c2) < 0 || c == 0x3001) {
            if (j >= len)
                return;
            /* 1. 1． 1、 followed by text */
            p->kind = PK_HEAD;
            p->style = S_AR_DOT;
            p->number = n;
            p->numbering = PD_NUM_DECIMAL;
            p->delim = PD_DELIM_PERIOD;
            p->body = j + skip_indent(s + j, len - j, NULL);
            if (p->body >= len)
                p->kind = PK_PROSE;
            return;
        }
        /* 2.1, 1.1.1: more components, then a blank */
        k = j;
        for (;;) {
            size_t st = k;
            size_t t;

            while (k < len) {
                t = k;
                if (pd_digit_val(dec(s, len, &t)) < 0)
                    break;
                k = t;
            }
            if (k == st)
                return;
            depth++;
            if (k >= len)
                return;
            t = k;
            c = dec(s, len, &t);
            if (c == '.' || c == 0xFF0E) {
                size_t t2 = t;

                if (t < len && pd_digit_val(dec(s, len, &t2)) >= 0) {
                    k = t;
                    continue;
                }
                k = t;          /* "1.1. Scope" */
                if (k >= len)
                    return;
                t = k;
                c = dec(s, len, &t);
            }
            if (!is_blank_char(c))
                return;
            break;
        }
        j = k;
    } else if (c == ')' || c == 0xFF09) {
        if (j >= len || (c == ')' && s[j] != ' ' && s[j] != '\t'))
            return;
        p->kind = PK_ORDERED;
        p->numbering = PD_NUM_DECIMAL;
        p->delim = PD_DELIM_PAREN;
        p->number = n;
        p->body = j + skip_indent(s + j, len - j, NULL);
        if (p->body >= len)
            p->kind = PK_PROSE;
        return;
    } else if (!is_blank_char(c)) {
        return;
    } else {
        j = i;
    }
    /* "1 引言", "2.1 Scope": the text must start like a heading. */
    k = j + skip_indent(s + j, len - j, NULL);
    if (k >= len || k == j)
        return;
    {
        size_t t = k;
        uint32_t first = dec(s, len, &t);

        if (!(first >= 'A' && first <= 'Z') && !pd_is_han(first))
            return;
    }
    p->kind = PK_HEAD;
    p->style = depth == 1 ? S_DEC1 : depth == 2 ? S_DEC2 :
        depth == 3 ? S_DEC3 : S_DEC4;
}

/*
 * Look at the start of a line (content without indent) and say what it
 * could be.  Context-free and cheap: only the numbering or bullet at the
 * start is read, except for rule lines which are read to their end.
 */
static void
parse_line(const char *s, size_t len, struct pat *p)
{
    size_t i = 0, j, start;
    uint32_t c;
    int n, v;

    memset(p, 0, sizeof(*p));
    if (len == 0)
        return;
    c = dec(s, len, &i);

    /* Rules: ---, ===, ***, ___ (spaces allowed between), ——— */
    if (c == '-' || c == '=' || c == '*' || c == '_' || c == 0x2014 ||
        c == 0x2500) {
        size_t count = 1;

        j = i;
        while (j < len) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (c2 == c)
                count++;
            else if (c2 != ' ' && c2 != '\t')
                break;
            j = t;
        }
        if (j >= len && count >= (c == 0x2014 ? 6u : 3u)) {
            p->kind = PK_RULE;
            p->rule = c;
            return;
        }
    }

    /* Bullets */
    if (((c == '-' || c == '*' || c == 0xB7) && i < len &&
         is_blank_char(dec(s, len, &(size_t){ i }))) ||
        c == 0x2022 || c == 0x25CF) {
        p->kind = PK_BULLET;
        p->bullet = c;
        p->body = i + skip_indent(s + i, len - i, NULL);
        if (p->body >= len)
            p->kind = PK_PROSE;
        return;
    }

    /* Circled numbers */
    if (c >= 0x2460 && c <= 0x2473) {
        p->kind = PK_ORDERED;
        p->numbering = PD_NUM_CIRCLED;
        p->delim = PD_DELIM_NONE;
        p->number = (int)(c - 0x2460) + 1;
        p->body = i + skip_indent(s + i, len - i, NULL);
        if (p->body >= len)
            p->kind = PK_PROSE;
        return;
    }

    /* 第一章 第一节 第一部分 第一条 */
    if (c == 0x7B2C) {
        start = j = i;
        while (j < len) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (!is_zh_numeral(c2) && pd_digit_val(c2) < 0)
                break;
            j = t;
        }
        if (j > start && j - start <= 18 && j < len) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (c2 == 0x7AE0) {             /* 章 */
                p->kind = PK_HEAD;
                p->style = S_ZH_CHAPTER;
            } else if (c2 == 0x8282) {      /* 节 */
                p->kind = PK_HEAD;
                p->style = S_ZH_SECTION;
            } else if (c2 == 0x7F16 ||      /* 编 */
                       (c2 == 0x90E8 && t < len &&
                        dec(s, len, &(size_t){ t }) == 0x5206)) { /* 部分 */
                p->kind = PK_HEAD;
                p->style = S_ZH_PART;
            } else if (c2 == 0x6761) {      /* 条 */
                size_t t2 = t;

                if (t >= len || is_blank_char(dec(s, len, &t2))) {
                    p->kind = PK_ARTICLE;
                    p->lead = t;
                }
            }
        }
        return;
    }

    /* （一） (一) （1） (1) */
    if (c == 0xFF08 || c == '(') {
        int zh = 0, ar = 0;

        start = j = i;
        while (j < len) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (is_zh_numeral(c2))
                zh++;
            else if (pd_digit_val(c2) >= 0)
                ar++;
            else
                break;
            j = t;
        }
        if (j < len && (zh == 0) != (ar == 0) && zh <= 6 && ar <= 3) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (c2 == 0xFF09 || c2 == ')') {
                p->kind = PK_HEAD;
                p->style = zh ? S_ZH_PAREN : S_AR_PAREN;
                p->body = t;
            }
        }
        return;
    }

    /* 一、 */
    if (is_zh_numeral(c)) {
        j = i;
        n = 1;
        while (j < len && n <= 6) {
            size_t t = j;
            uint32_t c2 = dec(s, len, &t);

            if (c2 == 0x3001 || c2 == 0xFF0E) {
                if (t < len) {
                    p->kind = PK_HEAD;
                    p->style = S_ZH_DUN;
                    p->body = t;
                }
                return;
            }
            if (!is_zh_numeral(c2))
                return;
            n++;
            j = t;
        }
        return;
    }

    /* Arabic numbers: 1. 1、 1) 1 引言 2.1 Scope */
    if ((v = pd_digit_val(c)) >= 0) {
        int digits = 1;

        n = v;
        j = i;
        while (j < len) {
            size_t t = j;

            v = pd_digit_val(dec(s, len, &t));
            if (v < 0)
                break;
            if (++digits > 3)
                return;
            n = n * 10 + v;
            j = t;
        }
        if (j < len)
            parse_arabic(s, len, j, n, p);
        return;
    }

    /* a) A) */
    if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && len > 3 &&
        s[1] == ')' && (s[2] == ' ' || s[2] == '\t')) {
        p->kind = PK_ORDERED;
        p->numbering = c >= 'a' ? PD_NUM_LOWER_ALPHA : PD_NUM_UPPER_ALPHA;
        p->delim = PD_DELIM_PAREN;
        p->number = (int)((c | 0x20) - 'a') + 1;
        p->body = 2 + skip_indent(s + 2, len - 2, NULL);
        return;
    }

    if (c == 'C' || c == 'P' || c == 'S')
        parse_en_heading(s, len, p);
}

/*
 * ------------------------------------------------------------------------
 * Statistics: how does this document mark its paragraphs?
 * ------------------------------------------------------------------------
 */

/*
 * Look at every line once.  Pairs of adjacent prose lines (no blank line,
 * marker or numbered line between) tell the story: in hard-wrapped text
 * many of them end mid-sentence; in text copied from a PDF the first of
 * the pair is full (at the wrap width) and the second is not indented
 * unless a paragraph starts; in one-paragraph-a-line text neither holds.
 */
static void
note_width(struct rd *r, uint32_t w)
{
    if (r->nlw == r->lw_cap) {
        r->lw = pd_big_grow(r->lw, r->nlw * sizeof(*r->lw), &r->lw_bytes,
                            r->lw_cap ? r->lw_cap * 2 * sizeof(*r->lw) :
                            1024 * sizeof(*r->lw));
        r->lw_cap = r->lw_bytes / sizeof(*r->lw);
    }
    r->lw[r->nlw++] = w;
}

static void
gather_stats(struct rd *r, const char *text, size_t n)
{
    unsigned hist[HIST_COLS], all[HIST_COLS + 1];
    size_t pos = 0, wide = 0, narrow = 0, prose = 0, over = 0;
    size_t cont = 0, unterm = 0, cont_unind = 0, cont_unind_unterm = 0;
    size_t indented = 0, best = 0;
    int prev_prose = 0, prev_unterm = 0, prev_wide = 0, seen = 0;
    int blank_after = 0;
    int blank_between = 0, prev_nonblank = 0;
    unsigned prev_total = 0, w, bw = 0;

    memset(hist, 0, sizeof(hist));
    memset(all, 0, sizeof(all));
    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - text) : n, len, ind, mlen;
        const char *s = text + pos;
        const struct pd_marker_spelling *m;
        unsigned icols, total;
        struct pat p;

        len = trim_end(s, end - pos);
        pos = end + 1;
        ind = skip_indent(s, len, &icols);
        if (ind == len) {
            note_width(r, 0);
            if (seen)
                blank_after = 1;
            prev_prose = 0;
            prev_nonblank = 0;
            continue;
        }
        if (blank_after)
            blank_between = 1;
        blank_after = 0;
        seen = 1;
        if (find_marker(s, len, 0, &m, &mlen) < len) {
            note_width(r, 0);
            prev_prose = 0;
            prev_nonblank = 0;
            continue;
        }
        parse_line(s + ind, len - ind, &p);
        if (p.kind == PK_RULE && p.rule == '=' && prev_nonblank)
            r->has_eq_under = 1;
        prev_nonblank = 1;
        if (p.kind != PK_PROSE) {
            note_width(r, columns(s + ind, len - ind, NULL, NULL) + 1);
            prev_prose = 0;
            continue;
        }
        w = columns(s + ind, len - ind, &wide, &narrow);
        note_width(r, w + 1);
        total = icols + w;
        if (icols >= 2)
            indented++;
        prose++;
        all[total < HIST_COLS ? total : HIST_COLS]++;
        if (prev_prose) {
            int wrapped = prev_unterm && prev_total >=
                (prev_wide ? WRAP_MIN_COLS : WRAP_MIN_LATIN);

            cont++;
            if (wrapped)
                unterm++;
            if (icols < 2) {
                cont_unind++;
                if (wrapped)
                    cont_unind_unterm++;
            }
            if (prev_total < HIST_COLS && prev_unterm)
                hist[prev_total]++;
        }
        prev_prose = 1;
        prev_total = total;
        prev_unterm = !line_terminated(s + ind, len - ind);
        {
            size_t e = len;

            prev_wide = pd_is_cjk(pd_utf8_decode_prev(s, &e));
        }
    }

    r->mode = M_LINE;
    if (blank_between && cont >= 1 && unterm * 3 >= cont) {
        r->mode = M_BLANK;
        return;
    }
    /*
     * A fixed wrap width: the fullest window of widths [w - slack, w]
     * among lines that end mid-sentence and go on in the next line; few
     * lines may be wider.
     */
    r->slack = wide >= narrow ? 4 : 0;
    for (w = WRAP_MIN_COLS / 2; w < HIST_COLS; w++) {
        unsigned slack = r->slack ? r->slack : w / 5 + 2, k;
        size_t in = 0;

        for (k = w > slack ? w - slack : 0; k <= w; k++)
            in += hist[k];
        if (in >= best && in > 0) {
            best = in;
            bw = w;
        }
    }
    for (w = bw + 3; w <= HIST_COLS; w++)
        over += all[w];
    if (best >= 3 && best * 5 >= cont * 2 && over * 10 <= prose) {
        r->wrap_w = bw;
        if (r->slack == 0)
            r->slack = bw / 5 + 2;
    }
    if (indented >= 2 && cont_unind >= 1 && cont_unind_unterm * 3 >= cont_unind)
        r->use_indent = 1;
    if (r->wrap_w || r->use_indent)
        r->mode = M_WRAP;
}

/*
 * ------------------------------------------------------------------------
 * Inlines
 * ------------------------------------------------------------------------
 */

static int
is_alnum(int c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Characters of a URL: printable ASCII but for quotes and brackets. */
static int
is_url_char(unsigned char c)
{
    return c > ' ' && c < 0x7F && c != '<' && c != '>' && c != '"' &&
        c != '`';
}

static int
is_local_char(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
        c == '-';
}

/*
 * End of the URL starting at s[i] (after "http://" or "https://"), with
 * trailing punctuation left out.  Returns i when nothing is left.
 */
static size_t
url_end(const char *s, size_t len, size_t i, size_t host)
{
    size_t e = host, open = 0, close = 0, k;

    while (e < len && is_url_char((unsigned char)s[e]))
        e++;
    for (k = host; k < e; k++) {
        if (s[k] == '(')
            open++;
        else if (s[k] == ')')
            close++;
    }
    while (e > host) {
        char c = s[e - 1];

        if (c == ')' && close > open) {
            close--;
            e--;
        } else if (strchr(".,;:!?'*_]}", c) != NULL)
            e--;
        else
            break;
    }
    return e > host ? e : i;
}

/*
 * An e-mail address around the '@' at s[at], not reaching back before
 * floor.  Stores its bounds and returns 1, or returns 0.
 */
static int
email_at(const char *s, size_t len, size_t at, size_t floor,
         size_t *start, size_t *end)
{
    size_t b = at, e = at + 1, dot = 0, lab;

    while (b > floor && is_local_char((unsigned char)s[b - 1]))
        b--;
    while (b < at && s[b] == '.')
        b++;
    if (b == at)
        return 0;
    while (e < len && (is_alnum((unsigned char)s[e]) || s[e] == '-' ||
                       s[e] == '.'))
        e++;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
        e--;
    for (lab = e; lab > at + 1; lab--)
        if (s[lab - 1] == '.') {
            dot = lab;
            break;
        }
    if (dot == 0 || dot - 1 == at + 1 || e - dot < 2)
        return 0;
    for (lab = dot; lab < e; lab++)
        if (!((s[lab] | 0x20) >= 'a' && (s[lab] | 0x20) <= 'z'))
            return 0;
    *start = b;
    *end = e;
    return 1;
}

/* Add text s[0..n): pointed at when it is in the kept input. */
static void
add_text(struct rd *r, const char *s, size_t n)
{
    if (r->keep_lo != NULL && s >= r->keep_lo && s + n <= r->keep_hi)
        pd_add_text_ref(&r->b, s, n);
    else
        pd_add_text(&r->b, s, n);
}

/* Add a link node with visible text s[0..n) and target prefix + s. */
static void
add_link(struct rd *r, const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    char *url = pd_arena_alloc(r->doc->arena, pl + n + 1);
    struct pd_node *link;

    memcpy(url, prefix, pl);
    memcpy(url + pl, s, n);
    url[pl + n] = '\0';
    link = pd_push(&r->b, PD_NODE_LINK);
    if (link == NULL) {
        add_text(r, s, n);
        return;
    }
    link->as.link.url = url;
    add_text(r, s, n);
    pd_pop(&r->b);
}

/*
 * Add the inlines of a block's text to the current node: an optional
 * strong lead, then text with URLs and e-mail addresses as links.  One
 * pass; text runs are added whole.
 */
static void
emit_inlines(struct rd *r, const char *s, size_t len, size_t strong)
{
    size_t i, run, st, en;

    if (strong > 0 && strong <= len) {
        if (pd_push(&r->b, PD_NODE_STRONG) != NULL) {
            add_text(r, s, strong);
            pd_pop(&r->b);
        } else
            add_text(r, s, strong);
        s += strong;
        len -= strong;
    }
    run = i = 0;
    while (i < len) {
        char c;

        /* Only 'h' (of http) and '@' start a link: skip sixteen or eight
         * bytes at a time while they hold neither. */
#ifdef PD_SSE2
        {
            unsigned m = 0;

            for (; len - i >= 16; i += 16) {
                __m128i v = pd_load16(s + i);

                if ((m = pd_eq16(v, 'h') | pd_eq16(v, '@')) != 0)
                    break;
            }
            /* Near the end, the last sixteen bytes, those before i
             * shifted out. */
            if (m == 0 && len >= 16 && i < len) {
                __m128i v = pd_load16(s + len - 16);

                m = (pd_eq16(v, 'h') | pd_eq16(v, '@')) >> (i - (len - 16));
                if (m == 0)
                    i = len;
            }
            if (m != 0)
                i += pd_ctz(m);
        }
#endif
        while (len - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if (PD_HAS_BYTE(w, 'h') || PD_HAS_BYTE(w, '@'))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        c = s[i];
        if (c == 'h' && (i == 0 || !is_alnum((unsigned char)s[i - 1]))) {
            size_t host = 0;

            if (len - i > 7 && memcmp(s + i, "http://", 7) == 0)
                host = i + 7;
            else if (len - i > 8 && memcmp(s + i, "https://", 8) == 0)
                host = i + 8;
            if (host && (en = url_end(s, len, i, host)) > i) {
                add_text(r, s + run, i - run);
                add_link(r, s + i, en - i, "");
                i = run = en;
                continue;
            }
        } else if (c == '@' && email_at(s, len, i, run, &st, &en)) {
            add_text(r, s + run, st - run);
            add_link(r, s + st, en - st, "mailto:");
            i = run = en;
            continue;
        }
        i++;
    }
    add_text(r, s + run, len - run);
}

/*
 * ------------------------------------------------------------------------
 * Building blocks
 * ------------------------------------------------------------------------
 */

/* Heading level of a style: the order of first appearance, at most 6. */
static int
level_of(struct rd *r, int style)
{
    if (style == S_UNDER_DASH && r->has_eq_under && !r->levels[S_UNDER_EQ])
        r->levels[S_UNDER_EQ] = ++r->next_level;
    if (!r->levels[style])
        r->levels[style] = ++r->next_level;
    return r->levels[style] > 6 ? 6 : r->levels[style];
}

/* Emit the form feed page break that waited for more content. */
static void
emit_ff(struct rd *r)
{
    if (!r->ff_pending)
        return;
    r->ff_pending = 0;
    r->b.line = r->ff_line;
    pd_add_leaf(&r->b, PD_NODE_PAGE_BREAK);
}

static void
close_list(struct rd *r)
{
    if (r->list != NULL) {
        pd_pop(&r->b);
        r->list = NULL;
    }
}

/*
 * Make sure a list that items of pattern p belong to is open: keep the
 * open one when it matches, else close it and open a new one.
 */
static void
open_list(struct rd *r, const struct pat *p, unsigned line)
{
    struct pd_node *l;

    if (r->list != NULL && r->lkind == p->kind &&
        (p->kind == PK_BULLET ? r->lbullet == p->bullet :
         r->lnumbering == p->numbering && r->ldelim == p->delim)) {
        if (r->lblank)
            r->list->as.list.tight = 0;
        r->lblank = 0;
        return;
    }
    close_list(r);
    emit_ff(r);
    r->b.line = line;
    l = pd_push(&r->b, p->kind == PK_BULLET ? PD_NODE_BULLET_LIST
                                            : PD_NODE_ORDERED_LIST);
    if (l == NULL)
        return;
    if (p->kind == PK_BULLET)
        l->as.list.bullet = p->bullet;
    else {
        l->as.list.start = p->number;
        l->as.list.numbering = (uint8_t)p->numbering;
        l->as.list.delim = (uint8_t)p->delim;
    }
    l->as.list.tight = 1;
    r->list = l;
    r->lkind = p->kind;
    r->lbullet = p->bullet;
    r->lnumbering = p->numbering;
    r->ldelim = p->delim;
    r->lblank = 0;
}

/* The pending block's text. */
static void
pend_text(const struct rd *r, const char **s, size_t *len)
{
    if (r->joined) {
        *s = r->pbuf.data;
        *len = r->pbuf.len;
    } else {
        *s = r->ps;
        *len = r->plen;
    }
}

/* Add a heading of the given style with text s; run_in marks a lead. */
static void
add_heading(struct rd *r, int style, const char *s, size_t len,
            unsigned line, int run_in)
{
    struct pd_node *h;

    close_list(r);
    emit_ff(r);
    r->b.line = line;
    h = pd_push(&r->b, PD_NODE_HEADING);
    if (h == NULL)
        return;
    h->as.heading.level = level_of(r, style);
    h->as.heading.run_in = run_in;
    emit_inlines(r, s, len, 0);
    pd_pop(&r->b);
}

/* Add a block of type t (paragraph or title) holding inlines of s. */
static void
add_block(struct rd *r, pd_node_type t, const char *s, size_t len,
          unsigned line, size_t strong)
{
    r->b.line = line;
    if (pd_push(&r->b, t) == NULL)
        return;
    emit_inlines(r, s, len, strong);
    pd_pop(&r->b);
}

/*
 * Turn the pending block into nodes: a paragraph, the title (one short
 * first line), a list item, or the heading a "1. Scope" candidate was.
 */
static void
flush(struct rd *r)
{
    const char *s;
    size_t len;

    pend_text(r, &s, &len);
    switch (r->pk) {
    case P_NONE:
        return;
    case P_NUMCAND:
        r->pk = P_NONE;
        add_heading(r, S_AR_DOT, s, len, r->pline, 0);
        return;
    case P_PARA:
        close_list(r);
        emit_ff(r);
        if (r->ptitle && !r->joined) {
            char *t = pd_arena_strndup(r->doc->arena, s, len);

            add_block(r, PD_NODE_TITLE, s, len, r->pline, 0);
            pd_doc_set_meta(r->doc, "title", t);
        } else
            add_block(r, PD_NODE_PARAGRAPH, s, len, r->pline, r->pstrong);
        break;
    case P_ITEM:
        r->b.line = r->pline;
        if (r->list != NULL && pd_push(&r->b, PD_NODE_LIST_ITEM) != NULL) {
            add_block(r, PD_NODE_PARAGRAPH, s, len, r->pline, 0);
            pd_pop(&r->b);
        } else
            add_block(r, PD_NODE_PARAGRAPH, s, len, r->pline, 0);
        break;
    }
    r->pk = P_NONE;
    r->joined = 0;
}

/* Start a pending block of kind k with the text of g from offset off. */
static void
pend_start(struct rd *r, enum pend_kind k, const struct seg *g, size_t off)
{
    r->pk = k;
    r->ps = g->s + off;
    r->plen = g->len - off;
    r->joined = 0;
    r->pline = r->plast = g->line;
    r->plast_total = g->total;
    r->pwidth = g->width;
    r->pstrong = 0;
    r->pbody = 0;
    r->pnumber = 0;
    r->ptitle = 0;
    r->pblank = 0;
}

/*
 * Append line g to the pending block: nothing between two CJK
 * characters, else one space.
 */
static void
pend_join(struct rd *r, const struct seg *g)
{
    size_t i = r->joined ? r->pbuf.len : r->plen, j = 0;
    const char *s = r->joined ? r->pbuf.data : r->ps;
    uint32_t a, z;

    if (!r->joined) {
        pd_buf_clear(&r->pbuf);
        pd_buf_put(&r->pbuf, r->ps, r->plen);
        r->joined = 1;
    }
    a = pd_utf8_decode_prev(s, &i);
    z = dec(g->s, g->len, &j);
    if (!(pd_is_cjk(a) && pd_is_cjk(z)))
        pd_buf_putc(&r->pbuf, ' ');
    pd_buf_put(&r->pbuf, g->s, g->len);
    r->plast = g->line;
    r->plast_total = g->total;
}

/* 1 when line g continues the pending paragraph or item. */
static int
joins(const struct rd *r, const struct seg *g)
{
    if ((r->pk != P_PARA && r->pk != P_ITEM) || r->plast + 1 != g->line)
        return 0;
    switch (r->mode) {
    case M_LINE:
        return 0;
    case M_BLANK:
        return r->pk == P_PARA || g->indented;
    case M_WRAP:
        if (r->use_indent && g->indented)
            return 0;
        if (r->wrap_w && r->plast_total + r->slack < r->wrap_w)
            return 0;
        if (!r->wrap_w && !g->indented && r->pk == P_PARA &&
            line_terminated(r->joined ? r->pbuf.data : r->ps,
                            r->joined ? r->pbuf.len : r->plen) &&
            r->plast_total < WRAP_MIN_COLS)
            return 0;
        return 1;
    }
    return 0;
}

/*
 * Find the lead sentence of a run-in heading: up to and including the
 * first 。 ； or ： (and closing quotes right after it), from offset from.
 * Returns the lead's length when text follows it, else 0.
 */
static size_t
run_in_lead(const char *s, size_t len, size_t from)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i, j;

    /*
     * The stops are E3 80 82, EF BC 9B and EF BC 9A.  The text is valid
     * UTF-8, where a lead byte never occurs inside a character, so they
     * are found byte by byte without decoding every character.
     */
    for (i = from; i < len && len - i >= 3; i++) {
#ifdef PD_SSE2
        /* Sixteen places a step: the bytes at i, i + 1 and i + 2 of
         * each are compared at once. */
        while (len - i >= 18) {
            __m128i b0 = pd_load16(u + i), b1 = pd_load16(u + i + 1),
                b2 = pd_load16(u + i + 2);
            unsigned m = (pd_eq16(b0, (char)0xE3) & pd_eq16(b1, (char)0x80) &
                          pd_eq16(b2, (char)0x82)) |
                (pd_eq16(b0, (char)0xEF) & pd_eq16(b1, (char)0xBC) &
                 /* 9A and 9B */
                 pd_eq16(_mm_or_si128(b2, _mm_set1_epi8(1)), (char)0x9B));

            if (m != 0) {
                i += pd_ctz(m);
                break;
            }
            i += 16;
        }
#endif
        if ((u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x82) ||
            (u[i] == 0xEF && u[i + 1] == 0xBC &&
             (u[i + 2] == 0x9B || u[i + 2] == 0x9A))) {
            i += 3;
            while (i < len) {
                j = i;
                if (!is_closer(dec(s, len, &j)))
                    break;
                i = j;
            }
            j = i + skip_indent(s + i, len - i, NULL);
            return j < len ? i : 0;
        }
    }
    return 0;
}

/*
 * A heading, run in when a lead sentence is followed by more text: the
 * rest becomes a pending paragraph that later lines may continue.
 */
static void
heading_line(struct rd *r, const struct seg *g, int style, size_t lead)
{
    flush(r);
    if (lead == 0) {
        add_heading(r, style, g->s, g->len, g->line, 0);
        return;
    }
    add_heading(r, style, g->s, lead, g->line, 1);
    pend_start(r, P_PARA, g, lead + skip_indent(g->s + lead, g->len - lead,
                                                NULL));
    /* Columns add up over whole characters: what the lead and the blanks
     * after it take from the line's, unless that was capped. */
    if (g->width < 0xFFFFFFu)
        r->pwidth = g->width - columns(g->s, (size_t)(r->ps - g->s), NULL,
                                       NULL);
    else
        r->pwidth = columns(r->ps, r->plen, NULL, NULL);
}

/* Start a list item with the text of g after its bullet or number. */
static void
item_line(struct rd *r, const struct seg *g, const struct pat *p)
{
    flush(r);
    open_list(r, p, g->line);
    pend_start(r, P_ITEM, g, p->body);
}

/* A numbered-heading style line: heading, list item or prose. */
static int
head_line(struct rd *r, const struct seg *g, const struct pat *p)
{
    size_t lead;

    switch (p->style) {
    case S_ZH_DUN:
    case S_ZH_PAREN:
        heading_line(r, g, p->style, run_in_lead(g->s, g->len, p->body));
        return 1;
    case S_AR_DOT:
        if (r->list != NULL && r->lkind == PK_ORDERED &&
            r->lnumbering == PD_NUM_DECIMAL && r->ldelim == PD_DELIM_PERIOD) {
            struct pat q = *p;

            q.kind = PK_ORDERED;
            item_line(r, g, &q);
            return 1;
        }
        lead = run_in_lead(g->s, g->len, p->body);
        if (lead > 0 && columns(g->s, lead, NULL, NULL) <= RUNIN_COLS) {
            heading_line(r, g, S_AR_DOT, lead);
            return 1;
        }
        if (heading_shaped(g)) {
            if (r->levels[S_AR_DOT]) {
                heading_line(r, g, S_AR_DOT, 0);
                return 1;
            }
            flush(r);
            close_list(r);
            pend_start(r, P_NUMCAND, g, 0);
            r->pbody = p->body;
            r->pnumber = p->number;
            return 1;
        }
        {
            struct pat q = *p;

            q.kind = PK_ORDERED;
            item_line(r, g, &q);
        }
        return 1;
    case S_AR_PAREN:
        lead = run_in_lead(g->s, g->len, p->body);
        if (lead > 0 && columns(g->s, lead, NULL, NULL) <= RUNIN_COLS) {
            heading_line(r, g, S_AR_PAREN, lead);
            return 1;
        }
        if (heading_shaped(g)) {
            heading_line(r, g, S_AR_PAREN, 0);
            return 1;
        }
        return 0;
    default:
        if (heading_shaped(g)) {
            heading_line(r, g, p->style, 0);
            return 1;
        }
        return 0;
    }
}

/* A line of ---, ===, ***: an underline, or a thematic break. */
static void
rule_line(struct rd *r, const struct seg *g, const struct pat *p)
{
    int under = p->rule == '=' || p->rule == '-';
    const char *s;
    size_t len;

    if (under && r->pk == P_PARA && !r->joined && r->plast + 1 == g->line &&
        r->pstrong == 0) {
        struct seg h;

        pend_text(r, &s, &len);
        h.s = s;
        h.len = len;
        h.width = r->pwidth;
        if (heading_shaped(&h)) {
            if (r->ptitle) {
                flush(r);
                return;
            }
            r->pk = P_NONE;
            add_heading(r, p->rule == '=' ? S_UNDER_EQ : S_UNDER_DASH, s,
                        len, r->pline, 0);
            return;
        }
    }
    if (under && r->pk == P_NUMCAND && !r->pblank &&
        r->plast + 1 == g->line) {
        flush(r);
        return;
    }
    flush(r);
    close_list(r);
    emit_ff(r);
    r->b.line = g->line;
    pd_add_leaf(&r->b, PD_NODE_THEMATIC_BREAK);
}

/*
 * One non-blank piece of a line.  first: it starts the line (so its
 * indent means something).
 */
static void
segment(struct rd *r, struct seg *g)
{
    struct pat p;
    int title_possible = r->title_possible;

    r->title_possible = 0;
    parse_line(g->s, g->len, &p);

    /* Decide a "1. Scope" candidate: a list when "2." follows. */
    if (r->pk == P_NUMCAND && p.kind != PK_RULE) {
        if (p.kind == PK_HEAD && p.style == S_AR_DOT &&
            p.number == r->pnumber + 1) {
            struct pat q;

            memset(&q, 0, sizeof(q));
            q.kind = PK_ORDERED;
            q.numbering = PD_NUM_DECIMAL;
            q.delim = PD_DELIM_PERIOD;
            q.number = r->pnumber;
            r->pk = P_NONE;
            open_list(r, &q, r->pline);
            if (r->pblank && r->list != NULL)
                r->list->as.list.tight = 0;
            r->pk = P_ITEM;
            r->ps += r->pbody;
            r->plen -= r->pbody;
        }
        flush(r);
    }

    switch (p.kind) {
    case PK_RULE:
        rule_line(r, g, &p);
        return;
    case PK_BULLET:
    case PK_ORDERED:
        item_line(r, g, &p);
        return;
    case PK_HEAD:
        if (head_line(r, g, &p))
            return;
        break;
    case PK_ARTICLE:
        flush(r);
        close_list(r);
        pend_start(r, P_PARA, g, 0);
        r->pstrong = p.lead;
        return;
    case PK_PROSE:
        break;
    }
    if (joins(r, g)) {
        pend_join(r, g);
        return;
    }
    flush(r);
    close_list(r);
    pend_start(r, P_PARA, g, 0);
    r->ptitle = title_possible && r->doc->root->first == NULL &&
        !r->paid.open && title_shaped(g);
}

/* A blank line. */
static void
blank_line(struct rd *r)
{
    if (r->pk == P_NUMCAND)
        r->pblank = 1;
    else
        flush(r);
    if (r->list != NULL)
        r->lblank = 1;
}

/*
 * A marker (m), or a form feed (m NULL): ends the block before it, then
 * takes effect.  A form feed is a page break once content follows it.
 */
static void
marker(struct rd *r, const struct pd_marker_spelling *m, unsigned line)
{
    flush(r);
    close_list(r);
    r->title_possible = 0;
    if (m == NULL) {
        if (!r->ff_pending) {
            r->ff_pending = 1;
            r->ff_line = line;
        }
        return;
    }
    emit_ff(r);
    pd_marker_apply(&r->b, &r->paid, m, line, r->d);
}

/*
 * Measure and hand on a piece of a line; first: it starts the line.
 * known: 1 + the columns of its content when already measured, else 0.
 */
static void
piece(struct rd *r, const char *s, size_t len, unsigned line, int first,
      uint32_t known)
{
    struct seg g;
    unsigned icols = 0;
    size_t ind;

    len = trim_end(s, len);
    ind = skip_indent(s, len, &icols);
    if (ind == len)
        return;
    g.s = s + ind;
    g.len = len - ind;
    g.line = line;
    g.width = known ? known - 1 : columns(g.s, g.len, NULL, NULL);
    g.indented = first && icols >= 2;
    g.total = g.width + (first ? icols : 0);
    emit_ff(r);
    segment(r, &g);
}

/*
 * One line of input: split at markers, or a blank line.  known: what the
 * statistics pass noted for it (see struct rd).
 */
static void
line_in(struct rd *r, const char *s, size_t len, unsigned line,
        uint32_t known)
{
    size_t at = 0, pos, mlen;
    const struct pd_marker_spelling *m;
    int first = 1;

    if (known) {
        piece(r, s, len, line, 1, known);
        return;
    }
    len = trim_end(s, len);
    if (skip_indent(s, len, NULL) == len) {
        blank_line(r);
        return;
    }
    for (;;) {
        pos = find_marker(s, len, at, &m, &mlen);
        if (pos == len) {
            piece(r, s + at, len - at, line, first, 0);
            return;
        }
        piece(r, s + at, pos - at, line, first, 0);
        marker(r, m, line);
        /* The marker ended the pending block. */
        pd_stream_point(&r->b);
        first = 0;
        at = pos + mlen;
    }
}

/*
 * Replace C0 control characters other than tab, line feed and form feed
 * by U+FFFD, warning once per line.  Returns 1 when out holds the
 * cleaned text, 0 when there was nothing to replace.
 */
static int
clean_controls(const char *s, size_t n, struct pd_buf *out, struct pd_diag *d)
{
    size_t i, start = 0;
    unsigned line = 1, warned = 0;
    int any = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\n') {
            line++;
            continue;
        }
        if (c >= 0x20 || c == '\t' || c == '\f')
            continue;
        if (!any) {
            pd_buf_grow(out, n + 16);
            any = 1;
        }
        pd_buf_put(out, s + start, i - start);
        pd_buf_puts(out, "\xEF\xBF\xBD");
        start = i + 1;
        if (warned != line) {
            pd_warn(d, line, "control character U+%04X replaced by U+FFFD",
                    c);
            warned = line;
        }
    }
    if (any)
        pd_buf_put(out, s + start, n - start);
    return any;
}

int
pd_read_txt(struct pd_doc *doc, const unsigned char *in, size_t len,
            const struct pd_opts *opts, struct pd_diag *d)
{
    struct pd_buf text = {0}, clean = {0};
    const char *s;
    size_t n, skip, pos = 0;
    unsigned line = 1;
    int ctl = 1;
    struct rd r;

    if (pd_decode_as_is(in, len, opts ? opts->encoding : NULL, &skip,
                        &ctl)) {
        /* Nothing to decode: read the input in place, without a copy. */
        s = (const char *)in + skip;
        n = len - skip;
    } else {
        if (pd_decode_text(in, len, opts ? opts->encoding : NULL, &text,
                           d) < 0) {
            pd_buf_free(&text);
            return -1;
        }
        s = text.data ? text.data : "";
        n = text.len;
    }
    /* The check above saw whether there are controls to clean. */
    if (ctl && clean_controls(s, n, &clean, d)) {
        pd_buf_free(&text);
        text = clean;
        s = text.data;
        n = text.len;
    }

    memset(&r, 0, sizeof(r));
    r.doc = doc;
    r.d = d;
    if (opts != NULL && opts->borrow_input && s >= (const char *)in &&
        s <= (const char *)in + len) {
        r.keep_lo = (const char *)in;
        r.keep_hi = (const char *)in + len;
    }
    /*
     * The builder's default depth limit stays: text nests at most five
     * deep (paid, list, item, paragraph, link), and a lower limit would
     * make it refuse blocks and so lose text.
     */
    pd_builder_init(&r.b, doc);
    r.title_possible = doc->root->first == NULL;
    gather_stats(&r, s, n);

    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) : n;

        line_in(&r, s + pos, end - pos, line,
                line - 1 < r.nlw ? r.lw[line - 1] : 0);
        /* Between lines the tree holds whole blocks only: the pending
         * one is not in it yet. */
        pd_stream_point(&r.b);
        pos = end + 1;
        line++;
    }
    flush(&r);
    close_list(&r);
    pd_marker_finish(&r.b, &r.paid, d);
    pd_pop_all(&r.b);
    pd_buf_free(&r.pbuf);
    pd_big_free(r.lw, r.lw_bytes);
    pd_buf_free(&text);
    return 0;
}
