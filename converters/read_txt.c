/* read_txt.c - placeholder until the plain-text reader lands. */
#include "paidoc.h"
#include "internal.h"

int
pd_read_txt(struct pd_doc *doc, const unsigned char *in, size_t len,
            const struct pd_opts *opts, struct pd_diag *d)
{
    struct pd_buf text = {0};
    struct pd_builder b;
    size_t i, start = 0;

    if (pd_decode_text(in, len, opts->encoding, &text, d) < 0)
        return -1;
    pd_builder_init(&b, doc);
    for (i = 0; i <= text.len; i++) {
        if (i == text.len || text.data[i] == '\n') {
            if (i > start) {
                pd_push(&b, PD_NODE_PARAGRAPH);
                pd_add_text(&b, text.data + start, i - start);
                pd_pop(&b);
            }
            start = i + 1;
        }
    }
    pd_buf_free(&text);
    return 0;
}
