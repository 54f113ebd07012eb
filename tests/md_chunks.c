/*
 * md_chunks.c - the md reader gives the same document and the same
 * warnings however it cuts the text into pieces for cmark.
 *
 *   md_chunks TOP [DIR...]
 *
 * Every input is read whole (pd_read_md_chunked with SIZE_MAX) and in
 * pieces of about 1, 7, 64 and 4096 bytes (each piece ends at the first
 * boundary the reader finds safe after that many bytes), with default
 * options, with --unsafe and with a nesting limit of 8; the results are
 * compared byte for byte: the JSON of the tree, the source line of every
 * node, and every warning (file, line, message).  The inputs: every .md
 * file under TOP/tests (the case files and the fuzz seeds), every file
 * under /work/shared/samples when it exists and under each DIR (a fuzz
 * corpus, say), and generated documents: fixed ones for each rule of the
 * boundary (fences, HTML blocks of every kind across blank lines, loose
 * lists, quotes, setext headings, reference definitions, paid markers,
 * the title) and random ones put together from pieces of those.
 * Prints "PASS name" / "FAIL name: why" lines (run by
 * tests/prop/md_chunks.sh).  `md_chunks --dump DIR` writes the generated
 * documents into DIR instead, to compare builds of the program on them.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paidoc.h"
#include "internal.h"

#include "check.h"
#include "testutil.h"

static const size_t sizes[] = { 1, 7, 64, 4096 };

/* Warnings as "file:line: msg" lines. */
static void
on_warn(void *ud, const char *file, unsigned line, const char *msg)
{
    pd_buf_printf(ud, "%s:%u: %s\n", file ? file : "-", line, msg);
}

/*
 * Read in[0..len) with the given piece size and options into out: the
 * status, the error, the warnings, the JSON and the line of every node.
 * A document `prefix` (may be NULL) is read first into the same document,
 * whole, so that appending to a non-empty document is covered too.
 */
static void
read_as(const char *in, size_t len, const char *prefix,
        const struct pd_opts *opts, size_t chunk, struct pd_buf *out)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_diag d;
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;
    int rc;

    memset(&d, 0, sizeof(d));
    d.file = "in.md";
    d.warn = on_warn;
    d.ud = out;
    if (prefix != NULL)
        pd_read_md_chunked(doc, (const unsigned char *)prefix,
                           strlen(prefix), opts, &d, SIZE_MAX);
    rc = pd_read_md_chunked(doc, (const unsigned char *)in, len, opts, &d,
                            chunk);
    pd_buf_printf(out, "rc %d status %d line %u msg %s nwarn %u\n", rc,
                  d.status, d.line, d.msg, d.nwarn);
    if (rc == 0) {
        pd_write_json(doc, out, opts, &d);
        pd_buf_puts(out, "\nlines:");
        pd_iter_init(&it, doc->root);
        while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE)
            if (ev == PD_EVENT_ENTER)
                pd_buf_printf(out, " %u", n->line);
        pd_buf_putc(out, '\n');
    }
    pd_doc_free(doc);
}

/* The first line where a and b differ, for the report. */
static void
first_diff(const struct pd_buf *a, const struct pd_buf *b, char *msg,
           size_t size)
{
    size_t i = 0, start = 0;

    while (i < a->len && i < b->len && a->data[i] == b->data[i]) {
        if (a->data[i] == '\n')
            start = i + 1;
        i++;
    }
    snprintf(msg, size, "whole: \"%.120s\" pieces: \"%.120s\"",
             a->data ? a->data + start : "", b->data ? b->data + start : "");
    for (i = 0; msg[i] != '\0'; i++)
        if (msg[i] == '\n')
            msg[i] = '|';
}

static unsigned ninputs, nfailed_inputs;

/*
 * Check one input with every option set and piece size; returns 0 when
 * all agree, else reports the first difference as a FAIL line.
 */
static int
check_input(const char *name, const char *in, size_t len, const char *prefix)
{
    struct pd_opts opts[3];
    static const char *const optname[3] = { "default", "unsafe", "depth8" };
    struct pd_buf whole = {0}, piece = {0};
    char msg[400];
    size_t i, k;
    int bad = 0;

    memset(opts, 0, sizeof(opts));
    opts[1].unsafe = 1;
    opts[2].max_depth = 8;
    ninputs++;
    for (k = 0; k < 3 && !bad; k++) {
        pd_buf_clear(&whole);
        read_as(in, len, prefix, &opts[k], SIZE_MAX, &whole);
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !bad; i++) {
            pd_buf_clear(&piece);
            read_as(in, len, prefix, &opts[k], sizes[i], &piece);
            if (whole.len != piece.len ||
                memcmp(whole.data, piece.data, whole.len) != 0) {
                first_diff(&whole, &piece, msg, sizeof(msg));
                printf("FAIL md-chunks %s (%s, pieces of %zu): %s\n", name,
                       optname[k], sizes[i], msg);
                failed++;
                nfailed_inputs++;
                bad = 1;
            }
        }
    }
    pd_buf_free(&whole);
    pd_buf_free(&piece);
    return bad;
}

static int
check_file(const char *path)
{
    struct pd_buf b = {0};
    int bad;

    if (read_file(path, &b) != 0) {
        printf("FAIL md-chunks %s: cannot read\n", path);
        failed++;
        return 1;
    }
    bad = check_input(path, b.data ? b.data : "", b.len, NULL);
    pd_buf_free(&b);
    return bad;
}

/* Every regular file under dir (all of them, or only *.md), recursively. */
static void
check_dir(const char *dir, int only_md, unsigned *n)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    struct stat st;
    char path[4096];
    size_t l;

    if (dp == NULL)
        return;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            check_dir(path, only_md, n);
            continue;
        }
        l = strlen(e->d_name);
        if (!S_ISREG(st.st_mode) ||
            (only_md && (l < 3 || strcmp(e->d_name + l - 3, ".md") != 0)))
            continue;
        check_file(path);
        (*n)++;
    }
    closedir(dp);
}

/*
 * Fixed documents, one or more per rule.  Each line of the comments
 * names what the boundary must not cut.
 */
static const char *const fixed[] = {
    /* fenced code with blank lines and column-0 lines inside */
    "intro\n\n```\ncode\n\nnot the end\n\n# not a heading\n```\n\nafter\n",
    "````md\n```\n\ninner fence\n\n````\n\nafter\n\n~~~\n\n```\n\n~~~~\n\nx\n",
    "~~~\n\n~~ short\n\n~~~ info is no closer\n\ny\n\n~~~\n\nz\n",
    /* indented fences, fences in list items and quotes */
    "   ```\na\n\nb\n   ```\n\nc\n\n  ~~~\n\nd\n\n    ~~~\n\ne\n\n  ~~~\n\nf\n",
    "- ```\n  a\n\n  b\n\nc\n  ```\n\nd\n\n```\n\ne\n",
    "1. item\n\n   ```\n   code\n\nnot code\n\n   ```\n\nafter\n",
    "- a\n  ```\n\nb\n\n```\n\nc\n\n```\n\nd\n",
    "> ```\n> a\n\nb\n\n> ```\n\nc\n\n```\n\nd\n",
    /* an unclosed fence runs to the end */
    "text\n\n```\na\n\nb\n\nc\n\n# d\n",
    "text\n\n    indented\n\n    code\n\ntext\n\n\tcode\n\nx\n",
    /* loose lists with blank lines */
    "- a\n\n- b\n\nc\n\n1. x\n\n2. y\n\n   z\n\nw\n\n+ p\n\n\n+ q\n\nr\n",
    "* a\n\n  * b\n\n    c\n\nd\n\n1) one\n\n2) two\n\n3. three\n\ne\n",
    "- a\n- b\n\n\n\nc\n\n-\n\nd\n\n- \n  e\n\nf\n",
    /* HTML blocks of every kind across blank lines */
    "a\n\n<script>\n\nfoo\n\n</script>\n\nafter script\n",
    "a\n\n<pre>\n\nx\n\n</pre>\n\nb\n\n<style>\n\ny\n\n</style>\n\nc\n",
    "<textarea>\n\nz\n\n</textarea>\n\nd\n\n<!--\n\ncomment\n\n-->\n\ne\n",
    "<?php\n\necho 1;\n\n?>\n\nf\n\n<!DOCTYPE html\n\nfoo>\n\ng\n",
    "<![CDATA[\n\nbar\n\n]]>\n\nh\n\n<div>\n\n*x*\n\n</div>\n\ni\n",
    "<custom-tag>\n\nq\n\n<a href=\"x\">\n\nr\n\n</custom-tag>\n\ns\n",
    "text\n\n<!--\n\nunclosed\n\ncomment\n\nto the end\n",
    "text\n\n<script>\n\nunclosed\n\n</scrip>\n\nx\n",
    "- <pre>\n\n  a\n\nb\n\n</pre>\n\nc\n\n> <!--\n\nd\n\n-->\n\ne\n",
    "<!-- a --> b\n\nc\n\n<!-- x\n\n-->\ny\n\nz\n",
    /* block quotes, lazy lines */
    "> a\n\n> b\n\nc\n>lazy\n\n> d\ne\n\nf\n\n>> g\n\nh\n",
    /* setext headings */
    "Title\n=====\n\nPara\n\n===\n\nSub\n---\n\ntext\n\n---\n\n= x\n",
    "a\n\n***\n\n___\n\n---\n\n_ b\n\n= c\n\n| d |\n",
    /* reference definitions (no pieces at all) */
    "[a]: /url\n\n[a]\n\ntext [a] and [b]\n\n[b]: /b \"t\"\n\nend\n",
    "text [a]\n\n> [a]:\n> /quoted\n\nend\n",
    /* paid markers, also across boundaries */
    "intro\n\n##paidbegin##\n\npaid 1\n\npaid 2\n\n##paidend##\n\nfree\n",
    "a ##paidbegin## b\n\nc\n\nd ##paidend## e\n\n##pagebreak##\n\nf\n",
    "<!--paidbegin-->\n\nx\n\n<!--paidend-->\n\ny\n\n<!-- members-only -->\n\nz\n",
    "##paidend##\n\nx\n\n- ##paidbegin##\n\n> ##paidend##\n\n##paidbegin##\n\nopen\n",
    "$$paidbegin$$\n\n<!--more-->\n\nw\n\n$$paidend$$\n\nv\n\n##paidbegin##\n",
    /* the title: a level-1 heading only in a later piece */
    "# Title\n\ntext\n\n## h2\n\nmore\n\n### h3\n",
    "# T\n\ntext\n\nmore text\n\n# Another\n\nx\n",
    "## a\n\n### b\n\ntext\n\n#### c\n\n####### seven\n",
    "text\n\n# only h1, later\n\n## two\n",
    "Setext title\n===\n\ntext\n\nlater\n\nSetext\n===\n",
    "# T\n\n## 一、标题。\n正文\n\n## 二、标题：\n\n段落\n\n### 三\n",
    /* raw HTML counted over all pieces */
    "a <b>x</b>\n\n<div>\n\nb <i>y</i>\n\nc\n\n<p>\n\nd\n",
    /* nesting limit and flattening */
    "> > > > > > > > > a\n\nb\n\n> > > > > > > > c\n\nd\n\n- - - - - - - - - e\n\nf\n",
    /* bullets read from the source in later pieces */
    "+ a\n+ b\n\ntext\n\n* c\n\nx\n\n- d\n\ny\n\n+ e\n",
    /* CJK soft breaks, line breaks, a BOM and controls at line starts */
    "中文\n中文\n\nx  \ny\\\nz\n\n\xEF\xBB\xBF" "bom\n\nw\n",
    "a\x01" "b\n\nc\n\n\x7f" "d\n\ne\n",
    /* long lists are cut between items too: the parts are one list */
    "- a\n- b\n- c\n- d\n- e\n",
    "- a\n- b\n\n- c\n- d\n- e\n\ntext\n- f\n- g\n",
    "- a\n\n  para\n- b\n- c\n\n- d\n  e\n- f\n",
    "* a\n- b\n+ c\n+ d\n* e\n- f\n",
    "1. a\n- b\n- c\n2. d\n- e\n",
    "- a\n  - b\n- c\n  * d\n- e\n  - f\n\n  - g\n- h\n",
    "text\n- a\n- b\nlazy\n- c\n",
    "<div>\n- a\n- b\n\n<pre>\n- c\n</pre>\n- d\n",
    "```\n- a\n```\n- b\n\n- ```\n- c\n  ```\n- d\n",
    "> q\n- a\n> r\n- b\n- \n- c\n-\n- d\n- - -\n- e\n* * *\n",
    "##paidbegin##\n- a\n- b\n##paidend##\n- c\n\n##paidend##\n- d\n",
    "- a\n- b\n    code\n- c\n- # h1\n- ## h2\n\n# h1\n- d\n",
    "+ a\n+ b\n\ntext\n+ c\n+ d\n\n<!--\n- e\n-->\n- f\n",
    "- a\n- b\n<!-- x -->\n- c\n<script>\n- d\n</script>\n- e\n",
    "- a\n---\n- b\n===\n- c\n",
    "text\n- \nmore\n-\n\npara\n* \n+\n- - -\n",
    /* lone CR: lines as cmark counts them */
    "a\r\rb\n\nc\r\n\r\nd\n\n# e\n",
    "",
    "\n\n\n",
    "x",
    "x\n\ny",
};

/* Pieces the random documents are made of. */
static const char *const parts[] = {
    "text\n", "more text\n", "```\n", "````\n", "~~~\n", "```js\n",
    "   ```\n", "  - ```\n", "<!--\n", "-->\n", "<script>\n",
    "</script>\n", "<pre>\n", "</pre>\n", "<div>\n", "</div>\n",
    "<?x\n", "?>\n", "<!X\n", ">\n", "<![CDATA[\n", "]]>\n",
    "- a\n", "  b\n", "1. c\n", "* d\n", "> q\n", ">\n", "    code\n",
    "\tcode\n", "# h1\n", "## h2\n", "===\n", "---\n", "***\n",
    "##paidbegin##\n", "##paidend##\n", "<!--paidbegin-->\n",
    "<!--paidend-->\n", "##pagebreak##\n", "中文\n", "<x-y>\n",
    "*em\n", "[link](u)\n", "\\\n", "- - -\n", "- \n", "-\n", "+ e\n",
    "* f\n", "  - g\n", "\n", "\n", "\n", "\n", "\n",
};

/* A small deterministic generator (xorshift). */
static uint32_t
rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Write the generated documents to dir as files (for other tools). */
static int
dump(const char *dir)
{
    char path[4096];
    size_t i, nparts = sizeof(parts) / sizeof(parts[0]);
    uint32_t seed = 2463534242u;
    FILE *f;
    int k, j;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        snprintf(path, sizeof(path), "%s/fixed-%03zu.md", dir, i);
        if ((f = fopen(path, "wb")) == NULL)
            return 1;
        fputs(fixed[i], f);
        fclose(f);
    }
    for (k = 0; k < 1500; k++) {
        int nl = 2 + (int)(rnd(&seed) % 40);

        snprintf(path, sizeof(path), "%s/random-%04d.md", dir, k);
        if ((f = fopen(path, "wb")) == NULL)
            return 1;
        for (j = 0; j < nl; j++)
            fputs(parts[rnd(&seed) % nparts], f);
        fclose(f);
    }
    return 0;
}

/* The title needs an empty document: appended, `# T` is a heading. */
static void
check_title_appended(void)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_opts opts;
    struct pd_diag d;
    const char *a = "before\n", *b = "# T\n\ntext\n\n## h\n";

    memset(&opts, 0, sizeof(opts));
    memset(&d, 0, sizeof(d));
    pd_read_md_chunked(doc, (const unsigned char *)a, strlen(a), &opts, &d,
                       1);
    pd_read_md_chunked(doc, (const unsigned char *)b, strlen(b), &opts, &d,
                       1);
    CHECK("md-chunks title only in an empty document",
          doc->root->first != NULL && doc->root->first->next != NULL &&
          doc->root->first->next->type == PD_NODE_HEADING &&
          doc->root->first->next->as.heading.level == 1 &&
          doc->root->last->type == PD_NODE_HEADING &&
          doc->root->last->as.heading.level == 2 &&
          pd_doc_meta(doc, "title") == NULL);
    pd_doc_free(doc);
}

int
main(int argc, char **argv)
{
    char path[4096], name[64];
    unsigned n, bad;
    size_t i, nparts = sizeof(parts) / sizeof(parts[0]);
    struct pd_buf b = {0};
    uint32_t seed = 2463534242u;
    int k, j;

    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2]);
    if (argc < 2) {
        fprintf(stderr, "usage: md_chunks TOP [DIR...] | --dump DIR\n");
        return 2;
    }
    check_title_appended();
    /* Fixed documents, also appended to a non-empty document. */
    bad = nfailed_inputs;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        snprintf(name, sizeof(name), "fixed-%zu", i);
        check_input(name, fixed[i], strlen(fixed[i]), NULL);
        snprintf(name, sizeof(name), "fixed-%zu-appended", i);
        check_input(name, fixed[i], strlen(fixed[i]), "before\n");
    }
    CHECK("md-chunks fixed documents", nfailed_inputs == bad);
    /* Random documents. */
    bad = nfailed_inputs;
    for (k = 0; k < 1500; k++) {
        int nl = 2 + (int)(rnd(&seed) % 40);

        pd_buf_clear(&b);
        for (j = 0; j < nl; j++)
            pd_buf_puts(&b, parts[rnd(&seed) % nparts]);
        snprintf(name, sizeof(name), "random-%d", k);
        check_input(name, b.data, b.len, NULL);
    }
    CHECK("md-chunks random documents", nfailed_inputs == bad);
    pd_buf_free(&b);
    /* Files. */
    bad = nfailed_inputs;
    n = 0;
    snprintf(path, sizeof(path), "%s/tests", argv[1]);
    check_dir(path, 1, &n);
    printf("%s md-chunks tests/**/*.md (%u files)\n",
           nfailed_inputs == bad && n > 0 ? "PASS" : "FAIL", n);
    if (!(nfailed_inputs == bad && n > 0))
        failed++;
    n = 0;
    bad = nfailed_inputs;
    check_dir("/work/shared/samples", 0, &n);
    if (n > 0)
        CHECK("md-chunks /work/shared/samples", nfailed_inputs == bad);
    for (k = 2; k < argc; k++) {
        n = 0;
        bad = nfailed_inputs;
        check_dir(argv[k], 0, &n);
        printf("%s md-chunks %s (%u files)\n",
               nfailed_inputs == bad ? "PASS" : "FAIL", argv[k], n);
        if (nfailed_inputs != bad)
            failed++;
    }
    printf("md-chunks: %u inputs, %u differ\n", ninputs, nfailed_inputs);
    return failed != 0;
}
