/*
 * read_json.c - the document tree back from JSON (docs/json.md), so that
 * a filter can sit between `paidoc -t json` and `paidoc -f json`.
 *
 * Parsing is jansson's (numbers, escapes, surrogate pairs, UTF-8
 * validation, duplicate keys, its depth limit); this file checks the
 * shape and rebuilds the tree through the builder, so the containment
 * rules and opts->max_depth of every other reader apply.  The walk uses
 * an explicit stack, no recursion.
 *
 * Strict where a mistake would change the document: a missing or
 * different "version", an unknown node type, a field of the wrong type, a
 * node where the tree does not allow it are errors (PD_ERR_DATA) that name
 * the JSON path, e.g. `json: blocks[2].c[0]: unknown node type "foo"`.
 * Lenient where it helps filters: optional fields take their defaults,
 * fields that a type does not have are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paidoc.h"
#include "internal.h"

/* One array being read: "blocks" or a node's "c". */
struct jr_frame {
    json_t *arr;
    size_t i;           /* next element */
    int pushed;         /* a container was pushed for it: pop at the end */
};

/* The reader's state. */
struct jr {
    struct pd_doc *doc;
    struct pd_builder b;
    struct pd_diag *d;
    struct jr_frame *st;
    size_t n, cap;
    struct pd_buf path;
};

static const char *const numbering_name[] = {
    "decimal", "lower_alpha", "upper_alpha", "circled"
};
static const char *const delim_name[] = { "period", "paren", "none" };

/*
 * The path of the element just taken from the top frame: blocks[3].c[0].
 * Deep paths keep their first and last three steps, so that a message
 * stays one short line.
 */
static const char *
path(struct jr *r)
{
    size_t k;

    pd_buf_clear(&r->path);
    for (k = 0; k < r->n; k++) {
        if (r->n > 8 && k == 3) {
            pd_buf_printf(&r->path, " ... (%zu more) ... ", r->n - 6);
            k = r->n - 4;
            continue;
        }
        pd_buf_printf(&r->path, "%s[%zu]", k == 0 ? "blocks" : ".c",
                      r->st[k].i ? r->st[k].i - 1 : 0);
    }
    return r->path.data ? r->path.data : "blocks";
}

/* Record an error about the current element; returns -1. */
static int
fail(struct jr *r, const char *what, const char *detail)
{
    return pd_error(r->d, PD_ERR_DATA, 0, "json: %s: %s%s", path(r), what,
                    detail ? detail : "");
}

/*
 * Field `name` of node object o as a string (NULL when absent or null).
 * Returns -1 after an error when it has another type, or when it is
 * absent and required.
 */
static int
get_str(struct jr *r, json_t *o, const char *name, int required,
        const char **out, size_t *len)
{
    json_t *v = json_object_get(o, name);
    char msg[96];

    *out = NULL;
    if (len)
        *len = 0;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        snprintf(msg, sizeof(msg), "missing string field \"%s\"", name);
        return fail(r, msg, NULL);
    }
    if (!json_is_string(v)) {
        snprintf(msg, sizeof(msg), "field \"%s\" must be a string", name);
        return fail(r, msg, NULL);
    }
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return 0;
}

/* An integer field in [lo, hi]; def when absent (and not required). */
static int
get_int(struct jr *r, json_t *o, const char *name, int required, int def,
        long lo, long hi, int *out)
{
    json_t *v = json_object_get(o, name);
    json_int_t x;
    char msg[96];

    *out = def;
    if (v == NULL && !required)
        return 0;
    if (v == NULL) {
        snprintf(msg, sizeof(msg), "missing integer field \"%s\"", name);
        return fail(r, msg, NULL);
    }
    if (!json_is_integer(v)) {
        snprintf(msg, sizeof(msg), "field \"%s\" must be an integer", name);
        return fail(r, msg, NULL);
    }
    x = json_integer_value(v);
    if (x < lo || x > hi) {
        snprintf(msg, sizeof(msg), "field \"%s\" must be between %ld and "
                 "%ld", name, lo, hi);
        return fail(r, msg, NULL);
    }
    *out = (int)x;
    return 0;
}

/* A boolean field; false when absent. */
static int
get_bool(struct jr *r, json_t *o, const char *name, int *out)
{
    json_t *v = json_object_get(o, name);
    char msg[96];

    *out = 0;
    if (v == NULL)
        return 0;
    if (!json_is_boolean(v)) {
        snprintf(msg, sizeof(msg), "field \"%s\" must be true or false",
                 name);
        return fail(r, msg, NULL);
    }
    *out = json_is_true(v);
    return 0;
}

/* A field whose string value is one of names[0..n); def when absent. */
static int
get_enum(struct jr *r, json_t *o, const char *name,
         const char *const *names, int n, int def, uint8_t *out)
{
    const char *s;
    char msg[96];
    int k;

    *out = (uint8_t)def;
    if (get_str(r, o, name, 0, &s, NULL) < 0)
        return -1;
    if (s == NULL)
        return 0;
    for (k = 0; k < n; k++) {
        if (strcmp(s, names[k]) == 0) {
            *out = (uint8_t)k;
            return 0;
        }
    }
    snprintf(msg, sizeof(msg), "unknown %s \"%.40s\"", name, s);
    return fail(r, msg, NULL);
}

/* The node type called name, or PD_NODE_NONE. */
static pd_node_type
type_by_name(const char *name)
{
    int t;

    for (t = PD_NODE_DOCUMENT + 1; t < PD_NODE__MAX; t++)
        if (strcmp(pd_node_type_name[t], name) == 0)
            return (pd_node_type)t;
    return PD_NODE_NONE;
}

/*
 * Fill the payload fields of n (type t) from object o.  Strings are
 * copied into the document's arena.
 */
static int
read_fields(struct jr *r, json_t *o, struct pd_node *n, pd_node_type t)
{
    struct pd_arena *a = r->doc->arena;
    const char *s;
    size_t len, i;
    int x;

    switch (t) {
    case PD_NODE_HEADING:
        if (get_int(r, o, "level", 1, 1, 1, 6, &n->as.heading.level) < 0 ||
            get_bool(r, o, "run_in", &n->as.heading.run_in) < 0)
            return -1;
        break;
    case PD_NODE_BULLET_LIST:
        if (get_str(r, o, "bullet", 0, &s, &len) < 0 ||
            get_bool(r, o, "tight", &x) < 0)
            return -1;
        n->as.list.tight = (uint8_t)x;
        n->as.list.bullet = '-';
        if (s != NULL) {
            i = 0;
            n->as.list.bullet = len ? pd_utf8_decode(s, len, &i) : 0;
            if (len == 0 || i != len)
                return fail(r, "field \"bullet\" must be one character",
                            NULL);
        }
        break;
    case PD_NODE_ORDERED_LIST:
        if (get_int(r, o, "start", 0, 1, 0, 999999999, &n->as.list.start) < 0 ||
            get_enum(r, o, "numbering", numbering_name, 4, PD_NUM_DECIMAL,
                     &n->as.list.numbering) < 0 ||
            get_enum(r, o, "delim", delim_name, 3, PD_DELIM_PERIOD,
                     &n->as.list.delim) < 0 ||
            get_bool(r, o, "tight", &x) < 0)
            return -1;
        n->as.list.tight = (uint8_t)x;
        break;
    case PD_NODE_CODE_BLOCK:
        if (get_str(r, o, "info", 0, &s, NULL) < 0)
            return -1;
        n->as.code.info = s ? pd_arena_strdup(a, s) : NULL;
        break;
    case PD_NODE_LINK:
        if (get_str(r, o, "url", 1, &s, NULL) < 0)
            return -1;
        n->as.link.url = pd_arena_strdup(a, s);
        if (get_str(r, o, "title", 0, &s, NULL) < 0)
            return -1;
        n->as.link.title = s ? pd_arena_strdup(a, s) : NULL;
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        if (get_str(r, o, "format", 1, &s, NULL) < 0)
            return -1;
        n->as.raw.format = pd_arena_strdup(a, s);
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
    /* The literal of text-bearing leaves. */
    switch (t) {
    case PD_NODE_CODE:
    case PD_NODE_CODE_BLOCK:
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        if (get_str(r, o, "text", 1, &s, &len) < 0)
            return -1;
        n->text = pd_arena_strndup(a, s, len);
        n->len = len;
        break;
    case PD_NODE_NONE:
    case PD_NODE_DOCUMENT:
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
    case PD_NODE_PARAGRAPH:
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
    case PD_NODE_LIST_ITEM:
    case PD_NODE_BLOCK_QUOTE:
    case PD_NODE_THEMATIC_BREAK:
    case PD_NODE_PAGE_BREAK:
    case PD_NODE_PAID:
    case PD_NODE_PAYWALL:
    case PD_NODE_TEXT:
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
    case PD_NODE_LINK:
    case PD_NODE_LINE_BREAK:
    case PD_NODE__MAX:
        break;
    }
    return 0;
}

/* Why the builder refused a node of type t here. */
static int
refused(struct jr *r, pd_node_type t)
{
    char msg[128];

    if (r->b.depth >= r->b.max_depth && !pd_node_is_leaf(t)) {
        snprintf(msg, sizeof(msg), "nesting deeper than %d levels",
                 r->b.max_depth);
        return fail(r, msg, NULL);
    }
    if (r->b.cur->parent == NULL)
        snprintf(msg, sizeof(msg), "\"%s\" cannot be at the top level",
                 pd_node_type_name[t]);
    else
        snprintf(msg, sizeof(msg), "\"%s\" cannot be inside \"%s\"",
                 pd_node_type_name[t], pd_node_type_name[r->b.cur->type]);
    return fail(r, msg, NULL);
}

/* Push a frame reading array arr. */
static void
push_frame(struct jr *r, json_t *arr, int pushed)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->st = pd_xrealloc(r->st, r->cap * sizeof(*r->st));
    }
    r->st[r->n].arr = arr;
    r->st[r->n].i = 0;
    r->st[r->n].pushed = pushed;
    r->n++;
}

/*
 * Read one node object o into the builder.  Containers get a frame for
 * their "c" array, which the main loop reads next.
 */
static int
read_node(struct jr *r, json_t *o)
{
    json_t *tv, *c;
    struct pd_node *n;
    pd_node_type t;
    const char *s;
    size_t len;

    if (!json_is_object(o))
        return fail(r, "a node must be an object", NULL);
    tv = json_object_get(o, "t");
    if (tv == NULL || !json_is_string(tv))
        return fail(r, "a node needs a string field \"t\"", NULL);
    t = type_by_name(json_string_value(tv));
    if (t == PD_NODE_NONE) {
        char msg[96];

        snprintf(msg, sizeof(msg), "unknown node type \"%.40s\"",
                 json_string_value(tv));
        return fail(r, msg, NULL);
    }
    c = json_object_get(o, "c");
    if (c != NULL && !json_is_array(c))
        return fail(r, "field \"c\" must be an array", NULL);
    if (c != NULL && pd_node_is_leaf(t) && json_array_size(c) > 0)
        return fail(r, pd_node_type_name[t], " has no children (\"c\")");
    if (t == PD_NODE_TEXT) {
        if (get_str(r, o, "text", 1, &s, &len) < 0)
            return -1;
        if (!pd_can_contain(r->b.cur->type, PD_NODE_TEXT))
            return refused(r, t);
        pd_add_text(&r->b, s, len);
        return 0;
    }
    if (pd_node_is_leaf(t)) {
        n = pd_add_leaf(&r->b, t);
        if (n == NULL)
            return refused(r, t);
        return read_fields(r, o, n, t);
    }
    n = pd_push(&r->b, t);
    if (n == NULL)
        return refused(r, t);
    if (read_fields(r, o, n, t) < 0)
        return -1;
    push_frame(r, c, 1);
    return 0;
}

/* Check "version" and read "meta". */
static int
read_head(struct jr *r, json_t *root)
{
    json_t *v = json_object_get(root, "version"), *meta, *val;
    const char *key;

    if (v == NULL)
        return pd_error(r->d, PD_ERR_DATA, 0, "json: missing \"version\" "
                        "(expected %d)", PD_JSON_VERSION);
    if (!json_is_integer(v))
        return pd_error(r->d, PD_ERR_DATA, 0, "json: \"version\" must be "
                        "an integer (expected %d)", PD_JSON_VERSION);
    if (json_integer_value(v) != PD_JSON_VERSION)
        return pd_error(r->d, PD_ERR_DATA, 0, "json: unsupported version "
                        "%" JSON_INTEGER_FORMAT " (expected %d)",
                        json_integer_value(v), PD_JSON_VERSION);
    meta = json_object_get(root, "meta");
    if (meta != NULL && !json_is_null(meta)) {
        if (!json_is_object(meta))
            return pd_error(r->d, PD_ERR_DATA, 0,
                            "json: \"meta\" must be an object");
        json_object_foreach(meta, key, val) {
            if (!json_is_string(val))
                return pd_error(r->d, PD_ERR_DATA, 0, "json: meta.%s must "
                                "be a string", key);
            if (strlen(json_string_value(val)) != json_string_length(val))
                return pd_error(r->d, PD_ERR_DATA, 0, "json: meta.%s "
                                "contains a NUL character", key);
            pd_doc_set_meta(r->doc, key, json_string_value(val));
        }
    }
    v = json_object_get(root, "blocks");
    if (v == NULL || !json_is_array(v))
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "json: \"blocks\" must be an array");
    return 0;
}

int
pd_read_json(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    json_error_t err;
    json_t *root;
    struct jr r;
    int ret = -1;

    /* A UTF-8 BOM is not JSON, but editors write one. */
    if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) {
        in += 3;
        len -= 3;
    }
    root = json_loadb((const char *)in, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        if (json_error_code(&err) == json_error_null_character)
            return pd_error(d, PD_ERR_DATA, (unsigned)err.line, "json: "
                            "\\u0000 is not allowed in strings (column %d)",
                            err.column);
        return pd_error(d, PD_ERR_DATA, err.line > 0 ? (unsigned)err.line : 0,
                        "json: %s (column %d)", err.text, err.column);
    }
    memset(&r, 0, sizeof(r));
    r.doc = doc;
    r.d = d;
    pd_builder_init(&r.b, doc);
    if (opts->max_depth > 0)
        r.b.max_depth = opts->max_depth;
    if (!json_is_object(root)) {
        pd_error(d, PD_ERR_DATA, 0, "json: the document must be an object "
                 "with \"version\", \"meta\" and \"blocks\"");
        goto out;
    }
    if (read_head(&r, root) < 0)
        goto out;
    push_frame(&r, json_object_get(root, "blocks"), 0);
    while (r.n > 0) {
        struct jr_frame *f = &r.st[r.n - 1];

        if (f->arr == NULL || f->i >= json_array_size(f->arr)) {
            if (f->pushed)
                pd_pop(&r.b);
            r.n--;
            continue;
        }
        f->i++;
        if (read_node(&r, json_array_get(f->arr, f->i - 1)) < 0)
            goto out;
    }
    ret = 0;
out:
    pd_pop_all(&r.b);
    json_decref(root);
    free(r.st);
    pd_buf_free(&r.path);
    return ret;
}
