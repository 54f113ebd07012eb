/*
 * write_txt.c - the normalised plain text of SPEC §2 "Writing txt".
 *
 * CJK documents get one line per block and no blank lines; Latin ones a
 * blank line between blocks.  Paragraphs are never wrapped.  Markers stand
 * on their own lines in the ##...## spelling.  A run-in heading is joined
 * with its paragraph again.  Unnumbered headings are underlined so that
 * the txt reader sees them as headings.  Text that spells a marker is
 * changed (its first character becomes the full-width twin) so that it
 * can never open or close a paid section when read back.
 *
 * The output is designed to be a fixed point: reading it and writing it
 * again gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"
#include "layout.h"

struct txt {
    struct pd_lay lay;
    struct pd_buf *out;
    struct pd_diag *d;
    int cjk;                /* CJK document: no blank lines */
    struct pd_buf line;     /* inline content of the open block */
    struct pd_buf norm;     /* line after normalisation */
    size_t link_off;        /* where the open link's text starts */
    size_t join_off;        /* run-in: where the paragraph starts */
    int joining;            /* a run-in heading waits for its paragraph */
    int warned_marker;
    char marker[64];
};

/* Display width of a character: 2 for wide (CJK) characters. */
static int
char_width(uint32_t c)
{
    return pd_is_cjk(c) || (c >= 0x1100 && c <= 0x115F) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x20000 && c <= 0x3FFFD) ? 2 : 1;
}

/* 1 for the Chinese numerals of headings like 一、 and （十二）. */
static int
cn_numeral(uint32_t c)
{
    return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB ||
        c == 0x4E94 || c == 0x516D || c == 0x4E03 || c == 0x516B ||
        c == 0x4E5D || c == 0x5341 || c == 0x767E || c == 0x96F6 ||
        c == 0x3007 || c == 0x4E24;
}

/* 1 for ASCII and full-width digits. */
static int
is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/*
 * 1 when a heading's text starts with a numbering the txt reader takes as
 * a heading by itself: 1. 2.1 一、 （一） (1) 第…章 Chapter Part Section.
 */
static int
looks_numbered(const char *s, size_t len)
{
    static const char *const words[] = {
        "chapter ", "part ", "section ", "appendix "
    };
    size_t i = 0, k;
    uint32_t c;
    int n = 0;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        size_t wl = strlen(words[k]), j;

        if (len <= wl)
            continue;
        for (j = 0; j < wl; j++)
            if ((s[j] | 0x20) != words[k][j] && !(words[k][j] == ' ' &&
                                                  s[j] == ' '))
                break;
        if (j == wl)
            return 1;
    }
    if (len == 0)
        return 0;
    c = pd_utf8_decode(s, len, &i);
    if (c == 0x7B2C)                                /* 第 */
        return 1;
    if (c == '(' || c == 0xFF08) {
        while (i < len && (is_digit(c = pd_utf8_decode(s, len, &i)) ||
                           cn_numeral(c)))
            n++;
        return n > 0 && (c == ')' || c == 0xFF09);
    }
    if (cn_numeral(c)) {
        while (i < len && cn_numeral(c = pd_utf8_decode(s, len, &i)))
            ;
        return c == 0x3001;                          /* 、 */
    }
    if (is_digit(c)) {
        while (i < len && (is_digit(c = pd_utf8_decode(s, len, &i)) ||
                           c == '.' || c == 0xFF0E))
            ;
        return c == '.' || c == 0xFF0E || c == 0x3001 || c == ' ' ||
            c == 0x3000 || pd_is_han(c);
    }
    return 0;
}

/*
 * Normalise t->line into t->norm: line ends become a space (nothing
 * between two CJK characters), leading and trailing white space goes, and
 * marker spellings are defused.
 */
static void
normalise(struct txt *t, const char *s, size_t len)
{
    size_t i = 0, run, k;
    uint32_t prev = 0, next;

    pd_buf_clear(&t->norm);
    pd_buf_put(&t->norm, "", 0);
    while (i < len) {
        run = i;
        while (i < len && s[i] != '\n' && s[i] != '\r' && s[i] != '#' &&
               s[i] != '$')
            i++;
        pd_buf_put(&t->norm, s + run, i - run);
        if (i >= len)
            break;
        if (s[i] == '#' || s[i] == '$') {
            if (pd_marker_at(s + i, len - i) > 0) {
                /* ＃ or ＄ instead of the first character. */
                pd_buf_puts(&t->norm, s[i] == '#' ? "\xEF\xBC\x83"
                                                  : "\xEF\xBC\x84");
                if (!t->warned_marker)
                    pd_warn(t->d, 0, "text spelling a marker was changed "
                            "so that it stays text");
                t->warned_marker = 1;
            } else
                pd_buf_putc(&t->norm, s[i]);
            i++;
            continue;
        }
        /* A run of line ends: a space unless CJK is on both sides. */
        k = t->norm.len;
        prev = k > 0 ? pd_utf8_decode_prev(t->norm.data, &k) : 0;
        while (i < len && (s[i] == '\n' || s[i] == '\r'))
            i++;
        k = i;
        next = i < len ? pd_utf8_decode(s, len, &k) : 0;
        if (!(pd_is_cjk(prev) && pd_is_cjk(next)))
            pd_buf_putc(&t->norm, ' ');
    }
    /* Trim white space (also U+3000) at both ends. */
    k = t->norm.len;
    while (k > 0) {
        size_t j = k;

        if (!pd_is_space(pd_utf8_decode_prev(t->norm.data, &j)))
            break;
        k = j;
    }
    t->norm.len = k;
    i = 0;
    while (i < t->norm.len) {
        size_t j = i;

        if (!pd_is_space(pd_utf8_decode(t->norm.data, t->norm.len, &j)))
            break;
        i = j;
    }
    if (i > 0) {
        memmove(t->norm.data, t->norm.data + i, t->norm.len - i);
        t->norm.len -= i;
    }
    t->norm.data[t->norm.len] = '\0';
}

/* Write a line of its own as a block. */
static void
put_block_line(struct txt *t, const char *s, size_t n)
{
    pd_lay_block(&t->lay, !t->cjk);
    pd_lay_put(&t->lay, s, n);
}

/*
 * Write the collected inline content as one block; for a run-in heading
 * joined with its paragraph, a space goes between them unless either
 * side is CJK.
 */
static void
flush_line(struct txt *t, int blank)
{
    if (t->join_off > 0 && t->join_off < t->line.len) {
        size_t a = t->join_off, b = t->join_off;
        uint32_t before = pd_utf8_decode_prev(t->line.data, &a);
        uint32_t after = pd_utf8_decode(t->line.data, t->line.len, &b);

        if (!pd_is_cjk(before) && !pd_is_cjk(after) &&
            !pd_is_space(before) && !pd_is_space(after)) {
            pd_buf_put(&t->norm, "", 0);
            pd_buf_clear(&t->norm);
            pd_buf_put(&t->norm, t->line.data + t->join_off,
                       t->line.len - t->join_off);
            t->line.len = t->join_off;
            pd_buf_putc(&t->line, ' ');
            pd_buf_put(&t->line, t->norm.data, t->norm.len);
        }
    }
    t->join_off = 0;
    normalise(t, t->line.data, t->line.len);
    pd_buf_clear(&t->line);
    if (t->norm.len == 0)
        return;
    pd_lay_block(&t->lay, blank);
    pd_lay_put(&t->lay, t->norm.data, t->norm.len);
}

/* Blank line before a block: none in CJK documents or tight lists. */
static int
blank_before(const struct txt *t, const struct pd_node *n)
{
    const struct pd_node *p = n->parent;

    if (t->cjk)
        return 0;
    if (n->type == PD_NODE_LIST_ITEM) {
        if (n->prev != NULL)
            return !p->as.list.tight;
        n = p;              /* the first item: as the list itself */
        p = n->parent;
    }
    if (p != NULL && p->type == PD_NODE_LIST_ITEM && p->parent->as.list.tight)
        return 0;
    return 1;
}

/* The letters of an alphabetic item number: a..z, aa, ab, ... */
static void
put_alpha(char *buf, size_t size, int n, int upper)
{
    char tmp[16];
    size_t k = 0, i;

    if (n < 1)
        n = 1;
    while (n > 0 && k < sizeof(tmp)) {
        n--;
        tmp[k++] = (char)((upper ? 'A' : 'a') + n % 26);
        n /= 26;
    }
    for (i = 0; i < k && i + 1 < size; i++)
        buf[i] = tmp[k - 1 - i];
    buf[i] = '\0';
}

/* The marker of list item n: "- ", "• ", "3) ", "c) ", "③". */
static void
item_marker(struct txt *t, const struct pd_node *item)
{
    const struct pd_node *list = item->parent;
    int idx, num, mark;
    char al[16];
    struct pd_buf b = {0};
    uint32_t bu = list->as.list.bullet;

    idx = pd_lay_item(&t->lay, &mark);
    if (list->type == PD_NODE_BULLET_LIST) {
        if (bu != '-' && bu != '*' && bu != 0x2022 && bu != 0xB7)
            bu = '-';
        pd_utf8_put(&b, bu);
        pd_buf_putc(&b, ' ');
    } else {
        num = list->as.list.start + idx;
        switch ((pd_list_numbering)list->as.list.numbering) {
        case PD_NUM_DECIMAL:
            /*
             * "1." as the source had it; but a lone "1. Text" reads as a
             * heading, so a one-item list keeps "1)".
             */
            if (list->as.list.delim == PD_DELIM_PERIOD &&
                list->first != list->last)
                pd_buf_printf(&b, t->cjk ? "%d." : "%d. ", num);
            else
                pd_buf_printf(&b, "%d) ", num);
            break;
        case PD_NUM_LOWER_ALPHA:
        case PD_NUM_UPPER_ALPHA:
            put_alpha(al, sizeof(al), num,
                      list->as.list.numbering == PD_NUM_UPPER_ALPHA);
            pd_buf_printf(&b, "%s) ", al);
            break;
        case PD_NUM_CIRCLED:
            if (num >= 1 && num <= 20)
                pd_utf8_put(&b, 0x2460 + (uint32_t)num - 1);
            else if (num >= 21 && num <= 35)
                pd_utf8_put(&b, 0x3251 + (uint32_t)num - 21);
            else if (num >= 36 && num <= 50)
                pd_utf8_put(&b, 0x32B1 + (uint32_t)num - 36);
            else
                pd_buf_printf(&b, "%d)", num);
            if (!t->cjk)
                pd_buf_putc(&b, ' ');
            break;
        }
    }
    snprintf(t->marker, sizeof(t->marker), "%s", b.data);
    pd_buf_free(&b);
}

static void
rndr_item(struct txt *t, const struct pd_node *n, int entering)
{
    char cont[64];
    size_t i, w = 0, k = 0, len;

    if (!entering) {
        flush_line(t, 0);
        pd_lay_pop(&t->lay);
        return;
    }
    pd_lay_block(&t->lay, blank_before(t, n));
    item_marker(t, n);
    len = strlen(t->marker);
    while (k < len) {
        w += (size_t)char_width(pd_utf8_decode(t->marker, len, &k));
    }
    for (i = 0; i < w && i < sizeof(cont) - 1; i++)
        cont[i] = ' ';
    cont[i] = '\0';
    pd_lay_push(&t->lay, t->marker, cont);
}

/*
 * Headings: the text alone; an unnumbered one underlined with = (level
 * 1) or - as wide as the text.  A run-in heading waits for its paragraph.
 */
static void
rndr_heading(struct txt *t, const struct pd_node *n, int entering)
{
    size_t i = 0, w = 0;

    if (entering) {
        pd_buf_clear(&t->line);
        return;
    }
    if (n->type == PD_NODE_HEADING && n->as.heading.run_in &&
        n->next != NULL && n->next->type == PD_NODE_PARAGRAPH) {
        t->joining = 1;
        return;
    }
    flush_line(t, blank_before(t, n));
    if (n->type == PD_NODE_TITLE || t->norm.len == 0 ||
        looks_numbered(t->norm.data, t->norm.len))
        return;
    while (i < t->norm.len)
        w += (size_t)char_width(pd_utf8_decode(t->norm.data, t->norm.len,
                                               &i));
    if (w < 3)
        w = 3;
    pd_lay_cr(&t->lay);
    for (i = 0; i < w; i++)
        pd_lay_put(&t->lay, n->as.heading.level == 1 ? "=" : "-", 1);
}

static void
rndr_code_block(struct txt *t, const struct pd_node *n)
{
    const char *s = n->text, *e = s + n->len, *nl;

    if (n->len > 0 && e[-1] == '\n')
        e--;
    pd_lay_block(&t->lay, blank_before(t, n));
    while (s <= e) {
        nl = memchr(s, '\n', (size_t)(e - s));
        if (nl == NULL)
            nl = e;
        pd_lay_put(&t->lay, s, (size_t)(nl - s));
        if (nl < e)
            pd_lay_cr(&t->lay);
        s = nl + 1;
    }
}

/* After a link's text: " (url)" unless the text is the address. */
static void
rndr_link_end(struct txt *t, const struct pd_node *n)
{
    const char *url = n->as.link.url, *text = t->line.data + t->link_off;
    size_t tl = t->line.len - t->link_off, ul = strlen(url);

    if (tl == ul && memcmp(text, url, ul) == 0)
        return;
    if (ul == tl + 7 && strncmp(url, "mailto:", 7) == 0 &&
        memcmp(url + 7, text, tl) == 0)
        return;
    if (ul == 0)
        return;
    if (tl == 0) {
        pd_buf_puts(&t->line, url);
        return;
    }
    pd_buf_puts(&t->line, " (");
    pd_buf_puts(&t->line, url);
    pd_buf_putc(&t->line, ')');
}

/* Dispatch one iterator event. */
static void
rndr_node(struct txt *t, const struct pd_node *n, int entering)
{
    switch (n->type) {
    case PD_NODE_DOCUMENT:
        break;
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
        rndr_heading(t, n, entering);
        break;
    case PD_NODE_PARAGRAPH:
    case PD_NODE_PAYWALL:
        if (entering) {
            if (t->joining)
                t->join_off = t->line.len;
            else
                pd_buf_clear(&t->line);
            t->joining = 0;
        } else
            flush_line(t, blank_before(t, n));
        break;
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
        if (entering)
            pd_lay_list_enter(&t->lay, n, 0, 0);
        else
            pd_lay_list_exit(&t->lay, n);
        break;
    case PD_NODE_LIST_ITEM:
        rndr_item(t, n, entering);
        break;
    case PD_NODE_BLOCK_QUOTE:
        if (entering) {
            pd_lay_block(&t->lay, blank_before(t, n));
            pd_lay_push(&t->lay, "> ", "> ");
        } else
            pd_lay_pop(&t->lay);
        break;
    case PD_NODE_CODE_BLOCK:
        rndr_code_block(t, n);
        break;
    case PD_NODE_THEMATIC_BREAK:
        put_block_line(t, "***", 3);
        break;
    case PD_NODE_PAGE_BREAK:
        put_block_line(t, "##pagebreak##", 13);
        break;
    case PD_NODE_PAID:
        if (entering)
            put_block_line(t, "##paidbegin##", 13);
        else
            put_block_line(t, "##paidend##", 11);
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        break;
    case PD_NODE_TEXT:
    case PD_NODE_CODE:
        pd_buf_put(&t->line, n->text, n->len);
        break;
    case PD_NODE_LINE_BREAK:
        pd_buf_putc(&t->line, '\n');
        break;
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
        break;
    case PD_NODE_LINK:
        if (entering)
            t->link_off = t->line.len;
        else
            rndr_link_end(t, n);
        break;
    case PD_NODE_NONE:
    case PD_NODE__MAX:
        break;
    }
}

static struct pd_walker *
txt_begin(const struct pd_doc *doc, struct pd_buf *out,
          const struct pd_opts *opts, struct pd_diag *d)
{
    struct txt *t = pd_xmalloc(sizeof(*t));

    (void)opts;
    memset(t, 0, sizeof(*t));
    t->d = d;
    t->cjk = pd_doc_is_cjk(doc);
    pd_lay_init(&t->lay, out);
    t->out = out;
    return (struct pd_walker *)t;
}

static int
txt_event(struct pd_walker *w, const struct pd_node *n, pd_event ev)
{
    struct txt *t = (struct txt *)w;

    rndr_node(t, n, ev == PD_EVENT_ENTER);
    pd_buf_checkpoint(t->out);
    return 0;
}

static void
txt_end(struct pd_walker *w)
{
    struct txt *t = (struct txt *)w;

    pd_lay_finish(&t->lay);
    pd_lay_free(&t->lay);
    pd_buf_free(&t->line);
    pd_buf_free(&t->norm);
    free(t);
}

const struct pd_walker_ops pd_txt_walker = { txt_begin, txt_event, txt_end };

int
pd_write_txt(const struct pd_doc *doc, struct pd_buf *out,
             const struct pd_opts *opts, struct pd_diag *d)
{
    return pd_walk_write(&pd_txt_walker, doc, out, opts, d);
}
