/*
 * read_html.c - HTML in, through libxml2's HTML parser.
 *
 * The bytes are checked and decoded first (UTF-8 validated here so that
 * libxml2 never falls back to Latin-1), then parsed by htmlCtxtReadMemory
 * with network access, error output and DTD loading off, then the libxml2
 * tree is walked once, without recursion, and mapped onto the builder:
 *
 *   <title>, <meta name=author|date|description>, <html lang>  metadata
 *   h1..h6        title and headings: when the first heading is the only
 *                 h1 (our writer's convention: title <h1>, heading n
 *                 <h(n+1)>), or when there is no h1 at all, h2 is level 1;
 *                 otherwise h1 is level 1
 *   p, div, section, body, li, blockquote, ...   blocks; inline content
 *                 directly in a block container gets an implicit paragraph
 *   h.run-in      a run-in heading (our writer's class); aria-level=N
 *                 overrides the tag's level (h6 aria-level=7 is level 6)
 *   ul, ol (start, type, class circled), li, blockquote, pre (+ code.language-X), hr,
 *   hr.pagebreak, br, em/i, strong/b, code/kbd/samp/tt, a href
 *   section.paid, <paid>          paid section (top level only)
 *   <!--paidbegin--> <!--paidend-->, <!--members-only--> (Ghost),
 *   <!--more--> (WordPress), text ##paidbegin## ##paidend## $$...$$
 *   (FastAdmin stores <p>##paidbegin##</p>), ##pagebreak##
 *                 paid markers, with the fail-closed rules of the text
 *                 format (src/markers.c); Ghost's and WordPress's have no
 *                 end marker, so their section runs to the end
 *   div.paywall, div.alert-paid   paywall notice (text kept)
 *
 * Whitespace is collapsed as a browser does; a newline between two CJK
 * characters joins them without a space.  Scripts, styles, templates,
 * noscript, other comments, processing instructions, CDATA and entity
 * references are dropped; other elements (tables, images, unknown tags)
 * keep their text, with one warning per element name.  Raw HTML is never
 * passed through, not even with --unsafe: HTML input is converted, not
 * copied, so opts->unsafe has nothing to do here.
 *
 * libxml2 2.9.14 stops parsing at depth 256 without telling anyone; the
 * reader looks at the parser's last error and warns.  Nesting deeper than
 * the builder's max_depth is flattened with one warning, text kept.  A
 * start tag with more than MAX_ATTRS attributes (quadratic in libxml2) is
 * cut down before parsing, with a warning.
 *
 * No global libxml2 state is changed: the HTML parser never loads a DTD or
 * an external entity, and HTML_PARSE_NONET forbids the network anyway.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "paidoc.h"
#include "internal.h"

/* Attributes kept on one start tag; libxml2 is quadratic beyond that. */
#define MAX_ATTRS 1000

/* Distinct element names warned about; beyond that, silence. */
#define MAX_WARNED 64

/* What an element is to the reader. */
enum kind {
    K_INLINE,       /* transparent inline: span, font, u, ... */
    K_BLOCK,        /* transparent block container: div, article, ... */
    K_SKIP,         /* dropped with its content: script, style, ... */
    K_HTML,
    K_HEAD,
    K_TITLE,
    K_META,
    K_P,
    K_H,
    K_BR,
    K_EM,
    K_STRONG,
    K_CODE,
    K_PRE,
    K_A,
    K_UL,
    K_OL,
    K_LI,
    K_BQ,
    K_HR,
    K_DIV,          /* div: paywall or transparent block */
    K_SECTION,      /* section: paid or transparent block */
    K_PAID,         /* FastAdmin <paid> */
    K_IMG,
    K_TABLE,        /* table parts: blocks, warned once as "table" */
    K_UNKNOWN       /* anything else: warned, block or inline by libxml2 */
};

static const struct {
    const char *name;
    enum kind kind;
} kinds[] = {
    { "a", K_A }, { "abbr", K_INLINE }, { "acronym", K_INLINE },
    { "address", K_BLOCK }, { "article", K_BLOCK }, { "aside", K_BLOCK },
    { "b", K_STRONG }, { "base", K_SKIP }, { "basefont", K_SKIP },
    { "bdi", K_INLINE }, { "bdo", K_INLINE }, { "big", K_INLINE },
    { "blockquote", K_BQ }, { "body", K_BLOCK }, { "br", K_BR },
    { "caption", K_TABLE }, { "center", K_BLOCK }, { "cite", K_INLINE },
    { "code", K_CODE }, { "col", K_TABLE }, { "colgroup", K_TABLE },
    { "data", K_INLINE }, { "dd", K_BLOCK }, { "del", K_INLINE },
    { "details", K_BLOCK }, { "dfn", K_INLINE }, { "div", K_DIV },
    { "dl", K_BLOCK }, { "dt", K_BLOCK }, { "em", K_EM },
    { "embed", K_SKIP }, { "figcaption", K_BLOCK }, { "figure", K_BLOCK },
    { "font", K_INLINE }, { "footer", K_BLOCK }, { "frame", K_SKIP },
    { "h1", K_H }, { "h2", K_H }, { "h3", K_H }, { "h4", K_H },
    { "h5", K_H }, { "h6", K_H }, { "head", K_HEAD },
    { "header", K_BLOCK }, { "hgroup", K_BLOCK }, { "hr", K_HR },
    { "html", K_HTML }, { "i", K_EM }, { "iframe", K_SKIP },
    { "img", K_IMG }, { "ins", K_INLINE }, { "kbd", K_CODE },
    { "label", K_INLINE }, { "li", K_LI }, { "link", K_SKIP },
    { "main", K_BLOCK }, { "mark", K_INLINE }, { "meta", K_META },
    { "nav", K_BLOCK }, { "nobr", K_INLINE }, { "noscript", K_SKIP },
    { "object", K_SKIP }, { "ol", K_OL }, { "p", K_P }, { "paid", K_PAID },
    { "param", K_SKIP }, { "pre", K_PRE }, { "q", K_INLINE },
    { "s", K_INLINE }, { "samp", K_CODE }, { "script", K_SKIP },
    { "section", K_SECTION }, { "small", K_INLINE }, { "source", K_SKIP },
    { "span", K_INLINE }, { "strike", K_INLINE }, { "strong", K_STRONG },
    { "style", K_SKIP }, { "sub", K_INLINE }, { "summary", K_BLOCK },
    { "sup", K_INLINE }, { "table", K_TABLE }, { "tbody", K_TABLE },
    { "td", K_TABLE }, { "template", K_SKIP }, { "tfoot", K_TABLE },
    { "th", K_TABLE }, { "thead", K_TABLE }, { "time", K_INLINE },
    { "title", K_TITLE }, { "tr", K_TABLE }, { "track", K_SKIP },
    { "tt", K_CODE }, { "u", K_INLINE }, { "ul", K_UL },
    { "var", K_INLINE }, { "wbr", K_INLINE },
};

/* One open element of the walk: what to go back to when it ends. */
struct frame {
    struct pd_node *restore;    /* builder node current again afterwards,
                                   if it is still open; NULL: nothing */
};

/* The reader's state. */
struct html_rd {
    struct pd_doc *doc;
    struct pd_builder b;
    struct pd_diag *d;
    struct frame *st;           /* open elements of the walk */
    size_t nst, cap;
    int shift;                  /* heading level = h level - shift */
    int title_mode;             /* the h1 is the title */
    int depth_warned;
    uint32_t last;              /* last character of the open inline
                                   context; 0 at its start or after <br> */
    int space_nl;               /* the pending space came from a newline */
    struct pd_node *space;      /* text node ending with a collapsible
                                   space that nothing has followed yet */
    struct pd_buf pend;         /* text for the current node, not yet
                                   added (one pd_add_text per run, so
                                   long paragraphs stay linear) */
    int pend_space;             /* pend ends with a collapsible space */
    const char *warned[MAX_WARNED];
    size_t nwarned;
    struct pd_buf tmp;          /* scratch */
    struct pd_paid_state paid;  /* a section opened by a marker */
    struct pd_node *paid_node;  /* and its node, while paid.open */
};

static int
is_html_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The element's kind, by its (lower-case) name. */
static enum kind
kind_of(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    size_t lo = 0, hi = sizeof(kinds) / sizeof(kinds[0]);

    if (name == NULL)
        return K_SKIP;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, kinds[mid].name);

        if (c == 0)
            return kinds[mid].kind;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return K_UNKNOWN;
}

static unsigned
line_of(const xmlNode *n)
{
    long l = xmlGetLineNo(n);

    return l > 0 ? (unsigned)l : 0;
}

/*
 * The value of attribute name (lower case) of n, or NULL.  The HTML parser
 * stores a value as a single text child; never expands anything.
 */
static const char *
attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next) {
        if (a->name == NULL || strcmp((const char *)a->name, name) != 0)
            continue;
        if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
            a->children->content != NULL)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/* 1 when the class attribute of n has the token cls. */
static int
has_class(const xmlNode *n, const char *cls)
{
    const char *s = attr(n, "class"), *e;
    size_t len = strlen(cls);

    if (s == NULL)
        return 0;
    for (;;) {
        while (*s != '\0' && is_html_space((unsigned char)*s))
            s++;
        if (*s == '\0')
            return 0;
        for (e = s; *e != '\0' && !is_html_space((unsigned char)*e); e++)
            ;
        if ((size_t)(e - s) == len && strncmp(s, cls, len) == 0)
            return 1;
        s = e;
    }
}

/* The next node of a walk of top's subtree (top itself excluded). */
static xmlNode *
walk_next(xmlNode *n, const xmlNode *top, int descend)
{
    if (descend && n->children != NULL)
        return n->children;
    while (n != top && n != NULL) {
        if (n->next != NULL)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* Warn once per key (an element name or a fixed string). */
static void
warn_once(struct html_rd *r, const xmlNode *n, const char *key,
          const char *what)
{
    size_t i;

    for (i = 0; i < r->nwarned; i++)
        if (strcmp(r->warned[i], key) == 0)
            return;
    if (r->nwarned == MAX_WARNED)
        return;
    r->warned[r->nwarned++] = pd_arena_strdup(r->doc->arena, key);
    pd_warn(r->d, line_of(n), "%s", what);
}

/*
 * Append the text of top's subtree to out: text nodes only, <br> as a
 * newline, dropped elements skipped.  Iterative.
 */
static void
subtree_text(xmlNode *top, struct pd_buf *out)
{
    xmlNode *n = top->children;

    while (n != NULL) {
        int descend = 1;

        if (n->type == XML_TEXT_NODE && n->content != NULL)
            pd_buf_puts(out, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE) {
            enum kind k = kind_of(n);

            if (k == K_SKIP || k == K_HEAD)
                descend = 0;
            else if (k == K_BR)
                pd_buf_putc(out, '\n');
        } else
            descend = 0;
        n = walk_next(n, top, descend);
    }
}

/*
 * Collapse runs of HTML white space in s to one space and drop it at both
 * ends; the result replaces out's contents.
 */
static void
collapse(const char *s, size_t len, struct pd_buf *out)
{
    size_t i;
    int sp = 0;

    pd_buf_clear(out);
    for (i = 0; i < len; i++) {
        if (is_html_space((unsigned char)s[i])) {
            sp = 1;
            continue;
        }
        if (sp && out->len > 0)
            pd_buf_putc(out, ' ');
        sp = 0;
        pd_buf_putc(out, s[i]);
    }
    if (out->data == NULL)
        pd_buf_puts(out, "");
}

/*
 * Builder helpers
 */

/* Types whose content is inline and which stand as a block. */
static int
is_inline_block(pd_node_type t)
{
    return t == PD_NODE_PARAGRAPH || t == PD_NODE_HEADING ||
        t == PD_NODE_TITLE || t == PD_NODE_PAYWALL;
}

static int
is_list(pd_node_type t)
{
    return t == PD_NODE_BULLET_LIST || t == PD_NODE_ORDERED_LIST;
}

/* 1 when n is the current builder node or one of its open ancestors. */
static int
is_open(const struct html_rd *r, const struct pd_node *n)
{
    const struct pd_node *p;

    for (p = r->b.cur; p != NULL; p = p->parent)
        if (p == n)
            return 1;
    return 0;
}

/*
 * Add the pending text to the current node.  It joins a directly preceding
 * text node only when that one is short, so that a paragraph cut into many
 * runs (empty inline elements between them) costs linear time; otherwise
 * it becomes a text node of its own.
 */
static void
flush(struct html_rd *r)
{
    struct pd_node *last = r->b.cur->last, *t;

    if (r->pend.len == 0)
        return;
    if (last == NULL || last->type != PD_NODE_TEXT || last->len < 256) {
        t = pd_add_text(&r->b, r->pend.data, r->pend.len);
    } else {
        t = pd_node_new(r->doc, PD_NODE_TEXT);
        t->line = r->b.line;
        t->text = pd_arena_strndup(r->doc->arena, r->pend.data, r->pend.len);
        t->len = r->pend.len;
        pd_node_append(r->b.cur, t);
    }
    if (r->pend_space)
        r->space = t;
    r->pend_space = 0;
    pd_buf_clear(&r->pend);
}

/* pd_push and pd_add_leaf after flushing the pending text. */
static struct pd_node *
bpush(struct html_rd *r, pd_node_type t)
{
    flush(r);
    return pd_push(&r->b, t);
}

static struct pd_node *
bleaf(struct html_rd *r, pd_node_type t)
{
    flush(r);
    return pd_add_leaf(&r->b, t);
}

/*
 * Remove the collapsible space at the end of r->space, and the text node
 * (and inline containers) it leaves empty.
 */
static void
drop_space(struct html_rd *r)
{
    struct pd_node *n = r->space, *p;

    if (r->pend_space) {
        r->pend.data[--r->pend.len] = '\0';
        r->pend_space = 0;
        return;
    }
    r->space = NULL;
    if (n == NULL || n->len == 0 || n->text[n->len - 1] != ' ')
        return;
    n->len--;
    ((char *)n->text)[n->len] = '\0';
    while (n != NULL && n->first == NULL && n != r->b.cur &&
           (n->type == PD_NODE_TEXT ? n->len == 0 :
            n->type == PD_NODE_EMPH || n->type == PD_NODE_STRONG ||
            n->type == PD_NODE_LINK)) {
        p = n->parent;
        pd_node_unlink(n);
        n = p;
    }
}

/*
 * Close the current builder node.  An inline context loses its trailing
 * space and line break; empty paragraphs, headings and inline containers
 * are dropped.
 */
static void
pop_one(struct html_rd *r)
{
    struct pd_node *n = r->b.cur;

    if (n->parent == NULL)
        return;
    if (is_inline_block(n->type)) {
        drop_space(r);
        flush(r);
        if (n->last != NULL && n->last->type == PD_NODE_LINE_BREAK)
            pd_node_unlink(n->last);
        r->last = 0;
        r->space = NULL;
    }
    flush(r);
    pd_pop(&r->b);
    if (n->first == NULL &&
        (n->type == PD_NODE_PARAGRAPH || n->type == PD_NODE_HEADING ||
         n->type == PD_NODE_TITLE || n->type == PD_NODE_EMPH ||
         n->type == PD_NODE_STRONG || n->type == PD_NODE_LINK))
        pd_node_unlink(n);
}

/* Close builder nodes until target is current (it must be open). */
static void
pop_to(struct html_rd *r, const struct pd_node *target)
{
    while (r->b.cur != target && r->b.cur->parent != NULL)
        pop_one(r);
}

/* Close inline contexts: afterwards the current node holds blocks. */
static void
pop_inline(struct html_rd *r)
{
    while (pd_can_contain(r->b.cur->type, PD_NODE_TEXT))
        pop_one(r);
}

/* 1 when `levels` more containers fit under the depth limit. */
static int
room(struct html_rd *r, int levels, const xmlNode *n)
{
    if (r->b.depth + levels <= r->b.max_depth)
        return 1;
    if (!r->depth_warned) {
        r->depth_warned = 1;
        pd_warn(r->d, line_of(n), "nesting deeper than %d levels flattened",
                r->b.max_depth);
    }
    return 0;
}

/*
 * Make the current node one that holds paragraphs: close inline contexts;
 * inside a list, continue its last item or open one.
 */
static void
ensure_block(struct html_rd *r)
{
    struct pd_node *cur;

    pop_inline(r);
    cur = r->b.cur;
    if (!is_list(cur->type))
        return;
    if (cur->last != NULL && cur->last->type == PD_NODE_LIST_ITEM) {
        /* Content between items belongs to the item before it. */
        flush(r);
        r->b.cur = cur->last;
        r->b.depth++;
        return;
    }
    if (bpush(r, PD_NODE_LIST_ITEM) == NULL)
        pop_one(r);
}

/*
 * Make the current node one that holds inlines, opening an implicit
 * paragraph when needed.  Returns 0 when there is no place (never at the
 * root, which always takes a paragraph).
 */
static int
ensure_inline(struct html_rd *r)
{
    while (!pd_can_contain(r->b.cur->type, PD_NODE_TEXT)) {
        ensure_block(r);
        if (bpush(r, PD_NODE_PARAGRAPH) != NULL) {
            r->last = 0;
            r->space = NULL;
            return 1;
        }
        if (r->b.cur->parent == NULL)
            return 0;
        pop_one(r);
    }
    return 1;
}

/* Append non-space text s[0..len) to the open inline context. */
static void
put_word(struct html_rd *r, const char *s, size_t len)
{
    size_t i = 0;
    uint32_t first, last;

    if (len == 0 || !ensure_inline(r))
        return;
    first = pd_utf8_decode(s, len, &i);
    if ((r->space != NULL || r->pend_space) && r->space_nl &&
        pd_is_cjk(r->last) && pd_is_cjk(first))
        drop_space(r);
    r->space = NULL;
    r->pend_space = 0;
    pd_buf_put(&r->pend, s, len);
    i = len;
    last = pd_utf8_decode_prev(s, &i);
    r->last = last;
}

/*
 * Text from the page: white space runs become one space, none at the start
 * of an inline context, and whitespace alone between blocks adds nothing.
 */
static void
add_words(struct html_rd *r, const char *s, size_t len)
{
    size_t i = 0, j;

    while (i < len) {
        if (is_html_space((unsigned char)s[i])) {
            int nl = 0;

            for (; i < len && is_html_space((unsigned char)s[i]); i++)
                if (s[i] == '\n' || s[i] == '\r')
                    nl = 1;
            if (r->space != NULL || r->pend_space) {
                r->space_nl |= nl;
            } else if (r->last != 0 &&
                       pd_can_contain(r->b.cur->type, PD_NODE_TEXT)) {
                pd_buf_putc(&r->pend, ' ');
                r->pend_space = 1;
                r->space_nl = nl;
            }
            continue;
        }
        for (j = i; j < len && !is_html_space((unsigned char)s[j]); j++)
            ;
        put_word(r, s + i, j - i);
        i = j;
    }
}

/* A separating space, as white space in the source would give. */
static void
add_space(struct html_rd *r)
{
    add_words(r, " ", 1);
}

/* The builder node markers work in: the marker-opened section, or root. */
static struct pd_node *
marker_level(struct html_rd *r)
{
    if (r->paid.open && r->paid_node != NULL && is_open(r, r->paid_node))
        return r->paid_node;
    return r->doc->root;
}

/*
 * A paid marker met in the page (a comment such as <!--paidbegin--> or
 * <!--more-->, or marker text such as FastAdmin's <p>##paidbegin##</p>):
 * the open paragraph or heading is split there, and the section opens or
 * closes at the top level, as in the text format (src/markers.c has the
 * fail-closed rules).  A marker inside a list or a quote closes them
 * first, with a warning, as a nested <section class="paid"> does.  Inside
 * a paid element (<section class="paid">, <paid>) markers are ignored
 * with a warning: the element decides.
 */
static void
on_marker(struct html_rd *r, const struct pd_marker_spelling *k,
          const xmlNode *n)
{
    struct pd_node *p, *top;
    unsigned line = line_of(n);

    for (p = r->b.cur; p != NULL; p = p->parent)
        if (p->type == PD_NODE_PAID && p != marker_level(r)) {
            pd_warn(r->d, line, "%s inside a paid element ignored",
                    k->text);
            return;
        }
    if (!r->paid.open && r->paid_node != NULL)
        r->paid_node = NULL;
    /* What does nothing but warn needs no split. */
    if ((k->kind == PD_MARK_BEGIN && r->paid.open) ||
        (k->kind == PD_MARK_END && (!r->paid.open || r->paid.rest)) ||
        (k->kind == PD_MARK_REST && r->paid.rest)) {
        pd_marker_apply(&r->b, &r->paid, k, line, r->d);
        return;
    }
    pop_inline(r);
    top = k->kind == PD_MARK_PAGEBREAK ? r->b.cur : marker_level(r);
    if (r->b.cur != top) {
        pd_node_type t = r->b.cur->type;

        pd_warn(r->d, line, "paid marker %s inside a %s: moved to the top "
                "level", k->text, t == PD_NODE_BLOCK_QUOTE ? "block quote" :
                t == PD_NODE_LIST_ITEM || is_list(t) ? "list" :
                pd_node_type_name[t]);
        pop_to(r, top);
    }
    flush(r);
    pd_marker_apply(&r->b, &r->paid, k, line, r->d);
    if (r->paid.open && r->b.cur->type == PD_NODE_PAID)
        r->paid_node = r->b.cur;
    r->last = 0;
    r->space = NULL;
}

/*
 * Text from the page, in flow (not in <pre> or <code>): marker text in
 * it (##paidbegin## ..., SPEC section 2) splits it.  One text node at a
 * time: our writer breaks marker spellings in literal text with an empty
 * comment, `#<!---->#paidbegin##`, so that they stay text.
 */
static void
add_text(struct html_rd *r, const char *s, size_t len, const xmlNode *n)
{
    const struct pd_marker_spelling *k;
    size_t from = 0, at;

    while ((at = pd_marker_find(s, from, len, &k)) < len) {
        add_words(r, s + from, at - from);
        on_marker(r, k, n);
        from = at + k->len;
    }
    add_words(r, s + from, len - from);
}

/*
 * Elements
 */

/* Push a container; on failure (depth) warn once and return NULL. */
static struct pd_node *
push(struct html_rd *r, pd_node_type t, int levels, const xmlNode *n)
{
    if (!room(r, levels, n))
        return NULL;
    return bpush(r, t);
}

/* The nearest builder node at or above cur that is not inline. */
static struct pd_node *
block_of(struct html_rd *r)
{
    struct pd_node *p = r->b.cur;

    while (p->type >= PD_NODE_FIRST_INLINE && p->parent != NULL)
        p = p->parent;
    return p;
}

/* A transparent block: close inline contexts, come back here afterwards. */
static int
enter_block(struct html_rd *r, struct frame *f)
{
    ensure_block(r);
    f->restore = r->b.cur;
    return 1;
}

/* An inline container (emph, strong, link); transparent when refused. */
static struct pd_node *
enter_inline(struct html_rd *r, pd_node_type t, const xmlNode *n,
             struct frame *f)
{
    struct pd_node *node;

    if (!ensure_inline(r))
        return NULL;
    node = push(r, t, 1, n);
    if (node != NULL)
        f->restore = node->parent;
    return node;
}

/* <a href>: a link, unless the URL is a script or data URL. */
static void
enter_link(struct html_rd *r, const xmlNode *n, struct frame *f)
{
    const char *href = attr(n, "href"), *title = attr(n, "title"), *e, *p;
    char scheme[12];
    size_t k = 0;
    struct pd_node *link;

    if (href == NULL)
        return;
    while (*href != '\0' && (unsigned char)*href <= 0x20)
        href++;
    for (e = href + strlen(href); e > href && is_html_space((unsigned char)e[-1]); e--)
        ;
    /* The scheme, as a browser reads it: tabs and newlines ignored. */
    for (p = href; p < e && *p != ':' && k < sizeof(scheme) - 1; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r')
            continue;
        scheme[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    }
    scheme[k] = '\0';
    if (p < e && *p == ':' &&
        (strcmp(scheme, "javascript") == 0 ||
         strcmp(scheme, "vbscript") == 0 || strcmp(scheme, "data") == 0)) {
        warn_once(r, n, "a:script", "link with a javascript:, vbscript: or "
                  "data: URL dropped (its text is kept)");
        return;
    }
    link = enter_inline(r, PD_NODE_LINK, n, f);
    if (link == NULL)
        return;
    link->as.link.url = pd_arena_strndup(r->doc->arena, href,
                                         (size_t)(e - href));
    if (title != NULL && *title != '\0')
        link->as.link.title = pd_arena_strdup(r->doc->arena, title);
}

/* <pre>: a code block with the text as is (one leading newline dropped). */
static void
enter_pre(struct html_rd *r, xmlNode *n)
{
    struct pd_node *cb;
    const char *s, *cls;
    xmlNode *c;
    size_t len;

    ensure_block(r);
    pd_buf_clear(&r->tmp);
    subtree_text(n, &r->tmp);
    s = r->tmp.data ? r->tmp.data : "";
    len = r->tmp.len;
    if (len > 0 && s[0] == '\n') {
        s++;
        len--;
    }
    cb = bleaf(r, PD_NODE_CODE_BLOCK);
    if (cb == NULL)
        return;
    cb->text = pd_arena_strndup(r->doc->arena, s, len);
    cb->len = len;
    /* The language: class="language-X" on the <code> inside, or on pre. */
    cls = NULL;
    for (c = n->children; c != NULL && cls == NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && kind_of(c) == K_CODE)
            cls = attr(c, "class");
    if (cls == NULL)
        cls = attr(n, "class");
    while (cls != NULL && *cls != '\0') {
        const char *e;

        while (is_html_space((unsigned char)*cls))
            cls++;
        for (e = cls; *e != '\0' && !is_html_space((unsigned char)*e); e++)
            ;
        if (e - cls > 9 && strncmp(cls, "language-", 9) == 0) {
            cb->as.code.info = pd_arena_strndup(r->doc->arena, cls + 9,
                                                (size_t)(e - cls - 9));
            break;
        }
        cls = e;
    }
}

/* <code>, <kbd>, ...: inline code, white space collapsed. */
static void
enter_code(struct html_rd *r, xmlNode *n)
{
    struct pd_buf raw = {0};
    struct pd_node *c;
    size_t i;

    subtree_text(n, &raw);
    /* Runs of white space become one space; the ends are kept. */
    pd_buf_clear(&r->tmp);
    for (i = 0; i < raw.len; i++) {
        if (!is_html_space((unsigned char)raw.data[i]))
            pd_buf_putc(&r->tmp, raw.data[i]);
        else if (i == 0 || !is_html_space((unsigned char)raw.data[i - 1]))
            pd_buf_putc(&r->tmp, ' ');
    }
    pd_buf_free(&raw);
    if (r->tmp.len == 0 || (r->tmp.len == 1 && r->tmp.data[0] == ' ') ||
        !ensure_inline(r))
        return;
    r->space = NULL;
    r->pend_space = 0;
    c = bleaf(r, PD_NODE_CODE);
    if (c == NULL)
        return;
    c->text = pd_arena_strndup(r->doc->arena, r->tmp.data, r->tmp.len);
    c->len = r->tmp.len;
    i = r->tmp.len;
    r->last = pd_utf8_decode_prev(r->tmp.data, &i);
}

/* The bullet of a <ul>: named by our writer's class, else '-'. */
static uint32_t
bullet_of(const xmlNode *n)
{
    static const struct {
        const char *cls;
        uint32_t bullet;
    } classes[] = {
        { "bullet-star", '*' }, { "bullet-plus", '+' },
        { "bullet-dot", 0x2022 }, { "bullet-middot", 0xB7 },
        { "bullet-circle", 0x25CF }
    };
    size_t i;

    for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (has_class(n, classes[i].cls))
            return classes[i].bullet;
    return '-';
}

/*
 * <ul>, <ol>: a list; tight when no item has a <p> of its own.  Our
 * writer's classes give back the bullet glyph (bullet-dot ...) and the
 * `1)` delimiter (paren).
 */
static int
enter_list(struct html_rd *r, const xmlNode *n, int ordered,
           struct frame *f)
{
    struct pd_node *l;
    const xmlNode *li, *c;
    const char *v;
    int tight = 1;

    ensure_block(r);
    l = push(r, ordered ? PD_NODE_ORDERED_LIST : PD_NODE_BULLET_LIST, 3, n);
    if (l == NULL)
        return enter_block(r, f);
    f->restore = l->parent;
    for (li = n->children; li != NULL && tight; li = li->next)
        if (li->type == XML_ELEMENT_NODE && kind_of(li) == K_LI)
            for (c = li->children; c != NULL; c = c->next)
                if (c->type == XML_ELEMENT_NODE && kind_of(c) == K_P)
                    tight = 0;
    l->as.list.tight = (uint8_t)tight;
    if (!ordered) {
        l->as.list.bullet = bullet_of(n);
        return 1;
    }
    l->as.list.start = 1;
    v = attr(n, "start");
    if (v != NULL) {
        long s = strtol(v, NULL, 10);

        l->as.list.start = (int)(s < 0 ? 0 : s > 999999999 ? 999999999 : s);
    }
    v = attr(n, "type");
    if (has_class(n, "circled")) {
        /* Our writer's ① ② ③ lists. */
        l->as.list.numbering = PD_NUM_CIRCLED;
        l->as.list.delim = PD_DELIM_NONE;
        return 1;
    }
    if (v != NULL && strcmp(v, "a") == 0)
        l->as.list.numbering = PD_NUM_LOWER_ALPHA;
    else if (v != NULL && strcmp(v, "A") == 0)
        l->as.list.numbering = PD_NUM_UPPER_ALPHA;
    l->as.list.delim = has_class(n, "paren") ? PD_DELIM_PAREN :
        PD_DELIM_PERIOD;
    return 1;
}

/* <li>: an item of the nearest open list, else a plain block. */
static int
enter_item(struct html_rd *r, const xmlNode *n, struct frame *f)
{
    struct pd_node *p, *item;

    if (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE &&
        (kind_of(n->parent) == K_UL || kind_of(n->parent) == K_OL)) {
        for (p = r->b.cur; p != NULL && !is_list(p->type); p = p->parent)
            ;
        if (p != NULL) {
            pop_to(r, p);
            item = push(r, PD_NODE_LIST_ITEM, 2, n);
            if (item != NULL) {
                f->restore = p;
                return 1;
            }
        }
    }
    return enter_block(r, f);
}

/* <section class="paid">, <paid>: a paid section at the top level. */
static int
enter_paid(struct html_rd *r, const xmlNode *n, struct frame *f)
{
    struct pd_node *p;

    for (p = r->b.cur; p != NULL; p = p->parent) {
        if (p->type == PD_NODE_PAID) {
            warn_once(r, n, "paid:nested", "paid section inside a paid "
                      "section: merged into the enclosing one");
            return enter_block(r, f);
        }
    }
    pop_inline(r);
    if (r->b.cur->parent != NULL) {
        pd_warn(r->d, line_of(n), "paid section inside a %s moved to the "
                "top level", pd_node_type_name[r->b.cur->type]);
        pop_to(r, r->doc->root);
    }
    p = bpush(r, PD_NODE_PAID);
    if (p == NULL)
        return enter_block(r, f);
    f->restore = p->parent;
    return 1;
}

/* div.paywall, div.alert-paid: the paywall notice, where one may stand. */
static int
enter_paywall(struct html_rd *r, const xmlNode *n, struct frame *f)
{
    struct pd_node *pw;

    ensure_block(r);
    if (!pd_can_contain(r->b.cur->type, PD_NODE_PAYWALL))
        return enter_block(r, f);
    pw = push(r, PD_NODE_PAYWALL, 1, n);
    if (pw == NULL)
        return enter_block(r, f);
    f->restore = pw->parent;
    r->last = 0;
    r->space = NULL;
    return 1;
}

/* h1..h6: the title or a heading. */
static int
enter_heading(struct html_rd *r, const xmlNode *n, struct frame *f)
{
    int level = n->name[1] - '0';
    struct pd_node *h = NULL;
    const char *aria = attr(n, "aria-level");

    /* aria-level gives levels beyond h6 (a heading level 6 is h7). */
    if (aria != NULL && aria[0] >= '1' && aria[0] <= '9' && aria[1] == '\0')
        level = aria[0] - '0';

    ensure_block(r);
    if (n->name[1] == '1' && r->title_mode)
        h = bpush(r, PD_NODE_TITLE);
    if (h == NULL) {
        h = push(r, PD_NODE_HEADING, 1, n);
        if (h == NULL)
            return enter_block(r, f);
        level -= r->shift;
        h->as.heading.level = level < 1 ? 1 : level;
        /* Our writer's run-in headings: the paragraph after continues. */
        h->as.heading.run_in = has_class(n, "run-in");
    }
    f->restore = h->parent;
    r->last = 0;
    r->space = NULL;
    return 1;
}

/* <meta name=author|date|description content=...>. */
static void
enter_meta(struct html_rd *r, const xmlNode *n)
{
    static const char *const keys[] = { "author", "date", "description" };
    const char *name = attr(n, "name"), *content = attr(n, "content");
    size_t i;

    if (name == NULL || content == NULL)
        return;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (xmlStrcasecmp((const xmlChar *)name,
                          (const xmlChar *)keys[i]) == 0) {
            collapse(content, strlen(content), &r->tmp);
            if (r->tmp.len > 0 && pd_doc_meta(r->doc, keys[i]) == NULL)
                pd_doc_set_meta(r->doc, keys[i], r->tmp.data);
        }
    }
}

/* <head>: only its title and meta elements count. */
static void
enter_head(struct html_rd *r, xmlNode *head)
{
    xmlNode *n = head->children;

    while (n != NULL) {
        int descend = 0;

        enum kind k = n->type == XML_ELEMENT_NODE ? kind_of(n) : K_SKIP;

        if (k == K_TITLE && pd_doc_meta(r->doc, "title") == NULL) {
            struct pd_buf raw = {0};

            subtree_text(n, &raw);
            collapse(raw.data ? raw.data : "", raw.len, &r->tmp);
            pd_buf_free(&raw);
            if (r->tmp.len > 0)
                pd_doc_set_meta(r->doc, "title", r->tmp.data);
        } else if (k == K_META)
            enter_meta(r, n);
        n = walk_next(n, head, descend);
    }
}

/*
 * 1 when element n (of kind k) is a block that, inside a heading or a
 * paywall, is flattened into it instead of closing it.  A paid section
 * never is: it breaks out, so that its text stays paid.
 */
static int
flattens(enum kind k, const xmlNode *n)
{
    switch (k) {
    case K_BLOCK:
    case K_P:
    case K_H:
    case K_PRE:
    case K_UL:
    case K_OL:
    case K_LI:
    case K_BQ:
    case K_HR:
    case K_DIV:
        return 1;
    case K_SECTION:
        return !has_class(n, "paid");
    case K_INLINE:
    case K_SKIP:
    case K_HTML:
    case K_HEAD:
    case K_TITLE:
    case K_META:
    case K_BR:
    case K_EM:
    case K_STRONG:
    case K_CODE:
    case K_A:
    case K_PAID:
    case K_IMG:
    case K_TABLE:
    case K_UNKNOWN:
        return 0;
    }
    return 0;
}

/*
 * Handle the start of element n: open what it maps to, fill f with what
 * to do at its end.  Returns 1 to walk its children, 0 to skip them.
 */
static int
enter(struct html_rd *r, xmlNode *n, struct frame *f)
{
    enum kind k = kind_of(n);
    pd_node_type bt = block_of(r)->type;
    int flat = bt == PD_NODE_HEADING || bt == PD_NODE_TITLE ||
        bt == PD_NODE_PAYWALL;
    const htmlElemDesc *desc;
    const char *v;

    r->b.line = line_of(n);
    if (flat && flattens(k, n)) {
        add_space(r);
        return 1;
    }
    switch (k) {
    case K_SKIP:
    case K_TITLE:
        return 0;
    case K_HEAD:
        enter_head(r, n);
        return 0;
    case K_META:
        enter_meta(r, n);
        return 0;
    case K_HTML:
        v = attr(n, "lang");
        if (v != NULL && *v != '\0' && pd_doc_meta(r->doc, "lang") == NULL) {
            collapse(v, strlen(v), &r->tmp);
            if (r->tmp.len > 0)
                pd_doc_set_meta(r->doc, "lang", r->tmp.data);
        }
        return 1;
    case K_INLINE:
        return 1;
    case K_BLOCK:
        return enter_block(r, f);
    case K_P:
        ensure_block(r);
        if (bpush(r, PD_NODE_PARAGRAPH) == NULL)
            return enter_block(r, f);
        f->restore = r->b.cur->parent;
        r->last = 0;
        r->space = NULL;
        return 1;
    case K_H:
        return enter_heading(r, n, f);
    case K_BR:
        if (pd_can_contain(r->b.cur->type, PD_NODE_LINE_BREAK)) {
            drop_space(r);
            bleaf(r, PD_NODE_LINE_BREAK);
            r->last = 0;
        }
        return 0;
    case K_EM:
        enter_inline(r, PD_NODE_EMPH, n, f);
        return 1;
    case K_STRONG:
        enter_inline(r, PD_NODE_STRONG, n, f);
        return 1;
    case K_CODE:
        enter_code(r, n);
        return 0;
    case K_PRE:
        enter_pre(r, n);
        return 0;
    case K_A:
        enter_link(r, n, f);
        return 1;
    case K_UL:
        return enter_list(r, n, 0, f);
    case K_OL:
        return enter_list(r, n, 1, f);
    case K_LI:
        return enter_item(r, n, f);
    case K_BQ:
        ensure_block(r);
        if (push(r, PD_NODE_BLOCK_QUOTE, 2, n) == NULL)
            return enter_block(r, f);
        f->restore = r->b.cur->parent;
        return 1;
    case K_HR:
        ensure_block(r);
        bleaf(r, has_class(n, "pagebreak") ? PD_NODE_PAGE_BREAK
                                                     : PD_NODE_THEMATIC_BREAK);
        return 0;
    case K_DIV:
        if (has_class(n, "paywall") || has_class(n, "alert-paid"))
            return enter_paywall(r, n, f);
        return enter_block(r, f);
    case K_SECTION:
        if (has_class(n, "paid"))
            return enter_paid(r, n, f);
        return enter_block(r, f);
    case K_PAID:
        return enter_paid(r, n, f);
    case K_IMG:
        warn_once(r, n, "img", "<img> replaced by its alt text");
        v = attr(n, "alt");
        if (v != NULL)
            add_words(r, v, strlen(v));
        return 0;
    case K_TABLE:
        warn_once(r, n, "table", "<table> flattened: cells kept as "
                  "paragraphs");
        if (flat) {
            add_space(r);
            return 1;
        }
        return enter_block(r, f);
    case K_UNKNOWN:
        desc = htmlTagLookup(n->name);
        pd_buf_clear(&r->tmp);
        pd_buf_printf(&r->tmp, "<%s> is not supported: its text is kept",
                      (const char *)n->name);
        warn_once(r, n, (const char *)n->name, r->tmp.data);
        if (desc != NULL && !desc->isinline) {
            if (flat) {
                add_space(r);
                return 1;
            }
            return enter_block(r, f);
        }
        return 1;
    }
    return 1;
}

/*
 * The end of an element: go back to where it started, if still open.  An
 * element that started at the top level while a marker opened a section
 * inside it goes back to that section: it stays open until its end marker
 * (<div>free<!--paidbegin-->paid</div>more paid<!--paidend-->).
 */
static void
leave(struct html_rd *r, const struct frame *f)
{
    struct pd_node *to = f->restore;

    if (to != NULL && to == r->doc->root)
        to = marker_level(r);
    if (to != NULL && is_open(r, to))
        pop_to(r, to);
}

/* Walk the parsed page once, without recursion. */
static void
walk(struct html_rd *r, xmlDoc *hdoc)
{
    xmlNode *n = hdoc->children;

    while (n != NULL) {
        struct frame f = { NULL };
        int descend = 0;

        if (n->type == XML_ELEMENT_NODE)
            descend = enter(r, n, &f);
        else if (n->type == XML_TEXT_NODE && n->content != NULL)
            add_text(r, (const char *)n->content,
                     strlen((const char *)n->content), n);
        else if (n->type == XML_COMMENT_NODE && n->content != NULL) {
            const char *c = (const char *)n->content;
            const struct pd_marker_spelling *k =
                pd_marker_comment(c, strlen(c));

            if (k != NULL)
                on_marker(r, k, n);
        }
        /* Other comments, PIs, CDATA, entity references, DTDs: dropped. */
        if (descend && n->children != NULL) {
            if (r->nst == r->cap) {
                r->cap = r->cap ? 2 * r->cap : 64;
                r->st = pd_xrealloc(r->st, r->cap * sizeof(*r->st));
            }
            r->st[r->nst++] = f;
            n = n->children;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE)
            leave(r, &f);
        while (n != NULL && n->next == NULL) {
            n = n->parent;
            if (n == NULL || n->type != XML_ELEMENT_NODE) {
                n = NULL;
                break;
            }
            leave(r, &r->st[--r->nst]);
        }
        if (n != NULL)
            n = n->next;
    }
    pop_to(r, r->doc->root);
}

/*
 * Heading convention: count the h1 elements and find the first heading.
 * The only h1, coming first, is the title and h2 is level 1; without any
 * h1, h2 is level 1 too (a fragment our writer made from an untitled
 * document); else h1 is level 1.
 */
static void
scan_headings(struct html_rd *r, xmlDoc *hdoc)
{
    xmlNode *n = hdoc->children;
    int nh1 = 0, first = 0;

    while (n != NULL) {
        int descend = n->type == XML_ELEMENT_NODE;

        if (descend) {
            enum kind k = kind_of(n);

            if (k == K_SKIP || k == K_HEAD || k == K_PRE || k == K_CODE)
                descend = 0;
            else if (k == K_H) {
                if (first == 0)
                    first = n->name[1] - '0';
                if (n->name[1] == '1')
                    nh1++;
            }
        }
        n = walk_next(n, (xmlNode *)hdoc, descend);
    }
    r->title_mode = first == 1 && nh1 == 1;
    r->shift = r->title_mode || nh1 == 0 ? 1 : 0;
}

/* The metadata title, when the page has none, is the title's text. */
static void
title_meta(struct html_rd *r)
{
    struct pd_node *n;

    if (pd_doc_meta(r->doc, "title") != NULL)
        return;
    for (n = r->doc->root->first; n != NULL; n = n->next) {
        if (n->type == PD_NODE_TITLE) {
            pd_buf_clear(&r->tmp);
            pd_node_text(n, &r->tmp);
            if (r->tmp.len > 0)
                pd_doc_set_meta(r->doc, "title", r->tmp.data);
            return;
        }
    }
}

/*
 * Input bytes
 */

/* Line number of offset off in in. */
static unsigned
line_at(const unsigned char *in, size_t off)
{
    unsigned line = 1;
    size_t i;

    for (i = 0; i < off; i++)
        if (in[i] == '\n')
            line++;
    return line;
}

/*
 * The charset a <meta> tag declares in the first 1024 bytes (charset= or
 * content="...; charset=..."), into buf in lower case; 0 when none.
 */
static int
sniff_charset(const unsigned char *in, size_t len, char *buf, size_t size)
{
    size_t end = len < 1024 ? len : 1024, i, k, tag_end;

    for (i = 0; i + 5 < end; i++) {
        if (in[i] != '<' || xmlStrncasecmp(in + i + 1,
                                           (const xmlChar *)"meta", 4) != 0)
            continue;
        for (tag_end = i; tag_end < end && in[tag_end] != '>'; tag_end++)
            ;
        for (k = i + 5; k + 7 < tag_end; k++) {
            size_t j = k + 7, o = 0;

            if (xmlStrncasecmp(in + k, (const xmlChar *)"charset", 7) != 0)
                continue;
            while (j < tag_end && is_html_space(in[j]))
                j++;
            if (j >= tag_end || in[j] != '=')
                continue;
            for (j++; j < tag_end && (is_html_space(in[j]) || in[j] == '"' ||
                                      in[j] == '\''); j++)
                ;
            for (; j < tag_end && o + 1 < size; j++) {
                unsigned char c = in[j];

                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                      c == '.' || c == ':'))
                    break;
                buf[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            buf[o] = '\0';
            if (o > 0)
                return 1;
        }
        i = tag_end;
    }
    return 0;
}

/* 1 for charsets whose text is read as UTF-8 (ASCII is a subset). */
static int
utf8_compatible(const char *cs)
{
    return strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0 ||
        strcmp(cs, "us-ascii") == 0 || strcmp(cs, "ascii") == 0 ||
        /* A page saved as UTF-16 cannot say so in ASCII bytes. */
        strncmp(cs, "utf-16", 6) == 0 || strncmp(cs, "unicode", 7) == 0;
}

/*
 * Replace every invalid UTF-8 byte of in by U+FFFD into out; warn once,
 * naming the first offset.
 */
static void
fix_utf8(const unsigned char *in, size_t len, size_t first, size_t base,
         struct pd_buf *out, struct pd_diag *d)
{
    size_t i = first, at, nbad = 0;

    pd_buf_grow(out, len + 64);
    pd_buf_put(out, in, first);
    while (i < len) {
        at = i;
        if (in[i] < 0x80) {
            pd_buf_putc(out, in[i]);
            i++;
            continue;
        }
        if (pd_utf8_decode((const char *)in, len, &i) == 0xFFFD &&
            i - at == 1) {
            nbad++;
            pd_buf_puts(out, "\xEF\xBF\xBD");
        } else
            pd_buf_put(out, in + at, i - at);
    }
    pd_warn(d, line_at(in, first), "invalid UTF-8: byte 0x%02X at offset "
            "%zu%s replaced by U+FFFD", in[first], first + base,
            nbad > 1 ? " and the other invalid bytes" : "");
}

/*
 * Control characters, which libxml2's HTML parser drops without a word
 * (joining the words around them): form feed, white space in HTML,
 * becomes a space; other C0 controls but tab, line feed and carriage
 * return, and the non-characters U+FFFE and U+FFFF become U+FFFD, with
 * one warning naming the first.  in is valid UTF-8.  Returns 1 when out
 * holds the cleaned bytes, 0 when there was nothing to change.
 */
static int
fix_controls(const unsigned char *in, size_t len, struct pd_buf *out,
             struct pd_diag *d)
{
    size_t i = 0, at, start = 0, count = 0, first_at = 0;
    uint32_t c, first = 0;
    int changed = 0;

    while (i < len) {
        at = i;
        if (in[i] < 0x80) {
            c = in[i++];
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                continue;
        } else {
            c = pd_utf8_decode((const char *)in, len, &i);
            if (c != 0xFFFE && c != 0xFFFF)
                continue;
        }
        if (!changed) {
            pd_buf_grow(out, len + 16);
            changed = 1;
        }
        pd_buf_put(out, in + start, at - start);
        start = i;
        if (c == '\f') {
            pd_buf_putc(out, ' ');
            continue;
        }
        pd_buf_puts(out, "\xEF\xBF\xBD");
        if (count++ == 0) {
            first = c;
            first_at = at;
        }
    }
    if (!changed)
        return 0;
    pd_buf_put(out, in + start, len - start);
    if (count > 0)
        pd_warn(d, line_at(in, first_at), "%s U+%04X replaced by U+FFFD%s",
                first < 0x20 ? "control character" : "non-character",
                (unsigned)first, count > 1 ? " (and the others like it)" : "");
    return 1;
}

/*
 * Remove <![CDATA[ ... ]]> sections from the raw bytes (outside of foreign
 * content a browser ignores them, while libxml2 returns them as text).
 * Without "]]>", the section ends at the next '>', as a browser's bogus
 * comment does.  Returns 0 and copies nothing when there is none.
 */
static int
strip_cdata(const unsigned char *in, size_t len, struct pd_buf *out)
{
    static const char open[] = "<![CDATA[";
    size_t i = 0, copied = 0, k;
    int found = 0;

    while (i + 9 <= len) {
        const unsigned char *lt = memchr(in + i, '<', len - i);

        if (lt == NULL)
            break;
        i = (size_t)(lt - in);
        if (i + 9 > len || memcmp(in + i, open, 9) != 0) {
            i++;
            continue;
        }
        found = 1;
        pd_buf_put(out, in + copied, i - copied);
        for (k = i + 9; k + 3 <= len; k++)
            if (in[k] == ']' && in[k + 1] == ']' && in[k + 2] == '>')
                break;
        if (k + 3 <= len)
            k += 3;
        else {
            const unsigned char *gt = memchr(in + i, '>', len - i);

            k = gt ? (size_t)(gt - in) + 1 : len;
        }
        i = copied = k;
    }
    if (!found)
        return 0;
    pd_buf_put(out, in + copied, len - copied);
    return 1;
}

/*
 * Cut start tags with more than MAX_ATTRS attributes down to MAX_ATTRS
 * (libxml2 checks every attribute against every earlier one).  A cheap
 * scan that knows quotes, comments and tag boundaries; when no tag is that
 * long (always, in real pages) it returns 0 and copies nothing.
 */
static int
cap_attributes(const unsigned char *in, size_t len, struct pd_buf *out,
               struct pd_diag *d)
{
    size_t i = 0, copied = 0, count, k;
    int capped = 0;

    while (i < len) {
        const unsigned char *lt = memchr(in + i, '<', len - i);

        if (lt == NULL)
            break;
        i = (size_t)(lt - in) + 1;
        if (i + 3 <= len && memcmp(in + i, "!--", 3) == 0) {
            const unsigned char *e = in + i;

            for (; (size_t)(e - in) + 3 <= len; e++)
                if (e[0] == '-' && e[1] == '-' && e[2] == '>')
                    break;
            i = (size_t)(e - in) + 3;
            continue;
        }
        if (i >= len || !((in[i] | 0x20) >= 'a' && (in[i] | 0x20) <= 'z'))
            continue;
        while (i < len && !is_html_space(in[i]) && in[i] != '>' &&
               in[i] != '/')
            i++;
        /* Attributes: name [= value], until '>'. */
        count = 0;
        while (i < len && in[i] != '>') {
            size_t start = i;

            if (is_html_space(in[i]) || in[i] == '/') {
                i++;
                continue;
            }
            while (i < len && !is_html_space(in[i]) && in[i] != '>' &&
                   in[i] != '=' && in[i] != '/')
                i++;
            for (k = i; k < len && is_html_space(in[k]); k++)
                ;
            if (k < len && in[k] == '=') {
                for (k++; k < len && is_html_space(in[k]); k++)
                    ;
                if (k < len && (in[k] == '"' || in[k] == '\'')) {
                    const unsigned char *q = memchr(in + k + 1, in[k],
                                                    len - k - 1);

                    k = q ? (size_t)(q - in) + 1 : len;
                } else {
                    while (k < len && !is_html_space(in[k]) && in[k] != '>')
                        k++;
                }
                i = k;
            }
            if (i == start)
                i++;
            if (++count > MAX_ATTRS) {
                /* Drop this attribute from the copy. */
                if (!capped)
                    pd_warn(d, line_at(in, start), "a start tag has more "
                            "than %d attributes; the rest are dropped",
                            MAX_ATTRS);
                capped = 1;
                pd_buf_put(out, in + copied, start - copied);
                copied = i;
            }
        }
    }
    if (!capped)
        return 0;
    pd_buf_put(out, in + copied, len - copied);
    return 1;
}

int
pd_read_html(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    struct pd_buf fixed = {0}, capped = {0}, nocdata = {0}, noctl = {0};
    const unsigned char *p = in;
    const char *enc = "UTF-8";
    size_t n = len, base = 0, bad;
    htmlParserCtxtPtr ctxt;
    xmlDoc *hdoc;
    xmlErrorPtr err;
    struct html_rd r;
    char cs[40];
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET |
        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD;

    if (len > INT_MAX)
        return pd_error(d, PD_ERR_DATA, 0, "input too large (%zu > %d "
                        "bytes)", len, INT_MAX);
    if (n >= 2 && (p[0] == 0xFF || p[0] == 0xFE) && p[1] == (p[0] ^ 1)) {
        enc = NULL;                 /* UTF-16 with BOM: libxml2 decodes */
    } else {
        const void *nul;

        if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
            p += 3;
            n -= 3;
            base = 3;
        }
        nul = memchr(p, 0, n);
        if (nul != NULL)
            return pd_error(d, PD_ERR_DATA, 0, "not a text file: byte 0x00 "
                            "at offset %zu",
                            (size_t)((const unsigned char *)nul - in));
        if (base == 0 && sniff_charset(p, n, cs, sizeof(cs)) &&
            !utf8_compatible(cs)) {
            enc = NULL;             /* declared: libxml2 converts */
        } else {
            bad = pd_utf8_check((const char *)p, n);
            if (bad < n) {
                fix_utf8(p, n, bad, base, &fixed, d);
                p = (const unsigned char *)fixed.data;
                n = fixed.len;
            }
            if (fix_controls(p, n, &noctl, d)) {
                p = (const unsigned char *)noctl.data;
                n = noctl.len;
            }
            options |= HTML_PARSE_IGNORE_ENC;
        }
        if (strip_cdata(p, n, &nocdata)) {
            p = (const unsigned char *)nocdata.data;
            n = nocdata.len;
        }
        if (cap_attributes(p, n, &capped, d)) {
            p = (const unsigned char *)capped.data;
            n = capped.len;
        }
    }

    ctxt = htmlNewParserCtxt();
    if (ctxt == NULL) {
        pd_buf_free(&fixed);
        pd_buf_free(&capped);
        pd_buf_free(&nocdata);
        pd_buf_free(&noctl);
        return pd_error(d, PD_ERR_INTERNAL, 0, "libxml2: out of memory");
    }
    hdoc = htmlCtxtReadMemory(ctxt, (const char *)p, (int)n, "input.html",
                              enc, options);
    err = xmlCtxtGetLastError(ctxt);
    if (err != NULL && err->code == XML_ERR_INTERNAL_ERROR &&
        err->message != NULL && strstr(err->message, "depth") != NULL)
        pd_warn(d, (unsigned)(err->line > 0 ? err->line : 0),
                "content truncated at depth 256 (the HTML parser's nesting "
                "limit): the rest of the page is lost");
    pd_buf_free(&fixed);
    pd_buf_free(&capped);
    pd_buf_free(&nocdata);
    pd_buf_free(&noctl);
    if (hdoc == NULL) {
        htmlFreeParserCtxt(ctxt);
        if (len == 0 || n == 0)
            return 0;
        return pd_error(d, PD_ERR_DATA, 0, "cannot parse the HTML");
    }

    memset(&r, 0, sizeof(r));
    r.doc = doc;
    r.d = d;
    pd_builder_init(&r.b, doc);
    r.b.max_depth = opts->max_depth > 2 ? opts->max_depth
                  : opts->max_depth > 0 ? 2 : PD_MAX_DEPTH;
    scan_headings(&r, hdoc);
    walk(&r, hdoc);
    pd_marker_finish(&r.b, &r.paid, d);
    title_meta(&r);
    free(r.st);
    pd_buf_free(&r.tmp);
    pd_buf_free(&r.pend);
    xmlFreeDoc(hdoc);
    htmlFreeParserCtxt(ctxt);
    return 0;
}
