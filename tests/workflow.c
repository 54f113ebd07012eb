/*
 * workflow.c - tests of the publishing-workflow functions of the library:
 * pd_apply_teaser() (--free-ratio, --free-paragraphs, --free-until-heading),
 * pd_doc_stats() (--stats) and pd_lint() (--lint).  Documents are read with
 * pd_read_txt() from examples/, tests/txt/, tests/fixtures/workflow/,
 * ../shared/samples/ when it exists, and generated ones.  Run from the top
 * of the tree; prints "PASS name" / "FAIL name: why" lines (run by
 * tests/prop/workflow.sh).
 *
 *   workflow              run the tests
 *   workflow --lint FILE  print what pd_lint() reports on FILE (to look)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"
#include "testutil.h"

#include "check.h"

/* Like CHECK, with a name made of a prefix and a file or case name. */
#define CHECKF(prefix, what, cond)                                         \
    do {                                                                   \
        char name_[512];                                                   \
        snprintf(name_, sizeof(name_), "%.100s %.300s", prefix, what);     \
        CHECK(name_, cond);                                                \
    } while (0)

/*
 * ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

/* Warnings collected as "LINE: message\n" lines. */
static void
collect(void *ud, const char *file, unsigned line, const char *msg)
{
    (void)file;
    pd_buf_printf(ud, "%u: %s\n", line, msg);
}

/* Number of lines in a buffer of collected warnings. */
static unsigned
count_lines(const struct pd_buf *b)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

/* Read text into a new document; reader warnings go to *warn (may be NULL). */
static struct pd_doc *
read_text(const char *s, size_t len, struct pd_buf *warn)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_opts opts = {0};
    struct pd_diag d = {0};

    d.warn = warn != NULL ? collect : NULL;
    d.ud = warn;
    if (pd_read_txt(doc, (const unsigned char *)s, len, &opts, &d) != 0) {
        pd_doc_free(doc);
        return NULL;
    }
    return doc;
}

static struct pd_doc *
read_str(const char *s)
{
    return read_text(s, strlen(s), NULL);
}

/* Lint text: returns the count, the reports in *out ("LINE: msg" lines). */
static unsigned
lint_text(const char *s, size_t len, struct pd_buf *out, unsigned *reader)
{
    struct pd_buf rw = {0};
    struct pd_doc *doc = read_text(s, len, &rw);
    struct pd_diag d = {0};
    unsigned n;

    d.warn = collect;
    d.ud = out;
    if (reader != NULL)
        *reader = count_lines(&rw);
    pd_buf_free(&rw);
    if (doc == NULL)
        return 1000;
    n = pd_lint(doc, (const unsigned char *)s, len, &d);
    pd_doc_free(doc);
    return n == d.nwarn ? n : 2000;     /* the count matches the reports */
}

/* The names of the regular files in dir ending with ext, sorted. */
static size_t
list_dir(const char *dir, const char *ext, char names[][256], size_t max)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    size_t n = 0, i, j, el = strlen(ext);
    char tmp[256];

    if (dp == NULL)
        return 0;
    while ((e = readdir(dp)) != NULL && n < max) {
        size_t l = strlen(e->d_name);

        if (l > el && l < 200 && strcmp(e->d_name + l - el, ext) == 0)
            snprintf(names[n++], 256, "%.50s/%.200s", dir, e->d_name);
    }
    closedir(dp);
    for (i = 1; i < n; i++)             /* insertion sort: few names */
        for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            memcpy(tmp, names[j], 256);
            memcpy(names[j], names[j - 1], 256);
            memcpy(names[j - 1], tmp, 256);
        }
    return n;
}

/* 1 for the white space pd_stats does not count (paidoc.h: "code
 * points, not counting white space"), spelled out here on purpose. */
static int
is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v' || c == 0xA0 || c == 0x3000 ||
        (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

/* Characters of a subtree, counted independently of src/stats.c. */
static size_t
chars_of(const struct pd_node *root)
{
    struct pd_iter it;
    const struct pd_node *n;
    size_t total = 0, i;

    pd_iter_init(&it, root);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE) {
        if (it.ev != PD_EVENT_ENTER || (n->type != PD_NODE_TEXT &&
            n->type != PD_NODE_CODE && n->type != PD_NODE_CODE_BLOCK))
            continue;
        for (i = 0; i < n->len; )
            total += !is_ws(pd_utf8_decode(n->text, n->len, &i));
    }
    return total;
}

/* Nodes of a type in a subtree. */
static size_t
count_type(const struct pd_node *root, pd_node_type t)
{
    struct pd_iter it;
    const struct pd_node *n;
    size_t k = 0;

    pd_iter_init(&it, root);
    while (pd_iter_next(&it, &n) != PD_EVENT_DONE)
        k += it.ev == PD_EVENT_ENTER && n->type == t;
    return k;
}

/*
 * ------------------------------------------------------------------------
 * The corpus: every text input we have, and generated ones
 * ------------------------------------------------------------------------
 */

#define MAX_FILES 400
#define N_GENERATED 40

static char files[MAX_FILES][256];
static size_t nfiles;

static void
gather_files(void)
{
    nfiles = list_dir("examples", ".txt", files, MAX_FILES);
    nfiles += list_dir("../shared/samples", ".txt", files + nfiles,
                       MAX_FILES - nfiles);
    nfiles += list_dir("tests/txt", ".txt", files + nfiles,
                       MAX_FILES - nfiles);
    nfiles += list_dir("tests/fixtures/workflow", ".txt", files + nfiles,
                       MAX_FILES - nfiles);
}

static unsigned long rng = 12345;

static unsigned
rnd(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng >> 33) % n);
}

/*
 * A generated document: a title, numbered headings of two levels,
 * paragraphs from 1 to 400 characters long, now and then a list or a
 * page break.  Odd seeds give English, even ones Chinese.
 */
static void
generate(unsigned seed, struct pd_buf *out)
{
    static const char *const zh_num[] = {
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"
    };
    int en = seed % 2 == 1;
    unsigned sections = 1 + rnd(6), s, sub, p, k, len;

    rng = seed * 7919UL + 1;
    pd_buf_clear(out);
    pd_buf_puts(out, en ? "Generated Document\n\n" : "生成的文档\n");
    for (s = 0; s < sections; s++) {
        if (en)
            pd_buf_printf(out, "%u. Section\n\n", s + 1);
        else
            pd_buf_printf(out, "%s、第%s部分\n", zh_num[s], zh_num[s]);
        for (sub = 0, p = rnd(4); sub < p; sub++) {
            if (!en && rnd(3) == 0)
                pd_buf_printf(out, "（%s）小节\n", zh_num[sub]);
            len = 1 + rnd(rnd(2) ? 40 : 400);
            for (k = 0; k < len; k++)
                pd_buf_puts(out, en ? (k % 6 == 5 ? " " : "w") : "字");
            pd_buf_puts(out, en ? ".\n\n" : "。\n");
            if (rnd(8) == 0)
                pd_buf_puts(out, en ? "- one\n- two\n\n" : "- 甲\n- 乙\n");
            if (rnd(10) == 0)
                pd_buf_puts(out, "##pagebreak##\n");
        }
    }
}

/*
 * Document i of the corpus: a file, or a generated one after the files.
 * Paid sections are unwrapped (--paid full) so that a teaser can go in;
 * *had_paid says whether there were any.  NULL when it does not read.
 */
static struct pd_doc *
corpus_doc(size_t i, const char **name, int *had_paid)
{
    static char gen_name[64];
    struct pd_buf src = {0};
    struct pd_opts full = {0};
    struct pd_doc *doc;

    if (i < nfiles) {
        *name = files[i];
        if (read_file(files[i], &src) != 0)
            return NULL;
    } else {
        snprintf(gen_name, sizeof(gen_name), "generated-%zu",
                 i - nfiles);
        *name = gen_name;
        generate((unsigned)(i - nfiles), &src);
    }
    doc = read_text(src.data != NULL ? src.data : "", src.len, NULL);
    pd_buf_free(&src);
    if (doc == NULL)
        return NULL;
    *had_paid = count_type(doc->root, PD_NODE_PAID) > 0;
    full.paid = PD_PAID_FULL;
    pd_apply_paid(doc, &full);
    return doc;
}

/*
 * ------------------------------------------------------------------------
 * pd_doc_stats
 * ------------------------------------------------------------------------
 */

static void
test_stats(void)
{
    struct pd_doc *doc;
    struct pd_stats st;
    size_t i, bad = 0;
    const char *name;
    int had;

    doc = read_str("标题\n一、第一部分\n正文一。\n- 项目甲\n- 项目乙\n"
                   "##pagebreak##\n##paidbegin##\n（一）付费\n付费 正文。\n"
                   "##paidend##\n");
    pd_doc_stats(doc, &st);
    CHECK("stats-counts", st.headings == 2 && st.paragraphs == 4 &&
          st.lists == 1 && st.page_breaks == 1 && st.paid_sections == 1);
    /* 标题 2 + 一、第一部分 6 + 正文一。4 + 项目甲 3 + 项目乙 3; the
     * space in "付费 正文。" does not count. */
    CHECK("stats-chars", st.chars_free == 18 && st.chars_paid == 10);
    CHECK("stats-ratio", st.preview_ratio > 18.0 / 28 - 1e-9 &&
          st.preview_ratio < 18.0 / 28 + 1e-9);
    pd_doc_free(doc);

    doc = pd_doc_new();
    pd_doc_stats(doc, &st);
    CHECK("stats-empty", st.chars_free == 0 && st.chars_paid == 0 &&
          st.preview_ratio == 1.0 && st.paragraphs == 0);
    pd_doc_free(doc);

    doc = read_str("##paidbegin##\n全文付费。\n##paidend##\n");
    pd_doc_stats(doc, &st);
    CHECK("stats-all-paid", st.chars_free == 0 && st.chars_paid == 5 &&
          st.preview_ratio == 0.0);
    pd_doc_free(doc);

    /* Over the corpus: the counts agree with an independent count. */
    for (i = 0; i < nfiles + N_GENERATED; i++) {
        struct pd_buf src = {0};

        if (i < nfiles) {
            name = files[i];
            if (read_file(name, &src) != 0)
                continue;
        } else {
            name = "generated";
            generate((unsigned)(i - nfiles), &src);
        }
        doc = read_text(src.data != NULL ? src.data : "", src.len, NULL);
        pd_buf_free(&src);
        if (doc == NULL)
            continue;
        pd_doc_stats(doc, &st);
        if (st.chars_free + st.chars_paid != chars_of(doc->root) ||
            st.paragraphs != count_type(doc->root, PD_NODE_PARAGRAPH) ||
            st.headings != count_type(doc->root, PD_NODE_HEADING) ||
            st.paid_sections != count_type(doc->root, PD_NODE_PAID)) {
            printf("  stats differ on %s\n", name);
            bad++;
        }
        (void)had;
        pd_doc_free(doc);
    }
    CHECK("stats-corpus-agree", bad == 0);
}

/*
 * ------------------------------------------------------------------------
 * pd_apply_teaser
 * ------------------------------------------------------------------------
 */

#define MAX_BLOCKS 4096

/* The top-level blocks of doc, their number, and where the title ends. */
static size_t
blocks_of(const struct pd_doc *doc, const struct pd_node **b, size_t *kmin)
{
    const struct pd_node *n;
    size_t m = 0;

    for (n = doc->root->first; n != NULL && m < MAX_BLOCKS; n = n->next)
        b[m++] = n;
    *kmin = m > 0 && b[0]->type == PD_NODE_TITLE;
    return m;
}

/* Index among the top-level blocks of the paid section, or (size_t)-1. */
static size_t
paid_index(const struct pd_doc *doc, int *last)
{
    const struct pd_node *n;
    size_t k = 0;

    for (n = doc->root->first; n != NULL; n = n->next, k++)
        if (n->type == PD_NODE_PAID) {
            *last = n->next == NULL;
            return k;
        }
    return (size_t)-1;
}

/* Apply a teaser to doc; the number of warnings goes to *nwarn. */
static int
teaser(struct pd_doc *doc, pd_teaser_kind kind, double v, unsigned *nwarn)
{
    struct pd_opts opts = {0};
    struct pd_diag d = {0};
    int r;

    opts.teaser = kind;
    opts.teaser_value = v;
    r = pd_apply_teaser(doc, &opts, &d);
    *nwarn = d.nwarn;
    return r;
}

static double
dabs(double x)
{
    return x < 0 ? -x : x;
}

/*
 * --free-ratio over the corpus at 5 %, 10 % ... 95 %: the boundary is
 * within one block of the one nearest the ratio (computed here from the
 * blocks), the title stays free, nothing is lost, and --stats then
 * reports the share of the boundary.  When nothing is done, a warning
 * says so and the nearest boundary was indeed the start or the end.
 */
static void
test_teaser_ratio(void)
{
    static const struct pd_node *b[MAX_BLOCKS];
    static size_t cum[MAX_BLOCKS + 1];
    size_t i, m, kmin, k, jstar, total, cases = 0, made = 0;
    const char *name;
    int had, r, step, last, ok;
    unsigned nwarn;
    struct pd_stats before, after;

    for (i = 0; i < nfiles + N_GENERATED; i++) {
        ok = 1;
        for (step = 1; step < 20 && ok; step++) {
            double ratio = step / 20.0, best = 2.0;
            struct pd_doc *doc = corpus_doc(i, &name, &had);

            if (doc == NULL)
                break;
            m = blocks_of(doc, b, &kmin);
            cum[0] = 0;
            for (k = 0; k < m; k++)
                cum[k + 1] = cum[k] + chars_of(b[k]);
            total = cum[m];
            jstar = m;
            for (k = kmin; k <= m && total > 0; k++)
                if (dabs((double)cum[k] / (double)total - ratio) < best) {
                    best = dabs((double)cum[k] / (double)total - ratio);
                    jstar = k;
                }
            pd_doc_stats(doc, &before);
            r = teaser(doc, PD_TEASER_RATIO, ratio, &nwarn);
            pd_doc_stats(doc, &after);
            cases++;
            if (r == 1) {
                made++;
                k = paid_index(doc, &last);
                ok = nwarn == 0 && last && k > kmin && k < m &&
                    (k + 1 >= jstar && k <= jstar + 1) &&
                    after.paid_sections == 1 &&
                    after.chars_free == cum[k] &&
                    after.chars_free + after.chars_paid == total &&
                    after.paragraphs == before.paragraphs &&
                    after.headings == before.headings;
            } else {
                ok = r == 0 && nwarn == 1 && after.paid_sections == 0 &&
                    (jstar == m || jstar == kmin || total == 0);
            }
            if (!ok)
                printf("  %s at %.2f: returned %d, boundary %zu, nearest "
                       "%zu of %zu blocks\n", name, ratio, r,
                       r == 1 ? paid_index(doc, &last) : 0, jstar, m);
            pd_doc_free(doc);
        }
        CHECKF("teaser-ratio", name, ok);
    }
    printf("  (%zu ratio cases, %zu sections made)\n", cases, made);
    CHECK("teaser-ratio-most-made", made * 2 > cases);
}

/* --free-paragraphs N: the paid section starts after N blocks. */
static void
test_teaser_paragraphs(void)
{
    static const struct pd_node *b[MAX_BLOCKS];
    size_t i, m, kmin, n, k;
    const char *name;
    int had, r, ok, last;
    unsigned nwarn;

    for (i = 0; i < nfiles + N_GENERATED; i++) {
        ok = 1;
        for (n = 0; ok; n++) {
            struct pd_doc *doc = corpus_doc(i, &name, &had);

            if (doc == NULL)
                break;
            m = blocks_of(doc, b, &kmin);
            if (kmin + n > m + 1) {
                pd_doc_free(doc);
                break;
            }
            r = teaser(doc, PD_TEASER_PARAGRAPHS, (double)n, &nwarn);
            if (n >= 1 && kmin + n < m) {
                k = paid_index(doc, &last);
                ok = r == 1 && nwarn == 0 && k == kmin + n && last &&
                    doc->root->last->first == b[kmin + n];
            } else {
                ok = r == 0 && nwarn == 1 &&
                    count_type(doc->root, PD_NODE_PAID) == 0;
            }
            if (!ok)
                printf("  %s with %zu free blocks: returned %d\n", name, n,
                       r);
            pd_doc_free(doc);
        }
        CHECKF("teaser-paragraphs", name, ok);
    }
}

/* --free-until-heading N: the paid section starts at the Nth top heading. */
static void
test_teaser_heading(void)
{
    static const struct pd_node *b[MAX_BLOCKS];
    size_t i, m, kmin, k, n, top_idx[MAX_BLOCKS], ntop;
    const char *name;
    int had, r, ok, top, last;
    unsigned nwarn;

    for (i = 0; i < nfiles + N_GENERATED; i++) {
        ok = 1;
        for (n = 1; ok; n++) {
            struct pd_doc *doc = corpus_doc(i, &name, &had);

            if (doc == NULL)
                break;
            m = blocks_of(doc, b, &kmin);
            top = 7;
            for (k = kmin; k < m; k++)
                if (b[k]->type == PD_NODE_HEADING &&
                    b[k]->as.heading.level < top)
                    top = b[k]->as.heading.level;
            for (ntop = 0, k = kmin; k < m; k++)
                if (b[k]->type == PD_NODE_HEADING &&
                    b[k]->as.heading.level == top)
                    top_idx[ntop++] = k;
            if (n > ntop + 1) {
                pd_doc_free(doc);
                break;
            }
            r = teaser(doc, PD_TEASER_HEADING, (double)n, &nwarn);
            if (n <= ntop && top_idx[n - 1] > kmin) {
                k = paid_index(doc, &last);
                ok = r == 1 && nwarn == 0 && last && k == top_idx[n - 1] &&
                    doc->root->last->first == b[k];
            } else {
                ok = r == 0 && nwarn == 1 &&
                    count_type(doc->root, PD_NODE_PAID) == 0;
            }
            if (!ok)
                printf("  %s at top heading %zu: returned %d\n", name, n, r);
            pd_doc_free(doc);
        }
        CHECKF("teaser-heading", name, ok);
    }
}

/* The cases where nothing may happen, and the heading rule of the ratio. */
static void
test_teaser_edges(void)
{
    struct pd_buf src = {0};
    struct pd_doc *doc;
    unsigned nwarn;
    size_t k;
    int r;

    doc = read_str("标题\n正文。\n##paidbegin##\n付费。\n##paidend##\n");
    r = teaser(doc, PD_TEASER_RATIO, 0.5, &nwarn);
    CHECK("teaser-has-paid", r == 0 && nwarn == 1 &&
          count_type(doc->root, PD_NODE_PAID) == 1);
    r = teaser(doc, PD_TEASER_NONE, 0, &nwarn);
    CHECK("teaser-none", r == 0 && nwarn == 0);
    pd_doc_free(doc);

    doc = read_str("标题\n第一段。\n第二段。\n");
    r = teaser(doc, PD_TEASER_RATIO, 0.0, &nwarn);
    CHECK("teaser-ratio-zero", r == 0 && nwarn == 1);
    r = teaser(doc, PD_TEASER_RATIO, 1.0, &nwarn);
    CHECK("teaser-ratio-one", r == 0 && nwarn == 1);
    r = teaser(doc, PD_TEASER_HEADING, 0, &nwarn);
    CHECK("teaser-heading-zero", r == 0 && nwarn == 1 &&
          count_type(doc->root, PD_NODE_PAID) == 0);
    r = teaser(doc, PD_TEASER_PARAGRAPHS, 1, &nwarn);
    CHECK("teaser-title-stays-free", r == 1 &&
          doc->root->first->type == PD_NODE_TITLE &&
          doc->root->last->type == PD_NODE_PAID &&
          doc->root->first->next->next == doc->root->last);
    pd_doc_free(doc);

    doc = pd_doc_new();
    r = teaser(doc, PD_TEASER_RATIO, 0.5, &nwarn);
    CHECK("teaser-empty", r == 0 && nwarn == 1);
    pd_doc_free(doc);

    doc = read_str("只有标题\n");
    r = teaser(doc, PD_TEASER_PARAGRAPHS, 1, &nwarn);
    CHECK("teaser-title-only", r == 0 && nwarn == 1);
    pd_doc_free(doc);

    /*
     * Title 1 + 一、甲 3 + 100 + 二、乙 3 + 100 characters: at 0.52 the
     * nearest boundary is after 二、乙 (107/207 = 0.517), but a heading is
     * not left last in the free part: the section starts at 二、乙.
     */
    pd_buf_puts(&src, "题\n一、甲\n");
    for (k = 0; k < 99; k++)
        pd_buf_puts(&src, "字");
    pd_buf_puts(&src, "。\n二、乙\n");
    for (k = 0; k < 99; k++)
        pd_buf_puts(&src, "字");
    pd_buf_puts(&src, "。\n");
    doc = read_text(src.data, src.len, NULL);
    r = teaser(doc, PD_TEASER_RATIO, 0.52, &nwarn);
    CHECK("teaser-ratio-heading-goes-paid", r == 1 &&
          doc->root->last->type == PD_NODE_PAID &&
          doc->root->last->first->type == PD_NODE_HEADING &&
          doc->root->last->first->as.heading.level == 1);
    pd_doc_free(doc);
    pd_buf_free(&src);
}

/*
 * ------------------------------------------------------------------------
 * pd_lint
 * ------------------------------------------------------------------------
 */

/* One planted problem per fixture: where, what, and reader warnings. */
static const struct {
    const char *file;
    unsigned line;
    const char *msg;
    unsigned reader;
} planted[] = {
    { "lint-gap-zh", 6, "numbering gap: 四、 follows 二、 (expected 三、)", 0 },
    { "lint-gap-paren", 5, "numbering gap: （三） follows （一） "
      "(expected （二）)", 0 },
    { "lint-gap-arabic", 11, "numbering gap: 4. follows 2. (expected 3.)", 0 },
    { "lint-gap-eleven", 22, "numbering gap: 十二、 follows 十、 "
      "(expected 十一、)", 0 },
    { "lint-skip-level", 6, "skipped level: 1. follows 二、 (expected （一）)",
      0 },
    { "lint-skip-paren", 4, "skipped level: （1） follows （一） (expected 1.)",
      0 },
    { "lint-repeat", 6, "numbering out of order: 二、 follows 二、 "
      "(expected 三、)", 0 },
    { "lint-chapter-gap", 4, "numbering gap: 第三章 follows 第一章 "
      "(expected 第二章)", 0 },
    { "lint-dec-gap", 11, "numbering gap: 1.3 follows 1.1 (expected 1.2)", 0 },
    { "lint-paid-empty", 4, "empty paid section", 0 },
    { "lint-paid-whole", 2, "paid section covers the whole document", 0 },
    { "lint-marker-one-hash", 3, "misspelled marker: ##paidbegin# "
      "(expected ##paidbegin##)", 0 },
    { "lint-marker-left", 3, "misspelled marker: #paidbegin## "
      "(expected ##paidbegin##)", 0 },
    { "lint-marker-fullwidth", 3, "misspelled marker: ＃＃paidbegin＃＃ "
      "(expected ##paidbegin##)", 0 },
    { "lint-marker-space", 3, "misspelled marker: ##paid begin## "
      "(expected ##paidbegin##)", 0 },
    { "lint-marker-case", 3, "misspelled marker: ##PaidBegin## "
      "(expected ##paidbegin##)", 0 },
    { "lint-marker-dollar", 3, "misspelled marker: $$paidbegin$ "
      "(expected $$paidbegin$$)", 0 },
    /* The section the misspelled end should close is never closed. */
    { "lint-marker-end", 5, "misspelled marker: ##paidend# "
      "(expected ##paidend##)", 1 },
    { "lint-marker-inline", 3, "misspelled marker: ##paid-end## "
      "(expected ##paidend##)", 0 },
};

/*
 * Reader fixtures in tests/txt/ that have a real problem by the lint
 * rules (they are fragments made to test the reader, or test broken
 * markers): lint must find something in them.  Every other input must
 * be clean.
 */
static const char *const known_problems[] = {
    "tests/txt/ar-dot-hierarchy.txt",       /* 一、 then 1. */
    "tests/txt/list-then-heading.txt",      /* starts at 2. */
    "tests/txt/marker-case.txt",            /* ##PaidBegin## and others */
    "tests/txt/marker-empty.txt",           /* empty sections */
    "tests/txt/only-markers.txt",           /* an empty section */
    "tests/txt/title-in-paid.txt",          /* everything is paid */
    "tests/txt/zh-fullwidth-digits.txt",    /* 一、 then １． */
    "tests/txt/zh-halfwidth.txt",           /* （二） then (1) */
    "tests/txt/zh-list-sentences.txt",      /* starts at （二） */
    "tests/txt/zh-paren-digit-runin.txt",   /* 一、 then （1） */
    "tests/txt/zh-runin-first-level.txt",   /* 一、 then 1. */
};

static void
test_lint_planted(void)
{
    struct pd_buf src = {0}, out = {0};
    char path[256], want[512];
    unsigned n, reader;
    size_t i;

    for (i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
        snprintf(path, sizeof(path), "tests/fixtures/workflow/%s.txt",
                 planted[i].file);
        pd_buf_clear(&src);
        pd_buf_clear(&out);
        if (read_file(path, &src) != 0) {
            CHECKF("lint-planted", planted[i].file, !"readable");
            continue;
        }
        n = lint_text(src.data, src.len, &out, &reader);
        snprintf(want, sizeof(want), "%u: %s", planted[i].line,
                 planted[i].msg);
        if (n != 1 || strstr(out.data, want) != out.data)
            printf("  %s: %u problems, wanted \"%s\", got:\n%s", path, n,
                   want, out.data != NULL ? out.data : "");
        CHECKF("lint-planted", planted[i].file, n == 1 &&
               strstr(out.data, want) == out.data &&
               reader == planted[i].reader);
    }
    pd_buf_free(&src);
    pd_buf_free(&out);
}

static void
test_lint_clean(void)
{
    struct pd_buf src = {0}, out = {0};
    size_t i, k;
    unsigned n, reader;
    int known;

    for (i = 0; i < nfiles; i++) {
        const char *base = strrchr(files[i], '/') + 1;

        if (strncmp(base, "lint-", 5) == 0)
            continue;                   /* planted problems */
        pd_buf_clear(&src);
        pd_buf_clear(&out);
        if (read_file(files[i], &src) != 0)
            continue;
        n = lint_text(src.data, src.len, &out, &reader);
        if (n >= 1000)
            continue;                   /* not text: the reader refuses it */
        known = 0;
        for (k = 0; k < sizeof(known_problems) / sizeof(*known_problems); k++)
            if (strcmp(files[i], known_problems[k]) == 0)
                known = 1;
        if (known) {
            CHECKF("lint-finds", files[i], n >= 1);
            continue;
        }
        if (n != 0)
            printf("  %s:\n%s", files[i], out.data);
        CHECKF("lint-clean", files[i], n == 0);
    }
    pd_buf_free(&src);
    pd_buf_free(&out);
}

/* The source is decoded as the reader decodes it: UTF-16, CRLF. */
static void
test_lint_encodings(void)
{
    static const char text[] = "报告\r\n免费。\r\n##paidbegin#\r\n付费。\r\n";
    struct pd_buf u16 = {0}, out = {0};
    struct pd_doc *doc;
    struct pd_diag d = {0};
    size_t i = 0;
    uint32_t c;
    unsigned n;

    n = lint_text(text, strlen(text), &out, NULL);
    CHECK("lint-crlf-line", n == 1 && out.data != NULL &&
          strncmp(out.data, "3: misspelled marker: ##paidbegin# ", 35) == 0);

    pd_buf_put(&u16, "\xFF\xFE", 2);
    while (i < strlen(text)) {
        c = pd_utf8_decode(text, strlen(text), &i);
        pd_buf_putc(&u16, (int)(c & 0xFF));
        pd_buf_putc(&u16, (int)(c >> 8));
    }
    pd_buf_clear(&out);
    n = lint_text(u16.data, u16.len, &out, NULL);
    CHECK("lint-utf16", n == 1 && out.data != NULL &&
          strncmp(out.data, "3: misspelled marker: ##paidbegin# ", 35) == 0);

    /* Without the source only the tree is checked. */
    doc = read_text(text, strlen(text), NULL);
    CHECK("lint-no-source", pd_lint(doc, NULL, 0, &d) == 0 && d.nwarn == 0);
    pd_doc_free(doc);

    /* Reader warnings (unbalanced markers) are not reported again. */
    pd_buf_clear(&out);
    {
        static const char nested[] = "报告\n免费。\n##paidbegin##\n甲。\n"
            "##paidbegin##\n乙。\n##paidend##\n##paidend##\n";
        unsigned reader;

        n = lint_text(nested, strlen(nested), &out, &reader);
        CHECK("lint-not-twice", n == 0 && reader == 2);
    }
    pd_buf_free(&u16);
    pd_buf_free(&out);
}

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--lint") == 0) {
        struct pd_buf src = {0}, out = {0};
        unsigned n, reader;

        if (read_file(argv[2], &src) != 0)
            return 2;
        n = lint_text(src.data, src.len, &out, &reader);
        fputs(out.data != NULL ? out.data : "", stdout);
        printf("%u problems, %u reader warnings\n", n, reader);
        pd_buf_free(&src);
        pd_buf_free(&out);
        return 0;
    }
    gather_files();
    CHECK("corpus-found", nfiles >= 20);
    test_stats();
    test_teaser_edges();
    test_teaser_ratio();
    test_teaser_paragraphs();
    test_teaser_heading();
    test_lint_planted();
    test_lint_clean();
    test_lint_encodings();
    return failed ? 1 : 0;
}
