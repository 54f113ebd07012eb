/*
 * api.c - tests of the core library: builder rules, iterator order,
 * metadata, paid modes, text decoding and the registry.  Prints
 * "PASS name" / "FAIL name: why" lines (run by tests/prop/api.sh).
 */
#include <stdio.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

#include "check.h"

/* The event sequence of a walk as "+type" / "-type" tokens. */
static void
walk_string(const struct pd_node *root, char *out, size_t size)
{
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;
    size_t len = 0;

    out[0] = '\0';
    pd_iter_init(&it, root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE && len + 32 < size)
        len += (size_t)snprintf(out + len, size - len, "%s%s ",
                                ev == PD_EVENT_ENTER ? "+" : "-",
                                pd_node_type_name[n->type]);
}

static void
test_builder(void)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_builder b;
    struct pd_node *n;
    char walk[512];
    int i;

    pd_builder_init(&b, doc);
    CHECK("builder-paragraph", pd_push(&b, PD_NODE_PARAGRAPH) != NULL);
    pd_add_text(&b, "ab", 2);
    n = pd_add_text(&b, "cd", 2);
    CHECK("builder-text-merged", n != NULL && n->len == 4 &&
          strcmp(n->text, "abcd") == 0 && b.cur->first == b.cur->last);
    CHECK("builder-empty-text", pd_add_text(&b, "", 0) == NULL);
    CHECK("builder-no-block-in-inline", pd_push(&b, PD_NODE_PARAGRAPH) == NULL);
    pd_pop(&b);
    CHECK("builder-no-text-in-root", pd_add_text(&b, "x", 1) == NULL);
    CHECK("builder-paid", pd_push(&b, PD_NODE_PAID) != NULL);
    CHECK("builder-no-nested-paid", pd_push(&b, PD_NODE_PAID) == NULL);
    CHECK("builder-no-title-in-paid", pd_push(&b, PD_NODE_TITLE) == NULL);
    CHECK("builder-list-in-paid", pd_push(&b, PD_NODE_BULLET_LIST) != NULL);
    CHECK("builder-list-needs-items", pd_push(&b, PD_NODE_PARAGRAPH) == NULL);
    CHECK("builder-item", pd_push(&b, PD_NODE_LIST_ITEM) != NULL);
    CHECK("builder-no-paid-in-item", pd_push(&b, PD_NODE_PAID) == NULL);
    pd_pop_all(&b);
    CHECK("builder-pop-all", b.cur == doc->root && b.depth == 0);
    CHECK("builder-leaf", pd_add_leaf(&b, PD_NODE_PAGE_BREAK) != NULL);
    CHECK("builder-leaf-not-container",
          pd_add_leaf(&b, PD_NODE_PARAGRAPH) == NULL);
    walk_string(doc->root, walk, sizeof(walk));
    CHECK("iter-order", strcmp(walk, "+document +paragraph +text -paragraph "
          "+paid +bullet_list +item -item -bullet_list -paid +page_break "
          "-document ") == 0);

    /* Depth limit: quotes nest until max_depth, then push fails. */
    b.max_depth = 10;
    for (i = 0; i < 20 && pd_push(&b, PD_NODE_BLOCK_QUOTE) != NULL; i++)
        ;
    CHECK("builder-max-depth", i == 10 && b.depth == 10);
    pd_doc_free(doc);
}

static void
test_iter_skip(void)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_builder b;
    struct pd_iter it;
    const struct pd_node *n;
    pd_event ev;
    int texts = 0;

    pd_builder_init(&b, doc);
    pd_push(&b, PD_NODE_PARAGRAPH);
    pd_add_text(&b, "x", 1);
    pd_pop(&b);
    pd_push(&b, PD_NODE_HEADING);
    pd_add_text(&b, "y", 1);
    pd_pop(&b);
    pd_iter_init(&it, doc->root);
    while ((ev = pd_iter_next(&it, &n)) != PD_EVENT_DONE) {
        if (ev == PD_EVENT_ENTER && n->type == PD_NODE_PARAGRAPH)
            pd_iter_skip(&it);
        if (ev == PD_EVENT_ENTER && n->type == PD_NODE_TEXT)
            texts++;
    }
    CHECK("iter-skip", texts == 1);
    /* A walk of a single leaf gives one event. */
    pd_iter_init(&it, doc->root->last->first);
    CHECK("iter-leaf-root", pd_iter_next(&it, &n) == PD_EVENT_ENTER &&
          pd_iter_next(&it, &n) == PD_EVENT_DONE);
    pd_doc_free(doc);
}

static void
test_meta_lang(void)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_builder b;

    pd_doc_set_meta(doc, "title", "A");
    pd_doc_set_meta(doc, "title", "B");
    CHECK("meta-replace", strcmp(pd_doc_meta(doc, "title"), "B") == 0);
    pd_doc_set_meta(doc, "title", NULL);
    CHECK("meta-remove", pd_doc_meta(doc, "title") == NULL);
    CHECK("lang-empty", strcmp(pd_doc_lang(doc), "en") == 0);
    pd_builder_init(&b, doc);
    pd_push(&b, PD_NODE_PARAGRAPH);
    pd_add_text(&b, "本报告引用了 OECD Employment Outlook 的数据。",
                strlen("本报告引用了 OECD Employment Outlook 的数据。"));
    pd_pop(&b);
    CHECK("lang-mixed-zh", strcmp(pd_doc_lang(doc), "zh-CN") == 0);
    pd_doc_set_meta(doc, "lang", "en-GB");
    CHECK("lang-meta-wins", strcmp(pd_doc_lang(doc), "en-GB") == 0 &&
          !pd_doc_is_cjk(doc));
    pd_doc_free(doc);
}

/* A document: free paragraph, paid section with one paragraph, free. */
static struct pd_doc *
paid_doc(void)
{
    struct pd_doc *doc = pd_doc_new();
    struct pd_builder b;

    pd_builder_init(&b, doc);
    pd_push(&b, PD_NODE_PARAGRAPH);
    pd_add_text(&b, "free one", 8);
    pd_pop(&b);
    pd_push(&b, PD_NODE_PAID);
    pd_push(&b, PD_NODE_PARAGRAPH);
    pd_add_text(&b, "secret words", 12);
    pd_pop_all(&b);
    pd_push(&b, PD_NODE_PARAGRAPH);
    pd_add_text(&b, "free two", 8);
    pd_pop(&b);
    pd_doc_set_meta(doc, "author", "secret words");
    pd_doc_set_meta(doc, "title", "free one");
    return doc;
}

static void
test_paid_modes(void)
{
    struct pd_opts o;
    struct pd_doc *doc;
    struct pd_buf t = {0};
    char walk[512];

    memset(&o, 0, sizeof(o));
    o.paid = PD_PAID_PREVIEW;
    doc = paid_doc();
    pd_apply_paid(doc, &o);
    pd_node_text(doc->root, &t);
    CHECK("preview-text", strcmp(t.data, "free one" "The rest of this "
          "document is for paying readers." "free two") == 0);
    CHECK("preview-meta-scrubbed", pd_doc_meta(doc, "author") == NULL &&
          pd_doc_meta(doc, "title") != NULL);
    walk_string(doc->root, walk, sizeof(walk));
    CHECK("preview-paywall-node", strstr(walk, "+paywall +text -paywall") &&
          !strstr(walk, "paid"));
    pd_doc_free(doc);

    o.paywall_url = "https://example.org/buy";
    o.paywall_text = "Buy";
    doc = paid_doc();
    pd_apply_paid(doc, &o);
    walk_string(doc->root, walk, sizeof(walk));
    CHECK("preview-paywall-link", strstr(walk, "+paywall +link +text -link"));
    pd_doc_free(doc);

    o.paid = PD_PAID_FULL;
    doc = paid_doc();
    pd_apply_paid(doc, &o);
    walk_string(doc->root, walk, sizeof(walk));
    CHECK("full", strcmp(walk, "+document +paragraph +text -paragraph "
          "+paragraph +text -paragraph +paragraph +text -paragraph "
          "-document ") == 0);
    pd_doc_free(doc);

    o.paid = PD_PAID_ONLY;
    doc = paid_doc();
    pd_apply_paid(doc, &o);
    pd_buf_clear(&t);
    pd_node_text(doc->root, &t);
    CHECK("only", strcmp(t.data, "secret words") == 0);
    pd_doc_free(doc);
    pd_buf_free(&t);
}

static void
test_decode(void)
{
    struct pd_buf out = {0};
    struct pd_diag d;
    const unsigned char utf16le[] = { 0xFF, 0xFE, 'a', 0, '\r', 0, '\n', 0,
                                      0x2D, 0x4E };
    const unsigned char gb[] = { 0xD6, 0xD0, 0xCE, 0xC4, '\r' };   /* 中文 */
    const unsigned char bom[] = { 0xEF, 0xBB, 0xBF, 'x', '\r', 'y' };

    memset(&d, 0, sizeof(d));
    CHECK("decode-utf16le", pd_decode_text(utf16le, sizeof(utf16le), NULL,
          &out, &d) == 0 && strcmp(out.data, "a\n中") == 0);
    pd_buf_clear(&out);
    CHECK("decode-gb18030", pd_decode_text(gb, sizeof(gb), NULL, &out,
          &d) == 0 && strcmp(out.data, "中文\n") == 0);
    pd_buf_clear(&out);
    CHECK("decode-bom-cr", pd_decode_text(bom, sizeof(bom), NULL, &out,
          &d) == 0 && strcmp(out.data, "x\ny") == 0);
    pd_buf_clear(&out);
    CHECK("decode-nul", pd_decode_text((const unsigned char *)"a\0b", 3,
          NULL, &out, &d) == -1 && d.status == PD_ERR_DATA &&
          strstr(d.msg, "offset 1") != NULL);
    memset(&d, 0, sizeof(d));
    CHECK("decode-empty", pd_decode_text((const unsigned char *)"", 0, NULL,
          &out, &d) == 0 && out.len == 0);
    pd_buf_free(&out);
}

static void
test_utf8_registry(void)
{
    const char s[] = "a\xE4\xB8\xAD\xFF";
    size_t i = 0;
    uint32_t c1, c2, c3;

    c1 = pd_utf8_decode(s, 5, &i);
    c2 = pd_utf8_decode(s, 5, &i);
    c3 = pd_utf8_decode(s, 5, &i);
    CHECK("utf8-decode", c1 == 'a' && c2 == 0x4E2D && c3 == 0xFFFD && i == 5);
    i = 4;
    CHECK("utf8-decode-prev", pd_utf8_decode_prev(s, &i) == 0x4E2D && i == 1);
    CHECK("utf8-check", pd_utf8_check(s, 5) == 4 && pd_utf8_check(s, 4) == 4);
    CHECK("registry-alias", pd_format_by_name("markdown") ==
          pd_format_by_name("md"));
    CHECK("registry-ext", pd_format_by_path("dir.x/a.HTM") ==
          pd_format_by_name("html") && pd_format_by_path("a.x/b") == NULL);
}

/* A sink that keeps what it is given; fails from call fail_at on. */
struct collect {
    struct pd_buf got;
    int calls, fail_at;
};

static int
collect(void *ud, const char *p, size_t n)
{
    struct collect *c = ud;

    if (++c->calls >= c->fail_at && c->fail_at > 0)
        return -1;
    pd_buf_put(&c->got, p, n);
    return 0;
}

/*
 * Every writer's output through a sink is byte for byte its output kept
 * whole, on a document long enough to be passed on in many pieces (with
 * lists, quotes, emphasis and a paid section, where the writers look
 * back); a failing sink is reported by pd_buf_flush().
 */
static void
test_sink(void)
{
    static const char *fmts[] = { "txt", "md", "html", "docx", "json",
                                  "tree" };
    struct pd_buf src = {0};
    struct pd_opts opts = {0};
    struct pd_diag d;
    struct pd_doc *doc = pd_doc_new();
    size_t i;
    char name[64];
    int k;

    pd_buf_puts(&src, "Title\n\n");
    for (k = 0; k < 6000; k++) {
        pd_buf_printf(&src, "%d. Point **%d** with *stress* and `code`\n\n",
                      k % 9 + 1, k);
        if (k % 7 == 0)
            pd_buf_puts(&src, "- one\n- two *x*\n\n> quoted _line_ \n\n");
        if (k == 3000)
            pd_buf_puts(&src, "##paidbegin##\n\n");
    }
    pd_buf_puts(&src, "##paidend##\n\nlast words\n");
    memset(&d, 0, sizeof(d));
    d.file = "sink.md";
    CHECK("sink-read", pd_read_md(doc, (const unsigned char *)src.data,
                                  src.len, &opts, &d) == 0);
    for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        const struct pd_format *f = pd_format_by_name(fmts[i]);
        struct pd_buf whole = {0}, out = {0};
        struct collect c = { {0}, 0, 0 };
        int r1, r2, r3;

        memset(&d, 0, sizeof(d));
        d.file = "sink.out";
        r1 = f->write(doc, &whole, &opts, &d);
        pd_buf_set_sink(&out, collect, &c);
        r2 = f->write(doc, &out, &opts, &d);
        r3 = pd_buf_flush(&out);
        snprintf(name, sizeof(name), "sink-same-%s", fmts[i]);
        CHECK(name, r1 == 0 && r2 == 0 && r3 == 0 && out.len == 0 &&
              c.got.len == whole.len && whole.len > 0 &&
              memcmp(c.got.data, whole.data, whole.len) == 0);
        snprintf(name, sizeof(name), "sink-pieces-%s", fmts[i]);
        CHECK(name, strcmp(fmts[i], "docx") == 0 ||
              (size_t)c.calls >= whole.len / PD_BUF_FLUSH_AT);
        pd_buf_free(&out);
        pd_buf_free(&c.got);
        /* A sink that fails at once: called once, the failure kept. */
        c.calls = 0;
        c.fail_at = 1;
        pd_buf_set_sink(&out, collect, &c);
        r2 = f->write(doc, &out, &opts, &d);
        snprintf(name, sizeof(name), "sink-failure-%s", fmts[i]);
        CHECK(name, r2 == 0 && pd_buf_flush(&out) == -1 && c.calls == 1);
        pd_buf_free(&out);
        pd_buf_free(&c.got);
        pd_buf_free(&whole);
    }
    pd_doc_free(doc);
    pd_buf_free(&src);
}

int
main(void)
{
    test_builder();
    test_iter_skip();
    test_meta_lang();
    test_paid_modes();
    test_decode();
    test_utf8_registry();
    test_sink();
    return failed ? 1 : 0;
}
