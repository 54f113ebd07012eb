/* write_docx.c - placeholder until the DOCX writer lands. */
#include "paidoc.h"

int
pd_write_docx(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    (void)doc;
    (void)out;
    (void)opts;
    return pd_error(d, PD_ERR_INTERNAL, 0, "the docx writer is not written yet");
}
