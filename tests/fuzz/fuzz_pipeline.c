/*
 * fuzz_pipeline.c - libFuzzer target: any reader, then every writer.
 *
 * The first byte chooses the reader (bits 0-2, modulo 5: txt, md, html,
 * docx, json), the paid mode (bits 3-4), a whole HTML page (bit 5), a
 * low nesting limit (bit 6) and whether the DOCX writer runs (bit 7 clear;
 * it costs about 5 ms, a hundred times the other writers, so that half
 * of the inputs skip it); the rest is the input.  Every writer must
 * succeed, and its output must be well-formed (fuzz.h) and read back
 * with the reader of its format; JSON must read back to the same JSON.
 */
#include "fuzz.h"

static const char *const readers[] = { "txt", "md", "html", "docx", "json" };

/* Read out back with the reader of fmt; it must succeed. */
static void
read_back(const char *fmt, const struct pd_buf *out, struct pd_buf *again)
{
    const struct pd_format *f = pd_format_by_name(fmt);
    struct pd_opts opts;
    struct pd_diag d;
    struct pd_doc *doc = pd_doc_new();
    char msg[700];

    memset(&opts, 0, sizeof(opts));
    memset(&d, 0, sizeof(d));
    if (f->read(doc, (const unsigned char *)(out->data ? out->data : ""),
                out->len, &opts, &d) < 0) {
        snprintf(msg, sizeof(msg), "%s: %s", fmt, d.msg);
        fuzz_fail("writer output does not read back", msg);
    }
    fuzz_check_tree(doc);
    if (again != NULL && pd_write_json(doc, again, &opts, &d) < 0)
        fuzz_fail("json writer failed on read-back", d.msg);
    pd_doc_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const writers[] = {
        "txt", "md", "html", "docx", "json", "tree"
    };
    const struct pd_format *rf, *wf;
    struct pd_opts opts;
    struct pd_diag d;
    struct pd_doc *doc;
    struct pd_buf out = {0}, again = {0};
    struct pd_iter it;
    const struct pd_node *n;
    size_t i;

    if (size < 1)
        return 0;
    memset(&opts, 0, sizeof(opts));
    memset(&d, 0, sizeof(d));
    d.file = "fuzz";
    rf = pd_format_by_name(readers[(data[0] & 7) % 5]);
    opts.paid = (pd_paid_mode)((data[0] >> 3) & 3);
    opts.standalone = (data[0] >> 5) & 1;
    if (data[0] & 0x40)
        opts.max_depth = 4;
    doc = pd_doc_new();
    if (rf->read(doc, data + 1, size - 1, &opts, &d) < 0) {
        fuzz_check_failure(&d);
        pd_doc_free(doc);
        return 0;
    }
    fuzz_check_tree(doc);
    pd_apply_paid(doc, &opts);
    fuzz_check_tree(doc);
    if (opts.paid != PD_PAID_KEEP) {
        pd_iter_init(&it, doc->root);
        while (pd_iter_next(&it, &n) != PD_EVENT_DONE)
            if (n->type == PD_NODE_PAID)
                fuzz_fail("paid mode", "a paid section is left");
    }
    for (i = 0; i < sizeof(writers) / sizeof(*writers); i++) {
        if (i == 3 && (data[0] & 0x80))
            continue;
        wf = pd_format_by_name(writers[i]);
        pd_buf_clear(&out);
        memset(&d, 0, sizeof(d));
        d.file = "fuzz";
        if (wf->write(doc, &out, &opts, &d) < 0)
            fuzz_fail(writers[i], d.msg);
        switch (i) {
        case 0:
            fuzz_check_text("txt output", out.data, out.len);
            read_back("txt", &out, NULL);
            break;
        case 1:
            fuzz_check_md(&out);
            read_back("md", &out, NULL);
            break;
        case 2:
            fuzz_check_html(&out);
            read_back("html", &out, NULL);
            break;
        case 3:
            fuzz_check_docx(&out);
            read_back("docx", &out, NULL);
            break;
        case 4:
            fuzz_check_text("json output", out.data, out.len);
            pd_buf_clear(&again);
            read_back("json", &out, &again);
            if (again.len != out.len ||
                memcmp(again.data, out.data, out.len) != 0)
                fuzz_fail("json", "json -> json is not stable");
            break;
        default:
            fuzz_check_text("tree output", out.data, out.len);
            break;
        }
    }
    pd_buf_free(&out);
    pd_buf_free(&again);
    pd_doc_free(doc);
    return 0;
}
