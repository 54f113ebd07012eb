/*
 * layout.h - line layout shared by the Markdown and plain-text writers: a
 * stack of line prefixes (block quotes, list items) and the blank-line
 * state between blocks, in the manner of cmark's render.c.
 *
 * A prefix segment has a first-line form (a list marker "1. ") and a
 * continuation form ("   "); the first form is used on the first line
 * written after the push.  Text is written with pd_lay_put(); the prefix
 * is emitted lazily when the first byte of a line is written.
 */
#ifndef PD_LAYOUT_H
#define PD_LAYOUT_H

#include <stddef.h>

#include "paidoc.h"

/** One prefix segment; strings are copied into pd_lay.pool. */
struct pd_lay_seg {
    size_t first, flen;     /**< first-line form: offset, length */
    size_t cont, clen;      /**< continuation form: offset, length */
    int pending;            /**< the first form is still to be written */
};

/** An open list: how many of its items were written, its marker. */
struct pd_lay_list {
    int next;               /**< index of its next item, from 0 */
    int mark;               /**< the marker its items are written with */
};

/** The layout state.  Initialise with pd_lay_init(). */
struct pd_lay {
    struct pd_buf *out;     /**< where lines go (borrowed) */
    struct pd_buf pool;     /**< prefix strings */
    struct pd_lay_seg *seg; /**< the prefix stack */
    size_t nseg, cap;
    int col0;               /**< at the start of a line, prefix not written */
    int started;            /**< some block has been started */
    struct pd_lay_list *lists;  /**< the open lists, innermost last */
    size_t nlists, lcap;
    const struct pd_node *closed;   /**< the list that closed last */
    int closed_mark;                /**< and its marker */
};

/** Start laying out into out. */
void pd_lay_init(struct pd_lay *l, struct pd_buf *out);
/** Free the state (not the output). */
void pd_lay_free(struct pd_lay *l);
/** Push a prefix: first for the next line, cont for the ones after. */
void pd_lay_push(struct pd_lay *l, const char *first, const char *cont);
/** Pop the top prefix; writes its marker alone when nothing was written. */
void pd_lay_pop(struct pd_lay *l);
/**
 * Start a block: end the current line, and leave a blank line when blank
 * is 1.  Does nothing at the start of a container's first line.
 */
void pd_lay_block(struct pd_lay *l, int blank);
/** End the current line (an empty line gets its trimmed prefix). */
void pd_lay_cr(struct pd_lay *l);
/** Write n bytes without newlines, the prefix first at a line start. */
void pd_lay_put(struct pd_lay *l, const char *s, size_t n);
/** Write the prefix now if at a line start (so out ends with it). */
void pd_lay_prefix(struct pd_lay *l);
/**
 * Item numbering in constant time: call pd_lay_list_enter() and
 * pd_lay_list_exit() around every list, pd_lay_item() on entering each of
 * its items: it returns the item's index (0 for the first) and the list's
 * marker in *mark.  The marker is the writer's choice: mark, or alt when
 * the list directly follows a list of its type written with mark (two
 * adjacent lists with the same marker would read as one).
 */
void pd_lay_list_enter(struct pd_lay *l, const struct pd_node *list,
                       int mark, int alt);
void pd_lay_list_exit(struct pd_lay *l, const struct pd_node *list);
int pd_lay_item(struct pd_lay *l, int *mark);
/** End the output with exactly one newline if anything was written. */
void pd_lay_finish(struct pd_lay *l);

#endif /* PD_LAYOUT_H */
