/*
 * read_tree.c - reads the indented tree dump that write_tree.c writes, so
 * that writer tests can start from a hand-written tree and so that
 * `-t tree | -f tree -t tree` is the identity.
 *
 *   meta KEY "VALUE"            metadata, before the nodes
 *   NAME [ATTR...] ["TEXT"]     one node a line; two spaces per depth
 *
 * Attributes: level=N run_in bullet="C" start=N numbering=NAME
 * delim=NAME tight info="S" url="S" title="S" format="S".  Strings are in
 * double quotes with \" \\ \n \t and \xNN escapes.  Blank lines and lines
 * starting with '#' are skipped (comments in hand-written trees).
 */
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/* The reader's state: the input line being parsed and its position. */
struct tree_rd {
    struct pd_doc *doc;
    struct pd_builder b;
    struct pd_diag *d;
    const char *p;          /* cursor in the current line */
    const char *end;        /* end of the current line */
    unsigned line;          /* 1-based line number */
    struct pd_buf str;      /* scratch for the last quoted string */
};

static const char *const numbering_name[] = {
    "decimal", "lower_alpha", "upper_alpha", "circled"
};
static const char *const delim_name[] = { "period", "paren", "none" };

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Parse a quoted string at the cursor into r->str (NUL-terminated) and
 * move past it.  NUL bytes are refused: node text may not contain them.
 */
static int
parse_quoted(struct tree_rd *r)
{
    const char *p = r->p, *run;
    int h1, h2;

    pd_buf_clear(&r->str);
    pd_buf_put(&r->str, "", 0);
    if (p >= r->end || *p != '"')
        return pd_error(r->d, PD_ERR_DATA, r->line, "expected '\"'");
    p++;
    for (;;) {
        run = p;
        while (p < r->end && *p != '"' && *p != '\\' && *p != '\0')
            p++;
        pd_buf_put(&r->str, run, (size_t)(p - run));
        if (p >= r->end)
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "unterminated string");
        if (*p == '\0')
            return pd_error(r->d, PD_ERR_DATA, r->line, "NUL byte in string");
        if (*p == '"')
            break;
        p++;                        /* backslash */
        if (p >= r->end)
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "unterminated string");
        switch (*p) {
        case '"':
        case '\\':
            pd_buf_putc(&r->str, *p);
            p++;
            break;
        case 'n':
            pd_buf_putc(&r->str, '\n');
            p++;
            break;
        case 't':
            pd_buf_putc(&r->str, '\t');
            p++;
            break;
        case 'x':
            if (r->end - p < 3 || (h1 = hexval(p[1])) < 0 ||
                (h2 = hexval(p[2])) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line,
                                "bad \\x escape");
            if (h1 == 0 && h2 == 0)
                return pd_error(r->d, PD_ERR_DATA, r->line,
                                "NUL byte in string");
            pd_buf_putc(&r->str, h1 * 16 + h2);
            p += 3;
            break;
        default:
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "unknown escape \\%c", *p);
        }
    }
    r->p = p + 1;
    return 0;
}

/* Parse a decimal integer (optional '-') at the cursor. */
static int
parse_int(struct tree_rd *r, int *val)
{
    const char *p = r->p;
    int neg = 0;
    long v = 0;

    if (p < r->end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= r->end || *p < '0' || *p > '9')
        return pd_error(r->d, PD_ERR_DATA, r->line, "expected a number");
    while (p < r->end && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > 1000000000L)
            return pd_error(r->d, PD_ERR_DATA, r->line, "number too large");
        p++;
    }
    *val = neg ? (int)-v : (int)v;
    r->p = p;
    return 0;
}

/* Length of the word (letters, digits, '_') at the cursor. */
static size_t
word_len(const struct tree_rd *r)
{
    const char *p = r->p;

    while (p < r->end && (*p == '_' || (*p >= 'a' && *p <= 'z') ||
                          (*p >= 'A' && *p <= 'Z') ||
                          (*p >= '0' && *p <= '9')))
        p++;
    return (size_t)(p - r->p);
}

/* 1 when the word at the cursor is w; then the cursor moves past it. */
static int
take(struct tree_rd *r, const char *w)
{
    size_t n = strlen(w);

    if (word_len(r) != n || memcmp(r->p, w, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

/* Index of the word at the cursor in names[], or -1. */
static int
take_name(struct tree_rd *r, const char *const *names, int count)
{
    int i;

    for (i = 0; i < count; i++)
        if (take(r, names[i]))
            return i;
    return -1;
}

/*
 * bullet="C": the tree writer puts the raw character between the quotes,
 * unescaped, so read exactly one UTF-8 character.
 */
static int
parse_bullet(struct tree_rd *r, struct pd_node *n)
{
    size_t i = 0, left;

    if (r->p >= r->end || *r->p != '"')
        return pd_error(r->d, PD_ERR_DATA, r->line, "expected '\"'");
    r->p++;
    left = (size_t)(r->end - r->p);
    if (left < 2)
        return pd_error(r->d, PD_ERR_DATA, r->line, "bad bullet");
    n->as.list.bullet = pd_utf8_decode(r->p, left, &i);
    r->p += i;
    if (r->p >= r->end || *r->p != '"')
        return pd_error(r->d, PD_ERR_DATA, r->line, "bad bullet");
    r->p++;
    return 0;
}

/* A copy of the last quoted string, owned by the document. */
static const char *
str_dup(struct tree_rd *r)
{
    return pd_arena_strndup(r->doc->arena, r->str.data, r->str.len);
}

/* Parse the attributes after a node's name and store them in n. */
static int
parse_attrs(struct tree_rd *r, struct pd_node *n, pd_node_type t)
{
    int v, has_url = 0;

    for (;;) {
        while (r->p < r->end && *r->p == ' ')
            r->p++;
        if (r->p >= r->end || *r->p == '"')
            break;
        if ((t == PD_NODE_HEADING) && take(r, "level")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_int(r, &v) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line, "bad level");
            if (v < 1 || v > 6)
                return pd_error(r->d, PD_ERR_DATA, r->line,
                                "heading level %d out of range", v);
            n->as.heading.level = v;
        } else if (t == PD_NODE_HEADING && take(r, "run_in")) {
            n->as.heading.run_in = 1;
        } else if (t == PD_NODE_BULLET_LIST && take(r, "bullet")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_bullet(r, n) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line, "bad bullet");
        } else if ((t == PD_NODE_BULLET_LIST || t == PD_NODE_ORDERED_LIST) &&
                   take(r, "tight")) {
            n->as.list.tight = 1;
        } else if (t == PD_NODE_ORDERED_LIST && take(r, "start")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_int(r, &v) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line, "bad start");
            n->as.list.start = v;
        } else if (t == PD_NODE_ORDERED_LIST && take(r, "numbering")) {
            if (r->p >= r->end || *r->p++ != '=' ||
                (v = take_name(r, numbering_name, 4)) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line,
                                "bad numbering");
            n->as.list.numbering = (uint8_t)v;
        } else if (t == PD_NODE_ORDERED_LIST && take(r, "delim")) {
            if (r->p >= r->end || *r->p++ != '=' ||
                (v = take_name(r, delim_name, 3)) < 0)
                return pd_error(r->d, PD_ERR_DATA, r->line, "bad delim");
            n->as.list.delim = (uint8_t)v;
        } else if (t == PD_NODE_CODE_BLOCK && take(r, "info")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_quoted(r) < 0)
                return -1;
            n->as.code.info = str_dup(r);
        } else if (t == PD_NODE_LINK && take(r, "url")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_quoted(r) < 0)
                return -1;
            n->as.link.url = str_dup(r);
            has_url = 1;
        } else if (t == PD_NODE_LINK && take(r, "title")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_quoted(r) < 0)
                return -1;
            n->as.link.title = str_dup(r);
        } else if ((t == PD_NODE_RAW_BLOCK || t == PD_NODE_RAW_INLINE) &&
                   take(r, "format")) {
            if (r->p >= r->end || *r->p++ != '=' || parse_quoted(r) < 0)
                return -1;
            n->as.raw.format = str_dup(r);
        } else {
            size_t wl = word_len(r);

            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "unexpected '%.*s' in %s", (int)(wl ? wl : 1),
                            r->p, pd_node_type_name[t]);
        }
        if (r->p < r->end && *r->p != ' ')
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "expected a space after an attribute");
    }
    if (t == PD_NODE_LINK && !has_url)
        return pd_error(r->d, PD_ERR_DATA, r->line, "link without url");
    if (t == PD_NODE_HEADING && n->as.heading.level == 0)
        return pd_error(r->d, PD_ERR_DATA, r->line, "heading without level");
    if (t == PD_NODE_RAW_BLOCK || t == PD_NODE_RAW_INLINE) {
        if (n->as.raw.format == NULL)
            return pd_error(r->d, PD_ERR_DATA, r->line, "raw without format");
    }
    return 0;
}

/* 1 for the types whose line ends with their text in quotes. */
static int
has_text(pd_node_type t)
{
    return t == PD_NODE_TEXT || t == PD_NODE_CODE ||
        t == PD_NODE_CODE_BLOCK || t == PD_NODE_RAW_BLOCK ||
        t == PD_NODE_RAW_INLINE;
}

/*
 * One node line at depth `depth`: close containers down to the parent,
 * then add the node through the builder.
 */
static int
parse_node(struct tree_rd *r, int depth)
{
    struct pd_node *n;
    pd_node_type t;
    int i;

    for (i = PD_NODE_DOCUMENT; i < PD_NODE__MAX; i++)
        if (take(r, pd_node_type_name[i]))
            break;
    if (i == PD_NODE__MAX)
        return pd_error(r->d, PD_ERR_DATA, r->line, "unknown node '%.*s'",
                        (int)(word_len(r) ? word_len(r) : 1), r->p);
    t = (pd_node_type)i;
    if (t == PD_NODE_DOCUMENT) {
        if (depth != 0 || r->p != r->end)
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "document must be alone at depth 0");
        pd_pop_all(&r->b);
        return 0;
    }
    if (depth < 1)
        return pd_error(r->d, PD_ERR_DATA, r->line,
                        "%s outside the document", pd_node_type_name[t]);
    if (depth > r->b.depth + 1)
        return pd_error(r->d, PD_ERR_DATA, r->line, "indented too deep");
    while (r->b.depth > depth - 1)
        pd_pop(&r->b);
    r->b.line = r->line;
    if (!pd_can_contain(r->b.cur->type, t))
        return pd_error(r->d, PD_ERR_DATA, r->line, "%s cannot be inside %s",
                        pd_node_type_name[t],
                        pd_node_type_name[r->b.cur->type]);
    if (t == PD_NODE_TEXT) {
        /*
         * Not pd_add_text(): that merges with a preceding text node, and
         * the dump must come back exactly as written.
         */
        n = pd_node_new(r->doc, PD_NODE_TEXT);
        n->line = r->line;
        pd_node_append(r->b.cur, n);
    } else if (pd_node_is_leaf(t)) {
        n = pd_add_leaf(&r->b, t);
    } else {
        n = pd_push(&r->b, t);
        if (n == NULL)
            return pd_error(r->d, PD_ERR_DATA, r->line,
                            "nesting deeper than %d", r->b.max_depth);
    }
    if (n == NULL)
        return pd_error(r->d, PD_ERR_INTERNAL, r->line, "cannot add %s",
                        pd_node_type_name[t]);
    if (r->p < r->end && *r->p != ' ')
        return pd_error(r->d, PD_ERR_DATA, r->line, "unknown node '%.*s'",
                        (int)(r->end - r->p), r->p - 1);
    if (parse_attrs(r, n, t) < 0)
        return -1;
    if (has_text(t)) {
        if (parse_quoted(r) < 0)
            return -1;
        n->text = str_dup(r);
        n->len = r->str.len;
    }
    if (r->p != r->end)
        return pd_error(r->d, PD_ERR_DATA, r->line,
                        "unexpected text after the node");
    return 0;
}

/* meta KEY "VALUE" */
static int
parse_meta(struct tree_rd *r)
{
    const char *key = r->p;
    size_t klen;
    char *k;

    while (r->p < r->end && *r->p != ' ')
        r->p++;
    klen = (size_t)(r->p - key);
    if (klen == 0 || r->p >= r->end)
        return pd_error(r->d, PD_ERR_DATA, r->line, "bad meta line");
    r->p++;
    if (parse_quoted(r) < 0)
        return -1;
    if (r->p != r->end)
        return pd_error(r->d, PD_ERR_DATA, r->line,
                        "unexpected text after the meta value");
    k = pd_arena_strndup(r->doc->arena, key, klen);
    pd_doc_set_meta(r->doc, k, r->str.data);
    return 0;
}

int
pd_read_tree(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    struct tree_rd r;
    const char *s = (const char *)in, *end = s + len, *nl;
    int ret = -1, depth;
    size_t sp;

    memset(&r, 0, sizeof(r));
    r.doc = doc;
    r.d = d;
    pd_builder_init(&r.b, doc);
    if (opts != NULL && opts->max_depth > 0)
        r.b.max_depth = opts->max_depth;
    while (s < end) {
        nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL)
            nl = end;
        r.line++;
        r.p = s;
        r.end = nl;
        if (r.end > r.p && r.end[-1] == '\r')
            r.end--;
        s = nl < end ? nl + 1 : end;
        sp = 0;
        while (r.p + sp < r.end && r.p[sp] == ' ')
            sp++;
        if (r.p + sp == r.end || r.p[sp] == '#')
            continue;
        if (sp % 2 != 0) {
            pd_error(d, PD_ERR_DATA, r.line, "odd indentation");
            goto out;
        }
        depth = (int)(sp / 2);
        r.p += sp;
        if (depth == 0 && take(&r, "meta")) {
            if (r.p >= r.end || *r.p != ' ') {
                pd_error(d, PD_ERR_DATA, r.line, "bad meta line");
                goto out;
            }
            r.p++;
            if (parse_meta(&r) < 0)
                goto out;
            continue;
        }
        if (parse_node(&r, depth) < 0)
            goto out;
    }
    ret = 0;
out:
    pd_buf_free(&r.str);
    return ret;
}
