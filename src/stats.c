/*
 * stats.c - counts of a document (--stats, the batch manifest) and the
 * character count that the teaser (teaser.c) shares with them, so that a
 * --free-ratio boundary and the preview ratio reported afterwards agree.
 */
#include "paidoc.h"
#include "internal.h"

/*
 * Characters a reader sees: code points that are not white space.  Line
 * ends and form feeds count as white space too, which pd_is_space() leaves
 * out because it is about separators inside a line.
 */
static size_t
count_chars(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    uint32_t c;

    while (i < len) {
        c = pd_utf8_decode(s, len, &i);
        if (!pd_is_space(c) && c != '\n' && c != '\r' && c != '\f' &&
            c != '\v')
            n++;
    }
    return n;
}

/*
 * Only literals that a reader of the page sees count: text, inline code
 * and code blocks.  Raw blocks and inlines are markup for another format,
 * link targets are not shown, and a paywall notice is ours, not the
 * document's.
 */
size_t
pd_node_chars(const struct pd_node *node)
{
    struct pd_iter it;
    const struct pd_node *n;
    size_t total = 0;

    pd_iter_init(&it, node);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE) {
        if (it.ev != PD_EVENT_ENTER)
            continue;
        switch (n->type) {
        case PD_NODE_TEXT:
        case PD_NODE_CODE:
        case PD_NODE_CODE_BLOCK:
            total += count_chars(n->text, n->len);
            break;
        case PD_NODE_PAYWALL:
            pd_iter_skip(&it);
            break;
        default:
            break;
        }
    }
    return total;
}

void
pd_doc_stats(const struct pd_doc *doc, struct pd_stats *st)
{
    struct pd_iter it;
    const struct pd_node *n;
    size_t total;

    *st = (struct pd_stats){ 0 };
    pd_iter_init(&it, doc->root);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE) {
        if (it.ev != PD_EVENT_ENTER)
            continue;
        switch (n->type) {
        case PD_NODE_PARAGRAPH:
            /* Also the paragraphs inside list items and quotes. */
            st->paragraphs++;
            break;
        case PD_NODE_HEADING:
            st->headings++;
            break;
        case PD_NODE_BULLET_LIST:
        case PD_NODE_ORDERED_LIST:
            st->lists++;
            break;
        case PD_NODE_PAGE_BREAK:
            st->page_breaks++;
            break;
        case PD_NODE_PAID:
            /*
             * Sections are top-level and do not nest, so counting the
             * section as a whole and skipping its subtree for the
             * characters would lose its paragraphs; count its characters
             * here and let the walk go on for the other counts.
             */
            st->paid_sections++;
            st->chars_paid += pd_node_chars(n);
            break;
        default:
            break;
        }
    }
    /* Each text node is decoded twice at most: once here, once above. */
    total = pd_node_chars(doc->root);
    st->chars_free = total - st->chars_paid;
    total = st->chars_free + st->chars_paid;
    st->preview_ratio = total == 0 ? 1.0 :
        (double)st->chars_free / (double)total;
}
