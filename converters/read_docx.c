/* read_docx.c - placeholder until the docx reader lands. */
#include "paidoc.h"

int
pd_read_docx(struct pd_doc *doc, const unsigned char *in, size_t len,
           const struct pd_opts *opts, struct pd_diag *d)
{
    (void)doc;
    (void)in;
    (void)len;
    (void)opts;
    return pd_error(d, PD_ERR_USAGE, 0, "cannot read docx yet");
}
