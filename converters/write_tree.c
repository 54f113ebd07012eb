/*
 * write_tree.c - an indented dump of the document tree, one node a line.
 * It is the format of the reader tests' expected files, so it shows every
 * field a reader sets and nothing else, in a stable order.
 *
 *   meta title "报告"
 *   document
 *     heading level=1
 *       text "一、存在的主要问题"
 */
#include <stdio.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/* A string in double quotes; \" \\ \n \t and other controls escaped. */
static void
put_quoted(struct pd_buf *out, const char *s, size_t len)
{
    size_t i;

    pd_buf_putc(out, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            pd_buf_putc(out, '\\');
            pd_buf_putc(out, c);
        } else if (c == '\n')
            pd_buf_puts(out, "\\n");
        else if (c == '\t')
            pd_buf_puts(out, "\\t");
        else if (c < 0x20 || c == 0x7F)
            pd_buf_printf(out, "\\x%02x", c);
        else
            pd_buf_putc(out, c);
    }
    pd_buf_putc(out, '"');
}

static void
put_attr(struct pd_buf *out, const char *name, const char *val)
{
    if (val == NULL)
        return;
    pd_buf_printf(out, " %s=", name);
    put_quoted(out, val, strlen(val));
}

static const char *const numbering_name[] = {
    "decimal", "lower_alpha", "upper_alpha", "circled"
};
static const char *const delim_name[] = { "period", "paren", "none" };

static void
rndr_node(struct pd_buf *out, const struct pd_node *n)
{
    pd_buf_puts(out, pd_node_type_name[n->type]);
    switch (n->type) {
    case PD_NODE_HEADING:
        pd_buf_printf(out, " level=%d", n->as.heading.level);
        if (n->as.heading.run_in)
            pd_buf_puts(out, " run_in");
        break;
    case PD_NODE_BULLET_LIST:
        pd_buf_puts(out, " bullet=\"");
        pd_utf8_put(out, n->as.list.bullet);
        pd_buf_putc(out, '"');
        if (n->as.list.tight)
            pd_buf_puts(out, " tight");
        break;
    case PD_NODE_ORDERED_LIST:
        pd_buf_printf(out, " start=%d", n->as.list.start);
        if (n->as.list.numbering < 4)
            pd_buf_printf(out, " numbering=%s",
                          numbering_name[n->as.list.numbering]);
        if (n->as.list.delim < 3)
            pd_buf_printf(out, " delim=%s", delim_name[n->as.list.delim]);
        if (n->as.list.tight)
            pd_buf_puts(out, " tight");
        break;
    case PD_NODE_CODE_BLOCK:
        put_attr(out, "info", n->as.code.info);
        break;
    case PD_NODE_LINK:
        put_attr(out, "url", n->as.link.url);
        put_attr(out, "title", n->as.link.title);
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        put_attr(out, "format", n->as.raw.format);
        break;
    case PD_NODE_NONE:
    case PD_NODE_DOCUMENT:
    case PD_NODE_TITLE:
    case PD_NODE_PARAGRAPH:
    case PD_NODE_LIST_ITEM:
    case PD_NODE_BLOCK_QUOTE:
    case PD_NODE_THEMATIC_BREAK:
    case PD_NODE_PAGE_BREAK:
    case PD_NODE_PAID:
    case PD_NODE_PAYWALL:
    case PD_NODE_TEXT:
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
    case PD_NODE_CODE:
    case PD_NODE_LINE_BREAK:
    case PD_NODE__MAX:
        break;
    }
    if (n->text != NULL) {
        pd_buf_putc(out, ' ');
        put_quoted(out, n->text, n->len);
    }
    pd_buf_putc(out, '\n');
}

int
pd_write_tree(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    const struct pd_meta *m, *rev[64];
    const struct pd_node *n;
    struct pd_iter it;
    pd_event ev;
    int depth = 0, i, nm = 0;

    (void)opts;
    (void)d;
    /* Metadata in the order it was set (the list is newest first). */
    for (m = doc->meta; m != NULL && nm < 64; m = m->next)
        rev[nm++] = m;
    for (i = nm - 1; i >= 0; i--) {
        pd_buf_printf(out, "meta %s ", rev[i]->key);
        put_quoted(out, rev[i]->value, strlen(rev[i]->value));
        pd_buf_putc(out, '\n');
    }
    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        pd_buf_checkpoint(out);
        if (ev == PD_EVENT_EXIT) {
            depth--;
            continue;
        }
        for (i = 0; i < depth; i++)
            pd_buf_puts(out, "  ");
        rndr_node(out, n);
        if (!pd_node_is_leaf(n->type))
            depth++;
    }
    return 0;
}
