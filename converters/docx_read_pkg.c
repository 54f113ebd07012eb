/*
 * docx_read_pkg.c - the package layer of the DOCX reader: the zip opened
 * from memory, parts read under size caps, relationships, safe XML
 * parsing (whole, or as a stream for document.xml), and small helpers for
 * namespaces and attributes.
 *
 * Facts this relies on (shared/RELIABILITY.md §2-3, measured on Debian 12):
 * libzip 1.7.3 does not enforce an entry's declared size, so every read is
 * capped here at declared+1 bytes; ZIP_CHECKCONS rejects overlapping
 * entries; libxml2 2.9.14 is XXE-safe without XML_PARSE_NOENT, but entity
 * references must never be expanded by the tree walk, so parts with a DTD
 * are refused outright.  A streamed part gets the same options and caps;
 * it falls back to the whole read on the first libxml2 message, which
 * also covers the few inputs where the push parser behind xmlTextReader
 * and the whole-buffer parser differ (one text node over 10 MB is
 * accepted only when it comes as one ASCII line in a whole buffer).
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "paidoc.h"
#include "internal.h"
#include "docx_read_pkg.h"

/*
 * ------------------------------------------------------------------------
 * String map
 * ------------------------------------------------------------------------
 */

/* FNV-1a of a NUL-terminated string. */
static size_t
map_hash(const char *s)
{
    size_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Double the table (or create it) and re-insert every key. */
static void
map_grow(struct dxr_map *m)
{
    struct dxr_map old = *m;
    size_t i;

    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = pd_xmalloc(m->cap * sizeof(*m->keys));
    m->vals = pd_xmalloc(m->cap * sizeof(*m->vals));
    memset(m->keys, 0, m->cap * sizeof(*m->keys));
    m->n = 0;
    for (i = 0; i < old.cap; i++)
        if (old.keys[i] != NULL)
            dxr_map_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

/* Insert or replace key (borrowed) with val. */
void
dxr_map_put(struct dxr_map *m, const char *key, int val)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap)
        map_grow(m);
    i = map_hash(key) & (m->cap - 1);
    while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == NULL)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* The value of key, or -1. */
int
dxr_map_get(const struct dxr_map *m, const char *key)
{
    size_t i;

    if (m->cap == 0 || key == NULL)
        return -1;
    i = map_hash(key) & (m->cap - 1);
    while (m->keys[i] != NULL) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void
dxr_map_free(struct dxr_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/*
 * ------------------------------------------------------------------------
 * Namespaces and attributes
 * ------------------------------------------------------------------------
 */

static const struct {
    const char *href;
    int cls;
} ns_table[] = {
    { "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      DXR_NS_W },
    { "http://purl.oclc.org/ooxml/wordprocessingml/main", DXR_NS_W },
    { "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      DXR_NS_R },
    { "http://purl.oclc.org/ooxml/officeDocument/relationships", DXR_NS_R },
    { "http://schemas.openxmlformats.org/markup-compatibility/2006",
      DXR_NS_MC },
    { "http://schemas.openxmlformats.org/package/2006/relationships",
      DXR_NS_PKGREL },
    { "http://schemas.openxmlformats.org/package/2006/content-types",
      DXR_NS_CT },
    { "http://purl.org/dc/elements/1.1/", DXR_NS_DC },
    { "http://purl.org/dc/terms/", DXR_NS_DCTERMS },
    { "http://schemas.openxmlformats.org/package/2006/metadata/"
      "core-properties", DXR_NS_CP },
};

/*
 * The class of a namespace, cached in the namespace's _private field
 * (class + 1) so that each declaration is compared with the table once.
 */
int
dxr_ns_class(const xmlNs *ns)
{
    xmlNs *w = (xmlNs *)(uintptr_t)ns;
    size_t i;
    int cls = DXR_NS_OTHER;

    if (ns == NULL || ns->href == NULL)
        return DXR_NS_OTHER;
    if (ns->_private != NULL)
        return (int)((intptr_t)ns->_private - 1);
    for (i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]); i++)
        if (strcmp((const char *)ns->href, ns_table[i].href) == 0) {
            cls = ns_table[i].cls;
            break;
        }
    w->_private = (void *)(intptr_t)(cls + 1);
    return cls;
}

int
dxr_is(const xmlNode *n, int ns, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
        strcmp((const char *)n->name, name) == 0 &&
        dxr_ns_class(n->ns) == ns;
}

xmlNode *
dxr_child(const xmlNode *n, int ns, const char *name)
{
    xmlNode *c;

    if (n == NULL)
        return NULL;
    for (c = n->children; c != NULL; c = c->next)
        if (dxr_is(c, ns, name))
            return c;
    return NULL;
}

/*
 * An attribute's value from its first text child only.  Attributes in
 * namespace W are also accepted without a namespace, as some producers
 * write them.
 */
const char *
dxr_attr(const xmlNode *n, int ns, const char *name)
{
    const xmlAttr *a;
    int cls;

    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (a = n->properties; a != NULL; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        cls = a->ns == NULL ? DXR_NS_OTHER : dxr_ns_class(a->ns);
        if (cls != ns && !(ns == DXR_NS_W && a->ns == NULL))
            continue;
        if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
            a->children->content != NULL)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/*
 * ------------------------------------------------------------------------
 * The zip container
 * ------------------------------------------------------------------------
 */

/* External entities and DTDs are never loaded, whatever the options. */
static xmlParserInputPtr
refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when s ends with suffix, ASCII case ignored. */
static int
ends_with_nocase(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix), i;

    if (m > n)
        return 0;
    for (i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) !=
            tolower((unsigned char)suffix[i]))
            return 0;
    return 1;
}

/*
 * Check the entry names: none may equal another ignoring ASCII case (OPC
 * M1.12), and a macro project gets one warning.  Sorting lower-cased
 * copies keeps this O(n log n).
 */
static int
check_names(struct dxr_pkg *p, zip_int64_t n)
{
    char **low = pd_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(*low));
    zip_int64_t i, k = 0;
    int rc = 0, macros = 0;

    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(p->zip, (zip_uint64_t)i, 0);
        char *s;
        size_t j;

        if (name == NULL)
            continue;
        if (ends_with_nocase(name, "vbaProject.bin"))
            macros = 1;
        s = pd_xmalloc(strlen(name) + 1);
        for (j = 0; name[j] != '\0'; j++)
            s[j] = (char)tolower((unsigned char)name[j]);
        s[j] = '\0';
        low[k++] = s;
    }
    qsort(low, (size_t)k, sizeof(*low), cmp_str);
    for (i = 1; i < k; i++)
        if (strcmp(low[i - 1], low[i]) == 0) {
            rc = pd_error(p->d, PD_ERR_DATA, 0,
                          "not a DOCX (zip): duplicate part names "
                          "differing only in case: %.200s", low[i]);
            break;
        }
    for (i = 0; i < k; i++)
        free(low[i]);
    free(low);
    if (rc == 0 && macros)
        pd_warn(p->d, 0, "macros (vbaProject.bin) ignored");
    return rc;
}

/*
 * Open the package from memory: OLE sniff first (password-protected Word
 * files and .doc are CFB containers), then libzip with ZIP_CHECKCONS
 * (rejects overlapping entries), the entry-count limit and the name check.
 */
int
dxr_pkg_open(struct dxr_pkg *p, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    zip_error_t ze;
    zip_int64_t n;

    memset(p, 0, sizeof(*p));
    p->d = d;
    p->max_part = opts != NULL && opts->max_part ? opts->max_part
                                                 : DXR_MAX_PART;
    p->budget = opts != NULL && opts->max_total ? opts->max_total
                                                : DXR_MAX_TOTAL;
    xmlSetExternalEntityLoader(refuse_entity);
    if (len >= 4 && memcmp(in, "\xD0\xCF\x11\xE0", 4) == 0)
        return pd_error(d, PD_ERR_DATA, 0,
                        "encrypted or legacy Word file not supported");
    if (len == 0)
        return pd_error(d, PD_ERR_DATA, 0, "not a DOCX (zip): empty file");
    zip_error_init(&ze);
    p->src = zip_source_buffer_create(in, len, 0, &ze);
    if (p->src == NULL) {
        pd_error(d, PD_ERR_DATA, 0, "not a DOCX (zip): %s",
                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    p->zip = zip_open_from_source(p->src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (p->zip == NULL) {
        pd_error(d, PD_ERR_DATA, 0, "not a DOCX (zip): %s",
                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(p->src);
        p->src = NULL;
        return -1;
    }
    zip_error_fini(&ze);
    n = zip_get_num_entries(p->zip, 0);
    if (n > DXR_MAX_ENTRIES)
        return pd_error(d, PD_ERR_DATA, 0,
                        "limit: %lld zip entries > %d", (long long)n,
                        DXR_MAX_ENTRIES);
    return check_names(p, n);
}

void
dxr_pkg_close(struct dxr_pkg *p)
{
    if (p->zip != NULL)
        zip_discard(p->zip);    /* also frees the source */
    else if (p->src != NULL)
        zip_source_free(p->src);
    p->zip = NULL;
    p->src = NULL;
}

int
dxr_pkg_has(struct dxr_pkg *p, const char *name)
{
    return zip_name_locate(p->zip, name, ZIP_FL_NOCASE) >= 0;
}

/* Name of a compression method for messages. */
static const char *
method_name(int m)
{
    switch (m) {
    case ZIP_CM_DEFLATE64: return "deflate64";
    case ZIP_CM_BZIP2: return "bzip2";
    case ZIP_CM_LZMA: return "lzma";
    case ZIP_CM_LZMA2: return "lzma2";
    case ZIP_CM_XZ: return "xz";
    case 93: return "zstd";
    case ZIP_CM_IMPLODE: return "implode";
    case ZIP_CM_SHRINK: return "shrink";
    default: return "unknown";
    }
}

/* Name of an encryption method for messages. */
static const char *
encryption_name(int m)
{
    switch (m) {
    case ZIP_EM_TRAD_PKWARE: return "ZipCrypto";
    case ZIP_EM_AES_128: return "AES-128";
    case ZIP_EM_AES_192: return "AES-192";
    case ZIP_EM_AES_256: return "AES-256";
    default: return "unknown";
    }
}

/*
 * Check entry idx before reading it: not encrypted, stored or deflated,
 * its declared size known and within the part cap and the total budget.
 * Returns the declared size in *size, or -1: with the error recorded, or
 * silently when quiet is set.
 */
static int
check_entry(struct dxr_pkg *p, zip_int64_t idx, const char *name,
            size_t *size, int quiet)
{
    zip_stat_t st;

    zip_stat_init(&st);
    if (zip_stat_index(p->zip, (zip_uint64_t)idx, 0, &st) < 0)
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "not a DOCX (zip): %s: %s", name,
                                     zip_strerror(p->zip));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        st.encryption_method != ZIP_EM_NONE)
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "part %s is encrypted (%s, method %d): "
                                     "not supported", name,
                                     encryption_name(st.encryption_method),
                                     (int)st.encryption_method);
    if ((st.valid & ZIP_STAT_COMP_METHOD) &&
        st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "part %s uses compression method %s "
                                     "(%d): not supported", name,
                                     method_name(st.comp_method),
                                     (int)st.comp_method);
    if (!(st.valid & ZIP_STAT_SIZE))
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "not a DOCX (zip): %s: size unknown",
                                     name);
    if (st.size > p->max_part || st.size > (zip_uint64_t)INT_MAX)
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "limit: part %s is %llu bytes > cap "
                                     "%zu", name,
                                     (unsigned long long)st.size,
                                     p->max_part);
    if (st.size > p->budget)
        return quiet ? -1 : pd_error(p->d, PD_ERR_DATA, 0,
                                     "limit: decompressed parts exceed the "
                                     "total budget at %s (%llu bytes)", name,
                                     (unsigned long long)st.size);
    *size = (size_t)st.size;
    return 0;
}

/*
 * Read the whole of part idx into a malloc'd buffer.  The declared size is
 * checked against the part cap and the total budget before reading; the
 * read itself stops after declared+1 bytes, because libzip does not
 * enforce the declared size (a lying header is caught here).
 */
static int
read_entry(struct dxr_pkg *p, zip_int64_t idx, const char *name,
           char **out, size_t *outlen)
{
    zip_file_t *f;
    char *buf;
    size_t size, got = 0;
    zip_int64_t r;

    if (check_entry(p, idx, name, &size, 0) < 0)
        return -1;
    f = zip_fopen_index(p->zip, (zip_uint64_t)idx, 0);
    if (f == NULL)
        return pd_error(p->d, PD_ERR_DATA, 0, "not a DOCX (zip): %s: %s",
                        name, zip_strerror(p->zip));
    buf = pd_xmalloc(size + 1);
    while (got < size + 1) {
        r = zip_fread(f, buf + got, size + 1 - got);
        if (r < 0) {
            pd_error(p->d, PD_ERR_DATA, 0, "not a DOCX (zip): %s: %s",
                     name, zip_file_strerror(f));
            zip_fclose(f);
            free(buf);
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    zip_fclose(f);
    if (got > size) {
        free(buf);
        return pd_error(p->d, PD_ERR_DATA, 0,
                        "part %s: entry larger than declared (%zu bytes): "
                        "corrupt or zip bomb", name, size);
    }
    if (got < size) {
        free(buf);
        return pd_error(p->d, PD_ERR_DATA, 0,
                        "not a DOCX (zip): part %s truncated (%zu of %zu "
                        "bytes)", name, got, size);
    }
    p->budget -= got;
    *out = buf;
    *outlen = got;
    return 0;
}

/* Copy libxml2's message on one line, without its trailing newline. */
static void
trim_msg(char *dst, size_t cap, const char *msg)
{
    size_t n;
    char *p;

    snprintf(dst, cap, "%s", msg != NULL ? msg : "error");
    n = strlen(dst);
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
        dst[--n] = '\0';
    for (p = dst; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
        dst[--n] = '\0';
}

/*
 * Read and parse one part: NONET, no entity substitution, no DTD loading,
 * no HUGE and no RECOVER, so a broken part is an error with its line and
 * column; a part with any DOCTYPE is refused.
 */
int
dxr_pkg_xml(struct dxr_pkg *p, const char *name, int required,
            xmlDoc **out)
{
    zip_int64_t idx;
    xmlParserCtxtPtr ctxt;
    xmlDoc *doc;
    char *buf = NULL, msg[300];
    size_t len = 0;

    *out = NULL;
    idx = zip_name_locate(p->zip, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (!required)
            return 0;
        return pd_error(p->d, PD_ERR_DATA, 0,
                        "not a WordprocessingML package: no part %s", name);
    }
    if (read_entry(p, idx, name, &buf, &len) < 0)
        return -1;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        free(buf);
        return pd_error(p->d, PD_ERR_INTERNAL, 0, "out of memory");
    }
    doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    free(buf);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

        trim_msg(msg, sizeof(msg), e != NULL ? e->message : NULL);
        pd_error(p->d, PD_ERR_DATA, 0, "%s:%d:%d: malformed XML: %s", name,
                 e != NULL ? e->line : 0, e != NULL ? e->int2 : 0, msg);
        xmlFreeParserCtxt(ctxt);
        return -1;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        xmlFreeDoc(doc);
        return pd_error(p->d, PD_ERR_DATA, 0,
                        "%s: DTD not allowed in OOXML part", name);
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        xmlFreeDoc(doc);
        return pd_error(p->d, PD_ERR_DATA, 0, "%s: no root element", name);
    }
    *out = doc;
    return 0;
}

/*
 * ------------------------------------------------------------------------
 * A part read node by node
 * ------------------------------------------------------------------------
 */

/*
 * libxml2 reads the part from here, a block at a time.  The same caps as
 * read_entry(): never more than declared+1 bytes are inflated, and a read
 * error, a part longer than declared or one that ends early is a failure
 * (-1 to libxml2; dxr_stream_clean() is then false).
 */
static int
stream_io(void *ctx, char *buf, int len)
{
    struct dxr_stream *s = ctx;
    zip_int64_t r;
    size_t want;

    if (s->bad || len < 0)
        return -1;
    if (s->eof || len == 0)
        return 0;
    want = (size_t)len;
    if (want > s->size + 1 - s->got)
        want = s->size + 1 - s->got;
    r = zip_fread(s->f, buf, want);
    if (r < 0) {
        s->bad = 1;
        return -1;
    }
    if (r == 0) {
        if (s->got < s->size) {
            s->bad = 1;
            return -1;
        }
        s->eof = 1;
        return 0;
    }
    s->got += (size_t)r;
    if (s->got > s->size) {
        s->bad = 1;
        return -1;
    }
    return (int)r;
}

/* The zip file is closed by dxr_stream_close(), not by libxml2. */
static int
stream_io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/*
 * While the reader works, every message libxml2 would report or print is
 * only counted: one message means the streamed part is read again whole
 * (dxr_pkg_xml), which reports it as before.  The handlers are libxml2's
 * per-thread globals, so they are set around each call into the reader
 * only, never while another part is parsed, or once around a loop of
 * such calls (dxr_stream_hold()): each setting costs some twenty calls
 * into libxml2's thread-local lookups, a tenth of the reader's own work
 * on a paragraph of one run.
 */
static void
count_structured(void *ctx, xmlErrorPtr e)
{
    (void)e;
    ((struct dxr_stream *)ctx)->errors++;
}

static void
count_generic(void *ctx, const char *msg, ...)
{
    (void)msg;
    ((struct dxr_stream *)ctx)->errors++;
}

static void
quiet_begin(struct dxr_stream *s)
{
    if (s->held++ > 0)
        return;
    s->sfn = xmlStructuredError;
    s->sctx = xmlStructuredErrorContext;
    s->gfn = xmlGenericError;
    s->gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(s, count_structured);
    xmlSetGenericErrorFunc(s, count_generic);
}

static void
quiet_end(struct dxr_stream *s)
{
    if (--s->held > 0)
        return;
    xmlSetStructuredErrorFunc(s->sctx, s->sfn);
    xmlSetGenericErrorFunc(s->gctx, s->gfn);
}

void
dxr_stream_hold(struct dxr_stream *s)
{
    quiet_begin(s);
}

void
dxr_stream_release(struct dxr_stream *s)
{
    quiet_end(s);
}

/*
 * Open part name for reading with an xmlTextReader fed from zip_fread,
 * with the options of dxr_pkg_xml().  The checks of read_entry() come
 * first and the declared size is taken from the budget.  -1 (nothing
 * recorded in the diagnostics) when the part is missing or fails a check.
 */
int
dxr_stream_open(struct dxr_pkg *p, const char *name, struct dxr_stream *s)
{
    zip_int64_t idx;

    memset(s, 0, sizeof(*s));
    s->p = p;
    idx = zip_name_locate(p->zip, name, ZIP_FL_NOCASE);
    if (idx < 0 || check_entry(p, idx, name, &s->size, 1) < 0)
        return -1;
    s->f = zip_fopen_index(p->zip, (zip_uint64_t)idx, 0);
    if (s->f == NULL)
        return -1;
    p->budget -= s->size;
    quiet_begin(s);
    s->reader = xmlReaderForIO(stream_io, stream_io_close, s, name, NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    quiet_end(s);
    if (s->reader == NULL) {
        dxr_stream_close(s);
        return -1;
    }
    return 0;
}

int
dxr_stream_read(struct dxr_stream *s)
{
    int rc;

    quiet_begin(s);
    rc = xmlTextReaderRead(s->reader);
    quiet_end(s);
    return rc;
}

int
dxr_stream_next(struct dxr_stream *s)
{
    int rc;

    quiet_begin(s);
    rc = xmlTextReaderNext(s->reader);
    quiet_end(s);
    return rc;
}

xmlNode *
dxr_stream_expand(struct dxr_stream *s)
{
    xmlNode *n;

    quiet_begin(s);
    n = xmlTextReaderExpand(s->reader);
    quiet_end(s);
    return n;
}

int
dxr_stream_clean(const struct dxr_stream *s)
{
    return s->reader != NULL && !s->bad && s->eof && s->got == s->size &&
        s->errors == 0;
}

void
dxr_stream_close(struct dxr_stream *s)
{

    if (s->reader != NULL) {
        quiet_begin(s);
        xmlFreeTextReader(s->reader);
        quiet_end(s);
    }
    if (s->f != NULL)
        zip_fclose(s->f);
    s->reader = NULL;
    s->f = NULL;
}

/*
 * ------------------------------------------------------------------------
 * Relationships
 * ------------------------------------------------------------------------
 */

/*
 * Resolve target against the folder of part source: "/x" is absolute,
 * "." and ".." segments are folded.  A target that climbs above the
 * package root, or is empty, gives NULL.  Backslashes are not separators
 * in OPC; such names are kept and simply will not be found.
 */
static char *
resolve_target(const char *source, const char *target)
{
    size_t cap = strlen(source) + strlen(target) + 2, len = 0, seg;
    char *out = pd_xmalloc(cap);
    const char *s, *slash;

    if (target[0] == '/') {
        target++;
    } else {
        slash = strrchr(source, '/');
        if (slash != NULL) {
            len = (size_t)(slash - source) + 1;
            memcpy(out, source, len);
        }
    }
    out[len] = '\0';
    for (s = target; *s != '\0'; s += seg + (s[seg] == '/')) {
        seg = strcspn(s, "/#?");
        if (s[seg] == '#' || s[seg] == '?') {
            if (seg > 0)
                memcpy(out + len, s, seg), len += seg;
            break;
        }
        if (seg == 0 || (seg == 1 && s[0] == '.'))
            continue;
        if (seg == 2 && s[0] == '.' && s[1] == '.') {
            if (len == 0) {
                free(out);
                return NULL;
            }
            len--;      /* the trailing slash */
            while (len > 0 && out[len - 1] != '/')
                len--;
            continue;
        }
        memcpy(out + len, s, seg);
        len += seg;
        if (s[seg] == '/')
            out[len++] = '/';
    }
    out[len] = '\0';
    if (len == 0 || out[len - 1] == '/') {
        free(out);
        return NULL;
    }
    return out;
}

/*
 * Read source's relationships part (dir/_rels/name.rels).  Internal
 * targets are resolved inside the package; a target above the root is
 * dropped with one warning; external targets are kept only as strings.
 */
int
dxr_pkg_rels(struct dxr_pkg *p, const char *source, struct dxr_rels *r)
{
    char *name;
    const char *slash = strrchr(source, '/');
    xmlNode *root, *c;
    size_t n = 0, dir = slash != NULL ? (size_t)(slash - source) + 1 : 0;
    int warned = 0;

    memset(r, 0, sizeof(*r));
    name = pd_xmalloc(strlen(source) + 16);
    memcpy(name, source, dir);
    sprintf(name + dir, "_rels/%s.rels", source + dir);
    if (dxr_pkg_xml(p, name, 0, &r->xml) < 0) {
        free(name);
        return -1;
    }
    free(name);
    if (r->xml == NULL)
        return 0;
    root = xmlDocGetRootElement(r->xml);
    for (c = root->children; c != NULL; c = c->next)
        if (dxr_is(c, DXR_NS_PKGREL, "Relationship"))
            n++;
    r->v = pd_xmalloc((n ? n : 1) * sizeof(*r->v));
    for (c = root->children; c != NULL; c = c->next) {
        struct dxr_rel *rel;
        const char *mode;

        if (!dxr_is(c, DXR_NS_PKGREL, "Relationship"))
            continue;
        rel = &r->v[r->n];
        rel->id = dxr_attr(c, DXR_NS_OTHER, "Id");
        rel->type = dxr_attr(c, DXR_NS_OTHER, "Type");
        rel->target = dxr_attr(c, DXR_NS_OTHER, "Target");
        mode = dxr_attr(c, DXR_NS_OTHER, "TargetMode");
        if (rel->id == NULL || rel->type == NULL || rel->target == NULL)
            continue;
        rel->external = mode != NULL && strcmp(mode, "External") == 0;
        rel->part = rel->external ? NULL
                                  : resolve_target(source, rel->target);
        if (!rel->external && rel->part == NULL && !warned) {
            pd_warn(p->d, 0, "relationship target outside the package "
                    "ignored: %.200s", rel->target);
            warned = 1;
        }
        dxr_map_put(&r->byid, rel->id, (int)r->n);
        r->n++;
    }
    return 0;
}

void
dxr_rels_free(struct dxr_rels *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        free(r->v[i].part);
    free(r->v);
    dxr_map_free(&r->byid);
    if (r->xml != NULL)
        xmlFreeDoc(r->xml);
    memset(r, 0, sizeof(*r));
}

const struct dxr_rel *
dxr_rels_by_type(const struct dxr_rels *r, const char *suffix)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        const char *slash = strrchr(r->v[i].type, '/');

        if (slash != NULL && strcmp(slash + 1, suffix) == 0)
            return &r->v[i];
    }
    return NULL;
}
