/*
 * diag.c - warnings and the fatal error of a conversion.
 */
#include <stdarg.h>
#include <stdio.h>

#include "paidoc.h"

void
pd_warn(struct pd_diag *d, unsigned line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (d == NULL)
        return;
    d->nwarn++;
    if (d->warn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->warn(d->ud, d->file, line, msg);
}

int
pd_error(struct pd_diag *d, int status, unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (d == NULL || d->status != PD_OK)
        return -1;
    d->status = status;
    d->line = line;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    return -1;
}
