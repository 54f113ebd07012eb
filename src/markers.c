/*
 * markers.c - the paid-section markers of SPEC §2, shared by every reader
 * that meets them in text (txt, md) and by the writers that must keep
 * literal text from reading back as a marker.
 *
 * The rules live here once: a begin inside a section or an end outside
 * one is ignored with a warning; a section never closed runs to the end
 * of the document (fail closed), also with a warning.
 *
 * The HTML-comment dialects (--paid-style html-comment, ghost, wordpress)
 * are recognised here too, for the md and html readers: `<!--paidbegin-->`
 * and `<!--paidend-->` work like the text markers; Ghost's
 * `<!--members-only-->` and WordPress's `<!--more-->` have no end marker,
 * so the section they open runs to the end of the document.
 */
#include <stdint.h>
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

/* The spelling of the marker that starts at s[i], or NULL. */
static const struct pd_marker_spelling *
marker_here(const char *s, size_t i, size_t len)
{
    const struct pd_marker_spelling *m;

    if (s[i] == '#' || s[i] == '$')
        for (m = pd_markers; m->text != NULL; m++)
            if (m->text[0] == s[i] && len - i >= m->len &&
                memcmp(s + i, m->text, m->len) == 0)
                return m;
    return NULL;
}

size_t
pd_marker_find_stop(const char *s, size_t from, size_t len, int stop,
                    const struct pd_marker_spelling **which)
{
    /* With no stop byte, '#' stands in for it in the test below. */
    unsigned char c = stop < 0 ? '#' : (unsigned char)stop;
    size_t i = from;

    /* Every spelling starts with '#' or '$'.  Sixteen (SSE2) or eight
     * bytes at a time are skipped while they hold neither (nor the stop
     * byte); with SSE2 the scan then goes straight to the byte that
     * does.  One pass, whatever the text (a search per character, e.g.
     * memchr, would rescan text without a '$' on every call). */
    while (i < len) {
#ifdef PD_SSE2
        if (len >= 16) {
            unsigned m = 0;

            for (; len - i >= 16; i += 16) {
                __m128i v = pd_load16(s + i);

                if ((m = pd_eq16(v, '#') | pd_eq16(v, '$') |
                     pd_eq16(v, (char)c)) != 0)
                    break;
            }
            /* Near the end, the last sixteen bytes, those before i
             * shifted out. */
            if (m == 0 && i < len) {
                __m128i v = pd_load16(s + len - 16);

                m = (pd_eq16(v, '#') | pd_eq16(v, '$') |
                     pd_eq16(v, (char)c)) >> (i - (len - 16));
            }
            if (m == 0)
                break;
            i += pd_ctz(m);
        } else
#endif
        if (len - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if (!PD_HAS_BYTE(w, '#') && !PD_HAS_BYTE(w, '$') &&
                !PD_HAS_BYTE(w, c)) {
                i += 8;
                continue;
            }
        }
        if (stop >= 0 && (unsigned char)s[i] == c) {
            *which = NULL;
            return i;
        }
        if ((*which = marker_here(s, i, len)) != NULL)
            return i;
        i++;
    }
    *which = NULL;
    return len;
}

size_t
pd_marker_find(const char *s, size_t from, size_t len,
               const struct pd_marker_spelling **which)
{
    return pd_marker_find_stop(s, from, len, -1, which);
}

void
pd_marker_apply(struct pd_builder *b, struct pd_paid_state *st,
                const struct pd_marker_spelling *m, unsigned line,
                struct pd_diag *d)
{
    b->line = line;
    switch (m->kind) {
    case PD_MARK_REST:
        if (st->open && !st->rest) {
            pd_warn(d, line, "%s inside a paid section: the section now "
                    "runs to the end of the document", m->text);
            st->rest = 1;
            st->spelling = m->text;
        } else if (st->open) {
            pd_warn(d, line, "%s inside a paid section ignored "
                    "(sections do not nest)", m->text);
        } else if (pd_push(b, PD_NODE_PAID) != NULL) {
            st->open = 1;
            st->rest = 1;
            st->line = line;
            st->spelling = m->text;
        }
        break;
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
        } else if (st->rest) {
            pd_warn(d, line, "%s ignored: everything after %s is paid",
                    m->text, st->spelling);
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
    if (!st->rest)
        pd_warn(d, st->line, "%s never closed: the paid section runs to the "
            "end of the document", st->spelling);
    while (b->cur->type != PD_NODE_PAID && b->cur->parent != NULL)
        pd_pop(b);
    pd_pop(b);
    st->open = 0;
    st->rest = 0;
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

static const struct pd_marker_spelling comment_markers[] = {
    { "<!--paidbegin-->", 16, PD_MARK_BEGIN },
    { "<!--paidend-->", 14, PD_MARK_END },
    { "<!--members-only-->", 19, PD_MARK_REST },
    { "<!--more-->", 11, PD_MARK_REST },
};

static int
ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* 1 when s[0..len) starts with the lower-case word w, in any case. */
static int
starts_word(const char *s, size_t len, const char *w)
{
    size_t i, n = strlen(w);

    if (len < n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != w[i])
            return 0;
    }
    return 1;
}

const struct pd_marker_spelling *
pd_marker_comment(const char *s, size_t len)
{
    static const char *const words[] = {
        "paidbegin", "paidend", "members-only", "more"
    };
    size_t i, n;

    while (len > 0 && ascii_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && ascii_space(s[len - 1]))
        len--;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        n = strlen(words[i]);
        if (!starts_word(s, len, words[i]))
            continue;
        /* The word alone; WordPress allows <!--more link text-->. */
        if (len == n || (i == 3 && ascii_space(s[n])))
            return &comment_markers[i];
    }
    return NULL;
}

const struct pd_marker_spelling *
pd_marker_html(const char *s, size_t len)
{
    size_t i;

    while (len > 0 && ascii_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && ascii_space(s[len - 1]))
        len--;
    if (len < 7 || memcmp(s, "<!--", 4) != 0 ||
        memcmp(s + len - 3, "-->", 3) != 0)
        return NULL;
    /* Exactly one comment: no other "-->" ends it earlier. */
    for (i = 4; i + 3 < len; i++)
        if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
            return NULL;
    return pd_marker_comment(s + 4, len - 7);
}

const struct pd_node *
pd_paid_rest_first(const struct pd_doc *doc, const char *style,
                   const char *marker, struct pd_diag *d)
{
    const struct pd_node *first = NULL, *n;
    unsigned nfree = 0, npaid = 0, line = 0;
    struct pd_buf msg = {0};

    for (n = doc->root->first; n != NULL; n = n->next) {
        if (first == NULL) {
            if (n->type == PD_NODE_PAID)
                first = n;
            continue;
        }
        if (nfree + npaid == 0)
            line = n->line;
        if (n->type == PD_NODE_PAID)
            npaid++;
        else
            nfree++;
    }
    if (first == NULL || (nfree == 0 && npaid == 0) || d == NULL)
        return first;
    /* The line is the input's, not the output's: it goes in the text. */
    pd_buf_printf(&msg, "--paid-style %s has no end marker: everything "
                  "after %s is paid, so ", style, marker);
    if (nfree > 0)
        pd_buf_printf(&msg, "%u free block%s after the %spaid section "
                      "became paid", nfree, nfree == 1 ? "" : "s",
                      npaid > 0 ? "first " : "");
    if (npaid > 0)
        pd_buf_printf(&msg, "%s%u later paid section%s merged into the "
                      "first", nfree > 0 ? " and " : "", npaid,
                      npaid == 1 ? "" : "s");
    if (line > 0)
        pd_buf_printf(&msg, " (from input line %u)", line);
    pd_warn(d, 0, "%s", msg.data);
    pd_buf_free(&msg);
    return first;
}
