/*
 * layout.c - the line layout of the Markdown and plain-text writers; see
 * layout.h.
 */
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "internal.h"

void
pd_lay_init(struct pd_lay *l, struct pd_buf *out)
{
    memset(l, 0, sizeof(*l));
    l->out = out;
    l->col0 = 1;
    /* Output appended to earlier content starts on a fresh line. */
    l->started = out->len > 0;
    if (out->len > 0 && out->data[out->len - 1] != '\n')
        l->col0 = 0;
}

void
pd_lay_free(struct pd_lay *l)
{
    free(l->seg);
    free(l->lists);
    pd_buf_free(&l->pool);
}

void
pd_lay_list_enter(struct pd_lay *l, const struct pd_node *list, int mark,
                  int alt)
{
    struct pd_lay_list *f;

    if (l->nlists == l->lcap) {
        l->lcap = l->lcap ? l->lcap * 2 : 16;
        l->lists = pd_xrealloc(l->lists, l->lcap * sizeof(*l->lists));
    }
    f = &l->lists[l->nlists++];
    f->next = 0;
    /* Only the directly preceding sibling can have closed last. */
    f->mark = list->prev != NULL && list->prev == l->closed &&
        list->prev->type == list->type && l->closed_mark == mark ?
        alt : mark;
}

void
pd_lay_list_exit(struct pd_lay *l, const struct pd_node *list)
{
    if (l->nlists == 0)
        return;
    l->nlists--;
    l->closed = list;
    l->closed_mark = l->lists[l->nlists].mark;
}

int
pd_lay_item(struct pd_lay *l, int *mark)
{
    struct pd_lay_list *f;

    if (l->nlists == 0) {
        *mark = 0;
        return 0;
    }
    f = &l->lists[l->nlists - 1];
    *mark = f->mark;
    return f->next++;
}

void
pd_lay_push(struct pd_lay *l, const char *first, const char *cont)
{
    struct pd_lay_seg *s;

    if (l->nseg == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->seg = pd_xrealloc(l->seg, l->cap * sizeof(*l->seg));
    }
    s = &l->seg[l->nseg++];
    s->first = l->pool.len;
    s->flen = strlen(first);
    pd_buf_put(&l->pool, first, s->flen);
    s->cont = l->pool.len;
    s->clen = strlen(cont);
    pd_buf_put(&l->pool, cont, s->clen);
    s->pending = 1;
}

/*
 * Write the prefix of a line; trimmed (for a line with nothing else) drops
 * its trailing spaces.
 */
static void
put_prefix(struct pd_lay *l, int trimmed)
{
    size_t i, start = l->out->len;

    for (i = 0; i < l->nseg; i++) {
        struct pd_lay_seg *s = &l->seg[i];

        if (s->pending)
            pd_buf_put(l->out, l->pool.data + s->first, s->flen);
        else
            pd_buf_put(l->out, l->pool.data + s->cont, s->clen);
        s->pending = 0;
    }
    if (trimmed)
        while (l->out->len > start && l->out->data[l->out->len - 1] == ' ')
            l->out->len--;
    if (l->out->data != NULL)
        l->out->data[l->out->len] = '\0';
}

void
pd_lay_pop(struct pd_lay *l)
{
    if (l->nseg == 0)
        return;
    if (l->seg[l->nseg - 1].pending) {
        /* An empty container: its marker alone on a line. */
        if (!l->col0)
            pd_buf_putc(l->out, '\n');
        put_prefix(l, 1);
        l->col0 = 0;
        l->started = 1;
    }
    l->nseg--;
}

void
pd_lay_block(struct pd_lay *l, int blank)
{
    if (l->nseg > 0 && l->seg[l->nseg - 1].pending)
        return;
    if (!l->started) {
        l->started = 1;
        return;
    }
    if (!l->col0) {
        pd_buf_putc(l->out, '\n');
        l->col0 = 1;
    }
    if (blank) {
        put_prefix(l, 1);
        pd_buf_putc(l->out, '\n');
    }
}

void
pd_lay_cr(struct pd_lay *l)
{
    if (l->col0)
        put_prefix(l, 1);
    pd_buf_putc(l->out, '\n');
    l->col0 = 1;
    l->started = 1;
}

void
pd_lay_prefix(struct pd_lay *l)
{
    if (l->col0) {
        put_prefix(l, 0);
        l->col0 = 0;
        l->started = 1;
    }
}

void
pd_lay_put(struct pd_lay *l, const char *s, size_t n)
{
    if (n == 0)
        return;
    pd_lay_prefix(l);
    pd_buf_put(l->out, s, n);
}

void
pd_lay_finish(struct pd_lay *l)
{
    if (!l->col0)
        pd_buf_putc(l->out, '\n');
    l->col0 = 1;
}
