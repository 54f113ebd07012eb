/*
 * stream.c - writing a document while it is being read (see internal.h).
 *
 * Only two levels are ever written early: the root's children and the
 * children of a paid section that is still open (paid sections are
 * children of the root only).  A block is written once it has a next
 * sibling, since writers may look at that; the block written last stays
 * in the tree as its parent's first child, since writers may look at a
 * node's previous sibling.  Blocks before it go back to the document's
 * spare nodes for the reader to reuse.
 */
#include <stddef.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/*
 * Nodes made between two writes: enough that a write is rare next to the
 * work of making them, few enough that they stay in the processor's
 * cache (a node is 80 bytes).
 */
#define STREAM_NODES 2048

void
pd_stream_attach(struct pd_stream *s, struct pd_doc *doc)
{
    s->doc = doc;
    s->status = 0;
    s->started = 0;
    s->kept = s->paid_open = s->paid_kept = NULL;
    s->counted = NULL;
    s->paywall = NULL;
    s->cjk = s->latin = 0;
    s->title_seen = 0;
    ((struct pd_doc_x *)doc)->stream = s;
}

static void recycle(struct pd_doc_x *x, struct pd_node *n);

/* 1 when n is, or a paid section n holds, a heading or the title. */
static int
has_heading(const struct pd_node *n)
{
    const struct pd_node *c;

    if (n->type == PD_NODE_TITLE || n->type == PD_NODE_HEADING)
        return 1;
    if (n->type == PD_NODE_PAID)
        for (c = n->first; c != NULL; c = c->next)
            if (c->type == PD_NODE_TITLE || c->type == PD_NODE_HEADING)
                return 1;
    return 0;
}

/*
 * Before the first write: 1 when the finished blocks decide what the
 * writer asks of the whole document (all of it when done).  The
 * language is then fixed for pd_doc_lang(), since the blocks that
 * decided it will be recycled.
 */
static int
decided(struct pd_stream *s, int done)
{
    struct pd_doc_x *x = (struct pd_doc_x *)s->doc;
    struct pd_node *c, *next;
    const char *v;

    for (c = s->counted ? s->counted->next : s->doc->root->first;
         c != NULL && (done || c->next != NULL); c = next) {
        next = c->next;
        /* The writer sees the paid sections alone, as after
         * pd_apply_paid(), also where it looks for the title. */
        if (s->paid == PD_PAID_ONLY && c->type != PD_NODE_PAID) {
            pd_node_unlink(c);
            recycle(x, c);
            continue;
        }
        s->counted = c;
        if (s->cjk + s->latin <= PD_LANG_LETTERS)
            pd_count_letters(c, &s->cjk, &s->latin);
        s->title_seen |= has_heading(c);
    }
    if (!done) {
        v = pd_doc_meta(s->doc, "lang");
        if (s->need_lang && (v == NULL || *v == '\0') &&
            s->cjk + s->latin <= PD_LANG_LETTERS)
            return 0;
        v = pd_doc_meta(s->doc, "title");
        if (s->need_title && (v == NULL || *v == '\0') && !s->title_seen)
            return 0;
    }
    if (s->need_lang)
        x->lang = pd_lang_of_counts(s->cjk, s->latin);
    return 1;
}

int
pd_walk_write(const struct pd_walker_ops *ops, const struct pd_doc *doc,
              struct pd_buf *out, const struct pd_opts *opts,
              struct pd_diag *d)
{
    struct pd_walker *w = ops->begin(doc, out, opts, d);
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;

    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE)
        if (ops->event(w, n, ev))
            pd_iter_skip(&it);
    ops->end(w);
    return 0;
}

/* One event for the writer, with the paid mode applied; 1: skip. */
static int
emit(struct pd_stream *s, const struct pd_node *n, pd_event ev)
{
    if (s->status != 0)
        return 1;
    if (!s->started) {
        s->started = 1;
        if ((s->status = s->start(s->ud)) != 0)
            return 1;
        s->event(s->ud, s->doc->root, PD_EVENT_ENTER);
    }
    if (n->type == PD_NODE_PAID && s->paid != PD_PAID_KEEP)
        return 0;
    return s->event(s->ud, n, ev);
}

/* The events of n's whole subtree. */
static void
walk(struct pd_stream *s, const struct pd_node *n)
{
    struct pd_iter it;
    const struct pd_node *c;
    pd_event ev;

    pd_iter_init(&it, n);
    while ((ev = pd_iter_next(&it, &c)) != PD_EVENT_DONE)
        if (emit(s, c, ev))
            pd_iter_skip(&it);
}

/* In preview: the notice that stands for a paid section, made once. */
static void
write_paywall(struct pd_stream *s)
{
    if (s->paywall == NULL)
        s->paywall = pd_paywall_node(s->doc, s->opts,
                                     pd_doc_is_cjk(s->doc));
    walk(s, s->paywall);
}

/* Write the block n, a child of the root or of a paid section. */
static void
write_tree(struct pd_stream *s, const struct pd_node *n)
{
    int top = n->parent == s->doc->root;

    if (s->paid == PD_PAID_ONLY && top && n->type != PD_NODE_PAID)
        return;
    if (s->paid == PD_PAID_PREVIEW && n->type == PD_NODE_PAID) {
        write_paywall(s);
        return;
    }
    if (s->paid == PD_PAID_PREVIEW && !top)
        return;
    walk(s, n);
}

/*
 * Make node n spare.  The checking build (PD_ARENA_DEBUG, under the
 * sanitizers) never hands it out again and fills it with garbage
 * instead, so that a reader or writer still holding it fails loudly.
 */
static void
retire(struct pd_doc_x *x, struct pd_node *n)
{
#ifdef PD_ARENA_DEBUG
    (void)x;
    memset(n, 0xA5, sizeof(*n));
#else
    n->next = x->spare;
    x->spare = n;
#endif
}

/* Give n's subtree to the document's spare nodes. */
static void
recycle(struct pd_doc_x *x, struct pd_node *n)
{
    struct pd_node *top = n, *next, *parent;

    for (;;) {
        while (n->first != NULL)
            n = n->first;
        /* n has no children left: detach it from its parent, retire it. */
        next = n->next;
        parent = n->parent;
        retire(x, n);
        if (n == top)
            return;
        parent->first = next;
        n = next != NULL ? next : parent;
    }
}

/*
 * Recycle the children of parent before keep (written, and so are all
 * before it); keep becomes the first child.
 */
static void
drop_before(struct pd_doc_x *x, struct pd_node *parent, struct pd_node *keep)
{
    struct pd_node *c, *next;

    if (keep == NULL)
        return;
    for (c = parent->first; c != keep; c = next) {
        next = c->next;
        c->parent = NULL;
        recycle(x, c);
    }
    parent->first = keep;
    keep->prev = NULL;
}

/*
 * Write the children of the open paid section p that have a next
 * sibling; all of them when the section is complete (last).
 */
static void
write_paid(struct pd_stream *s, struct pd_node *p, int last)
{
    struct pd_node *c;

    if (s->paid_open != p) {
        s->paid_open = p;
        s->paid_kept = NULL;
        if (s->paid == PD_PAID_PREVIEW)
            write_paywall(s);
        emit(s, p, PD_EVENT_ENTER);
    }
    for (c = s->paid_kept ? s->paid_kept->next : p->first;
         c != NULL && (last || c->next != NULL); c = c->next) {
        write_tree(s, c);
        s->paid_kept = c;
    }
    if (last) {
        emit(s, p, PD_EVENT_EXIT);
        s->paid_open = s->paid_kept = NULL;
    }
}

/* Write what can be written; everything when the reader is done. */
static void
write_ready(struct pd_stream *s, const struct pd_node *cur, int done)
{
    struct pd_doc_x *x = (struct pd_doc_x *)s->doc;
    struct pd_node *root = s->doc->root, *c;

    if (!s->started && !decided(s, done))
        return;
    for (c = s->kept ? s->kept->next : root->first;
         c != NULL && (done || c->next != NULL); c = c->next) {
        if (c == s->paid_open)
            write_paid(s, c, 1);
        else
            write_tree(s, c);
        s->kept = c;
    }
    drop_before(x, root, s->kept);
    if (done || c == NULL || c->type != PD_NODE_PAID)
        return;
    /* c, the last child, is a paid section: write into it while the
     * reader is inside it. */
    while (cur != NULL && cur != c)
        cur = cur->parent;
    if (cur == NULL)
        return;
    write_paid(s, c, 0);
    if (s->paid_kept != NULL)
        drop_before(x, c, s->paid_kept);
}

void
pd_stream_point(struct pd_builder *b)
{
    struct pd_doc_x *x = (struct pd_doc_x *)b->doc;

    if (x->stream == NULL || x->made < STREAM_NODES)
        return;
    x->made = 0;
    write_ready(x->stream, b->cur, 0);
}

int
pd_stream_finish(struct pd_stream *s)
{
    write_ready(s, NULL, 1);
    emit(s, s->doc->root, PD_EVENT_EXIT);
    ((struct pd_doc_x *)s->doc)->stream = NULL;
    return s->status;
}
