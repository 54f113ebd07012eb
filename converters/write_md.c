/*
 * write_md.c - CommonMark output, written directly (not through cmark's
 * renderer) and checked against cmark's parser by tests/mdcheck.c.
 *
 * Escaping is contextual: ASCII punctuation that can start inline syntax
 * is always backslash-escaped, characters that only matter at the start
 * of a line (# - + = > ~ and "1." / "1)") only there, leading and
 * trailing white space becomes a character reference, and any text that
 * spells a paid marker gets a backslash inside it (#\#paidbegin##) so it
 * is neither read as a marker by the md reader nor matched by a CMS that
 * replaces markers textually.
 *
 * Emphasis and CJK.  The flanking rules stop `**“引号”**后` from parsing:
 * the closing run is preceded by punctuation and followed by a letter.
 * Rather than add characters, we write the letter next to the delimiter
 * on the outside as a numeric character reference (`**“引号”**&#x540E;`):
 * the parser sees `&`, ASCII punctuation, beside the run, so the run
 * flanks, and the reference still decodes to 后.  Likewise a letter before
 * an opening run whose content starts with punctuation, and white space
 * just inside a run (written as &#32;).  Only the characters that need it
 * are written this way.  Nested or adjacent emphasis alternates * and _
 * so that delimiter runs never merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"
#include "layout.h"

/* How a character beside a delimiter run counts for the flanking rules. */
enum cls { CLS_WS, CLS_PUNCT, CLS_OTHER };

struct md {
    struct pd_lay lay;
    struct pd_buf *out;
    const struct pd_opts *opts;
    struct pd_diag *d;
    struct pd_buf tmp;
    struct pd_buf delims;   /* delimiter character of each open emphasis */
    const struct pd_node *last_emph;   /* emphasis that closed last */
    char last_emph_c;                  /* and its delimiter character */
    int bol;                /* the next text starts a line of content */
    int protect_next;       /* next char must be punctuation or space */
    int ws_next;            /* next char, if white space, as a reference */
    int in_heading;
    int warned_raw;
    const char *begin;      /* paid markers of opts->paid_style; end NULL */
    const char *end;        /* when the style has none (ghost, wordpress) */
    const struct pd_node *rest;   /* then: the one section marked */
};

static int
ascii_punct(uint32_t c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
        (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

/* 1 for white space in CommonMark's sense (Zs, tab, line ends). */
static int
md_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == 0x1680 || pd_is_space(c);
}

/*
 * 1 for characters that are certainly letters or digits (not Unicode
 * punctuation); everything else beyond ASCII is treated as punctuation,
 * which at worst writes one reference too many.
 */
static int
letterish(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
                                          (c | 0x20) <= 'z');
    return pd_is_han(c) || (c >= 0x3041 && c <= 0x309F) ||
        (c >= 0x30A1 && c <= 0x30FA) || (c >= 0xAC00 && c <= 0xD7A3) ||
        (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
        (c >= 0x386 && c <= 0x52F && c != 0x387) ||
        (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
        (c >= 0xFF41 && c <= 0xFF5A);
}

/* Class of a character on the inside of a run (unknown: punctuation). */
static enum cls
inside_cls(uint32_t c)
{
    if (md_space(c))
        return CLS_WS;
    return letterish(c) ? CLS_OTHER : CLS_PUNCT;
}

/* Write code point c as a hexadecimal character reference. */
static void
put_ref(struct md *m, uint32_t c)
{
    char b[16];
    int n = snprintf(b, sizeof(b), "&#x%X;", (unsigned)c);

    pd_lay_put(&m->lay, b, (size_t)n);
}

/* 1 when nothing but the end of its block follows inline node n. */
static int
last_inline(const struct pd_node *n)
{
    while (n != NULL && n->type >= PD_NODE_FIRST_INLINE) {
        if (n->next != NULL)
            return 0;
        n = n->parent;
    }
    return 1;
}

/* Clear the per-character flags once something else has been written. */
static void
plain_out(struct md *m)
{
    m->protect_next = 0;
    m->ws_next = 0;
    m->bol = 0;
}

/*
 * Escape a character at the start of a line of content; returns the bytes
 * consumed (0: nothing special here).
 */
static size_t
put_bol(struct md *m, const char *s, size_t len)
{
    size_t i = 0;

    if (pd_marker_at(s, len))
        return 0;           /* put_text writes it as #\#...: no heading */
    switch (s[0]) {
    case ' ':
        pd_lay_put(&m->lay, "&#32;", 5);
        return 1;
    case '\t':
        pd_lay_put(&m->lay, "&#9;", 4);
        return 1;
    case '#': case '-': case '+': case '=': case '>': case '~':
        pd_lay_put(&m->lay, "\\", 1);
        pd_lay_put(&m->lay, s, 1);
        return 1;
    default:
        break;
    }
    while (i < len && i < 10 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i < len && (s[i] == '.' || s[i] == ')')) {
        pd_lay_put(&m->lay, s, i);
        pd_lay_put(&m->lay, "\\", 1);
        pd_lay_put(&m->lay, s + i, 1);
        return i + 1;
    }
    return 0;
}

/*
 * Write the text of a TEXT node, escaped.  `last` says that the node ends
 * its block, so trailing white space must survive.
 */
static void
put_text(struct md *m, const char *s, size_t len, int last)
{
    size_t i = 0, run, k;
    uint32_t c;

    while (i < len) {
        unsigned char b = (unsigned char)s[i];

        if (m->ws_next || m->protect_next) {
            k = i;
            c = pd_utf8_decode(s, len, &k);
            if ((m->ws_next && md_space(c) && c != '\n') ||
                (m->protect_next && !md_space(c) && !ascii_punct(c))) {
                plain_out(m);
                put_ref(m, c);
                i = k;
                continue;
            }
            m->ws_next = m->protect_next = 0;
        }
        if (m->bol && b != '\n') {
            m->bol = 0;
            if ((k = put_bol(m, s + i, len - i)) > 0) {
                i += k;
                continue;
            }
        }
        run = i;
        /* Plain ASCII that needs no care, and valid UTF-8. */
        while (i < len) {
            b = (unsigned char)s[i];
            if (b >= 0x80) {
                k = i;
                if (pd_utf8_decode(s, len, &k) == 0xFFFD &&
                    !(k - i == 3 && b == 0xEF))
                    break;
                i = k;
            } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                       (b >= '0' && b <= '9') || b == ',' || b == '.' ||
                       b == ';' || b == ':' || b == '?' || b == '\'' ||
                       b == '"' || b == '(' || b == ')' || b == '/' ||
                       b == '%' || b == '=' || b == '@' || b == '^' ||
                       b == '{' || b == '}' || b == '|' || b == '~' ||
                       b == '-' || b == '+' || b == '>' || b == '\'' ||
                       (b == ' ' && (i + 1 < len ? s[i + 1] != '\n'
                                                 : !last)) ||
                       b == '\f' || b == 0x7F ||
                       (b < 0x20 && b != '\n' && b != '\r' &&
                                     b != ' ' && b != '\t' && b != 0))
                i++;
            else
                break;
        }
        pd_lay_put(&m->lay, s + run, i - run);
        if (i >= len)
            break;
        b = (unsigned char)s[i];
        if (b >= 0x80) {                       /* invalid UTF-8 */
            pd_lay_put(&m->lay, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        }
        switch (b) {
        case '\n':
            if (m->in_heading)
                pd_lay_put(&m->lay, "&#10;", 5);
            else {
                pd_lay_cr(&m->lay);
                m->bol = 1;
            }
            i++;
            continue;
        case '\r':
            pd_lay_put(&m->lay, "&#13;", 5);
            i++;
            continue;
        case ' ':
        case '\t':
            /* White space before a line end or the end of the block. */
            if ((i + 1 < len && s[i + 1] == '\n') ||
                (i + 1 == len && last)) {
                pd_lay_put(&m->lay, b == ' ' ? "&#32;" : "&#9;",
                           b == ' ' ? 5 : 4);
            } else
                pd_lay_put(&m->lay, s + i, 1);
            i++;
            continue;
        case '#':
        case '$':
            if (pd_marker_at(s + i, len - i)) {
                pd_lay_put(&m->lay, s + i, 1);
                pd_lay_put(&m->lay, "\\", 1);
                pd_lay_put(&m->lay, s + i + 1, 1);
                i += 2;
            } else if (b == '#' && m->in_heading) {
                pd_lay_put(&m->lay, "\\#", 2);
                i++;
            } else {
                pd_lay_put(&m->lay, s + i, 1);
                i++;
            }
            continue;
        case '&':
            if (i + 1 < len && (s[i + 1] == '#' ||
                                ((s[i + 1] | 0x20) >= 'a' &&
                                 (s[i + 1] | 0x20) <= 'z') ||
                                (s[i + 1] >= '0' && s[i + 1] <= '9')))
                pd_lay_put(&m->lay, "\\&", 2);
            else
                pd_lay_put(&m->lay, "&", 1);
            i++;
            continue;
        case 0:
            pd_lay_put(&m->lay, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        default:
            /* \ ` * _ [ ] < ! and the rest of ASCII punctuation. */
            pd_lay_put(&m->lay, "\\", 1);
            pd_lay_put(&m->lay, s + i, 1);
            i++;
            continue;
        }
    }
}

/* First character class of the content of emphasis node n. */
static enum cls
first_cls(const struct pd_node *n)
{
    const struct pd_node *c = n->first;
    size_t i = 0;

    if (c == NULL)
        return CLS_PUNCT;
    if (c->type != PD_NODE_TEXT || c->len == 0)
        return CLS_PUNCT;
    if (c->text[0] == '\n')
        return CLS_WS;
    return inside_cls(pd_utf8_decode(c->text, c->len, &i));
}

/*
 * Class of the last character written on the current line, for the
 * flanking rules; the start of a line counts as white space.
 */
static enum cls
prev_cls(struct md *m, uint32_t *cp, size_t *at)
{
    size_t i = m->out->len;
    uint32_t c;

    if (m->lay.col0 || i == 0)
        return CLS_WS;
    c = pd_utf8_decode_prev(m->out->data, &i);
    *cp = c;
    *at = i;
    if (c == ' ' || c == '\t' || c == '\n')
        return CLS_WS;
    if (ascii_punct(c))
        return CLS_PUNCT;
    if (md_space(c))
        return CLS_WS;
    return letterish(c) ? CLS_OTHER : CLS_PUNCT;
}

/* Replace the last character written (at byte `at`) by a reference. */
static void
rewrite_last(struct md *m, size_t at, uint32_t c)
{
    m->out->len = at;
    m->out->data[at] = '\0';
    put_ref(m, c);
}

/* The delimiter character for emphasis node n (see the file comment). */
static char
pick_delim(struct md *m, const struct pd_node *n)
{
    char parent = 0, c = '*';

    if (n->parent != NULL && (n->parent->type == PD_NODE_EMPH ||
                              n->parent->type == PD_NODE_STRONG) &&
        m->delims.len > 0)
        parent = m->delims.data[m->delims.len - 1];
    if (parent == '*' && (n->prev == NULL || n->next == NULL))
        c = '_';
    if (n->prev != NULL && n->prev == m->last_emph && m->last_emph_c == c)
        c = c == '*' ? '_' : '*';
    return c;
}

static void
rndr_emph(struct md *m, const struct pd_node *n, int entering)
{
    size_t nd = n->type == PD_NODE_STRONG ? 2 : 1, at = 0;
    char c, dl[2];
    uint32_t cp = 0;
    enum cls inside, outside;

    if (n->first == NULL)
        return;                 /* empty emphasis cannot be written */
    if (entering) {
        c = pick_delim(m, n);
        inside = first_cls(n);
        outside = prev_cls(m, &cp, &at);
        if ((c == '_' || inside != CLS_OTHER) && outside == CLS_OTHER)
            rewrite_last(m, at, cp);
        pd_buf_putc(&m->delims, c);
        dl[0] = dl[1] = c;
        plain_out(m);
        pd_lay_put(&m->lay, dl, nd);
        if (inside == CLS_WS)
            m->ws_next = 1;
        return;
    }
    c = m->delims.data[--m->delims.len];
    inside = prev_cls(m, &cp, &at);
    if (!m->lay.col0 && inside == CLS_WS) {
        rewrite_last(m, at, cp);
        inside = CLS_PUNCT;
    }
    dl[0] = dl[1] = c;
    plain_out(m);
    pd_lay_put(&m->lay, dl, nd);
    if (c == '_' || inside != CLS_OTHER)
        m->protect_next = 1;
    m->last_emph = n;
    m->last_emph_c = c;
}

/* Inline code: a backtick string longer than any inside, padded. */
static void
rndr_code(struct md *m, const struct pd_node *n)
{
    size_t i, run = 0, longest = 0, k;
    int pad = 0, allsp = 1;

    if (n->len == 0)
        return;
    for (i = 0; i < n->len; i++) {
        if (n->text[i] == '`') {
            if (++run > longest)
                longest = run;
        } else
            run = 0;
        if (n->text[i] != ' ')
            allsp = 0;
    }
    if (n->text[0] == '`' || n->text[n->len - 1] == '`' ||
        (n->text[0] == ' ' && n->text[n->len - 1] == ' ' && !allsp))
        pad = 1;
    plain_out(m);
    for (k = 0; k <= longest; k++)
        pd_lay_put(&m->lay, "`", 1);
    if (pad)
        pd_lay_put(&m->lay, " ", 1);
    /* Line ends inside code spans read back as spaces. */
    pd_buf_clear(&m->tmp);
    pd_buf_put(&m->tmp, n->text, n->len);
    for (i = 0; i < m->tmp.len; i++)
        if (m->tmp.data[i] == '\n' || m->tmp.data[i] == '\r')
            m->tmp.data[i] = ' ';
    pd_lay_put(&m->lay, m->tmp.data, m->tmp.len);
    if (pad)
        pd_lay_put(&m->lay, " ", 1);
    for (k = 0; k <= longest; k++)
        pd_lay_put(&m->lay, "`", 1);
}

/*
 * Write s with a backslash before every character in `esc`; line ends
 * become references (destinations and titles are on one line).
 */
static void
put_escaped_in(struct md *m, const char *s, const char *esc, int dest)
{
    const char *run;

    while (*s) {
        run = s;
        while (*s && strchr(esc, *s) == NULL && *s != '\n' && *s != '\r')
            s++;
        pd_lay_put(&m->lay, run, (size_t)(s - run));
        if (*s == '\0')
            break;
        if (dest && (*s == '\n' || *s == '\r')) {
            char b[4];

            snprintf(b, sizeof(b), "%%%02X", (unsigned char)*s);
            pd_lay_put(&m->lay, b, 3);
        } else if (*s == '\n')
            pd_lay_put(&m->lay, "&#10;", 5);
        else if (*s == '\r')
            pd_lay_put(&m->lay, "&#13;", 5);
        else {
            pd_lay_put(&m->lay, "\\", 1);
            pd_lay_put(&m->lay, s, 1);
        }
        s++;
    }
}

/*
 * A link destination in <>: white space at either end would be trimmed,
 * so it goes as references; the rest is escaped.
 */
static void
put_dest(struct md *m, const char *url)
{
    size_t len = strlen(url), a = 0, z = len;
    char b[16];

    while (a < len && (url[a] == ' ' || url[a] == '\t'))
        a++;
    while (z > a && (url[z - 1] == ' ' || url[z - 1] == '\t'))
        z--;
    for (; len > 0 && a > 0 && url[0] != '\0'; url++, a--, z--, len--) {
        snprintf(b, sizeof(b), "&#%d;", url[0]);
        pd_lay_put(&m->lay, b, strlen(b));
    }
    pd_buf_clear(&m->tmp);
    pd_buf_put(&m->tmp, url, z);
    put_escaped_in(m, m->tmp.data, "<>\\&", 1);
    for (url += z; *url != '\0'; url++) {
        snprintf(b, sizeof(b), "&#%d;", url[0]);
        pd_lay_put(&m->lay, b, strlen(b));
    }
}

static void
rndr_link(struct md *m, const struct pd_node *n, int entering)
{
    plain_out(m);
    if (entering) {
        pd_lay_put(&m->lay, "[", 1);
        return;
    }
    pd_lay_put(&m->lay, "](<", 3);
    put_dest(m, n->as.link.url);
    pd_lay_put(&m->lay, ">", 1);
    if (n->as.link.title != NULL) {
        pd_lay_put(&m->lay, " \"", 2);
        put_escaped_in(m, n->as.link.title, "\"\\&", 0);
        pd_lay_put(&m->lay, "\"", 1);
    }
    pd_lay_put(&m->lay, ")", 1);
}

/* 1 when n's blocks in a tight list item need no blank line between. */
static int
in_tight_item(const struct pd_node *n)
{
    const struct pd_node *p = n->parent;

    return p != NULL && p->type == PD_NODE_LIST_ITEM &&
        p->parent->as.list.tight;
}

/*
 * Whether a blank line goes before block n.  Tight lists have none,
 * except where a block could not start without one: a paragraph after a
 * paragraph would continue it, and an ordered list not starting at 1
 * cannot interrupt a paragraph.
 */
static int
blank_before(const struct pd_node *n)
{
    const struct pd_node *prev = n->prev;

    if (n->type == PD_NODE_LIST_ITEM) {
        if (prev != NULL)
            return !n->parent->as.list.tight;
        n = n->parent;
        prev = n->prev;
    }
    if (!in_tight_item(n) || prev == NULL)
        return 1;
    if (prev->type == PD_NODE_PARAGRAPH &&
        (n->type == PD_NODE_PARAGRAPH ||
         (n->type == PD_NODE_ORDERED_LIST && n->as.list.start != 1)))
        return 1;
    return 0;
}

/*
 * Open list n with its marker: its own bullet when CommonMark has it
 * ('-', '*', '+'; others become '-'), its own delimiter; the other one of
 * '-'/'*' or '.'/')' when the list directly follows a list written with
 * the same marker, which would otherwise continue it.
 */
static void
list_enter(struct md *m, const struct pd_node *n)
{
    int mark, alt;

    if (n->type == PD_NODE_BULLET_LIST) {
        mark = n->as.list.bullet == '*' || n->as.list.bullet == '+' ?
            (int)n->as.list.bullet : '-';
        alt = mark == '-' ? '*' : '-';
    } else {
        mark = n->as.list.delim == PD_DELIM_PAREN ? ')' : '.';
        alt = mark == '.' ? ')' : '.';
    }
    pd_lay_list_enter(&m->lay, n, mark, alt);
}

static void
rndr_item(struct md *m, const struct pd_node *n, int entering)
{
    const struct pd_node *list = n->parent;
    char first[32], cont[32];
    int idx, num, w, mark;

    if (!entering) {
        pd_lay_pop(&m->lay);
        return;
    }
    pd_lay_block(&m->lay, blank_before(n));
    idx = pd_lay_item(&m->lay, &mark);
    if (list->type == PD_NODE_BULLET_LIST) {
        snprintf(first, sizeof(first), "%c ", mark);
    } else {
        num = list->as.list.start;
        if (num < 0)
            num = 0;
        if (num > 999999999 - idx)
            num = 999999999 - idx;
        num += idx;
        snprintf(first, sizeof(first), "%d%c ", num, mark);
    }
    w = (int)strlen(first);
    memset(cont, ' ', (size_t)w);
    cont[w] = '\0';
    pd_lay_push(&m->lay, first, cont);
}

/* Fenced code: a fence longer than any run of its character inside. */
static void
rndr_code_block(struct md *m, const struct pd_node *n)
{
    const char *info = n->as.code.info, *s = n->text, *e, *nl;
    char fc = '`';
    size_t i, run = 0, longest = 0, k;

    if (info != NULL && strchr(info, '`') != NULL)
        fc = '~';
    for (i = 0; i < n->len; i++) {
        if (n->text[i] == fc) {
            if (++run > longest)
                longest = run;
        } else
            run = 0;
    }
    if (longest < 2)
        longest = 2;
    pd_lay_block(&m->lay, blank_before(n));
    for (k = 0; k <= longest; k++)
        pd_lay_put(&m->lay, &fc, 1);
    if (info != NULL && *info != '\0')
        put_escaped_in(m, info, "\\&`", 0);
    pd_lay_cr(&m->lay);
    e = s + n->len;
    if (n->len > 0 && e[-1] == '\n')
        e--;
    while (n->len > 0 && s <= e) {
        nl = memchr(s, '\n', (size_t)(e - s));
        if (nl == NULL)
            nl = e;
        pd_lay_put(&m->lay, s, (size_t)(nl - s));
        pd_lay_cr(&m->lay);
        s = nl + 1;
    }
    for (k = 0; k <= longest; k++)
        pd_lay_put(&m->lay, &fc, 1);
}

/* A line of its own between blank lines: markers, breaks. */
static void
put_line_block(struct md *m, const struct pd_node *n, const char *s)
{
    pd_lay_block(&m->lay, n == NULL ? 1 : blank_before(n));
    pd_lay_put(&m->lay, s, strlen(s));
}

static void
rndr_raw(struct md *m, const struct pd_node *n)
{
    const char *f = n->as.raw.format;
    int md = f != NULL && (strcmp(f, "md") == 0 ||
                           strcmp(f, "markdown") == 0 ||
                           strcmp(f, "commonmark") == 0);
    int html = f != NULL && strcmp(f, "html") == 0;

    if (!md && !(html && m->opts->unsafe)) {
        if (html && !m->warned_raw) {
            pd_warn(m->d, n->line, "raw HTML omitted (use --unsafe to "
                    "keep it)");
            m->warned_raw = 1;
        }
        return;
    }
    if (n->type == PD_NODE_RAW_BLOCK) {
        const char *p = n->text, *e = p + n->len, *nl;

        while (e > p && e[-1] == '\n')
            e--;
        pd_lay_block(&m->lay, blank_before(n));
        while (p < e) {
            nl = memchr(p, '\n', (size_t)(e - p));
            if (nl == NULL)
                nl = e;
            pd_lay_put(&m->lay, p, (size_t)(nl - p));
            if (nl < e)
                pd_lay_cr(&m->lay);
            p = nl + 1;
        }
        return;
    }
    plain_out(m);
    pd_lay_put(&m->lay, n->text, n->len);
}

/* Start a block of inline content (paragraph, heading, paywall). */
static void
start_inlines(struct md *m, const struct pd_node *n)
{
    pd_lay_block(&m->lay, blank_before(n));
    m->bol = 1;
    m->protect_next = m->ws_next = 0;
    m->last_emph = NULL;
    m->delims.len = 0;
}

/* Dispatch one iterator event; 1: skip n's children. */
static int
rndr_node(struct md *m, const struct pd_node *n, int entering)
{
    static const char hashes[] = "######";
    int level;

    switch (n->type) {
    case PD_NODE_DOCUMENT:
        break;
    case PD_NODE_TITLE:
    case PD_NODE_HEADING:
        if (!entering) {
            m->in_heading = 0;
            break;
        }
        level = n->type == PD_NODE_TITLE ? 1 : n->as.heading.level + 1;
        if (level > 6)
            level = 6;
        start_inlines(m, n);
        pd_lay_put(&m->lay, hashes, (size_t)level);
        if (n->first != NULL)
            pd_lay_put(&m->lay, " ", 1);
        m->in_heading = 1;
        break;
    case PD_NODE_PARAGRAPH:
    case PD_NODE_PAYWALL:
        if (entering) {
            if (n->first == NULL)
                return 1;
            start_inlines(m, n);
        }
        break;
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
        if (entering)
            list_enter(m, n);
        else
            pd_lay_list_exit(&m->lay, n);
        break;
    case PD_NODE_LIST_ITEM:
        rndr_item(m, n, entering);
        break;
    case PD_NODE_BLOCK_QUOTE:
        if (entering) {
            pd_lay_block(&m->lay, blank_before(n));
            pd_lay_push(&m->lay, "> ", "> ");
        } else
            pd_lay_pop(&m->lay);
        break;
    case PD_NODE_CODE_BLOCK:
        rndr_code_block(m, n);
        break;
    case PD_NODE_THEMATIC_BREAK:
        put_line_block(m, n, "***");
        break;
    case PD_NODE_PAGE_BREAK:
        put_line_block(m, NULL, "##pagebreak##");
        break;
    case PD_NODE_PAID:
        /* Without an end marker only the first section is marked; the
         * rest of the document is paid anyway (pd_paid_rest_first). */
        if (m->end == NULL && n != m->rest)
            break;
        if (entering)
            put_line_block(m, NULL, m->begin);
        else if (m->end != NULL)
            put_line_block(m, NULL, m->end);
        break;
    case PD_NODE_RAW_BLOCK:
    case PD_NODE_RAW_INLINE:
        rndr_raw(m, n);
        break;
    case PD_NODE_TEXT:
        put_text(m, n->text, n->len, last_inline(n));
        break;
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
        rndr_emph(m, n, entering);
        break;
    case PD_NODE_CODE:
        rndr_code(m, n);
        break;
    case PD_NODE_LINK:
        rndr_link(m, n, entering);
        break;
    case PD_NODE_LINE_BREAK:
        plain_out(m);
        if (m->in_heading)
            pd_lay_put(&m->lay, " ", 1);
        else if (!last_inline(n)) {
            pd_lay_put(&m->lay, "\\", 1);
            pd_lay_cr(&m->lay);
            m->bol = 1;
        }
        break;
    case PD_NODE_NONE:
    case PD_NODE__MAX:
        break;
    }
    return 0;
}

/*
 * The paid markers of opts->paid_style.  Markdown has no paid section of
 * its own, so the default and fastadmin styles are both the marker lines;
 * the comment styles are HTML blocks of their own, written also without
 * --unsafe (they are markers, not the user's HTML).
 */
static void
paid_markers(struct md *m, const struct pd_doc *doc)
{
    switch (m->opts->paid_style) {
    case PD_STYLE_HTML_COMMENT:
        m->begin = "<!--paidbegin-->";
        m->end = "<!--paidend-->";
        break;
    case PD_STYLE_GHOST:
        m->begin = "<!--members-only-->";
        m->rest = pd_paid_rest_first(doc, "ghost", m->begin, m->d);
        break;
    case PD_STYLE_WORDPRESS:
        m->begin = "<!--more-->";
        m->rest = pd_paid_rest_first(doc, "wordpress", m->begin, m->d);
        break;
    case PD_STYLE_DEFAULT:
    case PD_STYLE_FASTADMIN:
    default:
        m->begin = "##paidbegin##";
        m->end = "##paidend##";
        break;
    }
}

static struct pd_walker *
md_begin(const struct pd_doc *doc, struct pd_buf *out,
         const struct pd_opts *opts, struct pd_diag *d)
{
    static const struct pd_opts defaults;
    struct md *m = pd_xmalloc(sizeof(*m));

    memset(m, 0, sizeof(*m));
    m->out = out;
    m->opts = opts != NULL ? opts : &defaults;
    m->d = d;
    paid_markers(m, doc);
    pd_lay_init(&m->lay, out);
    return (struct pd_walker *)m;
}

static int
md_event(struct pd_walker *w, const struct pd_node *n, pd_event ev)
{
    struct md *m = (struct md *)w;
    int skip = rndr_node(m, n, ev == PD_EVENT_ENTER);

    /* Looking back stays within the last character written. */
    pd_buf_checkpoint(m->out);
    return skip;
}

static void
md_end(struct pd_walker *w)
{
    struct md *m = (struct md *)w;

    pd_lay_finish(&m->lay);
    pd_lay_free(&m->lay);
    pd_buf_free(&m->tmp);
    pd_buf_free(&m->delims);
    free(m);
}

const struct pd_walker_ops pd_md_walker = { md_begin, md_event, md_end };

int
pd_write_md(const struct pd_doc *doc, struct pd_buf *out,
            const struct pd_opts *opts, struct pd_diag *d)
{
    return pd_walk_write(&pd_md_walker, doc, out, opts, d);
}
