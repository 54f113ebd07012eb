/* write_json.c - placeholder until the JSON writer lands. */
#include "paidoc.h"

int
pd_write_json(const struct pd_doc *doc, struct pd_buf *out,
              const struct pd_opts *opts, struct pd_diag *d)
{
    (void)doc;
    (void)out;
    (void)opts;
    return pd_error(d, PD_ERR_USAGE, 0, "cannot write json yet");
}
