/*
 * read_docx.c - the DOCX (WordprocessingML) reader.
 *
 * Stages (see docx_read_pkg.h): the package is opened and every part read
 * under caps by docx_read_pkg.c; here styles.xml, numbering.xml and
 * docProps/core.xml become small tables, document.xml is walked without
 * recursion into a flat list of paragraph records (struct para) holding
 * inline items (struct item), and the records are then built into the
 * document tree.  document.xml is streamed: each child of w:body (each
 * child of a table, row, cell or content control) is parsed, walked,
 * built and freed in turn; anything unusual sends it to the same walk over
 * the whole part, as before (see "document.xml as a stream" below).
 *
 * Mapping, in short:
 *  - paragraph style (following w:basedOn) by ID or localized name, or
 *    w:outlineLvl → title / heading 1-6; code and quote styles → code
 *    blocks and block quotes; numbering (w:numPr, direct or from the
 *    style) → bullet and ordered lists nested by w:ilvl, the bullet
 *    from w:lvlText; a list is loose when an item paragraph turns
 *    w:contextualSpacing off (as our writer does), else tight;
 *  - a w:sdt tagged "paid", or a bookmark paid_N, → a top-level paid
 *    section; a style separator (paragraph mark with w:specVanish) after a
 *    heading → a run-in heading;
 *  - w:hyperlink → link; w:br page and w:pageBreakBefore → page break;
 *    other w:br → line break; w:tab → tab; w:b / w:i / code character
 *    styles and monospace fonts → strong / emphasis / code;
 *  - text in content controls, insertions, smart tags, custom XML, simple
 *    fields, text boxes and tables is kept (tables as their cell
 *    paragraphs in order; text boxes after the paragraph that anchors
 *    them); mc:AlternateContent contributes exactly one branch; w:del and
 *    w:moveFrom are dropped; comments are ignored; footnotes and endnotes
 *    are numbered [1], [2]... at the reference and appended at the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "paidoc.h"
#include "internal.h"
#include "docx_read_pkg.h"

#define NLVL 9
#define VML_NS "urn:schemas-microsoft-com:vml"
#define OFFICE_NS "urn:schemas-microsoft-com:office:office"

enum { F_BOLD = 1, F_ITALIC = 2, F_CODE = 4 };

enum item_kind { IT_TEXT, IT_TAB, IT_BREAK, IT_PAGE, IT_LINK, IT_LINK_END };

/* One inline item of a paragraph; items of a paragraph are chained. */
struct item {
    int kind;
    int fmt;                /* F_* of text */
    const char *s;          /* text or link URL (borrowed); NULL for text
                               copied to rd.text, at off */
    size_t len;
    size_t off;
    int next;               /* next item of the paragraph, or -1 */
};

enum para_kind { PK_PARA, PK_HEADING, PK_TITLE, PK_CODE, PK_QUOTE };

/* One paragraph of the body, in document order. */
struct para {
    int kind;
    int level;              /* PK_HEADING: 1..6 */
    int run_in;             /* style separator on the paragraph mark */
    int num, ilvl;          /* numbering instance index, or -1 */
    int paid;               /* paid section serial, 0 outside */
    int page_before;
    int rule;               /* bottom border: a thematic break if empty */
    int loose;              /* w:contextualSpacing explicitly off */
    int seen_text;
    int need_space;         /* after a note mark: space before the text */
    int first, last;        /* items */
    int fmt;                /* formatting of the current run */
    const xmlNode *link;    /* the w:hyperlink that opened a link */
};

/* One style of styles.xml, with resolved values filled in on demand. */
struct style {
    const char *id, *name, *based;
    int para;               /* paragraph style (else character etc.) */
    int kind, level;        /* own classification, kind -1 if none */
    int outline;            /* w:outlineLvl, -1 if none */
    const char *numid;      /* w:numPr/w:numId, NULL if none */
    int ilvl;               /* -1 if none */
    int fmt_set, fmt;       /* F_* bits set by the style, and their value */
    /* resolved along w:basedOn */
    int resolved;
    int r_kind, r_level, r_num, r_ilvl, r_fmt;
};

/* One level of an abstract numbering. */
struct lvl {
    int set;
    int ordered;            /* 1 ordered, 0 bullet, -1 no number */
    int numbering, delim;   /* pd_list_numbering, pd_list_delim */
    int start;
    uint32_t bullet;
};

/* No string: an offset into rd.numstr that is not one. */
#define NO_STR ((size_t)-1)

struct absnum {
    struct lvl lv[NLVL];
    const char *num_style_link;
    size_t id_off, link_off;    /* in rd.numstr, until numbering_end() */
};

/* One w:num: an abstract numbering plus overrides and counters. */
struct num {
    int abs;                /* index or -1 */
    int start_override[NLVL];
    struct lvl lv[NLVL];    /* w:lvlOverride/w:lvl */
    int count[NLVL];        /* items seen so far, for continued lists */
    size_t id_off, abs_off; /* in rd.numstr: numId, abstractNumId */
};

struct noteref {
    const char *id;         /* arena copies: document.xml may be streamed */
    int endnote;
    int paid;
    const char *mark;
};

/* The reader's state. */
struct rd {
    struct pd_doc *doc;
    struct pd_diag *d;
    const struct pd_opts *opts;
    struct dxr_pkg pkg;
    const char *main;
    struct dxr_rels pkgrels, docrels;
    xmlDoc *xdoc, *xstyles, *xnum, *xfoot, *xend, *xcore, *xct;

    struct style *styles;
    size_t nstyles;
    struct dxr_map stylemap;
    int default_pstyle;
    struct absnum *abs;
    size_t nabs, capabs;
    struct dxr_map absmap;
    struct num *nums;
    size_t nnums, capnums;
    struct dxr_map nummap;
    struct pd_buf numstr;   /* ids and names of numbering.xml, copied */

    struct item *items;
    size_t nitems, capitems;
    /*
     * While copy_text is set (a w:p is streamed child by child, see
     * stream_body()), the text of items is copied here, as each child is
     * freed before the paragraph is built.
     */
    struct pd_buf text;
    int copy_text;
    struct para *paras;
    size_t nparas, capparas;
    int *order, *deferred, *pstack;
    size_t norder, caporder, ndeferred, capdeferred, np, capp;

    int paid_depth, paid_serial, next_serial;
    const char *paid_marks[64];     /* ids of open paid_N bookmarks */
    int npaid_marks;
    const char *prefix;             /* footnote mark for the next para */

    struct noteref *notes;
    size_t nnotes, capnotes;
};

/* Grow a vector of elements of size sz so that one more fits. */
static void *
grow(void *v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 64;
    return pd_xrealloc(v, *cap * sz);
}

/*
 * ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

/* A w:val-style on/off attribute: absent means on. */
static int
onoff(const xmlNode *n)
{
    const char *v = dxr_attr(n, DXR_NS_W, "val");

    if (v == NULL)
        return 1;
    return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
             strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
}

/* The w:val of child element name of n, or NULL. */
static const char *
child_val(const xmlNode *n, const char *name)
{
    return dxr_attr(dxr_child(n, DXR_NS_W, name), DXR_NS_W, "val");
}

/* A non-negative decimal attribute value, or dflt. */
static int
to_int(const char *s, int dflt)
{
    long v = 0;

    if (s == NULL || *s < '0' || *s > '9')
        return dflt;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > 1000000)
            return dflt;
    }
    return (int)v;
}

/*
 * Lower-case ASCII letters and drop spaces, '-' and '_' of a style name
 * or ID into out (cap bytes), so "Heading 1", "heading1" and "标题 1"
 * compare as "heading1" and "标题1".
 */
static void
norm_name(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; s != NULL && *s != '\0' && n + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == ' ' || c == '-' || c == '_')
            continue;
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = '\0';
}

/* Heading style names by language (normalized), followed by a digit. */
static const char *const heading_prefix[] = {
    "heading", "标题", "標題", "titre", "überschrift", "Überschrift",
    "berschrift", "kop", "rubrik", "otsikko", "título", "titulo", "titolo",
    "encabezado", "nagłówek", "заголовок", "Заголовок", "見出し", "제목",
    "cabeçalho", "overskrift", "nadpis", "başlık", "kopregel", NULL
};

/* Title style names (normalized). */
static const char *const title_names[] = {
    "title", "标题", "標題", "titre", "titel", "título", "titulo", "titolo",
    "название", "Название", "表題", "tytuł", NULL
};

static const char *const subtitle_names[] = {
    "subtitle", "副标题", "副標題", "soustitre", "untertitel", NULL
};

static const char *const code_names[] = {
    "sourcecode", "htmlpreformatted", "preformattedtext", "code",
    "codeblock", "plaintext", NULL
};

static const char *const quote_names[] = {
    "blocktext", "quote", "quotations", "blockquote", "intensequote", NULL
};

static const char *const code_char_names[] = {
    "verbatimchar", "htmlcode", "sourcetext", "code", "inlinecode",
    "htmlkeyboard", "htmltypewriter", NULL
};

static const char *const mono_fonts[] = {
    "couriernew", "courier", "consolas", "menlo", "monaco",
    "lucidaconsole", "sourcecodepro", "dejavusansmono", "liberationmono",
    "notosansmono", "notomono", "cascadiacode", "cascadiamono", "firacode",
    "firamono", "ubuntumono", "inconsolata", "robotomono", NULL
};

static int
in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/*
 * Classify one style by a normalized ID or name: PK_TITLE, PK_HEADING
 * (with *level), PK_CODE, PK_QUOTE, PK_PARA for names that must not
 * inherit a heading (subtitles), or -1 when the name says nothing.
 */
static int
classify(const char *raw, int *level)
{
    char s[128];
    size_t i, n;

    if (raw == NULL)
        return -1;
    norm_name(raw, s, sizeof(s));
    for (i = 0; heading_prefix[i] != NULL; i++) {
        n = strlen(heading_prefix[i]);
        if (strncmp(s, heading_prefix[i], n) == 0 && s[n] >= '1' &&
            s[n] <= '9' && s[n + 1] == '\0') {
            *level = s[n] - '0' > 6 ? 6 : s[n] - '0';
            return PK_HEADING;
        }
    }
    if (in_list(s, title_names))
        return PK_TITLE;
    if (in_list(s, subtitle_names))
        return PK_PARA;
    if (in_list(s, code_names))
        return PK_CODE;
    if (in_list(s, quote_names))
        return PK_QUOTE;
    return -1;
}

/* F_* bits a w:rPr sets, into *set (which bits) and the return value. */
static int
rpr_fmt(const xmlNode *rpr, int *set)
{
    const xmlNode *c;
    int v = 0;

    *set = 0;
    if (rpr == NULL)
        return 0;
    for (c = rpr->children; c != NULL; c = c->next) {
        if (dxr_is(c, DXR_NS_W, "b")) {
            *set |= F_BOLD;
            v = onoff(c) ? v | F_BOLD : v & ~F_BOLD;
        } else if (dxr_is(c, DXR_NS_W, "i")) {
            *set |= F_ITALIC;
            v = onoff(c) ? v | F_ITALIC : v & ~F_ITALIC;
        } else if (dxr_is(c, DXR_NS_W, "rFonts")) {
            const char *f = dxr_attr(c, DXR_NS_W, "ascii");
            char s[64];

            if (f == NULL)
                f = dxr_attr(c, DXR_NS_W, "hAnsi");
            if (f == NULL)
                continue;
            norm_name(f, s, sizeof(s));
            *set |= F_CODE;
            v = in_list(s, mono_fonts) ? v | F_CODE : v & ~F_CODE;
        }
    }
    return v;
}

/*
 * ------------------------------------------------------------------------
 * Styles
 * ------------------------------------------------------------------------
 */

/* Read styles.xml into r->styles (the part may be absent). */
static void
load_styles(struct rd *r)
{
    xmlNode *root, *c;
    size_t n = 0;

    r->default_pstyle = -1;
    if (r->xstyles == NULL)
        return;
    root = xmlDocGetRootElement(r->xstyles);
    for (c = root->children; c != NULL; c = c->next)
        if (dxr_is(c, DXR_NS_W, "style"))
            n++;
    r->styles = pd_xmalloc((n ? n : 1) * sizeof(*r->styles));
    for (c = root->children; c != NULL; c = c->next) {
        struct style *s;
        const char *type, *def;
        xmlNode *ppr, *numpr;
        int lvl = 0;

        if (!dxr_is(c, DXR_NS_W, "style"))
            continue;
        s = &r->styles[r->nstyles];
        memset(s, 0, sizeof(*s));
        s->id = dxr_attr(c, DXR_NS_W, "styleId");
        if (s->id == NULL)
            continue;
        type = dxr_attr(c, DXR_NS_W, "type");
        def = dxr_attr(c, DXR_NS_W, "default");
        s->para = type == NULL || strcmp(type, "paragraph") == 0;
        s->name = child_val(c, "name");
        s->based = child_val(c, "basedOn");
        s->kind = classify(s->id, &lvl);
        if (s->kind < 0)
            s->kind = classify(s->name, &lvl);
        s->level = lvl;
        ppr = dxr_child(c, DXR_NS_W, "pPr");
        s->outline = to_int(child_val(ppr, "outlineLvl"), -1);
        numpr = dxr_child(ppr, DXR_NS_W, "numPr");
        s->numid = child_val(numpr, "numId");
        s->ilvl = to_int(child_val(numpr, "ilvl"), -1);
        s->fmt = rpr_fmt(dxr_child(c, DXR_NS_W, "rPr"), &s->fmt_set);
        if (!s->para) {
            char nm[64];

            norm_name(s->name != NULL ? s->name : s->id, nm, sizeof(nm));
            if (in_list(nm, code_char_names)) {
                s->fmt_set |= F_CODE;
                s->fmt |= F_CODE;
            }
        }
        if (s->para && def != NULL &&
            (strcmp(def, "1") == 0 || strcmp(def, "true") == 0 ||
             strcmp(def, "on") == 0) && r->default_pstyle < 0)
            r->default_pstyle = (int)r->nstyles;
        dxr_map_put(&r->stylemap, s->id, (int)r->nstyles);
        r->nstyles++;
    }
}

static int find_num(struct rd *r, const char *numid);

/*
 * Resolve a style along w:basedOn (at most 32 hops, so cycles end): the
 * first style in the chain that says something about kind, numbering or
 * a formatting bit decides it.
 */
static struct style *
style_get(struct rd *r, int i)
{
    struct style *s;
    int j, hops, kind = -1, level = 0, numset = 0, ilvl = -1, set = 0;
    int fmt = 0;

    if (i < 0 || (size_t)i >= r->nstyles)
        return NULL;
    s = &r->styles[i];
    if (s->resolved)
        return s;
    s->r_num = -1;
    for (j = i, hops = 0; j >= 0 && hops < 32; hops++) {
        struct style *t = &r->styles[j];

        if (kind < 0 && t->kind >= 0) {
            kind = t->kind;
            level = t->level;
        } else if (kind < 0 && t->outline >= 0) {
            kind = t->outline < 9 ? PK_HEADING : PK_PARA;
            level = t->outline + 1 > 6 ? 6 : t->outline + 1;
        }
        if (!numset && t->numid != NULL) {
            numset = 1;
            s->r_num = find_num(r, t->numid);
        }
        if (ilvl < 0 && t->ilvl >= 0)
            ilvl = t->ilvl;
        fmt |= t->fmt & t->fmt_set & ~set;
        set |= t->fmt_set;
        j = t->based != NULL ? dxr_map_get(&r->stylemap, t->based) : -1;
    }
    s->r_kind = kind < 0 ? PK_PARA : kind;
    s->r_level = level;
    s->r_ilvl = ilvl < 0 ? 0 : ilvl;
    s->r_fmt = fmt;
    s->resolved = 1;
    return s;
}

/*
 * ------------------------------------------------------------------------
 * Numbering
 * ------------------------------------------------------------------------
 */

/* Read one w:lvl into l. */
static void
parse_lvl(const xmlNode *n, struct lvl *l)
{
    const char *fmt = child_val(n, "numFmt");
    const char *text = child_val(n, "lvlText");
    const char *pct;

    memset(l, 0, sizeof(*l));
    l->set = 1;
    l->ordered = 1;
    l->start = to_int(child_val(n, "start"), 1);
    l->numbering = PD_NUM_DECIMAL;
    l->delim = PD_DELIM_PERIOD;
    l->bullet = 0x2022;
    if (fmt == NULL)
        fmt = "decimal";
    if (strcmp(fmt, "bullet") == 0) {
        l->ordered = 0;
        if (text != NULL && *text != '\0') {
            size_t i = 0;
            uint32_t c = pd_utf8_decode(text, strlen(text), &i);

            /* Symbol and Wingdings glyphs live in the private use area. */
            if (c == 0xF0A7 || c == 0xF0A8)
                c = 0x25AA;
            else if (c >= 0xE000 && c <= 0xF8FF)
                c = 0x2022;
            if (c > 0x20 && c != 0xFFFD)
                l->bullet = c;
        }
        return;
    }
    if (strcmp(fmt, "none") == 0) {
        l->ordered = -1;
        return;
    }
    if (strcmp(fmt, "lowerLetter") == 0)
        l->numbering = PD_NUM_LOWER_ALPHA;
    else if (strcmp(fmt, "upperLetter") == 0)
        l->numbering = PD_NUM_UPPER_ALPHA;
    else if (strncmp(fmt, "decimalEnclosedCircle", 21) == 0)
        l->numbering = PD_NUM_CIRCLED;
    pct = text != NULL ? strchr(text, '%') : NULL;
    if (l->numbering == PD_NUM_CIRCLED)
        l->delim = PD_DELIM_NONE;
    else if (pct != NULL && pct[1] >= '1' && pct[1] <= '9') {
        char c = pct[2];

        l->delim = c == ')' ? PD_DELIM_PAREN :
            c == '\0' ? PD_DELIM_NONE : PD_DELIM_PERIOD;
    }
}

/*
 * numbering.xml is read one child of the root at a time, from the whole
 * part or from a stream (stream_numbering()): a document with a list
 * each has thousands of w:num, and the part whole took some 12 times its
 * size in libxml2 nodes for the length of the read.  The ids and names
 * that outlive a child are copied to r->numstr, and the maps are made
 * from them once all are read (numbering_end()).
 */

/* Copy s (NULL allowed) to r->numstr: its offset, or NO_STR. */
static size_t
num_str(struct rd *r, const char *s)
{
    size_t off = r->numstr.len;

    if (s == NULL)
        return NO_STR;
    pd_buf_put(&r->numstr, s, strlen(s) + 1);
    return off;
}

/* One child of the root of numbering.xml. */
static void
numbering_child(struct rd *r, const xmlNode *c)
{
    const xmlNode *l;

    if (dxr_is(c, DXR_NS_W, "abstractNum")) {
        const char *id = dxr_attr(c, DXR_NS_W, "abstractNumId");
        struct absnum *a;

        if (id == NULL)
            return;
        r->abs = grow(r->abs, &r->capabs, r->nabs, sizeof(*r->abs));
        a = &r->abs[r->nabs++];
        memset(a, 0, sizeof(*a));
        a->id_off = num_str(r, id);
        a->link_off = num_str(r, child_val(c, "numStyleLink"));
        for (l = c->children; l != NULL; l = l->next) {
            int i = to_int(dxr_attr(l, DXR_NS_W, "ilvl"), -1);

            if (dxr_is(l, DXR_NS_W, "lvl") && i >= 0 && i < NLVL)
                parse_lvl(l, &a->lv[i]);
        }
    } else if (dxr_is(c, DXR_NS_W, "num")) {
        const char *id = dxr_attr(c, DXR_NS_W, "numId");
        struct num *m;
        int i;

        if (id == NULL)
            return;
        r->nums = grow(r->nums, &r->capnums, r->nnums, sizeof(*r->nums));
        m = &r->nums[r->nnums++];
        memset(m, 0, sizeof(*m));
        for (i = 0; i < NLVL; i++)
            m->start_override[i] = -1;
        m->id_off = num_str(r, id);
        /* looked up once every abstract is read */
        m->abs_off = num_str(r, child_val(c, "abstractNumId"));
        for (l = c->children; l != NULL; l = l->next) {
            const xmlNode *lv;

            i = to_int(dxr_attr(l, DXR_NS_W, "ilvl"), -1);
            if (!dxr_is(l, DXR_NS_W, "lvlOverride") || i < 0 || i >= NLVL)
                continue;
            m->start_override[i] = to_int(child_val(l, "startOverride"), -1);
            lv = dxr_child(l, DXR_NS_W, "lvl");
            if (lv != NULL)
                parse_lvl(lv, &m->lv[i]);
        }
    }
}

/*
 * After the last child: the maps by id (a later duplicate wins), and
 * w:abstractNumId resolved against every abstract.
 */
static void
numbering_end(struct rd *r)
{
    const char *str = r->numstr.data;
    size_t i;

    for (i = 0; i < r->nabs; i++) {
        struct absnum *a = &r->abs[i];

        a->num_style_link = a->link_off != NO_STR ? str + a->link_off
                                                  : NULL;
        dxr_map_put(&r->absmap, str + a->id_off, (int)i);
    }
    for (i = 0; i < r->nnums; i++)
        dxr_map_put(&r->nummap, str + r->nums[i].id_off, (int)i);
    for (i = 0; i < r->nnums; i++) {
        struct num *m = &r->nums[i];

        m->abs = m->abs_off != NO_STR
            ? dxr_map_get(&r->absmap, str + m->abs_off) : -1;
    }
}

/* Read numbering.xml parsed whole (may be absent). */
static void
load_numbering(struct rd *r)
{
    const xmlNode *c;

    if (r->xnum == NULL)
        return;
    for (c = xmlDocGetRootElement(r->xnum)->children; c != NULL;
         c = c->next)
        numbering_child(r, c);
    numbering_end(r);
}

/* The index of w:num numid, or -1 ("0" means no numbering). */
static int
find_num(struct rd *r, const char *numid)
{
    if (numid == NULL || strcmp(numid, "0") == 0)
        return -1;
    return dxr_map_get(&r->nummap, numid);
}

/*
 * The level description of numbering instance num at ilvl: a level
 * override, else the abstract's level, following w:numStyleLink through a
 * numbering style (at most four hops).  NULL when not a list.
 */
static const struct lvl *
num_level(struct rd *r, int num, int ilvl)
{
    int hops;

    for (hops = 0; hops < 4 && num >= 0; hops++) {
        struct num *m = &r->nums[num];
        struct absnum *a;
        struct style *s;

        if (m->lv[ilvl].set)
            return &m->lv[ilvl];
        if (m->abs < 0)
            return NULL;
        a = &r->abs[m->abs];
        if (a->lv[ilvl].set)
            return &a->lv[ilvl];
        if (a->num_style_link == NULL)
            return NULL;
        s = style_get(r, dxr_map_get(&r->stylemap, a->num_style_link));
        if (s == NULL || s->r_num == num)
            return NULL;
        num = s->r_num;
    }
    return NULL;
}

/*
 * ------------------------------------------------------------------------
 * Walking document.xml into paragraph records
 * ------------------------------------------------------------------------
 */

static struct para *
top_para(struct rd *r)
{
    return r->np ? &r->paras[r->pstack[r->np - 1]] : NULL;
}

/*
 * Append an item to the open paragraph (nothing when none is open).  Text
 * to be copied (r->copy_text) that follows copied text of the same
 * formatting extends that item instead: the builder adds the two to the
 * same node either way, and a paragraph of 200,000 runs then holds one
 * item, not 200,000.
 */
static void
add_item(struct rd *r, int kind, const char *s, size_t len)
{
    struct para *p = top_para(r);
    struct item *it;
    size_t off = 0;

    if (p == NULL)
        return;
    if (p->need_space && kind == IT_TEXT) {
        p->need_space = 0;
        if (len > 0 && s[0] != ' ' && s[0] != '\t')
            add_item(r, IT_TEXT, " ", 1);
    }
    if (r->copy_text && (kind == IT_TEXT || kind == IT_TAB)) {
        it = p->last >= 0 ? &r->items[p->last] : NULL;
        if (it != NULL && (it->kind == IT_TEXT || it->kind == IT_TAB) &&
            it->s == NULL && it->fmt == p->fmt &&
            it->off + it->len == r->text.len) {
            pd_buf_put(&r->text, s, len);
            it->len += len;
            p->seen_text = 1;
            return;
        }
        off = r->text.len;
        pd_buf_put(&r->text, s, len);
        s = NULL;
    }
    r->items = grow(r->items, &r->capitems, r->nitems, sizeof(*r->items));
    it = &r->items[r->nitems];
    it->kind = kind;
    it->fmt = p->fmt;
    it->s = s;
    it->len = len;
    it->off = off;
    it->next = -1;
    if (p->last >= 0)
        r->items[p->last].next = (int)r->nitems;
    else
        p->first = (int)r->nitems;
    p->last = (int)r->nitems;
    r->nitems++;
    if (kind == IT_TEXT || kind == IT_TAB)
        p->seen_text = 1;
}

/* A w:p opens: read its properties (w:pPr, or NULL) into a new record. */
static void
para_begin(struct rd *r, const xmlNode *ppr)
{
    const xmlNode *numpr, *x;
    struct style *s;
    struct para *p;
    const char *v;
    int si;

    r->paras = grow(r->paras, &r->capparas, r->nparas, sizeof(*r->paras));
    r->pstack = grow(r->pstack, &r->capp, r->np, sizeof(*r->pstack));
    p = &r->paras[r->nparas];
    memset(p, 0, sizeof(*p));
    p->first = p->last = -1;
    p->num = -1;
    si = dxr_map_get(&r->stylemap, child_val(ppr, "pStyle"));
    s = style_get(r, si >= 0 ? si : r->default_pstyle);
    if (s != NULL) {
        p->kind = s->r_kind;
        p->level = s->r_level;
        p->num = s->r_num;
        p->ilvl = s->r_ilvl;
    }
    v = child_val(ppr, "outlineLvl");
    if (v != NULL) {
        int o = to_int(v, 9);

        if (o < 9) {
            if (p->kind != PK_TITLE) {
                p->kind = PK_HEADING;
                p->level = o + 1 > 6 ? 6 : o + 1;
            }
        } else if (p->kind == PK_HEADING)
            p->kind = PK_PARA;
    }
    numpr = dxr_child(ppr, DXR_NS_W, "numPr");
    if (numpr != NULL) {
        v = child_val(numpr, "numId");
        if (v != NULL)
            p->num = find_num(r, v);
        p->ilvl = to_int(child_val(numpr, "ilvl"), p->ilvl);
    }
    if (p->ilvl < 0 || p->ilvl >= NLVL)
        p->ilvl = 0;
    x = dxr_child(ppr, DXR_NS_W, "pageBreakBefore");
    p->page_before = x != NULL && onoff(x);
    x = dxr_child(dxr_child(ppr, DXR_NS_W, "rPr"), DXR_NS_W, "specVanish");
    p->run_in = x != NULL && onoff(x);
    p->rule = dxr_child(dxr_child(ppr, DXR_NS_W, "pBdr"), DXR_NS_W,
                        "bottom") != NULL;
    x = dxr_child(ppr, DXR_NS_W, "contextualSpacing");
    p->loose = x != NULL && !onoff(x);
    p->paid = r->paid_depth > 0 ? r->paid_serial : 0;
    r->pstack[r->np++] = (int)r->nparas++;
    if (r->prefix != NULL) {
        add_item(r, IT_TEXT, r->prefix, strlen(r->prefix));
        p->need_space = 1;
        r->prefix = NULL;
    }
}

/*
 * A w:p closes.  Paragraphs nested in a text box wait until the outermost
 * paragraph closes and then follow it.
 */
static void
para_end(struct rd *r)
{
    int idx = r->pstack[--r->np];
    size_t i;

    if (r->np > 0) {
        r->deferred = grow(r->deferred, &r->capdeferred, r->ndeferred,
                           sizeof(*r->deferred));
        r->deferred[r->ndeferred++] = idx;
        return;
    }
    r->order = grow(r->order, &r->caporder, r->norder, sizeof(*r->order));
    r->order[r->norder++] = idx;
    for (i = 0; i < r->ndeferred; i++) {
        r->order = grow(r->order, &r->caporder, r->norder,
                        sizeof(*r->order));
        r->order[r->norder++] = r->deferred[i];
    }
    r->ndeferred = 0;
}

/*
 * A paid region opens (content control or bookmark).  An open paragraph
 * that has no text yet belongs to it.
 */
static void
paid_begin(struct rd *r)
{
    struct para *p = top_para(r);

    if (r->paid_depth++ == 0)
        r->paid_serial = ++r->next_serial;
    if (p != NULL && !p->seen_text)
        p->paid = r->paid_serial;
}

/* A paid region closes; an open paragraph without text leaves it. */
static void
paid_end(struct rd *r)
{
    struct para *p = top_para(r);

    if (r->paid_depth == 0)
        return;
    if (--r->paid_depth == 0 && p != NULL && !p->seen_text)
        p->paid = 0;
}

/* 1 when a w:sdt is the paid content control. */
static int
sdt_is_paid(const xmlNode *n)
{
    const char *tag = child_val(dxr_child(n, DXR_NS_W, "sdtPr"), "tag");

    return tag != NULL && strcmp(tag, "paid") == 0;
}

/* 1 for a bookmark name paid_N (or plain "paid"). */
static int
bookmark_is_paid(const char *name)
{
    if (name == NULL || strncmp(name, "paid", 4) != 0)
        return 0;
    if (name[4] == '\0')
        return 1;
    if (name[4] != '_' || name[5] == '\0')
        return 0;
    for (name += 5; *name != '\0'; name++)
        if (*name < '0' || *name > '9')
            return 0;
    return 1;
}

/* The URL of a w:hyperlink (arena), or NULL when it has no target. */
static const char *
link_url(struct rd *r, const xmlNode *n)
{
    const char *id = dxr_attr(n, DXR_NS_R, "id");
    const char *anchor = dxr_attr(n, DXR_NS_W, "anchor");
    const char *target = NULL;
    struct pd_buf b = {0};
    const char *url;
    int i;

    if (id != NULL && (i = dxr_map_get(&r->docrels.byid, id)) >= 0)
        target = r->docrels.v[i].target;
    if (target == NULL && (anchor == NULL || *anchor == '\0'))
        return NULL;
    if (target != NULL)
        pd_buf_puts(&b, target);
    if (anchor != NULL && *anchor != '\0') {
        pd_buf_putc(&b, '#');
        pd_buf_puts(&b, anchor);
    }
    url = pd_arena_strndup(r->doc->arena, b.data, b.len);
    pd_buf_free(&b);
    return url;
}

/* Namespaces an mc:Choice may require that hold nothing we cannot read. */
static const char *const understood_ns[] = {
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    NULL
};

/* 1 when every prefix in a Choice's Requires is an understood namespace. */
static int
choice_understood(const xmlNode *c)
{
    const char *req = dxr_attr(c, DXR_NS_OTHER, "Requires");
    char pfx[64];

    if (req == NULL)
        return 0;
    while (*req != '\0') {
        size_t n = strcspn(req, " \t\r\n");
        xmlNs *ns;
        size_t i;
        int ok = 0;

        if (n > 0) {
            if (n >= sizeof(pfx))
                return 0;
            memcpy(pfx, req, n);
            pfx[n] = '\0';
            ns = xmlSearchNs(c->doc, (xmlNode *)(uintptr_t)c,
                             (const xmlChar *)pfx);
            for (i = 0; ns != NULL && understood_ns[i] != NULL; i++)
                if (strcmp((const char *)ns->href, understood_ns[i]) == 0)
                    ok = 1;
            if (!ok)
                return 0;
        }
        req += n;
        req += strspn(req, " \t\r\n");
    }
    return 1;
}

/*
 * Pick the one branch of an mc:AlternateContent that is read: the first
 * understood mc:Choice, else mc:Fallback.  Stored in _private.
 */
static void
choose_branch(xmlNode *ac)
{
    xmlNode *c, *pick = NULL;

    for (c = ac->children; c != NULL && pick == NULL; c = c->next)
        if (dxr_is(c, DXR_NS_MC, "Choice") && choice_understood(c))
            pick = c;
    if (pick == NULL)
        pick = dxr_child(ac, DXR_NS_MC, "Fallback");
    ac->_private = pick;
}

/* A footnote or endnote reference: a mark now, the note at the end. */
static void
note_ref(struct rd *r, const xmlNode *n, int endnote)
{
    struct noteref *nr;
    const char *id = dxr_attr(n, DXR_NS_W, "id");
    struct para *p = top_para(r);
    char mark[24];

    if (id == NULL || p == NULL)
        return;
    r->notes = grow(r->notes, &r->capnotes, r->nnotes, sizeof(*r->notes));
    nr = &r->notes[r->nnotes++];
    nr->id = pd_arena_strdup(r->doc->arena, id);
    nr->endnote = endnote;
    nr->paid = p->paid != 0 || r->paid_depth > 0;
    snprintf(mark, sizeof(mark), "[%zu]", r->nnotes);
    nr->mark = pd_arena_strdup(r->doc->arena, mark);
    add_item(r, IT_TEXT, nr->mark, strlen(nr->mark));
}

/* Elements of w: whose subtree is never read. */
static const char *const skipped[] = {
    "pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "tblGrid", "sdtPr",
    "sdtEndPr", "instrText", "delText", "delInstrText", "del", "moveFrom",
    "commentReference", "annotationRef", "footnoteRef", "endnoteRef",
    "fldData", "tblPrEx", "rPrChange", "pPrChange", "sym", "separator",
    "continuationSeparator", "object", NULL
};

/*
 * Entering element n during the walk.  Returns 1 when its children are
 * to be visited (and leave_el() called after them).
 */
static int
enter_el(struct rd *r, xmlNode *n)
{
    const char *name = (const char *)n->name;
    int cls = dxr_ns_class(n->ns);
    struct para *p;

    if (cls == DXR_NS_MC) {
        if (strcmp(name, "AlternateContent") == 0) {
            choose_branch(n);
            return 1;
        }
        return n->parent != NULL && n->parent->_private == n;
    }
    if (cls != DXR_NS_W) {
        /* A VML horizontal rule (pandoc, Word): o:hr="t" on a v:rect. */
        if (strcmp(name, "rect") == 0 && n->ns != NULL &&
            strcmp((const char *)n->ns->href, VML_NS) == 0) {
            const xmlAttr *a;

            for (a = n->properties; a != NULL; a = a->next)
                if (strcmp((const char *)a->name, "hr") == 0 &&
                    a->ns != NULL &&
                    strcmp((const char *)a->ns->href, OFFICE_NS) == 0 &&
                    a->children != NULL && a->children->content != NULL &&
                    a->children->content[0] == 't' && top_para(r) != NULL)
                    top_para(r)->rule = 1;
        }
        return 1;   /* drawing wrappers, VML shapes: look for text boxes */
    }
    if (strcmp(name, "p") == 0) {
        para_begin(r, dxr_child(n, DXR_NS_W, "pPr"));
        return 1;
    }
    if (strcmp(name, "r") == 0) {
        p = top_para(r);
        if (p != NULL) {
            int set, fmt = rpr_fmt(dxr_child(n, DXR_NS_W, "rPr"), &set);
            const char *rs = child_val(dxr_child(n, DXR_NS_W, "rPr"),
                                       "rStyle");
            struct style *s = style_get(r, dxr_map_get(&r->stylemap, rs));

            p->fmt = ((s != NULL ? s->r_fmt : 0) & ~set) | fmt;
        }
        return 1;
    }
    if (strcmp(name, "t") == 0) {
        xmlNode *c;

        for (c = n->children; c != NULL; c = c->next)
            if ((c->type == XML_TEXT_NODE ||
                 c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
                add_item(r, IT_TEXT, (const char *)c->content,
                         strlen((const char *)c->content));
        return 0;
    }
    if (strcmp(name, "tab") == 0 || strcmp(name, "ptab") == 0) {
        add_item(r, IT_TAB, "\t", 1);
        return 0;
    }
    if (strcmp(name, "br") == 0 || strcmp(name, "cr") == 0) {
        const char *type = dxr_attr(n, DXR_NS_W, "type");

        add_item(r, type != NULL && strcmp(type, "page") == 0 ? IT_PAGE
                                                              : IT_BREAK,
                 NULL, 0);
        return 0;
    }
    if (strcmp(name, "noBreakHyphen") == 0) {
        add_item(r, IT_TEXT, "-", 1);
        return 0;
    }
    if (strcmp(name, "hyperlink") == 0) {
        p = top_para(r);
        if (p != NULL && p->link == NULL) {
            const char *url = link_url(r, n);

            if (url != NULL) {
                add_item(r, IT_LINK, url, strlen(url));
                p->link = n;
            }
        }
        return 1;
    }
    if (strcmp(name, "sdt") == 0) {
        if (sdt_is_paid(n))
            paid_begin(r);
        return 1;
    }
    if (strcmp(name, "bookmarkStart") == 0) {
        if (bookmark_is_paid(dxr_attr(n, DXR_NS_W, "name")) &&
            r->npaid_marks < 64) {
            const char *id = dxr_attr(n, DXR_NS_W, "id");

            /* a copy: the end may come after this subtree is freed */
            r->paid_marks[r->npaid_marks++] =
                pd_arena_strdup(r->doc->arena, id != NULL ? id : "");
            paid_begin(r);
        }
        return 0;
    }
    if (strcmp(name, "bookmarkEnd") == 0) {
        const char *id = dxr_attr(n, DXR_NS_W, "id");
        int i;

        for (i = 0; id != NULL && i < r->npaid_marks; i++)
            if (strcmp(r->paid_marks[i], id) == 0) {
                r->paid_marks[i] = r->paid_marks[--r->npaid_marks];
                paid_end(r);
                break;
            }
        return 0;
    }
    if (strcmp(name, "footnoteReference") == 0 ||
        strcmp(name, "endnoteReference") == 0) {
        note_ref(r, n, name[0] == 'e');
        return 0;
    }
    return !in_list(name, skipped);
}

/* Leaving element n, whose children were visited. */
static void
leave_el(struct rd *r, xmlNode *n)
{
    const char *name = (const char *)n->name;
    struct para *p;

    if (dxr_ns_class(n->ns) != DXR_NS_W)
        return;
    if (strcmp(name, "p") == 0) {
        para_end(r);
    } else if (strcmp(name, "hyperlink") == 0) {
        p = top_para(r);
        if (p != NULL && p->link == n) {
            add_item(r, IT_LINK_END, NULL, 0);
            p->link = NULL;
        }
    } else if (strcmp(name, "sdt") == 0) {
        if (sdt_is_paid(n))
            paid_end(r);
    }
}

/*
 * Visit the descendants of top in document order without recursion,
 * using the parent links of the libxml2 tree.
 */
static void
walk(struct rd *r, xmlNode *top)
{
    xmlNode *n = top->children;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE && enter_el(r, n)) {
            if (n->children != NULL) {
                n = n->children;
                continue;
            }
            leave_el(r, n);
        }
        while (n->next == NULL) {
            n = n->parent;
            if (n == top || n == NULL)
                return;
            leave_el(r, n);
        }
        n = n->next;
    }
}

/* Visit n itself and then its descendants, as walk() visits a child. */
static void
walk_node(struct rd *r, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || !enter_el(r, n))
        return;
    if (n->children != NULL)
        walk(r, n);
    leave_el(r, n);
}

/*
 * Append the referenced footnotes and endnotes, in the order of their
 * references, each once, its first paragraph starting with its mark.
 */
static void
walk_notes(struct rd *r)
{
    struct dxr_map fmap = {0}, emap = {0};
    xmlNode *c;
    size_t i;

    if (r->xfoot != NULL)
        for (c = xmlDocGetRootElement(r->xfoot)->children; c; c = c->next)
            if (dxr_is(c, DXR_NS_W, "footnote") &&
                dxr_attr(c, DXR_NS_W, "id") != NULL)
                dxr_map_put(&fmap, dxr_attr(c, DXR_NS_W, "id"), 1);
    if (r->xend != NULL)
        for (c = xmlDocGetRootElement(r->xend)->children; c; c = c->next)
            if (dxr_is(c, DXR_NS_W, "endnote") &&
                dxr_attr(c, DXR_NS_W, "id") != NULL)
                dxr_map_put(&emap, dxr_attr(c, DXR_NS_W, "id"), 1);
    for (i = 0; i < r->nnotes; i++) {
        struct noteref *nr = &r->notes[i];
        struct dxr_map *m = nr->endnote ? &emap : &fmap;
        xmlDoc *x = nr->endnote ? r->xend : r->xfoot;
        const char *what = nr->endnote ? "endnote" : "footnote";

        if (dxr_map_get(m, nr->id) != 1)
            continue;
        dxr_map_put(m, nr->id, 2);      /* each note once */
        for (c = xmlDocGetRootElement(x)->children; c; c = c->next) {
            const char *id = dxr_attr(c, DXR_NS_W, "id");

            if (dxr_is(c, DXR_NS_W, what) && id != NULL &&
                strcmp(id, nr->id) == 0)
                break;
        }
        if (c == NULL)
            continue;
        r->prefix = nr->mark;
        r->paid_depth = 0;
        if (nr->paid)
            paid_begin(r);
        walk(r, c);
        r->paid_depth = 0;
        r->npaid_marks = 0;
        r->prefix = NULL;
    }
    dxr_map_free(&fmap);
    dxr_map_free(&emap);
}

/*
 * ------------------------------------------------------------------------
 * Building the tree from the records
 * ------------------------------------------------------------------------
 */

struct openlist {
    int num, ilvl, ordered;
    struct pd_node *list;
};

struct bld {
    struct rd *r;
    struct pd_builder b;
    int cur_paid;
    struct openlist lists[NLVL + 1];
    int nlists;
    struct pd_node *quote;
    struct pd_buf code;     /* text of consecutive code paragraphs */
    int code_open;
    int warned_depth;
    struct pd_node **runin;
    size_t nrunin, caprunin;
};

static void
depth_warning(struct bld *bs)
{
    if (!bs->warned_depth)
        pd_warn(bs->r->d, 0, "nesting deeper than %d flattened",
                bs->b.max_depth);
    bs->warned_depth = 1;
}

/* Close containers until node n is the current one. */
static void
pop_to(struct bld *bs, const struct pd_node *n)
{
    while (bs->b.cur != n && bs->b.cur->parent != NULL)
        pd_pop(&bs->b);
}

/* Emit the pending code block, if any. */
static void
flush_code(struct bld *bs)
{
    struct pd_node *n;

    if (!bs->code_open)
        return;
    bs->code_open = 0;
    n = pd_add_leaf(&bs->b, PD_NODE_CODE_BLOCK);
    if (n != NULL) {
        n->text = pd_arena_strndup(bs->r->doc->arena,
                                   bs->code.data ? bs->code.data : "",
                                   bs->code.len);
        n->len = bs->code.len;
    }
    pd_buf_clear(&bs->code);
}

/* Close every open list (and its items). */
static void
close_lists(struct bld *bs)
{
    if (bs->nlists > 0)
        pop_to(bs, bs->lists[0].list->parent);
    bs->nlists = 0;
}

/* Close the open lists and block quote. */
static void
close_quote(struct bld *bs)
{
    close_lists(bs);
    if (bs->quote != NULL)
        pop_to(bs, bs->quote->parent);
    bs->quote = NULL;
}

/*
 * Make the list item for a numbered paragraph current: close deeper
 * lists, continue the list at this level when it is the same numbering,
 * else open a new one (numbered on from earlier items of the same w:num).
 */
static void
enter_list(struct bld *bs, const struct para *p, const struct lvl *l)
{
    struct rd *r = bs->r;
    struct num *m = &r->nums[p->num];
    struct openlist *top;
    struct pd_node *list;
    int i;

    while (bs->nlists > 0 && bs->lists[bs->nlists - 1].ilvl > p->ilvl) {
        pop_to(bs, bs->lists[bs->nlists - 1].list->parent);
        bs->nlists--;
    }
    top = bs->nlists > 0 ? &bs->lists[bs->nlists - 1] : NULL;
    if (top != NULL && top->ilvl == p->ilvl) {
        if (top->num == p->num && top->ordered == l->ordered) {
            pop_to(bs, top->list);
            goto item;
        }
        pop_to(bs, top->list->parent);
        bs->nlists--;
    }
    if (bs->nlists > NLVL - 1)
        return;
    list = pd_push(&bs->b, l->ordered ? PD_NODE_ORDERED_LIST
                                      : PD_NODE_BULLET_LIST);
    if (list == NULL) {
        depth_warning(bs);
        return;
    }
    list->as.list.tight = 1;
    if (l->ordered) {
        int start = m->start_override[p->ilvl] >= 0
            ? m->start_override[p->ilvl] : l->start;

        list->as.list.start = start + m->count[p->ilvl];
        list->as.list.numbering = (uint8_t)l->numbering;
        list->as.list.delim = (uint8_t)l->delim;
    } else {
        list->as.list.bullet = l->bullet;
    }
    top = &bs->lists[bs->nlists++];
    top->num = p->num;
    top->ilvl = p->ilvl;
    top->ordered = l->ordered;
    top->list = list;
item:
    /* Our writer turns contextual spacing off in loose lists. */
    if (p->loose)
        top->list->as.list.tight = 0;
    if (pd_push(&bs->b, PD_NODE_LIST_ITEM) == NULL) {
        depth_warning(bs);
        return;
    }
    m->count[p->ilvl]++;
    for (i = p->ilvl + 1; i < NLVL; i++)
        m->count[i] = 0;
}

/* Push a block container, flattening (with one warning) when too deep. */
static struct pd_node *
push_block(struct bld *bs, pd_node_type t)
{
    struct pd_node *n = pd_push(&bs->b, t);

    if (n != NULL)
        return n;
    depth_warning(bs);
    close_quote(bs);
    n = pd_push(&bs->b, t);
    if (n == NULL) {
        pd_pop_all(&bs->b);
        bs->cur_paid = 0;
        n = pd_push(&bs->b, t);
    }
    return n;
}

/* Open the block node for paragraph p (after its container is ready). */
static struct pd_node *
open_block(struct bld *bs, const struct para *p)
{
    struct pd_node *n;

    switch (p->kind) {
    case PK_TITLE:
        if (bs->b.cur == bs->r->doc->root)
            return push_block(bs, PD_NODE_TITLE);
        /* a title inside a paid section becomes a heading */
        /* FALLTHROUGH */
    case PK_HEADING:
        n = push_block(bs, PD_NODE_HEADING);
        if (n != NULL) {
            n->as.heading.level = p->kind == PK_TITLE ? 1 : p->level;
            if (n->as.heading.level < 1)
                n->as.heading.level = 1;
            n->as.heading.run_in = p->run_in;
        }
        return n;
    default:
        return push_block(bs, PD_NODE_PARAGRAPH);
    }
}

/* The inline containers currently open inside a block. */
struct inl {
    struct pd_node *block;
    int link, bold, italic;         /* logically open */
    struct pd_node *nlink, *nbold, *nitalic;    /* pushed, or NULL */
    struct pd_buf code;
    int code_fmt_open;
};

/* Emit the pending inline code text as one CODE node. */
static void
inl_flush_code(struct bld *bs, struct inl *st)
{
    struct pd_node *n;

    if (st->code.len == 0)
        return;
    n = pd_add_leaf(&bs->b, PD_NODE_CODE);
    if (n != NULL) {
        n->text = pd_arena_strndup(bs->r->doc->arena, st->code.data,
                                   st->code.len);
        n->len = st->code.len;
    } else {
        pd_add_text(&bs->b, st->code.data, st->code.len);
    }
    pd_buf_clear(&st->code);
}

/* Close inline containers down to `keep` (0 all, 1 keep the link). */
static void
inl_close(struct bld *bs, struct inl *st, int keep)
{
    const struct pd_node *target;

    inl_flush_code(bs, st);
    target = keep && st->nlink != NULL ? st->nlink : st->block;
    pop_to(bs, target);
    st->bold = st->italic = 0;
    st->nbold = st->nitalic = NULL;
    if (!keep) {
        st->link = 0;
        st->nlink = NULL;
    }
}

/* Open an inline container, or count it open without a node if too deep. */
static struct pd_node *
inl_push(struct bld *bs, pd_node_type t)
{
    struct pd_node *n = pd_push(&bs->b, t);

    if (n == NULL)
        depth_warning(bs);
    return n;
}

/* Make the open containers match fmt. */
static void
inl_fmt(struct bld *bs, struct inl *st, int fmt)
{
    int bold = (fmt & F_BOLD) != 0, italic = (fmt & F_ITALIC) != 0;

    if (st->bold != bold || (st->italic && !italic)) {
        inl_flush_code(bs, st);
        pop_to(bs, st->nlink != NULL ? st->nlink : st->block);
        st->bold = st->italic = 0;
        st->nbold = st->nitalic = NULL;
        if (bold) {
            st->nbold = inl_push(bs, PD_NODE_STRONG);
            st->bold = 1;
        }
    }
    if (italic && !st->italic) {
        inl_flush_code(bs, st);
        st->nitalic = inl_push(bs, PD_NODE_EMPH);
        st->italic = 1;
    }
}

/* Add one text item with its formatting. */
static void
inl_text(struct bld *bs, struct inl *st, const char *s, size_t len, int fmt)
{
    inl_fmt(bs, st, fmt);
    if (fmt & F_CODE) {
        pd_buf_put(&st->code, s, len);
        return;
    }
    inl_flush_code(bs, st);
    pd_add_text(&bs->b, s, len);
}

/* Close block node n; drop it when it stayed empty. */
static void
close_block(struct bld *bs, struct pd_node *n)
{
    pop_to(bs, n);
    pd_pop(&bs->b);
    if (n->first == NULL && n->type != PD_NODE_CODE_BLOCK)
        pd_node_unlink(n);
    else if (n->type == PD_NODE_HEADING && n->as.heading.run_in) {
        bs->runin = grow(bs->runin, &bs->caprunin, bs->nrunin,
                         sizeof(*bs->runin));
        bs->runin[bs->nrunin++] = n;
    }
}

/* The text of a text or tab item. */
static const char *
item_text(const struct rd *r, const struct item *it)
{
    if (it->s != NULL)
        return it->s;
    return r->text.data != NULL ? r->text.data + it->off : "";
}

/* The inline items of paragraph p into a new block (split at pages). */
static void
build_inlines(struct bld *bs, const struct para *p)
{
    struct rd *r = bs->r;
    struct inl st;
    int i;

    memset(&st, 0, sizeof(st));
    st.block = open_block(bs, p);
    if (st.block == NULL)
        return;
    for (i = p->first; i >= 0; i = r->items[i].next) {
        const struct item *it = &r->items[i];

        switch (it->kind) {
        case IT_TEXT:
        case IT_TAB:
            inl_text(bs, &st, item_text(r, it), it->len, it->fmt);
            break;
        case IT_BREAK:
            inl_flush_code(bs, &st);
            pd_add_leaf(&bs->b, PD_NODE_LINE_BREAK);
            break;
        case IT_LINK:
            inl_close(bs, &st, 0);
            st.nlink = inl_push(bs, PD_NODE_LINK);
            if (st.nlink != NULL)
                st.nlink->as.link.url = it->s;
            st.link = 1;
            break;
        case IT_LINK_END:
            inl_close(bs, &st, 0);
            break;
        case IT_PAGE:
            inl_close(bs, &st, 0);
            close_block(bs, st.block);
            pd_add_leaf(&bs->b, PD_NODE_PAGE_BREAK);
            st.block = open_block(bs, p);
            if (st.block == NULL)
                goto out;
            break;
        }
    }
    inl_close(bs, &st, 0);
    close_block(bs, st.block);
out:
    pd_buf_free(&st.code);
}

/* A code paragraph: its text joins the pending code block. */
static void
add_code(struct bld *bs, const struct para *p)
{
    struct rd *r = bs->r;
    int i;

    if (bs->code_open)
        pd_buf_putc(&bs->code, '\n');
    bs->code_open = 1;
    for (i = p->first; i >= 0; i = r->items[i].next) {
        const struct item *it = &r->items[i];

        switch (it->kind) {
        case IT_TEXT:
        case IT_TAB:
            pd_buf_put(&bs->code, item_text(r, it), it->len);
            break;
        case IT_BREAK:
            pd_buf_putc(&bs->code, '\n');
            break;
        case IT_PAGE:
        case IT_LINK:
        case IT_LINK_END:
            break;
        }
    }
}

/* One paragraph record into the tree. */
static void
build_para(struct bld *bs, const struct para *p)
{
    struct rd *r = bs->r;
    const struct lvl *l = NULL;

    if (p->kind != PK_CODE || p->page_before || p->paid != bs->cur_paid)
        flush_code(bs);
    if (p->paid != bs->cur_paid) {
        pd_pop_all(&bs->b);
        bs->nlists = 0;
        bs->quote = NULL;
        bs->cur_paid = 0;
        if (p->paid && push_block(bs, PD_NODE_PAID) != NULL)
            bs->cur_paid = p->paid;
    }
    if (p->page_before) {
        close_quote(bs);
        pd_add_leaf(&bs->b, PD_NODE_PAGE_BREAK);
    }
    if (p->first < 0 && p->rule && p->kind == PK_PARA && p->num < 0) {
        close_quote(bs);
        pd_add_leaf(&bs->b, PD_NODE_THEMATIC_BREAK);
        return;
    }
    if (p->kind == PK_PARA || p->kind == PK_QUOTE) {
        if (p->num >= 0)
            l = num_level(r, p->num, p->ilvl);
        if (l != NULL && l->ordered < 0)
            l = NULL;
    }
    if (l != NULL) {
        if (bs->quote != NULL && bs->nlists == 0)
            close_quote(bs);
        enter_list(bs, p, l);
    } else if (p->kind == PK_QUOTE) {
        close_lists(bs);
        if (bs->quote == NULL) {
            bs->quote = pd_push(&bs->b, PD_NODE_BLOCK_QUOTE);
            if (bs->quote == NULL)
                depth_warning(bs);
        }
    } else {
        close_quote(bs);
    }
    if (p->kind == PK_CODE) {
        add_code(bs, p);
        return;
    }
    build_inlines(bs, p);
}

static void
build_begin(struct rd *r, struct bld *bs)
{
    memset(bs, 0, sizeof(*bs));
    bs->r = r;
    pd_builder_init(&bs->b, r->doc);
    if (r->opts != NULL && r->opts->max_depth > 0)
        bs->b.max_depth = r->opts->max_depth;
}

/*
 * Build the records walked so far, in order, and forget them (their items
 * point into the XML walked, which the streaming reader frees next).  The
 * builder state carries on to the next records.
 */
static void
build_records(struct bld *bs)
{
    struct rd *r = bs->r;
    size_t i;

    for (i = 0; i < r->norder; i++)
        build_para(bs, &r->paras[r->order[i]]);
    r->norder = 0;
    if (r->np == 0) {
        r->nparas = r->nitems = 0;
        pd_buf_clear(&r->text);
    }
}

static void
build_free(struct bld *bs)
{
    free(bs->runin);
    pd_buf_free(&bs->code);
}

/* After the last records: close everything, settle run-in headings. */
static void
build_end(struct bld *bs)
{
    size_t i;

    flush_code(bs);
    pd_pop_all(&bs->b);
    /* A run-in heading needs a paragraph right after it. */
    for (i = 0; i < bs->nrunin; i++) {
        struct pd_node *h = bs->runin[i];

        if (h->next == NULL || h->next->type != PD_NODE_PARAGRAPH)
            h->as.heading.run_in = 0;
    }
    build_free(bs);
}

/* Build every record, then settle run-in headings. */
static void
build(struct rd *r)
{
    struct bld bs;

    build_begin(r, &bs);
    build_records(&bs);
    build_end(&bs);
}

/*
 * ------------------------------------------------------------------------
 * Package level: content types, relationships, core properties
 * ------------------------------------------------------------------------
 */

/* The direct text children of n, trimmed, into the arena (or NULL). */
static const char *
elem_text(struct rd *r, const xmlNode *n)
{
    struct pd_buf b = {0};
    const xmlNode *c;
    const char *s;
    size_t a = 0, z;

    if (n == NULL)
        return NULL;
    for (c = n->children; c != NULL; c = c->next)
        if (c->type == XML_TEXT_NODE && c->content != NULL)
            pd_buf_puts(&b, (const char *)c->content);
    z = b.len;
    while (a < z && (b.data[a] == ' ' || b.data[a] == '\n' ||
                     b.data[a] == '\t' || b.data[a] == '\r'))
        a++;
    while (z > a && (b.data[z - 1] == ' ' || b.data[z - 1] == '\n' ||
                     b.data[z - 1] == '\t' || b.data[z - 1] == '\r'))
        z--;
    s = z > a ? pd_arena_strndup(r->doc->arena, b.data + a, z - a) : NULL;
    pd_buf_free(&b);
    return s;
}

/* docProps/core.xml → title, author, date metadata. */
static void
load_core(struct rd *r)
{
    xmlNode *root, *c;
    const char *title = NULL, *author = NULL, *created = NULL;
    const char *modified = NULL;

    if (r->xcore == NULL)
        return;
    root = xmlDocGetRootElement(r->xcore);
    for (c = root->children; c != NULL; c = c->next) {
        if (dxr_is(c, DXR_NS_DC, "title"))
            title = elem_text(r, c);
        else if (dxr_is(c, DXR_NS_DC, "creator"))
            author = elem_text(r, c);
        else if (dxr_is(c, DXR_NS_DCTERMS, "created"))
            created = elem_text(r, c);
        else if (dxr_is(c, DXR_NS_DCTERMS, "modified"))
            modified = elem_text(r, c);
    }
    if (title != NULL)
        pd_doc_set_meta(r->doc, "title", title);
    if (author != NULL)
        pd_doc_set_meta(r->doc, "author", author);
    if (created == NULL)
        created = modified;
    if (created != NULL) {
        /* A date alone was written as midnight UTC: give the date back. */
        size_t n = strlen(created);

        if (n == 20 && strcmp(created + 10, "T00:00:00Z") == 0)
            ((char *)(uintptr_t)created)[10] = '\0';
        pd_doc_set_meta(r->doc, "date", created);
    }
}

/* ASCII case-insensitive equality. */
static int
eq_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;

        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/*
 * The main part's content type from [Content_Types].xml must be a
 * WordprocessingML document or template (macro-enabled allowed).
 */
static int
check_content_type(struct rd *r)
{
    xmlNode *root = xmlDocGetRootElement(r->xct), *c;
    const char *ct = NULL, *ext = strrchr(r->main, '.');

    for (c = root->children; c != NULL && ct == NULL; c = c->next) {
        const char *pn = dxr_attr(c, DXR_NS_OTHER, "PartName");

        if (dxr_is(c, DXR_NS_CT, "Override") && pn != NULL &&
            eq_nocase(pn + (pn[0] == '/'), r->main))
            ct = dxr_attr(c, DXR_NS_OTHER, "ContentType");
    }
    for (c = root->children; c != NULL && ct == NULL && ext; c = c->next) {
        const char *e = dxr_attr(c, DXR_NS_OTHER, "Extension");

        if (dxr_is(c, DXR_NS_CT, "Default") && e != NULL &&
            eq_nocase(e, ext + 1))
            ct = dxr_attr(c, DXR_NS_OTHER, "ContentType");
    }
    if (ct == NULL)
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: no content type "
                        "for %s", r->main);
    if (strstr(ct, "wordprocessingml.document.main") == NULL &&
        strstr(ct, "wordprocessingml.template.main") == NULL &&
        strstr(ct, "ms-word.document.macroEnabled.main") == NULL &&
        strstr(ct, "ms-word.template.macroEnabledTemplate.main") == NULL)
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: %s is %.200s",
                        r->main, ct);
    return 0;
}

/* Parse the optional part of the main part's relationship of a type. */
static int
load_related(struct rd *r, const char *type, xmlDoc **out)
{
    const struct dxr_rel *rel = dxr_rels_by_type(&r->docrels, type);

    *out = NULL;
    if (rel == NULL || rel->part == NULL)
        return 0;
    return dxr_pkg_xml(&r->pkg, rel->part, 0, out);
}

/*
 * Open the package: content types, package relationships, the main part
 * located and its content type checked.
 */
static int
load_pkg(struct rd *r, const unsigned char *in, size_t len)
{
    const struct dxr_rel *rel;

    if (dxr_pkg_open(&r->pkg, in, len, r->opts, r->d) < 0)
        return -1;
    if (!dxr_pkg_has(&r->pkg, "[Content_Types].xml"))
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: no "
                        "[Content_Types].xml");
    if (dxr_pkg_rels(&r->pkg, "", &r->pkgrels) < 0)
        return -1;
    rel = dxr_rels_by_type(&r->pkgrels, "officeDocument");
    if (rel == NULL || rel->part == NULL)
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: no "
                        "officeDocument relationship in _rels/.rels");
    r->main = rel->part;
    if (!dxr_pkg_has(&r->pkg, r->main))
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: no main part %s",
                        r->main);
    if (dxr_pkg_xml(&r->pkg, "[Content_Types].xml", 1, &r->xct) < 0 ||
        check_content_type(r) < 0)
        return -1;
    return 0;
}

static int stream_numbering(struct rd *r, const char *part);

/*
 * The parts after the main part: its relationships, styles and so on.
 * With streamed set numbering.xml is streamed into the tables (else it
 * is parsed whole for load_numbering()), and -1 means: read again whole.
 */
static int
load_parts(struct rd *r, int streamed)
{
    const struct dxr_rel *rel;

    if (dxr_pkg_rels(&r->pkg, r->main, &r->docrels) < 0 ||
        load_related(r, "styles", &r->xstyles) < 0)
        return -1;
    rel = dxr_rels_by_type(&r->docrels, "numbering");
    if (streamed && rel != NULL && rel->part != NULL &&
        dxr_pkg_has(&r->pkg, rel->part)) {
        if (stream_numbering(r, rel->part) < 0)
            return -1;
    } else if (load_related(r, "numbering", &r->xnum) < 0) {
        return -1;
    }
    if (load_related(r, "footnotes", &r->xfoot) < 0 ||
        load_related(r, "endnotes", &r->xend) < 0)
        return -1;
    rel = dxr_rels_by_type(&r->pkgrels, "core-properties");
    if (rel != NULL && rel->part != NULL &&
        dxr_pkg_xml(&r->pkg, rel->part, 0, &r->xcore) < 0)
        return -1;
    return 0;
}

/* Open the package and parse every part the reader uses, each whole. */
static int
load(struct rd *r, const unsigned char *in, size_t len)
{
    xmlNode *root;

    if (load_pkg(r, in, len) < 0 ||
        dxr_pkg_xml(&r->pkg, r->main, 1, &r->xdoc) < 0)
        return -1;
    root = xmlDocGetRootElement(r->xdoc);
    if (!dxr_is(root, DXR_NS_W, "document") ||
        dxr_child(root, DXR_NS_W, "body") == NULL)
        return pd_error(r->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: %s has no "
                        "w:document/w:body", r->main);
    return load_parts(r, 0);
}

/*
 * ------------------------------------------------------------------------
 * document.xml as a stream
 * ------------------------------------------------------------------------
 *
 * The main part is read with an xmlTextReader: each child of w:body is
 * expanded, walked, built into the tree and freed before the next one is
 * parsed, so that memory holds one child of w:body, not the whole part.
 * This is only a faster way to the same result: whenever the stream is
 * not plainly well-formed WordprocessingML (a DTD, no w:document/w:body,
 * any message from libxml2, a size other than declared, a read error) or
 * a later part fails, the attempt is dropped and the document is read
 * again by the whole-part path, which gives exactly the result, warnings
 * and error messages it always gave.  Results: 0 done, -1 error (the same
 * as the whole-part path would give), 1 read again whole.
 */

/* Move to the root element (a DTD or anything odd: read whole); n, or
 * NULL. */
static xmlNode *
stream_to_root(struct dxr_stream *s)
{
    xmlNode *n;
    int ret;

    while ((ret = dxr_stream_read(s)) == 1 && s->errors == 0) {
        int t = xmlTextReaderNodeType(s->reader);

        if (t == XML_READER_TYPE_ELEMENT)
            break;
        if (t != XML_READER_TYPE_COMMENT &&
            t != XML_READER_TYPE_PROCESSING_INSTRUCTION &&
            t != XML_READER_TYPE_WHITESPACE &&
            t != XML_READER_TYPE_SIGNIFICANT_WHITESPACE)
            return NULL;
    }
    if (ret != 1 || s->errors != 0)
        return NULL;
    n = xmlTextReaderCurrentNode(s->reader);
    if (n == NULL || n->doc == NULL || n->doc->intSubset != NULL ||
        n->doc->extSubset != NULL)
        return NULL;
    return n;
}

/* Move to the first w:body child of a w:document root; 0, or 1. */
static int
stream_to_body(struct dxr_stream *s)
{
    xmlNode *n = stream_to_root(s);
    int ret;

    if (n == NULL || !dxr_is(n, DXR_NS_W, "document") ||
        xmlTextReaderIsEmptyElement(s->reader) != 0)
        return 1;
    /* its children: skip up to the first w:body */
    ret = dxr_stream_read(s);
    while (ret == 1 && s->errors == 0 &&
           xmlTextReaderDepth(s->reader) == 1) {
        n = xmlTextReaderCurrentNode(s->reader);
        if (xmlTextReaderNodeType(s->reader) == XML_READER_TYPE_ELEMENT &&
            dxr_is(n, DXR_NS_W, "body"))
            return 0;
        ret = dxr_stream_next(s);
    }
    return 1;
}

/*
 * Block containers whose children are streamed one by one instead of
 * expanding the container whole (a paid section or a table can be most of
 * a document): enter_el() and leave_el() do not look at their children.
 * w:sdt is streamed too, its w:sdtPr read first, and so is a w:p outside
 * any other paragraph, its w:pPr read first (see stream_body()): one
 * paragraph of 200,000 runs expanded whole took some 80 MB of libxml2
 * nodes for 400 KB of text.
 */
static const char *const streamed_containers[] = {
    "sdtContent", "tbl", "tr", "tc", "customXml", NULL
};

/* A container entered by stream_body(). */
struct open_el {
    int depth;
    int sdt;        /* w:sdt: 1 before its first child element, 2 with a
                       w:sdtPr first, 3 without; 0 other containers */
    int paid;
    int para;       /* w:p: the same states for its w:pPr; 0 others */
};

/*
 * Walk and build the children of w:body, each element expanded, walked,
 * built and freed in turn, the containers above entered; on return the
 * reader has read the whole part.  0, or 1.
 */
static int
stream_body(struct rd *r, struct dxr_stream *s, struct bld *bs)
{
    struct open_el *st = NULL, *top;
    size_t nst = 0, capst = 0;
    xmlNode *n;
    int ret = 1, rc = 1, type, depth;

    dxr_stream_hold(s);     /* nothing else is parsed until the end */
    if (xmlTextReaderIsEmptyElement(s->reader) == 0)
        ret = dxr_stream_read(s);
    while (ret == 1 && s->errors == 0) {
        depth = xmlTextReaderDepth(s->reader);
        type = xmlTextReaderNodeType(s->reader);
        n = xmlTextReaderCurrentNode(s->reader);
        top = nst > 0 ? &st[nst - 1] : NULL;
        if (depth <= 1) {
            rc = 0;             /* the end of w:body */
            break;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            /* only the containers entered are read up to their end */
            if (top == NULL || top->depth != depth)
                break;
            if (top->para == 1)
                para_begin(r, NULL);    /* no child element */
            if (top->sdt == 0)
                leave_el(r, n);
            else if (top->paid)
                paid_end(r);
            nst--;
            if (top->para != 0) {
                r->copy_text = 0;
                if (r->np != 0)
                    break;
                build_records(bs);
            }
            ret = dxr_stream_read(s);
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT) {
            ret = dxr_stream_next(s);
            continue;
        }
        if (top != NULL && top->sdt != 0) {
            /* as sdt_is_paid(): the first w:sdtPr decides */
            int pr = dxr_is(n, DXR_NS_W, "sdtPr");

            if (top->sdt == 1) {
                top->sdt = pr ? 2 : 3;
                if (pr) {
                    if (dxr_stream_expand(s) == NULL || s->errors != 0)
                        break;
                    top->paid = sdt_is_paid(n->parent);
                    if (top->paid)
                        paid_begin(r);
                }
            } else if (top->sdt == 3 && pr) {
                break;          /* a w:sdtPr after the content */
            }
        }
        if (top != NULL && top->para != 0) {
            /* as enter_el(): the first w:pPr is the paragraph's */
            int pr = dxr_is(n, DXR_NS_W, "pPr");

            if (top->para == 1) {
                top->para = pr ? 2 : 3;
                if (pr) {
                    if (dxr_stream_expand(s) == NULL || s->errors != 0)
                        break;
                    para_begin(r, n);
                    ret = dxr_stream_next(s);
                    continue;
                }
                para_begin(r, NULL);
            } else if (top->para == 3 && pr) {
                break;          /* a w:pPr after the content */
            }
        }
        if (dxr_ns_class(n->ns) == DXR_NS_W &&
            (strcmp((const char *)n->name, "sdt") == 0 ||
             in_list((const char *)n->name, streamed_containers) ||
             (strcmp((const char *)n->name, "p") == 0 && r->np == 0)) &&
            xmlTextReaderIsEmptyElement(s->reader) == 0) {
            st = grow(st, &capst, nst, sizeof(*st));
            top = &st[nst++];
            top->depth = depth;
            top->sdt = strcmp((const char *)n->name, "sdt") == 0;
            top->paid = 0;
            top->para = strcmp((const char *)n->name, "p") == 0;
            if (top->para)
                r->copy_text = 1;   /* para_begin() at the first child */
            else if (top->sdt == 0 && !enter_el(r, n))
                break;          /* cannot happen: not a skipped name */
            ret = dxr_stream_read(s);
            continue;
        }
        if (dxr_stream_expand(s) == NULL || s->errors != 0)
            break;
        walk_node(r, n);
        /* inside a streamed w:p only that one stays open, and waits */
        if (r->np != (r->copy_text ? 1u : 0u))
            break;
        if (!r->copy_text)
            build_records(bs);
        ret = dxr_stream_next(s);
    }
    free(st);
    /* the rest of the part: after w:body, after the root */
    while (rc == 0 && ret == 1 && s->errors == 0)
        ret = dxr_stream_next(s);
    dxr_stream_release(s);
    if (rc != 0)
        return 1;
    return ret == 0 && dxr_stream_clean(s) ? 0 : 1;
}

/*
 * numbering.xml streamed, each child of the root expanded, read and freed
 * in turn (see load_numbering()): 0, or -1 to read the document again
 * whole, which reports what was wrong.
 */
static int
stream_numbering(struct rd *r, const char *part)
{
    struct dxr_stream s;
    xmlNode *n;
    int ret = -1;

    if (dxr_stream_open(&r->pkg, part, &s) < 0)
        return -1;
    dxr_stream_hold(&s);
    if (stream_to_root(&s) != NULL) {
        ret = dxr_stream_read(&s);
        while (ret == 1 && s.errors == 0 &&
               xmlTextReaderDepth(s.reader) == 1) {
            if (xmlTextReaderNodeType(s.reader) == XML_READER_TYPE_ELEMENT) {
                n = dxr_stream_expand(&s);
                if (n == NULL || s.errors != 0)
                    break;
                numbering_child(r, n);
            }
            ret = dxr_stream_next(&s);
        }
        /* the end of the root, and what follows it */
        while (ret == 1 && s.errors == 0)
            ret = dxr_stream_next(&s);
    }
    dxr_stream_release(&s);
    ret = ret == 0 && dxr_stream_clean(&s) ? 0 : -1;
    dxr_stream_close(&s);
    if (ret == 0)
        numbering_end(r);
    return ret;
}

/* The reader with document.xml streamed: 0, -1, or 1 (see above). */
static int
read_streamed(struct rd *r, const unsigned char *in, size_t len)
{
    struct dxr_stream s;
    struct bld bs;
    int rc;

    if (load_pkg(r, in, len) < 0)
        return -1;
    if (dxr_stream_open(&r->pkg, r->main, &s) < 0)
        return 1;
    rc = stream_to_body(&s);
    if (rc == 0 && load_parts(r, 1) < 0)
        rc = 1;
    if (rc == 0) {
        load_styles(r);
        build_begin(r, &bs);
        rc = stream_body(r, &s, &bs);
        if (rc == 0) {
            load_core(r);
            while (r->np > 0)
                para_end(r);
            r->paid_depth = 0;
            walk_notes(r);
            build_records(&bs);
            build_end(&bs);
        } else {
            build_free(&bs);
        }
    }
    dxr_stream_close(&s);
    return rc;
}

/* Free everything but the document. */
static void
cleanup(struct rd *r)
{
    xmlDoc **docs[] = { &r->xdoc, &r->xstyles, &r->xnum, &r->xfoot,
                        &r->xend, &r->xcore, &r->xct };
    size_t i;

    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        if (*docs[i] != NULL)
            xmlFreeDoc(*docs[i]);
    dxr_rels_free(&r->pkgrels);
    dxr_rels_free(&r->docrels);
    dxr_pkg_close(&r->pkg);
    free(r->styles);
    dxr_map_free(&r->stylemap);
    free(r->abs);
    dxr_map_free(&r->absmap);
    free(r->nums);
    pd_buf_free(&r->numstr);
    dxr_map_free(&r->nummap);
    free(r->items);
    pd_buf_free(&r->text);
    free(r->paras);
    free(r->order);
    free(r->deferred);
    free(r->pstack);
    free(r->notes);
}

/*
 * One run of the reader, with document.xml streamed or read whole:
 * package and parts, styles, numbering and metadata, the body walk (then
 * notes), the tree.  Everything but the document is freed before
 * returning.  0, -1, or 1 when streamed and to be read again whole.
 */
static int
read_once(struct pd_doc *doc, const unsigned char *in, size_t len,
          const struct pd_opts *opts, struct pd_diag *d, int streamed)
{
    struct rd r;
    int rc = -1;

    memset(&r, 0, sizeof(r));
    r.doc = doc;
    r.d = d;
    r.opts = opts;
    if (streamed) {
        rc = read_streamed(&r, in, len);
    } else if (load(&r, in, len) == 0) {
        load_styles(&r);
        load_numbering(&r);
        load_core(&r);
        walk(&r, dxr_child(xmlDocGetRootElement(r.xdoc), DXR_NS_W, "body"));
        while (r.np > 0)
            para_end(&r);
        r.paid_depth = 0;
        walk_notes(&r);
        build(&r);
        rc = 0;
    }
    cleanup(&r);
    return rc;
}

/* Warnings held back while a streamed read may still be dropped. */
struct held {
    unsigned *line;
    char **msg;
    size_t n, cap;
};

static void
hold_warning(void *ud, const char *file, unsigned line, const char *msg)
{
    struct held *h = ud;
    size_t len = strlen(msg);

    (void)file;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->line = pd_xrealloc(h->line, h->cap * sizeof(*h->line));
        h->msg = pd_xrealloc(h->msg, h->cap * sizeof(*h->msg));
    }
    h->line[h->n] = line;
    h->msg[h->n] = pd_xmalloc(len + 1);
    memcpy(h->msg[h->n], msg, len + 1);
    h->n++;
}

/*
 * The reader.  document.xml is streamed (see read_streamed()); when that
 * attempt is dropped, what it added to the document and its warnings are
 * discarded and the whole-part path runs instead, so the result, the
 * warnings and the error are always those of the whole-part path.
 */
int
pd_read_docx(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    struct pd_node *mark = doc->root->last, *n;
    struct pd_diag saved = {0};
    struct held h;
    size_t i;
    int rc;

    memset(&h, 0, sizeof(h));
    if (d != NULL) {
        saved = *d;
        d->warn = hold_warning;
        d->ud = &h;
    }
    rc = read_once(doc, in, len, opts, d, 1);
    if (d != NULL) {
        d->warn = saved.warn;
        d->ud = saved.ud;
    }
    if (rc > 0) {
        /* dropped: undo it, then read document.xml whole */
        if (d != NULL)
            *d = saved;
        n = mark != NULL ? mark->next : doc->root->first;
        while (n != NULL) {
            struct pd_node *next = n->next;

            pd_node_unlink(n);
            n = next;
        }
    }
    for (i = 0; i < h.n; i++) {
        if (rc <= 0 && d != NULL && d->warn != NULL)
            d->warn(d->ud, d->file, h.line[i], h.msg[i]);
        free(h.msg[i]);
    }
    free(h.line);
    free(h.msg);
    if (rc > 0)
        rc = read_once(doc, in, len, opts, d, 0);
    return rc;
}
