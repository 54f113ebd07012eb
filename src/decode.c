/*
 * decode.c - turn the bytes of a text input into UTF-8 with LF line ends.
 *
 * Order of guesses: an explicit --encoding; a BOM (UTF-8, UTF-16 LE/BE);
 * valid UTF-8; GB18030 (a superset of GBK and GB2312, what Chinese Windows
 * saves as "ANSI").  A NUL byte means the input is not text at all.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

/* Append s to out with CRLF and CR turned into LF. */
static void
put_lf(struct pd_buf *out, const char *s, size_t len, int *pending_cr)
{
    size_t i = 0, start = 0;
    const char *cr;

    pd_buf_grow(out, len);
    if (len > 0 && *pending_cr && s[0] == '\n')
        start = i = 1;          /* LF of a CRLF already written */
    *pending_cr = 0;
    /* Copy the runs between CRs whole. */
    while (i < len && (cr = memchr(s + i, '\r', len - i)) != NULL) {
        i = (size_t)(cr - s);
        pd_buf_put(out, s + start, i - start);
        pd_buf_putc(out, '\n');
        i++;
        if (i == len)
            *pending_cr = 1;
        else if (s[i] == '\n')
            i++;
        start = i;
    }
    pd_buf_put(out, s + start, len - start);
}

/* 1-based line of byte offset off, counting LF and lone CR. */
static unsigned
line_of(const unsigned char *in, size_t off)
{
    unsigned line = 1;
    size_t i;

    for (i = 0; i < off; i++)
        if (in[i] == '\n' || (in[i] == '\r' && (i + 1 >= off || in[i + 1] != '\n')))
            line++;
    return line;
}

/*
 * Convert with iconv from `from` to UTF-8.  On an undecodable byte stores
 * its offset in *bad and returns -1.
 */
static int
convert(const unsigned char *in, size_t len, const char *from,
        struct pd_buf *out, size_t *bad, struct pd_diag *d)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char *ip = (char *)in, tmp[16384];
    size_t left = len;
    int cr = 0;

    if (cd == (iconv_t)-1)
        return pd_error(d, PD_ERR_USAGE, 0, "unknown encoding: %s", from);
    while (left > 0) {
        char *op = tmp;
        size_t room = sizeof(tmp);
        size_t r = iconv(cd, &ip, &left, &op, &room);

        put_lf(out, tmp, (size_t)(op - tmp), &cr);
        if (r == (size_t)-1 && errno != E2BIG) {
            *bad = (size_t)(ip - (char *)in);
            iconv_close(cd);
            return -1;
        }
    }
    {
        char *op = tmp;
        size_t room = sizeof(tmp);

        iconv(cd, NULL, NULL, &op, &room);
        put_lf(out, tmp, (size_t)(op - tmp), &cr);
    }
    iconv_close(cd);
    return 0;
}

int
pd_decode_text(const unsigned char *in, size_t len, const char *encoding,
               struct pd_buf *out, struct pd_diag *d)
{
    size_t bad = 0, start = out->len;
    const void *nul;
    int cr = 0;

    if (encoding != NULL && *encoding != '\0') {
        if (convert(in, len, encoding, out, &bad, d) < 0) {
            if (d->status != PD_OK)
                return -1;
            return pd_error(d, PD_ERR_DATA, line_of(in, bad),
                            "byte 0x%02X at offset %zu is not %s",
                            in[bad], bad, encoding);
        }
        goto check_nul;
    }
    if (len >= 2 && (in[0] == 0xFF || in[0] == 0xFE) &&
        in[1] == (in[0] ^ 0x01)) {
        const char *enc = in[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";

        if (convert(in + 2, len - 2, enc, out, &bad, d) < 0) {
            if (d->status != PD_OK)
                return -1;
            return pd_error(d, PD_ERR_DATA, 0,
                            "not a text file: bad %s at offset %zu",
                            enc, bad + 2);
        }
        goto check_nul;
    }
    if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) {
        in += 3;
        len -= 3;
    }
    nul = memchr(in, 0, len);
    if (nul != NULL)
        return pd_error(d, PD_ERR_DATA, 0,
                        "not a text file: byte 0x00 at offset %zu",
                        (size_t)((const unsigned char *)nul - in));
    bad = pd_utf8_check((const char *)in, len);
    if (bad == len) {
        put_lf(out, (const char *)in, len, &cr);
        return 0;
    }
    {
        size_t first_bad = bad;

        if (convert(in, len, "GB18030", out, &bad, d) < 0) {
            out->len = start;
            if (d->status != PD_OK)
                return -1;
            return pd_error(d, PD_ERR_DATA, 0,
                            "not a text file: byte 0x%02X at offset %zu",
                            in[first_bad], first_bad);
        }
    }
check_nul:
    /* A BOM that survived conversion (GB18030 can encode U+FEFF). */
    if (out->len - start >= 3 && memcmp(out->data + start, "\xEF\xBB\xBF", 3) == 0) {
        memmove(out->data + start, out->data + start + 3, out->len - start - 3);
        out->len -= 3;
        out->data[out->len] = '\0';
    }
    if (out->len > start && memchr(out->data + start, 0, out->len - start)) {
        out->len = start;
        return pd_error(d, PD_ERR_DATA, 0,
                        "not a text file: NUL character in the text");
    }
    return 0;
}

int
pd_decode_as_is(const unsigned char *in, size_t len, const char *encoding,
                size_t *skip, int *ctl)
{
    int any_ctl;

    *skip = 0;
    if (len == 0 || (encoding != NULL && *encoding != '\0'))
        return 0;
    if (len >= 2 && (in[0] == 0xFF || in[0] == 0xFE) &&
        in[1] == (in[0] ^ 0x01))
        return 0;               /* UTF-16 */
    if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
        *skip = 3;
    /* One pass for NUL, CR and UTF-8 (the BOM holds neither NUL nor CR). */
    if (pd_utf8_check_text((const char *)in + *skip, len - *skip,
                           &any_ctl) != len - *skip)
        return 0;
    if (ctl != NULL)
        *ctl = any_ctl;
    return 1;
}
