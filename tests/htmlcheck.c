/*
 * htmlcheck.c - checks the HTML writer's output with libxml2's HTML
 * parser: it must parse without errors, contain only elements and
 * attributes the writer is meant to produce (so nothing that came from
 * text became markup), and no link may run script.
 *
 *   htmlcheck INPUT [FORMAT] [-s]
 *
 * Exit 0 when the output passes, 1 with the reasons on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "paidoc.h"
#include "testutil.h"
#include "internal.h"

static const char *const elements[] = {
    "html", "head", "meta", "title", "style", "link", "body",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li",
    "blockquote", "pre", "code", "hr", "section", "div", "em", "strong",
    "a", "br", NULL
};
static const char *const attributes[] = {
    "id", "class", "aria-level", "href", "title", "start", "type", "lang", "charset",
    "name", "content", "rel", NULL
};

static int nerr;
static const char *input;

static int
in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static void
fail(const char *what, const char *detail)
{
    fprintf(stderr, "htmlcheck: %s: %s%s%s\n", input, what,
            detail ? ": " : "", detail ? detail : "");
    nerr++;
}

/*
 * Parser errors.  libxml2 2.9 knows HTML 4 only, so it calls <section> an
 * unknown tag; that one is expected and ignored.
 */
static void
on_error(void *ud, xmlErrorPtr e)
{
    (void)ud;
    if (e->code == XML_HTML_UNKNOWN_TAG && e->str1 != NULL &&
        strcmp(e->str1, "section") == 0)
        return;
    fail("parse error", e->message);
}

/* 1 when href would run script. */
static int
script_href(const char *h)
{
    while (*h != '\0' && (unsigned char)*h <= 0x20)
        h++;
    return strncasecmp(h, "javascript:", 11) == 0 ||
        strncasecmp(h, "vbscript:", 9) == 0 || strncasecmp(h, "data:", 5) == 0;
}

/* Walk the parsed tree without recursion. */
static void
check_tree(xmlNodePtr n)
{
    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            xmlAttrPtr a;

            if (!in_list(elements, (const char *)n->name))
                fail("unexpected element", (const char *)n->name);
            for (a = n->properties; a != NULL; a = a->next) {
                if (!in_list(attributes, (const char *)a->name))
                    fail("unexpected attribute", (const char *)a->name);
                if (strcmp((const char *)a->name, "href") == 0) {
                    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

                    if (v != NULL && script_href((const char *)v))
                        fail("script link", (const char *)v);
                    xmlFree(v);
                }
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children != NULL)
            n = n->children;
        else {
            while (n != NULL && n->next == NULL)
                n = n->parent;
            if (n != NULL)
                n = n->next;
        }
    }
}

int
main(int argc, char **argv)
{
    struct pd_buf in = {0}, html = {0};
    struct pd_opts opts;
    struct pd_diag d;
    const struct pd_format *f = NULL;
    struct pd_doc *doc;
    htmlParserCtxtPtr ctxt;
    htmlDocPtr hd;
    int i;

    memset(&opts, 0, sizeof(opts));
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0)
            opts.standalone = 1;
        else
            f = pd_format_by_name(argv[i]);
    }
    if (argc < 2) {
        fprintf(stderr, "usage: htmlcheck INPUT [FORMAT] [-s]\n");
        return 2;
    }
    input = argv[1];
    if (f == NULL)
        f = pd_format_by_path(argv[1]);
    if (f == NULL || f->read == NULL || read_file(argv[1], &in) < 0) {
        fprintf(stderr, "htmlcheck: %s: cannot read\n", argv[1]);
        return 2;
    }
    memset(&d, 0, sizeof(d));
    doc = pd_doc_new();
    if (f->read(doc, (const unsigned char *)in.data, in.len, &opts, &d) < 0) {
        fprintf(stderr, "htmlcheck: %s: %s\n", argv[1], d.msg);
        pd_doc_free(doc);
        pd_buf_free(&in);
        return 2;
    }
    pd_write_html(doc, &html, &opts, &d);
    if (html.len == 0) {            /* an empty fragment is fine */
        pd_doc_free(doc);
        pd_buf_free(&in);
        pd_buf_free(&html);
        return 0;
    }
    ctxt = htmlNewParserCtxt();
    ctxt->sax->serror = on_error;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    hd = htmlCtxtReadMemory(ctxt, html.data ? html.data : "", (int)html.len,
                            "out.html", "utf-8",
                            HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                            HTML_PARSE_NOWARNING);
    if (hd == NULL)
        fail("does not parse", NULL);
    else
        check_tree(xmlDocGetRootElement(hd));
    if (nerr > 0)
        fprintf(stderr, "--- html:\n%s", html.data ? html.data : "");
    xmlFreeDoc(hd);
    htmlFreeParserCtxt(ctxt);
    pd_doc_free(doc);
    pd_buf_free(&in);
    pd_buf_free(&html);
    return nerr > 0;
}
