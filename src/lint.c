/*
 * lint.c - checks before publishing (--lint): what a reader would not
 * notice until a customer complains.
 *
 *  - Numbering of headings: gaps (一、 then 三、; 1. 2. 4.), numbers out of
 *    order, and skipped levels of the GB/T 9704 hierarchy 一、 › （一） ›
 *    1. › （1） (一、 directly followed by 1.).  第一章 › 第一节 and decimal
 *    numbering (2.1, 2.1.1) are checked for gaps in the same way.
 *  - Paid sections that are empty, or that leave nothing free.
 *  - In the source text: words that look like a marker but are not one
 *    that the readers accept (##paidbegin#, ＃＃paidbegin＃＃, ##paid begin##,
 *    ##PaidBegin##), so that the paid text they were meant to hide would
 *    be published free.
 *
 * Unbalanced and nested markers are not checked here: the readers warn
 * about them (markers.c) while they read, and the program counts those
 * warnings as lint problems; reporting them again would count them twice.
 *
 * Everything is one walk of the tree and one pass over the text.
 */
#include <stdio.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/*
 * ------------------------------------------------------------------------
 * Heading numbers
 * ------------------------------------------------------------------------
 */

/* Families of numbering; a level is only compared within its family. */
enum family {
    FAM_NONE = 0,
    FAM_ZH,         /* 一、 （一） 1. （1）: ranks 0..3 */
    FAM_CHAPTER,    /* 第一章 第一节: ranks 0..1 */
    FAM_DEC         /* 1 引言, 2.1 Scope: components */
};

#define ZH_RANKS 4
#define CH_RANKS 2
#define DEC_MAX 8
/* Labels longer than this are shown cut (they are a few characters). */
#define LABEL_MAX 48

/* The number that starts a heading, as parsed from its text. */
struct label {
    enum family fam;
    int rank;               /* FAM_ZH, FAM_CHAPTER */
    long num;               /* its (last) number */
    int zh;                 /* written in Chinese numerals */
    int ndec;               /* FAM_DEC: components */
    long dec[DEC_MAX];
    char text[LABEL_MAX];   /* as written: "三、", "（2）", "2.1" */
    char open[8], close[8]; /* what surrounds the number: "（" "）" */
};

/* The numbering seen so far. */
struct numbering {
    long zh[ZH_RANKS];              /* last number per rank, 0: none yet */
    char zh_text[ZH_RANKS][LABEL_MAX];
    char zh_open[ZH_RANKS][8], zh_close[ZH_RANKS][8];
    int zh_zh[ZH_RANKS];            /* rank written in Chinese numerals */
    int zh_level[ZH_RANKS];         /* its heading level, 0: not seen */
    int zh_prev;                    /* rank of the last heading, -1 */
    char prev_text[LABEL_MAX];      /* label of the last heading */
    long ch[CH_RANKS];
    char ch_text[CH_RANKS][LABEL_MAX];
    int ch_prev;
    char ch_prev_text[LABEL_MAX];
    long dec[DEC_MAX];
    int ndec;
    char dec_text[LABEL_MAX];
};

/* The canonical spelling of each rank of FAM_ZH, for expectations. */
static const struct {
    const char *open, *close;
    int zh;
} zh_canon[ZH_RANKS] = {
    { "", "、", 1 }, { "（", "）", 1 }, { "", ".", 0 }, { "（", "）", 0 }
};

/*
 * Value of a Chinese numeral character: 0..9 for digits (also the
 * financial forms the txt reader accepts), 10 and 100 for 十 and 百
 * (multipliers), -1 for anything else.
 */
static int
zh_val(uint32_t c)
{
    static const struct {
        uint32_t c;
        int v;
    } tab[] = {
        { 0x3007, 0 }, { 0x96F6, 0 }, { 0x4E00, 1 }, { 0x58F9, 1 },
        { 0x4E8C, 2 }, { 0x4E24, 2 }, { 0x8D30, 2 }, { 0x4E09, 3 },
        { 0x53C1, 3 }, { 0x56DB, 4 }, { 0x8086, 4 }, { 0x4E94, 5 },
        { 0x4F0D, 5 }, { 0x516D, 6 }, { 0x9646, 6 }, { 0x4E03, 7 },
        { 0x67D2, 7 }, { 0x516B, 8 }, { 0x634C, 8 }, { 0x4E5D, 9 },
        { 0x7396, 9 }, { 0x5341, 10 }, { 0x62FE, 10 }, { 0x767E, 100 },
        { 0x4F70, 100 }
    };
    size_t i;

    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (tab[i].c == c)
            return tab[i].v;
    return -1;
}

/*
 * Read a run of Chinese numerals at s[*i]: 十一 = 11, 二十 = 20, 一百零五 =
 * 105.  Returns the value, or -1 when there is no numeral; *i moves past.
 */
static long
zh_number(const char *s, size_t len, size_t *i)
{
    long value = 0, cur = -1;
    size_t j = *i, t;
    int v, any = 0;

    while (j < len) {
        t = j;
        v = zh_val(pd_utf8_decode(s, len, &t));
        if (v < 0)
            break;
        if (v >= 10) {
            value += (cur < 0 ? 1 : cur) * v;
            cur = -1;
        } else if (v > 0 || cur >= 0) {
            cur = cur < 0 ? v : cur * 10 + v;   /* 一二 read as 12 */
        }
        any = 1;
        j = t;
        if (value > 99999)
            return -1;
    }
    if (!any)
        return -1;
    *i = j;
    return value + (cur < 0 ? 0 : cur);
}

/*
 * Read Arabic digits (ASCII or full-width) at s[*i], or -1.  At most
 * three, as in the txt reader: a year such as 2023 numbers nothing.
 */
static long
ar_number(const char *s, size_t len, size_t *i)
{
    long value = 0;
    size_t j = *i, t;
    int v, n = 0;

    while (j < len) {
        t = j;
        v = pd_digit_val(pd_utf8_decode(s, len, &t));
        if (v < 0)
            break;
        if (++n > 3)
            return -1;
        value = value * 10 + v;
        j = t;
    }
    if (n == 0)
        return -1;
    *i = j;
    return value;
}

/* Write n in Chinese numerals (1..999; Arabic beyond). */
static void
zh_format(long n, char *out, size_t size)
{
    static const char *const d[] = {
        "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"
    };
    long h = n / 100, t = n / 10 % 10, u = n % 10;

    if (n <= 0 || n > 999) {
        snprintf(out, size, "%ld", n);
        return;
    }
    snprintf(out, size, "%s%s%s%s%s%s",
             h ? d[h] : "", h ? "百" : "",
             h && t == 0 && u ? "零" : "",
             t && (t > 1 || h) ? d[t] : "", t ? "十" : "",
             u ? d[u] : "");
}

/* Copy the n bytes at s, cut to fit, as a label or delimiter. */
static void
copy_cut(char *dst, size_t size, const char *s, size_t n)
{
    if (n >= size)
        n = size - 1;
    /* Do not leave half a UTF-8 character at the end. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* 1 for the blanks that may follow a number: space, tab, U+3000. */
static int
is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/*
 * Parse the number that starts heading text s, the same shapes the txt
 * reader recognises (converters/read_txt.c, parse_line).  Returns 0 when
 * the heading is not numbered.
 */
static int
parse_label(const char *s, size_t len, struct label *lb)
{
    size_t i = 0, start, t;
    uint32_t c, c2;
    long n;

    memset(lb, 0, sizeof(*lb));
    while (i < len) {
        t = i;
        if (!is_blank(pd_utf8_decode(s, len, &t)))
            break;
        i = t;
    }
    start = i;
    if (i >= len)
        return 0;
    t = i;
    c = pd_utf8_decode(s, len, &t);

    if (c == 0x7B2C) {                          /* 第 */
        i = t;
        if ((n = zh_number(s, len, &i)) < 0 &&
            (n = ar_number(s, len, &i)) < 0)
            return 0;
        t = i;
        c2 = i < len ? pd_utf8_decode(s, len, &t) : 0;
        if (c2 != 0x7AE0 && c2 != 0x8282)       /* 章 节 */
            return 0;
        lb->fam = FAM_CHAPTER;
        lb->rank = c2 == 0x7AE0 ? 0 : 1;
        lb->num = n;
        copy_cut(lb->text, sizeof(lb->text), s + start, t - start);
        return 1;
    }

    if (c == 0xFF08 || c == '(') {              /* （一） (1) */
        size_t open_end = t;

        i = t;
        if ((n = zh_number(s, len, &i)) >= 0)
            lb->zh = 1;
        else if ((n = ar_number(s, len, &i)) < 0)
            return 0;
        t = i;
        c2 = i < len ? pd_utf8_decode(s, len, &t) : 0;
        if (c2 != 0xFF09 && c2 != ')')
            return 0;
        lb->fam = FAM_ZH;
        lb->rank = lb->zh ? 1 : 3;
        lb->num = n;
        copy_cut(lb->open, sizeof(lb->open), s + start, open_end - start);
        copy_cut(lb->close, sizeof(lb->close), s + i, t - i);
        copy_cut(lb->text, sizeof(lb->text), s + start, t - start);
        return 1;
    }

    if (zh_val(c) >= 0) {                       /* 一、 一． */
        if ((n = zh_number(s, len, &i)) < 0)
            return 0;
        t = i;
        c2 = i < len ? pd_utf8_decode(s, len, &t) : 0;
        if (c2 != 0x3001 && c2 != 0xFF0E)
            return 0;
        lb->fam = FAM_ZH;
        lb->rank = 0;
        lb->zh = 1;
        lb->num = n;
        copy_cut(lb->close, sizeof(lb->close), s + i, t - i);
        copy_cut(lb->text, sizeof(lb->text), s + start, t - start);
        return 1;
    }

    if (pd_digit_val(c) >= 0) {                    /* 1. 1、 1 引言 2.1 */
        if ((n = ar_number(s, len, &i)) < 0)
            return 0;
        lb->dec[0] = n;
        lb->ndec = 1;
        t = i;
        c2 = i < len ? pd_utf8_decode(s, len, &t) : 0;
        if (c2 == '.' || c2 == 0xFF0E || c2 == 0x3001) {
            size_t after = t, k = t;
            long m;

            /* More components: 2.1, 1.1.1, also "1.1. Scope". */
            while (c2 != 0x3001 && (m = ar_number(s, len, &k)) >= 0) {
                if (lb->ndec == DEC_MAX)
                    return 0;
                lb->dec[lb->ndec++] = m;
                after = k;
                c2 = k < len ? pd_utf8_decode(s, len, &k) : 0;
                if (c2 != '.' && c2 != 0xFF0E)
                    break;
                after = k;
            }
            if (lb->ndec == 1) {
                /* 1. 1． 1、 : a rank of the Chinese hierarchy. */
                lb->fam = FAM_ZH;
                lb->rank = 2;
                lb->num = n;
                copy_cut(lb->close, sizeof(lb->close), s + i, t - i);
                copy_cut(lb->text, sizeof(lb->text), s + start, t - start);
                return 1;
            }
            lb->fam = FAM_DEC;
            lb->num = lb->dec[lb->ndec - 1];
            copy_cut(lb->text, sizeof(lb->text), s + start, after - start);
            /* Drop a trailing "." or blank from the label. */
            while (lb->text[0] != '\0' &&
                   strchr(". ", lb->text[strlen(lb->text) - 1]) != NULL)
                lb->text[strlen(lb->text) - 1] = '\0';
            return 1;
        }
        if (is_blank(c2)) {                     /* 1 引言 */
            lb->fam = FAM_DEC;
            lb->num = n;
            copy_cut(lb->text, sizeof(lb->text), s + start, i - start);
            return 1;
        }
    }
    return 0;
}

/* The label for number n at rank r of FAM_ZH, in the document's style. */
static void
zh_expect(const struct numbering *nb, int r, long n, char *out, size_t size)
{
    char num[32];
    const char *open = zh_canon[r].open, *close = zh_canon[r].close;
    int zh = zh_canon[r].zh;

    if (nb->zh_close[r][0] != '\0') {           /* seen: as written */
        open = nb->zh_open[r];
        close = nb->zh_close[r];
        zh = nb->zh_zh[r];
    }
    if (zh)
        zh_format(n, num, sizeof(num));
    else
        snprintf(num, sizeof(num), "%ld", n);
    snprintf(out, size, "%s%s%s", open, num, close);
}

/*
 * Report a number that is not the one expected: a gap when it jumps
 * ahead, out of order when it repeats or goes back.  prev is the label it
 * follows, NULL at the start of the document.
 */
static void
report_number(struct pd_diag *d, unsigned line, const char *found,
              const char *prev, long last, long n, const char *expect)
{
    if (prev == NULL)
        pd_warn(d, line, "numbering starts at %s (expected %s)", found,
                expect);
    else if (n > last + 1)
        pd_warn(d, line, "numbering gap: %s follows %s (expected %s)",
                found, prev, expect);
    else
        pd_warn(d, line, "numbering out of order: %s follows %s "
                "(expected %s)", found, prev, expect);
}

/* A heading of FAM_ZH: skipped levels, then the number. */
static unsigned
check_zh(struct numbering *nb, const struct label *lb, int level,
         unsigned line, struct pd_diag *d)
{
    char expect[LABEL_MAX + 16];
    int r = lb->rank, k;
    unsigned problems = 0;

    if (nb->zh_prev >= 0 && r > nb->zh_prev + 1) {
        zh_expect(nb, nb->zh_prev + 1, nb->zh[nb->zh_prev + 1] + 1, expect,
                  sizeof(expect));
        pd_warn(d, line, "skipped level: %s follows %s (expected %s)",
                lb->text, nb->prev_text, expect);
        problems++;
    } else if (lb->num != nb->zh[r] + 1) {
        zh_expect(nb, r, nb->zh[r] + 1, expect, sizeof(expect));
        report_number(d, line, lb->text,
                      nb->zh[r] != 0 ? nb->zh_text[r] :
                      nb->zh_prev >= 0 ? nb->prev_text : NULL,
                      nb->zh[r], lb->num, expect);
        problems++;
    }
    /*
     * Go on from what the document has, so that one slip is one report.
     * The numbering below this heading starts again: below in the tree,
     * that is by the levels the reader gave (in the order the styles
     * first appear), so that a document that puts 1. above （一） is not
     * taken to task for every heading; in GB/T order that is the same.
     */
    nb->zh[r] = lb->num;
    nb->zh_level[r] = level;
    for (k = 0; k < ZH_RANKS; k++)
        if (k != r && nb->zh_level[k] > level)
            nb->zh[k] = 0;
    memcpy(nb->zh_text[r], lb->text, sizeof(lb->text));
    memcpy(nb->zh_close[r], lb->close, sizeof(lb->close));
    memcpy(nb->zh_open[r], lb->open, sizeof(lb->open));
    nb->zh_zh[r] = lb->zh;
    nb->zh_prev = r;
    memcpy(nb->prev_text, lb->text, sizeof(lb->text));
    /* 1. under a new 一、 or （一） starts a new decimal outline too. */
    if (r != 2 && (nb->zh_level[2] == 0 || nb->zh_level[2] > level))
        nb->ndec = 0;
    else if (r == 2) {
        nb->dec[0] = lb->num;
        nb->ndec = 1;
        memcpy(nb->dec_text, lb->text, sizeof(lb->text));
    }
    return problems;
}

/* A heading of FAM_CHAPTER: 第一章 第二章, 第一节 第二节 within a chapter. */
static unsigned
check_chapter(struct numbering *nb, const struct label *lb, unsigned line,
              struct pd_diag *d)
{
    char expect[LABEL_MAX + 16], num[32];
    int r = lb->rank;
    unsigned problems = 0;

    if (lb->num != nb->ch[r] + 1) {
        zh_format(nb->ch[r] + 1, num, sizeof(num));
        snprintf(expect, sizeof(expect), "第%s%s", num, r == 0 ? "章" : "节");
        report_number(d, line, lb->text,
                      nb->ch[r] != 0 ? nb->ch_text[r] :
                      nb->ch_prev >= 0 ? nb->ch_prev_text : NULL,
                      nb->ch[r], lb->num, expect);
        problems++;
    }
    nb->ch[r] = lb->num;
    if (r == 0)
        nb->ch[1] = 0;
    memcpy(nb->ch_text[r], lb->text, sizeof(lb->text));
    nb->ch_prev = r;
    memcpy(nb->ch_prev_text, lb->text, sizeof(lb->text));
    /* Below a chapter or section every other numbering starts again. */
    memset(nb->zh, 0, sizeof(nb->zh));
    nb->zh_prev = -1;
    nb->ndec = 0;
    return problems;
}

/* Write decimal components as "2.1.3". */
static void
dec_format(const long *c, int n, char *out, size_t size)
{
    size_t used = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%ld",
                                 i ? "." : "", c[i]);
}

/*
 * A heading of FAM_DEC (1 引言, 2.1 Scope): the number must continue the
 * outline, 2.1 after 2 or 1.x, 2.2 after 2.1 or 2.1.x, 3 after 2.x.
 */
static unsigned
check_dec(struct numbering *nb, const struct label *lb, unsigned line,
          struct pd_diag *d)
{
    long want[DEC_MAX];
    char expect[LABEL_MAX + 16];
    int k = lb->ndec, i, same = 1;
    unsigned problems = 0;

    if (nb->ndec > 0 && k > nb->ndec + 1) {
        memcpy(want, nb->dec, sizeof(long) * (size_t)nb->ndec);
        want[nb->ndec] = 1;
        dec_format(want, nb->ndec + 1, expect, sizeof(expect));
        pd_warn(d, line, "skipped level: %s follows %s (expected %s)",
                lb->text, nb->dec_text, expect);
        problems++;
    } else if (k <= nb->ndec + 1) {
        /* Expected: the previous outline cut to k, its last one more. */
        for (i = 0; i < k - 1; i++)
            want[i] = i < nb->ndec ? nb->dec[i] : 1;
        want[k - 1] = k <= nb->ndec ? nb->dec[k - 1] + 1 : 1;
        for (i = 0; i < k; i++)
            if (want[i] != lb->dec[i])
                same = 0;
        if (!same) {
            dec_format(want, k, expect, sizeof(expect));
            report_number(d, line, lb->text,
                          nb->ndec > 0 ? nb->dec_text : NULL,
                          k <= nb->ndec ? nb->dec[k - 1] : 0, lb->num,
                          expect);
            problems++;
        }
    }
    memcpy(nb->dec, lb->dec, sizeof(long) * (size_t)k);
    nb->ndec = k;
    memcpy(nb->dec_text, lb->text, sizeof(lb->text));
    return problems;
}

/*
 * ------------------------------------------------------------------------
 * The tree: headings and paid sections
 * ------------------------------------------------------------------------
 */

static unsigned
check_tree(const struct pd_doc *doc, struct pd_diag *d)
{
    struct numbering nb;
    struct pd_iter it;
    const struct pd_node *n, *first_paid = NULL;
    struct pd_buf text = {0};
    struct label lb;
    size_t free_chars = 0, paid_chars = 0, c;
    unsigned problems = 0;

    memset(&nb, 0, sizeof(nb));
    nb.zh_prev = nb.ch_prev = -1;
    pd_iter_init(&it, doc->root);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE) {
        if (it.ev != PD_EVENT_ENTER)
            continue;
        if (n->type == PD_NODE_PAID) {
            c = pd_node_chars(n);
            if (c == 0) {
                pd_warn(d, n->line, "empty paid section: nothing between "
                        "the markers");
                problems++;
            }
            if (first_paid == NULL)
                first_paid = n;
            paid_chars += c;
        } else if (n->type == PD_NODE_HEADING) {
            pd_buf_clear(&text);
            pd_node_text(n, &text);
            if (text.len > 0 && parse_label(text.data, text.len, &lb)) {
                if (lb.fam == FAM_ZH)
                    problems += check_zh(&nb, &lb, n->as.heading.level,
                                         n->line, d);
                else if (lb.fam == FAM_CHAPTER)
                    problems += check_chapter(&nb, &lb, n->line, d);
                else
                    problems += check_dec(&nb, &lb, n->line, d);
            }
            pd_iter_skip(&it);
        }
    }
    pd_buf_free(&text);

    /*
     * The free text is what a preview shows; the title alone is no
     * preview.  Paid sections are top-level, so the other top-level
     * blocks are the free part.
     */
    if (first_paid != NULL && paid_chars > 0) {
        for (n = doc->root->first; n != NULL; n = n->next)
            if (n->type != PD_NODE_PAID && n->type != PD_NODE_TITLE)
                free_chars += pd_node_chars(n);
        if (free_chars == 0) {
            pd_warn(d, first_paid->line, "paid section covers the whole "
                    "document (expected some free text before or after it)");
            problems++;
        }
    }
    return problems;
}

/*
 * ------------------------------------------------------------------------
 * The source text: misspelled markers
 * ------------------------------------------------------------------------
 */

/* One character of a line: folded for matching, and where it starts. */
struct ch {
    uint32_t c;         /* full-width forms folded to ASCII, lower case */
    size_t off;         /* byte offset in the line */
};

/* Fold full-width ASCII (＃, ｐ) to ASCII and letters to lower case. */
static uint32_t
fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    else if (c == 0xFE5F)               /* small number sign */
        c = '#';
    else if (c == 0xFE69)               /* small dollar sign */
        c = '$';
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    return c;
}

static int
is_delim(uint32_t c)
{
    return c == '#' || c == '$';
}

static int
is_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* 1 when the folded characters at l[i..] spell w; *end gets the end. */
static int
match(const struct ch *l, size_t n, size_t i, const char *w, size_t *end)
{
    for (; *w != '\0'; w++, i++)
        if (i >= n || l[i].c != (uint32_t)(unsigned char)*w)
            return 0;
    *end = i;
    return 1;
}

/*
 * The marker word at l[i..]: paid begin, paid end or page break, with at
 * most two separators (space, _ or -) inside ("paid begin").  Returns the
 * accepted spelling it resembles, or NULL; *end gets the end of the word.
 */
static const char *
marker_word(const struct ch *l, size_t n, size_t i, int dollar, size_t *end)
{
    static const struct {
        const char *head, *tail, *hash, *dollar;
    } words[] = {
        { "paid", "begin", "##paidbegin##", "$$paidbegin$$" },
        { "paid", "end", "##paidend##", "$$paidend$$" },
        { "page", "break", "##pagebreak##", "##pagebreak##" },
    };
    size_t k, j, seps;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (!match(l, n, i, words[k].head, &j))
            continue;
        for (seps = 0; j < n && seps < 2 && (l[j].c == ' ' ||
             l[j].c == '_' || l[j].c == '-' || l[j].c == 0x3000); seps++)
            j++;
        if (match(l, n, j, words[k].tail, end) &&
            (*end >= n || !is_letter(l[*end].c)))
            return dollar ? words[k].dollar : words[k].hash;
    }
    return NULL;
}

/* Delimiters and blanks looked at around a marker word, at most. */
#define RUN_MAX 8
/* Characters decoded around a candidate: the runs and the longest word. */
#define WINDOW (RUN_MAX + 16 + RUN_MAX)

/* 1 when the byte at s[p] starts p, P, ｐ or Ｐ: where a word may start. */
static int
candidate(const char *s, size_t len, size_t p)
{
    const unsigned char *u = (const unsigned char *)s + p;

    if (u[0] == 'p' || u[0] == 'P')
        return 1;
    return u[0] == 0xEF && len - p >= 3 &&
        ((u[1] == 0xBD && u[2] == 0x90) || (u[1] == 0xBC && u[2] == 0xB0));
}

/*
 * Check one line (UTF-8, without its LF).  Accepted markers are found
 * first with the readers' own function (markers.c), so that no accepted
 * spelling is ever reported; a marker word outside them that has a # or $
 * next to it is reported.  A word without any (prose about "paidbegin")
 * is left alone.  Each candidate is looked at through a window of a few
 * characters, so that a line of any length costs time in proportion and
 * no memory.
 */
static unsigned
check_line(const char *s, size_t len, unsigned line, struct pd_diag *d)
{
    const struct pd_marker_spelling *m;
    struct ch w[WINDOW + 1];
    size_t p, q, i, n, at, j, end, lo, hi, ok_start, ok_end, floor = 0;
    unsigned problems = 0;
    const char *want;
    int dollar, delims;

    ok_start = pd_marker_find(s, 0, len, &m);
    ok_end = m != NULL ? ok_start + m->len : len;
    for (p = 0; p < len; p++) {
        if (!candidate(s, len, p))
            continue;
        /* Skip the accepted markers that end before this word. */
        while (m != NULL && ok_end <= p) {
            floor = ok_end;
            ok_start = pd_marker_find(s, ok_end, len, &m);
            ok_end = m != NULL ? ok_start + m->len : len;
        }
        if (m != NULL && ok_start <= p)
            continue;                   /* inside an accepted marker */

        /* The window: RUN_MAX characters back (not into a marker). */
        for (q = p, at = 0; at < RUN_MAX && q > floor; at++)
            pd_utf8_decode_prev(s, &q);
        for (i = q, n = 0; n < WINDOW && i < len; n++) {
            w[n].off = i;
            w[n].c = fold(pd_utf8_decode(s, len, &i));
        }
        w[n].off = i;
        if (at > 0 && is_letter(w[at - 1].c))
            continue;                   /* inside a word: "prepaid" */

        /* Delimiters before the word. */
        lo = at;
        delims = 0;
        dollar = 0;
        while (lo > 0 && (is_delim(w[lo - 1].c) || w[lo - 1].c == ' ')) {
            lo--;
            if (is_delim(w[lo].c)) {
                delims++;
                dollar = w[lo].c == '$';
            }
        }
        while (lo < at && !is_delim(w[lo].c))
            lo++;                       /* no blanks before the first # */
        if (marker_word(w, n, at, dollar, &end) == NULL)
            continue;
        /* Delimiters after it, not reaching into the next marker. */
        hi = end;
        for (j = 0; j < RUN_MAX && hi < n &&
             (m == NULL || w[hi].off < ok_start) &&
             (is_delim(w[hi].c) || w[hi].c == ' '); j++) {
            if (is_delim(w[hi].c)) {
                if (delims == 0)
                    dollar = w[hi].c == '$';
                delims++;
            }
            hi++;
        }
        while (hi > end && !is_delim(w[hi - 1].c))
            hi--;
        if (delims == 0)
            continue;
        want = marker_word(w, n, at, dollar, &end);
        pd_warn(d, line, "misspelled marker: %.*s (expected %s)",
                (int)(w[hi].off - w[lo].off), s + w[lo].off, want);
        problems++;
        p = w[hi].off - 1;              /* go on after what was reported */
    }
    return problems;
}

/* Every line of the source, decoded as the txt reader decodes it. */
static unsigned
check_source(const unsigned char *src, size_t len, struct pd_diag *d)
{
    struct pd_buf text = {0};
    struct pd_diag quiet = {0};
    unsigned problems = 0, line = 1;
    size_t start = 0, i;

    /* Undecodable input was refused by the reader already. */
    if (pd_decode_text(src, len, NULL, &text, &quiet) == 0) {
        for (i = 0; i <= text.len; i++) {
            if (i < text.len && text.data[i] != '\n')
                continue;
            problems += check_line(text.data + start, i - start, line, d);
            start = i + 1;
            line++;
        }
    }
    pd_buf_free(&text);
    return problems;
}

unsigned
pd_lint(const struct pd_doc *doc, const unsigned char *src, size_t len,
        struct pd_diag *d)
{
    unsigned problems = check_tree(doc, d);

    if (src != NULL)
        problems += check_source(src, len, d);
    return problems;
}
