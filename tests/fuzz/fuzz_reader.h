/*
 * fuzz_reader.h - the body of the one-reader fuzz targets: define
 * FUZZ_FORMAT ("txt", "md", ...) and include this file.  The input is the
 * file as a user would give it; the reader must succeed with a sound tree
 * (then the tree and JSON writers run on it) or fail with exit class 65.
 * FUZZ_PREPARE(data, size, buf), when defined, may turn the fuzzer's
 * bytes into the file in buf (fuzz_docx.c packages XML into a zip).
 */
#ifndef FUZZ_FORMAT
#error "define FUZZ_FORMAT"
#endif
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct pd_format *f = pd_format_by_name(FUZZ_FORMAT);
    struct pd_opts opts;
    struct pd_diag d;
    struct pd_doc *doc;
    struct pd_buf out = {0}, file = {0};

#ifdef FUZZ_PREPARE
    if (!(size >= 2 && data[0] == 'P' && data[1] == 'K')) {
        FUZZ_PREPARE(data, size, &file);
        data = (const uint8_t *)file.data;
        size = file.len;
    }
#endif
    if (f == NULL || f->read == NULL)
        fuzz_fail("no reader", FUZZ_FORMAT);
    memset(&opts, 0, sizeof(opts));
    memset(&d, 0, sizeof(d));
    d.file = "fuzz";
    doc = pd_doc_new();
    if (f->read(doc, data, size, &opts, &d) < 0) {
        fuzz_check_failure(&d);
    } else {
        fuzz_check_tree(doc);
        if (pd_write_tree(doc, &out, &opts, &d) < 0)
            fuzz_fail("tree writer failed", d.msg);
        fuzz_check_text("tree output", out.data, out.len);
        pd_buf_clear(&out);
        if (pd_write_json(doc, &out, &opts, &d) < 0)
            fuzz_fail("json writer failed", d.msg);
        fuzz_check_text("json output", out.data, out.len);
    }
    pd_buf_free(&out);
    pd_buf_free(&file);
    pd_doc_free(doc);
    return 0;
}
