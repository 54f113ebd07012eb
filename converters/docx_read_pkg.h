/*
 * docx_read_pkg.h - internals of the DOCX reader, shared by read_docx.c and
 * docx_read_pkg.c.  Not part of the public API.
 *
 * The reader works in stages, as pandoc's does:
 *   1. the package (docx_read_pkg.c): the zip opened from memory with every
 *      part read under a size cap, relationships resolved inside the
 *      package, each XML part parsed by libxml2 with safe options;
 *      document.xml as a stream (an xmlTextReader fed from zip_fread),
 *      so that only the subtree being walked is in memory;
 *   2. the parts (read_docx.c): styles, numbering and core properties into
 *      small tables; document.xml walked iteratively into a flat list of
 *      paragraph records with inline items, built child by child of
 *      w:body when streamed;
 *   3. the tree (read_docx.c): the records turned into blocks through the
 *      builder (lists, paid sections, headings, code, quotes).
 */
#ifndef PD_DOCX_READ_PKG_H
#define PD_DOCX_READ_PKG_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "paidoc.h"

/* Default limits (pd_opts.max_part / max_total when 0). */
#define DXR_MAX_PART ((size_t)64 << 20)
#define DXR_MAX_TOTAL ((size_t)256 << 20)
#define DXR_MAX_ENTRIES 10000

/* A string → index map with open addressing; keys are borrowed. */
struct dxr_map {
    const char **keys;
    int *vals;
    size_t cap;     /* power of two, or 0 */
    size_t n;
};

void dxr_map_put(struct dxr_map *m, const char *key, int val);
int dxr_map_get(const struct dxr_map *m, const char *key);
void dxr_map_free(struct dxr_map *m);

/* One relationship of a part. */
struct dxr_rel {
    const char *id;
    const char *type;       /* the full type URI */
    const char *target;     /* as written */
    char *part;             /* resolved part name inside the package
                               (malloc'd), or NULL when external/outside */
    int external;
};

struct dxr_rels {
    struct dxr_rel *v;
    size_t n;
    struct dxr_map byid;
    xmlDoc *xml;            /* owns the strings above */
};

/* The opened package. */
struct dxr_pkg {
    zip_source_t *src;
    zip_t *zip;
    size_t max_part;
    size_t budget;          /* bytes that may still be decompressed */
    struct pd_diag *d;
};

/*
 * Open len bytes of in as a DOCX package: OLE sniff, zip checks (entry
 * count, names equal ignoring case).  Returns 0 or -1 with the error in d.
 */
int dxr_pkg_open(struct dxr_pkg *p, const unsigned char *in, size_t len,
                 const struct pd_opts *opts, struct pd_diag *d);
void dxr_pkg_close(struct dxr_pkg *p);

/* 1 when the package has a part of that name (ASCII case ignored). */
int dxr_pkg_has(struct dxr_pkg *p, const char *name);

/*
 * Parse part `name` as XML.  *out is NULL (and 0 returned) when the part
 * does not exist and required is 0.  Errors (size caps, encryption,
 * compression method, malformed XML, a DTD) return -1.
 */
int dxr_pkg_xml(struct dxr_pkg *p, const char *name, int required,
                xmlDoc **out);

/*
 * A part parsed as a stream (xmlTextReader fed from zip_fread), for
 * document.xml: only the subtree being read is in memory.
 */
struct dxr_stream {
    struct dxr_pkg *p;
    zip_file_t *f;
    xmlTextReaderPtr reader;
    size_t size;            /* declared */
    size_t got;             /* inflated so far */
    int eof;                /* read to its end, as declared */
    int bad;                /* read error, or longer or shorter than declared */
    unsigned errors;        /* messages of libxml2 (counted, not reported) */
    int held;               /* libxml2's handlers set to count (nesting) */
    xmlStructuredErrorFunc sfn;     /* and the ones they replaced */
    void *sctx;
    xmlGenericErrorFunc gfn;
    void *gctx;
};

/*
 * Open part `name` as a stream, with the checks and options of
 * dxr_pkg_xml() (the declared size is taken from the budget).  Returns 0,
 * or -1 with nothing recorded in the diagnostics: the part is missing or
 * fails a check, and dxr_pkg_xml() on a fresh package reports it.
 */
int dxr_stream_open(struct dxr_pkg *p, const char *name,
                    struct dxr_stream *s);

/*
 * xmlTextReaderRead, xmlTextReaderNext and xmlTextReaderExpand on the
 * stream, with libxml2's messages counted in s->errors instead of reported.
 */
int dxr_stream_read(struct dxr_stream *s);
int dxr_stream_next(struct dxr_stream *s);
xmlNode *dxr_stream_expand(struct dxr_stream *s);

/*
 * From dxr_stream_hold() to dxr_stream_release() libxml2's handlers stay
 * set to count for s, instead of being set and restored in every call
 * above: for a loop of many calls.  Nothing else may be parsed in between
 * (its messages would be counted as the stream's).
 */
void dxr_stream_hold(struct dxr_stream *s);
void dxr_stream_release(struct dxr_stream *s);

/*
 * 1 when the part was inflated to its end, exactly as declared, and libxml2
 * reported nothing (call after the reader returned 0).  Otherwise reading
 * the part whole with dxr_pkg_xml() gives the error (or the warnings) that
 * apply.
 */
int dxr_stream_clean(const struct dxr_stream *s);
void dxr_stream_close(struct dxr_stream *s);

/*
 * Read the relationships of part `source` ("" for the package itself)
 * into r.  A missing .rels part gives no relationships.
 */
int dxr_pkg_rels(struct dxr_pkg *p, const char *source, struct dxr_rels *r);
void dxr_rels_free(struct dxr_rels *r);

/* The first relationship whose type ends with "/" suffix, or NULL. */
const struct dxr_rel *dxr_rels_by_type(const struct dxr_rels *r,
                                       const char *suffix);

/* Namespace classes of the elements and attributes the reader knows. */
enum dxr_ns {
    DXR_NS_OTHER = 0,
    DXR_NS_W,       /* wordprocessingml main, transitional or strict */
    DXR_NS_R,       /* officeDocument relationships */
    DXR_NS_MC,      /* markup compatibility */
    DXR_NS_PKGREL,  /* package relationships */
    DXR_NS_CT,      /* content types */
    DXR_NS_DC,      /* Dublin Core elements */
    DXR_NS_DCTERMS, /* Dublin Core terms */
    DXR_NS_CP       /* core properties */
};

/* The namespace class of a node or attribute's namespace (may be NULL). */
int dxr_ns_class(const xmlNs *ns);

/* 1 when n is an element of namespace class ns with local name name. */
int dxr_is(const xmlNode *n, int ns, const char *name);

/* The first child element of n that dxr_is(ns, name), or NULL. */
xmlNode *dxr_child(const xmlNode *n, int ns, const char *name);

/*
 * The value of attribute name in namespace class ns (DXR_NS_OTHER: no
 * namespace) of n, or NULL.  Only the attribute's text children are used;
 * entity references are never expanded.
 */
const char *dxr_attr(const xmlNode *n, int ns, const char *name);

#endif /* PD_DOCX_READ_PKG_H */
