/*
 * write_docx.c - the DOCX (WordprocessingML) writer.
 *
 * Every XML part is written with libxml2's xmlTextWriter.  The small
 * parts go into memory buffers; word/document.xml, which can be tens of
 * megabytes, is written twice: once to count its bytes (libzip needs the
 * size before the data to choose between zip and zip64 headers, and
 * [Content_Types].xml and the relationships need to know what it uses),
 * and again on demand, a few kilobytes at a time, while libzip deflates
 * it (see "Streaming word/document.xml").  A document.xml of at most
 * DOCX_KEEP_MAX bytes is kept from the first writing instead.  The zip is
 * built in memory chunks that are appended to the output buffer and
 * freed one by one.  The package is deterministic:
 * parts are added in a fixed order with a fixed modification time, and
 * every id (numbering, relationships, content controls, bookmarks) comes
 * from a counter.
 *
 * Layout comes from a style under styles/docx/NAME/ (embedded in the
 * program): styles.xml, settings.xml, fontTable.xml, footer-odd.xml,
 * footer-even.xml and sectPr.xml (the page setup, copied into the body's
 * w:sectPr).  "gongwen" follows GB/T 9704-2012 for Chinese documents,
 * "plain" suits Latin ones.  --reference-doc replaces styles.xml and the
 * page setup by those of the user's document, as pandoc does; styles the
 * writer needs and the user's document lacks are added from the style.
 *
 * Tree to WordprocessingML:
 *   title, heading N       paragraph in style Title, HeadingN
 *   run-in heading         heading paragraph whose mark is hidden with
 *                          w:vanish + w:specVanish (Word's style
 *                          separator), then the body paragraph
 *   paragraph              paragraph in the default style (Normal)
 *   lists                  ListParagraph + w:numPr; one w:num per list so
 *                          that each list restarts (numbering.xml)
 *   block quote            paragraphs in style Quote
 *   code block             style SourceCode, lines joined with w:br
 *   thematic break         empty paragraph with a bottom border
 *   page break             <w:r><w:br w:type="page"/></w:r>
 *   paid section           block w:sdt tagged "paid" + bookmark paid_N
 *   paywall notice         paragraph in style Paywall
 *   emphasis, strong, code w:i, w:b, character style VerbatimChar
 *   link                   w:hyperlink to an external relationship
 *                          (http, https, mailto; others stay plain text)
 *   raw blocks and inlines dropped with one warning
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <zip.h>

#include "paidoc.h"
#include "internal.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define R_NS \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT_NS "http://schemas.openxmlformats.org/package/2006/content-types"
#define REL_BASE \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* Limits for reading a reference document. */
#define REF_PART_MAX ((zip_uint64_t)16 << 20)  /* bytes of one part */
#define REF_ENTRIES_MAX 10000                   /* entries in the zip */
#define COPY_DEPTH_MAX 64                       /* element nesting copied */
#define LIST_LEVELS 9                           /* w:ilvl 0..8 */
#define BULLET_KIND 13          /* abstractNumId of the first bullet glyph */
#define BULLETS_MAX 64          /* distinct glyphs; more become U+2022 */
#define LOOSE_AFTER 120         /* twips after each item of a loose list */

/*
 * Parts above this size are deflated at level 1 instead of 6: on CJK text
 * that does not repeat, level 6 runs at about 20 MB/s and level 1 at about
 * 41 MB/s, while the file is only about 10% larger.
 */
#define BIG_PART ((size_t)1 << 20)

/*
 * A document.xml of at most this many bytes is kept in memory by its
 * first writing and zipped from there; a larger one is written a second
 * time while it is zipped.  (-DDOCX_KEEP_MAX=0 streams every document,
 * for testing.)
 */
#ifndef DOCX_KEEP_MAX
#define DOCX_KEEP_MAX BIG_PART
#endif

/*
 * Text of one run is written this many bytes at a time (cut before a
 * byte that starts a character), so that a paragraph of 50 MB is
 * escaped, written and zipped in pieces, not copied whole.
 */
#define RUN_PIECE ((size_t)32 << 10)

/* The zip is assembled in chunks of this size. */
#define STORE_CHUNK ((size_t)1 << 20)

/* What differs between the styles beyond their XML templates. */
struct style_info {
    const char *name;
    int list_left;      /* w:ind w:left of list level 0, twips */
    int list_step;      /* added per nesting level */
    int list_hanging;   /* hanging indent of numbered items; 0: the
                           number starts a body-indented first line */
    int quote_step;     /* extra left indent per nested quote */
    const char *paid_alias;
};

static const struct style_info styles[] = {
    { "gongwen", 0, 640, 0, 640, "\xe4\xbb\x98\xe8\xb4\xb9\xe5\x86\x85\xe5\xae\xb9" },
    { "plain", 720, 360, 360, 720, "Paid content" },
};

/* One XML part being written: an xmlTextWriter into an xmlBuffer. */
struct xw {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    struct pd_buf tmp;  /* scratch for sanitised strings */
    int err;            /* sticky: a libxml2 call failed */
};

/* An ordered-list or bullet-list numbering instance (one w:num). */
struct num_inst {
    int kind;           /* abstract numbering: 1..12 ordered (list_kind),
                           BULLET_KIND + i the bullet glyph bullets[i] */
    int ilvl;
    int start;
};

/* A list being written: its numbering, whether the current item still
   owes its number to a paragraph, and whether it is tight. */
struct list_level {
    int num_id;
    int ilvl;
    int pending;
    int tight;
};

/* A finished part waiting to be zipped. */
struct part {
    const char *name;
    const char *ctype;      /* content type for an Override, or NULL */
    const char *data;       /* NULL for the streamed document.xml */
    size_t len;             /* its size, streamed or not */
    xmlBufferPtr owned;     /* freed after zipping, or NULL (static) */
    char *owned_mem;        /* or this, freed with free() */
};

/* A byte buffer with a read position (the pending XML of a stream). */
struct bytes {
    char *p;
    size_t len, cap, off;   /* p[off..len) not yet consumed */
};

/*
 * Where the writer of document.xml puts its bytes: counted (and kept
 * while they fit in DOCX_KEEP_MAX) in the first writing, queued for
 * libzip in the second.
 */
struct sink {
    int stream;             /* 1: second writing, bytes go to pend */
    int keeping;            /* first writing: keep holds all bytes so far */
    uint64_t total;         /* bytes written */
    struct bytes keep;
    struct bytes pend;
};

/* Formatting of a run. */
struct run_fmt {
    int bold;
    int italic;
    const char *rstyle;     /* character style or NULL */
};

/* A run being written: its text s[0..len), written up to pos. */
struct run_cur {
    int active;
    int open;               /* w:r and its w:rPr are written */
    int in_t;               /* a w:t is open */
    const char *s;
    size_t len, pos;
    struct run_fmt f;
};

/*
 * A paragraph being written: its inlines are walked with it (block
 * NULL: a code block, whose one run is all it has).
 */
struct para_cur {
    int active;
    const struct pd_node *block;
    struct pd_iter it;
    int emph, strong;
    const struct pd_node *open_link;
};

/* Where the writing of document.xml is. */
enum { PH_HEAD, PH_BODY, PH_TAIL, PH_DONE };

#define MAX_PARTS 16

/* The state of one pd_write_docx() call. */
struct dx {
    const struct pd_doc *doc;
    const struct pd_opts *opts;
    struct pd_diag *d;
    const struct style_info *style;
    char res[96];               /* "docx/NAME/" resource prefix */
    struct xw x;                /* word/document.xml */
    char **urls;                /* hyperlink targets, rIdLinkN = urls[N-1] */
    size_t nurls, capurls;
    struct num_inst *nums;      /* w:num N = nums[N-1] */
    size_t nnums, capnums;
    unsigned kinds;             /* bit k: abstract numbering k used */
    uint32_t *bullets;          /* bullet glyphs used, one abstract
                                   numbering each (BULLET_KIND + i) */
    size_t nbullets, capbullets;
    struct list_level *lists;   /* open lists, innermost last */
    size_t nlists, caplists;
    int quote_depth;
    int npaid;
    int nblocks;                /* body-level elements written */
    unsigned ndropped;          /* raw nodes left out */
    xmlDocPtr ref_styles;       /* reference document parts, or NULL */
    xmlDocPtr ref_document;
    xmlDocPtr sect_tpl;         /* the style's sectPr.xml */
    int have_even_footer;
    int have_footer;
    struct part parts[MAX_PARTS];
    int nparts;
    /* The resumable writing of document.xml (see doc_step). */
    int phase;
    struct pd_iter body;
    struct para_cur para;
    struct run_cur run;
    struct sink sink;
    uint64_t doc_size;          /* bytes of the first writing */
    int doc_done;               /* second writing: the writer is finished */
    zip_error_t doc_ze;         /* second writing: libzip's error */
};

/*
 * ------------------------------------------------------------------------
 * XML writing with sanitised strings
 * ------------------------------------------------------------------------
 */

/*
 * Copy s (len bytes of UTF-8) into x->tmp keeping only characters of the
 * XML 1.0 Char production: invalid UTF-8 and characters that XML cannot
 * carry (controls, U+FFFE, U+FFFF) become U+FFFD.  Returns the
 * NUL-terminated copy.
 */
static const xmlChar *
clean(struct xw *x, const char *s, size_t len)
{
    size_t i = 0, start;

    pd_buf_clear(&x->tmp);
    pd_buf_grow(&x->tmp, len + 1);
    start = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        size_t at = i;
        uint32_t c;

        /* Printable ASCII and the three allowed controls. */
        if (b >= 0x20 && b < 0x80) {
            i++;
            continue;
        }
        if (b == '\t' || b == '\n' || b == '\r') {
            i++;
            continue;
        }
        c = pd_utf8_decode(s, len, &i);
        if ((c != 0xFFFD || i - at == 3) && pd_is_xml_char(c))
            continue;
        /* Not a Char: copy the run before it, then U+FFFD. */
        pd_buf_put(&x->tmp, s + start, at - start);
        pd_utf8_put(&x->tmp, 0xFFFD);
        start = i;
    }
    pd_buf_put(&x->tmp, s + start, len - start);
    pd_buf_putc(&x->tmp, '\0');
    x->tmp.len--;
    return (const xmlChar *)x->tmp.data;
}

/* Record the result of a libxml2 writer call; -1 once anything failed. */
static int
xw_check(struct xw *x, int rc)
{
    if (rc < 0)
        x->err = 1;
    return x->err ? -1 : 0;
}

/* Start a part: a memory buffer, a writer and the XML declaration. */
static int
xw_open(struct xw *x)
{
    memset(x, 0, sizeof(*x));
    x->buf = xmlBufferCreate();
    if (x->buf == NULL)
        return x->err = 1, -1;
    xmlBufferSetAllocationScheme(x->buf, XML_BUFFER_ALLOC_DOUBLEIT);
    x->w = xmlNewTextWriterMemory(x->buf, 0);
    if (x->w == NULL)
        return x->err = 1, -1;
    return xw_check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8",
                                                  "yes"));
}

/* End the document and release the writer; the buffer stays. */
static int
xw_finish(struct xw *x)
{
    if (x->w != NULL) {
        if (!x->err)
            xw_check(x, xmlTextWriterEndDocument(x->w));
        if (!x->err)
            xw_check(x, xmlTextWriterFlush(x->w));
        xmlFreeTextWriter(x->w);
        x->w = NULL;
    }
    pd_buf_free(&x->tmp);
    return x->err ? -1 : 0;
}

/* Release everything of a part, the buffer included. */
static void
xw_free(struct xw *x)
{
    if (x->w != NULL)
        xmlFreeTextWriter(x->w);
    x->w = NULL;
    if (x->buf != NULL)
        xmlBufferFree(x->buf);
    x->buf = NULL;
    pd_buf_free(&x->tmp);
}

/* Append n bytes to b. */
static void
bytes_put(struct bytes *b, const char *p, size_t n)
{
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 16384;

        while (cap - b->len < n)
            cap *= 2;
        b->p = pd_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void
bytes_free(struct bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* libxml2's output callback for the writer of document.xml. */
static int
sink_write(void *ctx, const char *buf, int len)
{
    struct sink *k = ctx;

    if (len <= 0)
        return len < 0 ? -1 : 0;
    k->total += (uint64_t)len;
    if (k->stream)
        bytes_put(&k->pend, buf, (size_t)len);
    else if (k->keeping) {
        if (k->total <= DOCX_KEEP_MAX)
            bytes_put(&k->keep, buf, (size_t)len);
        else {
            bytes_free(&k->keep);
            k->keeping = 0;
        }
    }
    return len;
}

/* Start a part written through sink k instead of into a memory buffer. */
static int
xw_open_sink(struct xw *x, struct sink *k)
{
    xmlOutputBufferPtr out;

    memset(x, 0, sizeof(*x));
    out = xmlOutputBufferCreateIO(sink_write, NULL, k, NULL);
    if (out == NULL)
        return x->err = 1, -1;
    x->w = xmlNewTextWriter(out);
    if (x->w == NULL) {
        xmlOutputBufferClose(out);
        return x->err = 1, -1;
    }
    return xw_check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8",
                                                  "yes"));
}

static int
xw_start(struct xw *x, const char *name)
{
    if (x->err)
        return -1;
    return xw_check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static int
xw_end(struct xw *x)
{
    if (x->err)
        return -1;
    return xw_check(x, xmlTextWriterEndElement(x->w));
}

/* An attribute whose value is any string (sanitised). */
static int
xw_attr(struct xw *x, const char *name, const char *value)
{
    const xmlChar *v;

    if (x->err)
        return -1;
    v = clean(x, value, strlen(value));
    return xw_check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, v));
}

static int
xw_attr_int(struct xw *x, const char *name, long value)
{
    char num[32];

    snprintf(num, sizeof(num), "%ld", value);
    return xw_attr(x, name, num);
}

/* Character data (sanitised, escaped by libxml2). */
static int
xw_text(struct xw *x, const char *s, size_t len)
{
    const xmlChar *v;

    if (x->err)
        return -1;
    v = clean(x, s, len);
    return xw_check(x, xmlTextWriterWriteString(x->w, v));
}

/*
 * Where to cut s[0..len) after about want bytes: the first position at
 * or after want that starts a character (not a UTF-8 continuation byte),
 * or len.  clean() reads the pieces as it would read the whole: it never
 * takes a byte that starts a character into the sequence before it.
 */
static size_t
piece_end(const char *s, size_t len, size_t want)
{
    size_t i;

    if (want >= len)
        return len;
    for (i = want; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return i;
    return len;
}

/* <name/> or <name attr="value"/> (attr may be NULL). */
static int
xw_empty(struct xw *x, const char *name, const char *attr, const char *value)
{
    xw_start(x, name);
    if (attr != NULL)
        xw_attr(x, attr, value);
    return xw_end(x);
}

/* <name w:val="N"/> */
static int
xw_val_int(struct xw *x, const char *name, long value)
{
    xw_start(x, name);
    xw_attr_int(x, "w:val", value);
    return xw_end(x);
}

/*
 * ------------------------------------------------------------------------
 * Copying WordprocessingML from a parsed part (templates, reference doc)
 * ------------------------------------------------------------------------
 */

/* 1 when node is an element of the WordprocessingML main namespace. */
static int
is_w(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, W_NS) == 0;
}

/* 1 when node is the w: element called name. */
static int
is_w_named(const xmlNode *n, const char *name)
{
    return is_w(n) && strcmp((const char *)n->name, name) == 0;
}

/* The w:-namespaced attribute name of n as a string, or NULL. */
static const char *
w_attr_text(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next)
        if (a->ns != NULL && strcmp((const char *)a->ns->href, W_NS) == 0 &&
            strcmp((const char *)a->name, name) == 0 && a->children != NULL &&
            a->children->type == XML_TEXT_NODE && a->children->next == NULL)
            return (const char *)a->children->content;
    return NULL;
}

/*
 * Write element n and its subtree with the w: prefix, keeping only
 * elements and attributes of the main namespace (Word's extensions in
 * other namespaces, markup compatibility and r:ids are dropped, which
 * keeps the copy valid against the ECMA-376 schemas and free of dangling
 * relationships).  Text is kept inside w:t and w:instrText only.
 * Recursion is bounded by COPY_DEPTH_MAX.
 */
static int
copy_elem(struct xw *x, const xmlNode *n, int depth)
{
    const xmlAttr *a;
    const xmlNode *c;
    char qname[128];
    int keep_text;

    if (!is_w(n) || depth > COPY_DEPTH_MAX)
        return x->err ? -1 : 0;
    if (strlen((const char *)n->name) > sizeof(qname) - 3)
        return x->err ? -1 : 0;
    snprintf(qname, sizeof(qname), "w:%s", (const char *)n->name);
    xw_start(x, qname);
    for (a = n->properties; a != NULL; a = a->next) {
        struct pd_buf val = {0};

        if (a->ns == NULL || strcmp((const char *)a->ns->href, W_NS) != 0 ||
            strlen((const char *)a->name) > sizeof(qname) - 3)
            continue;
        for (c = a->children; c != NULL; c = c->next)
            if (c->type == XML_TEXT_NODE && c->content != NULL)
                pd_buf_puts(&val, (const char *)c->content);
        snprintf(qname, sizeof(qname), "w:%s", (const char *)a->name);
        xw_attr(x, qname, val.data ? val.data : "");
        pd_buf_free(&val);
    }
    keep_text = strcmp((const char *)n->name, "t") == 0 ||
                strcmp((const char *)n->name, "instrText") == 0;
    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            copy_elem(x, c, depth + 1);
        else if (keep_text && c->type == XML_TEXT_NODE && c->content != NULL)
            xw_text(x, (const char *)c->content,
                    strlen((const char *)c->content));
    }
    return xw_end(x);
}

/*
 * ------------------------------------------------------------------------
 * Reference document (--reference-doc)
 * ------------------------------------------------------------------------
 */

/*
 * Read the entry called name (ASCII case ignored) of za into out, at most
 * REF_PART_MAX bytes counted as they are read (libzip does not enforce
 * the declared size).  Returns 1 when there is no such entry, 0 when it
 * was read, -1 on error.
 */
static int
ref_read_part(struct dx *dx, zip_t *za, const char *name, struct pd_buf *out)
{
    const char *path = dx->opts->reference_doc;
    zip_stat_t st;
    zip_file_t *zf;
    zip_int64_t idx, n;
    zip_uint64_t total = 0;
    char chunk[65536];

    idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 1;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0)
        return pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: %s",
                        path, name, zip_strerror(za));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        st.encryption_method != ZIP_EM_NONE)
        return pd_error(dx->d, PD_ERR_DATA, 0,
                        "reference doc %s: %s is encrypted", path, name);
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
        st.comp_method != ZIP_CM_DEFLATE)
        return pd_error(dx->d, PD_ERR_DATA, 0,
                        "reference doc %s: %s: unsupported compression "
                        "method %d", path, name, (int)st.comp_method);
    if ((st.valid & ZIP_STAT_SIZE) && st.size > REF_PART_MAX)
        return pd_error(dx->d, PD_ERR_DATA, 0,
                        "reference doc %s: %s: part too large (%llu > %llu "
                        "bytes)", path, name, (unsigned long long)st.size,
                        (unsigned long long)REF_PART_MAX);
    zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (zf == NULL)
        return pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: %s",
                        path, name, zip_strerror(za));
    while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
        total += (zip_uint64_t)n;
        if (total > REF_PART_MAX ||
            ((st.valid & ZIP_STAT_SIZE) && total > st.size)) {
            zip_fclose(zf);
            return pd_error(dx->d, PD_ERR_DATA, 0,
                            "reference doc %s: %s: entry larger than "
                            "declared or than %llu bytes (corrupt or zip "
                            "bomb)", path, name,
                            (unsigned long long)REF_PART_MAX);
        }
        pd_buf_put(out, chunk, (size_t)n);
    }
    if (n < 0) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: %s", path,
                 name, zip_file_strerror(zf));
        zip_fclose(zf);
        return -1;
    }
    zip_fclose(zf);
    return 0;
}

/*
 * Parse one part of the reference document without network access or
 * entity expansion, and refuse a DTD and any root that is not the
 * expected WordprocessingML element.  Returns the tree or NULL (error
 * set).
 */
static xmlDocPtr
ref_parse(struct dx *dx, const struct pd_buf *data, const char *name,
          const char *root_name)
{
    const char *path = dx->opts->reference_doc;
    xmlDocPtr xd;
    xmlNodePtr root;

    if (data->len > INT_MAX) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: too large",
                 path, name);
        return NULL;
    }
    xd = xmlReadMemory(data->data ? data->data : "", (int)data->len, name,
                       NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING);
    if (xd == NULL) {
        const xmlError *e = xmlGetLastError();

        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: not "
                 "well-formed XML%s%s", path, name, e && e->message ? ": " : "",
                 e && e->message ? e->message : "");
        /* libxml2 messages end with a newline. */
        if (dx->d != NULL) {
            size_t l = strlen(dx->d->msg);

            if (l > 0 && dx->d->msg[l - 1] == '\n')
                dx->d->msg[l - 1] = '\0';
        }
        return NULL;
    }
    root = xmlDocGetRootElement(xd);
    if (xd->intSubset != NULL) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s: DTD not "
                 "allowed in an OOXML part", path, name);
        goto bad;
    }
    if (root != NULL && root->ns != NULL &&
        strcmp((const char *)root->ns->href, W_NS_STRICT) == 0) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: strict OOXML is "
                 "not supported (save it as a Word Document, not Strict "
                 "Open XML)", path);
        goto bad;
    }
    if (root == NULL || !is_w_named(root, root_name)) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: %s is not a "
                 "WordprocessingML %s part", path, name, root_name);
        goto bad;
    }
    return xd;
bad:
    xmlFreeDoc(xd);
    return NULL;
}

/*
 * Load word/styles.xml (required) and word/document.xml (for its page
 * setup, optional) of the reference document into dx.
 */
static int
ref_load(struct dx *dx)
{
    const char *path = dx->opts->reference_doc;
    struct pd_buf data = {0};
    zip_error_t ze;
    zip_t *za;
    int zerr = 0, rc, ret = -1;

    za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (za == NULL) {
        zip_error_init_with_code(&ze, zerr);
        if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_NOENT || zerr == ZIP_ER_READ)
            pd_error(dx->d, PD_ERR_NOINPUT, 0, "reference doc %s: cannot "
                     "open: %s", path, zip_error_strerror(&ze));
        else
            pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: not a DOCX "
                     "(zip): %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    if (zip_get_num_entries(za, 0) > REF_ENTRIES_MAX) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: too many zip "
                 "entries (more than %d)", path, REF_ENTRIES_MAX);
        goto out;
    }
    rc = ref_read_part(dx, za, "word/styles.xml", &data);
    if (rc < 0)
        goto out;
    if (rc > 0) {
        pd_error(dx->d, PD_ERR_DATA, 0, "reference doc %s: no "
                 "word/styles.xml (not a Word document?)", path);
        goto out;
    }
    dx->ref_styles = ref_parse(dx, &data, "word/styles.xml", "styles");
    if (dx->ref_styles == NULL)
        goto out;
    pd_buf_clear(&data);
    rc = ref_read_part(dx, za, "word/document.xml", &data);
    if (rc < 0)
        goto out;
    if (rc == 0) {
        dx->ref_document = ref_parse(dx, &data, "word/document.xml",
                                     "document");
        if (dx->ref_document == NULL)
            goto out;
    }
    ret = 0;
out:
    pd_buf_free(&data);
    zip_discard(za);
    return ret;
}

/* The body-level w:sectPr of a parsed document.xml, or NULL. */
static const xmlNode *
ref_body_sectpr(xmlDocPtr xd)
{
    const xmlNode *root, *c, *found = NULL;

    if (xd == NULL || (root = xmlDocGetRootElement(xd)) == NULL)
        return NULL;
    for (c = root->children; c != NULL; c = c->next)
        if (is_w_named(c, "body"))
            break;
    if (c == NULL)
        return NULL;
    for (c = c->children; c != NULL; c = c->next)
        if (is_w_named(c, "sectPr"))
            found = c;
    return found;
}

/*
 * ------------------------------------------------------------------------
 * Resources and parts
 * ------------------------------------------------------------------------
 */

/* The style's template file name ("styles.xml"), or NULL if absent. */
static const char *
style_res(const struct dx *dx, const char *file, size_t *len)
{
    char name[160];

    snprintf(name, sizeof(name), "%s%s", dx->res, file);
    return pd_resource(name, len);
}

/* Queue a finished part (static data, or the buffer of x, taken over). */
static int
add_part(struct dx *dx, const char *name, const char *ctype,
         const char *data, size_t len, struct xw *x)
{
    struct part *p;

    if (dx->nparts == MAX_PARTS)
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: too many parts");
    p = &dx->parts[dx->nparts++];
    p->name = name;
    p->ctype = ctype;
    if (x != NULL) {
        p->owned = x->buf;
        x->buf = NULL;
        p->data = (const char *)xmlBufferContent(p->owned);
        p->len = (size_t)xmlBufferLength(p->owned);
    } else {
        p->data = data;
        p->len = len;
    }
    return 0;
}

/* Finish part x and queue it; an error of libxml2 is an internal one. */
static int
add_xw_part(struct dx *dx, const char *name, const char *ctype, struct xw *x)
{
    if (xw_finish(x) < 0) {
        xw_free(x);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0,
                        "docx: writing %s failed (libxml2)", name);
    }
    if (add_part(dx, name, ctype, NULL, 0, x) < 0) {
        xw_free(x);
        return -1;
    }
    return 0;
}

/* Queue the style's template file as a part, verbatim. */
static int
add_template_part(struct dx *dx, const char *file, const char *name,
                  const char *ctype)
{
    size_t len;
    const char *data = style_res(dx, file, &len);

    if (data == NULL)
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: style %s has no "
                        "%s", dx->style->name, file);
    return add_part(dx, name, ctype, data, len, NULL);
}

/*
 * ------------------------------------------------------------------------
 * document.xml: inlines
 * ------------------------------------------------------------------------
 */

/* 1 when url may become an external hyperlink. */
static int
link_allowed(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 ||
           strncasecmp(url, "https://", 8) == 0 ||
           strncasecmp(url, "mailto:", 7) == 0;
}

/*
 * The relationship target for url in b: percent-encoded where a URI
 * cannot carry a byte (spaces, controls, non-ASCII, quotes and brackets),
 * and then a colon after the scheme's too when that is what keeps it
 * from parsing ("https://a://b" from text), so that it is a valid
 * xsd:anyURI as libxml2 (and the schema check) parses one.  Returns 0, or
 * -1 when it still is not a URI: the text then stays plain.
 */
static int
link_target(const char *url, struct pd_buf *b)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;
    const char *scheme_end = strchr(url, ':');
    int pass;
    xmlURIPtr uri;

    for (pass = 0; pass < 2; pass++) {
        pd_buf_clear(b);
        for (p = (const unsigned char *)url; *p != '\0'; p++) {
            if (*p <= 0x20 || *p >= 0x7F ||
                strchr("\"<>\\^`{|}", *p) != NULL ||
                (pass == 1 && *p == ':' && (const char *)p != scheme_end)) {
                pd_buf_putc(b, '%');
                pd_buf_putc(b, hex[*p >> 4]);
                pd_buf_putc(b, hex[*p & 15]);
            } else
                pd_buf_putc(b, *p);
        }
        uri = xmlParseURI(b->data ? b->data : "");
        if (uri != NULL) {
            xmlFreeURI(uri);
            return 0;
        }
    }
    return -1;
}

/*
 * Register the hyperlink target b (made by link_target(), taken over) and
 * return its number N (relationship rIdLinkN).
 */
static size_t
add_link(struct dx *dx, struct pd_buf *b)
{
    if (dx->nurls == dx->capurls) {
        dx->capurls = dx->capurls ? dx->capurls * 2 : 16;
        dx->urls = pd_xrealloc(dx->urls, dx->capurls * sizeof(*dx->urls));
    }
    dx->urls[dx->nurls++] = b->data ? b->data : strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return dx->nurls;
}

/*
 * One run: w:rPr from fmt, then the text as w:t pieces separated by
 * w:tab (for a tab) and w:br (for a newline).  Every w:t keeps its
 * spaces (xml:space="preserve").  The run is written by run_step(),
 * about RUN_PIECE bytes of text at a time; the bytes are those of one
 * run written whole.
 */
static void
run_begin(struct dx *dx, const char *s, size_t len, const struct run_fmt *f)
{
    struct run_cur *r = &dx->run;

    if (len == 0)
        return;
    memset(r, 0, sizeof(*r));
    r->active = 1;
    r->s = s;
    r->len = len;
    r->f = *f;
}

/* Write the next piece of the current run; ends it after its text. */
static int
run_step(struct dx *dx)
{
    struct xw *x = &dx->x;
    struct run_cur *r = &dx->run;
    size_t budget = RUN_PIECE;

    if (!r->open) {
        const struct run_fmt *f = &r->f;

        xw_start(x, "w:r");
        if (f->rstyle != NULL || f->bold || f->italic) {
            xw_start(x, "w:rPr");
            if (f->rstyle != NULL)
                xw_empty(x, "w:rStyle", "w:val", f->rstyle);
            if (f->bold) {
                xw_empty(x, "w:b", NULL, NULL);
                xw_empty(x, "w:bCs", NULL, NULL);
            }
            if (f->italic) {
                xw_empty(x, "w:i", NULL, NULL);
                xw_empty(x, "w:iCs", NULL, NULL);
            }
            xw_end(x);
        }
        r->open = 1;
    }
    while (r->pos < r->len && budget > 0 && !x->err) {
        const char *p = r->s + r->pos;
        size_t left = r->len - r->pos, n;

        if (!r->in_t) {
            if (*p == '\t' || *p == '\n') {
                xw_empty(x, *p == '\t' ? "w:tab" : "w:br", NULL, NULL);
                r->pos++;
                budget--;
                continue;
            }
            xw_start(x, "w:t");
            xw_attr(x, "xml:space", "preserve");
            r->in_t = 1;
        }
        /*
         * The text up to the next tab or newline, at most a piece: cut
         * where a character starts (tabs and newlines do, so the cut is
         * never beyond them).
         */
        for (n = 0; n < left && n < budget && p[n] != '\t' && p[n] != '\n';
             n++)
            ;
        if (n < left && p[n] != '\t' && p[n] != '\n')
            n = piece_end(p, left, n);
        xw_text(x, p, n);
        r->pos += n;
        budget = n >= budget ? 0 : budget - n;
        if (r->pos == r->len || r->s[r->pos] == '\t' ||
            r->s[r->pos] == '\n') {
            xw_end(x);          /* w:t */
            r->in_t = 0;
        }
    }
    if (r->pos == r->len && !r->in_t) {
        xw_end(x);              /* w:r */
        r->active = 0;
    }
    return x->err ? -1 : 0;
}

/* Start writing the inline content of block (NULL: a code block). */
static void
para_begin(struct dx *dx, const struct pd_node *block)
{
    struct para_cur *c = &dx->para;

    memset(c, 0, sizeof(*c));
    c->active = 1;
    c->block = block;
    if (block != NULL)
        pd_iter_init(&c->it, block);
}

/*
 * One step of the inline content of the current paragraph: runs for
 * text, w:hyperlink around the runs of allowed links, w:br for line
 * breaks; at the end, the paragraph is closed.  Walks the subtree with
 * the iterator (no recursion).
 */
static int
para_step(struct dx *dx)
{
    struct xw *x = &dx->x;
    struct para_cur *c = &dx->para;
    const struct pd_node *n;
    struct run_fmt f;
    pd_event ev;
    int d;

    ev = c->block != NULL ? pd_iter_next(&c->it, &n) : PD_EVENT_DONE;
    if (ev == PD_EVENT_DONE) {
        c->active = 0;
        return xw_end(x);       /* w:p */
    }
    if (n == c->block)
        return x->err ? -1 : 0;
    d = ev == PD_EVENT_ENTER ? 1 : -1;
    f.bold = c->strong > 0;
    f.italic = c->emph > 0;
    f.rstyle = c->open_link != NULL ? "Hyperlink" : NULL;
    switch (n->type) {
    case PD_NODE_TEXT:
        run_begin(dx, n->text, n->len, &f);
        break;
    case PD_NODE_CODE:
        f.rstyle = "VerbatimChar";
        run_begin(dx, n->text, n->len, &f);
        break;
    case PD_NODE_EMPH:
        c->emph += d;
        break;
    case PD_NODE_STRONG:
        c->strong += d;
        break;
    case PD_NODE_LINK:
        if (ev == PD_EVENT_ENTER && c->open_link == NULL &&
            n->as.link.url != NULL && link_allowed(n->as.link.url)) {
            struct pd_buf t = {0};
            char rid[40];

            if (link_target(n->as.link.url, &t) < 0) {
                pd_buf_free(&t);        /* not a URI: plain text */
                break;
            }
            snprintf(rid, sizeof(rid), "rIdLink%zu", add_link(dx, &t));
            xw_start(x, "w:hyperlink");
            xw_attr(x, "r:id", rid);
            c->open_link = n;
        } else if (ev == PD_EVENT_EXIT && n == c->open_link) {
            xw_end(x);
            c->open_link = NULL;
        }
        break;
    case PD_NODE_LINE_BREAK:
        xw_start(x, "w:r");
        xw_empty(x, "w:br", NULL, NULL);
        xw_end(x);
        break;
    case PD_NODE_RAW_INLINE:
        dx->ndropped++;
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
    case PD_NODE_CODE_BLOCK:
    case PD_NODE_THEMATIC_BREAK:
    case PD_NODE_PAGE_BREAK:
    case PD_NODE_PAID:
    case PD_NODE_PAYWALL:
    case PD_NODE_RAW_BLOCK:
    case PD_NODE__MAX:
        break;
    }
    return x->err ? -1 : 0;
}

/*
 * ------------------------------------------------------------------------
 * document.xml: blocks
 * ------------------------------------------------------------------------
 */

/* Paragraph options beyond the style. */
enum {
    PARA_RUN_IN = 1,        /* hide the mark: Word's style separator */
    PARA_RULE = 2           /* bottom border (thematic break) */
};

/* The index of glyph g in dx->bullets, or -1. */
static int
find_bullet(const struct dx *dx, uint32_t g)
{
    size_t i;

    for (i = 0; i < dx->nbullets; i++)
        if (dx->bullets[i] == g)
            return (int)i;
    return -1;
}

/*
 * The abstract numbering of a list node: 1..12 ordered by numbering and
 * delimiter; BULLET_KIND + i for a bullet list, where bullets[i] is its
 * glyph (added when new; glyphs that cannot be written, and glyphs beyond
 * the first BULLETS_MAX distinct ones, become U+2022).
 */
static int
list_kind(struct dx *dx, const struct pd_node *list)
{
    int numbering = list->as.list.numbering, delim = list->as.list.delim;
    uint32_t g = list->as.list.bullet;
    int i;

    if (list->type == PD_NODE_BULLET_LIST) {
        if (g <= ' ' || !pd_is_xml_char(g) || (g >= 0x7F && g < 0xA0))
            g = 0x2022;
        i = find_bullet(dx, g);
        if (i < 0 && dx->nbullets >= BULLETS_MAX) {
            g = 0x2022;
            i = find_bullet(dx, g);
        }
        if (i >= 0)
            return BULLET_KIND + i;
        if (dx->nbullets == dx->capbullets) {
            dx->capbullets = dx->capbullets ? dx->capbullets * 2 : 8;
            dx->bullets = pd_xrealloc(dx->bullets, dx->capbullets *
                                      sizeof(*dx->bullets));
        }
        dx->bullets[dx->nbullets++] = g;
        return BULLET_KIND + (int)dx->nbullets - 1;
    }
    if (numbering < 0 || numbering > PD_NUM_CIRCLED)
        numbering = PD_NUM_DECIMAL;
    if (delim < 0 || delim > PD_DELIM_NONE)
        delim = PD_DELIM_PERIOD;
    return 1 + numbering * 3 + delim;
}

/*
 * Open a paragraph: <w:p> and its w:pPr.  style is the paragraph style
 * (NULL: the list or quote style, else Normal).  Inside a list the
 * first paragraph of an item carries the item's number; later ones are
 * indented to the item's text.  List paragraphs show whether the list is
 * tight: w:contextualSpacing (no space between them) for a tight list;
 * for a loose one space after each paragraph, with contextual spacing
 * explicitly off, which read_docx.c reads back as loose.
 */
static int
open_para(struct dx *dx, const char *style, int flags)
{
    struct xw *x = &dx->x;
    struct list_level *top = dx->nlists ? &dx->lists[dx->nlists - 1] : NULL;
    const struct style_info *si = dx->style;
    int number = 0, left = -1;

    if (top != NULL) {
        if (style == NULL)
            style = "ListParagraph";
        if (top->pending) {
            number = 1;
            top->pending = 0;
        } else
            left = si->list_left + si->list_step * top->ilvl;
    } else if (dx->quote_depth > 0) {
        if (style == NULL)
            style = "Quote";
        if (dx->quote_depth > 1)
            left = si->quote_step * dx->quote_depth;
    }
    dx->nblocks++;
    xw_start(x, "w:p");
    if (style == NULL && !number && left < 0 && flags == 0)
        return x->err ? -1 : 0;
    xw_start(x, "w:pPr");
    if (style != NULL)
        xw_empty(x, "w:pStyle", "w:val", style);
    if (number) {
        xw_start(x, "w:numPr");
        xw_val_int(x, "w:ilvl", top->ilvl);
        xw_val_int(x, "w:numId", top->num_id);
        xw_end(x);
    }
    if (flags & PARA_RULE) {
        xw_start(x, "w:pBdr");
        xw_start(x, "w:bottom");
        xw_attr(x, "w:val", "single");
        xw_attr(x, "w:sz", "6");
        xw_attr(x, "w:space", "1");
        xw_attr(x, "w:color", "auto");
        xw_end(x);
        xw_end(x);
    }
    if (top != NULL && !top->tight) {
        xw_start(x, "w:spacing");
        xw_attr_int(x, "w:after", LOOSE_AFTER);
        xw_end(x);
    }
    if (left >= 0) {
        xw_start(x, "w:ind");
        xw_attr_int(x, "w:left", left);
        xw_end(x);
    }
    if (top != NULL)
        xw_empty(x, "w:contextualSpacing", top->tight ? NULL : "w:val",
                 top->tight ? NULL : "0");
    if (flags & PARA_RUN_IN) {
        xw_start(x, "w:rPr");
        xw_empty(x, "w:vanish", NULL, NULL);
        xw_empty(x, "w:specVanish", NULL, NULL);
        xw_end(x);
    }
    return xw_end(x);
}

/*
 * Start a paragraph of inline content in the given style; para_step()
 * writes its content and closes it.
 */
static int
begin_para(struct dx *dx, const struct pd_node *n, const char *style,
           int flags)
{
    open_para(dx, style, flags);
    para_begin(dx, n);
    return dx->x.err ? -1 : 0;
}

/*
 * Start a code block: one paragraph, its lines separated by w:br (one
 * run, written by run_step(); para_step() then closes the paragraph).
 */
static int
begin_code_block(struct dx *dx, const struct pd_node *n)
{
    struct run_fmt f = { 0, 0, NULL };
    size_t len = n->len;

    open_para(dx, "SourceCode", 0);
    if (len > 0 && n->text[len - 1] == '\n')
        len--;
    para_begin(dx, NULL);
    run_begin(dx, n->text, len, &f);
    return dx->x.err ? -1 : 0;
}

/* Start a list: a new w:num (restarting the numbering), one level in. */
static int
open_list(struct dx *dx, const struct pd_node *list)
{
    struct list_level *lv;
    struct num_inst *ni;

    /* An item whose first block is this list still shows its number. */
    if (dx->nlists > 0 && dx->lists[dx->nlists - 1].pending) {
        open_para(dx, NULL, 0);
        xw_end(&dx->x);
    }
    if (dx->nnums == dx->capnums) {
        dx->capnums = dx->capnums ? dx->capnums * 2 : 16;
        dx->nums = pd_xrealloc(dx->nums, dx->capnums * sizeof(*dx->nums));
    }
    ni = &dx->nums[dx->nnums++];
    ni->kind = list_kind(dx, list);
    ni->ilvl = dx->nlists < LIST_LEVELS ? (int)dx->nlists : LIST_LEVELS - 1;
    ni->start = list->type == PD_NODE_ORDERED_LIST ? list->as.list.start : 1;
    if (ni->kind < BULLET_KIND)
        dx->kinds |= 1u << ni->kind;
    if (dx->nlists == dx->caplists) {
        dx->caplists = dx->caplists ? dx->caplists * 2 : 8;
        dx->lists = pd_xrealloc(dx->lists, dx->caplists * sizeof(*dx->lists));
    }
    lv = &dx->lists[dx->nlists++];
    lv->num_id = (int)dx->nnums;
    lv->ilvl = ni->ilvl;
    lv->pending = 0;
    lv->tight = list->as.list.tight != 0;
    return dx->x.err ? -1 : 0;
}

/* A paid section opens: block content control and bookmark paid_N. */
static int
open_paid(struct dx *dx, const struct pd_node *n)
{
    struct xw *x = &dx->x;
    char name[32];

    dx->npaid++;
    dx->nblocks++;
    snprintf(name, sizeof(name), "paid_%d", dx->npaid);
    xw_start(x, "w:sdt");
    xw_start(x, "w:sdtPr");
    xw_empty(x, "w:alias", "w:val", dx->style->paid_alias);
    xw_empty(x, "w:tag", "w:val", "paid");
    xw_val_int(x, "w:id", dx->npaid);
    xw_end(x);
    xw_start(x, "w:sdtContent");
    xw_start(x, "w:bookmarkStart");
    xw_attr_int(x, "w:id", dx->npaid);
    xw_attr(x, "w:name", name);
    xw_end(x);
    if (n->first == NULL) {
        open_para(dx, NULL, 0);
        xw_end(x);
    }
    return x->err ? -1 : 0;
}

/* A paid section closes. */
static int
close_paid(struct dx *dx)
{
    struct xw *x = &dx->x;

    xw_start(x, "w:bookmarkEnd");
    xw_attr_int(x, "w:id", dx->npaid);
    xw_end(x);
    xw_end(x);      /* w:sdtContent */
    return xw_end(x);   /* w:sdt */
}

/*
 * The body's w:sectPr: footer references, then the page setup of the
 * reference document (without its own header/footer references) or of
 * the style's sectPr.xml.
 */
static int
write_sectpr(struct dx *dx)
{
    struct xw *x = &dx->x;
    const xmlNode *src = ref_body_sectpr(dx->ref_document), *c;

    if (src == NULL && dx->sect_tpl != NULL)
        src = xmlDocGetRootElement(dx->sect_tpl);
    xw_start(x, "w:sectPr");
    if (dx->have_footer) {
        xw_start(x, "w:footerReference");
        xw_attr(x, "w:type", "default");
        xw_attr(x, "r:id", "rIdFooterOdd");
        xw_end(x);
    }
    if (dx->have_even_footer) {
        xw_start(x, "w:footerReference");
        xw_attr(x, "w:type", "even");
        xw_attr(x, "r:id", "rIdFooterEven");
        xw_end(x);
    }
    for (c = src != NULL ? src->children : NULL; c != NULL; c = c->next)
        if (is_w(c) && !is_w_named(c, "headerReference") &&
            !is_w_named(c, "footerReference"))
            copy_elem(x, c, 1);
    return xw_end(x);
}

/*
 * One event of the walk of the body: paragraph-like blocks are started
 * (para_step() writes their inlines) and skipped by the walk.
 */
static int
body_event(struct dx *dx, pd_event ev, const struct pd_node *n)
{
    struct xw *x = &dx->x;
    int enter = ev == PD_EVENT_ENTER;
    char style[16];

    switch (n->type) {
    case PD_NODE_TITLE:
        if (enter) {
            begin_para(dx, n, "Title", 0);
            pd_iter_skip(&dx->body);
        }
        break;
    case PD_NODE_HEADING:
        if (enter) {
            int level = n->as.heading.level;
            int flags = 0;

            if (level < 1)
                level = 1;
            if (level > 6)
                level = 6;
            snprintf(style, sizeof(style), "Heading%d", level);
            if (n->as.heading.run_in && n->next != NULL &&
                n->next->type == PD_NODE_PARAGRAPH)
                flags |= PARA_RUN_IN;
            begin_para(dx, n, style, flags);
            pd_iter_skip(&dx->body);
        }
        break;
    case PD_NODE_PARAGRAPH:
        if (enter) {
            begin_para(dx, n, NULL, 0);
            pd_iter_skip(&dx->body);
        }
        break;
    case PD_NODE_PAYWALL:
        if (enter) {
            begin_para(dx, n, "Paywall", 0);
            pd_iter_skip(&dx->body);
        }
        break;
    case PD_NODE_CODE_BLOCK:
        begin_code_block(dx, n);
        break;
    case PD_NODE_THEMATIC_BREAK:
        open_para(dx, NULL, PARA_RULE);
        xw_end(x);
        break;
    case PD_NODE_PAGE_BREAK:
        dx->nblocks++;
        xw_start(x, "w:p");
        xw_start(x, "w:r");
        xw_empty(x, "w:br", "w:type", "page");
        xw_end(x);
        xw_end(x);
        break;
    case PD_NODE_BULLET_LIST:
    case PD_NODE_ORDERED_LIST:
        if (enter)
            open_list(dx, n);
        else if (dx->nlists > 0)
            dx->nlists--;
        break;
    case PD_NODE_LIST_ITEM:
        if (dx->nlists == 0)
            break;
        if (enter)
            dx->lists[dx->nlists - 1].pending = 1;
        else if (dx->lists[dx->nlists - 1].pending) {
            open_para(dx, NULL, 0);     /* an empty item */
            xw_end(x);
        }
        break;
    case PD_NODE_BLOCK_QUOTE:
        dx->quote_depth += enter ? 1 : -1;
        break;
    case PD_NODE_PAID:
        if (enter)
            open_paid(dx, n);
        else
            close_paid(dx);
        break;
    case PD_NODE_RAW_BLOCK:
        dx->ndropped++;
        break;
    case PD_NODE_NONE:
    case PD_NODE_DOCUMENT:
    case PD_NODE_TEXT:
    case PD_NODE_EMPH:
    case PD_NODE_STRONG:
    case PD_NODE_CODE:
    case PD_NODE_LINK:
    case PD_NODE_LINE_BREAK:
    case PD_NODE_RAW_INLINE:
    case PD_NODE__MAX:
        break;
    }
    return x->err ? -1 : 0;
}

/*
 * The next step of word/document.xml: the start of the document, one
 * event of the body's walk, one inline event of a paragraph, one piece
 * of a run, or the end (the body's w:sectPr).  Everything the writing
 * carries from one step to the next is in dx, so that the part can be
 * written on demand while libzip reads it.  The caller ends the XML
 * document once the phase is PH_DONE.
 */
static int
doc_step(struct dx *dx)
{
    struct xw *x = &dx->x;
    const struct pd_node *n;
    pd_event ev;

    if (x->err)
        return -1;
    switch (dx->phase) {
    case PH_HEAD:
        xw_start(x, "w:document");
        xw_attr(x, "xmlns:w", W_NS);
        xw_attr(x, "xmlns:r", R_NS);
        xw_start(x, "w:body");
        pd_iter_init(&dx->body, dx->doc->root);
        dx->phase = PH_BODY;
        break;
    case PH_BODY:
        if (dx->run.active)
            return run_step(dx);
        if (dx->para.active)
            return para_step(dx);
        ev = pd_iter_next(&dx->body, &n);
        if (ev == PD_EVENT_DONE)
            dx->phase = PH_TAIL;
        else
            body_event(dx, ev, n);
        break;
    case PH_TAIL:
        if (dx->nblocks == 0)
            xw_empty(x, "w:p", NULL, NULL);
        write_sectpr(dx);
        xw_end(x);      /* w:body */
        xw_end(x);      /* w:document */
        dx->phase = PH_DONE;
        break;
    default:
        break;
    }
    return x->err ? -1 : 0;
}

/*
 * Reset what the writing of document.xml collects or carries (numbering
 * instances, hyperlinks, open lists, counters), so that the second
 * writing starts where the first did, and open its writer on dx->sink.
 */
static int
doc_begin(struct dx *dx)
{
    size_t i;

    for (i = 0; i < dx->nurls; i++)
        free(dx->urls[i]);
    dx->nurls = 0;
    dx->nnums = 0;
    dx->kinds = 0;
    dx->nbullets = 0;
    dx->nlists = 0;
    dx->quote_depth = 0;
    dx->npaid = 0;
    dx->nblocks = 0;
    dx->ndropped = 0;
    dx->phase = PH_HEAD;
    memset(&dx->para, 0, sizeof(dx->para));
    memset(&dx->run, 0, sizeof(dx->run));
    dx->doc_done = 0;
    return xw_open_sink(&dx->x, &dx->sink);
}

/*
 * word/document.xml, first writing: the whole part, its bytes counted
 * (and kept when they fit in DOCX_KEEP_MAX).  Collects what the other
 * parts need: numbering instances, bullets, hyperlinks.
 */
static int
write_document(struct dx *dx)
{
    struct xw *x = &dx->x;
    struct sink *k = &dx->sink;
    struct part *p;

    memset(k, 0, sizeof(*k));
    k->keeping = 1;
    doc_begin(dx);
    while (dx->phase != PH_DONE && !x->err)
        doc_step(dx);
    if (dx->ndropped > 0)
        pd_warn(dx->d, 0, "docx: %u raw block%s or inline%s left out "
                "(DOCX cannot hold them)", dx->ndropped,
                dx->ndropped == 1 ? "" : "s", dx->ndropped == 1 ? "" : "s");
    if (xw_finish(x) < 0 || (uint64_t)(size_t)k->total != k->total) {
        xw_free(x);
        bytes_free(&k->keep);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0,
                        "docx: writing word/document.xml failed (libxml2)");
    }
    dx->doc_size = k->total;
    if (add_part(dx, "word/document.xml", CT_WML "document.main+xml",
                 k->keeping ? k->keep.p : NULL, (size_t)k->total, NULL) < 0) {
        bytes_free(&k->keep);
        return -1;
    }
    p = &dx->parts[dx->nparts - 1];
    if (k->keeping) {
        /* Kept: zipped from memory like the other parts. */
        p->owned_mem = k->keep.p;
        if (p->data == NULL)
            p->data = "";
        memset(&k->keep, 0, sizeof(k->keep));
    }
    return 0;
}

/*
 * ------------------------------------------------------------------------
 * Streaming word/document.xml
 * ------------------------------------------------------------------------
 */

/*
 * libzip's source of a document.xml larger than DOCX_KEEP_MAX: OPEN
 * starts the second writing, each READ writes steps until it has the
 * bytes asked for (or the part is complete), so that only a few pieces
 * of XML are in memory at a time.  STAT gives the size of the first
 * writing, which the second must match.  An error of the writing is
 * recorded in dx->d (the first error is the one reported) and fails the
 * read, hence zip_close().
 */
static zip_int64_t
doc_source(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct dx *dx = ud;
    struct sink *k = &dx->sink;
    struct bytes *b = &k->pend;
    zip_stat_t *st;
    size_t n, avail;

    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        xw_free(&dx->x);
        bytes_free(b);
        memset(k, 0, sizeof(*k));
        k->stream = 1;
        if (doc_begin(dx) < 0)
            goto fail;
        return 0;
    case ZIP_SOURCE_READ:
        if (b->off > 0) {       /* move what is left to the front */
            memmove(b->p, b->p + b->off, b->len - b->off);
            b->len -= b->off;
            b->off = 0;
        }
        while (b->len < len && !dx->doc_done) {
            if (dx->phase != PH_DONE) {
                if (doc_step(dx) < 0)
                    goto fail;
            } else {
                dx->doc_done = 1;
                if (xw_finish(&dx->x) < 0)
                    goto fail;
            }
        }
        avail = b->len - b->off;
        n = len < avail ? (size_t)len : avail;
        if (n == 0 && k->total != dx->doc_size) {
            pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: word/document.xml "
                     "came out as %llu bytes, not %llu",
                     (unsigned long long)k->total,
                     (unsigned long long)dx->doc_size);
            zip_error_set(&dx->doc_ze, ZIP_ER_INTERNAL, 0);
            return -1;
        }
        memcpy(data, b->p + b->off, n);
        b->off += n;
        return (zip_int64_t)n;
    case ZIP_SOURCE_CLOSE:
        xw_free(&dx->x);
        bytes_free(b);
        return 0;
    case ZIP_SOURCE_STAT:
        if (len < sizeof(*st)) {
            zip_error_set(&dx->doc_ze, ZIP_ER_INVAL, 0);
            return -1;
        }
        st = data;
        /* What a buffer source of the same bytes would say. */
        st->size = dx->doc_size;
        st->comp_size = dx->doc_size;
        st->comp_method = ZIP_CM_STORE;
        st->encryption_method = ZIP_EM_NONE;
        st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
                     ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
        return sizeof(*st);
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&dx->doc_ze, data, len);
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
            ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS, -1);
    default:
        zip_error_set(&dx->doc_ze, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
fail:
    pd_error(dx->d, PD_ERR_INTERNAL, 0,
             "docx: writing word/document.xml failed (libxml2)");
    zip_error_set(&dx->doc_ze, ZIP_ER_INTERNAL, 0);
    return -1;
}

/*
 * ------------------------------------------------------------------------
 * The other parts
 * ------------------------------------------------------------------------
 */

static const char *const num_fmt[] = {
    "decimal", "lowerLetter", "upperLetter", "decimalEnclosedCircle"
};

/*
 * One w:lvl of abstract numbering kind (see list_kind).  A bullet
 * numbering shows its glyph at every level: the list's own bullet.
 */
static int
write_lvl(struct dx *dx, struct xw *x, int kind, int ilvl)
{
    const struct style_info *si = dx->style;
    char text[32];
    const char *suff;
    int numbering = (kind - 1) / 3, delim = (kind - 1) % 3;
    struct pd_buf g = {0};

    if (kind >= BULLET_KIND) {
        pd_utf8_put(&g, dx->bullets[kind - BULLET_KIND]);
        snprintf(text, sizeof(text), "%s", g.data);
        pd_buf_free(&g);
        kind = 0;
    } else
        snprintf(text, sizeof(text), "%%%d%s", ilvl + 1,
                 delim == PD_DELIM_PERIOD ? "." :
                 delim == PD_DELIM_PAREN ? ")" : "");
    if (si->list_hanging > 0)
        suff = "tab";
    else
        suff = kind != 0 && delim == PD_DELIM_NONE ? "nothing" : "space";
    xw_start(x, "w:lvl");
    xw_attr_int(x, "w:ilvl", ilvl);
    xw_val_int(x, "w:start", 1);
    xw_empty(x, "w:numFmt", "w:val", kind == 0 ? "bullet" : num_fmt[numbering]);
    xw_empty(x, "w:suff", "w:val", suff);
    xw_empty(x, "w:lvlText", "w:val", text);
    xw_empty(x, "w:lvlJc", "w:val", "left");
    xw_start(x, "w:pPr");
    xw_start(x, "w:ind");
    xw_attr_int(x, "w:left", si->list_left + si->list_step * ilvl);
    if (si->list_hanging > 0)
        xw_attr_int(x, "w:hanging", si->list_hanging);
    else {
        xw_attr(x, "w:firstLineChars", "200");
        xw_attr(x, "w:firstLine", "640");
    }
    xw_end(x);
    xw_end(x);
    return xw_end(x);
}

/*
 * word/numbering.xml: one abstract numbering per kind of list used (nine
 * levels each; one per bullet glyph), then one w:num per list,
 * restarting at the list's start.
 */
static int
write_numbering(struct dx *dx)
{
    struct xw x;
    char nsid[16];
    int kind, ilvl;
    size_t i;

    if (xw_open(&x) < 0)
        goto fail;
    xw_start(&x, "w:numbering");
    xw_attr(&x, "xmlns:w", W_NS);
    for (kind = 1; kind < BULLET_KIND + (int)dx->nbullets; kind++) {
        if (kind < BULLET_KIND && !(dx->kinds & (1u << kind)))
            continue;
        xw_start(&x, "w:abstractNum");
        xw_attr_int(&x, "w:abstractNumId", kind);
        snprintf(nsid, sizeof(nsid), "5044%04X", (unsigned)kind);
        xw_empty(&x, "w:nsid", "w:val", nsid);
        xw_empty(&x, "w:multiLevelType", "w:val", "hybridMultilevel");
        for (ilvl = 0; ilvl < LIST_LEVELS; ilvl++)
            write_lvl(dx, &x, kind, ilvl);
        xw_end(&x);
    }
    for (i = 0; i < dx->nnums; i++) {
        xw_start(&x, "w:num");
        xw_attr_int(&x, "w:numId", (long)i + 1);
        xw_val_int(&x, "w:abstractNumId", dx->nums[i].kind);
        xw_start(&x, "w:lvlOverride");
        xw_attr_int(&x, "w:ilvl", dx->nums[i].ilvl);
        xw_val_int(&x, "w:startOverride", dx->nums[i].start);
        xw_end(&x);
        xw_end(&x);
    }
    xw_end(&x);
    return add_xw_part(dx, "word/numbering.xml", CT_WML "numbering+xml", &x);
fail:
    xw_free(&x);
    return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: numbering.xml: "
                    "libxml2 failed");
}

/* The w:styleId of a w:style element, or NULL. */
static const char *
style_id(const xmlNode *n)
{
    return is_w_named(n, "style") ? w_attr_text(n, "styleId") : NULL;
}

/* 1 when the styles element root has a style with the given id. */
static int
has_style(const xmlNode *root, const char *id)
{
    const xmlNode *c;

    for (c = root->children; c != NULL; c = c->next) {
        const char *s = style_id(c);

        if (s != NULL && strcmp(s, id) == 0)
            return 1;
    }
    return 0;
}

/*
 * word/styles.xml from the reference document: its content copied, then
 * every style of our template whose id it lacks (Title, Paywall, ...), so
 * that every style the document names exists.
 */
static int
write_ref_styles(struct dx *dx)
{
    const xmlNode *theirs = xmlDocGetRootElement(dx->ref_styles), *c;
    const xmlNode *ours = NULL;
    const char *tpl;
    xmlDocPtr tdoc = NULL;
    size_t len;
    struct xw x;
    int ret;

    tpl = style_res(dx, "styles.xml", &len);
    if (tpl != NULL && len <= INT_MAX)
        tdoc = xmlReadMemory(tpl, (int)len, "styles.xml", NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING);
    if (tdoc != NULL)
        ours = xmlDocGetRootElement(tdoc);
    if (xw_open(&x) < 0) {
        xw_free(&x);
        xmlFreeDoc(tdoc);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: styles.xml: "
                        "libxml2 failed");
    }
    xw_start(&x, "w:styles");
    xw_attr(&x, "xmlns:w", W_NS);
    for (c = theirs->children; c != NULL; c = c->next)
        copy_elem(&x, c, 1);
    for (c = ours != NULL ? ours->children : NULL; c != NULL; c = c->next) {
        const char *id = style_id(c);

        if (id != NULL && !has_style(theirs, id))
            copy_elem(&x, c, 1);
    }
    xw_end(&x);
    ret = add_xw_part(dx, "word/styles.xml", CT_WML "styles+xml", &x);
    xmlFreeDoc(tdoc);
    return ret;
}

/* One <Relationship Id Type Target [TargetMode]/>. */
static int
write_rel(struct xw *x, const char *id, const char *type, const char *target,
          int external)
{
    xw_start(x, "Relationship");
    xw_attr(x, "Id", id);
    xw_attr(x, "Type", type);
    xw_attr(x, "Target", target);
    if (external)
        xw_attr(x, "TargetMode", "External");
    return xw_end(x);
}

/* word/_rels/document.xml.rels: the parts, then the hyperlinks. */
static int
write_document_rels(struct dx *dx)
{
    struct xw x;
    char id[40];
    size_t i;

    if (xw_open(&x) < 0)
        goto fail;
    xw_start(&x, "Relationships");
    xw_attr(&x, "xmlns", REL_NS);
    write_rel(&x, "rIdStyles", REL_BASE "styles", "styles.xml", 0);
    write_rel(&x, "rIdSettings", REL_BASE "settings", "settings.xml", 0);
    write_rel(&x, "rIdFontTable", REL_BASE "fontTable", "fontTable.xml", 0);
    if (dx->nnums > 0)
        write_rel(&x, "rIdNumbering", REL_BASE "numbering", "numbering.xml",
                  0);
    if (dx->have_footer)
        write_rel(&x, "rIdFooterOdd", REL_BASE "footer", "footer1.xml", 0);
    if (dx->have_even_footer)
        write_rel(&x, "rIdFooterEven", REL_BASE "footer", "footer2.xml", 0);
    for (i = 0; i < dx->nurls; i++) {
        snprintf(id, sizeof(id), "rIdLink%zu", i + 1);
        write_rel(&x, id, REL_BASE "hyperlink", dx->urls[i], 1);
    }
    xw_end(&x);
    return add_xw_part(dx, "word/_rels/document.xml.rels", NULL, &x);
fail:
    xw_free(&x);
    return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: rels: libxml2 failed");
}

/* _rels/.rels: the main document and the two property parts. */
static int
write_package_rels(struct dx *dx)
{
    struct xw x;

    if (xw_open(&x) < 0) {
        xw_free(&x);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: .rels: libxml2 "
                        "failed");
    }
    xw_start(&x, "Relationships");
    xw_attr(&x, "xmlns", REL_NS);
    write_rel(&x, "rId1", REL_BASE "officeDocument", "word/document.xml", 0);
    write_rel(&x, "rId2", "http://schemas.openxmlformats.org/package/2006/"
              "relationships/metadata/core-properties", "docProps/core.xml",
              0);
    write_rel(&x, "rId3", REL_BASE "extended-properties", "docProps/app.xml",
              0);
    xw_end(&x);
    return add_xw_part(dx, "_rels/.rels", NULL, &x);
}

/* 1 when s[0..n) are all ASCII digits. */
static int
digits(const char *s, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/*
 * The -M date as a W3CDTF date-time for dcterms:created, into out (at
 * least 40 bytes): YYYY, YYYY-MM and YYYY-MM-DD are completed to midnight
 * UTC of the first day; YYYY-MM-DDThh:mm[:ss][Z|+hh:mm] is kept (seconds
 * added).  Returns 0, or -1 when the date is not in one of these forms.
 */
static int
w3cdtf(const char *s, char *out, size_t outlen)
{
    size_t n = strlen(s);
    const char *tz;

    if (n == 4 && digits(s, 4))
        return snprintf(out, outlen, "%s-01-01T00:00:00Z", s), 0;
    if (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2))
        return snprintf(out, outlen, "%s-01T00:00:00Z", s), 0;
    if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
        s[7] != '-' || !digits(s + 8, 2))
        return -1;
    if (s[5] > '1' || (s[5] == '1' && s[6] > '2') || (s[5] == '0' && s[6] == '0') ||
        s[8] > '3' || (s[8] == '0' && s[9] == '0'))
        return -1;
    if (n == 10)
        return snprintf(out, outlen, "%sT00:00:00Z", s), 0;
    if (s[10] != 'T' || n < 16 || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2))
        return -1;
    tz = s + 16;
    if (tz[0] == ':' && digits(tz + 1, 2))
        tz += 3;
    if (!(strcmp(tz, "Z") == 0 || tz[0] == '\0' ||
          ((tz[0] == '+' || tz[0] == '-') && strlen(tz) == 6 &&
           digits(tz + 1, 2) && tz[3] == ':' && digits(tz + 4, 2))))
        return -1;
    if (tz == s + 16)   /* no seconds: add them */
        snprintf(out, outlen, "%.16s:00%s", s, tz);
    else
        snprintf(out, outlen, "%s", s);
    return 0;
}

/*
 * docProps/core.xml: title, author and (when -M date is given
 * in a W3CDTF form) the creation date.  Nothing time-dependent otherwise.
 */
static int
write_core(struct dx *dx)
{
    const char *title = pd_doc_meta(dx->doc, "title");
    const char *author = pd_doc_meta(dx->doc, "author");
    const char *date = pd_doc_meta(dx->doc, "date");
    char when[64];
    struct xw x;

    if (xw_open(&x) < 0) {
        xw_free(&x);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: core.xml: libxml2 "
                        "failed");
    }
    xw_start(&x, "cp:coreProperties");
    xw_attr(&x, "xmlns:cp", "http://schemas.openxmlformats.org/package/2006/"
            "metadata/core-properties");
    xw_attr(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    xw_attr(&x, "xmlns:dcterms", "http://purl.org/dc/terms/");
    xw_attr(&x, "xmlns:dcmitype", "http://purl.org/dc/dcmitype/");
    xw_attr(&x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    if (title != NULL && *title != '\0') {
        xw_start(&x, "dc:title");
        xw_text(&x, title, strlen(title));
        xw_end(&x);
    }
    if (author != NULL && *author != '\0') {
        xw_start(&x, "dc:creator");
        xw_text(&x, author, strlen(author));
        xw_end(&x);
    }
    if (date != NULL && *date != '\0') {
        if (w3cdtf(date, when, sizeof(when)) == 0) {
            xw_start(&x, "dcterms:created");
            xw_attr(&x, "xsi:type", "dcterms:W3CDTF");
            xw_text(&x, when, strlen(when));
            xw_end(&x);
        } else
            pd_warn(dx->d, 0, "docx: date '%s' is not YYYY[-MM[-DD]] or an "
                    "ISO 8601 date-time; not written to core.xml", date);
    }
    xw_end(&x);
    return add_xw_part(dx, "docProps/core.xml",
                       "application/vnd.openxmlformats-package."
                       "core-properties+xml", &x);
}

/* docProps/app.xml: the application name. */
static int
write_app(struct dx *dx)
{
    struct xw x;

    if (xw_open(&x) < 0) {
        xw_free(&x);
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: app.xml: libxml2 "
                        "failed");
    }
    xw_start(&x, "Properties");
    xw_attr(&x, "xmlns", "http://schemas.openxmlformats.org/officeDocument/"
            "2006/extended-properties");
    xw_start(&x, "Application");
    xw_text(&x, "paidoc", 6);
    xw_end(&x);
    xw_end(&x);
    return add_xw_part(dx, "docProps/app.xml",
                       "application/vnd.openxmlformats-officedocument."
                       "extended-properties+xml", &x);
}

/* [Content_Types].xml: defaults for .rels and .xml, one override a part. */
static int
write_content_types(struct dx *dx, struct xw *x)
{
    int i;

    if (xw_open(x) < 0)
        return -1;
    xw_start(x, "Types");
    xw_attr(x, "xmlns", CT_NS);
    xw_start(x, "Default");
    xw_attr(x, "Extension", "rels");
    xw_attr(x, "ContentType",
            "application/vnd.openxmlformats-package.relationships+xml");
    xw_end(x);
    xw_start(x, "Default");
    xw_attr(x, "Extension", "xml");
    xw_attr(x, "ContentType", "application/xml");
    xw_end(x);
    for (i = 0; i < dx->nparts; i++) {
        char pname[128];

        if (dx->parts[i].ctype == NULL)
            continue;
        snprintf(pname, sizeof(pname), "/%s", dx->parts[i].name);
        xw_start(x, "Override");
        xw_attr(x, "PartName", pname);
        xw_attr(x, "ContentType", dx->parts[i].ctype);
        xw_end(x);
    }
    xw_end(x);
    return xw_finish(x);
}

/*
 * ------------------------------------------------------------------------
 * The zip
 * ------------------------------------------------------------------------
 */

/* Position of part name in the fixed order of the package. */
static int
part_rank(const char *name)
{
    static const char *const order[] = {
        "[Content_Types].xml", "_rels/.rels", "word/document.xml",
        "word/_rels/document.xml.rels", "word/styles.xml",
        "word/settings.xml", "word/fontTable.xml", "word/numbering.xml",
        "word/footer1.xml", "word/footer2.xml", "docProps/core.xml",
        "docProps/app.xml"
    };
    int i;

    for (i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
        if (strcmp(order[i], name) == 0)
            return i;
    return 99;
}

static int
cmp_part(const void *a, const void *b)
{
    const struct part *pa = a, *pb = b;
    int ra = part_rank(pa->name), rb = part_rank(pb->name);

    return ra != rb ? ra - rb : strcmp(pa->name, pb->name);
}

/*
 * The zip being written: a libzip source that keeps the archive in
 * STORE_CHUNK chunks.  libzip goes back to each entry's local header to
 * fill in its CRC and sizes, so the bytes cannot go to the output as
 * they come; once the archive is complete, zip_parts() appends the
 * chunks to the output, freeing each, so that the archive is never in
 * memory twice.  The source starts empty and is written once
 * (ZIP_TRUNCATE): BEGIN_WRITE starts from nothing, ROLLBACK_WRITE and
 * REMOVE drop what was written.
 */
struct zstore {
    char **chunk;
    size_t nchunk, capchunk;
    zip_uint64_t size;      /* bytes in the archive */
    zip_uint64_t wpos;      /* where the next write goes */
    zip_uint64_t rpos;      /* where the next read comes from */
    zip_error_t err;
};

static void
zstore_clear(struct zstore *z)
{
    size_t i;

    for (i = 0; i < z->nchunk; i++)
        free(z->chunk[i]);
    z->nchunk = 0;
    z->size = z->wpos = z->rpos = 0;
}

static zip_int64_t
zstore_write(struct zstore *z, const char *p, zip_uint64_t len)
{
    zip_uint64_t done = 0;

    while (done < len) {
        size_t ci = (size_t)(z->wpos / STORE_CHUNK);
        size_t at = (size_t)(z->wpos % STORE_CHUNK);
        size_t n = STORE_CHUNK - at;

        if (n > len - done)
            n = (size_t)(len - done);
        while (z->nchunk <= ci) {
            if (z->nchunk == z->capchunk) {
                z->capchunk = z->capchunk ? z->capchunk * 2 : 16;
                z->chunk = pd_xrealloc(z->chunk, z->capchunk *
                                       sizeof(*z->chunk));
            }
            z->chunk[z->nchunk++] = pd_xmalloc(STORE_CHUNK);
        }
        memcpy(z->chunk[ci] + at, p + done, n);
        done += n;
        z->wpos += n;
        if (z->wpos > z->size)
            z->size = z->wpos;
    }
    return (zip_int64_t)len;
}

static zip_int64_t
zstore_read(struct zstore *z, char *p, zip_uint64_t len)
{
    zip_uint64_t done = 0;

    while (done < len && z->rpos < z->size) {
        size_t ci = (size_t)(z->rpos / STORE_CHUNK);
        size_t at = (size_t)(z->rpos % STORE_CHUNK);
        zip_uint64_t n = STORE_CHUNK - at;

        if (n > len - done)
            n = len - done;
        if (n > z->size - z->rpos)
            n = z->size - z->rpos;
        memcpy(p + done, z->chunk[ci] + at, (size_t)n);
        done += n;
        z->rpos += n;
    }
    return (zip_int64_t)done;
}

static zip_int64_t
zstore_source(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct zstore *z = ud;
    zip_stat_t *st;
    zip_int64_t off;

    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        z->rpos = 0;
        return 0;
    case ZIP_SOURCE_READ:
        return zstore_read(z, data, len);
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_SEEK:
        off = zip_source_seek_compute_offset(z->rpos, z->size, data, len,
                                             &z->err);
        if (off < 0)
            return -1;
        z->rpos = (zip_uint64_t)off;
        return 0;
    case ZIP_SOURCE_TELL:
        return (zip_int64_t)z->rpos;
    case ZIP_SOURCE_STAT:
        if (len < sizeof(*st)) {
            zip_error_set(&z->err, ZIP_ER_INVAL, 0);
            return -1;
        }
        st = data;
        st->size = z->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof(*st);
    case ZIP_SOURCE_BEGIN_WRITE:
        zstore_clear(z);
        return 0;
    case ZIP_SOURCE_WRITE:
        return zstore_write(z, data, len);
    case ZIP_SOURCE_SEEK_WRITE:
        off = zip_source_seek_compute_offset(z->wpos, z->size, data, len,
                                             &z->err);
        if (off < 0)
            return -1;
        z->wpos = (zip_uint64_t)off;
        return 0;
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)z->wpos;
    case ZIP_SOURCE_COMMIT_WRITE:
        return 0;
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
        zstore_clear(z);
        return 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&z->err, data, len);
    case ZIP_SOURCE_FREE:
        return 0;       /* the store belongs to zip_parts() */
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
            ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_SEEK,
            ZIP_SOURCE_TELL, ZIP_SOURCE_STAT, ZIP_SOURCE_BEGIN_WRITE,
            ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE,
            ZIP_SOURCE_COMMIT_WRITE, ZIP_SOURCE_ROLLBACK_WRITE,
            ZIP_SOURCE_REMOVE, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
            ZIP_SOURCE_SUPPORTS, -1);
    default:
        zip_error_set(&z->err, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/*
 * Zip the parts in their fixed order into memory (a zstore) and append
 * the archive to out.  Every entry gets the same modification time, local 1980-01-01
 * 12:00 (zip times are local, so this is the same bytes in any time
 * zone).
 */
static int
zip_parts(struct dx *dx, struct pd_buf *out)
{
    zip_error_t ze;
    zip_source_t *src = NULL, *s;
    zip_t *za = NULL;
    struct zstore store;
    struct tm tm;
    time_t mtime;
    zip_int64_t idx;
    size_t c;
    int i, ret = -1;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = 80;
    tm.tm_mday = 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    mtime = mktime(&tm);
    qsort(dx->parts, (size_t)dx->nparts, sizeof(dx->parts[0]), cmp_part);

    zip_error_init(&ze);
    memset(&store, 0, sizeof(store));
    zip_error_init(&store.err);
    src = zip_source_function_create(zstore_source, &store, &ze);
    if (src == NULL)
        goto zerr;
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (za == NULL)
        goto zerr;
    zip_source_keep(src);
    for (i = 0; i < dx->nparts; i++) {
        const struct part *p = &dx->parts[i];

        if (p->data != NULL)
            s = zip_source_buffer(za, p->data, p->len, 0);
        else
            s = zip_source_function(za, doc_source, dx);
        if (s == NULL)
            goto zaerr;
        idx = zip_file_add(za, p->name, s, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(s);
            goto zaerr;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE,
                                     p->len > BIG_PART ? 1 : 6) < 0 ||
            zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) < 0)
            goto zaerr;
    }
    if (zip_close(za) < 0)
        goto zaerr;
    za = NULL;
    /* Append the archive, freeing each chunk once it is copied. */
    for (c = 0; c < store.nchunk; c++) {
        zip_uint64_t at = (zip_uint64_t)c * STORE_CHUNK;
        size_t n = store.size - at < STORE_CHUNK ?
                   (size_t)(store.size - at) : STORE_CHUNK;

        if (at < store.size)
            pd_buf_put(out, store.chunk[c], n);
        free(store.chunk[c]);
        store.chunk[c] = NULL;
    }
    store.nchunk = 0;
    ret = 0;
    goto out;
zaerr:
    pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: zip: %s", zip_strerror(za));
    goto out;
zerr:
    pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: zip: %s",
             zip_error_strerror(&ze));
out:
    if (za != NULL)
        zip_discard(za);
    if (src != NULL)
        zip_source_free(src);
    zstore_clear(&store);
    free(store.chunk);
    zip_error_fini(&store.err);
    zip_error_fini(&ze);
    return ret;
}

/*
 * ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------
 */

/* Choose the style: --style, else by the document's language. */
static int
choose_style(struct dx *dx)
{
    const char *name = dx->opts->style;
    size_t i;

    if (name == NULL || *name == '\0')
        name = pd_doc_is_cjk(dx->doc) ? "gongwen" : "plain";
    for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
        if (strcmp(styles[i].name, name) == 0) {
            dx->style = &styles[i];
            snprintf(dx->res, sizeof(dx->res), "docx/%s/", name);
            return 0;
        }
    return pd_error(dx->d, PD_ERR_USAGE, 0, "unknown docx style '%s' (use "
                    "gongwen or plain)", name);
}

/* Parse the style's page setup, for -M papersize=letter its Letter one. */
static int
load_sectpr(struct dx *dx)
{
    const char *paper = pd_doc_meta(dx->doc, "papersize");
    const char *file = "sectPr.xml", *data;
    size_t len;

    if (paper != NULL && strcasecmp(paper, "letter") == 0) {
        if (style_res(dx, "sectPr-letter.xml", &len) != NULL)
            file = "sectPr-letter.xml";
        else
            pd_warn(dx->d, 0, "docx: style %s has no Letter page setup; "
                    "using A4", dx->style->name);
    } else if (paper != NULL && strcasecmp(paper, "a4") != 0)
        pd_warn(dx->d, 0, "docx: unknown papersize '%s' (use a4 or letter); "
                "using A4", paper);
    data = style_res(dx, file, &len);
    if (data == NULL || len > INT_MAX)
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: style %s has no "
                        "%s", dx->style->name, file);
    dx->sect_tpl = xmlReadMemory(data, (int)len, file, NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR |
                                 XML_PARSE_NOWARNING);
    if (dx->sect_tpl == NULL)
        return pd_error(dx->d, PD_ERR_INTERNAL, 0, "docx: style %s: %s is "
                        "not well-formed", dx->style->name, file);
    return 0;
}

int
pd_write_docx(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    struct pd_opts defaults;
    struct dx dx;
    struct xw ct;
    size_t len;
    int ret = -1, i;

    if (opts == NULL) {
        memset(&defaults, 0, sizeof(defaults));
        opts = &defaults;
    }
    memset(&dx, 0, sizeof(dx));
    memset(&ct, 0, sizeof(ct));
    dx.doc = doc;
    dx.opts = opts;
    dx.d = d;
    zip_error_init(&dx.doc_ze);
    if (choose_style(&dx) < 0)
        goto out;
    if (opts->reference_doc != NULL && ref_load(&dx) < 0)
        goto out;
    if (load_sectpr(&dx) < 0)
        goto out;
    dx.have_footer = style_res(&dx, "footer-odd.xml", &len) != NULL;
    dx.have_even_footer = dx.have_footer &&
                          style_res(&dx, "footer-even.xml", &len) != NULL;

    if (write_document(&dx) < 0)
        goto out;
    if (dx.ref_styles != NULL) {
        if (write_ref_styles(&dx) < 0)
            goto out;
    } else if (add_template_part(&dx, "styles.xml", "word/styles.xml",
                                 CT_WML "styles+xml") < 0)
        goto out;
    if (add_template_part(&dx, "settings.xml", "word/settings.xml",
                          CT_WML "settings+xml") < 0 ||
        add_template_part(&dx, "fontTable.xml", "word/fontTable.xml",
                          CT_WML "fontTable+xml") < 0)
        goto out;
    if (dx.nnums > 0 && write_numbering(&dx) < 0)
        goto out;
    if (dx.have_footer &&
        add_template_part(&dx, "footer-odd.xml", "word/footer1.xml",
                          CT_WML "footer+xml") < 0)
        goto out;
    if (dx.have_even_footer &&
        add_template_part(&dx, "footer-even.xml", "word/footer2.xml",
                          CT_WML "footer+xml") < 0)
        goto out;
    if (write_document_rels(&dx) < 0 || write_package_rels(&dx) < 0 ||
        write_core(&dx) < 0 || write_app(&dx) < 0)
        goto out;
    if (write_content_types(&dx, &ct) < 0) {
        pd_error(d, PD_ERR_INTERNAL, 0, "docx: [Content_Types].xml: libxml2 "
                 "failed");
        goto out;
    }
    if (add_part(&dx, "[Content_Types].xml", NULL, NULL, 0, &ct) < 0)
        goto out;
    ret = zip_parts(&dx, out);
out:
    xw_free(&ct);
    xw_free(&dx.x);
    for (i = 0; i < dx.nparts; i++) {
        if (dx.parts[i].owned != NULL)
            xmlBufferFree(dx.parts[i].owned);
        free(dx.parts[i].owned_mem);
    }
    bytes_free(&dx.sink.keep);
    bytes_free(&dx.sink.pend);
    zip_error_fini(&dx.doc_ze);
    for (len = 0; len < dx.nurls; len++)
        free(dx.urls[len]);
    free(dx.urls);
    free(dx.nums);
    free(dx.bullets);
    free(dx.lists);
    xmlFreeDoc(dx.ref_styles);
    xmlFreeDoc(dx.ref_document);
    xmlFreeDoc(dx.sect_tpl);
    return ret;
}
