/*
 * copy.c - copy a document's tree, so that one read can be written as
 * several products (a preview and the full text) although the paid modes
 * change the tree in place.
 */
#include "paidoc.h"
#include "internal.h"

struct pd_doc *
pd_doc_copy(const struct pd_doc *src)
{
    struct pd_doc *dst = pd_doc_new();
    const struct pd_node *s = src->root;
    struct pd_node *parent = dst->root, *n;
    struct pd_meta *m, **tail = &dst->meta;
    const struct pd_meta *sm;

    for (sm = src->meta; sm != NULL; sm = sm->next) {
        m = pd_arena_alloc(dst->arena, sizeof(*m));
        m->key = sm->key;
        m->value = sm->value;
        *tail = m;
        tail = &m->next;
    }
    /* A walk over first/next/parent links: no recursion, however deep. */
    s = s->first;
    while (s != NULL) {
        n = pd_node_new(dst, s->type);
        n->line = s->line;
        n->text = s->text;
        n->len = s->len;
        n->as = s->as;
        pd_node_append(parent, n);
        if (s->first != NULL) {
            s = s->first;
            parent = n;
            continue;
        }
        while (s != src->root && s->next == NULL) {
            s = s->parent;
            parent = parent->parent;
        }
        s = s == src->root ? NULL : s->next;
    }
    return dst;
}
