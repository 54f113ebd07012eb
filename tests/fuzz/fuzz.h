/*
 * fuzz.h - shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each target is one small file: fuzz_<fmt>.c for a reader, and
 * fuzz_pipeline.c for any reader followed by every writer.  The checks
 * here abort() on a broken invariant, so that libFuzzer saves the input:
 *  - a reader either succeeds or fails with PD_ERR_DATA and a message;
 *  - the tree it builds obeys pd_can_contain(), and every text is valid
 *    UTF-8 without NUL bytes;
 *  - every writer succeeds on such a tree; text output is valid UTF-8;
 *    HTML parses with libxml2's HTML parser without unexpected errors;
 *    every XML part of a DOCX is well-formed; Markdown re-parses.
 * Build and run them with `make fuzz` (mk/fuzz.mk).
 */
#ifndef PD_FUZZ_H
#define PD_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "paidoc.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Text of len bytes: valid UTF-8 and no NUL. */
static inline void
fuzz_check_text(const char *what, const char *s, size_t len)
{
    char msg[160];
    size_t bad;

    if (len == 0)
        return;
    if (s == NULL)
        fuzz_fail(what, "NULL text with a length");
    bad = pd_utf8_check(s, len);
    if (bad < len) {
        snprintf(msg, sizeof(msg), "invalid UTF-8 at offset %zu of %zu", bad,
                 len);
        fuzz_fail(what, msg);
    }
    if (memchr(s, 0, len) != NULL)
        fuzz_fail(what, "NUL byte in text");
}

/* The tree a reader built: containment rules, text, links, levels. */
static inline void
fuzz_check_tree(const struct pd_doc *doc)
{
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;

    if (doc->root == NULL || doc->root->type != PD_NODE_DOCUMENT)
        fuzz_fail("tree", "no document root");
    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        if (ev != PD_EVENT_ENTER)
            continue;
        if (n->type <= PD_NODE_NONE || n->type >= PD_NODE__MAX)
            fuzz_fail("tree", "node of unknown type");
        if (n->parent != NULL && !pd_can_contain(n->parent->type, n->type)) {
            char msg[160];

            snprintf(msg, sizeof(msg), "%s inside %s",
                     pd_node_type_name[n->type],
                     pd_node_type_name[n->parent->type]);
            fuzz_fail("tree: containment", msg);
        }
        if (n->text != NULL) {
            fuzz_check_text("tree: node text", n->text, n->len);
            if (n->text[n->len] != '\0')
                fuzz_fail("tree", "node text not NUL-terminated");
        }
        if (n->type == PD_NODE_HEADING &&
            (n->as.heading.level < 1 || n->as.heading.level > 6))
            fuzz_fail("tree", "heading level out of 1..6");
        if (n->type == PD_NODE_LINK) {
            if (n->as.link.url == NULL)
                fuzz_fail("tree", "link without url");
            fuzz_check_text("tree: link url", n->as.link.url,
                            strlen(n->as.link.url));
        }
    }
}

/* A reader's failure must be a data error with a message. */
static inline void
fuzz_check_failure(const struct pd_diag *d)
{
    if (d->status != PD_ERR_DATA) {
        char msg[600];

        snprintf(msg, sizeof(msg), "status %d: %s", d->status, d->msg);
        fuzz_fail("reader failed with an unexpected status", msg);
    }
    if (d->msg[0] == '\0')
        fuzz_fail("reader failed", "without a message");
}

static inline void
fuzz_quiet(void *ud, xmlErrorPtr e)
{
    (void)ud;
    (void)e;
}

/* libxml2 2.9 knows HTML 4: these HTML5 tags are "unknown", as expected. */
static inline int
fuzz_html5_tag(const char *name)
{
    static const char *const tags[] = {
        "section", "article", "aside", "nav", "header", "footer", "main",
        "figure", "figcaption", "mark", "template", NULL
    };
    int i;

    for (i = 0; name != NULL && tags[i] != NULL; i++)
        if (strcmp(tags[i], name) == 0)
            return 1;
    return 0;
}

static const char *fuzz_html_error;
static char fuzz_html_msg[300];

static inline void
fuzz_html_on_error(void *ud, xmlErrorPtr e)
{
    (void)ud;
    if (e->code == XML_HTML_UNKNOWN_TAG && fuzz_html5_tag(e->str1))
        return;
    if (fuzz_html_error == NULL) {
        snprintf(fuzz_html_msg, sizeof(fuzz_html_msg), "line %d: %s", e->line,
                 e->message ? e->message : "?");
        fuzz_html_error = fuzz_html_msg;
    }
}

/* HTML output parses without errors but unknown HTML5 tags. */
static inline void
fuzz_check_html(const struct pd_buf *b)
{
    htmlParserCtxtPtr ctxt;
    htmlDocPtr hd;

    fuzz_check_text("html output", b->data, b->len);
    if (b->len == 0)
        return;
    fuzz_html_error = NULL;
    ctxt = htmlNewParserCtxt();
    if (ctxt == NULL)
        fuzz_fail("html", "no parser context");
    ctxt->sax->serror = fuzz_html_on_error;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    hd = htmlCtxtReadMemory(ctxt, b->data, (int)b->len, "out.html", "utf-8",
                            HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                            HTML_PARSE_NOWARNING);
    xmlFreeDoc(hd);
    htmlFreeParserCtxt(ctxt);
    if (fuzz_html_error != NULL) {
        fprintf(stderr, "--- html output:\n%.*s\n---\n",
                b->len > 4000 ? 4000 : (int)b->len, b->data);
        fuzz_fail("html output does not parse cleanly", fuzz_html_error);
    }
}

/* Every .xml and .rels part of a DOCX is well-formed XML. */
static inline void
fuzz_check_docx(const struct pd_buf *b)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_int64_t i, n;

    zip_error_init(&ze);
    src = zip_source_buffer_create(b->data, b->len, 0, &ze);
    if (src == NULL)
        fuzz_fail("docx", "zip_source_buffer_create");
    za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (za == NULL)
        fuzz_fail("docx output is not a zip", zip_error_strerror(&ze));
    n = zip_get_num_entries(za, 0);
    if (n < 3)
        fuzz_fail("docx", "fewer than 3 parts");
    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t nl = name ? strlen(name) : 0;
        zip_stat_t st;
        zip_file_t *zf;
        char *data;
        xmlDocPtr xd;

        if (name == NULL || zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0)
            fuzz_fail("docx", "cannot stat a part");
        if (!((nl > 4 && strcmp(name + nl - 4, ".xml") == 0) ||
              (nl > 5 && strcmp(name + nl - 5, ".rels") == 0)))
            continue;
        data = pd_xmalloc(st.size + 1);
        zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
        if (zf == NULL ||
            zip_fread(zf, data, st.size) != (zip_int64_t)st.size)
            fuzz_fail("docx: cannot read part", name);
        zip_fclose(zf);
        xmlSetStructuredErrorFunc(NULL, fuzz_quiet);
        xd = xmlReadMemory(data, (int)st.size, name, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING);
        if (xd == NULL) {
            const xmlError *e = xmlGetLastError();

            fprintf(stderr, "--- %s:\n%.*s\n---\n", name,
                    st.size > 4000 ? 4000 : (int)st.size, data);
            fuzz_fail("docx part is not well-formed XML",
                      e && e->message ? e->message : name);
        }
        xmlFreeDoc(xd);
        free(data);
    }
    zip_close(za);      /* read-only: frees the source too */
}

/* Markdown output re-parses with cmark (and is text). */
static inline void
fuzz_check_md(const struct pd_buf *b)
{
    cmark_node *root;

    fuzz_check_text("md output", b->data, b->len);
    root = cmark_parse_document(b->data ? b->data : "", b->len,
                                CMARK_OPT_DEFAULT);
    if (root == NULL)
        fuzz_fail("md output", "cmark could not parse it");
    cmark_node_free(root);
}

#endif /* PD_FUZZ_H */
