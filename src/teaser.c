/*
 * teaser.c - a paid section for a document that has no markers
 * (--free-ratio, --free-paragraphs, --free-until-heading), so that a plain
 * document can be sold too.
 *
 * The boundary is always between two top-level blocks: a paragraph, a list
 * or a quote is never cut, so no sentence is split and the tree stays one
 * the readers could have built.  The title always stays free.  Everything
 * from the boundary to the end goes into one PD_NODE_PAID section, which
 * pd_apply_paid() then treats like one read from markers.
 */
#include "paidoc.h"
#include "internal.h"

/* |x|, without libm. */
static double
dabs(double x)
{
    return x < 0 ? -x : x;
}

/* The teaser options as they read on the command line, for warnings. */
static const char *
option_name(pd_teaser_kind k)
{
    switch (k) {
    case PD_TEASER_RATIO:
        return "--free-ratio";
    case PD_TEASER_PARAGRAPHS:
        return "--free-paragraphs";
    case PD_TEASER_HEADING:
        return "--free-until-heading";
    case PD_TEASER_NONE:
        break;
    }
    return "teaser";
}

/*
 * --free-ratio: the boundary whose free share of characters is nearest to
 * ratio.  first is the first block that may go paid (after the title).
 * One pass counts, a second finds the boundary, so time is linear.
 *
 * Ties go to the earlier boundary (less text given away: blocks without
 * characters, such as page breaks, make ties).  A heading is never left as
 * the last free block when it introduces what follows: the boundary moves
 * before it, which changes the share by one block at most.
 */
static struct pd_node *
ratio_boundary(struct pd_node *first, double ratio)
{
    struct pd_node *n, *best = NULL;
    size_t total = 0, before = 0;
    double best_dist = 2.0, dist;

    for (n = first->parent->first; n != NULL; n = n->next)
        total += pd_node_chars(n);
    if (total == 0)
        return NULL;
    for (n = first->parent->first; n != first; n = n->next)
        before += pd_node_chars(n);
    /* Boundary before n: the free part is what precedes n. */
    for (n = first; n != NULL; n = n->next) {
        dist = dabs((double)before / (double)total - ratio);
        if (dist < best_dist) {
            best_dist = dist;
            best = n;
        }
        before += pd_node_chars(n);
    }
    /* The boundary at the very end, n == NULL, is "nothing paid". */
    dist = dabs(1.0 - ratio);
    if (dist < best_dist)
        return NULL;
    if (best != NULL && best != first && best->prev != first &&
        best->prev->type == PD_NODE_HEADING)
        best = best->prev;
    return best;
}

/* --free-paragraphs: the block after the first n free ones, or NULL. */
static struct pd_node *
count_boundary(struct pd_node *first, double n)
{
    struct pd_node *b = first;
    double i;

    for (i = 0; i < n && b != NULL; i++)
        b = b->next;
    return b;
}

/*
 * --free-until-heading: the nth top heading, that is the nth heading of
 * the smallest level among the top-level headings (the reader gives level
 * 1 to the first numbering style of the document, but a Markdown or HTML
 * document may start at any level).
 */
static struct pd_node *
heading_boundary(struct pd_node *first, double nth)
{
    struct pd_node *n;
    int top = 7;
    double i = 0;

    for (n = first; n != NULL; n = n->next)
        if (n->type == PD_NODE_HEADING && n->as.heading.level < top)
            top = n->as.heading.level;
    for (n = first; n != NULL; n = n->next)
        if (n->type == PD_NODE_HEADING && n->as.heading.level == top &&
            ++i >= nth)
            return n;
    return NULL;
}

int
pd_apply_teaser(struct pd_doc *doc, const struct pd_opts *opts,
                struct pd_diag *d)
{
    struct pd_node *first, *boundary = NULL, *paid, *n, *next;
    double v = opts->teaser_value;
    const char *opt = option_name(opts->teaser);

    if (opts->teaser == PD_TEASER_NONE)
        return 0;
    /* Paid sections (and paywalls left by them) are top-level only. */
    for (n = doc->root->first; n != NULL; n = n->next)
        if (n->type == PD_NODE_PAID || n->type == PD_NODE_PAYWALL) {
            pd_warn(d, n->line, "%s ignored: the document already has a "
                    "paid section", opt);
            return 0;
        }
    first = doc->root->first;
    if (first != NULL && first->type == PD_NODE_TITLE)
        first = first->next;
    if (first == NULL) {
        pd_warn(d, 0, "%s ignored: the document has no block after the "
                "title", opt);
        return 0;
    }

    switch (opts->teaser) {
    case PD_TEASER_RATIO:
        if (!(v > 0.0 && v < 1.0)) {
            pd_warn(d, 0, "%s ignored: %g is not between 0 and 1", opt, v);
            return 0;
        }
        boundary = ratio_boundary(first, v);
        break;
    case PD_TEASER_PARAGRAPHS:
        if (!(v >= 0.0)) {
            pd_warn(d, 0, "%s ignored: %g is negative", opt, v);
            return 0;
        }
        boundary = count_boundary(first, v);
        break;
    case PD_TEASER_HEADING:
        if (!(v >= 1.0)) {
            pd_warn(d, 0, "%s ignored: headings count from 1", opt);
            return 0;
        }
        boundary = heading_boundary(first, v);
        break;
    case PD_TEASER_NONE:
        return 0;
    }

    if (boundary == NULL) {
        pd_warn(d, 0, "%s %g ignored: it would leave nothing paid", opt, v);
        return 0;
    }
    if (boundary == first) {
        pd_warn(d, boundary->line, "%s %g ignored: it would leave nothing "
                "free%s", opt, v, first != doc->root->first ?
                " but the title" : "");
        return 0;
    }

    paid = pd_node_new(doc, PD_NODE_PAID);
    paid->line = boundary->line;
    pd_node_insert_before(boundary, paid);
    for (n = boundary; n != NULL; n = next) {
        next = n->next;
        pd_node_append(paid, n);
    }
    return 1;
}
