/*
 * mdcheck.c - checks that the Markdown writer's output, parsed again by
 * cmark, has the structure of the document it was written from.
 *
 *   mdcheck INPUT [FORMAT]
 *
 * INPUT is read with the reader of FORMAT (default: by extension), written
 * with pd_write_md(), parsed with cmark, and both trees are reduced to the
 * same canonical listing (blocks, inline markup, merged text), which must
 * be equal.  Paid markers must be marker lines in the Markdown source,
 * and text that merely spells a marker must not be.  Exit 0 when equal, 1
 * with both listings' first difference on stderr otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "paidoc.h"
#include "testutil.h"
#include "internal.h"

static const char *const marker_names[] = {
    "##paidbegin##", "##paidend##", "##pagebreak##"
};

/* Canonical listing being built, with text merged across nodes. */
struct canon {
    struct pd_buf out;
    struct pd_buf text;
};

static void
flush_text(struct canon *c)
{
    if (c->text.len == 0)
        return;
    pd_buf_puts(&c->out, "T:");
    pd_buf_put(&c->out, c->text.data, c->text.len);
    pd_buf_puts(&c->out, "\n");
    pd_buf_clear(&c->text);
}

static void
token(struct canon *c, const char *s)
{
    flush_text(c);
    pd_buf_puts(&c->out, s);
    pd_buf_putc(&c->out, '\n');
}

/* Text with invalid UTF-8 replaced as cmark does. */
static void
add_text(struct canon *c, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t at = i;
        uint32_t ch = pd_utf8_decode(s, len, &i);

        if (ch == 0xFFFD && !(i - at == 3))
            pd_buf_puts(&c->text, "\xEF\xBF\xBD");
        else
            pd_buf_put(&c->text, s + at, i - at);
    }
}

/* 1 when inline n has nothing but its block's end after it. */
static int
last_inline(const struct pd_node *n)
{
    while (n != NULL && n->type >= PD_NODE_FIRST_INLINE) {
        if (n->next != NULL)
            return 0;
        n = n->parent;
    }
    return 1;
}

/* 1 when a tight list must come back loose (see the md writer). */
static int
forced_loose(const struct pd_node *list)
{
    const struct pd_node *it, *b;

    for (it = list->first; it != NULL; it = it->next)
        for (b = it->first; b != NULL && b->next != NULL; b = b->next)
            if (b->type == PD_NODE_PARAGRAPH &&
                (b->next->type == PD_NODE_PARAGRAPH ||
                 (b->next->type == PD_NODE_ORDERED_LIST &&
                  b->next->as.list.start != 1)))
                return 1;
    return 0;
}

/* The listing of the paidoc tree, as the md writer should preserve it. */
static void
canon_doc(const struct pd_doc *doc, struct canon *c)
{
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;
    char b[256];
    int in_heading = 0;

    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        int enter = ev == PD_EVENT_ENTER;

        switch (n->type) {
        case PD_NODE_DOCUMENT:
        case PD_NODE_NONE:
        case PD_NODE__MAX:
            break;
        case PD_NODE_TITLE:
        case PD_NODE_HEADING:
            if (enter) {
                int lv = n->type == PD_NODE_TITLE ? 1
                                                  : n->as.heading.level + 1;

                snprintf(b, sizeof(b), "heading %d", lv > 6 ? 6 : lv);
                token(c, b);
            } else
                token(c, "end");
            in_heading = enter;
            break;
        case PD_NODE_PARAGRAPH:
        case PD_NODE_PAYWALL:
            if (n->first == NULL) {
                pd_iter_skip(&it);
                pd_iter_next(&it, &n);
                break;
            }
            token(c, enter ? "para" : "end");
            break;
        case PD_NODE_BULLET_LIST:
            if (enter) {
                snprintf(b, sizeof(b), "bullet_list%s",
                         n->as.list.tight && !forced_loose(n) ? " tight" : "");
                token(c, b);
            } else
                token(c, "end");
            break;
        case PD_NODE_ORDERED_LIST:
            if (enter) {
                int st = n->as.list.start < 0 ? 0 : n->as.list.start;

                snprintf(b, sizeof(b), "ordered_list start=%d%s", st,
                         n->as.list.tight && !forced_loose(n) ? " tight" : "");
                token(c, b);
            } else
                token(c, "end");
            break;
        case PD_NODE_LIST_ITEM:
            token(c, enter ? "item" : "end");
            break;
        case PD_NODE_BLOCK_QUOTE:
            token(c, enter ? "quote" : "end");
            break;
        case PD_NODE_CODE_BLOCK:
            snprintf(b, sizeof(b), "code_block %s",
                     n->as.code.info ? n->as.code.info : "");
            token(c, b);
            add_text(c, n->text, n->len);
            if (n->len > 0 && n->text[n->len - 1] != '\n')
                pd_buf_putc(&c->text, '\n');
            token(c, "end");
            break;
        case PD_NODE_THEMATIC_BREAK:
            token(c, "hr");
            break;
        case PD_NODE_PAGE_BREAK:
            token(c, "marker ##pagebreak##");
            break;
        case PD_NODE_PAID:
            token(c, enter ? "marker ##paidbegin##" : "marker ##paidend##");
            break;
        case PD_NODE_RAW_BLOCK:
        case PD_NODE_RAW_INLINE:
            break;
        case PD_NODE_TEXT:
            add_text(c, n->text, n->len);
            break;
        case PD_NODE_EMPH:
            if (n->first != NULL)
                token(c, enter ? "emph" : "/emph");
            break;
        case PD_NODE_STRONG:
            if (n->first != NULL)
                token(c, enter ? "strong" : "/strong");
            break;
        case PD_NODE_CODE:
            if (n->len > 0) {
                size_t i;

                flush_text(c);
                pd_buf_puts(&c->out, "C:");
                for (i = 0; i < n->len; i++)
                    pd_buf_putc(&c->out, n->text[i] == '\n' ? ' '
                                                            : n->text[i]);
                pd_buf_putc(&c->out, '\n');
            }
            break;
        case PD_NODE_LINK:
            if (enter) {
                flush_text(c);
                pd_buf_printf(&c->out, "link <%s> \"%s\"\n", n->as.link.url,
                              n->as.link.title ? n->as.link.title : "");
            } else
                token(c, "/link");
            break;
        case PD_NODE_LINE_BREAK:
            if (in_heading)
                pd_buf_putc(&c->text, ' ');
            else if (!last_inline(n))
                token(c, "br");
            break;
        }
    }
    flush_text(c);
}

/* Line `line` (1-based) of src, trimmed, is exactly s. */
static int
line_is(const char *src, size_t len, int line, const char *s)
{
    const char *p = src, *e = src + len, *nl;
    size_t sl = strlen(s);

    while (--line > 0 && p < e) {
        nl = memchr(p, '\n', (size_t)(e - p));
        p = nl ? nl + 1 : e;
    }
    nl = memchr(p, '\n', (size_t)(e - p));
    if (nl == NULL)
        nl = e;
    while (p < nl && (*p == ' ' || *p == '>'))
        p++;
    while (nl > p && nl[-1] == ' ')
        nl--;
    return (size_t)(nl - p) == sl && memcmp(p, s, sl) == 0;
}

/* The listing of the cmark tree. */
static void
canon_cmark(cmark_node *root, const char *src, size_t len, struct canon *c)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    char b[256];

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        int enter = ev == CMARK_EVENT_ENTER;
        const char *lit;

        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HEADING:
            if (enter) {
                snprintf(b, sizeof(b), "heading %d",
                         cmark_node_get_heading_level(n));
                token(c, b);
            } else
                token(c, "end");
            break;
        case CMARK_NODE_PARAGRAPH: {
            cmark_node *t = cmark_node_first_child(n);
            size_t k;

            if (enter && t != NULL && cmark_node_next(t) == NULL &&
                cmark_node_get_type(t) == CMARK_NODE_TEXT) {
                lit = cmark_node_get_literal(t);
                for (k = 0; k < 3; k++)
                    if (strcmp(lit, marker_names[k]) == 0 &&
                        line_is(src, len, cmark_node_get_start_line(n),
                                marker_names[k]))
                        break;
                if (k < 3) {
                    snprintf(b, sizeof(b), "marker %s", marker_names[k]);
                    token(c, b);
                    cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
                    continue;
                }
            }
            token(c, enter ? "para" : "end");
            break;
        }
        case CMARK_NODE_LIST:
            if (!enter) {
                token(c, "end");
                break;
            }
            if (cmark_node_get_list_type(n) == CMARK_BULLET_LIST)
                snprintf(b, sizeof(b), "bullet_list%s",
                         cmark_node_get_list_tight(n) ? " tight" : "");
            else
                snprintf(b, sizeof(b), "ordered_list start=%d%s",
                         cmark_node_get_list_start(n),
                         cmark_node_get_list_tight(n) ? " tight" : "");
            token(c, b);
            break;
        case CMARK_NODE_ITEM:
            token(c, enter ? "item" : "end");
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            token(c, enter ? "quote" : "end");
            break;
        case CMARK_NODE_CODE_BLOCK:
            snprintf(b, sizeof(b), "code_block %s",
                     cmark_node_get_fence_info(n));
            token(c, b);
            lit = cmark_node_get_literal(n);
            pd_buf_puts(&c->text, lit);
            token(c, "end");
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            token(c, "hr");
            break;
        case CMARK_NODE_TEXT:
            pd_buf_puts(&c->text, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
            pd_buf_putc(&c->text, '\n');
            break;
        case CMARK_NODE_LINEBREAK:
            token(c, "br");
            break;
        case CMARK_NODE_CODE:
            flush_text(c);
            pd_buf_printf(&c->out, "C:%s\n", cmark_node_get_literal(n));
            break;
        case CMARK_NODE_EMPH:
            token(c, enter ? "emph" : "/emph");
            break;
        case CMARK_NODE_STRONG:
            token(c, enter ? "strong" : "/strong");
            break;
        case CMARK_NODE_LINK:
            if (enter) {
                flush_text(c);
                pd_buf_printf(&c->out, "link <%s> \"%s\"\n",
                              cmark_node_get_url(n),
                              cmark_node_get_title(n));
            } else
                token(c, "/link");
            break;
        case CMARK_NODE_DOCUMENT:
            break;
        default:
            /* HTML, images, custom nodes: the writer never means them. */
            snprintf(b, sizeof(b), "unexpected %s",
                     cmark_node_get_type_string(n));
            token(c, b);
            break;
        }
    }
    flush_text(c);
    cmark_iter_free(it);
}

static void report(const char *, const struct canon *, const struct canon *,
                   const struct pd_buf *);

int
main(int argc, char **argv)
{
    struct pd_buf in = {0}, md = {0};
    struct pd_opts opts;
    struct pd_diag d;
    struct canon want = {{0}, {0}}, got = {{0}, {0}};
    const struct pd_format *f;
    struct pd_doc *doc;
    cmark_node *root;
    int ret = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: mdcheck INPUT [FORMAT]\n");
        return 2;
    }
    f = argc == 3 ? pd_format_by_name(argv[2]) : pd_format_by_path(argv[1]);
    if (f == NULL || f->read == NULL || read_file(argv[1], &in) < 0) {
        fprintf(stderr, "mdcheck: %s: cannot read\n", argv[1]);
        return 2;
    }
    memset(&opts, 0, sizeof(opts));
    memset(&d, 0, sizeof(d));
    doc = pd_doc_new();
    if (f->read(doc, (const unsigned char *)in.data, in.len, &opts, &d) < 0) {
        fprintf(stderr, "mdcheck: %s: %s\n", argv[1], d.msg);
        pd_doc_free(doc);
        pd_buf_free(&in);
        return 2;
    }
    pd_write_md(doc, &md, &opts, &d);
    canon_doc(doc, &want);
    root = cmark_parse_document(md.data ? md.data : "", md.len,
                                CMARK_OPT_DEFAULT);
    canon_cmark(root, md.data ? md.data : "", md.len, &got);
    cmark_node_free(root);
    pd_doc_free(doc);
    pd_buf_free(&in);
    if (want.out.len == got.out.len &&
        (want.out.len == 0 ||
         memcmp(want.out.data, got.out.data, want.out.len) == 0))
        ret = 0;
    else
        report(argv[1], &want, &got, &md);
    pd_buf_free(&want.out);
    pd_buf_free(&want.text);
    pd_buf_free(&got.out);
    pd_buf_free(&got.text);
    pd_buf_free(&md);
    return ret;
}

/* Print where the listings part, and both listings with the Markdown. */
static void
report(const char *name, const struct canon *want, const struct canon *got,
       const struct pd_buf *md)
{
    size_t i, line = 1;

    for (i = 0; i < want->out.len && i < got->out.len &&
         want->out.data[i] == got->out.data[i]; i++)
        if (want->out.data[i] == '\n')
            line++;
    fprintf(stderr, "mdcheck: %s: structure differs at listing line %zu\n"
            "--- tree:\n%s--- cmark:\n%s--- markdown:\n%s", name, line,
            want->out.data ? want->out.data : "",
            got->out.data ? got->out.data : "", md->data ? md->data : "");
}
