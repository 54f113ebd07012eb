/*
 * paid.c - the paid modes (--paid), applied to the tree once so that no
 * writer has to know about them.
 */
#define _GNU_SOURCE     /* memmem */
#include <string.h>

#include "paidoc.h"
#include "internal.h"

#define PAYWALL_ZH "以下为付费内容。"
#define PAYWALL_EN "The rest of this document is for paying readers."

struct pd_node *
pd_paywall_node(struct pd_doc *doc, const struct pd_opts *opts, int cjk)
{
    const char *msg = opts->paywall_text;
    struct pd_node *pw = pd_node_new(doc, PD_NODE_PAYWALL);
    struct pd_node *parent = pw, *t, *link;

    if (msg == NULL || *msg == '\0')
        msg = cjk ? PAYWALL_ZH : PAYWALL_EN;
    if (opts->paywall_url != NULL && *opts->paywall_url != '\0') {
        link = pd_node_new(doc, PD_NODE_LINK);
        link->as.link.url = pd_arena_strdup(doc->arena, opts->paywall_url);
        pd_node_append(pw, link);
        parent = link;
    }
    t = pd_node_new(doc, PD_NODE_TEXT);
    t->text = pd_arena_strdup(doc->arena, msg);
    t->len = strlen(msg);
    pd_node_append(parent, t);
    return pw;
}

/* Paid sections are children of the root only; collect them. */
static struct pd_node *
next_paid(struct pd_node *n)
{
    while (n != NULL && n->type != PD_NODE_PAID)
        n = n->next;
    return n;
}

/*
 * Metadata must not carry paid text into a preview: drop a value that
 * occurs in the paid text but nowhere in the free text.
 */
static void
scrub_meta(struct pd_doc *doc, const struct pd_buf *paid,
           const struct pd_buf *free_text)
{
    struct pd_meta *m, *next;

    for (m = doc->meta; m != NULL; m = next) {
        size_t len = strlen(m->value);

        next = m->next;
        if (strcmp(m->key, "lang") == 0 || len == 0 || paid->len == 0)
            continue;
        if (memmem(paid->data, paid->len, m->value, len) != NULL &&
            (free_text->len == 0 ||
             memmem(free_text->data, free_text->len, m->value, len) == NULL))
            pd_doc_set_meta(doc, m->key, NULL);
    }
}

void
pd_apply_paid(struct pd_doc *doc, const struct pd_opts *opts)
{
    struct pd_node *n, *next;
    struct pd_buf paid = {0}, free_text = {0};
    int cjk;

    switch (opts->paid) {
    case PD_PAID_KEEP:
        return;
    case PD_PAID_FULL:
        for (n = next_paid(doc->root->first); n != NULL; n = next) {
            next = next_paid(n->next);
            pd_node_unwrap(n);
        }
        return;
    case PD_PAID_ONLY:
        for (n = doc->root->first; n != NULL; n = next) {
            next = n->next;
            if (n->type == PD_NODE_PAID)
                pd_node_unwrap(n);
            else
                pd_node_unlink(n);
        }
        return;
    case PD_PAID_PREVIEW:
        break;
    }
    cjk = pd_doc_is_cjk(doc);
    for (n = doc->root->first; n != NULL; n = next) {
        next = n->next;
        if (n->type == PD_NODE_PAID) {
            pd_node_text(n, &paid);
            pd_node_insert_before(n, pd_paywall_node(doc, opts, cjk));
            pd_node_unlink(n);
        } else
            pd_node_text(n, &free_text);
    }
    scrub_meta(doc, &paid, &free_text);
    pd_buf_free(&paid);
    pd_buf_free(&free_text);
}
