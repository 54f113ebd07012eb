/*
 * testutil.h - helpers shared by the C test programs in tests/.
 */
#ifndef PD_TESTUTIL_H
#define PD_TESTUTIL_H

#include <stdio.h>

#include "paidoc.h"

/* Append the whole file at path to b (NUL-terminated); -1 if unreadable. */
static int
read_file(const char *path, struct pd_buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        pd_buf_put(b, chunk, n);
    fclose(f);
    pd_buf_put(b, "", 0);
    return 0;
}

#endif /* PD_TESTUTIL_H */
