/* read_tree.c - placeholder until the tree reader lands. */
#include "paidoc.h"

int
pd_read_tree(struct pd_doc *doc, const unsigned char *in, size_t len,
             const struct pd_opts *opts, struct pd_diag *d)
{
    (void)doc;
    (void)in;
    (void)len;
    (void)opts;
    return pd_error(d, PD_ERR_INTERNAL, 0, "the tree reader is not written yet");
}
