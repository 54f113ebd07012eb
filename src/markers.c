/*
 * markers.c - the paid-section markers of SPEC §2, shared by every reader
 * that meets them in text (txt, md) and by the writers that must keep
 * literal text from reading back as a marker.
 *
 * The rules live here once: a begin inside a section or an end outside
 * one is ignored with a warning; a section never closed runs to the end
 * of the document (fail closed), also with a warning.
 */
#include <string.h>

#include "paidoc.h"
#include "internal.h"

const struct pd_marker_spelling pd_markers[] = {
    { "##paidbegin##", 13, PD_MARK_BEGIN },
    { "$$paidbegin$$", 13, PD_MARK_BEGIN },
    { "##paidend##", 11, PD_MARK_END },
    { "$$paidend$$", 11, PD_MARK_END },
    { "##pagebreak##", 13, PD_MARK_PAGEBREAK },
    { NULL, 0, PD_MARK_NONE }
};

size_t
pd_marker_find(const char *s, size_t from, size_t len,
               const struct pd_marker_spelling **which)
{
    const struct pd_marker_spelling *m;
    size_t i;

    for (i = from; i < len; i++) {
        if (s[i] != '#' && s[i] != '$')
            continue;
        for (m = pd_markers; m->text != NULL; m++)
            if (m->text[0] == s[i] && len - i >= m->len &&
                memcmp(s + i, m->text, m->len) == 0) {
                *which = m;
                return i;
            }
    }
    *which = NULL;
    return len;
}

void
pd_marker_apply(struct pd_builder *b, struct pd_paid_state *st,
                const struct pd_marker_spelling *m, unsigned line,
                struct pd_diag *d)
{
    b->line = line;
    switch (m->kind) {
    case PD_MARK_BEGIN:
        if (st->open) {
            pd_warn(d, line, "%s inside a paid section ignored "
                    "(sections do not nest)", m->text);
        } else if (pd_push(b, PD_NODE_PAID) != NULL) {
            st->open = 1;
            st->line = line;
            st->spelling = m->text;
        }
        break;
    case PD_MARK_END:
        if (!st->open) {
            pd_warn(d, line, "%s outside a paid section ignored", m->text);
        } else {
            while (b->cur->type != PD_NODE_PAID && b->cur->parent != NULL)
                pd_pop(b);
            pd_pop(b);
            st->open = 0;
        }
        break;
    case PD_MARK_PAGEBREAK:
        pd_add_leaf(b, PD_NODE_PAGE_BREAK);
        break;
    case PD_MARK_NONE:
        break;
    }
}

void
pd_marker_finish(struct pd_builder *b, struct pd_paid_state *st,
                 struct pd_diag *d)
{
    if (!st->open)
        return;
    pd_warn(d, st->line, "%s never closed: the paid section runs to the "
            "end of the document", st->spelling);
    while (b->cur->type != PD_NODE_PAID && b->cur->parent != NULL)
        pd_pop(b);
    pd_pop(b);
    st->open = 0;
}

size_t
pd_marker_at(const char *s, size_t len)
{
    const struct pd_marker_spelling *m;

    for (m = pd_markers; m->text != NULL; m++)
        if (len >= m->len && memcmp(s, m->text, m->len) == 0)
            return m->len;
    return 0;
}
