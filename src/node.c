/*
 * node.c - the document, its nodes, metadata, the builder readers use and
 * the iterator writers use.
 */
#include <string.h>

#include "paidoc.h"
#include "internal.h"
#include "arena.h"

const char *const pd_node_type_name[PD_NODE__MAX] = {
    "none",             /* PD_NODE_NONE */
    "document",         /* PD_NODE_DOCUMENT */
    "title",            /* PD_NODE_TITLE */
    "heading",          /* PD_NODE_HEADING */
    "paragraph",        /* PD_NODE_PARAGRAPH */
    "bullet_list",      /* PD_NODE_BULLET_LIST */
    "ordered_list",     /* PD_NODE_ORDERED_LIST */
    "item",             /* PD_NODE_LIST_ITEM */
    "block_quote",      /* PD_NODE_BLOCK_QUOTE */
    "code_block",       /* PD_NODE_CODE_BLOCK */
    "thematic_break",   /* PD_NODE_THEMATIC_BREAK */
    "page_break",       /* PD_NODE_PAGE_BREAK */
    "paid",             /* PD_NODE_PAID */
    "paywall",          /* PD_NODE_PAYWALL */
    "raw_block",        /* PD_NODE_RAW_BLOCK */
    "text",             /* PD_NODE_TEXT */
    "emph",             /* PD_NODE_EMPH */
    "strong",           /* PD_NODE_STRONG */
    "code",             /* PD_NODE_CODE */
    "link",             /* PD_NODE_LINK */
    "line_break",       /* PD_NODE_LINE_BREAK */
    "raw_inline",       /* PD_NODE_RAW_INLINE */
};

struct pd_doc *
pd_doc_new(void)
{
    struct pd_arena *a = pd_arena_new();
    struct pd_doc_x *x = pd_arena_alloc(a, sizeof(*x));
    struct pd_doc *doc = &x->pub;

    doc->arena = a;
    doc->root = pd_node_new(doc, PD_NODE_DOCUMENT);
    return doc;
}

void
pd_doc_free(struct pd_doc *doc)
{
    if (doc != NULL)
        pd_arena_free(doc->arena);    /* doc itself lives in the arena */
}

void
pd_doc_set_meta(struct pd_doc *doc, const char *key, const char *value)
{
    struct pd_meta **pp, *m;

    for (pp = &doc->meta; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0) {
            if (value == NULL)
                *pp = (*pp)->next;
            else
                (*pp)->value = pd_arena_strdup(doc->arena, value);
            return;
        }
    }
    if (value == NULL)
        return;
    m = pd_arena_alloc(doc->arena, sizeof(*m));
    m->key = pd_arena_strdup(doc->arena, key);
    m->value = pd_arena_strdup(doc->arena, value);
    m->next = doc->meta;
    doc->meta = m;
}

const char *
pd_doc_meta(const struct pd_doc *doc, const char *key)
{
    const struct pd_meta *m;

    for (m = doc->meta; m != NULL; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m->value;
    return NULL;
}

void
pd_count_letters(const struct pd_node *node, size_t *cjk, size_t *latin)
{
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;
    size_t i;

    pd_iter_init(&it, node);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        if (ev != PD_EVENT_ENTER || n->type != PD_NODE_TEXT)
            continue;
        for (i = 0; i < n->len;) {
            uint32_t c = pd_utf8_decode(n->text, n->len, &i);

            if (pd_is_cjk(c))
                (*cjk)++;
            else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                (*latin)++;
        }
        if (*cjk + *latin > PD_LANG_LETTERS)
            break;
    }
}

const char *
pd_doc_lang(const struct pd_doc *doc)
{
    const char *lang = pd_doc_meta(doc, "lang");
    const struct pd_doc_x *x = (const struct pd_doc_x *)doc;
    size_t cjk = 0, latin = 0;

    if (lang != NULL && *lang != '\0')
        return lang;
    /* Streamed: decided before the first blocks were written. */
    if (x->lang != NULL)
        return x->lang;
    /* Count letters; stop early once the answer is clear. */
    pd_count_letters(doc->root, &cjk, &latin);
    return pd_lang_of_counts(cjk, latin);
}

const char *
pd_lang_of_counts(size_t cjk, size_t latin)
{
    /* A CJK character carries about as much as a Latin word. */
    return cjk * 4 >= latin && cjk > 0 ? "zh-CN" : "en";
}

int
pd_doc_is_cjk(const struct pd_doc *doc)
{
    const char *l = pd_doc_lang(doc);

    return strncmp(l, "zh", 2) == 0 || strncmp(l, "ja", 2) == 0 ||
        strncmp(l, "ko", 2) == 0;
}

struct pd_node *
pd_node_new(struct pd_doc *doc, pd_node_type type)
{
    struct pd_doc_x *x = (struct pd_doc_x *)doc;
    struct pd_node *n = x->spare;

    if (n != NULL) {
        x->spare = n->next;
        memset(n, 0, sizeof(*n));
    } else
        n = pd_arena_alloc(doc->arena, sizeof(*n));
    x->made++;
    n->type = type;
    return n;
}

int
pd_node_is_leaf(pd_node_type t)
{
    switch (t) {
    case PD_NODE_CODE_BLOCK:
    case PD_NODE_THEMATIC_BREAK:
    case PD_NODE_PAGE_BREAK:
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_TEXT:
    case PD_NODE_CODE:
    case PD_NODE_LINE_BREAK:
    case PD_NODE_RAW_INLINE:
    case PD_NODE_NONE:
    case PD_NODE__MAX:
        return 1;
    case PD_NODE_DOCUMENT:
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
    case PD_NODE_PARAGRAPH:
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
    case PD_NODE_LIST_ITEM:
    case PD_NODE_BLOCK_QUOTE:
    case PD_NODE_PAID:
    case PD_NODE_PAYWALL:
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
    case PD_NODE_LINK:
        return 0;
    }
    return 1;
}

int
pd_can_contain(pd_node_type parent, pd_node_type child)
{
    int block = child > PD_NODE_DOCUMENT && child < PD_NODE_FIRST_INLINE;
    int inl = child >= PD_NODE_FIRST_INLINE && child < PD_NODE__MAX;

    switch (parent) {
    case PD_NODE_DOCUMENT:
        return block && child != PD_NODE_LIST_ITEM;
    case PD_NODE_PAID:
        return block && child != PD_NODE_LIST_ITEM &&
            child != PD_NODE_PAID && child != PD_NODE_TITLE;
    case PD_NODE_LIST_ITEM:
    case PD_NODE_BLOCK_QUOTE:
        return block && child != PD_NODE_LIST_ITEM &&
            child != PD_NODE_PAID && child != PD_NODE_TITLE &&
            child != PD_NODE_PAYWALL;
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
        return child == PD_NODE_LIST_ITEM;
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
    case PD_NODE_PARAGRAPH:
    case PD_NODE_PAYWALL:
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
        return inl;
    case PD_NODE_LINK:
        return inl && child != PD_NODE_LINK;
    default:
        return 0;
    }
}

void
pd_node_unlink(struct pd_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else if (n->parent)
        n->parent->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else if (n->parent)
        n->parent->last = n->prev;
    n->parent = n->prev = n->next = NULL;
}

void
pd_node_append(struct pd_node *parent, struct pd_node *child)
{
    if (child->parent || child->prev || child->next)
        pd_node_unlink(child);
    child->parent = parent;
    child->prev = parent->last;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

void
pd_node_insert_before(struct pd_node *sib, struct pd_node *n)
{
    if (n->parent || n->prev || n->next)
        pd_node_unlink(n);
    n->parent = sib->parent;
    n->next = sib;
    n->prev = sib->prev;
    if (sib->prev)
        sib->prev->next = n;
    else if (sib->parent)
        sib->parent->first = n;
    sib->prev = n;
}

void
pd_node_unwrap(struct pd_node *n)
{
    while (n->first)
        pd_node_insert_before(n, n->first);
    pd_node_unlink(n);
}

void
pd_node_text(const struct pd_node *node, struct pd_buf *out)
{
    struct pd_iter it;
    const struct pd_node *n;

    pd_iter_init(&it, node);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE) {
        if (it.ev != PD_EVENT_ENTER)
            continue;
        if (n->type == PD_NODE_TEXT || n->type == PD_NODE_CODE)
            pd_buf_put(out, n->text, n->len);
        else if (n->type == PD_NODE_LINE_BREAK)
            pd_buf_putc(out, ' ');
    }
}

/*
 * Builder
 */

void
pd_builder_init(struct pd_builder *b, struct pd_doc *doc)
{
    b->doc = doc;
    b->cur = doc->root;
    b->depth = 0;
    b->max_depth = PD_MAX_DEPTH;
    b->line = 0;
}

struct pd_node *
pd_push(struct pd_builder *b, pd_node_type type)
{
    struct pd_node *n;

    if (!pd_can_contain(b->cur->type, type) || pd_node_is_leaf(type) ||
        b->depth >= b->max_depth)
        return NULL;
    n = pd_node_new(b->doc, type);
    n->line = b->line;
    pd_node_append(b->cur, n);
    b->cur = n;
    b->depth++;
    return n;
}

void
pd_pop(struct pd_builder *b)
{
    if (b->cur->parent == NULL)
        return;
    b->cur = b->cur->parent;
    b->depth--;
}

void
pd_pop_all(struct pd_builder *b)
{
    while (b->cur->parent != NULL)
        pd_pop(b);
}

struct pd_node *
pd_add_leaf(struct pd_builder *b, pd_node_type type)
{
    struct pd_node *n;

    if (type == PD_NODE_TEXT || !pd_node_is_leaf(type) ||
        !pd_can_contain(b->cur->type, type))
        return NULL;
    n = pd_node_new(b->doc, type);
    n->line = b->line;
    pd_node_append(b->cur, n);
    return n;
}

struct pd_node *
pd_add_text(struct pd_builder *b, const char *s, size_t len)
{
    struct pd_node *last = b->cur->last, *n;
    char *p;

    if (len == 0 || !pd_can_contain(b->cur->type, PD_NODE_TEXT))
        return NULL;
    if (last != NULL && last->type == PD_NODE_TEXT) {
        /*
         * Merge.  The text grows in place while it is the arena's most
         * recent allocation; else it moves, with as much room again
         * behind it, so that n pieces cost O(total) and not O(n * total).
         */
        size_t need = last->len + len + 1;

        p = pd_arena_resize_last(b->doc->arena, (void *)last->text, need);
        if (p == NULL) {
            p = pd_arena_alloc_raw(b->doc->arena, need * 2);
            memcpy(p, last->text, last->len);
            pd_arena_resize_last(b->doc->arena, p, need);
        }
        memcpy(p + last->len, s, len);
        p[last->len + len] = '\0';
        last->text = p;
        last->len += len;
        return last;
    }
    n = pd_node_new(b->doc, PD_NODE_TEXT);
    n->line = b->line;
    n->text = pd_arena_strndup(b->doc->arena, s, len);
    n->len = len;
    pd_node_append(b->cur, n);
    return n;
}

struct pd_node *
pd_add_text_ref(struct pd_builder *b, const char *s, size_t len)
{
    struct pd_node *last = b->cur->last, *n;

    if (len == 0 || !pd_can_contain(b->cur->type, PD_NODE_TEXT) ||
        (last != NULL && last->type == PD_NODE_TEXT))
        return pd_add_text(b, s, len);
    n = pd_node_new(b->doc, PD_NODE_TEXT);
    n->line = b->line;
    n->text = s;
    n->len = len;
    pd_node_append(b->cur, n);
    return n;
}

/*
 * Iterator
 */

void
pd_iter_init(struct pd_iter *it, const struct pd_node *root)
{
    it->root = root;
    it->node = NULL;
    it->ev = PD_EVENT_DONE;
}

pd_event
pd_iter_next(struct pd_iter *it, const struct pd_node **out)
{
    const struct pd_node *n = it->node;

    if (n == NULL) {
        if (it->root == NULL || it->ev != PD_EVENT_DONE)
            goto done;
        it->node = it->root;
        it->ev = PD_EVENT_ENTER;
    } else if (it->ev == PD_EVENT_ENTER && !pd_node_is_leaf(n->type)) {
        if (n->first) {
            it->node = n->first;
            it->ev = PD_EVENT_ENTER;
        } else
            it->ev = PD_EVENT_EXIT;
    } else if (n == it->root) {
        goto done;
    } else if (n->next) {
        it->node = n->next;
        it->ev = PD_EVENT_ENTER;
    } else {
        it->node = n->parent;
        it->ev = PD_EVENT_EXIT;
    }
    *out = it->node;
    return it->ev;
done:
    it->node = NULL;
    it->root = NULL;
    it->ev = PD_EVENT_DONE;
    *out = NULL;
    return PD_EVENT_DONE;
}

void
pd_iter_skip(struct pd_iter *it)
{
    if (it->node && it->ev == PD_EVENT_ENTER && !pd_node_is_leaf(it->node->type))
        it->ev = PD_EVENT_EXIT;
}
