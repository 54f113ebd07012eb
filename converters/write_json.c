/*
 * write_json.c - the document tree as JSON, for filters (docs/json.md).
 *
 *   {"version":1,"meta":{"title":"Report"},"blocks":[
 *   {"t":"heading","level":1,"run_in":false,"c":[{"t":"text","text":"Hi"}]}
 *   ]}
 *
 * Every node is an object whose "t" is its pd_node_type_name[]; it carries
 * every payload field of its type (always, with null for an absent string)
 * and, for containers, its children in "c".  One top-level block per line
 * so that diffs stay readable; no other white space.  The output depends
 * only on the tree (deterministic) and is built in one pass over it with
 * the iterator (no recursion).
 */
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

static const char *const numbering_name[] = {
    "decimal", "lower_alpha", "upper_alpha", "circled"
};
static const char *const delim_name[] = { "period", "paren", "none" };

/*
 * Append s as a JSON string: quotes, backslash and control characters
 * escaped (short forms where JSON has them, else \u00XX), U+2028/U+2029
 * escaped for JavaScript consumers, everything else as UTF-8.  Invalid
 * UTF-8 (which no reader produces) becomes U+FFFD, so the output is
 * always valid JSON.  Runs of plain bytes are copied in one call.
 */
static void
put_string(struct pd_buf *out, const char *s, size_t len)
{
    size_t i = 0, run = 0;
    int valid = pd_utf8_check(s, len) == len;

    pd_buf_grow(out, len + 2);
    pd_buf_putc(out, '"');
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char tmp[8];

        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F &&
            (c < 0x80 || (valid && c != 0xE2))) {
            i++;
            continue;
        }
        if (c == 0xE2 && valid && i + 2 < len &&
            (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 ||
             (unsigned char)s[i + 2] == 0xA9)) {
            esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
        } else if (c == 0xE2 && valid) {
            i++;
            continue;
        }
        pd_buf_put(out, s + run, i - run);
        if (esc != NULL) {
            pd_buf_puts(out, esc);
            i += 3;
        } else if (c >= 0x80) {
            /* Only reached for invalid input: decode one character. */
            uint32_t u = pd_utf8_decode(s, len, &i);

            pd_utf8_put(out, u);
        } else {
            switch (c) {
            case '"':  esc = "\\\""; break;
            case '\\': esc = "\\\\"; break;
            case '\n': esc = "\\n"; break;
            case '\t': esc = "\\t"; break;
            case '\r': esc = "\\r"; break;
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            default:
                memcpy(tmp, "\\u00", 4);
                tmp[4] = "0123456789abcdef"[c >> 4];
                tmp[5] = "0123456789abcdef"[c & 15];
                tmp[6] = '\0';
                esc = tmp;
                break;
            }
            pd_buf_puts(out, esc);
            i++;
        }
        run = i;
    }
    pd_buf_put(out, s + run, len - run);
    pd_buf_putc(out, '"');
}

/* The UTF-8 of c in s (room for 5 bytes); 0 or an invalid c gives "-". */
static void
put_code_point(char *s, uint32_t c)
{
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = '-';
    if (c < 0x80) {
        s[0] = (char)c;
        s[1] = '\0';
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        s[2] = '\0';
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        s[3] = '\0';
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        s[4] = '\0';
    }
}

/* ,"name":"value" or ,"name":null */
static void
put_field_str(struct pd_buf *out, const char *name, const char *val)
{
    pd_buf_printf(out, ",\"%s\":", name);
    if (val == NULL)
        pd_buf_puts(out, "null");
    else
        put_string(out, val, strlen(val));
}

/* ,"name":true or ,"name":false */
static void
put_field_bool(struct pd_buf *out, const char *name, int val)
{
    pd_buf_printf(out, ",\"%s\":%s", name, val ? "true" : "false");
}

/*
 * Open one node: {"t":"type" and its payload fields; containers go on
 * with ,"c":[ and are closed on EXIT, leaves are closed here.
 */
static void
rndr_node(struct pd_buf *out, const struct pd_node *n)
{
    char bullet[5];

    pd_buf_puts(out, "{\"t\":");
    put_string(out, pd_node_type_name[n->type],
               strlen(pd_node_type_name[n->type]));
    switch (n->type) {
    case PD_NODE_HEADING:
        pd_buf_printf(out, ",\"level\":%d", n->as.heading.level);
        put_field_bool(out, "run_in", n->as.heading.run_in);
        break;
    case PD_NODE_BULLET_LIST:
        put_code_point(bullet, n->as.list.bullet);
        put_field_str(out, "bullet", bullet);
        put_field_bool(out, "tight", n->as.list.tight);
        break;
    case PD_NODE_ORDERED_LIST:
        pd_buf_printf(out, ",\"start\":%d", n->as.list.start);
        put_field_str(out, "numbering", n->as.list.numbering < 4 ?
                      numbering_name[n->as.list.numbering] : "decimal");
        put_field_str(out, "delim", n->as.list.delim < 3 ?
                      delim_name[n->as.list.delim] : "period");
        put_field_bool(out, "tight", n->as.list.tight);
        break;
    case PD_NODE_CODE_BLOCK:
        put_field_str(out, "info", n->as.code.info);
        break;
    case PD_NODE_LINK:
        put_field_str(out, "url", n->as.link.url ? n->as.link.url : "");
        put_field_str(out, "title", n->as.link.title);
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        put_field_str(out, "format", n->as.raw.format ? n->as.raw.format
                                                      : "");
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
    switch (n->type) {
    case PD_NODE_TEXT:
    case PD_NODE_CODE:
    case PD_NODE_CODE_BLOCK:
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        pd_buf_puts(out, ",\"text\":");
        put_string(out, n->text ? n->text : "", n->text ? n->len : 0);
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
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
    case PD_NODE_LINK:
    case PD_NODE_LINE_BREAK:
    case PD_NODE__MAX:
        break;
    }
    if (pd_node_is_leaf(n->type))
        pd_buf_putc(out, '}');
    else
        pd_buf_puts(out, ",\"c\":[");
}

int
pd_write_json(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    const struct pd_meta *m, **rev;
    const struct pd_node *n;
    struct pd_iter it;
    pd_event ev;
    size_t i, nm = 0;

    (void)opts;
    (void)d;
    pd_buf_printf(out, "{\"version\":%d,\"meta\":{", PD_JSON_VERSION);
    /* Metadata in the order it was set (the list is newest first). */
    for (m = doc->meta; m != NULL; m = m->next)
        nm++;
    rev = pd_xmalloc((nm ? nm : 1) * sizeof(*rev));
    for (i = nm, m = doc->meta; m != NULL; m = m->next)
        rev[--i] = m;
    for (i = 0; i < nm; i++) {
        if (i > 0)
            pd_buf_putc(out, ',');
        put_string(out, rev[i]->key, strlen(rev[i]->key));
        pd_buf_putc(out, ':');
        put_string(out, rev[i]->value, strlen(rev[i]->value));
    }
    free(rev);
    pd_buf_puts(out, "},\"blocks\":[");
    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        if (n == doc->root)
            continue;
        pd_buf_checkpoint(out);
        if (ev == PD_EVENT_EXIT) {
            pd_buf_puts(out, "]}");
            continue;
        }
        if (n->prev != NULL)
            pd_buf_putc(out, ',');
        if (n->parent == doc->root)
            pd_buf_putc(out, '\n');
        rndr_node(out, n);
    }
    pd_buf_puts(out, doc->root->first ? "\n]}\n" : "]}\n");
    return 0;
}
