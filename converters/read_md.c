/*
 * read_md.c - CommonMark in, through cmark.
 *
 * Three stages:
 *  1. The bytes are decoded like text (pd_decode_text: BOM, UTF-16,
 *     GB18030, CRLF) and checked to be UTF-8; when decoding would only
 *     copy them, they are read where they are.
 *  2. A linear pre-scan measures how deeply block quotes and list items
 *     nest and cuts the container markers beyond MD_NEST_LIMIT out of the
 *     lines, with one warning.  cmark 0.30.2 (Debian 12) is quadratic in
 *     that depth: `>` x 100k before a long paragraph takes 20 s, `- ` x 30k
 *     before text as long.  After the cut it parses the same text, flatter.
 *  3. cmark parses the text in pieces of about MD_CHUNK_BYTES, cut where
 *     a new parse gives the same blocks (see "Chunks" below); the tree of
 *     each piece is walked with cmark_iter (no recursion), rebuilt
 *     through the builder and freed before the next piece is parsed, so
 *     that cmark's tree, several times the size of the text, never holds
 *     the whole document.  What depends on the whole document (the
 *     title, the heading levels, the paid section, the count of raw HTML)
 *     is carried from piece to piece or decided after the last.
 *
 * Mapping:
 *  - Headings: the md writer writes the title as `#` and heading level n
 *    as n+1 `#`s.  So when the first block is a level-1 heading and no
 *    other level-1 heading exists (and the document is still empty), that
 *    heading is the title (and the "title" metadata) and `##` is level 1;
 *    so it is when there is no level-1 heading at all; otherwise `#` is
 *    level 1.
 *  - Run-in headings: a heading whose text ends with the CJK sentence
 *    punctuation `。`, `；` or `：`, perhaps inside closing quotes (the
 *    lead rule of the text format, SPEC
 *    section 2 rule 3) and whose next sibling is a paragraph is a run-in
 *    heading: the paragraph continues its line.  Followed by anything else
 *    (a list, another heading) it stays an ordinary heading.
 *  - Soft breaks: a space, except between two CJK characters.
 *  - Images: a link to the image whose text is the alt text (a plain text
 *    when already inside a link).
 *  - Raw HTML (blocks and inlines): RAW_BLOCK / RAW_INLINE of format
 *    "html" with --unsafe; otherwise dropped, as cmark's safe renderer
 *    does, with one warning that counts them.
 *  - Paid markers (`##paidbegin##`, `$$paidbegin$$`, `##paidend##`,
 *    `$$paidend$$`, `##pagebreak##`) in the text of a top-level paragraph
 *    split it there and open or close a paid section or add a page break.
 *    The md writer puts them in paragraphs of their own; a marker at the
 *    start, the end or inside a line is honoured too, so that paid text
 *    never leaks.  The fail-closed rules are those of the text format
 *    (SPEC section 2).  Sections are top-level only: a marker in a list, a
 *    quote, a heading or inside emphasis stays text, with a warning.
 *  - Comment markers (the --paid-style dialects): an HTML block, or inline
 *    HTML in a top-level paragraph, that is exactly `<!--paidbegin-->`,
 *    `<!--paidend-->`, Ghost's `<!--members-only-->` or WordPress's
 *    `<!--more-->` (white space inside allowed, any case) is a marker, also
 *    without --unsafe.  The last two have no end marker: the section they
 *    open runs to the end of the document.  Elsewhere they are ignored
 *    with a warning.
 *  - Depth: block containers are opened only while there is room left
 *    for a paragraph and an inline below them (opts->max_depth); beyond
 *    that their content is added to the enclosing block, with one
 *    warning.  No text is ever dropped.
 */
#include <string.h>

#include <cmark.h>

#include "paidoc.h"
#include "internal.h"

/** Container nesting kept by the pre-scan; deeper markers are cut. */
#define MD_NEST_LIMIT 100

/*
 * ------------------------------------------------------------------------
 * Pre-scan: bound the nesting of block containers
 * ------------------------------------------------------------------------
 */

/* One open container of the pre-scan's model. */
struct md_cont {
    int quote;          /* 1: block quote, 0: list item */
    int width;          /* list item: columns its content is indented */
};

/* State of the pre-scan. */
struct md_scan {
    struct md_cont st[MD_NEST_LIMIT];
    int n;              /* open containers */
    int limit;          /* at most this many */
    int overflow;       /* markers were cut below the deepest container */
    int fence;          /* a fenced code block is open */
    int fence_depth;    /* containers around it */
    char fence_ch;
    size_t fence_len;
    unsigned cut_line;  /* first line with a cut, 0 if none */
    size_t copied;      /* input bytes already copied to out */
};

/* Column after c at column col (tab stops every 4). */
static int
next_col(char c, int col)
{
    return c == '\t' ? col + 4 - col % 4 : col + 1;
}

/*
 * 1 when s[q..e) is a thematic break of character ch: at least three ch
 * with only spaces and tabs between and after.  lastbad and third are
 * per-line precomputations (see line_breaks) so this is O(1).
 */
static int
is_break_at(const char *s, size_t q, size_t e, const long lastbad[3],
            const long third[3])
{
    static const char chars[3] = { '-', '*', '_' };
    int k;

    (void)e;
    for (k = 0; k < 3; k++)
        if (s[q] == chars[k])
            return (long)q > lastbad[k] && third[k] >= 0 &&
                (long)q <= third[k];
    return 0;
}

/*
 * For the line s[p..e): for each of - * _ the last position of a byte
 * that is neither that character nor a space or tab (-1 if none), and the
 * position of the third-last occurrence of the character (-1 if fewer).
 */
static void
line_breaks(const char *s, size_t p, size_t e, long lastbad[3], long third[3])
{
    static const char chars[3] = { '-', '*', '_' };
    int k, seen[3] = { 0, 0, 0 };
    size_t i;

    for (k = 0; k < 3; k++)
        lastbad[k] = third[k] = -1;
    for (i = e; i > p; i--) {
        char c = s[i - 1];

        for (k = 0; k < 3; k++) {
            if (c == chars[k]) {
                if (++seen[k] == 3)
                    third[k] = (long)(i - 1);
            } else if (c != ' ' && c != '\t' && lastbad[k] < 0)
                lastbad[k] = (long)(i - 1);
        }
        if (lastbad[0] >= 0 && lastbad[1] >= 0 && lastbad[2] >= 0)
            break;
    }
}

/*
 * A list marker at s[q..e): `-`, `+`, `*` or 1-9 digits and `.` or `)`,
 * followed by a space, a tab or the end of the line.  Returns its length
 * in bytes, 0 when there is none.
 */
static size_t
list_marker(const char *s, size_t q, size_t e)
{
    size_t m = q;

    if (s[q] == '-' || s[q] == '+' || s[q] == '*') {
        m = q + 1;
    } else {
        while (m < e && m - q < 10 && s[m] >= '0' && s[m] <= '9')
            m++;
        if (m == q || m - q > 9 || m >= e || (s[m] != '.' && s[m] != ')'))
            return 0;
        m++;
    }
    if (m < e && s[m] != ' ' && s[m] != '\t')
        return 0;
    return m - q;
}

/* Copy the input up to `from`, skip it to `to`: cut s[from..to). */
static void
cut(struct md_scan *sc, const char *s, size_t from, size_t to,
    struct pd_buf *out, unsigned line)
{
    if (to <= from)
        return;
    pd_buf_put(out, s + sc->copied, from - sc->copied);
    sc->copied = to;
    if (sc->cut_line == 0)
        sc->cut_line = line;
}

/*
 * Scan one line s[p..e) (without its LF), update the model, and cut the
 * container markers beyond the limit.  The model follows CommonMark's
 * block structure closely enough to bound depth: quotes continue with
 * `>`, list items with their content indent or a blank line, fenced code
 * hides markers; lazy continuation lines close containers early, which
 * can only lower the count.  O(line length + limit).
 */
static void
scan_line(struct md_scan *sc, const char *s, size_t p, size_t e,
          struct pd_buf *out, unsigned line)
{
    long lastbad[3], third[3];
    int have_breaks = 0, i, col = 0, c;
    size_t q, cut_from = e + 1, blank;

    for (blank = p; blank < e && (s[blank] == ' ' || s[blank] == '\t');)
        blank++;
    blank = blank == e;
    /* Continue the open containers. */
    for (i = 0; i < sc->n; i++) {
        if (sc->st[i].quote) {
            for (q = p, c = col; q < e && s[q] == ' ' && c - col < 3; q++)
                c++;
            if (q >= e || s[q] != '>')
                break;
            q++;
            c++;
            if (q < e && (s[q] == ' ' || s[q] == '\t')) {
                c = next_col(s[q], c);
                q++;
            }
            p = q;
            col = c;
        } else if (!blank) {
            for (q = p, c = col; q < e && (s[q] == ' ' || s[q] == '\t') &&
                 c - col < sc->st[i].width; q++)
                c = next_col(s[q], c);
            if (c - col < sc->st[i].width)
                break;
            p = q;
            col = c;
        }
    }
    if (sc->fence) {
        if (i >= sc->fence_depth) {
            /* Inside the code: only look for the closing fence. */
            size_t k;

            for (q = p, c = 0; q < e && s[q] == ' ' && c < 3; q++)
                c++;
            for (k = 0; q + k < e && s[q + k] == sc->fence_ch; k++)
                ;
            if (k >= sc->fence_len) {
                for (q += k; q < e && (s[q] == ' ' || s[q] == '\t'); q++)
                    ;
                if (q == e)
                    sc->fence = 0;
            }
            return;
        }
        sc->fence = 0;
    }
    sc->n = i;
    if (sc->n < sc->limit)
        sc->overflow = 0;
    if (sc->overflow) {
        /* Below cut markers: indentation would make code; drop it. */
        for (q = p; q < e && (s[q] == ' ' || s[q] == '\t'); q++)
            col = next_col(s[q], col);
        if (q > p)
            cut_from = p;
        p = q;
    }
    /* Open new containers. */
    for (;;) {
        size_t m;
        int c0 = col, quote;
        struct md_cont nc;

        for (q = p, c = col; q < e && (s[q] == ' ' || s[q] == '\t'); q++)
            c = next_col(s[q], c);
        if (q >= e || (c - c0 >= 4 && !sc->overflow))
            break;
        if (s[q] == '-' || s[q] == '*' || s[q] == '_') {
            if (!have_breaks) {
                line_breaks(s, p, e, lastbad, third);
                have_breaks = 1;
            }
            if (is_break_at(s, q, e, lastbad, third))
                break;
        }
        quote = s[q] == '>';
        if (quote) {
            q++;
            c++;
            if (q < e && (s[q] == ' ' || s[q] == '\t')) {
                c = next_col(s[q], c);
                q++;
            }
            nc.quote = 1;
            nc.width = 0;
        } else if ((m = list_marker(s, q, e)) != 0) {
            size_t k;
            int sp;

            q += m;
            c += (int)m;
            for (k = q, sp = c; k < e && (s[k] == ' ' || s[k] == '\t') &&
                 sp - c < 5; k++)
                sp = next_col(s[k], sp);
            if (k >= e || sp - c >= 5) {
                /* Blank item or indented code: content after one space. */
                sp = c + 1;
                if (q < e)
                    q++;
            } else
                q = k;
            nc.quote = 0;
            nc.width = sp - c0;
            c = sp;
        } else
            break;
        if (sc->n >= sc->limit) {
            if (cut_from > e)
                cut_from = p;
            sc->overflow = 1;
            /* Also what follows the cut marker, up to the content. */
            while (q < e && (s[q] == ' ' || s[q] == '\t'))
                c = next_col(s[q++], c);
        } else
            sc->st[sc->n++] = nc;
        p = q;
        col = c;
    }
    if (cut_from <= e)
        cut(sc, s, cut_from, p, out, line);
    /* A fence opening: remember it so that its lines stay as they are. */
    for (q = p, c = 0; q < e && s[q] == ' ' && c < 3; q++)
        c++;
    if (q + 3 <= e && (s[q] == '`' || s[q] == '~') && s[q + 1] == s[q] &&
        s[q + 2] == s[q]) {
        size_t k;

        for (k = 0; q + k < e && s[q + k] == s[q]; k++)
            ;
        if (s[q] == '~' || memchr(s + q + k, '`', e - q - k) == NULL) {
            sc->fence = 1;
            sc->fence_depth = sc->n;
            sc->fence_ch = s[q];
            sc->fence_len = k;
        }
    }
}

/*
 * Run the pre-scan over text.  When it cut anything, out holds the new
 * text and the first line with a cut is returned; else out is untouched
 * and 0 is returned.
 */
static unsigned
flatten_nesting(const char *s, size_t len, int limit, struct pd_buf *out)
{
    struct md_scan sc;
    size_t p = 0, e;
    unsigned line = 1;

    memset(&sc, 0, sizeof(sc));
    sc.limit = limit < MD_NEST_LIMIT ? limit : MD_NEST_LIMIT;
    while (p < len) {
        const char *nl = memchr(s + p, '\n', len - p);

        e = nl ? (size_t)(nl - s) : len;
        scan_line(&sc, s, p, e, out, line);
        p = e + 1;
        line++;
    }
    if (sc.cut_line == 0)
        return 0;
    pd_buf_put(out, s + sc.copied, len - sc.copied);
    return sc.cut_line;
}

/*
 * ------------------------------------------------------------------------
 * Building the tree from cmark's
 * ------------------------------------------------------------------------
 */

/* Marks cmark nodes for which a container was pushed (user data). */
static char pushed_tag;

/* The reader's state during the walk. */
struct md_rd {
    struct pd_doc *doc;
    struct pd_builder b;
    struct pd_diag *d;
    const struct pd_opts *opts;
    const char *src;            /* the chunk of text cmark parsed */
    size_t src_len;
    unsigned line_base;         /* lines of the text before the chunk */
    unsigned cur_line;          /* line cursor into src for bullets */
    size_t cur_off;
    int doc_empty;              /* the document was empty before */
    int seen_top;               /* a top-level block was entered */
    unsigned h1;                /* level-1 headings (cmark's), all chunks */
    struct pd_node *title;      /* the first block, a level-1 heading
                                   pushed as a heading: perhaps the title */
    struct pd_buf heads;        /* struct pd_node * of every heading
                                   pushed, its cmark level in
                                   as.heading.level until set_levels() */
    cmark_node *para;           /* the cmark paragraph being read */
    int para_top;               /* it is a top-level paragraph */
    int para_open;              /* our paragraph for it is pushed */
    unsigned line;              /* input line of the next content */
    int space;                  /* a soft break waits to become a space */
    int skip_ws;                /* drop white space before the next
                                   inline (after a comment marker) */
    uint32_t last;              /* last character added in this block */
    struct pd_paid_state paid;  /* the open paid section */
    int warned_depth;
    struct pd_node *top_list;   /* our node of the last top-level cmark
                                   block when that is a list, else NULL */
    struct pd_node *cont_list;  /* the piece before ended inside this
                                   bullet list: the piece's first list
                                   goes on in it */
    unsigned nhtml;             /* raw HTML dropped */
    unsigned html_line;         /* first of them */
};

/* Warn once that nesting was flattened. */
static void
warn_depth(struct md_rd *r)
{
    if (r->warned_depth)
        return;
    r->warned_depth = 1;
    pd_warn(r->d, r->line, "nesting deeper than %d levels flattened",
            r->b.max_depth);
}

/*
 * Push a container for cmark node n and tag n so that its EXIT pops it.
 * Block containers need `room` more levels below them (a list needs an
 * item, a paragraph and an inline); when there is no room, or the type
 * may not go here, nothing is pushed and n's content goes to the current
 * node.  Returns the new node or NULL.
 */
static struct pd_node *
push_for(struct md_rd *r, cmark_node *n, pd_node_type type, int room)
{
    struct pd_node *p = NULL;

    if (r->b.depth + room < r->b.max_depth)
        p = pd_push(&r->b, type);
    if (p != NULL)
        cmark_node_set_user_data(n, &pushed_tag);
    else if (r->b.depth + room >= r->b.max_depth)
        warn_depth(r);
    return p;
}

/* Open our paragraph for the current cmark paragraph, if not yet open. */
static void
open_para(struct md_rd *r)
{
    if (r->para == NULL || r->para_open)
        return;
    r->b.line = r->line;
    if (pd_push(&r->b, PD_NODE_PARAGRAPH) != NULL)
        r->para_open = 1;
    else
        warn_depth(r);
}

/* Before any inline content: open the paragraph, emit a pending space. */
static void
before_inline(struct md_rd *r)
{
    open_para(r);
    r->b.line = r->line;
    r->skip_ws = 0;
    if (r->space) {
        r->space = 0;
        pd_add_text(&r->b, " ", 1);
        r->last = ' ';
    }
}

/* Add text s[0..len) and remember its last character. */
static void
add_text(struct md_rd *r, const char *s, size_t len)
{
    size_t i;

    if (r->skip_ws)
        for (; len > 0 && (*s == ' ' || *s == '\t'); len--)
            s++;
    if (len == 0)
        return;
    i = len;
    before_inline(r);
    pd_add_text(&r->b, s, len);
    r->last = pd_utf8_decode_prev(s, &i);
}

/* Close our paragraph (before a marker), keeping the cmark one open. */
static void
close_para(struct md_rd *r)
{
    if (r->para_open) {
        pd_pop(&r->b);
        r->para_open = 0;
    }
    r->space = 0;
    r->last = 0;
}

/*
 * A cmark TEXT node.  Directly in a top-level paragraph, paid markers in
 * it split the paragraph; elsewhere they stay text with a warning.
 */
static void
on_text(struct md_rd *r, cmark_node *n)
{
    const char *s = cmark_node_get_literal(n);
    size_t len = s ? strlen(s) : 0, start = 0, at, end;
    const struct pd_marker_spelling *k;

    if (len == 0)
        return;
    at = pd_marker_find(s, 0, len, &k);
    if (at == len) {
        add_text(r, s, len);
        return;
    }
    if (!r->para_top ||
        cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_PARAGRAPH) {
        pd_warn(r->d, r->line, "%s kept as text: paid markers count only "
                "in top-level paragraphs", k->text);
        add_text(r, s, len);
        return;
    }
    while (at < len) {
        for (end = at; end > start && (s[end - 1] == ' ' ||
                                       s[end - 1] == '\t'); end--)
            ;
        add_text(r, s + start, end - start);
        close_para(r);
        pd_marker_apply(&r->b, &r->paid, k, r->line, r->d);
        start = at + k->len;
        while (start < len && (s[start] == ' ' || s[start] == '\t'))
            start++;
        at = pd_marker_find(s, start, len, &k);
    }
    add_text(r, s + start, len - start);
}

/*
 * The first character of the inline content after cmark node n (looking
 * into emphasis and links), or 0.  Each node is looked at by at most one
 * soft break, so this stays linear.
 */
static uint32_t
next_char(cmark_node *n)
{
    const char *s;
    size_t i = 0;

    n = cmark_node_next(n);
    while (n != NULL) {
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            s = cmark_node_get_literal(n);
            if (s == NULL || *s == '\0')
                return 0;
            return pd_utf8_decode(s, strlen(s), &i);
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG:
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            n = cmark_node_first_child(n);
            break;
        default:
            return 0;
        }
    }
    return 0;
}

/*
 * The character a list's marker starts with, read from the source at the
 * list's start position: '-', '+' or '*'.  The cursor only moves forward
 * because lists come in source order.
 */
static uint32_t
bullet_char(struct md_rd *r, cmark_node *n)
{
    unsigned line = (unsigned)cmark_node_get_start_line(n);
    int col = cmark_node_get_start_column(n);
    size_t off;
    const char *nl;

    if (line < r->cur_line) {
        r->cur_line = 1;
        r->cur_off = 0;
    }
    while (r->cur_line < line && r->cur_off < r->src_len) {
        nl = memchr(r->src + r->cur_off, '\n', r->src_len - r->cur_off);
        if (nl == NULL)
            break;
        r->cur_off = (size_t)(nl - r->src) + 1;
        r->cur_line++;
    }
    /* The column is 1-based in bytes; skip indentation cmark counted. */
    for (off = r->cur_off + (col > 0 ? (size_t)col - 1 : 0);
         off < r->src_len && r->src[off] != '\n'; off++) {
        if (r->src[off] == '-' || r->src[off] == '+' || r->src[off] == '*')
            return (uint32_t)r->src[off];
        if (r->src[off] != ' ' && r->src[off] != '\t' && r->src[off] != '>')
            break;
    }
    return '-';
}

/*
 * Drop the white space at the end of the open inline content, before a
 * marker splits the paragraph (as on_text does for the text markers) or
 * where an ignored marker ended it.
 */
static void
trim_para_end(struct md_rd *r)
{
    struct pd_node *t;

    if ((t = r->b.cur->last) == NULL || t->type != PD_NODE_TEXT)
        return;
    while (t->len > 0 && (t->text[t->len - 1] == ' ' ||
                          t->text[t->len - 1] == '\t'))
        t->len--;
    ((char *)t->text)[t->len] = '\0';
    if (t->len == 0)
        pd_node_unlink(t);
}

/*
 * An HTML block, or inline HTML directly in a paragraph, that is exactly
 * one comment marker (<!--paidbegin-->, <!--paidend-->,
 * <!--members-only-->, <!--more-->): at the top level it opens or closes
 * the paid section, splitting a paragraph; elsewhere it is ignored with a
 * warning, as the text markers are.  Returns 1 when n was a marker.
 */
static int
on_comment_marker(struct md_rd *r, cmark_node *n, const char *s,
                  pd_node_type type)
{
    const struct pd_marker_spelling *k = pd_marker_html(s, strlen(s));
    cmark_node *parent = cmark_node_parent(n);

    if (k == NULL)
        return 0;
    if (type == PD_NODE_RAW_BLOCK ?
        cmark_node_get_type(parent) != CMARK_NODE_DOCUMENT :
        !r->para_top || cmark_node_get_type(parent) != CMARK_NODE_PARAGRAPH) {
        pd_warn(r->d, r->line, "%s ignored: paid markers count only at the "
                "top level", k->text);
        /* One space where it stood, none at the end. */
        if (type == PD_NODE_RAW_INLINE) {
            if (cmark_node_next(n) == NULL)
                trim_para_end(r);
            else
                r->skip_ws = 1;
        }
        return 1;
    }
    trim_para_end(r);
    close_para(r);
    pd_marker_apply(&r->b, &r->paid, k, r->line, r->d);
    r->skip_ws = 1;
    return 1;
}

/*
 * Raw HTML: a comment marker (above, also without --unsafe: it is ours),
 * else a raw node with --unsafe, else counted and dropped.
 */
static void
on_html(struct md_rd *r, cmark_node *n, pd_node_type type)
{
    const char *s = cmark_node_get_literal(n);
    struct pd_node *p;

    if (s != NULL && on_comment_marker(r, n, s, type))
        return;
    if (!r->opts->unsafe) {
        if (r->nhtml++ == 0)
            r->html_line = r->line;
        return;
    }
    if (type == PD_NODE_RAW_INLINE)
        before_inline(r);
    r->b.line = r->line;
    p = pd_add_leaf(&r->b, type);
    if (p == NULL)
        return;
    p->text = pd_arena_strdup(r->doc->arena, s ? s : "");
    p->len = strlen(p->text);
    p->as.raw.format = "html";
    r->last = 0;
}

/*
 * The heading mapping, decided when every chunk has been read: the title
 * is the first block when it is a level-1 heading, no other level-1
 * heading exists and the document we append to was empty; then `##` is
 * level 1.  Without any level-1 heading `##` is level 1 too (that is how
 * the md writer writes a document without a title, and how its HTML
 * looks: `##` is <h2>).  Otherwise `#` is level 1.  The walk pushed every
 * heading as a heading with cmark's level (r->heads); this sets their
 * levels and turns the title into one.
 */
static void
set_levels(struct md_rd *r)
{
    struct pd_node **h = (struct pd_node **)(void *)r->heads.data;
    size_t i, n = r->heads.len / sizeof(*h);
    int shift = 0, level;

    if (r->h1 == 0)
        shift = 1;
    else if (r->h1 == 1 && r->title != NULL)
        shift = 1;
    else
        r->title = NULL;
    for (i = 0; i < n; i++) {
        if (h[i] == r->title) {
            h[i]->type = PD_NODE_TITLE;
            h[i]->as.heading.level = 0;
            continue;
        }
        level = h[i]->as.heading.level - shift;
        h[i]->as.heading.level = level < 1 ? 1 : level;
    }
}

/* ENTER of a block node. */
static void
enter_block(struct md_rd *r, cmark_node *n, cmark_node_type t)
{
    struct pd_node *p;
    const char *s;
    struct pd_node *cont = NULL;
    int level, first = 0;

    if (t != CMARK_NODE_DOCUMENT &&
        cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT) {
        /* The first top-level block of the whole text (for the title). */
        if (!r->seen_top) {
            r->seen_top = 1;
            first = 1;
        }
        cont = r->cont_list;
        r->cont_list = NULL;
        r->top_list = NULL;
    }
    r->line = r->line_base + (unsigned)cmark_node_get_start_line(n);
    r->b.line = r->line;
    r->last = 0;
    r->space = 0;
    switch (t) {
    case CMARK_NODE_BLOCK_QUOTE:
        push_for(r, n, PD_NODE_BLOCK_QUOTE, 2);
        break;
    case CMARK_NODE_LIST:
        if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) {
            p = push_for(r, n, PD_NODE_ORDERED_LIST, 3);
            if (p != NULL) {
                p->as.list.start = cmark_node_get_list_start(n);
                p->as.list.numbering = PD_NUM_DECIMAL;
                p->as.list.delim =
                    cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ?
                    PD_DELIM_PAREN : PD_DELIM_PERIOD;
            }
        } else if (cont != NULL && cont->parent == r->b.cur &&
                   r->b.cur->last == cont) {
            /* The list the piece before ended in goes on (see
             * list_cut): reopen it; it is loose if either part is. */
            r->b.cur = cont;
            r->b.depth++;
            cmark_node_set_user_data(n, &pushed_tag);
            if (!cmark_node_get_list_tight(n))
                cont->as.list.tight = 0;
            r->top_list = cont;
            break;
        } else {
            p = push_for(r, n, PD_NODE_BULLET_LIST, 3);
            if (p != NULL)
                p->as.list.bullet = bullet_char(r, n);
        }
        if (p != NULL)
            p->as.list.tight = cmark_node_get_list_tight(n) != 0;
        if (cmark_node_get_type(cmark_node_parent(n)) ==
            CMARK_NODE_DOCUMENT)
            r->top_list = p;
        break;
    case CMARK_NODE_ITEM:
        /* Only inside a list we pushed (else the content goes up). */
        if (cmark_node_get_user_data(cmark_node_parent(n)) == &pushed_tag)
            push_for(r, n, PD_NODE_LIST_ITEM, 0);
        break;
    case CMARK_NODE_PARAGRAPH:
        r->para = n;
        r->para_open = 0;
        r->skip_ws = 0;
        r->para_top = cmark_node_get_type(cmark_node_parent(n)) ==
            CMARK_NODE_DOCUMENT;
        break;
    case CMARK_NODE_HEADING:
        level = cmark_node_get_heading_level(n);
        if (level == 1)
            r->h1++;
        p = push_for(r, n, PD_NODE_HEADING, 0);
        if (p != NULL) {
            p->as.heading.level = level;
            pd_buf_put(&r->heads, &p, sizeof(p));
            if (first && level == 1 && r->doc_empty)
                r->title = p;
        }
        break;
    case CMARK_NODE_CODE_BLOCK:
        p = pd_add_leaf(&r->b, PD_NODE_CODE_BLOCK);
        if (p != NULL) {
            s = cmark_node_get_literal(n);
            p->text = pd_arena_strdup(r->doc->arena, s ? s : "");
            p->len = strlen(p->text);
            s = cmark_node_get_fence_info(n);
            if (s != NULL && *s != '\0')
                p->as.code.info = pd_arena_strdup(r->doc->arena, s);
        }
        break;
    case CMARK_NODE_HTML_BLOCK:
        on_html(r, n, PD_NODE_RAW_BLOCK);
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        pd_add_leaf(&r->b, PD_NODE_THEMATIC_BREAK);
        break;
    default:
        /* The document and custom blocks are transparent. */
        break;
    }
}

/* ENTER of an inline node. */
static void
enter_inline(struct md_rd *r, cmark_node *n, cmark_node_type t)
{
    struct pd_node *p;
    const char *s;

    switch (t) {
    case CMARK_NODE_TEXT:
        on_text(r, n);
        break;
    case CMARK_NODE_SOFTBREAK:
        /* A space, except between two CJK characters, and none at the
         * start of a paragraph split at a marker. */
        r->space = (r->para == NULL || r->para_open) &&
            !(r->last != 0 && pd_is_cjk(r->last) && pd_is_cjk(next_char(n)));
        r->line++;
        break;
    case CMARK_NODE_LINEBREAK:
        before_inline(r);
        pd_add_leaf(&r->b, PD_NODE_LINE_BREAK);
        r->last = 0;
        r->line++;
        break;
    case CMARK_NODE_CODE:
        before_inline(r);
        p = pd_add_leaf(&r->b, PD_NODE_CODE);
        if (p != NULL) {
            s = cmark_node_get_literal(n);
            p->text = pd_arena_strdup(r->doc->arena, s ? s : "");
            p->len = strlen(p->text);
            if (p->len > 0) {
                size_t i = p->len;

                r->last = pd_utf8_decode_prev(p->text, &i);
            }
        }
        break;
    case CMARK_NODE_HTML_INLINE:
        on_html(r, n, PD_NODE_RAW_INLINE);
        break;
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
        before_inline(r);
        push_for(r, n, t == CMARK_NODE_EMPH ? PD_NODE_EMPH : PD_NODE_STRONG,
                 0);
        break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        before_inline(r);
        /* A link in a link (an image in a link) keeps only its text. */
        if (!pd_can_contain(r->b.cur->type, PD_NODE_LINK))
            break;
        p = push_for(r, n, PD_NODE_LINK, 0);
        if (p != NULL) {
            s = cmark_node_get_url(n);
            p->as.link.url = pd_arena_strdup(r->doc->arena, s ? s : "");
            s = cmark_node_get_title(n);
            if (s != NULL && *s != '\0')
                p->as.link.title = pd_arena_strdup(r->doc->arena, s);
        }
        break;
    default:
        break;
    }
}

/* Walk cmark's tree and build ours. */
static void
walk(struct md_rd *r, cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    cmark_node *n;
    cmark_node_type t;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        n = cmark_iter_get_node(it);
        t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER) {
            if (t >= CMARK_NODE_FIRST_INLINE && t <= CMARK_NODE_LAST_INLINE)
                enter_inline(r, n, t);
            else
                enter_block(r, n, t);
            continue;
        }
        if (t == CMARK_NODE_PARAGRAPH) {
            close_para(r);
            r->para = NULL;
        } else if (cmark_node_get_user_data(n) == &pushed_tag) {
            pd_pop(&r->b);
            if (t < CMARK_NODE_FIRST_INLINE)
                r->last = 0;
        }
    }
    cmark_iter_free(it);
}

/* Closing quotes and brackets that may follow a lead (as in read_txt.c). */
static int
is_closer(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F ||
        c == 0xFF09 || c == ')' || c == '"' || c == '\'' || c == 0x300B;
}

/*
 * 1 when the plain text of heading h ends with 。, ； or ：, perhaps
 * followed by closing quotes and brackets (`“形势逼人。”`).
 */
static int
ends_with_lead_punct(const struct pd_node *h)
{
    struct pd_buf t = {0};
    uint32_t c = 0;
    size_t i;

    pd_node_text(h, &t);
    i = t.len;
    while (i > 0 && is_closer(c = pd_utf8_decode_prev(t.data, &i)))
        c = 0;
    pd_buf_free(&t);
    return c == 0x3002 || c == 0xFF1B || c == 0xFF1A;
}

/*
 * Mark run-in headings: every heading of the tree below root that ends
 * with CJK lead punctuation and is directly followed by a paragraph.  The
 * walk follows first/next/parent links, without recursion.
 */
static void
mark_run_in(struct pd_node *root)
{
    struct pd_node *n = root->first;

    while (n != NULL && n != root) {
        if (n->type == PD_NODE_HEADING && n->next != NULL &&
            n->next->type == PD_NODE_PARAGRAPH && ends_with_lead_punct(n))
            n->as.heading.run_in = 1;
        if (n->first != NULL && n->type < PD_NODE_FIRST_INLINE &&
            n->type != PD_NODE_HEADING && n->type != PD_NODE_PARAGRAPH &&
            n->type != PD_NODE_TITLE) {
            n = n->first;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n != root)
            n = n->next;
    }
}

/*
 * Replace C0 control characters other than tab, line feed and carriage
 * return, and the non-characters U+FFFE and U+FFFF (none of them may
 * appear in XML, so the HTML and DOCX writers could not keep them) by
 * U+FFFD, with one warning naming the first.  s is valid UTF-8.  Returns
 * 1 when out holds the cleaned text, 0 when there was nothing to replace.
 */
static int
clean_controls(const char *s, size_t n, struct pd_buf *out, struct pd_diag *d)
{
    size_t i = 0, at, start = 0, count = 0;
    unsigned line = 1, first_line = 0;
    uint32_t c, first = 0;

    while (i < n) {
        at = i;
        if ((unsigned char)s[i] < 0x80) {
            c = (unsigned char)s[i++];
            if (c == '\n')
                line++;
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                continue;
        } else {
            c = pd_utf8_decode(s, n, &i);
            if (c != 0xFFFE && c != 0xFFFF)
                continue;
        }
        if (count++ == 0) {
            pd_buf_grow(out, n + 16);
            first = c;
            first_line = line;
        }
        pd_buf_put(out, s + start, at - start);
        pd_buf_puts(out, "\xEF\xBF\xBD");
        start = i;
    }
    if (count == 0)
        return 0;
    pd_buf_put(out, s + start, n - start);
    pd_warn(d, first_line, "%s U+%04X replaced by U+FFFD%s",
            first < 0x20 ? "control character" : "non-character",
            (unsigned)first, count > 1 ? " (and the others like it)" : "");
    return 1;
}

/*
 * ------------------------------------------------------------------------
 * Chunks: cmark's tree of a whole document is several times the size of
 * ours, so the text is parsed in pieces of about MD_CHUNK_BYTES, each
 * walked into our tree and freed before the next is parsed.
 *
 * A piece may end only where a new parse gives exactly the blocks the
 * whole parse gives.  The rule (CommonMark 0.30) is conservative:
 *  - Nowhere when the text has a `]:` (a link reference definition,
 *    perhaps, and those are global to the document) or a CR (cmark ends
 *    lines there too, and the line numbers would differ).
 *  - Else before a line L when the line before L is blank and L starts
 *    at column 0 with a byte that cannot continue anything: not a space
 *    or tab (indented code, list item content), not `>`, `-`, `+`, `*` or
 *    a digit (a block quote, a list item of a list that goes on, loose,
 *    across the blank line; `-`, `*` a thematic break), not a BOM (cmark
 *    skips one at the start of its input).  A blank line closes
 *    paragraphs (so there is no lazy continuation and no setext
 *    underline), block quotes, and HTML blocks of kinds 6 and 7; a line
 *    at column 0 closes every list item and indented code.  Left open
 *    across L may be a top-level fenced code block or HTML block of
 *    kinds 1-5 (<script, <pre, <style, <textarea, <!--, <?, <!X,
 *    <![CDATA[), which only end at their own end condition (below).
 *  - Or before a line L that starts at column 0 with a bullet list item
 *    with content (`- x`; not `- - -`, nor an empty item, which cannot
 *    interrupt a paragraph) after a line that is not blank, so that a
 *    long list is cut too.  L closes every container but the top-level
 *    list (its items need indented lines) and cannot be a lazy
 *    continuation line (a list item interrupts a paragraph).  When the
 *    piece ended in a bullet list with the same bullet character, the
 *    next piece's first list is the same list: its items go on in our
 *    node, which is loose when either part is (no blank line ends the
 *    last item before L, so cmark's rule gives the same).  Otherwise L
 *    starts a new list in the whole parse as well.
 *  - What may still be open across L is a top-level fenced code block or
 *    HTML block of kinds 1-5 (after a blank line), or of kinds 6 and 7
 *    too (before a list item).  That is checked on cmark's tree of the
 *    piece: when its last top-level block is a fenced code block or an
 *    HTML block that runs to the piece's last line, it may still be open;
 *    the piece is then parsed again, at least twice as long (so an
 *    unclosed fence costs at most about twice the parsing).
 * ------------------------------------------------------------------------
 */

/*
 * Bytes of text parsed at a time (a piece ends at the next boundary).
 * cmark's tree takes from about 5 (prose) to 28 (a list of short items)
 * times the bytes it parses, so pieces are kept small; each costs one
 * cmark_parse_document() more, which is not measurable at this size.
 */
#define MD_CHUNK_BYTES ((size_t)64 << 10)

/* 1 when the text may be parsed in pieces at all (see above). */
static int
may_split(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    if (memchr(s, '\r', len) != NULL)
        return 0;
    while ((p = memchr(p, ']', (size_t)(end - p))) != NULL) {
        if (++p < end && *p == ':')
            return 0;
    }
    return 1;
}

/* 1 when s[p..e) holds only spaces and tabs. */
static int
is_blank(const char *s, size_t p, size_t e)
{
    while (p < e && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return p == e;
}

/* 1 when a line starting at s[q] (q < len) may start a new parse. */
static int
safe_start(const char *s, size_t q, size_t len)
{
    unsigned char c = (unsigned char)s[q];

    if (c == ' ' || c == '\t' || c == '\n' || c == '>' || c == '-' ||
        c == '+' || c == '*' || (c >= '0' && c <= '9'))
        return 0;
    if (c == 0xEF && q + 2 < len && (unsigned char)s[q + 1] == 0xBB &&
        (unsigned char)s[q + 2] == 0xBF)
        return 0;
    return 1;
}

/*
 * 1 when a line starting at s[q] after a line that is not blank may
 * start a new parse: a bullet list item at column 0 with content (`- x`,
 * not `- - -` or an empty item, which cannot interrupt a paragraph).
 */
static int
list_cut(const char *s, size_t q, size_t len)
{
    char c = s[q];

    if ((c != '-' && c != '+' && c != '*') || q + 2 >= len ||
        s[q + 1] != ' ')
        return 0;
    c = s[q + 2];
    return c != ' ' && c != '\t' && c != '\n' && c != '-' && c != '+' &&
        c != '*' && c != '_';
}

/*
 * The first boundary at or after `from` (0 < from < len): the offset of
 * a line L whose previous line is blank and whose start is safe, or whose
 * previous line is not blank and which is a list_cut().  len when there
 * is none.
 */
static size_t
next_boundary(const char *s, size_t len, size_t from)
{
    const char *nl;
    size_t p = from, b;
    int prev_blank;

    /* Go to a line start; is the line before it blank? */
    if (s[p - 1] != '\n') {
        nl = memchr(s + p, '\n', len - p);
        if (nl == NULL)
            return len;
        p = (size_t)(nl - s) + 1;
    }
    for (b = p - 1; b > 0 && s[b - 1] != '\n'; b--)
        ;
    prev_blank = is_blank(s, b, p - 1);
    while (p < len) {
        if (prev_blank ? safe_start(s, p, len) : list_cut(s, p, len))
            return p;
        nl = memchr(s + p, '\n', len - p);
        if (nl == NULL)
            break;
        prev_blank = is_blank(s, p, (size_t)(nl - s));
        p = (size_t)(nl - s) + 1;
    }
    return len;
}

/* Lines of s[0..n) ended by an LF. */
static unsigned
count_lines(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    unsigned k = 0;

    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/*
 * 1 when the piece s[0..n) (ending in a blank line, `lines` lines) left
 * nothing open at its end: its last top-level block is not a fenced code
 * block or an HTML block running to its last line.  An indented code
 * block always runs to the end of its piece but closes at any line at
 * column 0, so it is told apart from a fenced one by its first line.
 */
static int
piece_closed(cmark_node *root, const char *s, size_t n, unsigned lines)
{
    cmark_node *last = cmark_node_last_child(root);
    cmark_node_type t = cmark_node_get_type(last);
    unsigned start, k;
    size_t p = 0;
    const char *nl;
    int col;

    if (last == NULL || (t != CMARK_NODE_CODE_BLOCK &&
                         t != CMARK_NODE_HTML_BLOCK))
        return 1;
    if ((unsigned)cmark_node_get_end_line(last) < lines)
        return 1;
    if (t == CMARK_NODE_HTML_BLOCK)
        return 0;
    /* A code block: fenced (open) unless its first line is indented. */
    start = (unsigned)cmark_node_get_start_line(last);
    for (k = 1; k < start; k++) {
        nl = memchr(s + p, '\n', n - p);
        if (nl == NULL)
            return 0;
        p = (size_t)(nl - s) + 1;
    }
    for (col = 0; p < n && (s[p] == ' ' || s[p] == '\t'); p++)
        col = next_col(s[p], col);
    return col >= 4;
}

int
pd_read_md(struct pd_doc *doc, const unsigned char *in, size_t len,
           const struct pd_opts *opts, struct pd_diag *d)
{
    return pd_read_md_chunked(doc, in, len, opts, d, MD_CHUNK_BYTES);
}

int
pd_read_md_chunked(struct pd_doc *doc, const unsigned char *in, size_t len,
                   const struct pd_opts *opts, struct pd_diag *d,
                   size_t chunk_bytes)
{
    struct pd_buf text = {0}, flat = {0}, title = {0}, clean = {0};
    struct md_rd r;
    cmark_node *root;
    const char *src;
    size_t src_len, bad, skip, pos, end, want;
    unsigned cut_line, lines;
    int ret = -1, split, flags;

    memset(&r, 0, sizeof(r));
    if (pd_decode_as_is(in, len, opts->encoding, &skip, NULL)) {
        src = (const char *)in + skip;
        src_len = len - skip;
    } else {
        if (pd_decode_text(in, len, opts->encoding, &text, d) < 0)
            goto out;
        bad = pd_utf8_check(text.data ? text.data : "", text.len);
        if (bad != text.len) {
            pd_error(d, PD_ERR_DATA, 0, "invalid UTF-8 at offset %zu", bad);
            goto out;
        }
        src = text.data ? text.data : "";
        src_len = text.len;
    }
    r.doc = doc;
    r.d = d;
    r.opts = opts;
    r.doc_empty = doc->root->first == NULL;
    pd_builder_init(&r.b, doc);
    if (opts->max_depth > 0)
        r.b.max_depth = opts->max_depth < 8 ? 8 : opts->max_depth;
    if (clean_controls(src, src_len, &clean, d)) {
        src = clean.data;
        src_len = clean.len;
    }
    cut_line = flatten_nesting(src, src_len, r.b.max_depth - 4, &flat);
    if (cut_line != 0) {
        pd_warn(d, cut_line, "block quotes and lists nested deeper than %d "
                "levels flattened", r.b.max_depth - 4 < MD_NEST_LIMIT ?
                r.b.max_depth - 4 : MD_NEST_LIMIT);
        src = flat.data;
        src_len = flat.len;
    }
    flags = CMARK_OPT_DEFAULT | (opts->unsafe ? CMARK_OPT_UNSAFE : 0);
    split = chunk_bytes < src_len && may_split(src, src_len);
    for (pos = 0;; pos = end) {
        /* Parse the next piece, up to a boundary that is really one. */
        for (want = chunk_bytes > 0 ? chunk_bytes : 1;;
             want = 2 * (end - pos)) {
            end = split && want < src_len - pos ?
                next_boundary(src, src_len, pos + want) : src_len;
            root = cmark_parse_document(src + pos, end - pos, flags);
            if (root == NULL) {
                pd_error(d, PD_ERR_INTERNAL, 0, "cmark failed to parse");
                goto out;
            }
            lines = end < src_len ? count_lines(src + pos, end - pos) : 0;
            if (end == src_len ||
                piece_closed(root, src + pos, end - pos, lines))
                break;
            cmark_node_free(root);
        }
        r.src = src + pos;
        r.src_len = end - pos;
        r.cur_line = 1;
        r.cur_off = 0;
        walk(&r, root);
        cmark_node_free(root);
        r.line_base += lines;
        if (end == src_len)
            break;
        /* Cut before an item of the bullet list the piece ended in? */
        if (r.top_list != NULL && r.top_list->type == PD_NODE_BULLET_LIST &&
            r.top_list->as.list.bullet == (unsigned char)src[end])
            r.cont_list = r.top_list;
    }
    set_levels(&r);
    pd_marker_finish(&r.b, &r.paid, d);
    if (r.nhtml > 0)
        pd_warn(d, r.html_line, "raw HTML dropped (%u time%s); --unsafe "
                "keeps it", r.nhtml, r.nhtml == 1 ? "" : "s");
    pd_pop_all(&r.b);
    mark_run_in(doc->root);
    /* The title is also the "title" metadata. */
    if (r.title != NULL && doc->root->first != NULL &&
        doc->root->first->type == PD_NODE_TITLE &&
        pd_doc_meta(doc, "title") == NULL) {
        pd_node_text(doc->root->first, &title);
        if (title.len > 0)
            pd_doc_set_meta(doc, "title", title.data);
    }
    ret = 0;
out:
    pd_buf_free(&text);
    pd_buf_free(&clean);
    pd_buf_free(&flat);
    pd_buf_free(&title);
    pd_buf_free(&r.heads);
    return ret;
}
