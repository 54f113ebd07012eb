/*
 * buf.c - growable output buffers.  Writers build their output in one of
 * these; with a sink, it is passed on in pieces as they go (the program
 * streams into a temporary file that is renamed when all went well).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

void
pd_buf_grow(struct pd_buf *b, size_t n)
{
    size_t cap;

    if (b->cap - b->len > n)
        return;
    cap = b->cap ? b->cap : 256;
    while (cap - b->len <= n) {
        if (cap > ((size_t)-1) / 2) {
            fputs("paidoc: out of memory\n", stderr);
            abort();
        }
        cap *= 2;
    }
    b->data = pd_xrealloc(b->data, cap);
    b->cap = cap;
}

void
pd_buf_put(struct pd_buf *b, const void *p, size_t n)
{
    pd_buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
pd_buf_puts(struct pd_buf *b, const char *s)
{
    pd_buf_put(b, s, strlen(s));
}

void
pd_buf_putc(struct pd_buf *b, int c)
{
    pd_buf_grow(b, 1);
    b->data[b->len++] = (char)c;
    b->data[b->len] = '\0';
}

void
pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    pd_buf_grow(b, 64);
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= b->cap - b->len) {
        pd_buf_grow(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void
pd_buf_clear(struct pd_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void
pd_buf_set_sink(struct pd_buf *b,
                int (*sink)(void *ud, const char *p, size_t n), void *ud)
{
    b->sink = sink;
    b->sink_ud = ud;
    b->sink_failed = 0;
    /*
     * Room for what comes between checkpoints, at once: grown by
     * doubling, the buffer was copied at each step into pages faulted in
     * afresh, twice the pages it ends up with.  A block this big is
     * mapped on its own, and only the pages written are faulted in.
     */
    if (sink != NULL)
        pd_buf_grow(b, PD_BUF_FLUSH_AT + PD_BUF_FLUSH_AT / 2);
}

/* Pass all but the last keep bytes to the sink. */
static void
pass(struct pd_buf *b, size_t keep)
{
    size_t n;

    if (b->len <= keep)
        return;
    n = b->len - keep;
    if (!b->sink_failed && b->sink(b->sink_ud, b->data, n) < 0)
        b->sink_failed = 1;
    memmove(b->data, b->data + n, keep);
    b->len = keep;
    b->data[keep] = '\0';
}

void
pd_buf_checkpoint(struct pd_buf *b)
{
    if (b->sink != NULL && b->len >= PD_BUF_FLUSH_AT)
        pass(b, PD_BUF_KEEP);
}

int
pd_buf_flush(struct pd_buf *b)
{
    if (b->sink == NULL)
        return 0;
    pass(b, 0);
    return b->sink_failed ? -1 : 0;
}

void
pd_buf_free(struct pd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->sink = NULL;
    b->sink_ud = NULL;
    b->sink_failed = 0;
}
